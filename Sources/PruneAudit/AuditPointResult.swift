import Foundation
import PruneBundle

/// One forgotten point's result: a leaf of the report's Merkle tree. It names the point by
/// its commitment and its row in the request, never by its data (not even its label).
/// Leaf bytes are the compact JSON of `jsonValue`, members in the order below, nulls written.
public struct AuditPointResult: Sendable, Equatable {
    /// The patch the owner claims for the point: the bundle file's SHA-256 and the patch's
    /// index in that bundle's patch file.
    public struct PatchID: Sendable, Equatable {
        public let bundle: String
        public let index: Int
        public init(bundle: String, index: Int) {
            self.bundle = bundle
            self.index = index
        }
    }

    /// Row of the forget request (0-based, after `--forget-rows`).
    public let row: Int
    /// The bundle's commitment for the row (`ForgetCommitment`), nil when no bundle names it.
    public let commitment: String?
    /// What the owner claimed ("region-certified", "point-level", …).
    public let claim: String?
    public let verdict: PointVerdict
    /// The stable code of the first failed check (`audit.*`), nil when none failed.
    public let code: AuditCode?
    /// Certified lower bound on f̂_t − f̂_y − τ at the point (C0); > 0 when it holds.
    public let pointMargin: Double?
    /// Certified margin of the region claim (C5/C6): −(upper bound of f̂_y − f̂_t over the
    /// region + τ); ≥ 0 when it holds.
    public let regionMargin: Double?
    public let patch: PatchID?
    /// Check name (C0…C6) → PASS, FAIL or NOT_CHECKED, in name order.
    public let checks: [(check: String, status: String)]

    public init(row: Int, commitment: String?, claim: String?, verdict: PointVerdict, code: AuditCode?,
                pointMargin: Double?, regionMargin: Double?, patch: PatchID?, checks: [(check: String, status: String)]) {
        self.row = row
        self.commitment = commitment
        self.claim = claim
        self.verdict = verdict
        self.code = code
        self.pointMargin = pointMargin
        self.regionMargin = regionMargin
        self.patch = patch
        self.checks = checks
    }

    /// A point that was not looked at because a global check failed first.
    public static func notChecked(row: Int) -> AuditPointResult {
        AuditPointResult(row: row, commitment: nil, claim: nil, verdict: .notChecked, code: nil,
                         pointMargin: nil, regionMargin: nil, patch: nil, checks: [])
    }

    public static func == (a: AuditPointResult, b: AuditPointResult) -> Bool {
        a.jsonValue == b.jsonValue
    }

    public var jsonValue: JSONValue {
        .object([
            JSONMember("row", .integer(row)),
            JSONMember("commitment", commitment.map(JSONValue.string) ?? .null),
            JSONMember("claim", claim.map(JSONValue.string) ?? .null),
            JSONMember("verdict", .string(verdict.rawValue)),
            JSONMember("code", code.map { .string($0.rawValue) } ?? .null),
            JSONMember("pointMargin", CanonicalNumber.json(pointMargin)),
            JSONMember("regionMargin", CanonicalNumber.json(regionMargin)),
            JSONMember("patch", patch.map { .object([JSONMember("bundle", .string($0.bundle)), JSONMember("index", .integer($0.index))]) } ?? .null),
            JSONMember("checks", .object(checks.map { JSONMember($0.check, .string($0.status)) })),
        ])
    }

    /// The bytes hashed into the Merkle tree.
    public var leafBytes: Data { JSONSerializer.data(jsonValue) }

    /// Reads a leaf; every member is required (null where absent) and typed. The caller checks
    /// that `jsonValue` re-encodes to the same bytes, so each result has one spelling.
    public init(json field: JSONField) throws(BundleError) {
        row = try field.field("row").numberInteger()
        guard row >= 0 else { throw field.invalid("row \(row) is negative") }
        for key in ["commitment", "claim", "code", "pointMargin", "regionMargin", "patch"] where try !field.hasMember(key) {
            throw BundleError.fieldMissing(path: field.path + "." + key)
        }
        commitment = try field.optionalField("commitment").map { f throws(BundleError) in try Self.hex64(f) }
        claim = try field.optionalField("claim")?.string()
        let verdictField = try field.field("verdict")
        guard let verdict = PointVerdict(rawValue: try verdictField.string()) else { throw verdictField.invalid("not a verdict") }
        self.verdict = verdict
        if let codeField = try field.optionalField("code") {
            guard let code = AuditCode(rawValue: try codeField.string()) else { throw codeField.invalid("not an audit.* code") }
            self.code = code
        } else {
            code = nil
        }
        pointMargin = try field.optionalField("pointMargin")?.double()
        regionMargin = try field.optionalField("regionMargin")?.double()
        if let p = try field.optionalField("patch") {
            patch = PatchID(bundle: try Self.hex64(try p.field("bundle")), index: try p.field("index").numberInteger())
        } else {
            patch = nil
        }
        let checksField = try field.field("checks")
        var checks: [(check: String, status: String)] = []
        for member in try checksField.object() {
            let status = try JSONField(member.value, components: checksField.components + [.key(member.key)]).string()
            checks.append((member.key, status))
        }
        self.checks = checks
    }

    static func hex64(_ field: JSONField) throws(BundleError) -> String {
        let text = try field.string()
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw field.invalid("not a lowercase hex SHA-256")
        }
        return text
    }
}
