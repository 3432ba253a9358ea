import PruneCore

/// The optimiser used for minibatch training.
public enum Optimizer: String, Sendable, CaseIterable {
    /// SGD with heavy-ball momentum, PyTorch's convention: v ← μv + g, w ← w − lr·v.
    case sgd
    /// Adam (Kingma & Ba) with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and bias correction.
    case adam
}

/// Hyper-parameters of a training run. Everything that changes the resulting weights is
/// here, so a run is reproducible from this value and the data.
public struct TrainingConfiguration: Sendable, Equatable {
    public var hidden: [Int]
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var momentum: Double
    public var optimizer: Optimizer
    public var seed: UInt64

    public init(hidden: [Int], epochs: Int, batchSize: Int = 128, learningRate: Double = 0.05,
                momentum: Double = 0.9, optimizer: Optimizer = .sgd, seed: UInt64 = 0) {
        self.hidden = hidden
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.optimizer = optimizer
        self.seed = seed
    }

    public func validate() throws(TrainingError) {
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 > 0 }) else {
            throw .invalidConfiguration("hidden widths must be positive, got \(hidden)")
        }
        guard epochs > 0 else { throw .invalidConfiguration("epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw .invalidConfiguration("batch size must be positive, got \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidConfiguration("learning rate must be a positive number, got \(learningRate)")
        }
        guard momentum.isFinite, momentum >= 0, momentum < 1 else {
            throw .invalidConfiguration("momentum must be in [0, 1), got \(momentum)")
        }
    }
}

/// Why training could not start or went wrong. Codes are stable (`train.*`).
public enum TrainingError: PruneError, Equatable {
    case invalidConfiguration(String)
    case invalidData(String)
    /// The loss became NaN or infinite: the learning rate is too high for this data.
    case diverged(epoch: Int)

    public var code: String {
        switch self {
        case .invalidConfiguration: "train.invalid-configuration"
        case .invalidData: "train.invalid-data"
        case .diverged: "train.diverged"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidConfiguration: .usage
        case .invalidData: .dataError
        case .diverged: .dataError
        }
    }

    public var message: String {
        switch self {
        case .invalidConfiguration(let m): "invalid training configuration: \(m)"
        case .invalidData(let m): "invalid training data: \(m)"
        case .diverged(let e): "training diverged in epoch \(e) (the loss is not finite); lower the learning rate"
        }
    }
}
