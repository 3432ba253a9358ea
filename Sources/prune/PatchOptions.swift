import ArgumentParser
import PruneBundle
import PruneCrypto
import PruneModel
import PruneRepair

/// How a command names the patches of f̂ = f + Σh: a patch file, or signed bundles that are
/// applied only after every check of `bundle verify` (signature, digests, model, chain).
struct PatchOptions: ParsableArguments {
    @Option(help: "Use the patched network f̂ = f + Σh from this patch file (made for --model).")
    var patches: String?

    @Option(help: "Use f̂ with the patches of these signed bundles (a chain, first to last), after `bundle verify`'s checks; repeatable.")
    var bundle: [String] = []

    @Option(help: "With --bundle: a trusted public key (PEM); repeatable.")
    var trust: [String] = []

    func validate() throws {
        if patches != nil && !bundle.isEmpty { throw ValidationError("give --patches or --bundle, not both") }
        if !bundle.isEmpty && trust.isEmpty { throw ValidationError("--bundle needs at least one --trust key") }
    }

    /// f̂ on `network` (loaded from `model`), or nil when no patches were asked for.
    func load(network: Network, model: String) throws -> PatchedNetwork? {
        if let patches { return try PatchedNetwork.load(patchFile: patches, network: network, modelPath: model) }
        guard !bundle.isEmpty else { return nil }
        let verifier = try PatchBundleVerifier(trustedKeys: try trust.map { try PublicKey(pemFile: $0) }, modelPath: model)
        return PatchedNetwork(network: network, patches: try verifier.verify(paths: bundle).flatMap(\.patches))
    }

    /// " + patches FILE" or " + verified bundles A, B" for messages; empty without patches.
    var source: String {
        patches.map { " + patches \($0)" } ?? (bundle.isEmpty ? "" : " + verified bundles \(bundle.joined(separator: ", "))")
    }
}
