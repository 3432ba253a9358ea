import Foundation
import PruneCore

/// The rule every fuzz target shares. A parser that refuses its input throws a `PruneError`
/// (a typed error with a stable code): that is the normal outcome for random bytes and is not
/// a finding. Findings are what libFuzzer and AddressSanitizer see: crashes, traps (overflow,
/// out-of-range index, force unwrap), leaks, timeouts, memory over the limit, and one more
/// that only the harness can see: an error that is not a `PruneError`, which the command line
/// would report as an internal error (exit 70).
public enum FuzzHarness {
    /// Copies libFuzzer's buffer into `Data` and runs `body` on it.
    public static func run(_ start: UnsafeRawPointer?, _ count: Int, _ body: (Data) throws -> Void) -> CInt {
        let data = (start != nil && count > 0) ? Data(bytes: start!, count: count) : Data()
        stage(body, data)
        return 0
    }

    /// Runs one stage on `data`: typed errors are expected, anything else stops the run.
    public static func stage(_ body: (Data) throws -> Void, _ data: Data) {
        do {
            try body(data)
        } catch is any PruneError {
            // Refused with a code: the parser did its job.
        } catch {
            fatalError("fuzz finding: a parser threw \(String(reflecting: type(of: error))), not a PruneError: \(error)")
        }
    }

    /// The root of the prune checkout, for fixed inputs a target needs (a model, a key):
    /// `PRUNE_REPO` when set (scripts/fuzz.sh sets it), otherwise found from this file's path.
    public static var repositoryRoot: URL {
        if let root = ProcessInfo.processInfo.environment["PRUNE_REPO"], !root.isEmpty {
            return URL(fileURLWithPath: root)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A file of the checkout, or a stop with a clear message when it is missing.
    public static func repositoryFile(_ relativePath: String) -> URL {
        let url = repositoryRoot.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            fatalError("fuzz setup: \(url.path) is missing; set PRUNE_REPO to the prune checkout")
        }
        return url
    }

    /// Splits one fuzz input into two files: the first 2 bytes (big-endian) give the length of
    /// the first part, clamped to what follows. Used by targets whose parser reads a pair
    /// (IDX images and labels, npy features and labels). Fuzz/seeds hold inputs in this form.
    public static func split(_ data: Data) -> (first: [UInt8], second: [UInt8]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 2 else { return (bytes, []) }
        let length = min(Int(bytes[0]) << 8 | Int(bytes[1]), bytes.count - 2)
        return (Array(bytes[2..<(2 + length)]), Array(bytes[(2 + length)...]))
    }
}
