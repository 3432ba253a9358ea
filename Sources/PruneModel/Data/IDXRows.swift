import PruneCore

/// Rows of an IDX images file kept as its bytes (one per pixel) and converted on demand.
public struct IDXRows: DataRows {
    private let imageBytes: [UInt8]
    private let width: Int
    /// The file's image of each row.
    private let indices: [Int]
    public let sampleShape: [Int]
    public let labels: [Int]
    public let source: String

    init(imageBytes: [UInt8], dims: [Int], classes: [Int], indices: [Int], imagesName: String, labelsName: String,
         limits: DataLimits) throws {
        let width = dims[1] * dims[2]
        guard let values = DataFile.checkedProduct([indices.count, width]) else {
            throw FileError(path: imagesName, DataError.tooLarge(detail: "\(indices.count) rows of \(width) features overflow"))
        }
        do {
            try DataFile.checkValueCount(values, limits: limits, what: "the selected rows")
        } catch { throw FileError(path: imagesName, error) }
        for i in indices { precondition((0..<dims[0]).contains(i), "select returned a row outside the file") }
        self.imageBytes = imageBytes
        self.width = width
        self.indices = indices
        self.sampleShape = [1, dims[1], dims[2]]
        self.labels = indices.map { classes[$0] }
        self.source = "\(imagesName) with labels \(labelsName)"
    }

    public var count: Int { indices.count }

    public func features(of rows: [Int]) throws -> [Double] {
        var features = [Double]()
        features.reserveCapacity(rows.count * width)
        for row in rows {
            let i = indices[row]
            features += imageBytes[(16 + i * width)..<(16 + (i + 1) * width)].lazy.map(Double.init)
        }
        return features
    }
}
