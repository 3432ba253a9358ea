import Foundation
import PruneBundle
import PruneCrypto

/// What the auditor demands of every point (the `--require` level) and how margins are
/// judged. Recorded in the report with the SHA-256 of its canonical JSON, like an SLSA
/// verification summary's policy, so a reader knows exactly which rule PASSED means.
public struct AuditPolicy: Sendable, Equatable {
    public static let uri = "https://prune.dev/audit-policy/v1"
    /// Each point must clear the margin τ its own bundle declares (`settings.margin`), with
    /// rigorous rounding bounds; the verifier has no margin of its own.
    public static let bundleMargin = "bundle-tau"

    public enum Requirement: String, Sendable, CaseIterable {
        /// The level the owner claimed for the point (region-certified → CERTIFIED, else at least FORGOTTEN).
        case claimed
        /// Every point CERTIFIED.
        case certified
        /// Every point at least FORGOTTEN.
        case forgotten
    }

    public let require: Requirement
    public let margin: String
    /// `--resolve`: every CERTIFIED point's region bound is re-solved by the LP solver (CLP) as
    /// an independent cross-check; a disagreement withdraws the verdict.
    public let resolve: Bool

    public init(require: Requirement, margin: String = AuditPolicy.bundleMargin, resolve: Bool = false) {
        self.require = require
        self.margin = margin
        self.resolve = resolve
    }

    /// Whether a point with this verdict and claim meets the policy.
    public func meets(verdict: PointVerdict, claim: String?) -> Bool {
        switch require {
        case .certified: return verdict == .certified
        case .forgotten: return verdict == .certified || verdict == .forgotten
        case .claimed:
            if claim == "region-certified" { return verdict == .certified }
            return verdict == .certified || verdict == .forgotten
        }
    }

    /// The policy's canonical JSON: compact, members in this order.
    public var jsonValue: JSONValue {
        // `resolve` appears only when on, so policies without it keep their digest.
        .object([JSONMember("require", .string(require.rawValue)), JSONMember("margin", .string(margin))]
                + (resolve ? [JSONMember("resolve", .bool(true))] : []))
    }

    /// Hex SHA-256 of `jsonValue`'s compact bytes.
    public func digest() throws -> String {
        try Hash.sha256(JSONSerializer.data(jsonValue)).hexString
    }
}
