/// How the command line reports a failure. The raw values are the process exit codes
/// (sysexits.h), a contract that CI pipelines depend on: see README "Exit codes".
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command ran and every claim it checked holds.
    case success = 0
    /// A verification ran and at least one claim failed: a verdict, not a crash.
    case verificationFailed = 1
    /// Bad flags or arguments.
    case usage = 64
    /// Malformed input data: a key, a model, a bundle, a compressed stream, an LP.
    case dataError = 65
    /// An input file is missing or unreadable.
    case noInput = 66
    /// A bug or a broken invariant inside prune.
    case internalError = 70
    /// An output file cannot be created (it exists, or the folder is not writable).
    case cannotCreate = 73
    /// Reading or writing failed part-way (disk full, I/O error).
    case ioError = 74
}

/// Every error prune raises has a stable dotted code (`<component>.<outcome>`) that is
/// documented and never renamed or reused, a category that decides the exit status, and a
/// one-line message for people.
public protocol PruneError: Error, CustomStringConvertible, Sendable {
    /// Stable identifier, for example `zlib.output-limit` or `crypto.key.encrypted`.
    var code: String { get }
    /// The exit status the command line uses when this error ends a command.
    var exitStatus: ExitStatus { get }
    /// A one-line human explanation, without the file name (see `FileError`).
    var message: String { get }
}

extension PruneError {
    public var description: String { "\(message) [\(code)]" }
}

/// Attaches the file an error concerns, so every message names the file and the problem.
public struct FileError: PruneError {
    public let path: String
    public let underlying: any PruneError

    public init(path: String, _ underlying: any PruneError) {
        self.path = path
        self.underlying = underlying
    }

    public var code: String { underlying.code }
    public var exitStatus: ExitStatus { underlying.exitStatus }
    public var message: String { "\(path): \(underlying.message)" }
}

/// Errors of plain file access, shared by every module.
public enum IOError: PruneError {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case notARegularFile(path: String)
    case exists(path: String)
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var code: String {
        switch self {
        case .notFound: "io.not-found"
        case .unreadable: "io.unreadable"
        case .notARegularFile: "io.not-a-regular-file"
        case .exists: "io.exists"
        case .cannotCreate: "io.cannot-create"
        case .writeFailed: "io.write-failed"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .notFound, .unreadable, .notARegularFile: .noInput
        case .exists, .cannotCreate: .cannotCreate
        case .writeFailed: .ioError
        }
    }

    public var message: String {
        switch self {
        case .notFound(let p): "\(p): no such file or directory"
        case .unreadable(let p, let r): "\(p): cannot read: \(r)"
        case .notARegularFile(let p): "\(p): not a regular file"
        case .exists(let p): "\(p): already exists; refusing to overwrite it"
        case .cannotCreate(let p, let r): "\(p): cannot create: \(r)"
        case .writeFailed(let p, let r): "\(p): write failed: \(r)"
        }
    }
}
