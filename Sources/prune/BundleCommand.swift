import ArgumentParser

/// `prune bundle sign|inspect|verify`: signed patch bundles (`Specs/patch-bundle.md`).
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Sign, inspect and verify patch bundles (DSSE-signed in-toto Statements in Sigstore bundles).",
        subcommands: [BundleSignCommand.self, BundleInspectCommand.self, BundleVerifyCommand.self])
}
