import Foundation
import PruneCrypto
import PruneRepair

/// A patch bundle that passed every check of `PatchBundleVerifier` except the chain, which
/// needs its neighbours. Everything here was read from signature-verified bytes.
public struct VerifiedPatchBundle: Sendable {
    public let path: String
    /// Hex SHA-256 of the bundle file's bytes: what a child names as its parent.
    public let fileDigest: String
    public let predicate: PatchBundlePredicate
    public let patchFile: PatchFile
    /// Hex patch-data digest (the `patches` subject).
    public let patchDataDigest: String
    /// The patches, decoded and checked against the model's network.
    public let patches: [Patch]
    public let signer: PublicKey
}
