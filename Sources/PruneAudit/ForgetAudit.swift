import PruneBundle
import PruneCore
import PruneModel
import PruneRepair

/// Re-checks every point of a forget request against verified patch bundles: each data row is
/// matched to its commitment, its claim is re-derived by `PointVerifier` with every patch of
/// every bundle active, and rows no bundle commits to are NOT_COVERED.
public struct ForgetAudit: Sendable {
    public struct PointReport: Sendable, Equatable {
        /// Row of the forget data.
        public let row: Int
        public let label: Int
        /// The bundle (index in chain order) and the commitment that name this row, if any.
        public let bundle: Int?
        public let commitment: String?
        /// What the owner claimed for the row ("region-certified", "point-level", …).
        public let claim: String?
        public let verdict: PointVerdict
        public let pointMargin: Double?
        public let regionMargin: Double?
        public let checks: [CheckOutcome]
        public let note: String
        /// The code of the first failed check, or of the matching problem (nil when nothing failed).
        public let code: AuditCode?

        init(row: Int, label: Int, bundle: Int?, commitment: String?, claim: String?, verdict: PointVerdict,
             pointMargin: Double?, regionMargin: Double?, checks: [CheckOutcome], note: String, code: AuditCode? = nil) {
            self.row = row
            self.label = label
            self.bundle = bundle
            self.commitment = commitment
            self.claim = claim
            self.verdict = verdict
            self.pointMargin = pointMargin
            self.regionMargin = regionMargin
            self.checks = checks
            self.note = note
            self.code = code ?? checks.first { $0.status == .fail }?.code
        }
    }

    public let network: Network
    public let bundleSet: AuditBundleSet
    public var bundles: [VerifiedPatchBundle] { bundleSet.bundles }
    /// Re-solve every CERTIFIED point's region bound with the LP solver as a cross-check.
    public var resolve: Bool

    public init(network: Network, bundles: AuditBundleSet, resolve: Bool = false) {
        self.network = network
        self.bundleSet = bundles
        self.resolve = resolve
    }

    public init(network: Network, bundles: [VerifiedPatchBundle], resolve: Bool = false) {
        self.init(network: network, bundles: AuditBundleSet(verified: bundles), resolve: resolve)
    }

    /// Audits the forget request given as raw data rows (before preprocessing) and labels.
    /// Labels outside the classes are refused (`data.label-out-of-range`) before anything else.
    public func run(rows raw: [Double], labels: [Int]) throws -> [PointReport] {
        var stages = AuditStages()
        return try run(rows: raw, labels: labels, stages: &stages)
    }

    /// As above, charging the time of each stage to `stages`.
    public func run(rows raw: [Double], labels: [Int], stages: inout AuditStages) throws -> [PointReport] {
        let m = network.inputCount
        guard raw.count == labels.count * m, m > 0 else {
            throw ModelError.inputMismatch(detail: "\(raw.count) values for \(labels.count) rows of \(m) features")
        }
        return try run(request: Dataset(sampleShape: [m], features: raw, labels: labels, source: "the forget request"), stages: &stages)
    }

