import Foundation
import PruneCore
import PruneModel
import PruneTestSupport
import XCTest

/// Every parser bounds memory by what its input really holds (Specs/limits.md): declared sizes
/// are checked against the bytes present before anything is allocated, and files are read
/// only when they are regular files. The in-memory entry points are the fuzz targets' too.
final class ResourceLimitTests: XCTestCase {
    // MARK: NNet

    /// A 64-input network declaring a hidden layer of 2²⁴ neurons used to reserve 2²⁴ × 64
    /// Float64 weights (8 GiB) before reading the first one.
    func testNNetLayerSizesMustFitTheFile() throws {
        let n = 64
        func row(_ value: String, _ count: Int) -> String { Array(repeating: value, count: count).joined(separator: ",") + ",\n" }
        var text = "2,\(n),1,16777216,\n\(n),16777216,1,\n0,\n"
        text += row("0", n) + row("1", n) + row("0", n + 1) + row("1", n + 1) + "0,\n"
        assertThrows("model.too-large", containing: ["line 2", "more weights and biases than the file"],
                     try NNetModel.decode(Data(text.utf8), source: "big.nnet"))
    }

    func testNNetDecodeIsWhatLoadReads() throws {
        let text = "1,2,1,2,\n2,1,\n0,\n0,0,\n1,1,\n0,0,0,\n1,1,1,\n0.5,-1,\n0.25,\n"
        let dir = try makeTemporaryDirectory(self)
        let path = try DataFixtures.write(text, "n.nnet", in: dir)
        XCTAssertEqual(try NNetModel.decode(Data(text.utf8), source: "n.nnet"), try NNetModel.load(path: path))
    }

    // MARK: CSV

    /// A header of 20,000 columns over 20,000 blank lines used to reserve min(rows × columns,
    /// 2²⁸) Float64 values, 2 GiB, for a 60 kB file; now the reservation follows the bytes.
    func testCSVReservationFollowsTheFileNotTheHeader() throws {
        let text = "label" + String(repeating: ",f", count: 20_000) + "\n" + String(repeating: "\n", count: 20_000)
        assertThrows("data.empty", containing: ["no data rows"], try CSVDataset.parse(Array(text.utf8), source: "wide.csv"))
    }

    /// An index file may repeat a row; every copy costs the row's features, so the copies are
    /// held to the value limit (a 20 MB file of "0" lines would otherwise select 5 GB).
    func testRepeatedRowsAreHeldToTheValueLimit() throws {
        let dir = try makeTemporaryDirectory(self)
        let csv = try DataFixtures.write("a,b,label\n1,2,0\n3,4,1\n", "d.csv", in: dir)
        let rows = try DataFixtures.write(String(repeating: "0\n", count: 6), "rows.txt", in: dir)
        let data = try CSVDataset.load(path: csv)
        XCTAssertEqual(try data.selecting(indexFile: rows).count, 6)
        let small = DataLimits(maxFileBytes: 1 << 20, maxDecompressedBytes: 1 << 20, maxValues: 11)
        assertThrows("data.too-large", containing: ["rows.txt", "limit of 11"], try data.selecting(indexFile: rows, limits: small))
    }

    // MARK: npy and IDX in memory

    func testNPYAndIDXDecodeFromMemoryNameTheirInputs() throws {
        let x = DataFixtures.npy(float32: [0, 1, 2, 3], shape: [2, 2])
        let y = DataFixtures.npy(int64: [1, 0], shape: [2])
        let d = try NPYDataset.decode(features: x, labels: y, featuresName: "x.npy", labelsName: "y.npy")
        XCTAssertEqual(d.features, [0, 1, 2, 3])
        XCTAssertEqual(d.labels, [1, 0])
        assertThrows("data.shape-mismatch", containing: ["y.npy"],
                     try NPYDataset.decode(features: x, labels: DataFixtures.npy(int64: [1], shape: [1]), featuresName: "x.npy", labelsName: "y.npy"))

        let images = DataFixtures.idxImages([1, 2, 3, 4], count: 1, rows: 2, cols: 2)
        let labels = DataFixtures.idxLabels([5])
        let m = try IDXDataset.decode(images: images, labels: labels, imagesName: "i", labelsName: "l")
        XCTAssertEqual(m.sampleShape, [1, 2, 2])
        // 2²⁴ × 2²⁴ × 2²⁴ overflows; 1 × 255 × 255 is more than the 4 pixel bytes present.
        var huge = images
        huge.replaceSubrange(4..<16, with: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])
        assertThrows("data.too-large", containing: ["images.idx"],
                     try IDXDataset.decode(images: huge, labels: labels, imagesName: "images.idx", labelsName: "l"))
        huge.replaceSubrange(4..<16, with: [0, 0, 0, 1, 0, 0, 0, 0xFF, 0, 0, 0, 0xFF])
        assertThrows("data.too-large", containing: ["images.idx", "the file has 4"],
                     try IDXDataset.decode(images: huge, labels: labels, imagesName: "images.idx", labelsName: "l"))
    }

    // MARK: files that are not regular files

    /// A folder, a FIFO and a character device are refused before they are opened: /dev/zero
    /// used to be read until memory ran out, and a FIFO blocked forever.
    func testOnlyRegularFilesAreRead() throws {
        let dir = try makeTemporaryDirectory(self)
        XCTAssertThrowsCode("io.not-a-regular-file", try FileOutput.readSmallFile(dir.path))
        XCTAssertThrowsCode("io.not-a-regular-file", try FileOutput.readSmallFile("/dev/zero"))
        let zero = dir.appendingPathComponent("zero.onnx").path
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
        XCTAssertThrowsCode("io.not-a-regular-file", try ModelFile.load(path: zero))
        let fifo = dir.appendingPathComponent("pipe.csv").path
        let made = try runTool("/usr/bin/mkfifo", [fifo])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertThrowsCode("io.not-a-regular-file", try CSVDataset.load(path: fifo))
        // A symbolic link to a regular file is followed.
        let real = try DataFixtures.write("label,a\n1,2\n", "real.csv", in: dir)
        let link = dir.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        XCTAssertEqual(try CSVDataset.load(path: link).labels, [1])
        XCTAssertThrowsCode("io.not-found", try FileOutput.readSmallFile(dir.appendingPathComponent("none").path))
    }
}
