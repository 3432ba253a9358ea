import PruneCore
import PruneLP
import XCTest

/// Malformed models are refused before CLP sees them, naming the row or variable at fault.
final class ModelValidationTests: XCTestCase {
    private let valid = LinearProgram(sense: .maximize, objective: [1, 2], variables: [.nonNegative, .nonNegative],
                                      rows: [LPRow(dense: [1, 1], upper: 4), LPRow(dense: [1, 3], upper: 6)])

    func testTheUnmodifiedModelSolves() throws {
        XCTAssertEqual(try valid.solve().status, .optimal)
    }

    func testNaNCoefficientNamesTheRow() {
        var program = valid
        program.rows[1] = LPRow(dense: [1, .nan], upper: 6)
        assertInvalid(program, mentioning: "row 1")
    }

    func testInfiniteCoefficientIsRefused() {
        var program = valid
        program.rows[0] = LPRow(sparse: [LPTerm(0, .infinity)], upper: 6)
        assertInvalid(program, mentioning: "row 0")
    }

    func testNaNObjectiveIsRefused() {
        var program = valid
        program.objective[1] = .nan
        assertInvalid(program, mentioning: "objective coefficient 1")
    }

    func testLowerAboveUpperOnAVariable() {
        var program = valid
        program.variables[1] = LPVariable(lower: 3, upper: 2)
        assertInvalid(program, mentioning: "variable 1")
    }

    func testLowerAboveUpperOnARow() {
        var program = valid
        program.rows[0].lower = 5
        assertInvalid(program, mentioning: "row 0")
    }

    func testNaNAndImpossibleInfiniteBounds() {
        var program = valid
        program.rows[1].upper = .nan
        assertInvalid(program, mentioning: "row 1")
        program = valid
        program.variables[0] = LPVariable(lower: .infinity, upper: .infinity)
        assertInvalid(program, mentioning: "variable 0")
    }

    /// CLP would read 1e30 as infinity and silently drop the bound.
    func testHugeFiniteBoundIsRefused() {
        var program = valid
        program.rows[0].upper = 1e30
        assertInvalid(program, mentioning: "row 0")
    }

    func testDenseRowOfWrongLength() {
        var program = valid
        program.rows[1] = LPRow(dense: [1, 3, 0], upper: 6)
        assertInvalid(program, mentioning: "row 1")
    }

    func testObjectiveOfWrongLength() {
        var program = valid
        program.objective = [1]
        assertInvalid(program, mentioning: "objective")
    }

    func testSparseIndexOutOfRangeAndDuplicate() {
        var program = valid
        program.rows[0] = LPRow(sparse: [LPTerm(2, 1)], upper: 4)
        assertInvalid(program, mentioning: "row 0")
        program.rows[0] = LPRow(sparse: [LPTerm(-1, 1)], upper: 4)
        assertInvalid(program, mentioning: "row 0")
        program.rows[0] = LPRow(sparse: [LPTerm(1, 1), LPTerm(0, 2), LPTerm(1, 3)], upper: 4)
        assertInvalid(program, mentioning: "row 0")
    }

    private func assertInvalid(_ program: LinearProgram, mentioning location: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try program.solve(), file: file, line: line) { error in
            guard let error = error as? LPError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.code, "lp.invalid-model", file: file, line: line)
            XCTAssertEqual(error.exitStatus, .dataError, file: file, line: line)
            XCTAssertTrue(error.message.contains(location), error.message, file: file, line: line)
        }
    }
}
