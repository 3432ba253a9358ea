import Foundation
import PruneBundle

/// The auditor's report (`Specs/report.md`): an in-toto Statement v1 whose subjects are the
/// inputs by digest, and whose predicate (`https://prune.dev/audit-report/v1`, shaped like an
/// SLSA Verification Summary v1) records the policy, the global checks, locality and every
/// point's result as a leaf of an RFC 6962 Merkle tree. `AuditReportFile` signs, compresses
/// and reads it; this value is what both sides agree on.
public struct AuditReport: Sendable, Equatable {
    public static let predicateType = "https://prune.dev/audit-report/v1"
    public static let predicateTypePrefix = "https://prune.dev/audit-report/v"
    public static let verifierID = "https://prune.dev/verifier"

    public enum Result: String, Sendable { case passed = "PASSED", failed = "FAILED" }

    /// Locality of f̂ against f on reference data (method.md §10, report L): not pass/fail.
    public struct Locality: Sendable, Equatable {
        public let samples: Int
        public let predictionsChanged: [Int]
        public let changedOutsideRegions: [Int]
        public let openGates: Int
        public let maxLogitChange: Double

        public init(samples: Int, predictionsChanged: [Int], changedOutsideRegions: [Int], openGates: Int, maxLogitChange: Double) {
            self.samples = samples
            self.predictionsChanged = predictionsChanged
            self.changedOutsideRegions = changedOutsideRegions
            self.openGates = openGates
            self.maxLogitChange = maxLogitChange
        }
    }

    /// Hex SHA-256 digests of what was audited.
    public struct Subjects: Sendable, Equatable {
        /// OMS root digest of the original model (`ModelDigest`).
        public let model: String
        /// SHA-256 of each bundle file's bytes, in chain order.
        public let bundles: [String]
        /// `InputFilesDigest` of the forget request files.
        public let forgetRequest: String
        /// `InputFilesDigest` of the reference data files, when given.
        public let reference: String?

        public init(model: String, bundles: [String], forgetRequest: String, reference: String?) {
            self.model = model
            self.bundles = bundles
            self.forgetRequest = forgetRequest
            self.reference = reference
        }
    }

    public let subjects: Subjects
    public let verifierVersion: String
    /// RFC 3339 UTC; `--time` fixes it.
    public let timeVerified: String
    public let policy: AuditPolicy
    public let checks: [GlobalCheck]
    public let locality: Locality?
    /// One per row of the forget request, in row order.
    public let points: [AuditPointResult]

    public init(subjects: Subjects, verifierVersion: String, timeVerified: String, policy: AuditPolicy,
                checks: [GlobalCheck], locality: Locality?, points: [AuditPointResult]) {
        self.subjects = subjects
        self.verifierVersion = verifierVersion
        self.timeVerified = timeVerified
        self.policy = policy
        self.checks = checks
        self.locality = locality
        self.points = points
    }

    /// PASSED only if every global check passed and every point meets the policy.
    public var result: Result {
        checks.allSatisfy { $0.status == .pass } && points.allSatisfy { policy.meets(verdict: $0.verdict, claim: $0.claim) }
            ? .passed : .failed
    }

    /// The Merkle tree over the points' leaf bytes.
    public func tree() throws -> MerkleTree { try MerkleTree(leaves: points.map(\.leafBytes)) }

    /// Number of points per verdict, every verdict listed.
    public var verdictCounts: [(PointVerdict, Int)] {
        PointVerdict.allCases.map { v in (v, points.filter { $0.verdict == v }.count) }
    }

