import Foundation
import PruneCore
#if canImport(Glibc)
import Glibc
#endif

/// Enumerates and hashes a model the way OpenSSF Model Signing v1.0 does for the `files`
/// method with `allow_symlinks: false`.
public enum ModelDigest {
    /// Top-level entries every OMS implementation leaves out (with their subtrees). They
    /// match at the top level only: `sub/.git` is part of the model.
    public static let defaultExclusions = [".git", ".gitattributes", ".github", ".gitignore"]

    /// Hashes the file or folder at `path`. `ignoring` lists extra relative paths (exact
    /// path or subtree, no globs), such as the signature file `model.sig`. Symbolic links,
    /// non-UTF-8 names and special files are refused; a model with no files is refused.
    public static func manifest(of path: String, ignoring ignoredPaths: [String] = []) throws -> ModelManifest {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT { throw IOError.notFound(path: path) }
            throw IOError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        let files: [(name: String, path: String)]
        switch status.st_mode & S_IFMT {
        case S_IFLNK:
            throw CryptoError.modelSymlink(path: path)
        case S_IFREG:
            files = [(name: URL(fileURLWithPath: path).lastPathComponent, path: path)]
        case S_IFDIR:
            let ignored = (defaultExclusions + ignoredPaths).map(normalize).filter { !$0.isEmpty }
            var found: [(name: String, path: String)] = []
            try collect(directory: path, relative: "", ignored: ignored, into: &found)
            files = found
        default:
            throw CryptoError.modelUnsupportedFileType(path: path)
        }
        if files.isEmpty { throw CryptoError.modelEmpty(path: path) }

        var resources: [ModelManifest.Resource] = []
        resources.reserveCapacity(files.count)
        for file in files {
            let digest = try Hash.digestFile(path: file.path, algorithm: .sha256, followSymlinks: false)
            resources.append(.init(name: file.name, sha256: digest))
        }
        return try ModelManifest(resources: resources)
    }

    /// Canonical relative form of a user ignore path: no `./`, no empty components, no
    /// leading or trailing `/`.
    static func normalize(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    /// Byte-exact match of `name` against an ignore entry or anything below it.
    static func isIgnored(_ name: String, by ignored: [String]) -> Bool {
        ignored.contains { entry in
            name.utf8.elementsEqual(entry.utf8) || name.utf8.starts(with: (entry + "/").utf8)
        }
    }

    private static func collect(directory: String, relative: String, ignored: [String],
                                into files: inout [(name: String, path: String)]) throws {
        // O_NOFOLLOW: a folder swapped for a link after the parent listed it is still refused.
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR { throw CryptoError.modelSymlink(path: directory) }
            throw IOError.unreadable(path: directory, reason: String(cString: strerror(code)))
        }
        guard let stream = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw IOError.unreadable(path: directory, reason: String(cString: strerror(code)))
        }
        defer { closedir(stream) }

        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw IOError.unreadable(path: directory, reason: String(cString: strerror(errno))) }
                break
            }
            let nameBytes = withUnsafeBytes(of: &entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if nameBytes == [0x2e] || nameBytes == [0x2e, 0x2e] { continue }
            let childPath = directory.hasSuffix("/") ? directory : directory + "/"
            guard let component = String(validating: nameBytes, as: UTF8.self) else {
                throw CryptoError.modelNonUTF8Path(path: childPath + String(decoding: nameBytes, as: UTF8.self))
            }
            let name = relative.isEmpty ? component : relative + "/" + component
            let fullPath = childPath + component
            if isIgnored(name, by: ignored) { continue }

            var status = stat()
            guard lstat(fullPath, &status) == 0 else {
                throw IOError.unreadable(path: fullPath, reason: String(cString: strerror(errno)))
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG: files.append((name: name, path: fullPath))
            case S_IFDIR: try collect(directory: fullPath, relative: name, ignored: ignored, into: &files)
            case S_IFLNK: throw CryptoError.modelSymlink(path: fullPath)
            default: throw CryptoError.modelUnsupportedFileType(path: fullPath)
            }
        }
    }
}
