import Foundation
import PruneBLAS
import PruneCore
import PruneModel

/// Trains a dense ReLU MLP with softmax cross-entropy by minibatch SGD with momentum (or
/// Adam), in Float32 with OpenBLAS matrix products, like the frameworks model owners use.
/// Deterministic for a seed: initialisation and shuffling come from `SeededGenerator`, and
/// every reduction runs in a fixed order. The trained weights convert exactly to the Float64
/// `Network` that prune evaluates and patches.
public struct MLPTrainer {
    public let configuration: TrainingConfiguration
    public let inputCount: Int
    public let classCount: Int
    /// Layer sizes [m, n₁, …, C].
    public let sizes: [Int]
    /// Per layer: row-major weights (out × in) and biases.
    public private(set) var weights: [[Float]]
    public private(set) var biases: [[Float]]

    private var velocityW: [[Float]]
    private var velocityB: [[Float]]
    private var secondW: [[Float]]
    private var secondB: [[Float]]
    private var step = 0
    private var generator: SeededGenerator

    public init(configuration: TrainingConfiguration, inputCount: Int, classCount: Int) throws(TrainingError) {
        try configuration.validate()
        guard inputCount > 0, classCount >= 2 else {
            throw .invalidData("need at least one feature and two classes, got \(inputCount) features and \(classCount) classes")
        }
        self.configuration = configuration
        self.inputCount = inputCount
        self.classCount = classCount
        sizes = [inputCount] + configuration.hidden + [classCount]
        generator = SeededGenerator(seed: configuration.seed)
        weights = []
        biases = []
        // He initialisation, suited to ReLU: w ~ N(0, 2/fan_in); biases start at zero.
        for l in 0..<(sizes.count - 1) {
            let (fanIn, fanOut) = (sizes[l], sizes[l + 1])
            let scale = (2.0 / Double(fanIn)).squareRoot()
            var w = [Float](repeating: 0, count: fanIn * fanOut)
            for i in w.indices { w[i] = Float(generator.normal() * scale) }
            weights.append(w)
            biases.append([Float](repeating: 0, count: fanOut))
        }
        velocityW = weights.map { [Float](repeating: 0, count: $0.count) }
        velocityB = biases.map { [Float](repeating: 0, count: $0.count) }
        secondW = configuration.optimizer == .adam ? velocityW : []
        secondB = configuration.optimizer == .adam ? velocityB : []
    }

    /// Trains for the configured epochs on preprocessed features (n × m, row-major) and labels
    /// in 0..<classCount, calling `progress` after every epoch (and `batchProgress` after
    /// every minibatch with the fraction of the epoch done).
    public mutating func train(features: [Float], labels: [Int], test: (features: [Float], labels: [Int])? = nil,
                               progress: (EpochReport) -> Void = { _ in },
                               batchProgress: (Double) -> Void = { _ in }) throws(TrainingError) {
        try check(features: features, labels: labels, what: "training")
        if let test { try check(features: test.features, labels: test.labels, what: "test") }
        let n = labels.count
        let m = inputCount
        let batch = min(configuration.batchSize, n)
        var buffers = Buffers(sizes: sizes, batch: batch)
        for epoch in 1...configuration.epochs {
            let start = Date()
            let order = generator.permutation(n)
            var lossSum = 0.0, correct = 0, batches = 0
            var first = 0
            while first < n {
                let rows = min(batch, n - first)
                VectorKernels.gatherRows(features, width: m, indices: order[first..<(first + rows)], into: &buffers.activations[0])
                for r in 0..<rows { buffers.labels[r] = labels[order[first + r]] }
                let (loss, hits) = trainStep(&buffers, rows: rows)
                lossSum += loss
                correct += hits
                batches += 1
                first += rows
                batchProgress(Double(first) / Double(n))
            }
            let seconds = Date().timeIntervalSince(start)
            let meanLoss = lossSum / Double(batches)
            guard meanLoss.isFinite else { throw .diverged(epoch: epoch) }
            let testAccuracy = test.map { accuracy(features: $0.features, labels: $0.labels) }
            progress(EpochReport(epoch: epoch, epochs: configuration.epochs, loss: meanLoss,
                                 trainAccuracy: Double(correct) / Double(n), testAccuracy: testAccuracy,
                                 seconds: seconds))
        }
    }

    /// Fraction of samples whose argmax logit (Float32 forward) equals the label.
    public func accuracy(features: [Float], labels: [Int]) -> Double {
        guard !labels.isEmpty else { return 0 }
        let chunk = 1024
        var buffers = Buffers(sizes: sizes, batch: min(chunk, labels.count))
        var correct = 0
        var first = 0
        while first < labels.count {
            let rows = min(chunk, labels.count - first)
            for i in 0..<(rows * inputCount) { buffers.activations[0][i] = features[first * inputCount + i] }
            forward(&buffers, rows: rows)
            let logits = buffers.activations[sizes.count - 1]
            for r in 0..<rows where argmax(logits, row: r) == labels[first + r] { correct += 1 }
            first += rows
        }
        return Double(correct) / Double(labels.count)
    }

    /// The trained MLP as prune's Float64 network (exact conversion of every weight).
    public func network(input: InputSpec) throws(ModelError) -> Network {
        var layers = [DenseLayer]()
        for l in 0..<(sizes.count - 1) {
            layers.append(try DenseLayer(inputs: sizes[l], outputs: sizes[l + 1],
                                         float32Weights: weights[l], float32Bias: biases[l]))
        }
        return try Network(input: input, layers: layers)
    }

    // MARK: - One minibatch

    /// Working memory for one minibatch, allocated once per run.
    private struct Buffers {
        /// activations[0] is the input batch; activations[l] the output of layer l (post-ReLU
        /// for hidden layers, logits for the last).
        var activations: [[Float]]
        var gradients: [[Float]]
        var gradW: [[Float]]
        var gradB: [[Float]]
        var labels: [Int]

