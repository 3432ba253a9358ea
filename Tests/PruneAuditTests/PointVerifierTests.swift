import XCTest
import PruneAudit
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

final class PointVerifierTests: XCTestCase {
    struct Setup {
        let net: Network
        let x: [Double]
        let y: Int
        let result: UnlearningResult
    }

    func unlearnOnePoint(seed: UInt64) throws -> Setup {
        let net = try randomNetwork([6, 16, 12, 4], seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1)
        let x = randomPoint(6, &rng)
        let y = try net.evaluate(x).predictions[0]
        let reference = (0..<(300 * 6)).map { _ in rng.unit() }
        let result = try Unlearner(network: net, configuration: UnlearningConfiguration(margin: 0.05))
            .run(forget: x, labels: [y], reference: reference)
        return Setup(net: net, x: x, y: y, result: result)
    }

    func evidence(_ s: Setup) -> PointEvidence {
        PointEvidence(patch: 0, multipliers: s.result.certificates[0].certificate.multipliers,
                      interference: s.result.certificates[0].interference)
    }

    func testHonestSinglePointIsCertified() throws {
        let s = try unlearnOnePoint(seed: 900)
        let verifier = try PointVerifier(network: s.net, patches: s.result.patches, margin: 0.05)
        let r = try verifier.verify(point: s.x, label: s.y, evidence: evidence(s))
        XCTAssertEqual(r.verdict, .certified, "\(r.checks)")
        XCTAssertTrue(r.checks.allSatisfy { $0.status == .pass }, "\(r.checks)")
        XCTAssertGreaterThan(r.pointMargin!, 0)
        XCTAssertLessThanOrEqual(r.regionMargin!, 0)
    }

    func testDishonestClaimsAreNeverCertified() throws {
        let s = try unlearnOnePoint(seed: 901)
        let honest = s.result.patches[0]
        func verify(_ patches: [Patch], _ evidence: PointEvidence, label: Int? = nil, point: [Double]? = nil) throws -> PointVerifier.Result {
            try PointVerifier(network: s.net, patches: patches, margin: 0.05).verify(point: point ?? s.x, label: label ?? s.y, evidence: evidence)
        }
        // Target equal to the label.
        let sameTarget = Patch(members: honest.members, gamma: honest.gamma, offset: honest.offset, bound: honest.bound, target: s.y)
        XCTAssertEqual(try verify([sameTarget], evidence(s)).verdict, .error)
        // A region that does not contain the point (the pattern of another point).
        var rng = SeededGenerator(seed: 5)
        var other = try s.net.activationPattern(at: randomPoint(6, &rng))
        while other == honest.members[0] { other = try s.net.activationPattern(at: randomPoint(6, &rng)) }
        let elsewhere = Patch(members: [other], gamma: honest.gamma, offset: honest.offset, bound: honest.bound, target: honest.target)
        XCTAssertEqual(try verify([elsewhere], evidence(s)).verdict, .notCovered)
        // No offset at all: the label still wins.
        let empty = Patch(members: honest.members, gamma: honest.gamma, offset: [0, 0, 0, 0], bound: 0, target: honest.target)
        XCTAssertEqual(try verify([empty], PointEvidence(patch: 0, multipliers: nil)).verdict, .notForgotten)
        // K below the closed form: never certified.
        let weakK = Patch(members: honest.members, gamma: honest.gamma, offset: honest.offset, bound: honest.bound * 0.999, target: honest.target)
        XCTAssertNotEqual(try verify([weakK], evidence(s)).verdict, .certified)
        // Certificates scaled (looser than claimed) or valid for another target.
        let certificate = s.result.certificates[0].certificate.multipliers
        let scaled = PointEvidence(patch: 0, multipliers: certificate.map { $0 * 50 })
        XCTAssertNotEqual(try verify(s.result.patches, scaled).verdict, .certified)
        let zero = PointEvidence(patch: 0, multipliers: certificate.map { _ in 0 })
        XCTAssertNotEqual(try verify(s.result.patches, zero).verdict, .certified, "box-only bounds are too loose here")
        // Offset shrunk so the region claim is false by a little: the point may still flip,
        // but the region is not certified.
        let shrunk = Patch(members: honest.members, gamma: honest.gamma, offset: honest.offset.map { $0 * 0.98 },
                           bound: honest.bound, target: honest.target)
        XCTAssertNotEqual(try verify([shrunk], evidence(s)).verdict, .certified)
        // A second patch on the same region that pushes the label back up cancels the first:
        // not certified, and C6 names the interference.
        var cancelOffset = [Double](repeating: 0, count: 4)
        cancelOffset[s.y] = 2 * honest.offset.map(abs).max()!
        let cancel = Patch(members: honest.members, gamma: honest.gamma, offset: cancelOffset,
                           bound: cancelOffset.map(abs).max()!, target: s.y == 0 ? 1 : 0)
        let cancelled = try verify(s.result.patches + [cancel], evidence(s))
        XCTAssertNotEqual(cancelled.verdict, .certified)
        // A second patch that lifts a third class cannot make the label win: the claim (the
        // label loses everywhere on the region) still holds and is certified.
        let rival = (0..<4).first { $0 != honest.target && $0 != s.y }!
        var rivalOffset = [Double](repeating: 0, count: 4)
        rivalOffset[rival] = 2 * honest.offset.map(abs).max()!
        let lift = Patch(members: [honest.members[0]], gamma: honest.gamma, offset: rivalOffset,
                         bound: rivalOffset.map(abs).max()!, target: rival)
        XCTAssertEqual(try verify(s.result.patches + [lift], evidence(s)).verdict, .certified)
    }

