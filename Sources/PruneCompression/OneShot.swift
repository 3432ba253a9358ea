import Foundation

/// Whole-buffer compression, built on the streaming `Deflater` and `Inflater` so both paths
/// share one loop and one set of checks.
extension CompressionContainer {
    func compress(_ data: Data, level: Int) throws(CompressionError) -> Data {
        let deflater = try Deflater(container: self, level: level)
        var output = try deflater.update(data)
        output.append(try deflater.finish())
        return output
    }

    func decompress(_ data: Data, limit: Int) throws(CompressionError) -> Data {
        let inflater = try Inflater(container: self, limit: limit)
        let output = try inflater.update(data)
        try inflater.finish()
        return output
    }
}