        init(sizes: [Int], batch: Int) {
            activations = sizes.map { [Float](repeating: 0, count: batch * $0) }
            gradients = activations
            gradW = (0..<(sizes.count - 1)).map { [Float](repeating: 0, count: sizes[$0] * sizes[$0 + 1]) }
            gradB = sizes.dropFirst().map { [Float](repeating: 0, count: $0) }
            labels = [Int](repeating: 0, count: batch)
        }
    }

    private func forward(_ b: inout Buffers, rows: Int) {
        let last = sizes.count - 2
        for l in 0...last {
            let (nin, nout) = (sizes[l], sizes[l + 1])
            VectorKernels.fillRows(&b.activations[l + 1], rows: rows, with: biases[l])
            BLAS.gemm(.none, .transposed, m: rows, n: nout, k: nin, a: b.activations[l], lda: nin,
                      b: weights[l], ldb: nin, beta: 1, c: &b.activations[l + 1], ldc: nout)
            if l < last { VectorKernels.relu(&b.activations[l + 1], count: rows * nout) }
        }
    }

    private func argmax(_ logits: [Float], row: Int) -> Int {
        var best = 0
        for j in 1..<classCount where logits[row * classCount + j] > logits[row * classCount + best] { best = j }
        return best
    }

    /// Forward, softmax cross-entropy, backward and one optimiser step. Returns the batch's
    /// mean loss and the number of correct predictions before the step.
    private mutating func trainStep(_ b: inout Buffers, rows: Int) -> (Double, Int) {
        forward(&b, rows: rows)
        let L = sizes.count - 1
        let c = classCount
        var loss = 0.0, hits = 0
        let scale = 1 / Float(rows)
        // dZ_L = (softmax(z) − onehot(y)) / rows, computed stably from the row maximum.
        for r in 0..<rows {
            let base = r * c
            var maxLogit = b.activations[L][base]
            var best = 0
            for j in 1..<c where b.activations[L][base + j] > maxLogit {
                maxLogit = b.activations[L][base + j]
                best = j
            }
            if best == b.labels[r] { hits += 1 }
            var sum: Float = 0
            for j in 0..<c {
                let e = expf(b.activations[L][base + j] - maxLogit)
                b.gradients[L][base + j] = e
                sum += e
            }
            let y = b.labels[r]
            loss += Double(logf(sum) - (b.activations[L][base + y] - maxLogit))
            for j in 0..<c { b.gradients[L][base + j] = b.gradients[L][base + j] / sum * scale }
            b.gradients[L][base + y] -= scale
        }
        for l in stride(from: L - 1, through: 0, by: -1) {
            let (nin, nout) = (sizes[l], sizes[l + 1])
            // gW = dZᵀ·A (out × in); gb = column sums of dZ.
            BLAS.gemm(.transposed, .none, m: nout, n: nin, k: rows, a: b.gradients[l + 1], lda: nout,
                      b: b.activations[l], ldb: nin, c: &b.gradW[l], ldc: nin)
            VectorKernels.columnSums(b.gradients[l + 1], rows: rows, into: &b.gradB[l])
            if l > 0 {
                // dA = dZ·W, then through the ReLU: zero where the unit was off.
                BLAS.gemm(.none, .none, m: rows, n: nin, k: nout, a: b.gradients[l + 1], lda: nout,
                          b: weights[l], ldb: nin, c: &b.gradients[l], ldc: nin)
                VectorKernels.reluBackward(&b.gradients[l], activations: b.activations[l], count: rows * nin)
            }
        }
        update(b)
        return (loss / Double(rows), hits)
    }

    private mutating func update(_ b: Buffers) {
        let lr = Float(configuration.learningRate)
        switch configuration.optimizer {
        case .sgd:
            let mu = Float(configuration.momentum)
            for l in weights.indices {
                VectorKernels.momentumStep(weights: &weights[l], velocity: &velocityW[l], gradient: b.gradW[l],
                                           learningRate: lr, momentum: mu)
                VectorKernels.momentumStep(weights: &biases[l], velocity: &velocityB[l], gradient: b.gradB[l],
                                           learningRate: lr, momentum: mu)
            }
        case .adam:
            step += 1
            let (beta1, beta2, eps): (Float, Float, Float) = (0.9, 0.999, 1e-8)
            let c1 = 1 - powf(beta1, Float(step)), c2 = 1 - powf(beta2, Float(step))
            for l in weights.indices {
                VectorKernels.adamStep(weights: &weights[l], first: &velocityW[l], second: &secondW[l], gradient: b.gradW[l],
                                       learningRate: lr, beta1: beta1, beta2: beta2, epsilon: eps, c1: c1, c2: c2)
                VectorKernels.adamStep(weights: &biases[l], first: &velocityB[l], second: &secondB[l], gradient: b.gradB[l],
                                       learningRate: lr, beta1: beta1, beta2: beta2, epsilon: eps, c1: c1, c2: c2)
            }
        }
    }

    private func check(features: [Float], labels: [Int], what: String) throws(TrainingError) {
        guard !labels.isEmpty else { throw .invalidData("the \(what) set is empty") }
        guard features.count == labels.count * inputCount else {
            throw .invalidData("the \(what) set has \(features.count) values for \(labels.count) samples of \(inputCount) features")
        }
        if let i = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw .invalidData("\(what) sample \(i) has label \(labels[i]), outside 0..<\(classCount)")
        }
        if let i = features.firstIndex(where: { !$0.isFinite }) {
            throw .invalidData("\(what) sample \(i / inputCount) feature \(i % inputCount) is not finite")
        }
    }
}
