/// What one epoch of training achieved, for progress output and benchmarks.
public struct EpochReport: Sendable {
    public let epoch: Int
    public let epochs: Int
    /// Mean softmax cross-entropy over the epoch's minibatches.
    public let loss: Double
    /// Accuracy on the training samples as seen during the epoch (before each update).
    public let trainAccuracy: Double
    /// Accuracy on the held-out set after the epoch, when one was given.
    public let testAccuracy: Double?
    /// Wall-clock seconds of the epoch's training steps (not the test evaluation).
    public let seconds: Double
}
