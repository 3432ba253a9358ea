/// Labelled samples as read from disk: raw feature values (before the model's preprocessing),
/// row-major, one row of `featureCount` values per sample, and an integer class per sample.
public struct Dataset: Sendable, Equatable {
    /// Shape of one sample, e.g. [64] for a CSV row or [1, 28, 28] for an MNIST image.
    public let sampleShape: [Int]
    public let features: [Double]
    public let labels: [Int]
    /// Where the samples came from (file names), for messages.
    public let source: String

    public init(sampleShape: [Int], features: [Double], labels: [Int], source: String) {
        precondition(!sampleShape.isEmpty && sampleShape.allSatisfy { $0 > 0 }, "sample shape must be positive")
        precondition(features.count == labels.count * sampleShape.reduce(1, *), "features do not match labels × shape")
        self.sampleShape = sampleShape
        self.features = features
        self.labels = labels
        self.source = source
    }

    public var count: Int { labels.count }
    public var featureCount: Int { sampleShape.reduce(1, *) }

    /// Raw feature values of sample `index`.
    public func sample(_ index: Int) -> ArraySlice<Double> {
        features[(index * featureCount)..<((index + 1) * featureCount)]
    }

    /// The samples at `indices`, in that order (duplicates allowed).
    public func selecting(_ indices: [Int]) -> Dataset {
        var f = [Double]()
        f.reserveCapacity(indices.count * featureCount)
        for i in indices { f += sample(i) }
        return Dataset(sampleShape: sampleShape, features: f, labels: indices.map { labels[$0] }, source: source)
    }

    /// One more than the largest label (the number of classes the labels imply).
    public var impliedClassCount: Int { (labels.max() ?? -1) + 1 }
}
