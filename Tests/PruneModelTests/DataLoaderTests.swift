import Foundation
import PruneCompression
import PruneCore
import PruneModel
import PruneTestSupport
import XCTest

/// CSV loading, format selection by name, index files and label validation.
final class DataLoaderTests: XCTestCase {
    func testCSVWithLabelColumnInTheMiddle() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = try DataFixtures.write("a, label ,\"b\"\r\n1.5,2,-3e-1\r\n\n0,0, 7\r\n", "t.csv", in: dir)
        let d = try CSVDataset.load(path: path)
        XCTAssertEqual(d.sampleShape, [2])
        XCTAssertEqual(d.features, [1.5, -0.3, 0, 7])
        XCTAssertEqual(d.labels, [2, 0])
        XCTAssertEqual(d.source, path)
        XCTAssertEqual(d.impliedClassCount, 3)
    }

    func testGzippedCSVThroughTheLoader() throws {
        let dir = try makeTemporaryDirectory(self)
        let gz = try Gzip.compress(Data("x,y,label\n1,2,1\n3,4,0\n".utf8))
        let path = try DataFixtures.write([UInt8](gz), "t.csv.gz", in: dir)
        let d = try DatasetLoader.load(path: path, labels: nil)
        XCTAssertEqual(d.features, [1, 2, 3, 4])
        XCTAssertEqual(d.labels, [1, 0])
    }

    func testCSVNaNNamesRowAndColumn() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = try DataFixtures.write("p0,p1,label\n1,2,0\n3,NaN,1\n", "nan.csv", in: dir)
        assertThrows("data.non-finite", containing: ["nan.csv", "data row 2 (line 3)", "column 2 'p1'", "NaN"],
                     try CSVDataset.load(path: path))
        let inf = try DataFixtures.write("p0,label\n1e999,0\n", "inf.csv", in: dir)
        assertThrows("data.non-finite", containing: ["inf.csv", "data row 1", "column 1 'p0'"], try CSVDataset.load(path: inf))
    }

    func testCSVErrors() throws {
        let dir = try makeTemporaryDirectory(self)
        let ragged = try DataFixtures.write("a,b,label\n1,2,0\n1,2\n", "ragged.csv", in: dir)
        assertThrows("data.shape-mismatch", containing: ["ragged.csv", "data row 2 (line 3)", "2 cells"],
                     try CSVDataset.load(path: ragged))
        let bad = try DataFixtures.write("a,label\n0x1p3,0\n", "bad.csv", in: dir)
        assertThrows("data.malformed", containing: ["bad.csv", "data row 1", "'0x1p3'"], try CSVDataset.load(path: bad))
        let noLabel = try DataFixtures.write("a,b\n1,2\n", "nolabel.csv", in: dir)
        assertThrows("data.malformed", containing: ["nolabel.csv", "'label'"], try CSVDataset.load(path: noLabel))
        let fractional = try DataFixtures.write("a,label\n1,1.5\n", "frac.csv", in: dir)
        assertThrows("data.label-out-of-range", containing: ["frac.csv", "1.5"], try CSVDataset.load(path: fractional))
        let negative = try DataFixtures.write("a,label\n1,0\n1,-1\n", "neg.csv", in: dir)
        assertThrows("data.label-out-of-range", containing: ["neg.csv", "data row 2", "-1"], try CSVDataset.load(path: negative))
        let headerOnly = try DataFixtures.write("a,label\n", "empty.csv", in: dir)
        assertThrows("data.empty", containing: ["empty.csv"], try CSVDataset.load(path: headerOnly))
        let tooMany = try DataFixtures.write("a,b,label\n1,2,0\n3,4,1\n", "big.csv", in: dir)
        let small = DataLimits(maxFileBytes: 1 << 20, maxDecompressedBytes: 1 << 20, maxValues: 3)
        assertThrows("data.too-large", containing: ["big.csv", "limit of 3"], try CSVDataset.load(path: tooMany, limits: small))
        let tinyFile = DataLimits(maxFileBytes: 10, maxDecompressedBytes: 1 << 20, maxValues: 1 << 20)
        assertThrows("data.too-large", containing: ["big.csv", "limit of 10"], try CSVDataset.load(path: tooMany, limits: tinyFile))
    }

    func testMissingFileIsAnIOError() throws {
        let dir = try makeTemporaryDirectory(self)
        XCTAssertThrowsCode("io.not-found", try CSVDataset.load(path: dir.appendingPathComponent("none.csv").path))
    }

    func testLoaderChoosesByName() throws {
        XCTAssertEqual(DatasetLoader.format(of: "a/b.CSV"), .csv)
        XCTAssertEqual(DatasetLoader.format(of: "x.npy.gz"), .npy)
        XCTAssertEqual(DatasetLoader.format(of: "mnist/train-images-idx3-ubyte.gz"), .idx)
        XCTAssertEqual(DatasetLoader.format(of: "train.idx3-ubyte"), .idx)
        XCTAssertNil(DatasetLoader.format(of: "data.json"))
        assertThrows("data.unsupported-format", containing: ["data.json"], try DatasetLoader.load(path: "data.json", labels: nil))
        assertThrows("data.label-file", containing: ["x.npy"], try DatasetLoader.load(path: "x.npy", labels: nil))
        assertThrows("data.label-file", containing: ["t.csv", "y.npy"], try DatasetLoader.load(path: "t.csv", labels: "y.npy"))
    }

    func testIndexFileSelection() throws {
        let dir = try makeTemporaryDirectory(self)
        let csv = try DataFixtures.write("a,label\n10,0\n11,1\n12,2\n", "d.csv", in: dir)
        let idx = try DataFixtures.write("# forget set\n2\n\n 0  # first\n2\n", "forget.txt", in: dir)
        let d = try CSVDataset.load(path: csv)
        XCTAssertEqual(try IndexFile.load(path: idx, count: 3), [2, 0, 2])
        let s = try d.selecting(indexFile: idx)
        XCTAssertEqual(s.features, [12, 10, 12])
        XCTAssertEqual(s.labels, [2, 0, 2])

        let out = try DataFixtures.write("0\n3\n", "out.txt", in: dir)
        assertThrows("data.index-out-of-range", containing: ["out.txt", "line 2", "3"], try IndexFile.load(path: out, count: 3))
        let neg = try DataFixtures.write("-1\n", "neg.txt", in: dir)
        assertThrows("data.index-out-of-range", containing: ["neg.txt", "line 1"], try IndexFile.load(path: neg, count: 3))
        let bad = try DataFixtures.write("1\n\n1.5\n", "bad.txt", in: dir)
        assertThrows("data.malformed", containing: ["bad.txt", "line 3", "'1.5'"], try IndexFile.load(path: bad, count: 3))
    }

    func testLabelValidationNamesTheSample() throws {
        let d = Dataset(sampleShape: [1], features: [0, 1, 2], labels: [0, 9, 10], source: "d.csv")
        XCTAssertNoThrow(try d.validateLabels(classCount: 11))
        assertThrows("data.label-out-of-range", containing: ["d.csv", "sample 2", "label 10", "10 classes"],
                     try d.validateLabels(classCount: 10))
    }
}
