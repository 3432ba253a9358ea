import Foundation
import PruneCompression
import PruneModel
import PruneTestSupport
import XCTest

/// MNIST IDX images and labels, plain and gzipped.
final class IDXTests: XCTestCase {
    let pixels: [UInt8] = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]

    func testPlainIDX() throws {
        let dir = try makeTemporaryDirectory(self)
        let images = try DataFixtures.write(DataFixtures.idxImages(pixels, count: 2, rows: 2, cols: 3), "t-images-idx3-ubyte", in: dir)
        let labels = try DataFixtures.write(DataFixtures.idxLabels([7, 3]), "t-labels-idx1-ubyte", in: dir)
        let d = try DatasetLoader.load(path: images, labels: labels)
        XCTAssertEqual(d.sampleShape, [1, 2, 3])
        XCTAssertEqual(d.features, pixels.map(Double.init))
        XCTAssertEqual(d.labels, [7, 3])
        XCTAssertEqual(Array(d.sample(1)), [250, 251, 252, 253, 254, 255])
    }

    /// Rows picked while decoding equal rows picked after a whole load, in the index file's
    /// order; a bad index names the index file.
    func testSelectedRowsDecodeOnlyThoseRows() throws {
        let dir = try makeTemporaryDirectory(self)
        let images = try DataFixtures.write(DataFixtures.idxImages(pixels, count: 2, rows: 2, cols: 3), "s-images-idx3-ubyte", in: dir)
        let labels = try DataFixtures.write(DataFixtures.idxLabels([7, 3]), "s-labels-idx1-ubyte", in: dir)
        let rows = try DataFixtures.write(Array("1\n0\n1\n".utf8), "pick.rows", in: dir)
        let picked = try DatasetLoader.load(path: images, labels: labels, rows: rows)
        let whole = try DatasetLoader.load(path: images, labels: labels).selecting(indexFile: rows)
        XCTAssertEqual(picked, whole)
        XCTAssertEqual(picked.labels, [3, 7, 3])
        XCTAssertEqual(Array(picked.sample(0)), [250, 251, 252, 253, 254, 255])
        let bad = try DataFixtures.write(Array("2\n".utf8), "bad.rows", in: dir)
        assertThrows("data.index-out-of-range", containing: ["bad.rows"], try DatasetLoader.load(path: images, labels: labels, rows: bad))

        // Rows converted on demand (the auditor's reader) are the same rows, in any order asked.
        let lazy = try DatasetLoader.rows(path: images, labels: labels, rows: rows)
        XCTAssertTrue(lazy is IDXRows)
        XCTAssertEqual(lazy.count, 3)
        XCTAssertEqual(lazy.labels, picked.labels)
        XCTAssertEqual(lazy.sampleShape, picked.sampleShape)
        XCTAssertEqual(try lazy.features(of: [2, 0, 1]), Array(picked.sample(2) + picked.sample(0) + picked.sample(1)))
        XCTAssertEqual(try lazy.features(of: []), [])
        XCTAssertEqual(try DatasetLoader.rows(path: images, labels: labels, rows: nil).labels, [7, 3])
        assertThrows("data.index-out-of-range", containing: ["bad.rows"], try DatasetLoader.rows(path: images, labels: labels, rows: bad))
    }

    func testGzippedIDX() throws {
        let dir = try makeTemporaryDirectory(self)
        let gzImages = try Gzip.compress(Data(DataFixtures.idxImages(pixels, count: 2, rows: 2, cols: 3)))
        let gzLabels = try Gzip.compress(Data(DataFixtures.idxLabels([1, 0])))
        let images = try DataFixtures.write([UInt8](gzImages), "t-images-idx3-ubyte.gz", in: dir)
        let labels = try DataFixtures.write([UInt8](gzLabels), "t-labels-idx1-ubyte.gz", in: dir)
        let d = try DatasetLoader.load(path: images, labels: labels)
        XCTAssertEqual(d.features, pixels.map(Double.init))
        XCTAssertEqual(d.labels, [1, 0])
        // The decompression cap applies before the IDX header is read.
        let tiny = DataLimits(maxFileBytes: 1 << 20, maxDecompressedBytes: 10, maxValues: 1 << 20)
        assertThrows("zlib.output-limit", containing: ["t-images-idx3-ubyte.gz"], try IDXDataset.load(images: images, labels: labels, limits: tiny))
    }

    func testErrors() throws {
        let dir = try makeTemporaryDirectory(self)
        let labels = try DataFixtures.write(DataFixtures.idxLabels([1, 0]), "l-idx1-ubyte", in: dir)
        var swapped = DataFixtures.idxImages(pixels, count: 2, rows: 2, cols: 3)
        swapped[0] = 0x12
        let badMagic = try DataFixtures.write(swapped, "bad-idx3-ubyte", in: dir)
        assertThrows("data.malformed", containing: ["bad-idx3-ubyte", "magic"], try IDXDataset.load(images: badMagic, labels: labels))
        // A labels file given as images: right type, wrong dimension count.
        assertThrows("data.malformed", containing: ["l-idx1-ubyte", "dimensions"], try IDXDataset.load(images: labels, labels: labels))
        var floats = DataFixtures.idxImages(pixels, count: 2, rows: 2, cols: 3)
        floats[2] = 0x0D
        let floatFile = try DataFixtures.write(floats, "f-idx3-ubyte", in: dir)
        assertThrows("data.unsupported-dtype", containing: ["f-idx3-ubyte", "0xD"], try IDXDataset.load(images: floatFile, labels: labels))
        let declared = try DataFixtures.write(DataFixtures.idxImages(pixels, count: 60000, rows: 28, cols: 28), "big-idx3-ubyte", in: dir)
        assertThrows("data.too-large", containing: ["big-idx3-ubyte", "47040000"], try IDXDataset.load(images: declared, labels: labels))
        let images = try DataFixtures.write(DataFixtures.idxImages(pixels, count: 2, rows: 2, cols: 3), "i-idx3-ubyte", in: dir)
        let three = try DataFixtures.write(DataFixtures.idxLabels([1, 0, 2]), "three-idx1-ubyte", in: dir)
        assertThrows("data.shape-mismatch", containing: ["three-idx1-ubyte", "3 labels for 2 images"],
                     try IDXDataset.load(images: images, labels: three))
    }
}
