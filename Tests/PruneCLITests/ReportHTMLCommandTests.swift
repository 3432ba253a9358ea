import Foundation
import PruneTestSupport
import XCTest

/// `prune report html` on the committed sample reports: the page shows the verdict and every
/// point's commitment, loads nothing from outside the file, and is refused under a wrong key.
final class ReportHTMLCommandTests: XCTestCase {
    struct Shown: Decodable {
        struct Point: Decodable { let commitment: String? }
        let points: [Point]
    }

    func testPageHoldsVerdictAndEveryPointAndNoExternalReference() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "html")
        let auditorKey = SampleBundlesTests.path("keys/sample-auditor.pub.pem")
        for n in [1, 2] {
            let report = SampleBundlesTests.path("audit-\(n).json.gz")
            let out = dir.appendingPathComponent("audit-\(n).html").path
            let run = try CommandRunner.prune(["report", "html", report, "--trust", auditorKey, "--out", out])
            XCTAssertEqual(run.status, 0, run.stderr)
            let page = try String(contentsOfFile: out, encoding: .utf8)
            XCTAssertTrue(page.contains("id=\"verdict\" class=\"verdict PASSED\">PASSED<"))
            XCTAssertTrue(page.contains("Signature verified"))
            let shown = try CommandRunner.prune(["report", "show", report, "--json"])
            let commitments = try JSONDecoder().decode(Shown.self, from: shown.stdoutData).points.compactMap(\.commitment)
            XCTAssertEqual(commitments.count, 4)
            for c in commitments { XCTAssertTrue(page.contains(c), "point \(c) is missing") }
            // Self-contained: no src or href at all that could reach the network.
            let external = try NSRegularExpression(pattern: #"(src|href)\s*=\s*["']?\s*(https?:|//|data:|file:)"#, options: [.caseInsensitive])
            XCTAssertEqual(external.numberOfMatches(in: page, range: NSRange(page.startIndex..., in: page)), 0)
            XCTAssertFalse(page.contains("<link"))
            XCTAssertFalse(page.contains("@import"))
            // Never overwritten.
            let again = try CommandRunner.prune(["report", "html", report, "--out", out])
            XCTAssertEqual(again.status, 73, again.stderr)
        }
        // Without --trust the page is made but says it is not verified; under a wrong key, no page.
        let unverified = dir.appendingPathComponent("unverified.html").path
        XCTAssertEqual(try CommandRunner.prune(["report", "html", SampleBundlesTests.path("audit-1.json.gz"), "--out", unverified]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: unverified, encoding: .utf8).contains("NOT VERIFIED"))
        let wrong = dir.appendingPathComponent("wrong.html").path
        let refused = try CommandRunner.prune(["report", "html", SampleBundlesTests.path("audit-1.json.gz"),
                                               "--trust", SampleBundlesTests.path("keys/sample-owner.pub.pem"), "--out", wrong])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: wrong))
    }
}
