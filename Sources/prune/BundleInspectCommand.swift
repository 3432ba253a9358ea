import ArgumentParser
import Foundation
import PruneBundle
import PruneCore

/// Shows what a bundle claims without trusting it, and says so.
struct BundleInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what a patch bundle claims, WITHOUT verifying it.",
        discussion: "Nothing printed is checked. Use `prune bundle verify` before relying on any of it.")

    static let warning = "NOT VERIFIED: the signature, model binding and chain were not checked; nothing below can be trusted"

    @Argument(help: "The bundle file.")
    var bundle: String

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Output: Encodable {
        let verified = false
        let warning = BundleInspectCommand.warning
        let bundle: String
        let claims: PatchBundleClaims
    }

    func run() throws {
        let data = try PatchBundleVerifier.read(bundle)
        let claims: PatchBundleClaims
        do { claims = try PatchBundleClaims(jsonData: data) } catch let error as any PruneError { throw FileError(path: bundle, error) }
        if json { return try Console.json(Output(bundle: bundle, claims: claims)) }
        Console.out("*** \(Self.warning) ***")
        Console.out("bundle      \(bundle) (\(claims.fileSize) bytes, sha256:\(claims.fileDigest))")
        Console.out("key hint    \(claims.keyHint ?? "none")")
        Console.out("predicate   \(claims.predicateType ?? "unreadable")")
        for (name, digest) in claims.subjects.sorted(by: { $0.key < $1.key }) { Console.out("subject     \(name) sha256:\(digest)") }
        Console.out("parent      \(claims.parent.map { "sha256:" + $0 } ?? "none (claims to be the first bundle)")")
        Console.out("sequence    \(claims.sequence.map(String.init) ?? "?")")
        Console.out("created     \(claims.createdAt ?? "?") by \(claims.generator ?? "?")")
        Console.out("model       root sha256:\(claims.modelRootDigest ?? "?"), file sha256:\(claims.modelSHA256 ?? "?")")
        Console.out("network     hidden \(claims.hiddenWidths.map { "\($0)" } ?? "?"), \(claims.classes.map(String.init) ?? "?") classes, τ \(claims.tolerance.map { "\($0)" } ?? "?")")
        var part = ""
        if let first = claims.partFirst, let count = claims.partCount { part = "; this bundle: rows \(first)..<\(first + count)" }
        Console.out("request     \(claims.requestID ?? "?") (\(claims.requestCount.map(String.init) ?? "?") rows\(part)): \(claims.points ?? 0) points, \(claims.patches ?? 0) patches, \(claims.certificates ?? 0) certificates")
        Console.out("claims      " + claims.claims.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let gates = claims.gates.sorted { $0.key < $1.key }.map { "\($0.value) over \($0.key == "all" ? "every hidden layer" : "the first \($0.key) hidden layer(s)")" }
        Console.out("gates       \(claims.patchFormat ?? "?"): " + (gates.isEmpty ? "no patches" : gates.joined(separator: ", ")))
        Console.out("*** NOT VERIFIED ***")
    }
}
