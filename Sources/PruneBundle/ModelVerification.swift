import Foundation
import PruneCrypto

/// What a successful model verification established.
public struct ModelVerification: Sendable {
    /// The subject name the signer recorded (informational).
    public let modelName: String
    /// The signed root digest, equal to the one recomputed from the files.
    public let rootDigest: Data
    /// The verified files, in canonical order.
    public let resources: [ModelManifest.Resource]
    /// The trusted key whose signature verified.
    public let signer: PublicKey
    /// The exclusions the signer recorded, which were applied when re-hashing.
    public let ignorePaths: [String]
}
