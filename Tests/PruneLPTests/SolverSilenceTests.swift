import Foundation
import PruneLP
import XCTest

/// CLP prints progress to stdout by default, which would corrupt prune's own output. This
/// redirects the process's stdout and stderr to a file while solving and expects it empty.
/// Checked manually: with `Clp_setLogLevel(model, 0)` removed, the file fills with
/// "Coin0506I Presolve ..." lines and this test fails.
final class SolverSilenceTests: XCTestCase {
    func testCaptureSeesWritesToStandardOutput() throws {
        let captured = try captureStandardStreams { _ = "probe\n".withCString { write(1, $0, 6) } }
        XCTAssertEqual(captured, "probe\n")
    }

    func testSolvesPrintNothing() throws {
        let captured = try captureStandardStreams {
            for algorithm in [LPAlgorithm.automatic, .primalSimplex, .dualSimplex] {
                let options = LPSolveOptions(algorithm: algorithm)
                _ = try? RandomPackingProgram(rows: 40, variables: 30, seed: 5).dense.solve(options)
                _ = try? LinearProgram(sense: .minimize, objective: [1], variables: [.nonNegative],
                                       rows: [LPRow(dense: [1], upper: 1), LPRow(dense: [1], lower: 2)]).solve(options)
                _ = try? LinearProgram(sense: .maximize, objective: [1], variables: [.nonNegative],
                                       rows: []).solve(options)
                _ = try? RandomPackingProgram(rows: 40, variables: 40, seed: 3).dense
                    .solve(LPSolveOptions(iterationLimit: 1, algorithm: algorithm))
            }
        }
        XCTAssertEqual(captured, "")
    }

    /// Points file descriptors 1 and 2 at a temporary file around `body`, then restores them.
    private func captureStandardStreams(_ body: () -> Void) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prune-clp-\(UUID().uuidString)")
        let fd = open(url.path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { try? FileManager.default.removeItem(at: url) }
        fflush(nil)
        let savedOut = dup(1), savedErr = dup(2)
        dup2(fd, 1)
        dup2(fd, 2)
        body()
        fflush(nil)
        dup2(savedOut, 1)
        dup2(savedErr, 2)
        close(savedOut)
        close(savedErr)
        close(fd)
        return try String(contentsOf: url, encoding: .utf8)
    }
}
