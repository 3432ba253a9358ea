import PruneBundle
import XCTest

/// The chain rules on bare links: each way of breaking a chain has its own code.
final class PatchBundleChainTests: XCTestCase {
    typealias Link = PatchBundleChain.Link
    let root = Link(digest: "r", parent: nil, sequence: 0)
    let child = Link(digest: "c", parent: "r", sequence: 1)
    let grandchild = Link(digest: "g", parent: "c", sequence: 2)
    let sibling = Link(digest: "s", parent: "r", sequence: 1)

    private func failure(_ links: [Link]) -> (code: String, index: Int)? {
        do {
            try PatchBundleChain.check(links)
            return nil
        } catch {
            return (error.error.code, error.index)
        }
    }

    func testValidChains() {
        XCTAssertNil(failure([root]))
        XCTAssertNil(failure([root, child]))
        XCTAssertNil(failure([root, child, grandchild]))
    }

    func testEachBreakHasItsCode() {
        XCTAssertEqual(failure([child])?.code, "bundle.chain.missing-root")
        XCTAssertEqual(failure([child, root])?.code, "bundle.chain.order")
        XCTAssertEqual(failure([root, grandchild, child])?.code, "bundle.chain.order")
        XCTAssertEqual(failure([root, root])?.code, "bundle.chain.replay")
        XCTAssertEqual(failure([root, child, child])?.code, "bundle.chain.replay")
        XCTAssertEqual(failure([root, child, sibling])?.code, "bundle.chain.fork")
        XCTAssertEqual(failure([root, Link(digest: "r2", parent: nil, sequence: 0)])?.code, "bundle.chain.fork")
        XCTAssertEqual(failure([root, grandchild])?.code, "bundle.chain.gap")
        XCTAssertEqual(failure([root, Link(digest: "c", parent: "r", sequence: 2)])?.code, "bundle.chain.sequence")
        XCTAssertEqual(failure([Link(digest: "r", parent: nil, sequence: 1)])?.code, "bundle.chain.sequence")
        XCTAssertEqual(failure([root, child, sibling])?.index, 2, "the error names the bundle that breaks the chain")
    }
}
