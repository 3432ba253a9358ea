import Foundation
import PruneAudit
import PruneBundle
import PruneCompression
import PruneCore
import PruneCrypto
import PruneFuzzInputs
import PruneModel
import XCTest

/// Replays every input a fuzz target ever failed on (Fuzz/regressions/<target>/) and every seed
/// (Fuzz/seeds/<target>/) through the same parser entry points the targets call
/// (Fuzz/Sources/fuzz-<target>/main.swift), without sanitizers, on every test run. Each input
/// must end in success or a PruneError (a typed error with a code); a crash or a trap fails the
/// run, and any other error is a failure here, as it is a finding for the fuzzer.
///
/// A new fuzz target with regressions needs its line in `entries`; the test says so.
final class FuzzRegressionTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What each target runs on one input, minus the fuzzer plumbing.
    static let entries: [String: @Sendable (Data) throws -> Void] = [
        "onnx": { data in
            let network = try ONNXModel.decode(data, source: "the input")
            let again = try ONNXModel.decode(try ONNXExport.data(of: network, producer: "fuzz"), source: "the export")
            XCTAssertEqual(again, network, "export → decode changed the network")
        },
        "nnet": { data in _ = try NNetModel.decode(data, source: "the input") },
        "csv": { data in _ = try CSVDataset.parse([UInt8](data), source: "the input") },
        "npy": { data in
            stage { _ = try NPYArray(parsing: [UInt8](data)) }
            let (x, y) = split(data)
            _ = try NPYDataset.decode(features: x, labels: y, featuresName: "x.npy", labelsName: "y.npy")
        },
        "idx": { data in
            let (images, labels) = split(data)
            _ = try IDXDataset.decode(images: images, labels: labels, imagesName: "images-idx3-ubyte", labelsName: "labels-idx1-ubyte")
        },
        "pem": { data in
            stage {
                let key = try PublicKey(pemData: data)
                XCTAssertEqual(try PublicKey(derData: key.derData), key)
            }
            _ = try PublicKey(derData: data)
        },
        "compression": { data in
            stage { _ = try Gzip.decompress(data, limit: 1 << 20) }
            _ = try Zlib.decompress(data, limit: 1 << 20)
        },
        "model-signature": { data in
            let key = try PublicKey(pemFile: root.appendingPathComponent("Tests/PruneCryptoTests/Vectors/dsse-spec-key.pub").path)
            stage { _ = try SigstoreBundle(jsonData: data).verify(trustedKeys: [key]) }
            let statement = try InTotoStatement(payload: data)
            _ = try ModelPredicate(json: JSONField(statement.predicate, components: [.key("predicate")])).rootDigest()
        },
        "bundle": { data in
            let fixture = try BundleFixture.shared()
            stage { _ = try fixture.verifier.verify(bundle: data, path: "input.bundle.json") }
            stage { _ = try PatchBundleClaims(jsonData: data) }
            stage {
                let envelope = try DSSE.sign(payload: data, payloadType: InTotoStatement.payloadType, key: fixture.key, keyid: nil)
                let bundle = try SigstoreBundle(envelope: envelope, signer: fixture.key.publicKey).jsonData()
                _ = try fixture.verifier.verify(bundle: bundle, path: "signed-input.bundle.json")
            }
            let file = try PatchFile.decode(data)
            try file.checkTensors()
            _ = try file.decodePatches(for: fixture.network)
        },
        "report": { data in
            let key = try PrivateKey(pemFile: root.appendingPathComponent("Specs/vectors/report/test-only-auditor.key.pem").path)
            let trusted = [key.publicKey, try PublicKey(pemFile: root.appendingPathComponent("SampleBundles/keys/sample-auditor.pub.pem").path)]
            let readFile = { (file: Data) in
                stage { _ = try AuditReportFile.verify(file, trustedKeys: trusted) }
                stage { _ = try AuditReportFile.open(file).unverifiedReport() }
            }
            readFile(data)
            guard data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") else { return }
            stage { readFile(try Gzip.compress(data, level: AuditReportFile.compressionLevel)) }
            stage { _ = try AuditReportFile.report(fromPayload: data) }
            guard let statement = ConsistentInputs.reportStatement(data) else { return }
            let envelope = try DSSE.sign(payload: statement, payloadType: InTotoStatement.payloadType, key: key, keyid: nil)
            let content = try SigstoreBundle(envelope: envelope, signer: key.publicKey).jsonData()
            let verified = try AuditReportFile.verify(try Gzip.compress(content, level: AuditReportFile.compressionLevel),
                                                      trustedKeys: [key.publicKey])
            let again = try AuditReportFile.verify(try AuditReportFile.encode(verified.report, key: key).file, trustedKeys: [key.publicKey])
            XCTAssertEqual(again.report, verified.report, "encode → verify changed the report")
        },
        "proof": { data in
            if let fixed = ConsistentInputs.inclusionProof(data) {
                let proof = try ReportInclusionProof(jsonData: fixed)
                XCTAssertNoThrow(try proof.check(trustedRoot: proof.root), "a proof whose root is where its path leads does not check")
                stage { _ = try proof.point() }
            }
            let proof = try ReportInclusionProof(jsonData: data)
            for trustedRoot in ["20bb8cea452e5091cfaa38c0b1b67811ee54d1c95763ba2208b2b5bc7d4ad84e", proof.root.uppercased()] {
                stage {
                    try proof.check(trustedRoot: trustedRoot)
                    _ = try proof.point()
                }
            }
            stage { _ = try proof.point() }
            XCTAssertEqual(try ReportInclusionProof(jsonData: JSONSerializer.data(try proof.jsonValue)), proof, "jsonValue → parse changed the proof")
        },
    ]

    func testRegressionsEndInSuccessOrATypedError() throws {
        try replay(folder: "Fuzz/regressions", requireEntries: true)
    }

    func testSeedsEndInSuccessOrATypedError() throws {
        try replay(folder: "Fuzz/seeds", requireEntries: false)
    }

    private func replay(folder: String, requireEntries: Bool) throws {
        let base = Self.root.appendingPathComponent(folder)
        let targets = try FileManager.default.contentsOfDirectory(atPath: base.path).filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: base.appendingPathComponent($0).path, isDirectory: &isDir) && isDir.boolValue
        }.sorted()
        XCTAssertFalse(targets.isEmpty, "no target folders under \(folder)")
        var replayed = 0
        for target in targets {
            guard let entry = Self.entries[target] else {
                if requireEntries { XCTFail("\(folder)/\(target) has no line in FuzzRegressionTests.entries") }
                continue
            }
            let dir = base.appendingPathComponent(target)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            where !name.hasPrefix(".") && !name.hasSuffix(".md") {
                let data = try Data(contentsOf: dir.appendingPathComponent(name))
                do {
                    try entry(data)
                } catch is any PruneError {
                    // Refused with a code: what a parser should do with a bad input.
                } catch {
                    XCTFail("\(folder)/\(target)/\(name): \(String(reflecting: type(of: error))) is not a PruneError: \(error)")
                }
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0)
    }
}

