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

extension VerifiedPatchBundle {
    /// The same bundle without its region certificates (the bulk of a bundle: tens of KB per
    /// MNIST point). Patches and points stay, so every patch can still act in the patched
    /// network; the certificates are read again when this bundle's points are checked.
    public func withoutCertificates() -> VerifiedPatchBundle {
        var file = patchFile
        file.certificates = []
        return VerifiedPatchBundle(path: path, fileDigest: fileDigest, predicate: predicate, patchFile: file,
                                   patchDataDigest: patchDataDigest, patches: patches, signer: signer)
    }
}
