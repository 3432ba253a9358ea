/// The hash chain of patch bundles on one model, checked over bundles in the order given:
/// the first is a root (parent null, sequence 0) and each next names the previous file's
/// SHA-256 as parent with sequence + 1. Which rule broke decides the code, so a dropped,
/// reordered, replayed or forked bundle each has its own error.
public enum PatchBundleChain {
    /// One link: the bundle file's digest and what its signed predicate says.
    public struct Link: Sendable, Equatable {
        public var digest: String
        public var parent: String?
        public var sequence: Int
        public init(digest: String, parent: String?, sequence: Int) {
            self.digest = digest
            self.parent = parent
            self.sequence = sequence
        }
    }

    /// Throws the first broken rule with the index of the bundle it concerns.
    public static func check(_ links: [Link]) throws(ChainFailure) {
        for (i, link) in links.enumerated() {
            let earlier = links[..<i], later = links[(i + 1)...]
            if earlier.contains(where: { $0.digest == link.digest }) {
                throw ChainFailure(index: i, error: .chainReplay(digest: link.digest))
            }
            let expectedParent = i == 0 ? nil : links[i - 1].digest
            if link.parent == expectedParent {
                let expected = i == 0 ? 0 : links[i - 1].sequence + 1
                if link.sequence != expected { throw ChainFailure(index: i, error: .chainSequence(expected: expected, found: link.sequence)) }
                continue
            }
            // An earlier bundle with the same parent: two children of one bundle (or two roots).
            if earlier.contains(where: { $0.parent == link.parent }) {
                throw ChainFailure(index: i, error: .chainFork(parent: link.parent ?? ""))
            }
            guard let parent = link.parent else {
                throw ChainFailure(index: i, error: .chainFork(parent: ""))
            }
            if later.contains(where: { $0.digest == parent }) { throw ChainFailure(index: i, error: .chainOrder(parent: parent)) }
            if i == 0 { throw ChainFailure(index: i, error: .chainMissingRoot(parent: parent)) }
            throw ChainFailure(index: i, error: .chainGap(parent: parent))
        }
    }

    /// A broken chain rule and the position of the bundle that broke it.
    public struct ChainFailure: Error, Sendable {
        public let index: Int
        public let error: PatchBundleError
    }
}
