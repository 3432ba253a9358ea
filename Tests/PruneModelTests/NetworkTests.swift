import XCTest
import PruneModel
import PruneTestSupport

final class NetworkTests: XCTestCase {
    func testSmallNetworkByHand() throws {
        // f(x) = [1, -1]·relu([[1, 2], [-1, 1]]x + [0, 0.5]) + 3
        let l1 = try DenseLayer(inputs: 2, outputs: 2, weights: [1, 2, -1, 1], bias: [0, 0.5])
        let l2 = try DenseLayer(inputs: 2, outputs: 1, weights: [1, -1], bias: [3])
        let net = try Network(input: .unitBox(2), layers: [l1, l2])
        let eval = try net.evaluate([0.25, 0.5, 1, 0])
        // x=(0.25,0.5): z=(1.25, 0.75) both active → 1.25 − 0.75 + 3 = 3.5
        // x=(1,0): z=(1, −0.5) → second off → 1 + 3 = 4
        XCTAssertEqual(eval.logits, [3.5, 4])
        XCTAssertEqual(eval.patterns.map(\.bitString), ["11", "10"])
    }
}
