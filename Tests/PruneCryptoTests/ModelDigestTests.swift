import PruneTestSupport
import Foundation
import XCTest
@testable import PruneCrypto

final class ModelDigestTests: XCTestCase {
    private let composedE = "\u{E9}"      // é as one code point, UTF-8 c3 a9
    private let decomposedE = "e\u{301}"  // e + combining acute, UTF-8 65 cc 81

    /// Builds a tree whose names sort differently under Swift `String <` and code-point order.
    /// Pairs, not a dictionary: the two é spellings are equal as Swift `String` keys.
    private func makeModel() throws -> (root: URL, files: [(name: String, contents: Data)]) {
        let root = try makeTemporaryDirectory(self).appendingPathComponent("model")
        let files: [(name: String, contents: Data)] = [
            ("Z.bin", Data("upper".utf8)),
            ("a.bin", Data("lower".utf8)),
            ("\(composedE).txt", Data("composed".utf8)),
            ("\(decomposedE).txt", Data("decomposed".utf8)),
            ("f.txt", Data("f".utf8)),
            ("weights/layer1.npy", Data(repeating: 7, count: 3 * Hash.fileBufferSize / 2)),
            ("weights/nested/deep.bin", Data()),
            ("sub/.git", Data("gitdir: elsewhere".utf8)),
            ("sub/.github/ci.yml", Data("kept".utf8)),
        ]
        let excluded: [(name: String, contents: Data)] = [
            (".git/HEAD", Data("ref: refs/heads/main".utf8)),
            (".git/objects/ab/cdef", Data("object".utf8)),
            (".gitignore", Data("*.tmp".utf8)),
            (".gitattributes", Data("* text".utf8)),
            (".github/workflows/ci.yml", Data("on: push".utf8)),
        ]
        for (name, contents) in files + excluded {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url)
        }
        return (root, files)
    }

    func testNamesOrderDigestsAndRoot() throws {
        let (root, files) = try makeModel()
        let manifest = try ModelDigest.manifest(of: root.path)

        let expectedOrder = files.map(\.name).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        XCTAssertEqual(manifest.resources.map { Array($0.name.utf8) }, expectedOrder.map { Array($0.utf8) })
        // The order really differs from Swift's String ordering (é vs e + U+0301 vs f),
        // and Swift's == would even conflate the two é names.
        XCTAssertNotEqual(expectedOrder.map { Array($0.utf8) }, files.map(\.name).sorted().map { Array($0.utf8) })
        XCTAssertEqual(composedE, decomposedE)
        let names = manifest.resources.map(\.name)
        XCTAssertEqual(names.first, "Z.bin")
        XCTAssertTrue(names.contains("sub/.git"))
        XCTAssertTrue(names.contains("sub/.github/ci.yml"))
        XCTAssertFalse(names.contains { $0.hasPrefix(".git") })
        let eIndices = manifest.resources.indices.filter { manifest.resources[$0].name.unicodeScalars.first == "e" }
        let eAcuteIndices = manifest.resources.indices.filter { manifest.resources[$0].name.unicodeScalars.first == "\u{E9}" }
        let fIndex = try XCTUnwrap(names.firstIndex(of: "f.txt"))
        XCTAssertEqual(eIndices.count, 1)
        XCTAssertEqual(eAcuteIndices.count, 1)
        XCTAssertLessThan(eIndices[0], fIndex)
        XCTAssertGreaterThan(eAcuteIndices[0], fIndex, "U+00E9 sorts after 'f' in code-point order")

        for resource in manifest.resources {
            let path = root.appendingPathComponent(resource.name).path
            let output = try opensslOK(["dgst", "-sha256", "-r", path]).stdoutData
            XCTAssertEqual(resource.sha256.hexString, String(decoding: output.prefix(64), as: UTF8.self), resource.name)
        }
        var concatenated = Data()
        for resource in manifest.resources { concatenated.append(resource.sha256) }
        XCTAssertEqual(concatenated.count, 32 * files.count)
        XCTAssertEqual(manifest.rootDigest, try Hash.sha256(concatenated))
        // A verifier recomputing from parsed resources in any order gets the same root.
        XCTAssertEqual(try ModelManifest(resources: manifest.resources.reversed()), manifest)
    }

    func testIgnoreListExcludesExactPathsAndSubtrees() throws {
        let (root, files) = try makeModel()
        try Data("signature".utf8).write(to: root.appendingPathComponent("model.sig"))
        XCTAssertTrue(try ModelDigest.manifest(of: root.path).resources.contains { $0.name == "model.sig" })

        let manifest = try ModelDigest.manifest(of: root.path, ignoring: ["model.sig", "./weights/", "sub/.git"])
        let names = Set(manifest.resources.map(\.name))
        XCTAssertFalse(names.contains("model.sig"))
        XCTAssertFalse(names.contains { $0.hasPrefix("weights") })
        XCTAssertFalse(names.contains("sub/.git"))
        XCTAssertTrue(names.contains("sub/.github/ci.yml"), "an ignore path is not a name prefix")
        XCTAssertEqual(manifest.resources.count, files.count - 3)
    }

    func testSymlinksAreRefused() throws {
        let (root, _) = try makeModel()
        let link = root.appendingPathComponent("weights/link.bin")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "layer1.npy")
        XCTAssertThrowsError(try ModelDigest.manifest(of: root.path)) { error in
            XCTAssertEqual((error as? CryptoError)?.code, "crypto.model.symlink")
            XCTAssertTrue("\(error)".contains("weights/link.bin"), "\(error)")
        }
        // An ignored link is never looked at.
        XCTAssertNoThrow(try ModelDigest.manifest(of: root.path, ignoring: ["weights/link.bin"]))

        let dirLink = root.deletingLastPathComponent().appendingPathComponent("model-link")
        try FileManager.default.createSymbolicLink(atPath: dirLink.path, withDestinationPath: root.path)
        XCTAssertThrowsCode("crypto.model.symlink", try ModelDigest.manifest(of: dirLink.path))
    }

    func testEmptyModelsAreRefused() throws {
        let root = try makeTemporaryDirectory(self)
        XCTAssertThrowsCode("crypto.model.empty", try ModelDigest.manifest(of: root.path))
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git/refs"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent(".git/HEAD"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty/inner"), withIntermediateDirectories: true)
        XCTAssertThrowsCode("crypto.model.empty", try ModelDigest.manifest(of: root.path))
        try Data("s".utf8).write(to: root.appendingPathComponent("model.sig"))
        XCTAssertThrowsCode("crypto.model.empty", try ModelDigest.manifest(of: root.path, ignoring: ["model.sig"]))
        XCTAssertThrowsCode("io.not-found", try ModelDigest.manifest(of: root.appendingPathComponent("missing").path))
    }

    func testSingleFileModelIsNamedByItsBasename() throws {
        let dir = try makeTemporaryDirectory(self)
        let file = dir.appendingPathComponent("net.onnx")
        try Data("onnx bytes".utf8).write(to: file)
        let manifest = try ModelDigest.manifest(of: file.path)
        XCTAssertEqual(manifest.resources.map(\.name), ["net.onnx"])
        XCTAssertEqual(manifest.resources[0].sha256, try Hash.sha256(Data("onnx bytes".utf8)))
        XCTAssertEqual(manifest.rootDigest, try Hash.sha256(manifest.resources[0].sha256))
    }

    func testNonUTF8NamesAreRefused() throws {
        let root = try makeTemporaryDirectory(self)
        try Data("ok".utf8).write(to: root.appendingPathComponent("ok.bin"))
        // Build the name with raw bytes: 0xff is never valid UTF-8.
        var path = Array(root.path.utf8) + Array("/bad-".utf8) + [0xff] + Array(".bin".utf8)
        path.append(0)
        let fd = path.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        XCTAssertGreaterThanOrEqual(fd, 0, "could not create a non-UTF-8 file name on this file system")
        if fd >= 0 { close(fd) }
        XCTAssertThrowsCode("crypto.model.non-utf8-path", try ModelDigest.manifest(of: root.path))
    }
}
