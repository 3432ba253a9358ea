import CZlib
import Foundation

/// Streaming decompressor with a hard output limit. Feed chunks with `update`, then call
/// `finish` to confirm the stream was complete.
///
/// Safety rules (formats.md §16.2):
/// - The running output total is checked before anything is appended, so memory stays within
///   `limit` plus one 64 KiB chunk, and `zlib.output-limit` is raised as soon as the limit
///   would be passed.
/// - The checksum trailer (Adler-32, or CRC-32 and length for gzip) is verified by zlib.
/// - Any byte after the end of the stream is refused with `zlib.trailing-data`. For gzip this
///   includes a second concatenated member: prune writes exactly one, and accepting more would
///   let extra data ride along unnoticed.
///
/// After a failure every further call throws the same error. Not thread-safe.
public final class Inflater {
    public let container: CompressionContainer
    /// The most decompressed bytes this inflater will ever return, summed over all calls.
    public let limit: Int
    /// Decompressed bytes returned so far.
    public private(set) var totalOutput = 0
    /// True once the end of the stream (with a valid trailer) has been read.
    public private(set) var isComplete = false

    private let stream = ZlibStream(direction: .inflate)
    private var failure: CompressionError?

    public init(container: CompressionContainer = .zlib, limit: Int) throws(CompressionError) {
        self.container = container
        self.limit = Swift.max(0, limit)
        let rc = stream.initialize(level: 0, windowBits: container.windowBits)
        guard rc == Z_OK else {
            throw .internal(detail: "inflateInit2 returned \(rc)")
        }
    }

    /// Decompresses `chunk` and returns the bytes it yields (possibly none).
    public func update(_ chunk: Data) throws(CompressionError) -> Data {
        if let failure { throw failure }
        do throws(CompressionError) {
            var output = Data()
            if isComplete {
                if !chunk.isEmpty { throw trailingData(count: chunk.count, firstBytes: chunk.prefix(2)) }
                return output
            }
            try chunk.forEachZlibSlice { (base, count) throws(CompressionError) in
                if isComplete { throw trailingData(count: count, firstBytes: Data(bytes: base, count: Swift.min(2, count))) }
                stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: base)
                stream.pointer.pointee.avail_in = uInt(count)
                try inflateAvailableInput(into: &output)
            }
            return output
        } catch {
            failure = error
            throw error
        }
    }

    /// Confirms the stream ended; throws `zlib.truncated` if it did not (including empty input).
    public func finish() throws(CompressionError) {
        if let failure { throw failure }
        guard isComplete else {
            failure = .truncated
            throw .truncated
        }
    }

    /// Inflates until zlib has consumed the current input slice or reached the end of the stream.
    private func inflateAvailableInput(into output: inout Data) throws(CompressionError) {
        while true {
            stream.resetOutputBuffer()
            let rc = inflate(stream.pointer, Z_NO_FLUSH)
            let produced = stream.producedInBuffer
            if produced > limit - totalOutput { throw .outputLimit(limit: limit) }
            output.append(stream.outputBuffer, count: produced)
            totalOutput += produced
            switch rc {
            case Z_STREAM_END:
                isComplete = true
                let leftover = Int(stream.pointer.pointee.avail_in)
                if leftover > 0, let next = stream.pointer.pointee.next_in {
                    throw trailingData(count: leftover, firstBytes: Data(bytes: next, count: Swift.min(2, leftover)))
                }
                return
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR: no progress possible until more input arrives, which is fine here.
                // A full output buffer may hide more pending output, so go round again.
                if stream.pointer.pointee.avail_in == 0 && stream.pointer.pointee.avail_out != 0 { return }
                if rc == Z_BUF_ERROR && stream.pointer.pointee.avail_out != 0 {
                    throw .internal(detail: "inflate made no progress with input pending")
                }
            case Z_NEED_DICT:
                throw .badHeader(detail: "the stream needs a preset dictionary, which prune never uses")
            case Z_DATA_ERROR:
                throw classifyDataError(stream.lastMessage ?? "invalid data")
            case Z_MEM_ERROR:
                throw .internal(detail: "inflate ran out of memory")
            default:
                throw .internal(detail: "inflate returned \(rc)\(stream.lastMessage.map { ": \($0)" } ?? "")")
            }
        }
    }

    /// zlib reports every input problem as Z_DATA_ERROR; its message tells header, trailer and
    /// body problems apart (inflate.c), which gives callers a more precise code.
    private func classifyDataError(_ zlibMessage: String) -> CompressionError {
        switch zlibMessage {
        case "incorrect data check", "incorrect length check":
            .checksumMismatch(detail: zlibMessage)
        case "incorrect header check", "unknown compression method", "invalid window size",
             "unknown header flags set", "header crc mismatch":
            .badHeader(detail: zlibMessage)
        default:
            .corrupt(detail: zlibMessage)
        }
    }

    private func trailingData(count: Int, firstBytes: Data) -> CompressionError {
        .trailingData(byteCount: count,
                      isGzipMember: container == .gzip && firstBytes.elementsEqual([0x1f, 0x8b]))
    }
}
