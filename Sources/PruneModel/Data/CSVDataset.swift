import PruneCore

/// CSV with a header row and a `label` column in any position; every other column is a
/// decimal feature. Parsed by a byte scanner over the whole file (no per-cell `split`), since
/// a dataset can have millions of cells. Cells may be padded with spaces and wrapped in double
/// quotes; quoted commas are not supported (numeric data never needs them). Blank lines are
/// skipped; CRLF line ends are accepted.
public enum CSVDataset {
    public static func load(path: String, limits: DataLimits = .default) throws -> Dataset {
        let bytes = try DataFile.read(path, limits: limits)
        do {
            return try parse(bytes, source: path, limits: limits)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Parses CSV bytes; errors name the line and data row but not the file.
    public static func parse(_ bytes: [UInt8], source: String, limits: DataLimits = .default) throws(DataError) -> Dataset {
        var lines = LineScanner(bytes: bytes)
        guard let header = lines.next() else { throw .empty(detail: "the file has no header row") }
        let names = cells(of: header.range, in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
        let labelColumns = names.indices.filter { names[$0].lowercased() == "label" }
        guard labelColumns.count == 1 else {
            throw .malformed(detail: labelColumns.isEmpty
                ? "line \(header.number): the header has no 'label' column"
                : "line \(header.number): the header has \(labelColumns.count) 'label' columns")
        }
        let labelColumn = labelColumns[0]
        let featureCount = names.count - 1
        guard featureCount > 0 else { throw .shapeMismatch(detail: "line \(header.number): the header has no feature columns") }

        var features = [Double]()
        var labels = [Int]()
        // The newline count bounds the rows, so the arrays are allocated once. A value takes at
        // least two bytes (a digit and a separator), which bounds the values by the file's
        // size too: a wide header over many blank lines cannot reserve more than the data holds.
        let maxRows = bytes.reduce(into: 1) { n, b in if b == 0x0A { n += 1 } }
        let (capacity, overflow) = maxRows.multipliedReportingOverflow(by: featureCount)
        features.reserveCapacity(min(overflow ? limits.maxValues : capacity, limits.maxValues, bytes.count / 2 + 1))
        labels.reserveCapacity(maxRows)
        var row = 0
        while let line = lines.next() {
            row += 1
            // Locations are only spelled out on error: building strings per cell would dominate.
            let at = { "data row \(row) (line \(line.number))" }
            let ranges = cells(of: line.range, in: bytes)
            guard ranges.count == names.count else {
                throw .shapeMismatch(detail: "\(at()) has \(ranges.count) cells, the header has \(names.count)")
            }
            try DataFile.checkValueCount(features.count + featureCount, limits: limits, what: "the file")
            for (column, range) in ranges.enumerated() {
                let value = try number(bytes[range]) { "\(at()), column \(column + 1) '\(names[column])'" }
                if column == labelColumn {
                    guard let label = Int(exactly: value) else {
                        throw .labelOutOfRange(detail: "\(at()): label \(text(bytes[range])) is not an integer")
                    }
                    guard label >= 0 else { throw .labelOutOfRange(detail: "\(at()): label \(label) is negative") }
                    labels.append(label)
                } else {
                    features.append(value)
                }
            }
        }
        guard row > 0 else { throw .empty(detail: "the file has a header but no data rows") }
        return Dataset(sampleShape: [featureCount], features: features, labels: labels, source: source)
    }

    /// Byte ranges of the cells of one line, trimmed of spaces and surrounding double quotes.
    static func cells(of range: Range<Int>, in bytes: [UInt8]) -> [Range<Int>] {
        var out = [Range<Int>]()
        var start = range.lowerBound
        var i = range.lowerBound
        while true {
            if i == range.upperBound || bytes[i] == UInt8(ascii: ",") {
                var lo = start, hi = i
                while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
                while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
                if hi - lo >= 2, bytes[lo] == UInt8(ascii: "\""), bytes[hi - 1] == UInt8(ascii: "\"") { lo += 1; hi -= 1 }
                out.append(lo..<hi)
                if i == range.upperBound { break }
                start = i + 1
            }
            i += 1
        }
        return out
    }

    /// A decimal number; NaN and infinities (including overflow such as 1e999) are refused
    /// as non-finite, anything else that is not a plain decimal as malformed.
    static func number(_ cell: ArraySlice<UInt8>, at location: () -> String) throws(DataError) -> Double {
        let isDecimal = !cell.isEmpty && cell.allSatisfy { b in
            (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        }
        // Small strings (≤ 15 bytes, nearly every number) live inline: no allocation per cell.
        let s = String(decoding: cell, as: UTF8.self)
        if isDecimal, let v = Double(s) {
            guard v.isFinite else { throw .nonFinite(location: location(), value: s) }
            return v
        }
        if ["nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"].contains(s.lowercased()) {
            throw .nonFinite(location: location(), value: s)
        }
        throw .malformed(detail: "\(location()): '\(s)' is not a decimal number")
    }

    private static func text(_ cell: ArraySlice<UInt8>) -> String { String(decoding: cell, as: UTF8.self) }
}

/// Non-blank lines of a byte buffer with their 1-based line numbers; strips a trailing CR.
struct LineScanner {
    let bytes: [UInt8]
    private var position = 0
    private var lineNumber = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first cell.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    mutating func next() -> (number: Int, range: Range<Int>)? {
        while position < bytes.count {
            lineNumber += 1
            let start = position
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            position = end + 1
            var hi = end
            if hi > start, bytes[hi - 1] == 0x0D { hi -= 1 }
            if bytes[start..<hi].contains(where: { $0 != 0x20 && $0 != 0x09 }) { return (lineNumber, start..<hi) }
        }
        return nil
    }
}
