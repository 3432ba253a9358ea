extension PatchFile {
    /// Decodes every binary tensor (declared size checked before inflating, SHA-256 of the
    /// inflated bytes, finiteness), so a verifier accepts no tensor a reader could not use.
    /// `prefix` is the JSON path of the patch file inside its container, for error messages.
    public func checkTensors(prefix: String = "") throws {
        _ = try model.boxLower.f64(path: prefix + "model.boxLower")
        _ = try model.boxUpper.f64(path: prefix + "model.boxUpper")
        for (k, patch) in patches.enumerated() {
            _ = try patch.members.u64(path: prefix + "patches[\(k)].members")
        }
        for (k, certificate) in certificates.enumerated() {
            let path = prefix + "certificates[\(k)]"
            _ = try certificate.multipliers.dense(path: path + ".multipliers")
            for (i, entry) in certificate.interference.enumerated() {
                _ = try entry.multipliers?.dense(path: path + ".interference[\(i)].multipliers")
            }
        }
    }
}
