import PruneCore

/// Failures specific to signed patch bundles (`Specs/patch-bundle.md`): the predicate, its
/// bindings, and the hash chain. A malformed or self-contradictory bundle exits 65; a check
/// that ran and failed (digest, model, chain) is a verdict and exits 1.
public enum PatchBundleError: PruneError, Equatable {
    /// The file is not in the one canonical encoding, so its digest would not identify its content.
    case nonCanonical
    /// The predicate type is not prune's patch-bundle type at all.
    case unsupportedPredicate(found: String)
    /// prune's patch-bundle type with a major version this build does not read.
    case unsupportedVersion(found: String)
    /// The patch data does not hash to the digest the Statement's subject claims.
    case digestMismatch(claimed: String, computed: String)
    /// Signed fields contradict each other (model binding vs. patches, subjects vs. predicate).
    case inconsistent(reason: String)
    /// The model given to the verifier is not the one the bundle binds to.
    case modelMismatch(bound: String, actual: String)
    /// The first bundle of a chain is not a root (parent null, sequence 0), and its parent is not given.
    case chainMissingRoot(parent: String)
    /// A bundle's parent is not in the chain: a bundle in between was dropped.
    case chainGap(parent: String)
    /// A bundle's parent comes later in the list: the bundles are out of order.
    case chainOrder(parent: String)
    /// The same bundle file appears twice.
    case chainReplay(digest: String)
    /// Two bundles name the same parent: the chain branches.
    case chainFork(parent: String)
    /// The parent link is right but the sequence number is not the parent's plus one.
    case chainSequence(expected: Int, found: Int)
    /// A bundle read again during an audit (to fetch its certificates) no longer has the
    /// digest verified the first time: the file changed while the audit ran.
    case changedDuringAudit(verified: String, now: String)

    public var code: String {
        switch self {
        case .nonCanonical: "bundle.patch.non-canonical"
        case .unsupportedPredicate: "bundle.patch.unsupported-predicate"
        case .unsupportedVersion: "bundle.patch.unsupported-version"
        case .digestMismatch: "bundle.patch.digest-mismatch"
        case .inconsistent: "bundle.patch.inconsistent"
        case .modelMismatch: "bundle.patch.model-mismatch"
        case .chainMissingRoot: "bundle.chain.missing-root"
        case .chainGap: "bundle.chain.gap"
        case .chainOrder: "bundle.chain.order"
        case .chainReplay: "bundle.chain.replay"
        case .chainFork: "bundle.chain.fork"
        case .chainSequence: "bundle.chain.sequence"
        case .changedDuringAudit: "bundle.changed-during-audit"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .nonCanonical, .unsupportedPredicate, .unsupportedVersion, .inconsistent: .dataError
        default: .verificationFailed
        }
    }

    public var message: String {
        switch self {
        case .nonCanonical:
            "the bundle is not in canonical form (compact JSON as prune writes it); its bytes were altered"
        case .unsupportedPredicate(let found):
            "unsupported predicate type \"\(found)\"; prune reads \(PatchBundle.predicateType)"
        case .unsupportedVersion(let found):
            "unsupported patch-bundle version \"\(found)\"; this prune reads \(PatchBundle.predicateType)"
        case .digestMismatch(let claimed, let computed):
            "the patch data hashes to sha256:\(computed) but the signed subject claims sha256:\(claimed)"
        case .inconsistent(let reason): "the signed bundle contradicts itself: \(reason)"
        case .modelMismatch(let bound, let actual):
            "the bundle binds to the model with root digest sha256:\(bound), the given model has sha256:\(actual)"
        case .chainMissingRoot(let parent):
            "the chain does not start at a root bundle: the first bundle's parent is sha256:\(parent)"
        case .chainGap(let parent): "the parent bundle sha256:\(parent) is missing from the chain"
        case .chainOrder(let parent): "the parent bundle sha256:\(parent) comes later in the list: bundles are out of order"
        case .chainReplay(let digest): "the bundle sha256:\(digest) appears twice in the chain"
        case .chainFork(let parent):
            "two bundles have the same parent \(parent.isEmpty ? "(none: two roots)" : "sha256:" + parent): the chain forks"
        case .chainSequence(let expected, let found): "sequence \(found) where the chain needs \(expected)"
        case .changedDuringAudit(let verified, let now):
            "the bundle changed during the audit: verified as sha256:\(verified), now sha256:\(now)"
        }
    }
}
