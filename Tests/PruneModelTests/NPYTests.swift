import Foundation
import PruneModel
import PruneTestSupport
import XCTest

/// NumPy .npy arrays and X/y datasets.
final class NPYTests: XCTestCase {
    func testFloat32FeaturesAndInt64LabelsV1() throws {
        let dir = try makeTemporaryDirectory(self)
        let x = try DataFixtures.write(DataFixtures.npy(float32: [0.5, -1, 2, 3, 4, 5.25], shape: [2, 3]), "x.npy", in: dir)
        let y = try DataFixtures.write(DataFixtures.npy(int64: [1, 0], shape: [2]), "y.npy", in: dir)
        let d = try DatasetLoader.load(path: x, labels: y)
        XCTAssertEqual(d.sampleShape, [3])
        XCTAssertEqual(d.features, [0.5, -1, 2, 3, 4, 5.25])
        XCTAssertEqual(d.labels, [1, 0])
    }

    func testVersion2HeaderImagesAndFloatLabels() throws {
        let dir = try makeTemporaryDirectory(self)
        let values = (0..<8).map { Double($0) / 8 }
        let x = try DataFixtures.write(DataFixtures.npy(float64: values, shape: [2, 1, 2, 2], version: 2), "x.npy", in: dir)
        let y = try DataFixtures.write(DataFixtures.npy(float32: [3, 7], shape: [2], version: 2), "y.npy", in: dir)
        let d = try NPYDataset.load(features: x, labels: y)
        XCTAssertEqual(d.sampleShape, [1, 2, 2])
        XCTAssertEqual(d.features, values)
        XCTAssertEqual(d.labels, [3, 7])
    }