    func testResolveAgreesOnHonestCertificatesAndCatchesAWrongBound() throws {
        let s = try unlearnOnePoint(seed: 903)
        let verifier = try PointVerifier(network: s.net, patches: s.result.patches, margin: 0.05)
        let r = try verifier.verify(point: s.x, label: s.y, evidence: evidence(s))
        XCTAssertEqual(r.verdict, .certified)
        let (check, verdict) = try verifier.resolve(r, label: s.y)
        XCTAssertEqual(check.status, .pass, check.detail)
        XCTAssertEqual(verdict, .certified)
        XCTAssertGreaterThanOrEqual(check.margin!, -1e-6, "the dual bound must be above the LP optimum")
        // A certified bound below the true optimum (as an arithmetic bug would produce) is caught.
        var wrong = r
        wrong.certifiedBound = r.certifiedBound! - check.margin! - 0.01
        let (caught, withdrawn) = try verifier.resolve(wrong, label: s.y)
        XCTAssertEqual(caught.code, .resolveDisagrees)
        XCTAssertEqual(withdrawn, .error)
        // Points that are not CERTIFIED are not re-solved, and say so.
        let empty = Patch(members: s.result.patches[0].members, gamma: 1, offset: [0, 0, 0, 0], bound: 0, target: s.result.patches[0].target)
        let notCertified = try PointVerifier(network: s.net, patches: [empty], margin: 0.05)
            .verify(point: s.x, label: s.y, evidence: PointEvidence(patch: 0, multipliers: nil))
        XCTAssertEqual(try verifier.resolve(notCertified, label: s.y).check.status, .notChecked)
    }

    func testEveryDishonestClaimFailsWithItsCode() throws {
        let s = try unlearnOnePoint(seed: 902)
        let honest = s.result.patches[0]
        func code(_ patches: [Patch], _ evidence: PointEvidence) throws -> AuditCode? {
            let r = try PointVerifier(network: s.net, patches: patches, margin: 0.05).verify(point: s.x, label: s.y, evidence: evidence)
            XCTAssertNotEqual(r.verdict, .certified)
            return r.checks.first { $0.status == .fail }?.code
        }
        let certificate = s.result.certificates[0].certificate.multipliers
        XCTAssertEqual(try code([Patch(members: honest.members, gamma: honest.gamma, offset: honest.offset, bound: honest.bound, target: s.y)],
                                evidence(s)), .targetIsLabel)
        XCTAssertEqual(try code([Patch(members: honest.members, gamma: honest.gamma, offset: honest.offset, bound: honest.bound * 0.999,
                                       target: honest.target)], evidence(s)), .boundUnsound)
        XCTAssertEqual(try code([Patch(members: honest.members, gamma: honest.gamma, offset: [0, 0, 0, 0], bound: 0, target: honest.target)],
                                PointEvidence(patch: 0, multipliers: nil)), .notForgotten)
        XCTAssertEqual(try code(s.result.patches, PointEvidence(patch: nil, multipliers: nil)), .notCovered)
        // Duals scaled by 1 − 1e-12 change the bound by far less than the margin; scaled by 50
        // or with a negative entry that is clamped away they no longer prove the claim.
        XCTAssertEqual(try code(s.result.patches, PointEvidence(patch: 0, multipliers: certificate.map { $0 * 50 })), .certificateInvalid)
        // The region named for the point is another member: C1, even though a member matches.
        var rng = SeededGenerator(seed: 6)
        var other = try s.net.activationPattern(at: randomPoint(6, &rng))
        while other == honest.members[0] { other = try s.net.activationPattern(at: randomPoint(6, &rng)) }
        let twoMembers = Patch(members: honest.members + [other], gamma: honest.gamma, offset: honest.offset, bound: honest.bound,
                               target: honest.target)
        XCTAssertEqual(try code([twoMembers], PointEvidence(patch: 0, member: honest.members.count, multipliers: certificate)),
                       .regionMismatch)
        // Another region's patch boosting the label, sharp enough to be closed at the point but
        // with no proof that it is closed on the whole region: C6.
        var boost = [Double](repeating: 0, count: 4)
        boost[s.y] = 2 * honest.offset.map(abs).max()!
        let neighbour = Patch(members: [other], gamma: 1e9, offset: boost, bound: boost.map(abs).max()!, target: s.y == 0 ? 1 : 0)
        XCTAssertEqual(try code(s.result.patches + [neighbour], evidence(s)), .interference)
    }
}

