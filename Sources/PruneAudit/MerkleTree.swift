import Foundation
import PruneCrypto

/// An RFC 6962 Merkle tree over byte-string leaves (RFC 9162 §2.1.1): leaf hash
/// SHA-256(0x00 ‖ leaf), interior node SHA-256(0x01 ‖ left ‖ right), the left subtree holding
/// the largest power of two strictly below the size, and the empty tree SHA-256(""). The
/// prefixes keep a leaf from ever passing for a node (second-preimage attacks).
public struct MerkleTree: Sendable {
    /// SHA-256(0x00 ‖ leaf) of every leaf, in order.
    public let leafHashes: [Data]

    public init(leaves: [Data]) throws {
        leafHashes = try leaves.map(Self.leafHash)
    }

    public init(leafHashes: [Data]) {
        self.leafHashes = leafHashes
    }

    public var size: Int { leafHashes.count }

    /// The Merkle tree hash of all leaves.
    public func root() throws -> Data {
        if leafHashes.isEmpty { return try Hash.sha256(Data()) }
        return try subtreeHash(leafHashes[...])
    }

    /// The audit path of leaf `index` (RFC 9162 §2.1.3.1), from the leaf's sibling upwards.
    public func inclusionPath(index: Int) throws -> [Data] {
        precondition(leafHashes.indices.contains(index), "leaf \(index) is not in a tree of \(size)")
        var path: [Data] = []
        try collectPath(index: index, in: leafHashes[...], into: &path)
        return path
    }

    public static func leafHash(_ leaf: Data) throws -> Data {
        try Hash.sha256(Data([0x00]) + leaf)
    }

    public static func nodeHash(_ left: Data, _ right: Data) throws -> Data {
        try Hash.sha256(Data([0x01]) + left + right)
    }

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    private func subtreeHash(_ hashes: ArraySlice<Data>) throws -> Data {
        if hashes.count == 1 { return hashes[hashes.startIndex] }
        let k = Self.split(hashes.count)
        let middle = hashes.startIndex + k
        return try Self.nodeHash(try subtreeHash(hashes[..<middle]), try subtreeHash(hashes[middle...]))
    }

    private func collectPath(index: Int, in hashes: ArraySlice<Data>, into path: inout [Data]) throws {
        guard hashes.count > 1 else { return }
        let k = Self.split(hashes.count)
        let middle = hashes.startIndex + k
        if index < k {
            try collectPath(index: index, in: hashes[..<middle], into: &path)
            path.append(try subtreeHash(hashes[middle...]))
        } else {
            try collectPath(index: index - k, in: hashes[middle...], into: &path)
            path.append(try subtreeHash(hashes[..<middle]))
        }
    }
}
