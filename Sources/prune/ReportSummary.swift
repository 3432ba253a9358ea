import Foundation
import PruneAudit

/// The machine-readable summary of a report that `report verify` and `report show` print.
struct ReportSummary: Encodable {
    struct Check: Encodable { let name: String; let status: String; let code: String? }
    struct Point: Encodable {
        let row: Int
        let commitment: String?
        let claim: String?
        let verdict: String
        let code: String?
        let meetsPolicy: Bool
        let pointMargin: Double?
        let regionMargin: Double?
        let bundle: String?
        let patch: Int?
    }
    struct Locality: Encodable {
        let samples: Int
        let predictionsChanged: [Int]
        let changedOutsideRegions: [Int]
        let openGates: Int
        let maxLogitChange: Double
    }

    let verified: Bool
    let signed: Bool
    let signer: String?
    let reportDigest: String
    let result: String
    let timeVerified: String
    let verifierVersion: String
    let require: String
    let model: String
    let bundles: [String]
    let forgetRequest: String
    let referenceData: String?
    let merkleRoot: String
    let treeSize: Int
    let checks: [Check]
    let verdicts: [String: Int]
    let codes: [String: Int]
    let locality: Locality?
    /// Worst first.
    let points: [Point]

    init(_ report: AuditReport, digest: String, verified: Bool, signed: Bool, signer: String?) throws {
        self.verified = verified
        self.signed = signed
        self.signer = signer
        reportDigest = digest
        result = report.result.rawValue
        timeVerified = report.timeVerified
        verifierVersion = report.verifierVersion
        require = report.policy.require.rawValue
        model = report.subjects.model
        bundles = report.subjects.bundles
        forgetRequest = report.subjects.forgetRequest
        referenceData = report.subjects.reference
        let tree = try report.tree()
        merkleRoot = try tree.root().hexString
        treeSize = tree.size
        checks = report.checks.map { Check(name: $0.name, status: $0.status.rawValue, code: $0.code) }
        verdicts = Dictionary(uniqueKeysWithValues: report.verdictCounts.map { ($0.0.rawValue, $0.1) })
        codes = Dictionary(uniqueKeysWithValues: report.codeCounts)
        locality = report.locality.map {
            Locality(samples: $0.samples, predictionsChanged: $0.predictionsChanged, changedOutsideRegions: $0.changedOutsideRegions,
                     openGates: $0.openGates, maxLogitChange: $0.maxLogitChange)
        }
        points = report.worstFirst.map { p in
            Point(row: p.row, commitment: p.commitment, claim: p.claim, verdict: p.verdict.rawValue, code: p.code?.rawValue,
                  meetsPolicy: report.policy.meets(verdict: p.verdict, claim: p.claim), pointMargin: p.pointMargin,
                  regionMargin: p.regionMargin, bundle: p.patch?.bundle, patch: p.patch?.index)
        }
    }

    /// The readable form: summary lines, then the points table, worst first.
    func printHuman(limit: Int?) {
        Console.out("report sha256:\(reportDigest) (SHA-256 of the uncompressed bytes)")
        Console.out("  signature: " + (verified ? "VERIFIED, key sha256:\(signer ?? "")" : signed ? "NOT VERIFIED (give --trust)" : "UNSIGNED"))
        Console.out("  result: \(result) under --require \(require); verified at \(timeVerified) by prune \(verifierVersion)")
        Console.out("  model sha256:\(model); \(bundles.count) bundle(s); forget request sha256:\(forgetRequest)"
                    + (referenceData.map { "; reference data sha256:\($0)" } ?? ""))
        Console.out("  checks: " + checks.map { "\($0.name) \($0.status)\($0.code.map { " [\($0)]" } ?? "")" }.joined(separator: ", "))
        Console.out("  points: " + PointVerdictOrder.names.compactMap { v in verdicts[v].flatMap { $0 > 0 ? "\(v) \($0)" : nil } }.joined(separator: ", ")
                    + (codes.isEmpty ? "" : "; codes " + codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        if let l = locality {
            Console.out("  locality: \(l.samples) samples, predictions changed \(l.predictionsChanged.count), changed outside every patched region "
                        + "\(l.changedOutsideRegions.count), gates open at \(l.openGates), max |f̂ − f| \(String(format: "%.4g", l.maxLogitChange))")
        }
        Console.out("  Merkle root \(merkleRoot) over \(treeSize) points")
        Console.out("| row | verdict | code | point margin | region margin | claim | commitment |")
        Console.out("| ---: | --- | --- | ---: | ---: | --- | --- |")
        for p in points.prefix(limit ?? points.count) {
            Console.out("| \(p.row) | \(p.verdict)\(p.meetsPolicy ? "" : " ✗") | \(p.code ?? "–") | "
                        + "\(p.pointMargin.map { String(format: "%.4g", $0) } ?? "–") | \(p.regionMargin.map { String(format: "%.4g", $0) } ?? "–") | "
                        + "\(p.claim ?? "–") | \(p.commitment.map { String($0.prefix(16)) + "…" } ?? "–") |")
        }
        if let limit, points.count > limit { Console.out("… \(points.count - limit) more (--limit 0 shows all)") }
    }
}

/// Verdicts in the report's order, for summaries.
enum PointVerdictOrder {
    static let names = PointVerdict.allCases.map(\.rawValue)
}
