import PruneTestSupport
import PruneLP

/// A random program "maximise wᵀx subject to Ax ≤ b, 0 ≤ x ≤ 10", feasible by construction
/// (b = A·x₀ + slack for an x₀ inside the box) and bounded by the box.
struct RandomPackingProgram {
    let weights: [Double]
    let matrix: [[Double]]
    let rightHandSides: [Double]
    static let boxUpper = 10.0

    init(rows: Int, variables: Int, seed: UInt64, density: Double = 1) {
        var rng = SeededGenerator(seed: seed)
        weights = (0..<variables).map { _ in Double.random(in: -1...1, using: &rng) }
        let x0 = (0..<variables).map { _ in Double.random(in: 0...Self.boxUpper, using: &rng) }
        matrix = (0..<rows).map { _ in
            (0..<variables).map { _ in
                Double.random(in: 0...1, using: &rng) < density ? Double.random(in: -1...1, using: &rng) : 0
            }
        }
        rightHandSides = matrix.map { row in
            zip(row, x0).reduce(0) { $0 + $1.0 * $1.1 } + Double.random(in: 0...1, using: &rng)
        }
    }

    var variableBounds: [LPVariable] {
        Array(repeating: LPVariable(lower: 0, upper: Self.boxUpper), count: weights.count)
    }

    var dense: LinearProgram {
        LinearProgram(sense: .maximize, objective: weights, variables: variableBounds,
                      rows: zip(matrix, rightHandSides).map { LPRow(dense: $0.0, upper: $0.1) })
    }

    var sparse: LinearProgram {
        let rows = zip(matrix, rightHandSides).map { coefficients, rhs in
            LPRow(sparse: coefficients.enumerated().filter { $0.element != 0 }.map { LPTerm($0.offset, $0.element) },
                  upper: rhs)
        }
        return LinearProgram(sense: .maximize, objective: weights, variables: variableBounds, rows: rows)
    }
}
