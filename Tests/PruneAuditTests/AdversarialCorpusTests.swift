import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport
import XCTest

/// The corpus of dishonest claims (issue 8, Specs/adversarial-corpus.md): every attack runs
/// through PatchBundleVerifier and ForgetAudit and must fail with its documented code; none may
/// pass, and no attacked point may be CERTIFIED unless its claim stays true by construction.
final class AdversarialCorpusTests: XCTestCase {
    func testEveryAttackFailsWithItsCode() throws {
        let started = Date()
        let corpus = try AdversarialCorpus(dir: try makeTemporaryDirectory(self, prefix: "corpus"))
        try checkHonestBaselines(corpus)
        let attacks = try corpus.attacks()
        let built = Date()
        var passed = [String](), byClass = [String: Int]()
        for attack in attacks {
            let outcome = try attack.run()
            let code = outcome.code(row: attack.row)
            byClass[attack.attackClass, default: 0] += 1
            XCTAssertEqual(code, attack.expected, "\(attack.attackClass): \(attack.name)")
            if outcome.passed { passed.append("\(attack.attackClass): \(attack.name)") }
            if !attack.claimsStayTrue {
                XCTAssertNotEqual(outcome.verdict(row: attack.row), .certified, "\(attack.attackClass): \(attack.name) is CERTIFIED")
            }
        }
        XCTAssertEqual(passed, [], "attacks that passed the audit")
        XCTAssertGreaterThanOrEqual(byClass.count, 25)
        let expectedCodes = Set(attacks.map(\.expected))
        print("adversarial corpus: \(byClass.count) attack classes, \(attacks.count) cases, \(passed.count) passed; "
              + "\(expectedCodes.count) distinct codes; built in \(String(format: "%.2f", built.timeIntervalSince(started))) s, "
              + "verified in \(String(format: "%.2f", Date().timeIntervalSince(built))) s")
        for (cls, count) in byClass.sorted(by: { $0.key < $1.key }) { print("  \(cls): \(count)") }
    }

    /// The controls: the honest setup passes everything the attacks are derived from, so each
    /// attack fails because of what it changed.
    func checkHonestBaselines(_ corpus: AdversarialCorpus) throws {
        let honest = corpus.audit([corpus.root], locality: true)
        XCTAssertTrue(honest.passed, "the honest root must pass")
        for row in 0..<4 { XCTAssertEqual(honest.verdict(row: row), .certified) }
        XCTAssertEqual(honest.code(row: 0), "none (CERTIFIED)")
        guard case .audited(_, let locality?) = honest else { return XCTFail("no locality report") }
        XCTAssertEqual(locality.changedPredictionsOutsideRegions, [], "calibrated gates leak nowhere on their own reference data")
        for chain in [[corpus.root, corpus.child], [corpus.root, corpus.child, corpus.grandchild], [corpus.otherRoot, corpus.otherChild]] {
            if case .rejected(let code) = corpus.audit(chain) { XCTFail("an honest chain is rejected: \(code)") }
        }
        // Duals scaled by 1 − 1e-12 on the honest (true) claim are judged on their merits: the
        // claim still holds with room, so the point stays CERTIFIED.
        let rows = try corpus.certificateRows()
        let scaled = try corpus.edited { f in
            f.certificates[corpus.c0].multipliers = try corpus.sparse(dense: rows.map { $0 * (1 - 1e-12) }, shape: [corpus.c, corpus.n])
        }
        XCTAssertEqual(corpus.audit([try corpus.sign(scaled)]).verdict(row: 0), .certified)
    }
}
