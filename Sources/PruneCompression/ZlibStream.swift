import CZlib
import Foundation

/// Owns one heap-allocated `z_stream`. zlib keeps a pointer back to the stream in its state
/// and checks it on every call, so the struct must never move: it lives in allocated memory,
/// not in a Swift value.
final class ZlibStream {
    enum Direction { case deflate, inflate }

    let pointer: UnsafeMutablePointer<z_stream>
    private let direction: Direction
    private var initialized = false

    /// Output is produced into a fixed buffer of this size; it bounds the memory one call adds.
    static let chunkSize = 64 * 1024
    let outputBuffer: UnsafeMutablePointer<Bytef>

    /// The largest input slice handed to zlib at once, because `avail_in` is 32 bits wide.
    static let maxInputSlice = 1 << 30

    init(direction: Direction) {
        self.direction = direction
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        outputBuffer = .allocate(capacity: Self.chunkSize)
    }

    /// Runs the matching `*Init2` and returns zlib's result code.
    func initialize(level: Int32, windowBits: Int32) -> Int32 {
        let rc: Int32 = switch direction {
        case .deflate: prune_deflateInit2(pointer, level, windowBits, 8, Z_DEFAULT_STRATEGY)
        case .inflate: prune_inflateInit2(pointer, windowBits)
        }
        initialized = rc == Z_OK
        return rc
    }

    /// The number of bytes zlib wrote into `outputBuffer` during the last call.
    var producedInBuffer: Int { Self.chunkSize - Int(pointer.pointee.avail_out) }

    func resetOutputBuffer() {
        pointer.pointee.next_out = outputBuffer
        pointer.pointee.avail_out = uInt(Self.chunkSize)
    }

    /// zlib's own description of the last error, if it set one.
    var lastMessage: String? {
        pointer.pointee.msg.map { String(cString: $0) }
    }

    deinit {
        if initialized {
            switch direction {
            case .deflate: deflateEnd(pointer)
            case .inflate: inflateEnd(pointer)
            }
        }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
        outputBuffer.deallocate()
    }
}

extension Data {
    /// Calls `body` with consecutive slices of at most `ZlibStream.maxInputSlice` bytes
    /// (never with an empty slice), each as a raw pointer zlib can read.
    func forEachZlibSlice<E: Error>(_ body: (UnsafePointer<Bytef>, Int) throws(E) -> Void) throws(E) {
        var start = startIndex
        while start < endIndex {
            let end = Swift.min(start + ZlibStream.maxInputSlice, endIndex)
            let result: Result<Void, E> = self[start..<end].withUnsafeBytes { raw in
                guard let base = raw.bindMemory(to: Bytef.self).baseAddress else { return .success(()) }
                do throws(E) { try body(base, raw.count) } catch { return .failure(error) }
                return .success(())
            }
            try result.get()
            start = end
        }
    }
}
