import Foundation
import PruneCore

/// The NNet text format of Reluplex/Marabou (formats.md §12). NNet evaluates
/// x̃ = (clamp(x, min, max) − mean) / range, ReLU hidden layers, and y · range_out + mean_out.
/// The returned network takes the raw NNet input: the affine normalisation is folded into the
/// first layer (W₁′ = W₁·diag(1/range), b₁′ = b₁ − W₁(mean/range)) and the output scaling into
/// the last (W_L′ = range_out·W_L, b_L′ = range_out·b_L + mean_out). Clamping is not affine, so
/// the input box is declared as [min, max]: on the box, clamping is the identity and the
/// network equals NNet's function exactly; preprocessing stays the identity.
public enum NNetModel {
    public static func load(path: String) throws -> Network {
        let data = try FileOutput.readSmallFile(path)
        do {
            return try decode(data, source: path)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Parses the bytes of an NNet file (UTF-8 text; invalid bytes become U+FFFD and then fail
    /// to parse as numbers). `source` names the bytes in messages, as in `parse`.
    public static func decode(_ data: Data, source: String) throws(ModelError) -> Network {
        try parse(String(decoding: data, as: UTF8.self), source: source)
    }

    /// Parses NNet text. `source` names the text in the one error that has no line (an empty
    /// file); every other reason starts with "line N:", counting from 1 over the whole file.
    public static func parse(_ text: String, source: String) throws(ModelError) -> Network {
        var reader = NNetLines(text: text, source: source)
        let head = try reader.integers(count: 4, what: "L, n_in, n_out, maxLayerSize")
        let (layerCount, nIn, nOut) = (head.values[0], head.values[1], head.values[2])
        guard layerCount >= 1, nIn >= 1, nOut >= 1 else {
            throw .invalidNetwork(detail: "line \(head.line): L = \(layerCount), n_in = \(nIn), n_out = \(nOut) must be positive")
        }
        // maxLayerSize is informational only; readers recompute it.
        let sizesLine = try reader.integers(count: layerCount + 1, what: "\(layerCount + 1) layer sizes")
        let sizes = sizesLine.values
        guard sizes.allSatisfy({ $0 >= 1 }) else { throw .invalidNetwork(detail: "line \(sizesLine.line): layer sizes \(sizes) must be positive") }
        guard sizes[0] == nIn, sizes[layerCount] == nOut else {
            throw .shapeMismatch(detail: "line \(sizesLine.line): layer sizes \(sizes) do not start with n_in = \(nIn) and end with n_out = \(nOut)")
        }
        _ = try reader.line(what: "the unused flag line")
        let mins = try reader.numbers(count: nIn, what: "input minimums")
        let maxs = try reader.numbers(count: nIn, what: "input maximums")
        let means = try reader.numbers(count: nIn + 1, what: "means (n_in + 1 values)")
        let ranges = try reader.numbers(count: nIn + 1, what: "ranges (n_in + 1 values)")
        for i in 0..<nIn {
            guard mins.values[i] <= maxs.values[i] else {
                throw .invalidNetwork(detail: "line \(maxs.line): input \(i) has minimum \(mins.values[i]) > maximum \(maxs.values[i])")
            }
            guard ranges.values[i] != 0 else { throw .invalidNetwork(detail: "line \(ranges.line): range of input \(i) is zero") }
        }

        // Every weight and bias is written out, at least one byte each, so the sizes cannot
        // declare more values than the text has bytes: checked before anything is reserved.
        var declared = 0
        for l in 0..<layerCount {
            let (w, o1) = sizes[l + 1].multipliedReportingOverflow(by: sizes[l] + 1)
            let (total, o2) = declared.addingReportingOverflow(w)
            guard !o1, !o2, total <= text.utf8.count else {
                throw .tooLarge(detail: "line \(sizesLine.line): layer sizes \(sizes.count > 8 ? "\(sizes.prefix(8))…" : "\(sizes)") declare more weights and biases than the file's \(text.utf8.count) bytes can hold")
            }
            declared = total
        }
        var weights = [[Double]](), biases = [[Double]]()
        for l in 0..<layerCount {
            var w = [Double]()
            w.reserveCapacity(sizes[l + 1] * sizes[l])
            for j in 0..<sizes[l + 1] {
                w += try reader.numbers(count: sizes[l], what: "layer \(l + 1) weight row \(j + 1) (\(sizes[l]) values)").values
            }
            var b = [Double]()
            for j in 0..<sizes[l + 1] {
                b += try reader.numbers(count: 1, what: "layer \(l + 1) bias \(j + 1)").values
            }
            weights.append(w)
            biases.append(b)
        }
        try reader.expectEnd()

        // Fold the input normalisation into layer 1.
        let n0 = sizes[0]
        for j in 0..<sizes[1] {
            var shift = 0.0
            for i in 0..<n0 {
                let w = weights[0][j * n0 + i]
                shift += w * means.values[i] / ranges.values[i]
                weights[0][j * n0 + i] = w / ranges.values[i]
            }
            biases[0][j] -= shift
        }
        // Fold the output scaling into layer L.
        let outMean = means.values[nIn], outRange = ranges.values[nIn]
        weights[layerCount - 1] = weights[layerCount - 1].map { $0 * outRange }
        biases[layerCount - 1] = biases[layerCount - 1].map { $0 * outRange + outMean }

        var layers = [DenseLayer]()
        for l in 0..<layerCount {
            layers.append(try DenseLayer(inputs: sizes[l], outputs: sizes[l + 1], weights: weights[l], bias: biases[l]))
        }
        let box = try InputBox(lower: mins.values, upper: maxs.values)
        return try Network(input: InputSpec(shape: [nIn], box: box), layers: layers)
    }
}

/// The non-header lines of an NNet file, read one record at a time with their line numbers.
/// Values are comma-separated; a trailing comma (the usual style) and spaces are ignored.
struct NNetLines {
    private let lines: [Substring]
    private let source: String
    private var index = 0
    private var consumed = false

    init(text: String, source: String) {
        // Character-wise, "\r\n" is one Character, so split on any newline, not on "\n".
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        self.source = source
        while index < lines.count, lines[index].trimmingCharacters().hasPrefix("//") { index += 1 }
    }

    /// The next non-blank line and its 1-based number.
    mutating func line(what: String) throws(ModelError) -> (number: Int, text: Substring) {
        while index < lines.count, lines[index].trimmingCharacters().isEmpty { index += 1 }
        guard index < lines.count else {
            throw .malformed(format: "NNet", reason: consumed
                ? "line \(index + 1): the file ends before \(what)"
                : "\(source) holds no network (it is empty or only // header lines)")
        }
        index += 1
        consumed = true
        return (index, lines[index - 1])
    }

    mutating func numbers(count: Int, what: String) throws(ModelError) -> (line: Int, values: [Double]) {
        let (number, text) = try line(what: what)
        var cells = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters() }
        if cells.last?.isEmpty == true { cells.removeLast() }
        var values = [Double]()
        values.reserveCapacity(cells.count)
        for (k, cell) in cells.enumerated() {
            guard let v = Double(cell) else {
                throw .malformed(format: "NNet", reason: "line \(number): value \(k + 1) '\(cell)' of \(what) is not a number")
            }
            guard v.isFinite else { throw .nonFinite(detail: "line \(number): value \(k + 1) of \(what) is \(cell)") }
            values.append(v)
        }
        guard values.count == count else {
            throw .shapeMismatch(detail: "line \(number): expected \(what), found \(values.count) values")
        }
        return (number, values)
    }

    mutating func integers(count: Int, what: String) throws(ModelError) -> (line: Int, values: [Int]) {
        let (number, values) = try numbers(count: count, what: what)
        var ints = [Int]()
        for v in values {
            guard let k = Int(exactly: v), k <= 1 << 24 else {
                throw .malformed(format: "NNet", reason: "line \(number): \(v) in \(what) is not a size")
            }
            ints.append(k)
        }
        return (number, ints)
    }

    mutating func expectEnd() throws(ModelError) {
        while index < lines.count, lines[index].trimmingCharacters().isEmpty { index += 1 }
        guard index == lines.count else {
            throw .malformed(format: "NNet", reason: "line \(index + 1): unexpected content after the last layer's biases")
        }
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
