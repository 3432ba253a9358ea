import PruneBundle

/// Where each (patch, member) certificate sits in a patch file, so a point finds its
/// certificate by one lookup instead of a scan (a scan per point made audits quadratic in the
/// number of points). The first entry wins, as the scan it replaces did.
struct CertificateIndex: Sendable {
    private struct Key: Hashable {
        let patch: Int
        let member: Int
    }

    private let positions: [Key: Int]

    init(_ certificates: [PatchFile.CertificateEntry]) {
        var positions = [Key: Int](minimumCapacity: certificates.count)
        for (i, entry) in certificates.enumerated() where positions[Key(patch: entry.patch, member: entry.member)] == nil {
            positions[Key(patch: entry.patch, member: entry.member)] = i
        }
        self.positions = positions
    }

    func entry(patch: Int, member: Int, in file: PatchFile) -> PatchFile.CertificateEntry? {
        positions[Key(patch: patch, member: member)].map { file.certificates[$0] }
    }
}
