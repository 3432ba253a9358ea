import Foundation

/// The per-file SHA-256 digests of a model, in OpenSSF Model Signing (`files` method) form.
public struct ModelManifest: Sendable, Equatable {
    /// One regular file of the model.
    public struct Resource: Sendable, Equatable {
        /// `/`-separated path relative to the model root; the basename for a single-file model.
        public let name: String
        public let sha256: Data

        public init(name: String, sha256: Data) {
            self.name = name
            self.sha256 = sha256
        }

        /// Names compare byte for byte: Swift's `==` would equate "é" with "e\u{301}",
        /// which are different files.
        public static func == (lhs: Resource, rhs: Resource) -> Bool {
            lhs.name.utf8.elementsEqual(rhs.name.utf8) && lhs.sha256 == rhs.sha256
        }
    }

    /// Sorted by name in Unicode code-point order.
    public let resources: [Resource]
    /// SHA-256 over the raw per-file digests in `resources` order (OMS §5.3).
    public let rootDigest: Data

    /// Sorts `resources` canonically and computes the root digest; verifiers use it to
    /// recompute the root of a manifest they parsed.
    public init(resources: [Resource]) throws {
        let sorted = resources.sorted { ModelManifest.precedes($0.name, $1.name) }
        let hasher = try StreamingHasher(algorithm: .sha256)
        for resource in sorted { hasher.update(resource.sha256) }
        self.resources = sorted
        self.rootDigest = try hasher.finalize()
    }

    /// Code-point order. Swift's `String <` compares by Unicode canonical equivalence
    /// instead, but lexicographic UTF-8 byte order equals code-point order.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
