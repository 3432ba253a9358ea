import PruneCore

/// Failures of the audit report (`Specs/report.md`): reading, verifying and proving. A report
/// whose bytes are malformed or not canonical exits 65; one that was read and does not
/// verify (unsigned, contradicting itself, a Merkle root that does not match, a recheck that
/// disagrees, a proof that does not lead to the root) is a verdict and exits 1.
public enum AuditReportError: PruneError, Equatable {
    /// The report carries no signature: it can be shown, never verified.
    case unsigned
    /// The file is not in its one canonical encoding (compressed bytes, envelope, payload or a leaf).
    case nonCanonical(reason: String)
    /// The predicate type is not prune's audit-report type at all.
    case unsupportedPredicate(found: String)
    /// prune's audit-report type with a major version this build does not read.
    case unsupportedVersion(found: String)
    /// Signed fields contradict each other: counts, result, policy digest, subjects.
    case inconsistent(reason: String)
    /// The Merkle root or tree size in the predicate is not what the leaves give.
    case merkleMismatch(claimed: String, computed: String)
    /// `--recheck`: a given input file is not the one the report names.
    case recheckSubjectMismatch(subject: String, reported: String, given: String)
    /// `--recheck`: re-running the audit gave other results.
    case recheckMismatch(reason: String)
    /// No point of the report has this commitment.
    case pointNotFound(commitment: String)
    /// An inclusion proof that does not lead from its leaf to the root.
    case proofInvalid(reason: String)

    public var code: String {
        switch self {
        case .unsigned: "report.unsigned"
        case .nonCanonical: "report.non-canonical"
        case .unsupportedPredicate: "report.unsupported-predicate"
        case .unsupportedVersion: "report.unsupported-version"
        case .inconsistent: "report.inconsistent"
        case .merkleMismatch: "report.merkle-mismatch"
        case .recheckSubjectMismatch: "report.recheck-subject-mismatch"
        case .recheckMismatch: "report.recheck-mismatch"
        case .pointNotFound: "report.point-not-found"
        case .proofInvalid: "report.proof-invalid"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .nonCanonical, .unsupportedPredicate, .unsupportedVersion: .dataError
        default: .verificationFailed
        }
    }

    public var message: String {
        switch self {
        case .unsigned: "the report is not signed (written without --key); an unsigned report never verifies"
        case .nonCanonical(let reason): "the report is not in canonical form (\(reason)); its bytes were altered"
        case .unsupportedPredicate(let found): "unsupported predicate type \"\(found)\"; prune reads \(AuditReport.predicateType)"
        case .unsupportedVersion(let found): "unsupported audit-report version \"\(found)\"; this prune reads \(AuditReport.predicateType)"
        case .inconsistent(let reason): "the signed report contradicts itself: \(reason)"
        case .merkleMismatch(let claimed, let computed):
            "the per-point results hash to the Merkle root \(computed), the report claims \(claimed)"
        case .recheckSubjectMismatch(let subject, let reported, let given):
            "the \(subject) given has sha256:\(given), the report names sha256:\(reported)"
        case .recheckMismatch(let reason): "re-running the audit gives other results: \(reason)"
        case .pointNotFound(let commitment): "no point of the report has the commitment \(commitment)"
        case .proofInvalid(let reason): "the inclusion proof does not verify: \(reason)"
        }
    }
}
