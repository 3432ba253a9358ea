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
    }

    public let network: Network
    public let bundles: [VerifiedPatchBundle]

    public init(network: Network, bundles: [VerifiedPatchBundle]) {
        self.network = network
        self.bundles = bundles
    }

    /// Audits the forget request given as raw data rows (before preprocessing) and labels.
    public func run(rows raw: [Double], labels: [Int]) throws -> [PointReport] {
        let m = network.inputCount, c = network.outputCount, n = network.hiddenCount
        precondition(raw.count == labels.count * m, "rows do not match the network's input")
        let patches = bundles.flatMap(\.patches)
        var offsets = [Int](), total = 0
        for b in bundles { offsets.append(total); total += b.patches.count }
        var verifiers = [Double: PointVerifier]()
        var reports = [PointReport?](repeating: nil, count: labels.count)
        for (bIndex, bundle) in bundles.enumerated() {
            let file = bundle.patchFile
            let tau = file.settings.margin
            if verifiers[tau] == nil { verifiers[tau] = try PointVerifier(network: network, patches: patches, margin: tau) }
            let verifier = verifiers[tau]!
            for point in file.points {
                let row = point.index
                guard row >= 0, row < labels.count else { continue }
                let features = raw[(row * m)..<((row + 1) * m)]
                let expected = try ForgetCommitment.digest(requestID: file.request.id, index: row, features: features, label: labels[row])
                guard expected == point.commitment else {
                    // Another bundle may commit to this row correctly; record the mismatch only if none does.
                    if reports[row] == nil {
                        reports[row] = PointReport(row: row, label: labels[row], bundle: bIndex, commitment: point.commitment,
                                                   claim: point.claim, verdict: .error, pointMargin: nil, regionMargin: nil,
                                                   checks: [], note: "the commitment does not match this data row")
                    }
                    continue
                }
                var x = Array(features)
                network.input.preprocessing.apply(to: &x, featureCount: m)
                guard network.input.box.contains(x) else {
                    reports[row] = PointReport(row: row, label: labels[row], bundle: bIndex, commitment: point.commitment,
                                               claim: point.claim, verdict: .error, pointMargin: nil, regionMargin: nil,
                                               checks: [], note: "the point lies outside the model's input box")
                    continue
                }
                let evidence = try self.evidence(for: point, in: bundle, offset: offsets[bIndex], at: x, classes: c, hidden: n)
                let result = try verifier.verify(point: x, label: labels[row], evidence: evidence)
                // A row already proved by an earlier bundle keeps the stronger verdict.
                if let previous = reports[row], previous.verdict == .certified { continue }
                reports[row] = PointReport(row: row, label: labels[row], bundle: bIndex, commitment: point.commitment,
                                           claim: point.claim, verdict: result.verdict, pointMargin: result.pointMargin,
                                           regionMargin: result.regionMargin, checks: result.checks, note: "")
            }
        }
        return labels.indices.map { row in
            reports[row] ?? PointReport(row: row, label: labels[row], bundle: nil, commitment: nil, claim: nil,
                                        verdict: .notCovered, pointMargin: nil, regionMargin: nil, checks: [],
                                        note: "no bundle commits to this row")
        }
    }

    /// The owner's evidence for a point: its covering patch, and the certificate of the patch
    /// member that is the point's own region, with the interference treatments (patch indices
    /// made global across bundles).
    func evidence(for point: PatchFile.Point, in bundle: VerifiedPatchBundle, offset: Int, at x: [Double],
                  classes c: Int, hidden n: Int) throws -> PointEvidence {
        guard let local = point.patch, bundle.patches.indices.contains(local) else {
            return PointEvidence(patch: nil, multipliers: nil)
        }
        let pattern = try network.activationPattern(at: x)
        let members = bundle.patches[local].members
        guard let entry = bundle.patchFile.certificates.first(where: {
            $0.patch == local && members.indices.contains($0.member) && members[$0.member] == pattern
        }) else {
            return PointEvidence(patch: offset + local, multipliers: nil)
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
                interference[offset + item.patch] = .gateClosed(lowerBounds: lower, multipliers: perMember)
            default: continue
            }
        }
        guard multipliers.count == c * n else { return PointEvidence(patch: offset + local, multipliers: nil) }
        return PointEvidence(patch: offset + local, multipliers: multipliers, interference: interference)
    }
}
