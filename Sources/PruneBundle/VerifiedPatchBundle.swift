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
        return VerifiedPatchBundle(path: path, fileDigest: fileDigest, predicate: withoutPatchJSON().predicate, patchFile: file,
                                   patchDataDigest: patchDataDigest, patches: patches, signer: signer)
    }

    /// The same bundle without `predicate.patches`, the patch file as a JSON tree: verification
    /// needed it (the patch-data digest, the decoding), `patchFile` holds it decoded, and as a
    /// tree it costs several times the file. An audit keeps many bundles and reads only
    /// `patchFile`; the tree is replaced by `null`.
    public func withoutPatchJSON() -> VerifiedPatchBundle {
        var lean = predicate
        lean.patches = .null
        return VerifiedPatchBundle(path: path, fileDigest: fileDigest, predicate: lean, patchFile: patchFile,
                                   patchDataDigest: patchDataDigest, patches: patches, signer: signer)
    }
}
