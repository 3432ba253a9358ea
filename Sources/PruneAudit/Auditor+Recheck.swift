import PruneCore

extension Auditor {
    /// `report verify --recheck`: the given files must be the report's subjects, and running
    /// the audit on them again must give the same global checks, leaves and locality.
    public static func recheck(_ report: AuditReport, inputs: Inputs, progress: (String) -> Void = { _ in }) throws {
        let given = try subjects(inputs)
        let reported = report.subjects
        func require(_ name: String, _ reportedDigest: String?, _ givenDigest: String?) throws {
            guard reportedDigest == givenDigest else {
                throw AuditReportError.recheckSubjectMismatch(subject: name, reported: reportedDigest ?? "(none)", given: givenDigest ?? "(none)")
            }
        }
        try require("model", reported.model, given.model)
        try require("bundle count", String(reported.bundles.count), String(given.bundles.count))
        for (i, (r, g)) in zip(reported.bundles, given.bundles).enumerated() { try require("bundle \(i)", r, g) }
        try require("forget request", reported.forgetRequest, given.forgetRequest)
        try require("reference data", reported.reference, given.reference)

        let again = try run(inputs, progress: progress).report
        guard again.checks == report.checks else {
            throw AuditReportError.recheckMismatch(reason: "global checks \(again.checks.map { "\($0.name) \($0.status.rawValue)" })")
        }
        guard again.points.count == report.points.count else {
            throw AuditReportError.recheckMismatch(reason: "\(again.points.count) points, the report has \(report.points.count)")
        }
        for (a, r) in zip(again.points, report.points) where a != r {
            throw AuditReportError.recheckMismatch(reason: "row \(r.row): \(a.verdict.rawValue) \(a.code?.rawValue ?? "") now, the report says "
                                                   + "\(r.verdict.rawValue) \(r.code?.rawValue ?? "") (or margins differ)")
        }
        guard again.locality == report.locality else { throw AuditReportError.recheckMismatch(reason: "locality differs") }
    }
}
