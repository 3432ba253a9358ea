import CClp

/// The constraint matrix in compressed sparse column form, the layout `Clp_loadProblem` takes.
/// Built from the rows in O(rows + variables + nonzeros) by counting, then filling.
struct ColumnMajorMatrix {
    /// `columnStarts[j] ..< columnStarts[j + 1]` are the entries of column j.
    var columnStarts: [CoinBigIndex]
    var rowIndices: [Int32]
    var values: [Double]

    /// Expects a validated program (indices in range, counts within Int32).
    init(rows: [LPRow], variableCount: Int) {
        var counts = [Int](repeating: 0, count: variableCount + 1)
        for row in rows {
            row.forEachNonzero { j, _ in counts[j + 1] += 1 }
        }
        for j in 0..<variableCount { counts[j + 1] += counts[j] }
        columnStarts = counts.map { CoinBigIndex($0) }

        var next = Array(counts.dropLast())
        rowIndices = [Int32](repeating: 0, count: counts[variableCount])
        values = [Double](repeating: 0, count: counts[variableCount])
        for (i, row) in rows.enumerated() {
            row.forEachNonzero { j, value in
                rowIndices[next[j]] = Int32(i)
                values[next[j]] = value
                next[j] += 1
            }
        }
    }
}
