import Foundation
import PruneCore
import PruneTestSupport
import XCTest

/// Faults around files: an output that cannot be written leaves nothing behind and names its
/// path; an input that cannot be read (missing, a folder, a device, a FIFO) is exit 66 naming
/// the file. The tests run as root, for whom permissions stop nothing, so the failures come
/// from the file system itself: a parent that is a regular file, and a write past the file
/// size limit (RLIMIT_FSIZE), which fails like a full disk.
final class FaultTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let model = repository.appendingPathComponent("Tests/PruneModelTests/Fixtures/onnx/mlp.onnx").path
    static let vectors = repository.appendingPathComponent("Specs/vectors/patch-bundle").path

    /// Files in `dir`, hidden ones (FileOutput's temporaries) included.
    private func contents(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    // MARK: outputs

    func testWriteUnderARegularFileIsCannotCreateNamingThePath() throws {
        let dir = try makeTemporaryDirectory(self)
        let notAFolder = dir.appendingPathComponent("file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: notAFolder))
        let target = notAFolder + "/out.onnx"
        XCTAssertThrowsError(try FileOutput.write(Data("y".utf8), to: target)) { error in
            XCTAssertEqual((error as? IOError)?.code, "io.cannot-create")
            XCTAssertTrue("\(error)".contains(target), "\(error)")
            XCTAssertTrue("\(error)".contains("is not a folder"), "\(error)")
        }
        for command in [["export", "--model", Self.model, "--out", target], ["keygen", "--out", notAFolder + "/k"]] {
            let result = try CommandRunner.prune(command)
            XCTAssertEqual(result.status, 73, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(notAFolder + "/"), result.stderr)
        }
        XCTAssertEqual(try contents(dir), ["file"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: notAFolder)), Data("x".utf8))
    }

    /// `ulimit -f 4` makes any write past 4 KiB fail with EFBIG (SIGXFSZ ignored), as a full
    /// disk fails with ENOSPC: the export of an 11 kB model must end in exit 74 naming the
    /// output, with neither the output nor FileOutput's temporary file left behind, and an
    /// existing output untouched.
    func testFailedWriteLeavesNoPartialFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let out = dir.appendingPathComponent("model.onnx").path
        func exportLimited(_ extra: [String] = []) throws -> ToolResult {
            try runTool("/bin/bash", ["-c", #"trap "" XFSZ; ulimit -f 4; exec "$@""#, "bash",
                                      CommandRunner.pruneURL.path, "export", "--model", Self.model, "--out", out] + extra)
        }
        let result = try exportLimited()
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertTrue(result.stderr.contains(out), result.stderr)
        XCTAssertTrue(result.stderr.contains("io.write-failed"), result.stderr)
        XCTAssertEqual(try contents(dir), [], "a partial or temporary file was left")

        // Over an existing file: the old bytes stay.
        try Data("previous".utf8).write(to: URL(fileURLWithPath: out))
        XCTAssertEqual(try exportLimited(["--force"]).status, 74)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), Data("previous".utf8))
        XCTAssertEqual(try contents(dir), ["model.onnx"])

        // Without the limit the same command succeeds, so the limit was the only cause.
        let ok = try CommandRunner.prune(["export", "--model", Self.model, "--out", out, "--force"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertGreaterThan(try Data(contentsOf: URL(fileURLWithPath: out)).count, 4096)
    }

    // MARK: inputs

    func testUnreadableInputsAreExit66NamingTheFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let folder = dir.appendingPathComponent("folder.onnx").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let missing = dir.appendingPathComponent("missing.csv").path
        let fifo = dir.appendingPathComponent("fifo.csv").path
        XCTAssertEqual(try runTool("/usr/bin/mkfifo", [fifo]).status, 0)
        let device = dir.appendingPathComponent("zero.csv").path
        try FileManager.default.createSymbolicLink(atPath: device, withDestinationPath: "/dev/zero")
        let data = Self.repository.appendingPathComponent("SampleBundles/data/digits.csv").path
        let trust = Self.vectors + "/test-only-signer.pub.pem"

        let cases: [(named: String, arguments: [String])] = [
            (folder, ["eval", "--model", folder, "--data", data]),
            (missing, ["eval", "--model", Self.model, "--data", missing]),
            (fifo, ["eval", "--model", Self.model, "--data", fifo]),
            (device, ["eval", "--model", Self.model, "--data", device]),
            (dir.path, ["eval", "--model", Self.model, "--data", data, "--rows", dir.path]),
            (folder, ["bundle", "verify", folder, "--model", Self.vectors + "/model.onnx", "--trust", trust]),
            (dir.path, ["bundle", "verify", Self.vectors + "/valid-root.bundle.json", "--model", Self.vectors + "/model.onnx",
                        "--trust", dir.path]),
            (missing, ["bundle", "inspect", missing]),
            (folder, ["export", "--model", folder, "--out", dir.appendingPathComponent("x.onnx").path]),
        ]
        for (named, arguments) in cases {
            let result = try CommandRunner.prune(arguments)
            XCTAssertEqual(result.status, 66, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(named), "\(arguments): the message should name \(named): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("[io."), result.stderr)
        }
    }
}
