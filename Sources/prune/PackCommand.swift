import ArgumentParser
import Foundation
import PruneAudit
import PruneCore

/// `prune pack`: gathers what a regulator needs into one compliance pack (`Specs/pack.md`).
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Gather the model, its signature, the bundles, the report (and the forget request) into one compliance pack.",
        discussion: """
            The pack is a ustar archive written by prune: manifest.json first (every other \
            member's name, role, size and SHA-256), then the members (Specs/pack.md). The same \
            files give the same bytes. Nothing is verified here; `prune check PACK --trust KEYS` \
            verifies it all. Give --forget (and its rows or labels) so that `check --recheck` \
            can re-run the audit. The output is never overwritten.
            """)

    @Option(help: "The original model file.") var model: String
    @Option(help: "The model's OpenSSF Model Signing signature (prune sign-model).") var modelSignature: String?
    @Option(help: "A patch bundle, in chain order; repeatable.") var bundle: [String]
    @Option(help: "The signed audit report (.json.gz).") var report: String
    @Option(help: "The forget request's data, for `check --recheck`.") var forget: String?
    @Option(help: "Labels for --forget (.npy, IDX).") var forgetLabels: String?
    @Option(help: "Index file selecting rows of --forget.") var forgetRows: String?
    @Option(help: "The reference data of the audit's locality check.") var reference: String?
    @Option(help: "Labels for --reference.") var referenceLabels: String?
    @Option(help: "Index file selecting rows of --reference.") var referenceRows: String?
    @Option(help: "Where to write the pack, e.g. audit.pack.") var out: String

    func validate() throws {
        if bundle.isEmpty { throw ValidationError("at least one --bundle is required") }
        if forget == nil && (forgetLabels != nil || forgetRows != nil) { throw ValidationError("--forget-labels and --forget-rows need --forget") }
        if reference == nil && (referenceLabels != nil || referenceRows != nil) {
            throw ValidationError("--reference-labels and --reference-rows need --reference")
        }
        if reference != nil && forget == nil { throw ValidationError("--reference goes with --forget") }
    }

    func run() throws {
        if FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        func read(_ path: String) throws -> Data {
            guard FileManager.default.fileExists(atPath: path) else { throw IOError.notFound(path: path) }
            do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw IOError.unreadable(path: path, reason: "\(error)") }
        }
        func base(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
        var members: [CompliancePack.Member] = []
        func add(_ name: String, _ role: CompliancePack.Role, _ path: String?) throws {
            guard let path else { return }
            members.append(CompliancePack.Member(name: name, role: role, data: try read(path)))
        }
        try add("model/\(base(model))", .model, model)
        try add("model-signature/\(modelSignature.map(base) ?? "")", .modelSignature, modelSignature)
        for (i, b) in bundle.enumerated() { try add(String(format: "bundles/%02d-", i + 1) + base(b), .bundle, b) }
        try add("report/\(base(report))", .report, report)
        try add("forget/data-\(forget.map(base) ?? "")", .forgetData, forget)
        try add("forget/labels-\(forgetLabels.map(base) ?? "")", .forgetLabels, forgetLabels)
        try add("forget/rows-\(forgetRows.map(base) ?? "")", .forgetRows, forgetRows)
        try add("reference/data-\(reference.map(base) ?? "")", .referenceData, reference)
        try add("reference/labels-\(referenceLabels.map(base) ?? "")", .referenceLabels, referenceLabels)
        try add("reference/rows-\(referenceRows.map(base) ?? "")", .referenceRows, referenceRows)
        let pack = CompliancePack(members: members)
        let bytes = try pack.archive()
        try FileOutput.write(bytes, to: out, overwrite: false)
        Console.out("wrote \(out) (\(bytes.count) bytes): manifest.json and \(members.count) members")
        for m in members { Console.out("  \(m.role.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(m.name) (\(m.data.count) bytes)") }
    }
}
