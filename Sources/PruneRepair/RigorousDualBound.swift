import PruneModel


/// The dual bound of a region certificate, evaluated so that the result is an upper bound on
/// the exact real-valued U(y): the floating-point value plus γ_n times the same computation
/// run on absolute values (|W|, |v|, |y|, |b|, |box|). Multipliers must be finite and ≥ 0;
/// the caller rejects others before calling.
public struct RigorousDualBound: Sendable {
    public let network: Network
    /// The same architecture with every weight and bias replaced by its absolute value.
    public let magnitudes: Network
    public let box: InputBox
    /// The longest chain of rounded operations in one bound evaluation (generous).
    public let operations: Int

    public init(network: Network, box: InputBox) throws(ModelError) {
        self.network = network
        self.box = box
        var layers = [DenseLayer]()
        for layer in network.layers {
            layers.append(try DenseLayer(inputs: layer.inputs, outputs: layer.outputs,
                                         weights: layer.weights.map(abs), bias: layer.bias.map(abs)))
        }
        self.magnitudes = try Network(input: network.input, layers: layers)
        // Forward at 0 and backward: each layer costs fan-in multiply-adds plus masking and
        // the injected cotangent; the final sums add m, C and N more terms.
        let perLayer = network.layers.reduce(0) { $0 + $1.inputs + $1.outputs + 4 }
        self.operations = 2 * perLayer + network.featureCount + network.outputCount + network.hiddenCount + 16
    }

    /// Upper bounds on U(y) for each row of `problem` (which must be over `network`).
    public func upperBounds(_ problem: DualProblem, multipliers y: [Double]) -> [Double] {
        let values = problem.evaluate(multipliers: y).values
        // The magnitude twin: |v| through |W| with the same patterns, |y| (and |h|) injected,
        // and |lo|, |hi| for the box, |b| for the constant term.
        let absProblem = DualProblem(network: magnitudes, box: absoluteBox,
                                     patterns: problem.patterns, cotangents: problem.cotangents.map(abs),
                                     count: problem.count, hiddenObjective: problem.hiddenObjective.map { $0.map(abs) },
                                     inputObjective: problem.inputObjective.map { rows in
                                         rows.map { AffineObjective(gradient: $0.gradient.map(abs), constant: abs($0.constant)) } })
        // DualProblem negates the multipliers of inactive rows; pre-negate them so that every
        // injected magnitude arrives as +|y_i|.
        var injected = y.map(abs)
        let n = network.hiddenCount
        for r in 0..<problem.count {
            let pattern = problem.pattern(ofRow: r)
            for i in 0..<n where !pattern[i] { injected[r * n + i] = -injected[r * n + i] }
        }
        let magnitude = absProblem.evaluate(multipliers: injected).values
        return zip(values, magnitude).map { RoundingBound.upper($0, magnitude: abs($1), operations: operations) }
    }

    /// The box with every bound replaced by max(|lo|, |hi|) on both sides, so the magnitude
    /// problem's corner term is Σ |g_c|·max(|lo_c|, |hi_c|).
    var absoluteBox: InputBox {
        let r = zip(box.lower, box.upper).map { max(abs($0), abs($1)) }
        // A box [r, r] makes every corner choice give |g|·r when g ≥ 0 (all magnitudes are).
        return (try? InputBox(lower: r, upper: r)) ?? box
    }
}
