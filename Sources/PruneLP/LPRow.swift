/// One nonzero coefficient of a sparse row: `value` times variable `index`.
public struct LPTerm: Sendable, Equatable {
    public var index: Int
    public var value: Double

    public init(_ index: Int, _ value: Double) {
        self.index = index
        self.value = value
    }
}

/// One constraint `lower ≤ Σ aⱼ xⱼ ≤ upper`. Use infinite bounds for one-sided rows and equal
/// bounds for an equality.
public struct LPRow: Sendable, Equatable {
    /// A dense row keeps its length so a row of the wrong length is reported, not padded.
    public enum Coefficients: Sendable, Equatable {
        case dense([Double])
        case sparse([LPTerm])
    }

    public var coefficients: Coefficients
    public var lower: Double
    public var upper: Double

    /// A dense row: `coefficients.count` must equal the number of variables.
    public init(dense coefficients: [Double], lower: Double = -.infinity, upper: Double = .infinity) {
        self.coefficients = .dense(coefficients)
        self.lower = lower
        self.upper = upper
    }

    /// A sparse row: each index at most once, absent indices are zero.
    public init(sparse terms: [LPTerm], lower: Double = -.infinity, upper: Double = .infinity) {
        self.coefficients = .sparse(terms)
        self.lower = lower
        self.upper = upper
    }

    /// Calls `body` for each nonzero coefficient, in the order given.
    func forEachNonzero<E: Error>(_ body: (_ index: Int, _ value: Double) throws(E) -> Void) throws(E) {
        switch coefficients {
        case .dense(let values):
            for (index, value) in values.enumerated() where value != 0 { try body(index, value) }
        case .sparse(let terms):
            for term in terms where term.value != 0 { try body(term.index, term.value) }
        }
    }
}
