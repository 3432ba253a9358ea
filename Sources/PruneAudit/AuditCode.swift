/// The stable code of a failed per-point check. Reports and the adversarial tests name
/// failures by these codes, never by their wording; a code is never renamed or reused.
public enum AuditCode: String, Sendable, Equatable, CaseIterable {
    /// C0: at the point, with every patch active, the label is still predicted (or not by τ).
    case notForgotten = "audit.not-forgotten"
    /// C1: the region the owner names for the point is not the point's own region.
    case regionMismatch = "audit.region-mismatch"
    /// C2: no member region of the claimed patch contains the point, or no patch is claimed.
    case notCovered = "audit.not-covered"
    /// C3: the patch's K is below the closed-form bound, so its gate can leak outside.
    case boundUnsound = "audit.bound-unsound"
    /// C4: the patch's target is the point's own label, or not a class.
    case targetIsLabel = "audit.target-is-label"
    /// C5: the shipped dual certificate does not prove the region bound.
    case certificateInvalid = "audit.certificate-invalid"
    /// C6: the certificate holds alone but another patch can break it on the region.
    case interference = "audit.interference"
    /// The point's commitment in the bundle does not match the forget data row.
    case commitmentMismatch = "audit.commitment-mismatch"
    /// `--resolve`: the LP solver finds the region bound above the certified dual bound, so the
    /// certificate's arithmetic cannot be trusted.
    case resolveDisagrees = "audit.resolve-disagrees"
    /// The forget data row lies outside the model's input box.
    case outsideBox = "audit.outside-box"
    /// No bundle commits to this forget data row: the owner left the point out.
    case notCommitted = "audit.not-committed"
    /// The point is claimed region-certified but no region proof could be checked: the bundle
    /// has no usable certificate for the point's region (none, or of the wrong shape).
    case certificateMissing = "audit.certificate-missing"
    /// Locality (report L, not a per-point check): a reference point outside every patched
    /// region changed its predicted class, so a gate leaks (γ too small for the data).
    case localityChanged = "audit.locality-changed"
}
