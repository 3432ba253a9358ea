// fuzz-compression: gzip and zlib input (Gzip.decompress, Zlib.decompress, the streaming
// Inflater), each with an output limit. Beyond "no crash", it checks that the streaming
// inflater fed in uneven pieces agrees with the one-shot call, and that whatever inflates
// also compresses and inflates back to the same bytes.
// fuzz-seeds: Fuzz/seeds/compression
import Foundation
import FuzzSupport
import PruneCompression

/// Small enough to keep runs fast, large enough that real inputs reach the end of the stream.
let limit = 1 << 20

func inflate(_ container: CompressionContainer, _ data: Data) throws -> Data {
    let oneShot = container == .gzip ? try Gzip.decompress(data, limit: limit) : try Zlib.decompress(data, limit: limit)
    // The same bytes through the streaming inflater, in pieces whose sizes come from the input.
    let inflater = try Inflater(container: container, limit: limit)
    var streamed = Data(), offset = data.startIndex, step = 1
    while offset < data.endIndex {
        let end = min(offset + step, data.endIndex)
        streamed += try inflater.update(data[offset..<end])
        step = Int(data[offset]) % 61 + 1
        offset = end
    }
    try inflater.finish()
    guard streamed == oneShot else { fatalError("streaming and one-shot inflate disagree") }
    return oneShot
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        for container in CompressionContainer.allCases {
            FuzzHarness.stage({ data in
                let plain = try inflate(container, data)
                let again = try inflate(container, container == .gzip ? try Gzip.compress(plain) : try Zlib.compress(plain))
                guard again == plain else { fatalError("compress → decompress is not the identity") }
            }, data)
        }
    }
}
