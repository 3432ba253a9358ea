import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair
import XCTest

/// The committed vectors of `Specs/vectors/patch-bundle/`: each gives its documented result,
/// and regenerating them from the committed inputs reproduces every byte.
final class PatchBundleVectorTests: XCTestCase {
    typealias Vectors = PatchBundleVectors

    func verifier() throws -> PatchBundleVerifier {
        try PatchBundleVerifier(trustedKeys: [try PublicKey(pemFile: Vectors.path(Vectors.trusted))], modelPath: Vectors.path(Vectors.model))
    }

    func testEveryVectorGivesItsDocumentedResult() throws {
        let manifest = try JSONDecoder().decode(Vectors.Manifest.self, from: Data(contentsOf: Vectors.url("vectors.json")))
        XCTAssertEqual(manifest, Vectors.manifest)
        let verifier = try verifier()
        for vector in manifest.vectors {
            do {
                _ = try verifier.verify(paths: vector.verify.map(Vectors.path))
                XCTAssertEqual(vector.expect, "ok", "\(vector.file) verified")
            } catch let error as any PruneError {
                XCTAssertEqual(error.code, vector.expect, "\(vector.file): \(error.message)")
                XCTAssertEqual(Int(error.exitStatus.rawValue), vector.exit, vector.file)
                XCTAssertTrue(error.message.contains(vector.file), "the message names the file: \(error.message)")
            }
        }
    }

    func testMissingFieldNamesItsPath() throws {
        XCTAssertThrowsError(try verifier().verify(paths: [Vectors.path("invalid-missing-field.bundle.json")])) {
            XCTAssertTrue("\($0)".contains("predicate.sequence"), "\($0)")
        }
    }

    func testRegeneratingReproducesTheCommittedBytes() throws {
        let files = try Vectors.generate()
        let regenerate = ProcessInfo.processInfo.environment["PRUNE_REGENERATE_VECTORS"] == "1"
        for (name, data) in files.sorted(by: { $0.key < $1.key }) {
            if regenerate { try data.write(to: Vectors.url(name)) }
            XCTAssertEqual(try Data(contentsOf: Vectors.url(name)), data, "\(name) differs from what the generator makes")
        }
        let committed = try FileManager.default.contentsOfDirectory(atPath: Vectors.directory.path).filter { $0.hasSuffix(".bundle.json") }
        XCTAssertEqual(Set(committed), Set(files.keys.filter { $0.hasSuffix(".bundle.json") }), "no stray vectors")
        XCTAssertEqual(Set(committed), Set(Vectors.manifest.vectors.map(\.file)), "every vector is in vectors.json")
    }

    /// The verified patches drive the patched network: the forgotten rows change class.
    func testVerifiedPatchesEvaluate() throws {
        let verified = try verifier().verify(paths: [Vectors.path("valid-root.bundle.json")])
        let network = try ModelFile.load(path: Vectors.path(Vectors.model))
        let patched = PatchedNetwork(network: network, patches: verified[0].patches)
        let data = Vectors.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SampleBundles/data/digits.csv")
        let rows = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").dropFirst().prefix(3)
        var inputs: [Double] = [], labels: [Int] = []
        for row in rows {
            let values = row.split(separator: ",").map { Double($0)! }
            inputs += values.dropLast()
            labels.append(Int(values.last!))
        }
        network.input.preprocessing.apply(to: &inputs, featureCount: network.inputCount)
        let predictions = try patched.evaluate(inputs).predictions
        for (p, y) in zip(predictions, labels) { XCTAssertNotEqual(p, y, "a forgotten row keeps its label") }
        XCTAssertEqual(verified[0].patchFile.points.count, 3)
    }
}

/// The JSON Schema is strict JSON and requires every predicate field the writer emits.
final class PatchBundleSchemaTests: XCTestCase {
    func testSchemaRequiresWhatTheWriterEmits() throws {
        let url = PatchBundleVectors.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("patch-bundle.schema.json")
        let schema = try StrictJSON.parse(Data(contentsOf: url))
        func required(_ def: String, _ path: String...) -> Set<String> {
            var value = schema["$defs"]?[def]
            for key in path { value = value?["properties"]?[key] }
            guard case .array(let list)? = value?["required"] else { return [] }
            return Set(list.compactMap { if case .string(let s) = $0 { return s } else { return nil } })
        }
        let rootPatches = try PatchFile.load(path: PatchBundleVectors.path("patches-root.json"))
        let statement = try PatchBundle.statement(patchFile: rootPatches, modelRootDigest: String(repeating: "0", count: 64),
                                                  parent: nil, createdAt: "2026-01-31T12:00:00Z")
        func keys(_ value: JSONValue?) -> Set<String> {
            guard case .object(let members)? = value else { return [] }
            return Set(members.map(\.key))
        }
        XCTAssertEqual(required("statement"), keys(statement.jsonValue))
        XCTAssertEqual(required("predicate"), keys(statement.predicate))
        XCTAssertEqual(required("predicate", "model"), keys(statement.predicate["model"]))
        XCTAssertEqual(schema["$defs"]?["statement"]?["properties"]?["predicateType"]?["const"], .string(PatchBundle.predicateType))
    }
}
