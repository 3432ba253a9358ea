import Foundation
import PruneCore
import PruneModel
import PruneRepair

/// The patches of one unlearning run, written by `prune unlearn` and signed later into a
/// bundle (`Specs/patch-file.md`). JSON with sorted keys and binary tensors (zlib, SHA-256),
/// so the same run gives the same bytes. It never holds forgotten data: each point is a
/// `ForgetCommitment`. Regions are activation-pattern bitsets, never dense polytopes, so the
/// size grows with hidden neurons per patch, not with inputs × hidden.
public struct PatchFile: Codable, Sendable {
    public static let formatName = "prune.patches/v1"
    /// v1 plus `patches[].gateLayers` (gates over the leading hidden layers only). A file that
    /// uses it says v2, so a verifier that predates the field refuses it instead of reading
    /// the gates as exact-region gates (a narrower f̂ than the one deployed).
    public static let gateLayersFormatName = "prune.patches/v2"
    public static let formatNames = [formatName, gateLayersFormatName]

    public struct Generator: Codable, Sendable { public var name: String; public var version: String }

    /// What the patches are bound to.
    public struct ModelBinding: Codable, Sendable {
        /// SHA-256 of the model file's bytes.
        public var sha256: String
        public var inputShape: [Int]
        public var featureCount: Int
        public var classes: Int
        public var hiddenWidths: [Int]
        public var boxLower: PatchTensor
        public var boxUpper: PatchTensor
        public var preprocessingMean: [Double]
        public var preprocessingStd: [Double]
        /// Where patches act: on the logits, over the dense head's input.
        public var patchedLayer: String
        public var tieRule: String
        public var numerics: String
    }

    public struct Settings: Codable, Sendable {
        public var margin: Double
        public var certify: String
        public var bounds: String
        public var target: String
        /// "calibrated" (then `gammaSafety`) or "fixed" (then `gammaFixed`).
        public var gammaPolicy: String
        public var gammaSafety: Double?
        public var gammaFixed: Double?
        public var defaultGamma: Double
        public var clusters: Int?
        public var maxRounds: Int
        public var rounds: Int
        public var seed: UInt64
        public var fastSteps: Int
    }

    public struct Request: Codable, Sendable {
        public var id: String
        public var count: Int
        public var commitment: String
        /// The slice of the request this file forgets, when the request is split over several
        /// chained bundles (a bundle holds at most 64 MiB, about 3,000 MNIST points); absent
        /// when the file forgets the whole request.
        public var part: Part?

        public init(id: String, count: Int, commitment: String, part: Part? = nil) {
            self.id = id
            self.count = count
            self.commitment = commitment
            self.part = part
        }
    }

    /// Rows `first ..< first + count` of the request.
    public struct Part: Codable, Sendable, Equatable {
        public var first: Int
        public var count: Int

        public init(first: Int, count: Int) {
            self.first = first
            self.count = count
        }

        public var rows: Range<Int> { first..<(first + count) }

        /// Whether this is a non-empty slice of a request of `total` rows (no overflow).
        public func isSlice(of total: Int) -> Bool { first >= 0 && count > 0 && first <= total - count }
    }

    public struct Point: Codable, Sendable {
        public var index: Int
        public var commitment: String
        public var patch: Int?
        /// Index of the point's own region among the covering patch's members (C1 re-derives it).
        public var member: Int?
        public var claim: String
        /// μ = max_{j≠y} f̂_j − f̂_y at the point, all patches active.
        public var margin: Double
    }

    public struct PatchEntry: Codable, Sendable {
        public var target: Int
        public var gamma: Double
        public var bound: Double
        public var offset: [Double]
        /// Member patterns: [members, words] of 64-bit words, neuron k = bit k % 64 of word k / 64.
        public var members: PatchTensor
        public var closingGamma: Double?
        public var referenceInside: Int
        /// The gate's leading hidden layers (prune.patches/v2); absent: all (the exact region).
        public var gateLayers: Int? = nil
    }