    /// Audits the forget request read a bundle at a time: only the rows one bundle names are
    /// converted and held, so the points' data does not grow the audit's memory.
    public func run(request: any DataRows, stages: inout AuditStages) throws -> [PointReport] {
        stages.reset()
        let m = network.inputCount, c = network.outputCount, n = network.hiddenCount
        let labels = request.labels
        guard request.featureCount == m else {
            throw ModelError.inputMismatch(detail: "\(request.featureCount) features per forget row, the model takes \(m)")
        }
        if let i = labels.firstIndex(where: { !(0..<c).contains($0) }) {
            throw DataError.labelOutOfRange(detail: "forget row \(i) has label \(labels[i]); the model has \(c) classes (0…\(c - 1))")
        }
        let patches = bundles.flatMap(\.patches)
        var offsets = [Int](), total = 0
        for b in bundles { offsets.append(total); total += b.patches.count }
        var verifiers = [Double: PointVerifier]()
        var reports = [PointReport?](repeating: nil, count: labels.count)
        for bIndex in bundles.indices {
            // One bundle's certificates in memory at a time when the set re-reads them.
            let bundle = try bundleSet.withCertificates(bIndex)
            let file = bundle.patchFile
            let tau = file.settings.margin
            if verifiers[tau] == nil { verifiers[tau] = try PointVerifier(network: network, patches: patches, margin: tau) }
            let verifier = verifiers[tau]!
            let certificates = CertificateIndex(file.certificates)
            // This bundle's rows of the request, converted now and dropped after the bundle.
            let named = file.points.map(\.index).filter { labels.indices.contains($0) }
            let raw = try request.features(of: named)
            var position = 0
            for point in file.points {
                let row = point.index
                guard row >= 0, row < labels.count else { continue }
                let features = raw[(position * m)..<((position + 1) * m)]
                position += 1
                let expected = try ForgetCommitment.digest(requestID: file.request.id, index: row, features: features, label: labels[row])
                guard expected == point.commitment else {
                    // Another bundle may commit to this row correctly; record the mismatch only if none does.
                    if reports[row] == nil {
                        reports[row] = PointReport(row: row, label: labels[row], bundle: bIndex, commitment: point.commitment,
                                                   claim: point.claim, verdict: .error, pointMargin: nil, regionMargin: nil,
                                                   checks: [], note: "the commitment does not match this data row", code: .commitmentMismatch)
                    }
                    continue
                }
                var x = Array(features)
                network.input.preprocessing.apply(to: &x, featureCount: m)
                guard network.input.box.contains(x) else {
                    reports[row] = PointReport(row: row, label: labels[row], bundle: bIndex, commitment: point.commitment,
                                               claim: point.claim, verdict: .error, pointMargin: nil, regionMargin: nil,
                                               checks: [], note: "the point lies outside the model's input box", code: .outsideBox)
                    continue
                }
                let evidence = try self.evidence(for: point, in: bundle, certificates: certificates, offset: offsets[bIndex],
                                                  at: x, classes: c, hidden: n)
                stages.lap(AuditStages.evidence)
                var result = try verifier.verify(point: x, label: labels[row], evidence: evidence, stages: &stages)
                var checks = result.checks
                if resolve {
                    let (check, verdict) = try verifier.resolve(result, label: labels[row])
                    checks.append(check)
                    result = PointVerifier.Result(verdict: verdict, checks: checks, pointMargin: result.pointMargin,
                                                  regionMargin: result.regionMargin)
                    stages.lap(AuditStages.resolve)
                }
                stages.reset()
                // A row already proved by an earlier bundle keeps the stronger verdict.
                if let previous = reports[row], previous.verdict == .certified { continue }
                // A region claim that no certificate could be checked for fails with its own code.
                let unproved = point.claim == "region-certified" && result.verdict == .forgotten
                    && !result.checks.contains { $0.status == .fail }
                reports[row] = PointReport(row: row, label: labels[row], bundle: bIndex, commitment: point.commitment,
                                           claim: point.claim, verdict: result.verdict, pointMargin: result.pointMargin,
                                           regionMargin: result.regionMargin, checks: result.checks,
                                           note: unproved ? "claimed region-certified, but no usable certificate for its region" : "",
                                           code: unproved ? .certificateMissing : nil)
            }
        }
        return labels.indices.map { row in
            reports[row] ?? PointReport(row: row, label: labels[row], bundle: nil, commitment: nil, claim: nil,
                                        verdict: .notCovered, pointMargin: nil, regionMargin: nil, checks: [],
                                        note: "no bundle commits to this row", code: .notCommitted)
        }
    }

    /// The owner's evidence for a point: its covering patch, and the certificate of the patch
    /// member that is the point's own region, with the interference treatments (patch indices
    /// made global across bundles).
    func evidence(for point: PatchFile.Point, in bundle: VerifiedPatchBundle, certificates: CertificateIndex, offset: Int,
                  at x: [Double], classes c: Int, hidden n: Int) throws -> PointEvidence {
        guard let local = point.patch, bundle.patches.indices.contains(local) else {
            return PointEvidence(patch: nil, multipliers: nil)
        }
        // The certificate of the region the owner names for the point (or, in files that name
        // none, of the member equal to the point's recomputed pattern); C1 checks the naming.
        let members = bundle.patches[local].members
        let named: Int?
        if let member = point.member {
            named = member
        } else {
            let pattern = try network.activationPattern(at: x)
            named = members.firstIndex(of: pattern)
        }
        guard let member = named, let entry = certificates.entry(patch: local, member: member, in: bundle.patchFile) else {
            return PointEvidence(patch: offset + local, member: point.member, multipliers: nil)
        }
        // Shapes are checked before expanding, so a declared size cannot allocate past the model's.
        guard entry.multipliers.declaredCount == c * n else { return PointEvidence(patch: offset + local, multipliers: nil) }
        let multipliers = try entry.multipliers.dense(path: "certificate of patch \(local)")
        var interference = [Int: InterferenceTreatment]()
        for item in entry.interference where bundle.patches.indices.contains(item.patch) {
            switch item.treatment {
            case "shared": interference[offset + item.patch] = .shared
            case "absorbed": interference[offset + item.patch] = .absorbed
            case "gate-closed":
                guard let lower = item.lowerBounds, let ys = item.multipliers else { continue }
                let rows = ys.shape.first ?? 0
                let (size, overflow) = rows.multipliedReportingOverflow(by: n)
                guard !overflow, ys.declaredCount == size else { continue }
                let dense = try ys.dense(path: "interference of patch \(item.patch)")
                var perMember = [[Double]]()
                for r in 0..<rows { perMember.append(Array(dense[(r * n)..<((r + 1) * n)])) }
                var weights: [[Double]]? = nil
                if let ws = item.weights {
                    let dense = try ws.dense(path: "interference weights of patch \(item.patch)")
                    guard ws.shape.first == rows, rows * n == dense.count else { continue }
                    weights = (0..<rows).map { Array(dense[($0 * n)..<(($0 + 1) * n)]) }
                }
                interference[offset + item.patch] = .gateClosed(lowerBounds: lower, multipliers: perMember, weights: weights)
            default: continue
            }
        }
        guard multipliers.count == c * n else { return PointEvidence(patch: offset + local, member: point.member, multipliers: nil) }
        return PointEvidence(patch: offset + local, member: point.member, multipliers: multipliers, interference: interference)
    }
}
