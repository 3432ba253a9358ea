import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair

/// The whole audit `prune verify` runs, from files to an `AuditReport`: hash the inputs,
/// verify the owner's bundles (signatures and trusted keys, chain, model binding), re-check
/// every forgotten point (`ForgetAudit`) and measure locality (`LocalityAudit`). A bundle
/// that fails verification does not stop the record: the report says FAILED, names the
/// failing check and its code, and marks every point NOT_CHECKED.
public enum Auditor {
    /// A data set given as files: samples, labels (for .npy and IDX) and an index file of rows.
    public struct DataFiles: Sendable, Equatable {
        public let data: String
        public let labels: String?
        public let rows: String?

        public init(data: String, labels: String? = nil, rows: String? = nil) {
            self.data = data
            self.labels = labels
            self.rows = rows
        }

        public func load() throws -> Dataset {
            try DatasetLoader.load(path: data, labels: labels, rows: rows)
        }

        /// The rows, converted a few at a time by whoever reads them (IDX images stay bytes).
        public func lazyRows() throws -> any DataRows {
            try DatasetLoader.rows(path: data, labels: labels, rows: rows)
        }

        public func digest() throws -> String { try InputFilesDigest(data: data, labels: labels, rows: rows).digest() }
    }

    public struct Inputs: Sendable {
        public let model: String
        public let bundles: [String]
        public let trustedKeys: [PublicKey]
        public let forget: DataFiles
        public let reference: DataFiles?
        public let policy: AuditPolicy
        public let time: String
        public let verifierVersion: String
        /// Bundle bytes kept in memory before certificates are re-read (`AuditBundleSet`).
        public var certificateBudget = AuditBundleSet.defaultCertificateBudget

        public init(model: String, bundles: [String], trustedKeys: [PublicKey], forget: DataFiles, reference: DataFiles?,
                    policy: AuditPolicy, time: String, verifierVersion: String = PruneVersion.string) {
            self.model = model
            self.bundles = bundles
            self.trustedKeys = trustedKeys
            self.forget = forget
            self.reference = reference
            self.policy = policy
            self.time = time
            self.verifierVersion = verifierVersion
        }
    }

    public struct Outcome: Sendable {
        public let report: AuditReport
        /// Every point's full re-check (labels, notes, per-check details), empty when a global check failed.
        public let points: [ForgetAudit.PointReport]
        /// The error that failed a global check, if one did.
        public let globalFailure: (any PruneError)?
        /// Bundles whose certificates were re-read to bound memory (`AuditBundleSet`).
        public var rereadBundles = 0
    }

    /// The subjects only: what `report verify --recheck` compares before re-running anything.
    public static func subjects(_ inputs: Inputs) throws -> AuditReport.Subjects {
        AuditReport.Subjects(
            model: try ModelDigest.manifest(of: inputs.model).rootDigest.hexString,
            bundles: try inputs.bundles.map { try Hash.sha256(try PatchBundleVerifier.read($0)).hexString },
            forgetRequest: try inputs.forget.digest(),
            reference: try inputs.reference?.digest())
    }

    public static func run(_ inputs: Inputs, progress: (String) -> Void = { _ in }) throws -> Outcome {
        var stages = AuditStages()
        return try run(inputs, progress: progress, stages: &stages)
    }

