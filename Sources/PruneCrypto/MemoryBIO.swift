import COpenSSL
import Foundation

/// Bridges Swift bytes and OpenSSL's in-memory BIO streams, which the PEM functions use.
enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `data`; the BIO is freed afterwards.
    static func reading<T>(_ data: Data, _ body: (OpaquePointer) throws -> T) throws -> T {
        // OpenSSL refuses a NULL buffer even for length 0, so empty input borrows a dummy byte.
        let length = data.count
        let backing = data.isEmpty ? Data([0]) : data
        return try backing.withUnsafeBytes { bytes in
            guard length <= Int(Int32.max), let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(length)) else {
                throw OpenSSLErrorQueue.failure("BIO_new_mem_buf")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `write` against a fresh memory BIO and returns everything it wrote.
    static func collecting(_ operation: String, _ write: (OpaquePointer) -> Int32) throws -> Data {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrorQueue.failure("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw OpenSSLErrorQueue.failure(operation) }
        let pending = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = pending == 0 ? 0 : BIO_read(bio, &bytes, Int32(pending))
        guard read == pending else { throw OpenSSLErrorQueue.failure("BIO_read") }
        return Data(bytes)
    }
}
