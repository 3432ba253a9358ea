import Foundation
import PruneBundle
import PruneCore
import PruneModel
import PruneTestSupport
import XCTest

/// Patch-file tensors are checked against what the file really holds (Specs/limits.md): a
/// declared shape may not overflow, and checking a sparse matrix allocates by its stored
/// entries, never by its declared shape.
final class PatchFileLimitTests: XCTestCase {
    /// The vectors' root patch file as JSON, edited by `change`, then decoded.
    private func patchFile(_ change: (inout [String: Any]) -> Void) throws -> PatchFile {
        let data = try Data(contentsOf: PatchBundleVectors.url("patches-root.json"))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        change(&object)
        return try PatchFile.decode(JSONSerialization.data(withJSONObject: object))
    }

    private func edit(_ object: inout [String: Any], _ key: String, _ index: Int, _ field: String,
                      _ transform: (inout [String: Any]) -> Void) {
        var list = object[key] as! [[String: Any]]
        var entry = list[index][field] as! [String: Any]
        transform(&entry)
        list[index][field] = entry
        object[key] = list
    }

    func testDecodeIsWhatLoadReads() throws {
        let path = PatchBundleVectors.path("patches-root.json")
        let loaded = try PatchFile.load(path: path)
        let decoded = try PatchFile.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(try loaded.jsonData(), try decoded.jsonData())
        XCTAssertThrowsCode("bundle.patches.invalid", try PatchFile.decode(Data("{}".utf8)))
        XCTAssertThrowsCode("bundle.patches.invalid", try PatchFile.decode(Data("[1".utf8), field: "predicate.patches"))
    }

    /// A shape of [2⁴⁰, 2⁴⁰] overflowed while computing its element count (a trap).
    func testTensorShapesThatOverflowAreRefused() throws {
        let file = try patchFile { object in
            var model = object["model"] as! [String: Any]
            var box = model["boxLower"] as! [String: Any]
            box["shape"] = [1 << 40, 1 << 40]
            model["boxLower"] = box
            object["model"] = model
        }
        XCTAssertThrowsCode("bundle.patches.tensor", try file.checkTensors())
    }

    /// A certificate declaring [8192, 16384] multipliers with no entries used to expand to a
    /// 1 GiB dense matrix while a bundle was checked; now only stored entries are held.
    func testSparseMatricesAreCheckedWithoutExpanding() throws {
        let file = try patchFile { object in
            self.edit(&object, "certificates", 0, "multipliers") { matrix in matrix["shape"] = [8192, 16384] }
        }
        XCTAssertNoThrow(try file.checkTensors())
        let matrix = file.certificates[0].multipliers
        XCTAssertEqual(matrix.declaredCount, 8192 * 16384)
        // Too large to expand at all: refused before allocating.
        let huge = try patchFile { object in
            self.edit(&object, "certificates", 0, "multipliers") { matrix in matrix["shape"] = [1 << 20, 1 << 20] }
        }
        XCTAssertThrowsCode("bundle.patches.tensor", try huge.checkTensors())
        XCTAssertThrowsCode("bundle.patches.tensor", try huge.certificates[0].multipliers.dense(path: "m"))
        let overflow = try patchFile { object in
            self.edit(&object, "certificates", 0, "multipliers") { matrix in matrix["shape"] = [1 << 40, 1 << 40] }
        }
        XCTAssertNil(overflow.certificates[0].multipliers.declaredCount)
        XCTAssertThrowsCode("bundle.patches.tensor", try overflow.checkTensors())
    }
}
