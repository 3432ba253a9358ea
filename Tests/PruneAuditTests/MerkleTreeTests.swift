import Foundation
import PruneAudit
import PruneBundle
import PruneCrypto
import PruneTestSupport
import XCTest

/// RFC 6962 trees against the certificate-transparency reference vectors
/// (`Specs/vectors/report/merkle-rfc6962.json`), and the inclusion-proof properties every
/// report proof relies on.
final class MerkleTreeTests: XCTestCase {
    static var vectorsURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Specs/vectors/report/merkle-rfc6962.json")
    }

    struct Vectors: Decodable {
        struct Path: Decodable { let index: Int; let treeSize: Int; let path: [String] }
        let emptyRoot: String
        let leaves: [String]
        let roots: [String]
        let paths: [Path]
    }

    func testReferenceRootsAndPaths() throws {
        let v = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: Self.vectorsURL))
        let leaves = try v.leaves.map { try Data(hexString: $0) }
        XCTAssertEqual(try MerkleTree(leaves: []).root().hexString, v.emptyRoot)
        for size in 1...leaves.count {
            let tree = try MerkleTree(leaves: Array(leaves.prefix(size)))
            XCTAssertEqual(try tree.root().hexString, v.roots[size - 1], "root of the first \(size) leaves")
        }
        for p in v.paths {
            let tree = try MerkleTree(leaves: Array(leaves.prefix(p.treeSize)))
            XCTAssertEqual(try tree.inclusionPath(index: p.index).map(\.hexString), p.path, "path of \(p.index) in \(p.treeSize)")
            let proof = MerkleInclusionProof(index: p.index, treeSize: p.treeSize, path: try p.path.map { try Data(hexString: $0) })
            XCTAssertTrue(try proof.verify(leaf: leaves[p.index], root: try Data(hexString: v.roots[p.treeSize - 1])))
        }
    }

    /// Every leaf's proof verifies for sizes 1…70, and fails for any other root, any other
    /// index or a tree of twice or half the size, a path one element longer or shorter, and any flipped path byte.
    func testEveryProofVerifiesAndNothingElseDoes() throws {
        let otherRoot = try Hash.sha256(Data("another root".utf8))
        for size in 1...70 {
            let leaves = (0..<size).map { Data("leaf \($0) of \(size)".utf8) }
            let tree = try MerkleTree(leaves: leaves)
            let root = try tree.root()
            for index in 0..<size {
                let path = try tree.inclusionPath(index: index)
                let proof = MerkleInclusionProof(index: index, treeSize: size, path: path)
                XCTAssertTrue(try proof.verify(leaf: leaves[index], root: root), "leaf \(index) of \(size)")
                XCTAssertFalse(try proof.verify(leaf: leaves[index], root: otherRoot))
                XCTAssertFalse(try proof.verify(leaf: leaves[(index + 1) % size] + Data([1]), root: root))
                for other in [index - 1, index + 1, index ^ 2, -1, size] where other != index {
                    XCTAssertFalse(try MerkleInclusionProof(index: other, treeSize: size, path: path).verify(leaf: leaves[index], root: root),
                                   "leaf \(index) of \(size) claimed at \(other)")
                }
                // The size is bound by the signed root, not by the path: a neighbouring size can share a
                // leaf's path, so only sizes that change its depth are refused here (as in the CT tests).
                for otherSize in [size * 2, size / 2] where otherSize != size {
                    XCTAssertFalse(try MerkleInclusionProof(index: index, treeSize: otherSize, path: path).verify(leaf: leaves[index], root: root),
                                   "leaf \(index) of \(size) claimed in a tree of \(otherSize)")
                }
                XCTAssertFalse(try MerkleInclusionProof(index: index, treeSize: size, path: path + [root]).verify(leaf: leaves[index], root: root))
                if !path.isEmpty {
                    XCTAssertFalse(try MerkleInclusionProof(index: index, treeSize: size, path: path.dropLast()).verify(leaf: leaves[index], root: root))
                }
                for (element, hash) in path.enumerated() {
                    for byte in [(element * 7 + index) % 32] {
                        var flipped = path
                        flipped[element] = hash.flippingBit(at: byte)
                        XCTAssertFalse(try MerkleInclusionProof(index: index, treeSize: size, path: flipped).verify(leaf: leaves[index], root: root),
                                       "leaf \(index) of \(size): path[\(element)] byte \(byte) flipped")
                    }
                }
            }
        }
    }
}
