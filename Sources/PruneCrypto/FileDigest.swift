import Foundation
import PruneCore
#if canImport(Glibc)
import Glibc
#endif

extension Hash {
    /// Read size for file hashing. One buffer of this size is reused for the whole file, so
    /// memory stays bounded for a file of any size. On a 1 GiB file, 128 KiB...1 MiB ran level
    /// with `openssl dgst -sha256` (about 3.0-3.5 s, within noise); 32-64 KiB and 2-4 MiB were
    /// slower. The hashing itself is OpenSSL's, so syscall count is the only lever here.
    static let fileBufferSize = 1 << 20

    /// Digests a file by streaming it through one reusable buffer. Symbolic links are
    /// followed; use the model enumerator when links must be refused.
    public static func digestFile(path: String, algorithm: HashAlgorithm = .sha256) throws -> Data {
        try digestFile(path: path, algorithm: algorithm, followSymlinks: true)
    }

    static func digestFile(path: String, algorithm: HashAlgorithm, followSymlinks: Bool) throws -> Data {
        let hasher = try StreamingHasher(algorithm: algorithm)
        // O_NONBLOCK keeps a FIFO from blocking the open; fstat then refuses it.
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        // Refusing links at open time closes the gap between the enumerator's lstat and the read.
        if !followSymlinks { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw IOError.notFound(path: path)
            case ELOOP where !followSymlinks: throw CryptoError.modelSymlink(path: path)
            default: throw IOError.unreadable(path: path, reason: String(cString: strerror(code)))
            }
        }
        defer { close(fd) }

        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw IOError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw IOError.notARegularFile(path: path) }
        // A hint only: the kernel may read ahead more aggressively. Failure is harmless.
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: fileBufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count > 0 {
                hasher.update(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw IOError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
        }
        return try hasher.finalize()
    }
}
