/// The on/off state of every hidden ReLU of a network's dense head at one point, one bit per
/// neuron (1 = active), layers in order. Tie rule: a neuron is active iff its pre-activation
/// is strictly positive (z > 0); a neuron with z = 0 is inactive. Both choices give polytopes
/// containing the point; prune always uses this one, and bundles record it.
public struct ActivationPattern: Sendable, Hashable {
    /// Hidden widths n₁ … n_{L−1}.
    public let layerWidths: [Int]
    /// Bits packed little-endian into 64-bit words: neuron k is bit k % 64 of word k / 64.
    public private(set) var words: [UInt64]

    public static let tieRule = "active iff z > 0"

    public init(layerWidths: [Int]) {
        self.layerWidths = layerWidths
        self.words = Array(repeating: 0, count: (layerWidths.reduce(0, +) + 63) / 64)
    }

    /// Rebuilds a pattern from packed words (a bundle); bits past the last neuron must be zero.
    public init(layerWidths: [Int], words: [UInt64]) throws(ModelError) {
        self.init(layerWidths: layerWidths)
        guard words.count == self.words.count else {
            throw .shapeMismatch(detail: "pattern of \(count) neurons needs \(self.words.count) words, got \(words.count)")
        }
        let spare = self.words.count * 64 - count
        if spare > 0, let last = words.last, last >> UInt64(64 - spare) != 0 {
            throw .shapeMismatch(detail: "pattern has bits set past neuron \(count)")
        }
        self.words = words
    }

    /// Total number of hidden neurons N.
    public var count: Int { layerWidths.reduce(0, +) }

    /// Index of the first neuron of hidden layer `layer` (0-based) in the stacked order.
    public func offset(ofLayer layer: Int) -> Int { layerWidths[..<layer].reduce(0, +) }

    public subscript(neuron: Int) -> Bool {
        get { words[neuron >> 6] & (1 << UInt64(neuron & 63)) != 0 }
        set {
            if newValue { words[neuron >> 6] |= 1 << UInt64(neuron & 63) }
            else { words[neuron >> 6] &= ~(1 << UInt64(neuron & 63)) }
        }
    }

    public func isActive(layer: Int, neuron: Int) -> Bool { self[offset(ofLayer: layer) + neuron] }

    /// Number of active neurons.
    public var activeCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Number of neurons whose state differs from `other` (Hamming distance).
    public func distance(to other: ActivationPattern) -> Int {
        precondition(layerWidths == other.layerWidths, "patterns of different networks")
        return zip(words, other.words).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
    }

    /// Bits as a string of '0'/'1', neuron 0 first (for messages and tests).
    public var bitString: String { String((0..<count).map { self[$0] ? "1" : "0" }) }
}