    /// Number of points per failure code, codes in code-point order, only those that occur.
    public var codeCounts: [(String, Int)] {
        Dictionary(grouping: points.compactMap(\.code?.rawValue), by: { $0 }).mapValues(\.count)
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Points ordered worst first: by how far the verdict is from CERTIFIED, then by the
    /// smaller certified margin, then by row.
    public var worstFirst: [AuditPointResult] {
        let rank: [PointVerdict: Int] = [.error: 0, .notCovered: 1, .notForgotten: 2, .notChecked: 3, .forgotten: 4, .certified: 5]
        func margin(_ p: AuditPointResult) -> Double { p.regionMargin ?? p.pointMargin ?? -.infinity }
        return points.sorted {
            let a = rank[$0.verdict] ?? 0, b = rank[$1.verdict] ?? 0
            if a != b { return a < b }
            if margin($0) != margin($1) { return margin($0) < margin($1) }
            return $0.row < $1.row
        }
    }

    // MARK: Statement

    public func statement() throws -> InTotoStatement {
        var subjectList = [InTotoSubject(name: "model", digest: ["sha256": subjects.model])]
        for (i, digest) in subjects.bundles.enumerated() { subjectList.append(InTotoSubject(name: "bundle-\(i)", digest: ["sha256": digest])) }
        subjectList.append(InTotoSubject(name: "forget-request", digest: ["sha256": subjects.forgetRequest]))
        if let reference = subjects.reference { subjectList.append(InTotoSubject(name: "reference-data", digest: ["sha256": reference])) }
        return InTotoStatement(subjects: subjectList, predicateType: Self.predicateType, predicate: try predicateJSON())
    }

    func predicateJSON() throws -> JSONValue {
        let policyJSON: JSONValue = .object([
            JSONMember("uri", .string(AuditPolicy.uri)),
            JSONMember("digest", .object([JSONMember("sha256", .string(try policy.digest()))])),
            JSONMember("require", .string(policy.require.rawValue)),
            JSONMember("margin", .string(policy.margin)),
        ] + (policy.resolve ? [JSONMember("resolve", .bool(true))] : []))
        let attestations = subjects.bundles.enumerated().map { i, digest -> JSONValue in
            .object([JSONMember("uri", .string("urn:prune:bundle:\(i)")), JSONMember("digest", .object([JSONMember("sha256", .string(digest))]))])
        }
        let counts: JSONValue = .object([
            JSONMember("verdicts", .object(verdictCounts.map { JSONMember($0.0.rawValue, .integer($0.1)) })),
            JSONMember("codes", .object(codeCounts.map { JSONMember($0.0, .integer($0.1)) })),
        ])
        let localityJSON: JSONValue = locality.map { l in
            .object([
                JSONMember("samples", .integer(l.samples)),
                JSONMember("predictionsChanged", .array(l.predictionsChanged.map(JSONValue.integer))),
                JSONMember("changedOutsideRegions", .array(l.changedOutsideRegions.map(JSONValue.integer))),
                JSONMember("openGates", .integer(l.openGates)),
                JSONMember("maxLogitChange", CanonicalNumber.json(l.maxLogitChange)),
            ])
        } ?? .null
        let tree = try tree()
        return .object([
            JSONMember("verifier", .object([JSONMember("id", .string(Self.verifierID)),
                                            JSONMember("version", .object([JSONMember("prune", .string(verifierVersion))]))])),
            JSONMember("timeVerified", .string(timeVerified)),
            JSONMember("policy", policyJSON),
            JSONMember("inputAttestations", .array(attestations)),
            JSONMember("verificationResult", .string(result.rawValue)),
            JSONMember("checks", .array(checks.map(\.jsonValue))),
            JSONMember("counts", counts),
            JSONMember("locality", localityJSON),
            JSONMember("points", .object([
                JSONMember("treeSize", .integer(tree.size)),
                JSONMember("root", .string(try tree.root().hexString)),
                JSONMember("leaves", .array(points.map(\.jsonValue))),
            ])),
        ])
    }

    // MARK: Reading

    /// Reads a verified Statement and checks that it is a consistent report: subjects, policy
    /// digest, the global checks, every leaf in its canonical form, the Merkle root and size,
    /// the counts and the overall result all recomputed from the leaves.
    public init(statement: InTotoStatement) throws {
        try Self.checkPredicateType(statement.predicateType)
        let subjects = try Self.readSubjects(statement.subjects)
        let p = JSONField(statement.predicate, components: [.key("predicate")])
        let verifier = try p.field("verifier")
        guard try verifier.field("id").string() == Self.verifierID else { throw try verifier.field("id").invalid("not \(Self.verifierID)") }
        let version = try verifier.field("version").field("prune").string()
        let time = try p.field("timeVerified")
        guard PatchBundlePredicate.isTimestamp(try time.string()) else { throw time.invalid("not an RFC 3339 UTC time") }

        let policyField = try p.field("policy")
        guard try policyField.field("uri").string() == AuditPolicy.uri else { throw try policyField.field("uri").invalid("not \(AuditPolicy.uri)") }
        let requireField = try policyField.field("require")
        guard let require = AuditPolicy.Requirement(rawValue: try requireField.string()) else { throw requireField.invalid("not a --require level") }
        let resolve = try policyField.optionalField("resolve")?.bool() ?? false
        let policy = AuditPolicy(require: require, margin: try policyField.field("margin").string(), resolve: resolve)
        guard policy.margin == AuditPolicy.bundleMargin else { throw try policyField.field("margin").invalid("not \(AuditPolicy.bundleMargin)") }
        guard try policyField.field("digest").field("sha256").string() == (try policy.digest()) else {
            throw AuditReportError.inconsistent(reason: "predicate.policy.digest is not the digest of the policy")
        }

        let attestations = try p.field("inputAttestations").array()
        guard attestations.count == subjects.bundles.count else {
            throw AuditReportError.inconsistent(reason: "\(attestations.count) input attestations for \(subjects.bundles.count) bundle subjects")
        }
        for (i, a) in attestations.enumerated() {
            guard try a.field("uri").string() == "urn:prune:bundle:\(i)", try a.field("digest").field("sha256").string() == subjects.bundles[i] else {
                throw AuditReportError.inconsistent(reason: "\(a.path) is not bundle subject \(i)")
            }
        }

        var checks: [GlobalCheck] = []
        let checkFields = try p.field("checks").array()
        guard checkFields.count == GlobalCheck.names.count else { throw try p.field("checks").invalid("expected \(GlobalCheck.names.count) checks") }
        for (field, name) in zip(checkFields, GlobalCheck.names) {
            guard try field.field("name").string() == name else { throw try field.field("name").invalid("expected \"\(name)\"") }
            let statusField = try field.field("status")
            guard let status = GlobalCheck.Status(rawValue: try statusField.string()) else { throw statusField.invalid("not a status") }
            guard try field.hasMember("code") else { throw BundleError.fieldMissing(path: field.path + ".code") }
            let code = try field.optionalField("code")?.string()
            guard (status == .fail) == (code != nil) else { throw field.invalid("a code is given exactly when the check failed") }
            checks.append(GlobalCheck(name: name, status: status, code: code))
        }

        guard try p.hasMember("locality") else { throw BundleError.fieldMissing(path: "predicate.locality") }
        var locality: Locality?
        if let l = try p.optionalField("locality") {
            func indices(_ key: String) throws(BundleError) -> [Int] {
                try l.field(key).array().map { f throws(BundleError) in try f.numberInteger() }
            }
            locality = Locality(samples: try l.field("samples").numberInteger(), predictionsChanged: try indices("predictionsChanged"),
                                changedOutsideRegions: try indices("changedOutsideRegions"), openGates: try l.field("openGates").numberInteger(),
                                maxLogitChange: try l.field("maxLogitChange").double())
        }

        let pointsField = try p.field("points")
        var points: [AuditPointResult] = []
        for leaf in try pointsField.field("leaves").array() {
            let point = try AuditPointResult(json: leaf)
            guard point.jsonValue == leaf.value else { throw AuditReportError.nonCanonical(reason: "\(leaf.path) is not in its canonical form") }
            points.append(point)
        }
        guard points.map(\.row) == Array(points.indices) else {
            throw AuditReportError.inconsistent(reason: "the leaves are not the rows 0…\(points.count - 1) in order")
        }
        if checks.contains(where: { $0.status != .pass }) && points.contains(where: { $0.verdict != .notChecked }) {
            throw AuditReportError.inconsistent(reason: "a global check did not pass, yet points were checked")
        }

        self.init(subjects: subjects, verifierVersion: version, timeVerified: try time.string(), policy: policy,
                  checks: checks, locality: locality, points: points)

        // What the leaves give, against what the predicate claims.
        let tree = try tree()
        let claimedRoot = try pointsField.field("root").string()
        let root = try tree.root().hexString
        let claimedSize = try pointsField.field("treeSize").numberInteger()
        guard claimedRoot == root, claimedSize == tree.size else {
            throw AuditReportError.merkleMismatch(claimed: "\(claimedRoot) (size \(claimedSize))", computed: "\(root) (size \(tree.size))")
        }
        guard try predicateJSON()["counts"] == statement.predicate["counts"] else {
            throw AuditReportError.inconsistent(reason: "predicate.counts are not the counts of the leaves")
        }
        guard try p.field("verificationResult").string() == result.rawValue else {
            throw AuditReportError.inconsistent(reason: "predicate.verificationResult is not \(result.rawValue), which the checks and leaves give")
        }
    }

    /// The subjects by name: `model`, `bundle-0`…, `forget-request`, optional `reference-data`, each once, in that order.
    static func readSubjects(_ list: [InTotoSubject]) throws -> Subjects {
        let names = list.map { $0.name ?? "" }
        guard let forgetIndex = names.firstIndex(of: "forget-request") else { throw BundleError.fieldMissing(path: "subject[name=forget-request]") }
        let bundleCount = forgetIndex - 1
        var expected = ["model"] + (0..<max(0, bundleCount)).map { "bundle-\($0)" } + ["forget-request"]
        if names.count == expected.count + 1 { expected.append("reference-data") }
        guard bundleCount >= 1, names == expected else {
            throw AuditReportError.inconsistent(reason: "subjects must be model, bundle-0…, forget-request[, reference-data] in order, found \(names)")
        }
        var digests: [String] = []
        for (i, subject) in list.enumerated() {
            guard let sha = subject.digest["sha256"] else { throw BundleError.fieldMissing(path: "subject[\(i)].digest.sha256") }
            _ = try AuditPointResult.hex64(JSONField(.string(sha), components: [.key("subject"), .index(i), .key("digest"), .key("sha256")]))
            digests.append(sha)
        }
        return Subjects(model: digests[0], bundles: Array(digests[1...bundleCount]), forgetRequest: digests[forgetIndex],
                        reference: digests.count > forgetIndex + 1 ? digests[forgetIndex + 1] : nil)
    }

    static func checkPredicateType(_ type: String) throws {
        if type == predicateType { return }
        if type.hasPrefix(predicateTypePrefix), let first = type.dropFirst(predicateTypePrefix.count).first, first.isNumber {
            throw AuditReportError.unsupportedVersion(found: type)
        }
        throw AuditReportError.unsupportedPredicate(found: type)
    }
}
