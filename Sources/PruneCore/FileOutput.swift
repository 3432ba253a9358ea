import Foundation

/// Output files are written whole or not at all: bytes go to a temporary file in the target's
/// folder, are flushed, and only then renamed over the target, so an interrupted run never
/// leaves a partial file behind.
public enum FileOutput {
    /// Writes `data` to `path` atomically. With `overwrite: false` an existing file is refused.
    /// `permissions` applies to the new file (for example 0o600 for private keys).
    public static func write(_ data: Data, to path: String, overwrite: Bool = true,
                             permissions: Int = 0o644) throws(IOError) {
        let fm = FileManager.default
        if !overwrite && fm.fileExists(atPath: path) { throw .exists(path: path) }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir) else {
            throw .cannotCreate(path: path, reason: "folder \(dir.path) does not exist")
        }
        guard isDir.boolValue else { throw .cannotCreate(path: path, reason: "\(dir.path) is not a folder") }
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))")
        guard fm.createFile(atPath: temp.path, contents: nil,
                            attributes: [.posixPermissions: permissions]) else {
            throw .cannotCreate(path: path, reason: "folder \(dir.path) is not writable")
        }
        do {
            let handle = try FileHandle(forWritingTo: temp)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? fm.removeItem(at: temp)
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        if !overwrite && fm.fileExists(atPath: path) {
            try? fm.removeItem(at: temp)
            throw .exists(path: path)
        }
        if rename(temp.path, path) != 0 {
            let reason = POSIXErrorCode(rawValue: errno).map { "\(POSIXError($0).localizedDescription)" } ?? "errno \(errno)"
            try? fm.removeItem(at: temp)
            throw .writeFailed(path: path, reason: reason)
        }
    }

    /// Reads a whole file that is expected to be small (keys, JSON documents, models), refusing
    /// anything larger than `limit` bytes. Only regular files are read (symbolic links to them
    /// are followed): a folder, FIFO or device is `io.not-a-regular-file` before it is opened,
    /// so `/dev/zero` cannot fill memory and a FIFO cannot block. The read itself stops past
    /// `limit` bytes, so a file that grows after the size check is still refused.
    public static func readSmallFile(_ path: String, limit: Int = 64 << 20) throws(IOError) -> Data {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw .notFound(path: path) }
        if isDir.boolValue { throw .notARegularFile(path: path) }
        let size: Int
        do {
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let attrs = try fm.attributesOfItem(atPath: target)
            guard attrs[.type] as? FileAttributeType == .typeRegular else { throw IOError.notARegularFile(path: path) }
            size = (attrs[.size] as? NSNumber)?.intValue ?? 0
        } catch let error as IOError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        if size > limit {
            throw .unreadable(path: path, reason: "file is \(size) bytes, more than the limit of \(limit)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or I/O error")
        }
        defer { try? handle.close() }
        // In chunks, so memory follows what the file really holds, whatever its size said.
        var data = Data(capacity: size)
        do {
            while data.count <= limit, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                data.append(chunk)
            }
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        if data.count > limit {
            throw .unreadable(path: path, reason: "file grew past the limit of \(limit) bytes while being read")
        }
        return data
    }
}
