import PruneModel

/// Bounds what the other patches can do on a certified region S (check C6). For a patch k′:
///   - if S is one of its member regions, G_{k′} = 1 on S and h_{k′} = d_{k′} there exactly;
///   - otherwise h_{k′} lies between min(0, d_{k′}) and max(0, d_{k′}) componentwise (|h| ≤ |p|
///     with matching signs), so for spec row j it adds at most max(0, d′_j) − min(0, d′_t).
///     With prune's offsets (d_t ≥ 0 ≥ d_j) a patch with the same target adds nothing.
public struct InterferenceBound: Sendable {
    public let network: Network
    public let box: InputBox
    public let patches: [Patch]

    /// max over j ≠ t of M_j + d_j − d_t + Σ_{k′≠k} interference_j: the certified bound on
    /// max over S ∩ X of f̂_j − f̂_t. The claim holds when it is ≤ −τ.
    public func patchedBound(certificate: RegionCertificate, patch k: Int) -> Double {
        let t = certificate.target
        let own = patches[k].offset
        var worst = -Double.infinity
        for j in certificate.bounds.indices where j != t {
            var bound = certificate.bounds[j] + own[j] - own[t]
            for (other, patch) in patches.enumerated() where other != k {
                let d = patch.offset
                if patch.members.contains(certificate.pattern) {
                    bound += d[j] - d[t]
                } else {
                    bound += max(0, d[j]) - min(0, d[t])
                }
            }
            worst = max(worst, bound)
        }
        return worst
    }
}
