import PruneCore

/// A list of sample indices (a forget set, a split): text, one 0-based index per line; blank
/// lines and `#` comments (whole-line or trailing) are ignored. Duplicates are kept, since
/// `Dataset.selecting` accepts them; callers that need a set deduplicate.
public enum IndexFile {
    public static func load(path: String, count: Int, limits: DataLimits = .default) throws -> [Int] {
        let bytes = try DataFile.read(path, limits: limits)
        do {
            return try parse(bytes, count: count)
        } catch {
            throw FileError(path: path, error)
        }
    }

    public static func parse(_ bytes: [UInt8], count: Int) throws(DataError) -> [Int] {
        var lines = LineScanner(bytes: bytes)
        var out = [Int]()
        while let line = lines.next() {
            var slice = bytes[line.range]
            if let hash = slice.firstIndex(of: UInt8(ascii: "#")) { slice = slice[..<hash] }
            let text = String(decoding: slice, as: UTF8.self).trimmingASCIISpace()
            if text.isEmpty { continue }
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let index = Int(text) else {
                if text.hasPrefix("-"), Int(text) != nil {
                    throw .indexOutOfRange(detail: "line \(line.number): index \(text) is negative")
                }
                throw .malformed(detail: "line \(line.number): '\(text)' is not a 0-based sample index")
            }
            guard index < count else {
                throw .indexOutOfRange(detail: "line \(line.number): index \(index) is not below the sample count \(count)")
            }
            out.append(index)
        }
        return out
    }
}

extension Dataset {
    /// The samples listed in an index file, in its order. Duplicates copy their sample each
    /// time, so the copies are held to the value limit: a short file of repeated lines cannot
    /// ask for gigabytes.
    public func selecting(indexFile path: String, limits: DataLimits = .default) throws -> Dataset {
        let indices = try IndexFile.load(path: path, count: count, limits: limits)
        let (values, overflow) = indices.count.multipliedReportingOverflow(by: featureCount)
        if overflow {
            throw FileError(path: path, DataError.tooLarge(detail: "\(indices.count) rows of \(featureCount) features overflow"))
        }
        do {
            try DataFile.checkValueCount(values, limits: limits, what: "the selected rows")
        } catch {
            throw FileError(path: path, error)
        }
        return selecting(indices)
    }
}

extension String {
    /// Strips spaces and tabs only (Foundation's trimming would also eat other Unicode space).
    func trimmingASCIISpace() -> String {
        let u = Array(utf8)
        var lo = 0, hi = u.count
        while lo < hi, u[lo] == 0x20 || u[lo] == 0x09 { lo += 1 }
        while hi > lo, u[hi - 1] == 0x20 || u[hi - 1] == 0x09 { hi -= 1 }
        return String(decoding: u[lo..<hi], as: UTF8.self)
    }
}
