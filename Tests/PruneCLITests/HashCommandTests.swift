import Foundation
import PruneTestSupport
import XCTest

final class HashCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, prefix: "prune-cli") }

    private func write(_ relative: String, _ text: String) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// SHA-256 computed by the openssl tool, so the test does not trust prune's own hashing.
    private func opensslSHA256(_ data: Data) throws -> Data {
        let result = try runTool("/usr/bin/openssl", ["dgst", "-sha256", "-r"], stdin: data)
        XCTAssertEqual(result.status, 0)
        let hex = String(result.stdout.prefix(64))
        return Data(stride(from: 0, to: 64, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        })
    }

    private func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    func testDirectoryRootDigestMatchesIndependentComputation() throws {
        try write("weights/layer1.bin", "one")
        try write("config.json", "{\"a\":1}")
        try write("B.txt", "capital sorts first")
        try write(".git/HEAD", "excluded at the top level")
        try write("sub/.git", "kept: not top level")

        let result = try CommandRunner.prune(["hash", "--json", dir.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let model = (json["models"] as! [[String: Any]])[0]
        let resources = model["resources"] as! [[String: String]]
        let names = resources.map { $0["name"]! }
        XCTAssertEqual(names, ["B.txt", "config.json", "sub/.git", "weights/layer1.bin"])

        var concatenated = Data()
        for name in names {
            let digest = try opensslSHA256(try Data(contentsOf: dir.appendingPathComponent(name)))
            XCTAssertEqual(resources.first { $0["name"] == name }?["digest"], hex(digest), name)
            concatenated += digest
        }
        let root = try opensslSHA256(concatenated)
        XCTAssertEqual((model["rootDigest"] as! [String: String])["sha256"], hex(root))

        let text = try CommandRunner.prune(["hash", dir.path])
        XCTAssertTrue(text.stdout.contains("root   \(hex(root))"), text.stdout)
    }

    func testChangingOneByteChangesTheRoot() throws {
        try write("w.bin", "abc")
        let before = try CommandRunner.prune(["hash", "--json", dir.path]).stdout
        try write("w.bin", "abd")
        let after = try CommandRunner.prune(["hash", "--json", dir.path]).stdout
        XCTAssertNotEqual(before, after)
    }

    func testMissingPathIsExit66NamingTheFile() throws {
        let missing = dir.appendingPathComponent("nope.onnx").path
        let result = try CommandRunner.prune(["hash", missing])
        XCTAssertEqual(result.status, 66)
        XCTAssertTrue(result.stderr.contains(missing), result.stderr)
        XCTAssertEqual(result.stdout, "", "no partial output")
    }

    func testSymlinkIsRefusedAsBadInput() throws {
        try write("real.bin", "data")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.bin").path,
                                                   withDestinationPath: "real.bin")
        let result = try CommandRunner.prune(["hash", dir.path])
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.contains("link.bin"), result.stderr)
    }

    func testUnknownFlagIsUsageError() throws {
        XCTAssertEqual(try CommandRunner.prune(["hash", "--frobnicate", dir.path]).status, 64)
        XCTAssertEqual(try CommandRunner.prune(["no-such-command"]).status, 64)
    }

    func testVersion() throws {
        let result = try CommandRunner.prune(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("0."), result.stdout)
        let libraries = try CommandRunner.prune(["version"])
        XCTAssertEqual(libraries.status, 0)
        XCTAssertTrue(libraries.stdout.contains("openssl OpenSSL 3."), libraries.stdout)
        XCTAssertTrue(libraries.stdout.contains("clp 1."), libraries.stdout)
    }
}
