import Foundation
import PruneAudit
import PruneBundle

/// Mutated inputs made internally consistent, so that a fuzzer's changes reach the checks
/// behind a digest: shared by the libFuzzer targets in Fuzz/ and the root package's
/// FuzzRegressionTests, which replay the same stages. Never used by prune itself.
public enum ConsistentInputs {
    /// An audit-report Statement with its policy digest, Merkle root and tree size recomputed
    /// from the policy and the leaves, each where those read; nil when the input is not JSON.
    public static func reportStatement(_ statement: Data) -> Data? {
        guard var json = try? AuditReportFile.parser.parse(statement) else { return nil }
        let predicate = JSONField(json["predicate"] ?? .null, components: [.key("predicate")])
        if let policy = try? predicate.field("policy"),
           let require = (try? policy.field("require").string()).flatMap(AuditPolicy.Requirement.init(rawValue:)),
           let margin = try? policy.field("margin").string(),
           let digest = try? AuditPolicy(require: require, margin: margin,
                                         resolve: (try? policy.optionalField("resolve")?.bool()) ?? false).digest() {
            json = json.rewriting([.key("predicate"), .key("policy"), .key("digest"), .key("sha256")]) { _ in .string(digest) }
        }
        if let leaves = try? predicate.field("points").field("leaves").array() {
            let points = leaves.compactMap { try? AuditPointResult(json: $0) }
            if points.count == leaves.count, let tree = try? MerkleTree(leaves: points.map(\.leafBytes)), let root = try? tree.root() {
                json = json.rewriting([.key("predicate"), .key("points"), .key("root")]) { _ in .string(root.hexString) }
                json = json.rewriting([.key("predicate"), .key("points"), .key("treeSize")]) { _ in .integer(tree.size) }
            }
        }
        return JSONSerializer.data(json)
    }

    /// An inclusion proof with `leafHash` set to the hash of its `leaf` and `root` to where the
    /// audit path leads from it; nil when the input does not read that far.
    public static func inclusionProof(_ data: Data) -> Data? {
        guard var json = try? StrictJSON.parse(data), case .string(let leaf)? = json["leaf"],
              let leafHash = try? MerkleTree.leafHash(Data(leaf.utf8)) else { return nil }
        json = json.rewriting([.key("leafHash")]) { _ in .string(leafHash.hexString) }
        guard let proof = try? ReportInclusionProof(jsonData: JSONSerializer.data(json)),
              let root = (try? proof.proof.root(fromLeafHash: leafHash)) ?? nil else { return nil }
        return JSONSerializer.data(json.rewriting([.key("root")]) { _ in .string(root.hexString) })
    }
}
