/// The verdict on one forgotten point. Raw values are the report's stable vocabulary.
public enum PointVerdict: String, Sendable, Equatable, CaseIterable {
    /// Region-wide proof: on the point's whole linear region the patch's target beats the
    /// point's label by the margin in the patched network, every other patch accounted for, so
    /// the label is predicted nowhere in the region (C0–C6).
    case certified = "CERTIFIED"
    /// Point-level only: at the point the patched network does not predict the label, by the
    /// margin (C0, with C1–C4), but no region-wide proof holds.
    case forgotten = "FORGOTTEN"
    /// At the point the patched network still predicts the label, or not by the margin.
    case notForgotten = "NOT_FORGOTTEN"
    /// No patch's member regions contain the point (C2).
    case notCovered = "NOT_COVERED"
    /// The evidence for the point is malformed (a target equal to the label, a bad index).
    case error = "ERROR"
    /// The point was not checked (for example a check was skipped by option).
    case notChecked = "NOT_CHECKED"
}

/// One check's outcome, with the code a report uses and a margin where one exists.
public struct CheckOutcome: Sendable, Equatable {
    public enum Status: String, Sendable { case pass = "PASS", fail = "FAIL", notChecked = "NOT_CHECKED" }
    /// C0 … C6.
    public let check: String
    public let status: Status
    /// A certified margin (positive when the check passes with room), if the check has one.
    public let margin: Double?
    public let detail: String
    /// Why the check failed, as a stable code (nil unless the status is FAIL).
    public let code: AuditCode?

    public init(_ check: String, _ status: Status, margin: Double? = nil, code: AuditCode? = nil, _ detail: String = "") {
        self.check = check
        self.status = status
        self.margin = margin
        self.code = status == .fail ? code : nil
        self.detail = detail
    }
}
