import CZlib
import Foundation

/// Streaming compressor. Feed chunks with `update`, then call `finish` once; the concatenated
/// outputs form one complete zlib or gzip stream. Not thread-safe: use one instance per stream.
///
/// For gzip, zlib writes MTIME 0 and no name or comment, so the output depends only on the
/// input, the level and the zlib version (see formats.md §16.2: never hash compressed bytes).
public final class Deflater {
    public let container: CompressionContainer
    private let stream = ZlibStream(direction: .deflate)
    private var finished = false

    /// `level` runs from 0 (store) to 9 (smallest); values outside are clamped to that range.
    /// Throws `zlib.internal` only if zlib cannot set itself up (out of memory, version mismatch).
    public init(container: CompressionContainer = .zlib, level: Int = 6) throws(CompressionError) {
        self.container = container
        let clamped = Int32(Swift.max(0, Swift.min(9, level)))
        let rc = stream.initialize(level: clamped, windowBits: container.windowBits)
        guard rc == Z_OK else {
            throw .internal(detail: "deflateInit2 returned \(rc)")
        }
    }

    /// Compresses `chunk` and returns whatever compressed bytes are ready (possibly none).
    public func update(_ chunk: Data) throws(CompressionError) -> Data {
        guard !finished else { throw .internal(detail: "Deflater used after finish()") }
        var output = Data()
        try chunk.forEachZlibSlice { (base, count) throws(CompressionError) in
            stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: base)
            stream.pointer.pointee.avail_in = uInt(count)
            try run(flush: Z_NO_FLUSH, into: &output)
        }
        return output
    }

    /// Ends the stream and returns the remaining compressed bytes, including the trailer.
    public func finish() throws(CompressionError) -> Data {
        guard !finished else { throw .internal(detail: "Deflater finished twice") }
        var output = Data()
        stream.pointer.pointee.next_in = nil
        stream.pointer.pointee.avail_in = 0
        try run(flush: Z_FINISH, into: &output)
        finished = true
        return output
    }

    /// Calls `deflate` until it has consumed all input (Z_NO_FLUSH) or ended the stream (Z_FINISH).
    /// A full output buffer means zlib may hold more, so the loop only stops on a partly filled one.
    private func run(flush: Int32, into output: inout Data) throws(CompressionError) {
        while true {
            stream.resetOutputBuffer()
            let rc = deflate(stream.pointer, flush)
            output.append(stream.outputBuffer, count: stream.producedInBuffer)
            switch rc {
            case Z_STREAM_END:
                return
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR only says no progress was possible, which is normal once input is used up.
                let bufferFull = stream.pointer.pointee.avail_out == 0
                if flush == Z_NO_FLUSH && stream.pointer.pointee.avail_in == 0 && !bufferFull { return }
                if rc == Z_BUF_ERROR && !bufferFull && flush == Z_FINISH {
                    throw .internal(detail: "deflate made no progress while finishing")
                }
            default:
                throw .internal(detail: "deflate returned \(rc)\(stream.lastMessage.map { ": \($0)" } ?? "")")
            }
        }
    }
}
