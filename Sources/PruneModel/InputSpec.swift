/// The input domain X = [lower, upper] ⊂ Rᵐ, in model-input coordinates (after preprocessing).
/// Regions, gates and certificates are statements about points of this box.
public struct InputBox: Sendable, Equatable {
    public let lower: [Double]
    public let upper: [Double]

    public init(lower: [Double], upper: [Double]) throws(ModelError) {
        guard lower.count == upper.count, !lower.isEmpty else {
            throw .invalidNetwork(detail: "input box has \(lower.count) lower and \(upper.count) upper bounds")
        }
        for i in lower.indices {
            guard lower[i].isFinite, upper[i].isFinite else {
                throw .nonFinite(detail: "input box bound of feature \(i)")
            }
            guard lower[i] <= upper[i] else {
                throw .invalidNetwork(detail: "input box of feature \(i) has lower \(lower[i]) > upper \(upper[i])")
            }
        }
        self.lower = lower
        self.upper = upper
    }

    /// [lo, hi] in every one of `count` features; the default domain is [0, 1].
    public static func uniform(_ count: Int, lower: Double = 0, upper: Double = 1) throws(ModelError) -> InputBox {
        try InputBox(lower: Array(repeating: lower, count: count), upper: Array(repeating: upper, count: count))
    }

    public var count: Int { lower.count }

    /// Whether every coordinate of `x` lies in the box.
    public func contains(_ x: some Collection<Double>) -> Bool {
        guard x.count == lower.count else { return false }
        for (i, v) in x.enumerated() where !(v >= lower[i] && v <= upper[i]) { return false }
        return true
    }
}

/// How raw data (pixels 0–255, CSV integers) becomes model input: x = (raw − mean) / std, per
/// feature. It is part of the model's declaration, never implied by a loader: the box and
/// every claim are in the coordinates after this map. One value broadcasts to all features.
public struct Preprocessing: Sendable, Equatable {
    public let mean: [Double]
    public let std: [Double]

    public static let identity = Preprocessing(uncheckedMean: [0], std: [1])

    public init(mean: [Double], std: [Double]) throws(ModelError) {
        guard !mean.isEmpty, !std.isEmpty else { throw .invalidNetwork(detail: "preprocessing without values") }
        for v in mean where !v.isFinite { throw .nonFinite(detail: "preprocessing mean") }
        for v in std {
            guard v.isFinite else { throw .nonFinite(detail: "preprocessing std") }
            guard v != 0 else { throw .invalidNetwork(detail: "preprocessing std is zero") }
        }
        self.init(uncheckedMean: mean, std: std)
    }

    /// Dividing by `divisor`: raw pixels 0–255 with divisor 255 map onto [0, 1].
    public static func divide(by divisor: Double) throws(ModelError) -> Preprocessing {
        try Preprocessing(mean: [0], std: [divisor])
    }

    private init(uncheckedMean mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    public var isIdentity: Bool { mean.allSatisfy { $0 == 0 } && std.allSatisfy { $0 == 1 } }

    /// Checks that every per-feature list is either one value or one per feature.
    public func validate(featureCount: Int) throws(ModelError) {
        for (name, list) in [("mean", mean), ("std", std)] where list.count != 1 && list.count != featureCount {
            throw .invalidNetwork(detail: "preprocessing \(name) has \(list.count) values for \(featureCount) features")
        }
    }

    /// Maps raw rows (row-major, `featureCount` per row) to model input, in place.
    public func apply(to values: inout [Double], featureCount: Int) {
        if isIdentity { return }
        for i in values.indices {
            let f = i % featureCount
            values[i] = (values[i] - mean[mean.count == 1 ? 0 : f]) / std[std.count == 1 ? 0 : f]
        }
    }
}

/// What a network expects: the shape of one sample (no batch dimension, e.g. [784] or
/// [1, 28, 28]), its input box and the preprocessing from raw data.
public struct InputSpec: Sendable, Equatable {
    public let shape: [Int]
    public let box: InputBox
    public let preprocessing: Preprocessing

    public init(shape: [Int], box: InputBox, preprocessing: Preprocessing = .identity) throws(ModelError) {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw .invalidNetwork(detail: "input shape \(shape) is not a list of positive sizes")
        }
        let count = shape.reduce(1, *)
        guard box.count == count else {
            throw .invalidNetwork(detail: "input box has \(box.count) features, shape \(shape) has \(count)")
        }
        try preprocessing.validate(featureCount: count)
        self.shape = shape
        self.box = box
        self.preprocessing = preprocessing
    }

    /// A flat input of `count` features in the default box [0, 1]ᵐ without preprocessing.
    public static func unitBox(_ count: Int) throws(ModelError) -> InputSpec {
        try InputSpec(shape: [count], box: .uniform(count))
    }

    /// Number of features of one sample.
    public var count: Int { box.count }
}
