import CClp

extension LinearProgram {
    /// Validates the model (`lp.invalid-model`), solves it with CLP and converts the result to
    /// prune's conventions (see `LPSolution.rowDuals`). CLP prints nothing. Infeasible,
    /// unbounded and stopped solves are statuses, not errors; `lp.solver-error` means CLP gave up.
    public func solve(_ options: LPSolveOptions = LPSolveOptions()) throws(LPError) -> LPSolution {
        try validate()
        try options.validate()
        let model = try ClpModel()
        load(into: model)
        configure(model, options)

        switch options.algorithm {
        case .automatic: _ = Clp_initialSolve(model.handle)
        case .primalSimplex: _ = Clp_initialPrimalSolve(model.handle)
        case .dualSimplex: _ = Clp_initialDualSolve(model.handle)
        }
        return try readSolution(from: model)
    }

    private func load(into model: ClpModel) {
        let matrix = ColumnMajorMatrix(rows: rows, variableCount: variables.count)
        let columnLower = variables.map { Self.clpValue($0.lower) }
        let columnUpper = variables.map { Self.clpValue($0.upper) }
        let rowLower = rows.map { Self.clpValue($0.lower) }
        let rowUpper = rows.map { Self.clpValue($0.upper) }
        Clp_loadProblem(model.handle, Int32(variables.count), Int32(rows.count),
                        matrix.columnStarts, matrix.rowIndices, matrix.values,
                        columnLower, columnUpper, objective, rowLower, rowUpper)
        Clp_setOptimizationDirection(model.handle, sense == .maximize ? -1 : 1)
    }

    private func configure(_ model: ClpModel, _ options: LPSolveOptions) {
        if let limit = options.iterationLimit { Clp_setMaximumIterations(model.handle, Int32(limit)) }
        if let seconds = options.timeLimitSeconds { Clp_setMaximumSeconds(model.handle, seconds) }
        if let tolerance = options.primalTolerance { Clp_setPrimalTolerance(model.handle, tolerance) }
        if let tolerance = options.dualTolerance { Clp_setDualTolerance(model.handle, tolerance) }
    }

    /// CLP's infinity is COIN_DBL_MAX (the largest finite double), not IEEE infinity.
    static func clpValue(_ bound: Double) -> Double {
        if bound == .infinity { return .greatestFiniteMagnitude }
        if bound == -.infinity { return -.greatestFiniteMagnitude }
        return bound
    }

    private func readSolution(from model: ClpModel) throws(LPError) -> LPSolution {
        let status = try Self.status(primary: Clp_status(model.handle),
                                     secondary: Clp_secondaryStatus(model.handle))
        let h = model.handle
        let n = variables.count, m = rows.count
        let primal = try model.copyArray(Clp_getColSolution(h), count: n, name: "primal solution")
        let activities = try model.copyArray(Clp_getRowActivity(h), count: m, name: "row activities")
        // CLP 1.17 already reports duals and reduced costs as sensitivities of the objective as
        // written, for either sense and every algorithm, which is prune's convention, so no sign
        // change is applied. KnownOptimaTests pins this down in case a CLP update changes it.
        let rowDuals = try model.copyArray(Clp_getRowPrice(h), count: m, name: "row duals")
        let reducedCosts = try model.copyArray(Clp_getReducedCost(h), count: n, name: "reduced costs")
        return LPSolution(status: status,
                          objective: Clp_getObjValue(h),
                          primal: primal,
                          rowActivities: activities,
                          rowDuals: rowDuals,
                          reducedCosts: reducedCosts,
                          iterations: Int(Clp_numberIterations(h)))
    }

    /// Maps `Clp_status` (0 optimal, 1 primal infeasible, 2 dual infeasible, 3 stopped on a
    /// limit, 4 errors, 5 event handler) and, for 3, the secondary status 9 "stopped on time".
    private static func status(primary: Int32, secondary: Int32) throws(LPError) -> LPStatus {
        switch primary {
        case 0: return .optimal
        case 1: return .infeasible
        case 2: return .unbounded
        case 3: return secondary == 9 ? .timeLimit : .iterationLimit
        case 4: throw .solverError(detail: "CLP stopped due to numerical errors (secondary status \(secondary))")
        default: throw .solverError(detail: "CLP ended with status \(primary) (secondary \(secondary))")
        }
    }
}
