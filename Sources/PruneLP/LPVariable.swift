/// Bounds of one decision variable; either side may be infinite.
public struct LPVariable: Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double = 0, upper: Double = .infinity) {
        self.lower = lower
        self.upper = upper
    }

    /// x ≥ 0, the textbook default.
    public static let nonNegative = LPVariable(lower: 0, upper: .infinity)
    /// No bounds at all.
    public static let free = LPVariable(lower: -.infinity, upper: .infinity)
}
