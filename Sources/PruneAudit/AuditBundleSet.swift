import Foundation
import PruneBundle
import PruneCore
import PruneHeap

/// The verified bundles of an audit, with memory bounded whatever the number of points.
///
/// Every bundle's patches and points stay in memory: C0 and C6 need every patch of the chain
/// active. Certificates are most of a bundle's bytes; when the bundle files together pass
/// `certificateBudget` bytes, each bundle's certificates are dropped after it is verified and
/// read again, one bundle at a time, when its points are checked. The second read must hash
/// to the digest verified the first time (`bundle.changed-during-audit`), so a file swapped during
/// the audit cannot slip in unverified certificates. In that mode each parse also runs with its
/// large buffers mapped apart from the heap (`Heap`), so that freeing them gives the memory
/// back: the audit's peak then no longer grows with the number of bundles.
public struct AuditBundleSet: Sendable {
    /// Bundles in chain order; those in `reread` hold no certificates.
    public let bundles: [VerifiedPatchBundle]
    private let reread: Set<Int>
    private let verifier: PatchBundleVerifier?

    /// Bundle bytes kept in memory before certificates are re-read: one bundle of the largest
    /// size (`PatchBundle.maximumBytes`, 64 MiB; 20 MB holds 1,000 MNIST points). A request in
    /// one bundle is audited from memory; a chain larger than that re-reads, and its peak
    /// stays that of one bundle, whatever the number of points.
    public static let defaultCertificateBudget = PatchBundle.maximumBytes

    /// Reads and verifies each file (every check, then the chain over all of them).
    public init(paths: [String], verifier: PatchBundleVerifier, certificateBudget: Int = defaultCertificateBudget) throws {
        let total = paths.reduce(0) { $0 + (((try? FileManager.default.attributesOfItem(atPath: $1))?[.size] as? NSNumber)?.intValue ?? 0) }
        let keep = total <= certificateBudget
        var bundles = [VerifiedPatchBundle]()
        for path in paths {
            if keep {
                bundles.append(try verifier.verify(bundle: try PatchBundleVerifier.read(path), path: path).withoutPatchJSON())
            } else {
                // Past the budget the audit trades speed for memory: it re-reads certificates,
                // and each parse's large buffers go back to the system when freed.
                bundles.append(try Heap.withLargeAllocationsMapped {
                    try verifier.verify(bundle: try PatchBundleVerifier.read(path), path: path).withoutCertificates()
                })
            }
        }
        try PatchBundleVerifier.checkChain(bundles)
        self.bundles = bundles
        self.reread = keep ? [] : Set(bundles.indices)
        self.verifier = verifier
    }

    /// Bundles already verified and in memory, certificates included.
    public init(verified: [VerifiedPatchBundle]) {
        self.bundles = verified
        self.reread = []
        self.verifier = nil
    }

    /// Bundle `index` with its certificates: the one in memory, or read and verified again.
    public func withCertificates(_ index: Int) throws -> VerifiedPatchBundle {
        guard reread.contains(index), let verifier else { return bundles[index] }
        let first = bundles[index]
        let again = try Heap.withLargeAllocationsMapped {
            try verifier.verify(bundle: try PatchBundleVerifier.read(first.path), path: first.path).withoutPatchJSON()
        }
        guard again.fileDigest == first.fileDigest else {
            throw FileError(path: first.path, PatchBundleError.changedDuringAudit(verified: first.fileDigest, now: again.fileDigest))
        }
        return again
    }

    /// How many bundles have their certificates re-read (0 when all fit the budget).
    public var rereadCount: Int { reread.count }
}