    func testUInt8AndVersion3AndSpareHeaderRoom() throws {
        // Version 3.0 with a header padded far beyond the dict, as recent NumPy writes.
        var bytes = DataFixtures.npy(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }" + String(repeating: " ", count: 100),
                                     payload: [0, 255, 7, 9], version: 2)
        bytes[6] = 3
        let a = try NPYArray(parsing: bytes)
        XCTAssertEqual(a.dtype, .uint8)
        XCTAssertEqual(a.shape, [2, 2])
        XCTAssertEqual(a.doubles(), [0, 255, 7, 9])
        let i4 = DataFixtures.npy(header: "{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}", payload: [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(try NPYArray(parsing: i4).integers().get(), [1, -1])
    }

    func testRefusals() throws {
        let dir = try makeTemporaryDirectory(self)
        let fortran = try DataFixtures.write(DataFixtures.npy(header: "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 1), }",
                                                              payload: DataFixtures.le(UInt64(0))), "f.npy", in: dir)
        let y = try DataFixtures.write(DataFixtures.npy(int64: [0], shape: [1]), "y.npy", in: dir)
        assertThrows("data.unsupported-dtype", containing: ["f.npy", "Fortran"], try NPYDataset.load(features: fortran, labels: y))
        let object = try DataFixtures.write(DataFixtures.npy(header: "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                                                             payload: [0x80, 0x04, 0x95, 0, 0, 0, 0, 0]), "o.npy", in: dir)
        assertThrows("data.unsupported-dtype", containing: ["o.npy", "pickle"], try NPYDataset.load(features: object, labels: y))
        let bigEndian = try DataFixtures.write(DataFixtures.npy(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }",
                                                                payload: [0, 0, 0, 0]), "be.npy", in: dir)
        assertThrows("data.unsupported-dtype", containing: ["be.npy", "'>f4'"], try NPYDataset.load(features: bigEndian, labels: y))
        let huge = try DataFixtures.write(DataFixtures.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 784), }",
                                                           payload: [0, 0, 0, 0]), "huge.npy", in: dir)
        assertThrows("data.too-large", containing: ["huge.npy", "313600000"], try NPYDataset.load(features: huge, labels: y))
        let overflow = try DataFixtures.write(DataFixtures.npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
                                                               payload: []), "ovf.npy", in: dir)
        assertThrows("data.too-large", containing: ["ovf.npy"], try NPYDataset.load(features: overflow, labels: y))
        let trailing = try DataFixtures.write(DataFixtures.npy(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1), }",
                                                               payload: [1, 2]), "tr.npy", in: dir)
        assertThrows("data.malformed", containing: ["tr.npy"], try NPYDataset.load(features: trailing, labels: y))
        let evil = try DataFixtures.write(DataFixtures.npy(header: "{'descr': __import__('os'), 'fortran_order': False, 'shape': (1, 1), }",
                                                           payload: [1]), "evil.npy", in: dir)
        assertThrows("data.malformed", containing: ["evil.npy", "npy header"], try NPYDataset.load(features: evil, labels: y))
        let notNPY = try DataFixtures.write("hello, world", "t.npy", in: dir)
        assertThrows("data.malformed", containing: ["t.npy", "magic"], try NPYDataset.load(features: notNPY, labels: y))
    }

    func testDatasetShapeAndValueErrors() throws {
        let dir = try makeTemporaryDirectory(self)
        let x = try DataFixtures.write(DataFixtures.npy(float32: [1, 2, .nan, 4], shape: [2, 2]), "x.npy", in: dir)
        let y2 = try DataFixtures.write(DataFixtures.npy(int64: [0, 1], shape: [2]), "y2.npy", in: dir)
        assertThrows("data.non-finite", containing: ["x.npy", "sample 1", "feature 0"], try NPYDataset.load(features: x, labels: y2))
        let good = try DataFixtures.write(DataFixtures.npy(float32: [1, 2, 3, 4], shape: [2, 2]), "g.npy", in: dir)
        let y3 = try DataFixtures.write(DataFixtures.npy(int64: [0, 1, 2], shape: [3]), "y3.npy", in: dir)
        assertThrows("data.shape-mismatch", containing: ["y3.npy", "3 labels for 2 samples"], try NPYDataset.load(features: good, labels: y3))
        let flat = try DataFixtures.write(DataFixtures.npy(float32: [1, 2], shape: [2]), "flat.npy", in: dir)
        assertThrows("data.shape-mismatch", containing: ["flat.npy"], try NPYDataset.load(features: flat, labels: y2))
        let fractional = try DataFixtures.write(DataFixtures.npy(float64: [0, 0.5], shape: [2]), "yf.npy", in: dir)
        assertThrows("data.label-out-of-range", containing: ["yf.npy", "sample 1", "0.5"], try NPYDataset.load(features: good, labels: fractional))
        let negative = try DataFixtures.write(DataFixtures.npy(int64: [0, -3], shape: [2]), "yn.npy", in: dir)
        assertThrows("data.label-out-of-range", containing: ["yn.npy", "sample 1", "-3"], try NPYDataset.load(features: good, labels: negative))
    }

    /// Files written by NumPy itself, when python3 with numpy is installed.
    func testFilesWrittenByNumPy() throws {
        let dir = try makeTemporaryDirectory(self)
        let script = """
        import sys
        try:
            import numpy as np
        except ImportError:
            sys.exit(77)
        np.save('x.npy', np.arange(12, dtype=np.float32).reshape(3, 2, 2) / 4)
        np.save('y.npy', np.array([2, 0, 1], dtype=np.int64))
        np.save('u.npy', np.array([[1, 2], [3, 4], [5, 6]], dtype=np.uint8))
        np.save('f.npy', np.asfortranarray(np.ones((3, 2))))
        """
        // Found on PATH through env, so a pyenv or venv python counts; one run both probes and writes.
        guard let result = try? runTool("/usr/bin/env", ["python3", "-c", script], in: dir), result.status != 77,
              result.status != 127 else {
            throw XCTSkip("python3 with numpy is not installed")
        }
        XCTAssertEqual(result.status, 0, result.stderr)
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        let d = try NPYDataset.load(features: p("x.npy"), labels: p("y.npy"))
        XCTAssertEqual(d.sampleShape, [2, 2])
        XCTAssertEqual(d.features, (0..<12).map { Double($0) / 4 })
        XCTAssertEqual(d.labels, [2, 0, 1])
        XCTAssertEqual(try NPYDataset.load(features: p("u.npy"), labels: p("y.npy")).features, [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsCode("data.unsupported-dtype", try NPYDataset.load(features: p("f.npy"), labels: p("y.npy")))
    }
}
