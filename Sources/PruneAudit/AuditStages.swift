/// Wall time spent in each stage of an audit, for the verify benchmark: each `lap` charges the
/// time since the previous lap to one stage.
public struct AuditStages: Sendable {
    public private(set) var seconds: [String: Double] = [:]
    /// Stage names in the order they were first charged.
    public private(set) var order: [String] = []
    /// The process's peak resident memory (MB) when each stage was last charged, if a probe is set:
    /// peaks only grow, so the stage where it jumps is the one that needed the memory.
    public private(set) var peakMegabytes: [String: Double] = [:]
    private var last = ContinuousClock.now
    private let memoryProbe: (@Sendable () -> Double)?

    public init(memoryProbe: (@Sendable () -> Double)? = nil) {
        self.memoryProbe = memoryProbe
    }

    /// Charges the time since the previous lap (or since `reset`) to `stage`.
    public mutating func lap(_ stage: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        if seconds[stage] == nil { order.append(stage) }
        seconds[stage, default: 0] += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if let memoryProbe { peakMegabytes[stage] = memoryProbe() }
    }

    /// Starts the next lap now without charging anything.
    public mutating func reset() { last = ContinuousClock.now }

    // Stage names, in audit order.
    public static let hashInputs = "hash inputs (model, bundles, forget and reference data)"
    public static let loadInputs = "load model and data"
    public static let bundles = "bundles: signatures, chain, model binding, patch data"
    public static let evidence = "match commitment, decode evidence"
    public static let patternCoverBoundTarget = "C1–C4 pattern, cover, K, target"
    public static let pointMargin = "C0 point margin"
    public static let certificate = "C5 certificate"
    public static let interference = "C6 interference"
    public static let resolve = "LP cross-check (--resolve)"
    public static let results = "per-point results, locality"
    public static let report = "report: Merkle tree, sign, compress"
    /// The stages charged once per point (the per-point throughput).
    public static let perPoint = [evidence, patternCoverBoundTarget, pointMargin, certificate, interference, resolve]
}
