extension PatchFile {
    /// Decodes every binary tensor (declared size checked before inflating, SHA-256 of the
    /// inflated bytes, finiteness), so a verifier accepts no tensor a reader could not use.
    /// Sparse matrices are checked without expanding them: memory follows the stored entries,
    /// not the declared shape.
    /// `prefix` is the JSON path of the patch file inside its container, for error messages.
    public func checkTensors(prefix: String = "") throws {
        _ = try model.boxLower.f64(path: prefix + "model.boxLower")
        _ = try model.boxUpper.f64(path: prefix + "model.boxUpper")
        for (k, patch) in patches.enumerated() {
            _ = try patch.members.u64(path: prefix + "patches[\(k)].members")
        }
        for (k, certificate) in certificates.enumerated() {
            let path = prefix + "certificates[\(k)]"
            try certificate.multipliers.validate(path: path + ".multipliers")
            for (i, entry) in certificate.interference.enumerated() {
                try entry.multipliers?.validate(path: path + ".interference[\(i)].multipliers")
            }
        }
    }
}
