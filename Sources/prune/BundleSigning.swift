import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// The signing step shared by `bundle sign` and `unlearn --key`.
enum BundleSigning {
    static func sign(_ file: PatchFile, patchesPath: String, model: String, key: String, parent: String?,
                     createdAt: String?) throws -> Data {
        let privateKey = try PrivateKey(pemFile: key)
        let parentBundle = try parent.map { (path: $0, data: try PatchBundleVerifier.read($0)) }
        do {
            return try PatchBundle.sign(patchFile: file, modelPath: model, key: privateKey, parentBundle: parentBundle,
                                        createdAt: createdAt ?? PatchBundlePredicate.timestamp(Date()))
        } catch let error as PatchFileError {
            throw FileError(path: patchesPath, error)
        }
    }
}
