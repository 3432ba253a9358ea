extension LinearProgram {
    /// CLP reads any bound of magnitude ≥ 1e27 as infinite (ClpModel::gutsOfLoadModel), so a
    /// finite bound that large would silently change the model; it is refused instead.
    static let largestFiniteBound = 1e27

    /// Checks everything CLP would otherwise misread or crash on, naming the culprit.
    /// Runs in O(variables + rows + nonzeros).
    func validate() throws(LPError) {
        let count = variables.count
        guard objective.count == count else {
            throw .invalidModel(location: "objective",
                                reason: "has \(objective.count) coefficients for \(count) variables")
        }
        guard count <= Int(Int32.max), rows.count <= Int(Int32.max) else {
            throw .invalidModel(location: "model", reason: "too many variables or rows for CLP")
        }
        for (j, value) in objective.enumerated() where !value.isFinite {
            throw .invalidModel(location: "objective coefficient \(j)", reason: "is \(value)")
        }
        for (j, variable) in variables.enumerated() {
            try Self.validateBounds(variable.lower, variable.upper, location: "variable \(j)")
        }
        // lastRowSeen[j] == i means row i already has a coefficient for variable j.
        var lastRowSeen = [Int](repeating: -1, count: count)
        var nonzeros = 0
        for (i, row) in rows.enumerated() {
            let location = "row \(i)"
            try Self.validateBounds(row.lower, row.upper, location: location)
            if case .dense(let values) = row.coefficients, values.count != count {
                throw .invalidModel(location: location,
                                    reason: "has \(values.count) coefficients for \(count) variables")
            }
            if case .sparse(let terms) = row.coefficients {
                for term in terms {
                    guard term.index >= 0 && term.index < count else {
                        throw .invalidModel(location: location,
                                            reason: "refers to variable \(term.index), but there are \(count)")
                    }
                    guard lastRowSeen[term.index] != i else {
                        throw .invalidModel(location: location,
                                            reason: "lists variable \(term.index) more than once")
                    }
                    lastRowSeen[term.index] = i
                }
            }
            try row.forEachNonzero { (j, value) throws(LPError) in
                guard value.isFinite else {
                    throw .invalidModel(location: location, reason: "coefficient of variable \(j) is \(value)")
                }
                nonzeros += 1
            }
        }
        guard nonzeros <= Int(Int32.max) else {
            throw .invalidModel(location: "model", reason: "\(nonzeros) nonzeros exceed CLP's index range")
        }
    }

    private static func validateBounds(_ lower: Double, _ upper: Double, location: String) throws(LPError) {
        if lower.isNaN || upper.isNaN {
            throw .invalidModel(location: location, reason: "a bound is NaN")
        }
        if lower == .infinity || upper == -.infinity {
            throw .invalidModel(location: location, reason: "bounds [\(lower), \(upper)] admit no value")
        }
        if lower > upper {
            throw .invalidModel(location: location, reason: "lower bound \(lower) exceeds upper bound \(upper)")
        }
        for bound in [lower, upper] where bound.isFinite && abs(bound) >= largestFiniteBound {
            throw .invalidModel(location: location,
                                reason: "finite bound \(bound) is at least 1e27, which CLP treats as infinite; use ±infinity")
        }
    }
}