    /// A sparse matrix: flat row-major indices and their values.
    public struct SparseMatrix: Codable, Sendable {
        public var shape: [Int]
        public var indices: PatchTensor
        public var values: PatchTensor
    }

    public struct InterferenceEntry: Codable, Sendable {
        public var patch: Int
        /// "shared", "absorbed" or "gate-closed".
        public var treatment: String
        public var lowerBounds: [Double]?
        /// For "gate-closed": one row of N multipliers per member of that patch.
        public var multipliers: SparseMatrix?
        /// For "gate-closed": the weights ω ∈ [0, 1] of the other member's rows, one row of N
        /// per member (absent: 1 on the first-layer rows where the patterns differ).
        public var weights: SparseMatrix? = nil
    }

    public struct CertificateEntry: Codable, Sendable {
        public var patch: Int
        /// Index of the certified region among the patch's members.
        public var member: Int
        /// M_j for every logit (0 at the target).
        public var bounds: [Double]
        public var patchedBound: Double
        /// y_j for every logit j (C × N; the target's row is zero).
        public var multipliers: SparseMatrix
        public var interference: [InterferenceEntry]
    }

    public var format: String
    public var generator: Generator
    public var model: ModelBinding
    public var settings: Settings
    public var request: Request
    public var points: [Point]
    public var patches: [PatchEntry]
    public var certificates: [CertificateEntry]
}

extension PatchFile.SparseMatrix {
    init(dense values: [Double], shape: [Int]) throws {
        var indices = [UInt32](), nonzero = [Double]()
        // Subnormal multipliers are flushed to 0 (still a valid y ≥ 0): readers refuse them.
        for (i, v) in values.enumerated() where v != 0 && !v.isSubnormal {
            indices.append(UInt32(i))
            nonzero.append(v)
        }
        self.init(shape: shape, indices: try PatchTensor(u32: indices, shape: [indices.count]),
                  values: try PatchTensor(f64: nonzero, shape: [nonzero.count]))
    }

    /// The number of entries `shape` declares, or nil when a dimension is negative or the
    /// product overflows. Check it against the size the model implies before `dense`.
    public var declaredCount: Int? { PatchTensor.product(shape) }

    /// The dense row-major matrix. It allocates the declared size, so callers check `shape`
    /// against the model first; `validate` checks a file without allocating it.
    public func dense(path: String) throws -> [Double] {
        let (count, entries) = try sparseEntries(path: path)
        var out = [Double](repeating: 0, count: count)
        for (k, v) in entries { out[k] = v }
        return out
    }

    /// Everything `dense` checks (shape, both tensors, indices strictly increasing and inside
    /// the shape), with memory bounded by the stored entries rather than the declared shape.
    public func validate(path: String) throws {
        _ = try sparseEntries(path: path)
    }

    private func sparseEntries(path: String) throws -> (count: Int, entries: [(Int, Double)]) {
        guard let count = declaredCount, count <= PatchTensor.maximumBytes / 8 else {
            throw PatchFileError.tensor(path, "bad shape \(shape)")
        }
        let idx = try indices.u32(path: path + ".indices"), vals = try values.f64(path: path + ".values")
        guard idx.count == vals.count else { throw PatchFileError.tensor(path, "indices and values differ in length") }
        var entries = [(Int, Double)]()
        entries.reserveCapacity(idx.count)
        var previous = -1
        for (i, v) in zip(idx, vals) {
            let k = Int(i)
            guard k > previous, k < count else { throw PatchFileError.tensor(path, "index \(k) out of order or range") }
            // One encoding per matrix: zeros (also −0) are never stored.
            guard v != 0 else { throw PatchFileError.tensor(path, "stores an explicit zero at index \(k)") }
            entries.append((k, v))
            previous = k
        }
        return (count, entries)
    }
}
