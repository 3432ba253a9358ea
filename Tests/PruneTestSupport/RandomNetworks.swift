import PruneCore
import PruneModel

/// Random dense ReLU networks for property tests, with weights scaled so that patterns vary
/// across the unit box.
public func randomNetwork(_ sizes: [Int], seed: UInt64) throws -> Network {
    var rng = SeededGenerator(seed: seed)
    var layers = [DenseLayer]()
    for l in 0..<(sizes.count - 1) {
        let w = (0..<(sizes[l] * sizes[l + 1])).map { _ in rng.normal() / Double(sizes[l]).squareRoot() * 1.5 }
        let b = (0..<sizes[l + 1]).map { _ in rng.normal() * 0.3 }
        layers.append(try DenseLayer(inputs: sizes[l], outputs: sizes[l + 1], weights: w, bias: b))
    }
    return try Network(input: .unitBox(sizes[0]), layers: layers)
}

public func randomPoint(_ count: Int, _ rng: inout SeededGenerator) -> [Double] {
    (0..<count).map { _ in rng.unit() }
}
