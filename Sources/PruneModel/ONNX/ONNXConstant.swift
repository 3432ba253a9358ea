import Foundation
import ONNXProto

/// One element of an integer tensor computed while loading. Shape arithmetic (Shape → Gather
/// → Unsqueeze → Concat → Reshape) must carry the batch size, which is symbolic: it stays a
/// marker that only Reshape's leading position may consume.
enum ONNXShapeValue: Equatable {
    case batch
    case fixed(Int64)
}

/// A tensor whose value is known while loading: an initializer, a Constant node's value, or a
/// constant-folded shape computation. Row-major, like ONNX.
struct ONNXConstant {
    enum Values {
        /// FLOAT or DOUBLE elements; Float32 → Float64 is exact.
        case real([Double])
        /// INT64 or INT32 elements, possibly holding the symbolic batch size.
        case integer([ONNXShapeValue])
    }

    let shape: [Int]
    let values: Values

    var count: Int {
        switch values {
        case .real(let v): v.count
        case .integer(let v): v.count
        }
    }

    /// The real values, refusing integer tensors where weights are expected.
    func reals(name: String) throws(ModelError) -> [Double] {
        guard case .real(let v) = values else { throw .unsupportedDataType(tensor: name, type: "integer (FLOAT or DOUBLE expected)") }
        return v
    }

    /// The integer values, refusing float tensors where shapes or indices are expected.
    func integers(name: String) throws(ModelError) -> [ONNXShapeValue] {
        guard case .integer(let v) = values else { throw .unsupportedDataType(tensor: name, type: "floating point (INT64 expected)") }
        return v
    }

    /// Integer values that must all be known (indices, axes).
    func fixedIntegers(name: String) throws(ModelError) -> [Int64] {
        var out = [Int64]()
        for v in try integers(name: name) {
            guard case .fixed(let x) = v else { throw .dynamicShape(detail: "tensor \(name) depends on the batch size") }
            out.append(x)
        }
        return out
    }
}

extension ONNXConstant {
    /// Reads a TensorProto: FLOAT, DOUBLE, INT64 or INT32 elements, from raw_data
    /// (little-endian) or from the typed field; the element count must equal the product of dims.
    init(tensor t: Onnx_TensorProto, name: String) throws(ModelError) {
        if t.dataLocation == .external || !t.externalData.isEmpty { throw .externalData(tensor: name) }
        var count = 1
        for d in t.dims {
            guard d >= 0, d <= Int64(Int32.max) else { throw .shapeMismatch(detail: "tensor \(name) has dimension \(d)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= Int(Int32.max) else { throw .shapeMismatch(detail: "tensor \(name) of dims \(t.dims) is too large") }
            count = product
        }
        let shape = t.dims.map { Int($0) }
        let type = Int(t.dataType)
        let raw = t.hasRawData ? [UInt8](t.rawData) : nil
        let typedCount = t.floatData.count + t.doubleData.count + t.int64Data.count + t.int32Data.count
        if raw != nil && typedCount > 0 {
            throw .malformed(format: "ONNX", reason: "tensor \(name) has both raw_data and typed values")
        }
        let values: Values
        switch type {
        case Onnx_TensorProto.DataType.float.rawValue:
            let v = try raw.map { (r: [UInt8]) throws(ModelError) in try Self.littleEndian(r, width: 4, count: count, name: name).map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) } }
            values = .real(v ?? t.floatData.map(Double.init))
        case Onnx_TensorProto.DataType.double.rawValue:
            let v = try raw.map { (r: [UInt8]) throws(ModelError) in try Self.littleEndian(r, width: 8, count: count, name: name).map { Double(bitPattern: $0) } }
            values = .real(v ?? t.doubleData)
        case Onnx_TensorProto.DataType.int64.rawValue:
            let v = try raw.map { (r: [UInt8]) throws(ModelError) in try Self.littleEndian(r, width: 8, count: count, name: name).map { Int64(bitPattern: $0) } }
            values = .integer((v ?? t.int64Data).map { .fixed($0) })
        case Onnx_TensorProto.DataType.int32.rawValue:
            let v = try raw.map { (r: [UInt8]) throws(ModelError) in try Self.littleEndian(r, width: 4, count: count, name: name).map { Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: $0))) } }
            values = .integer((v ?? t.int32Data.map(Int64.init)).map { .fixed($0) })
        default:
            throw .unsupportedDataType(tensor: name, type: Self.typeName(type))
        }
        self.init(shape: shape, values: values)
        guard self.count == count else {
            throw .shapeMismatch(detail: "tensor \(name) has \(self.count) values for dims \(shape)")
        }
    }

    /// Splits raw bytes into `count` little-endian words of `width` bytes.
    private static func littleEndian(_ bytes: [UInt8], width: Int, count: Int, name: String) throws(ModelError) -> [UInt64] {
        guard bytes.count == width * count else {
            throw .shapeMismatch(detail: "tensor \(name) has \(bytes.count) bytes of raw_data for \(count) elements of \(width) bytes")
        }
        var words = [UInt64](repeating: 0, count: count)
        for i in 0..<count {
            var w: UInt64 = 0
            for b in 0..<width { w |= UInt64(bytes[i * width + b]) << UInt64(8 * b) }
            words[i] = w
        }
        return words
    }

    /// The ONNX name of an element type, for messages.
    static func typeName(_ type: Int) -> String {
        Onnx_TensorProto.DataType(rawValue: type).map { "\($0)".uppercased() } ?? "data type \(type)"
    }
}