final class CommonTargetCertificationTests: XCTestCase {
    /// Many points of one class with one common target: patches cannot hurt each other, so
    /// every point's own region is certified by the producer and re-verified as CERTIFIED.
    func testOneClassWithACommonTargetIsCertifiedPointByPoint() throws {
        let net = try randomNetwork([6, 16, 12, 4], seed: 950)
        var rng = SeededGenerator(seed: 951)
        var points = [Double](), labels = [Int]()
        let wanted = try net.evaluate(randomPoint(6, &rng)).predictions[0]
        while labels.count < 6 {
            let x = randomPoint(6, &rng)
            if try net.evaluate(x).predictions[0] == wanted { points += x; labels.append(wanted) }
        }
        let reference = (0..<(300 * 6)).map { _ in rng.unit() }
        let config = UnlearningConfiguration(margin: 0.05, target: .common)
        let result = try Unlearner(network: net, configuration: config).run(forget: points, labels: labels, reference: reference)
        XCTAssertEqual(Set(result.patches.map(\.target)).count, 1)
        let verifier = try PointVerifier(network: net, patches: result.patches, margin: 0.05)
        for point in result.points {
            let certificate = result.certificates.first { $0.patch == point.patch && $0.certificate.pattern == point.pattern }
            let r = try verifier.verify(point: Array(points[(point.index * 6)..<((point.index + 1) * 6)]), label: point.label,
                                        evidence: PointEvidence(patch: point.patch, multipliers: certificate?.certificate.multipliers,
                                                                interference: certificate?.interference ?? [:]))
            XCTAssertEqual(point.claim, .regionCertified)
            XCTAssertEqual(r.verdict, .certified, "\(r.checks)")
        }
    }
}

final class WeightedGateProofTests: XCTestCase {
    /// Points of every class with runner-up targets: some patches target another point's label,
    /// so their gates must be proved closed on that point's region. The weighted proofs the
    /// producer writes are re-verified; every region-certified point is CERTIFIED; and weights
    /// pushed outside [0, 1] are refused, so the claim falls back to the worst case.
    func testWeightedGateProofsAreReverifiedAndOutOfRangeWeightsRefused() throws {
        let net = try randomNetwork([6, 16, 12, 4], seed: 960)
        var rng = SeededGenerator(seed: 961)
        var points = [Double](), labels = [Int]()
        while labels.count < 16 {
            let x = randomPoint(6, &rng)
            points += x
            labels.append(try net.evaluate(x).predictions[0])
        }
        let reference = (0..<(300 * 6)).map { _ in rng.unit() }
        let result = try Unlearner(network: net, configuration: UnlearningConfiguration(margin: 0.05))
            .run(forget: points, labels: labels, reference: reference)
        let verifier = try PointVerifier(network: net, patches: result.patches, margin: 0.05)
        var weighted = 0, certified = 0
        for point in result.points where point.claim == .regionCertified {
            let certificate = try XCTUnwrap(result.certificates.first { $0.patch == point.patch && $0.certificate.pattern == point.pattern })
            let x = Array(points[(point.index * 6)..<((point.index + 1) * 6)])
            let evidence = PointEvidence(patch: point.patch, multipliers: certificate.certificate.multipliers,
                                         interference: certificate.interference)
            let r = try verifier.verify(point: x, label: point.label, evidence: evidence)
            XCTAssertEqual(r.verdict, .certified, "\(r.checks)")
            certified += 1
            for (other, treatment) in certificate.interference {
                guard case .gateClosed(let lower, let ys, let ws?) = treatment else { continue }
                weighted += 1
                // Weights scaled past 1 would inflate the proved violation: refused.
                var tampered = certificate.interference
                tampered[other] = .gateClosed(lowerBounds: lower, multipliers: ys, weights: ws.map { $0.map { $0 * 3 + 0.5 } })
                let t = try verifier.verify(point: x, label: point.label,
                                            evidence: PointEvidence(patch: point.patch, multipliers: certificate.certificate.multipliers,
                                                                    interference: tampered))
                XCTAssertTrue(t.checks.contains { $0.check == "C6" && $0.detail.contains("patch \(other): worst case absorbed") },
                              "\(t.checks)")
            }
        }
        XCTAssertGreaterThan(certified, 0)
        XCTAssertGreaterThan(weighted, 0, "the setup must need weighted gate proofs")
    }
}