/// Runs a stage whose typed errors are expected; other errors fail the test.
private func stage(_ body: () throws -> Void) {
    do { try body() } catch is any PruneError {} catch {
        XCTFail("\(String(reflecting: type(of: error))) is not a PruneError: \(error)")
    }
}

/// FuzzHarness.split: a 2-byte big-endian length of the first file, then both files.
private func split(_ data: Data) -> (first: [UInt8], second: [UInt8]) {
    let bytes = [UInt8](data)
    guard bytes.count >= 2 else { return (bytes, []) }
    let length = min(Int(bytes[0]) << 8 | Int(bytes[1]), bytes.count - 2)
    return (Array(bytes[2..<(2 + length)]), Array(bytes[(2 + length)...]))
}

/// The bundle target's fixed inputs: the published test-only key and the vectors' model.
private final class BundleFixture: @unchecked Sendable {
    let key: PrivateKey
    let verifier: PatchBundleVerifier
    let network: Network

    private init() throws {
        let vectors = FuzzRegressionTests.root.appendingPathComponent("Specs/vectors/patch-bundle")
        key = try PrivateKey(pemFile: vectors.appendingPathComponent("test-only-signer.key.pem").path)
        let model = vectors.appendingPathComponent("model.onnx").path
        verifier = try PatchBundleVerifier(trustedKeys: [key.publicKey], modelPath: model)
        network = try ModelFile.load(path: model)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var instance: BundleFixture?

    static func shared() throws -> BundleFixture {
        lock.lock()
        defer { lock.unlock() }
        if let instance { return instance }
        let made = try BundleFixture()
        instance = made
        return made
    }
}