    /// As above, charging the time of each stage to `stages` (the verify benchmark).
    public static func run(_ inputs: Inputs, progress: (String) -> Void = { _ in }, stages: inout AuditStages) throws -> Outcome {
        stages.reset()
        guard PatchBundlePredicate.isTimestamp(inputs.time) else {
            throw BundleError.fieldInvalid(path: "--time", reason: "\"\(inputs.time)\" is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)")
        }
        let subjects = try subjects(inputs)
        stages.lap(AuditStages.hashInputs)
        let network = try ModelFile.load(path: inputs.model)
        let data = try inputs.forget.lazyRows()
        guard data.featureCount == network.inputCount else {
            throw FileError(path: inputs.forget.data, ModelError.inputMismatch(detail: "\(data.featureCount) features, the model takes \(network.inputCount)"))
        }
        try data.validateLabels(classCount: network.outputCount)
        let reference = try inputs.reference.map { files -> Dataset in
            let set = try files.load()
            guard set.featureCount == network.inputCount else {
                throw FileError(path: files.data, ModelError.inputMismatch(detail: "\(set.featureCount) features, the model takes \(network.inputCount)"))
            }
            return set
        }
        func report(_ checks: [GlobalCheck], _ locality: AuditReport.Locality?, _ points: [AuditPointResult]) -> AuditReport {
            AuditReport(subjects: subjects, verifierVersion: inputs.verifierVersion, timeVerified: inputs.time, policy: inputs.policy,
                        checks: checks, locality: locality, points: points)
        }

        stages.lap(AuditStages.loadInputs)
        progress("verifying \(inputs.bundles.count) bundle(s)")
        let bundleSet: AuditBundleSet
        do {
            let verifier = try PatchBundleVerifier(trustedKeys: inputs.trustedKeys, modelPath: inputs.model)
            bundleSet = try AuditBundleSet(paths: inputs.bundles, verifier: verifier, certificateBudget: inputs.certificateBudget)
        } catch let error as any PruneError where error.code.hasPrefix("bundle.") {
            let stage = GlobalCheck.stage(ofCode: error.code)
            let checks = GlobalCheck.names.map { GlobalCheck(name: $0, status: $0 == stage ? .fail : .notChecked, code: error.code) }
            return Outcome(report: report(checks, nil, (0..<data.count).map(AuditPointResult.notChecked)), points: [], globalFailure: error)
        }

        stages.lap(AuditStages.bundles)
        progress("re-checking \(data.count) point(s)")
        let verified = bundleSet.bundles
        let reports = try ForgetAudit(network: network, bundles: bundleSet, resolve: inputs.policy.resolve)
            .run(request: data, stages: &stages)
        stages.reset()
        // Each bundle's points by (row, commitment): a lookup per point, not a scan.
        let claimedPatch = verified.map { bundle in
            Dictionary(bundle.patchFile.points.map { ("\($0.index):\($0.commitment)", $0.patch) }, uniquingKeysWith: { first, _ in first })
        }
        let points = reports.map { r in
            let bundle = r.bundle.map { verified[$0] }
            let patchIndex = r.bundle.flatMap { claimedPatch[$0]["\(r.row):\(r.commitment ?? "")"] ?? nil }
            var checks: [String: String] = [:]
            for c in r.checks { checks[c.check] = c.status.rawValue }
            return AuditPointResult(
                row: r.row, commitment: r.commitment, claim: r.claim, verdict: r.verdict, code: r.code,
                pointMargin: r.pointMargin, regionMargin: r.regionMargin.map { -$0 },
                patch: zip(bundle, patchIndex).map { AuditPointResult.PatchID(bundle: $0.0.fileDigest, index: $0.1) },
                checks: checks.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }

        var locality: AuditReport.Locality?
        if let reference {
            progress("locality on \(reference.count) reference sample(s)")
            var x = reference.features
            network.input.preprocessing.apply(to: &x, featureCount: reference.featureCount)
            let l = try LocalityAudit.run(PatchedNetwork(network: network, patches: verified.flatMap(\.patches)), inputs: x)
            locality = AuditReport.Locality(samples: l.count, predictionsChanged: l.changedPredictions,
                                            changedOutsideRegions: l.changedOutsideRegions, openGates: l.openGates,
                                            maxLogitChange: l.maxLogitChange)
        }
        stages.lap(AuditStages.results)
        let checks = GlobalCheck.names.map { GlobalCheck(name: $0, status: .pass) }
        var outcome = Outcome(report: report(checks, locality, points), points: reports, globalFailure: nil)
        outcome.rereadBundles = bundleSet.rereadCount
        return outcome
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
