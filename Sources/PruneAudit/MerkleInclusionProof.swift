import Foundation

/// That one leaf is at `index` in a tree of `treeSize` leaves: the audit path from its hash
/// to the root. Checked with the algorithm of RFC 9162 §2.1.3.2, which needs nothing but the
/// leaf, the path and the root a verifier already trusts.
public struct MerkleInclusionProof: Sendable, Equatable {
    public let index: Int
    public let treeSize: Int
    public let path: [Data]

    public init(index: Int, treeSize: Int, path: [Data]) {
        self.index = index
        self.treeSize = treeSize
        self.path = path
    }

    /// The root this proof leads to from `leafHash`, or nil when the path cannot belong to a
    /// tree of this size (too long, too short, index out of range).
    public func root(fromLeafHash leafHash: Data) throws -> Data? {
        guard index >= 0, index < treeSize, leafHash.count == 32 else { return nil }
        var fn = index, sn = treeSize - 1
        var r = leafHash
        for p in path {
            guard sn != 0, p.count == 32 else { return nil }
            if fn & 1 == 1 || fn == sn {
                r = try MerkleTree.nodeHash(p, r)
                // A right-edge node with no sibling at this level moves up unchanged.
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = try MerkleTree.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? r : nil
    }

    /// Whether `leaf` (its bytes, not its hash) is at `index` under `root`.
    public func verify(leaf: Data, root: Data) throws -> Bool {
        try self.root(fromLeafHash: try MerkleTree.leafHash(leaf)) == root
    }
}
