/// Wall time spent in each stage of an audit, for the verify benchmark: each `lap` charges the
/// time since the previous lap to one stage.
public struct AuditStages: Sendable {
    public private(set) var seconds: [String: Double] = [:]
    /// Stage names in the order they were first charged.
    public private(set) var order: [String] = []
    private var last = ContinuousClock.now

    public init() {}

    /// Charges the time since the previous lap (or since `reset`) to `stage`.
    public mutating func lap(_ stage: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        if seconds[stage] == nil { order.append(stage) }
        seconds[stage, default: 0] += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Starts the next lap now without charging anything.
    public mutating func reset() { last = ContinuousClock.now }
}
