import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair

extension PatchedNetwork {
    /// The patched network of a patch file, after checking that it was made for this model
    /// file (its SHA-256) and that its patches fit the network.
    public static func load(patchFile path: String, network: Network, modelPath: String) throws -> PatchedNetwork {
        let file = try PatchFile.load(path: path)
        let digest = try Hash.digestFile(path: modelPath, algorithm: .sha256).hexString
        guard digest == file.model.sha256 else {
            throw FileError(path: path, PatchFileError.modelMismatch(expected: file.model.sha256, actual: digest))
        }
        do {
            return PatchedNetwork(network: network, patches: try file.decodePatches(for: network))
        } catch let error as any PruneError {
            throw FileError(path: path, error)
        }
    }
}
