import ArgumentParser
import PruneCompression
import PruneCore
import PruneCrypto
import PruneLP

/// Prints prune's version and the versions of the C libraries it runs against, which
/// reports also record.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print prune's version and its libraries' versions.")

    func run() throws {
        Console.out("prune \(PruneVersion.string)")
        Console.out("openssl \(OpenSSLLibrary.version)")
        Console.out("zlib \(ZlibLibrary.version)")
        Console.out("clp \(ClpLibrary.version)")
    }
}
