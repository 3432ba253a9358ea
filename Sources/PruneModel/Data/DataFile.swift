import Foundation
import PruneCompression
import PruneCore

/// Reads a whole data file as bytes, transparently gunzipping it when it starts with the gzip
/// magic 1f 8b (so `x.npy.gz`, `digits.csv.gz` and the MNIST `.gz` files all load the same way).
enum DataFile {
    static func read(_ path: String, limits: DataLimits) throws -> [UInt8] {
        // Checked here, not only by readSmallFile, so an oversized file reports data.too-large.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue > limits.maxFileBytes {
            throw FileError(path: path, DataError.tooLarge(detail: "the file is \(size.intValue) bytes, more than the limit of \(limits.maxFileBytes)"))
        }
        let data = try FileOutput.readSmallFile(path, limit: limits.maxFileBytes)
        guard data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else {
            return [UInt8](data)
        }
        do {
            return [UInt8](try Gzip.decompress(data, limit: limits.maxDecompressedBytes))
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Throws `data.too-large` when `count` values would pass the limit.
    static func checkValueCount(_ count: Int, limits: DataLimits, what: String) throws(DataError) {
        guard count <= limits.maxValues else {
            throw .tooLarge(detail: "\(what) holds \(count) values, more than the limit of \(limits.maxValues)")
        }
    }

    /// Product of sizes, or nil on overflow.
    static func checkedProduct(_ sizes: [Int]) -> Int? {
        var p = 1
        for s in sizes {
            let (r, o) = p.multipliedReportingOverflow(by: s)
            if o { return nil }
            p = r
        }
        return p
    }
}
