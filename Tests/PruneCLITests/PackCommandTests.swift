import Foundation
import PruneTestSupport
import XCTest

/// `prune pack` and `prune check` on the committed sample: the pack verifies (and rechecks),
/// it is deterministic, and one changed byte in any member, or in a header, fails `check`
/// with the specific code.
final class PackCommandTests: XCTestCase {
    static func p(_ name: String) -> String { SampleBundlesTests.path(name) }

    /// The arguments scripts/make-sample.sh gives `prune pack` for SampleBundles/sample.pack.
    static func packArguments(out: String) -> [String] {
        ["pack", "--model", p("digits.onnx"), "--model-signature", p("digits.onnx.sig"),
         "--bundle", p("bundle-1.json"), "--bundle", p("bundle-2.json"), "--report", p("audit-2.json.gz"),
         "--forget", p("data/digits.csv"), "--forget-rows", p("forget-2.rows"),
         "--reference", p("data/digits.csv"), "--reference-rows", p("data/digits-test.rows"), "--out", out]
    }

    static let trust = ["--trust", p("keys/sample-owner.pub.pem"), "--trust", p("keys/sample-owner-model.pub.pem"),
                        "--trust", p("keys/sample-auditor.pub.pem")]

    struct Output: Decodable {
        struct Check: Decodable { let name: String; let status: String; let code: String? }
        let result: String
        let checks: [Check]
    }

    func check(_ pack: String, _ extra: [String] = []) throws -> (status: Int32, output: Output) {
        let run = try CommandRunner.prune(["check", pack] + Self.trust + extra + ["--json"])
        return (run.status, try JSONDecoder().decode(Output.self, from: run.stdoutData))
    }

    /// (name, header offset, data offset, size) of every member, read independently of prune.
    static func members(_ archive: Data) -> [(name: String, header: Int, data: Int, size: Int)] {
        var out: [(String, Int, Int, Int)] = []
        var offset = 0
        let bytes = [UInt8](archive)
        while offset + 512 <= bytes.count, bytes[offset] != 0 {
            let name = String(decoding: bytes[offset..<(offset + 100)].prefix { $0 != 0 }, as: UTF8.self)
            let size = Int(String(decoding: bytes[(offset + 124)..<(offset + 135)], as: UTF8.self), radix: 8)!
            out.append((name, offset, offset + 512, size))
            offset += 512 + (size + 511) / 512 * 512
        }
        return out
    }

    func testSamplePackVerifiesAndEveryFlippedByteFails() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "pack")
        let pack = dir.appendingPathComponent("sample.pack").path
        let made = try CommandRunner.prune(Self.packArguments(out: pack))
        XCTAssertEqual(made.status, 0, made.stderr)
        // Deterministic, and the committed sample pack is exactly this.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: pack)), try Data(contentsOf: URL(fileURLWithPath: Self.p("sample.pack"))),
                       "SampleBundles/sample.pack is not the pack of the committed files: run scripts/make-sample.sh --bundles-only")

        let good = try check(Self.p("sample.pack"), ["--recheck"])
        XCTAssertEqual(good.status, 0)
        XCTAssertEqual(good.output.result, "VERIFIED")
        XCTAssertEqual(good.output.checks.map(\.status), ["PASS", "PASS", "PASS", "PASS", "PASS", "PASS"])

        // Without the owner's bundle key the bundles fail, and the pack with them.
        let partial = try CommandRunner.prune(["check", pack, "--trust", Self.p("keys/sample-auditor.pub.pem"), "--json"])
        XCTAssertEqual(partial.status, 1)
        let partialOutput = try JSONDecoder().decode(Output.self, from: partial.stdoutData)
        XCTAssertEqual(partialOutput.checks.first { $0.name == "bundles" }?.status, "FAIL")

        let original = try Data(contentsOf: URL(fileURLWithPath: pack))
        let members = Self.members(original)
        XCTAssertEqual(members.map(\.name).first, "manifest.json")
        XCTAssertEqual(members.count, 10)
        for m in members {
            var bytes = original
            bytes[m.data + m.size / 2] ^= 0x01
            let flipped = dir.appendingPathComponent("flipped-\(m.name.replacingOccurrences(of: "/", with: "_")).pack").path
            try bytes.write(to: URL(fileURLWithPath: flipped))
            let result = try check(flipped)
            XCTAssertEqual(result.status, 1, m.name)
            XCTAssertEqual(result.output.result, "FAILED", m.name)
            let code = result.output.checks.first?.code
            if m.name == "manifest.json" {
                XCTAssertTrue(code == "pack.manifest-invalid" || code == "pack.member-digest", "\(m.name): \(code ?? "nil")")
            } else {
                XCTAssertEqual(code, "pack.member-digest", m.name)
            }
        }
        // A changed byte in a header (a member's name) breaks its checksum.
        var bytes = original
        bytes[members[1].header + 2] ^= 0x01
        let header = dir.appendingPathComponent("header.pack").path
        try bytes.write(to: URL(fileURLWithPath: header))
        let result = try check(header)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.output.checks.first?.code, "pack.malformed")
    }
}
