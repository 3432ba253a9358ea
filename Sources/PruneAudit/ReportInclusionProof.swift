import Foundation
import PruneBundle
import PruneCrypto

/// What a data holder keeps: that their point's result is leaf `index` of the report's
/// Merkle tree. It carries the leaf bytes themselves (the point's result as canonical JSON:
/// commitment, verdict, margins, patch; no data), the audit path and the root, and the digest
/// of the report it came from. It checks against a root the holder trusts (from a verified
/// report), never against its own `root` alone.
public struct ReportInclusionProof: Sendable, Equatable {
    public static let format = "https://prune.dev/audit-report/v1/inclusion-proof"

    public let reportDigest: String
    public let leaf: Data
    public let proof: MerkleInclusionProof
    public let root: String

    public init(reportDigest: String, leaf: Data, proof: MerkleInclusionProof, root: String) {
        self.reportDigest = reportDigest
        self.leaf = leaf
        self.proof = proof
        self.root = root
    }

    /// The proof for the point with `commitment` in `report` (`report.point-not-found` if none).
    public init(report: AuditReport, reportDigest: String, commitment: String) throws {
        guard let index = report.points.firstIndex(where: { $0.commitment == commitment.lowercased() }) else {
            throw AuditReportError.pointNotFound(commitment: commitment)
        }
        let tree = try report.tree()
        self.init(reportDigest: reportDigest, leaf: report.points[index].leafBytes,
                  proof: MerkleInclusionProof(index: index, treeSize: tree.size, path: try tree.inclusionPath(index: index)),
                  root: try tree.root().hexString)
    }

    /// The point result the leaf holds.
    public func point() throws -> AuditPointResult {
        try AuditPointResult(json: JSONField(try StrictJSON.parse(leaf), components: [.key("leaf")]))
    }

    /// Checks the proof against `trustedRoot` (hex); throws `report.proof-invalid` if it does not lead there.
    public func check(trustedRoot: String) throws {
        guard root == trustedRoot.lowercased() else {
            throw AuditReportError.proofInvalid(reason: "the proof is for root \(root), not \(trustedRoot)")
        }
        let rootBytes: Data
        do { rootBytes = try Data(hexString: trustedRoot) } catch { throw AuditReportError.proofInvalid(reason: "the root is not hex") }
        guard try proof.verify(leaf: leaf, root: rootBytes) else {
            throw AuditReportError.proofInvalid(reason: "the audit path does not lead from leaf \(proof.index) of \(proof.treeSize) to the root")
        }
    }

    public var jsonValue: JSONValue {
        get throws {
            .object([
                JSONMember("format", .string(Self.format)),
                JSONMember("reportDigest", .string(reportDigest)),
                JSONMember("treeSize", .integer(proof.treeSize)),
                JSONMember("index", .integer(proof.index)),
                JSONMember("leaf", .string(String(decoding: leaf, as: UTF8.self))),
                JSONMember("leafHash", .string(try MerkleTree.leafHash(leaf).hexString)),
                JSONMember("auditPath", .array(proof.path.map { .string($0.hexString) })),
                JSONMember("root", .string(root)),
            ])
        }
    }

    /// Reads a proof strictly; a `leafHash` that is not the hash of `leaf` is refused.
    public init(jsonData: Data) throws {
        let root = JSONField(try StrictJSON.parse(jsonData))
        let format = try root.field("format")
        guard try format.string() == Self.format else { throw format.invalid("not \(Self.format)") }
        let leafText = try root.field("leaf").string()
        leaf = Data(leafText.utf8)
        let path = try root.field("auditPath").array().map { f throws(BundleError) in try f.hex() }
        proof = MerkleInclusionProof(index: try root.field("index").numberInteger(), treeSize: try root.field("treeSize").numberInteger(), path: path)
        self.root = try AuditPointResult.hex64(try root.field("root"))
        reportDigest = try AuditPointResult.hex64(try root.field("reportDigest"))
        let leafHash = try root.field("leafHash")
        guard try leafHash.string() == (try MerkleTree.leafHash(leaf).hexString) else {
            throw AuditReportError.proofInvalid(reason: "leafHash is not SHA-256(0x00 ‖ leaf)")
        }
    }
}
