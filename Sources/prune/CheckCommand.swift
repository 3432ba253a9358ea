import ArgumentParser
import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneCrypto

/// `prune check PACK --trust KEYS… [--recheck]`: verifies a compliance pack offline in one
/// command and prints one verdict with its reasons (`Specs/pack.md`).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify a compliance pack offline: manifest, model signature, bundle chain, report (and with --recheck a full re-audit).",
        discussion: """
            Every --trust key is offered to every signature: the owner's ECDSA P-256 key for the \
            model signature, the owner's key for the bundles, the auditor's for the report. \
            Checks, in order: members (the archive and every member's SHA-256 against the \
            manifest), model-signature, bundles (signatures, patch data, model binding, chain), \
            report (signature, schema, Merkle root; its subjects are the pack's model and \
            bundles), audit-result (the report records PASSED), and with --recheck the audit \
            re-run on the packed files (same checks, leaves and locality). One line per check, \
            then VERIFIED or FAILED with the failing codes. Exit 0 VERIFIED, 1 FAILED, 64 usage, \
            65 a malformed key, 66 the pack or a key is missing.
            """)

    @Argument(help: "The compliance pack (prune pack).") var pack: String
    @Option(help: "A trusted public key (PEM); repeatable: the owner's and the auditor's.") var trust: [String]
    @Flag(help: "Also re-run the whole audit on the packed model, bundles and forget request.") var recheck = false
    @Flag(help: "Machine-readable output.") var json = false

    func validate() throws {
        if trust.isEmpty { throw ValidationError("at least one --trust key is required") }
    }

    struct Check: Encodable {
        let name: String
        let status: String
        let code: String?
        let detail: String
    }

    struct Output: Encodable {
        let pack: String
        let result: String
        let checks: [Check]
    }

    func run() throws {
        let checks = try collect()
        let failed = checks.filter { $0.status == "FAIL" }
        let output = Output(pack: pack, result: failed.isEmpty ? "VERIFIED" : "FAILED", checks: checks)
        if json {
            try Console.json(output)
        } else {
            for c in checks {
                Console.out("  \(c.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(c.status.padding(toLength: 11, withPad: " ", startingAt: 0)) "
                            + (c.code.map { "[\($0)] " } ?? "") + c.detail)
            }
            Console.out(failed.isEmpty ? "VERIFIED: \(pack)" : "FAILED: \(pack): " + failed.map { "\($0.name) [\($0.code ?? "")]" }.joined(separator: ", "))
        }
        if !failed.isEmpty { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
    }

    /// Runs every check; a failed check is recorded, never thrown.
    func collect() throws -> [Check] {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        guard FileManager.default.fileExists(atPath: pack) else { throw IOError.notFound(path: pack) }
        let size = (try? FileManager.default.attributesOfItem(atPath: pack)[.size] as? Int) ?? 0
        guard size <= CompliancePack.maximumBytes else { throw IOError.unreadable(path: pack, reason: "larger than 1 GiB") }
        let archive: Data
        do { archive = try Data(contentsOf: URL(fileURLWithPath: pack)) } catch { throw IOError.unreadable(path: pack, reason: "\(error)") }

        var checks: [Check] = []
        func pass(_ name: String, _ detail: String) { checks.append(Check(name: name, status: "PASS", code: nil, detail: detail)) }
        func fail(_ name: String, _ error: any Error) {
            let e = error as? any PruneError
            checks.append(Check(name: name, status: "FAIL", code: e?.code ?? "internal", detail: e?.message ?? "\(error)"))
        }
        func skip(_ name: String, _ detail: String) { checks.append(Check(name: name, status: "NOT_CHECKED", code: nil, detail: detail)) }

        let contents: CompliancePack
        do {
            contents = try CompliancePack.read(archive)
            pass("members", "\(contents.members.count) members match the manifest's sizes and SHA-256 digests")
        } catch {
            fail("members", error)
            for name in ["model-signature", "bundles", "report", "audit-result", "recheck"] { skip(name, "the pack's members did not verify") }
            return checks
        }

        // The members, in a private temporary folder, under their own names.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prune-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String: String] = [:]
        for m in contents.members {
            let url = dir.appendingPathComponent(m.name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileOutput.write(m.data, to: url.path, overwrite: false)
            paths[m.name] = url.path
        }
        func path(_ role: CompliancePack.Role) -> String? { contents.members(role).first.flatMap { paths[$0.name] } }
        let modelPath = path(.model)!
        let bundlePaths = contents.members(.bundle).compactMap { paths[$0.name] }

        if let signature = path(.modelSignature) {
            do {
                let result = try ModelSignature.verify(directory: modelPath, signatureFile: signature,
                                                       trustedKeys: keys.filter { $0.algorithm == .ecdsaP256 })
                pass("model-signature", "OpenSSF Model Signing, key sha256:\(result.signer.fingerprint)")
            } catch { fail("model-signature", error) }
        } else {
            skip("model-signature", "the pack holds no model signature")
        }

        var modelRoot: String?
        do {
            let verifier = try PatchBundleVerifier(trustedKeys: keys, modelPath: modelPath)
            modelRoot = verifier.modelRootDigest
            let verified = try verifier.verify(paths: bundlePaths)
            pass("bundles", "\(verified.count) bundle(s): signatures, patch data, model binding and chain")
        } catch { fail("bundles", error) }

        var report: AuditReport?
        do {
            let verified = try AuditReportFile.verify(contents.members(.report)[0].data, trustedKeys: keys)
            let subjects = verified.report.subjects
            let bundleDigests = try contents.members(.bundle).map { try Hash.digest($0.data, algorithm: .sha256).hexString }
            let root = try modelRoot ?? ModelDigest.manifest(of: modelPath).rootDigest.hexString
            guard subjects.model == root else {
                throw PackError.subjectMismatch(reason: "the report's model is sha256:\(subjects.model), the pack's sha256:\(root)")
            }
            guard subjects.bundles == bundleDigests else {
                throw PackError.subjectMismatch(reason: "the report names \(subjects.bundles.count) bundle(s) \(subjects.bundles.map { String($0.prefix(12)) }), "
                                                + "the pack holds \(bundleDigests.map { String($0.prefix(12)) })")
            }
            report = verified.report
            pass("report", "signed by key sha256:\(verified.signer.fingerprint); Merkle root \(try verified.report.tree().root().hexString) "
                 + "over \(verified.report.points.count) points; its subjects are the pack's model and bundles")
        } catch { fail("report", error) }

        if let report {
            if report.result == .passed {
                pass("audit-result", "the report records PASSED for \(report.points.count) points")
            } else {
                fail("audit-result", PackError.auditFailed(reason: report.verdictCounts.filter { $0.1 > 0 }.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")))
            }
        } else {
            skip("audit-result", "the report did not verify")
        }

        if !recheck {
            skip("recheck", "give --recheck to re-run the audit")
        } else if let report {
            do {
                guard let forget = path(.forgetData) else { throw PackError.incomplete(reason: "it holds no forget request (prune pack --forget)") }
                let inputs = Auditor.Inputs(
                    model: modelPath, bundles: bundlePaths, trustedKeys: keys,
                    forget: Auditor.DataFiles(data: forget, labels: path(.forgetLabels), rows: path(.forgetRows)),
                    reference: path(.referenceData).map { Auditor.DataFiles(data: $0, labels: path(.referenceLabels), rows: path(.referenceRows)) },
                    policy: report.policy, time: report.timeVerified, verifierVersion: report.verifierVersion)
                var progress = Progress()
                try Auditor.recheck(report, inputs: inputs, progress: { progress.line("prune check: \($0)") })
                pass("recheck", "the audit re-run on the packed files gives the report's checks, leaves and locality")
            } catch { fail("recheck", error) }
        } else {
            skip("recheck", "the report did not verify")
        }
        return checks
    }
}
