import Foundation
import PruneCompression
import PruneCrypto

/// A binary tensor inside a JSON document: little-endian elements, zlib-compressed, base64,
/// with the SHA-256 of the uncompressed bytes (compressed bytes differ across zlib builds, so
/// only the uncompressed bytes are hashed and compared).
public struct PatchTensor: Codable, Sendable, Equatable {
    public enum DType: String, Codable, Sendable { case u64, u32, f64 }
    public let dtype: DType
    public let shape: [Int]
    public let sha256: String
    /// base64 of the zlib stream.
    public let data: String

    public static let encoding = "zlib+base64"

    public init(u64 values: [UInt64], shape: [Int]) throws {
        var bytes = Data(capacity: values.count * 8)
        for v in values { bytes.append(contentsOf: littleEndianBytes(v)) }
        try self.init(dtype: .u64, shape: shape, raw: bytes)
    }

    public init(u32 values: [UInt32], shape: [Int]) throws {
        var bytes = Data(capacity: values.count * 4)
        for v in values { bytes.append(contentsOf: littleEndianBytes(v)) }
        try self.init(dtype: .u32, shape: shape, raw: bytes)
    }

    public init(f64 values: [Double], shape: [Int]) throws {
        var bytes = Data(capacity: values.count * 8)
        for v in values { bytes.append(contentsOf: littleEndianBytes(v.bitPattern)) }
        try self.init(dtype: .f64, shape: shape, raw: bytes)
    }

    private init(dtype: DType, shape: [Int], raw: Data) throws {
        self.dtype = dtype
        self.shape = shape
        self.sha256 = try Hash.digest(raw, algorithm: .sha256).hexString
        self.data = try Zlib.compress(raw).base64EncodedString()
    }

    var elementSize: Int { dtype == .u32 ? 4 : 8 }
    /// The product of the dimensions, or nil when it overflows (a hostile shape).
    var elementCount: Int? { Self.product(shape) }

    /// The product of the dimensions, nil when one is negative or the product overflows.
    static func product(_ shape: [Int]) -> Int? {
        var total = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (next, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// The uncompressed bytes, after checking the declared size (before inflating) and digest.
    /// Inflating allocates only what the stream really yields, never the declared size.
    func rawBytes(path: String) throws -> Data {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw PatchFileError.tensor(path, "negative dimension") }
        guard let size = elementCount.flatMap({ Self.product([$0, elementSize]) }), size <= PatchTensor.maximumBytes else {
            throw PatchFileError.tensor(path, "declared size is too large")
        }
        guard let compressed = Data(base64Encoded: data) else { throw PatchFileError.tensor(path, "data is not base64") }
        // Any failure of a tensor is the tensor's (truncated stream, bomb, corrupt data).
        let inflated: Data?
        do {
            inflated = try Zlib.decompress(compressed, limit: size)
        } catch {
            throw PatchFileError.tensor(path, "\(error)")
        }
        guard let raw = inflated else { throw PatchFileError.tensor(path, "no data") }
        guard raw.count == size else { throw PatchFileError.tensor(path, "holds \(raw.count) bytes, shape needs \(size)") }
        guard try Hash.digest(raw, algorithm: .sha256).hexString == sha256 else {
            throw PatchFileError.tensor(path, "SHA-256 of the data does not match")
        }
        return raw
    }

    /// Hard cap on one tensor's uncompressed size.
    public static let maximumBytes = 1 << 30

    public func u64(path: String) throws -> [UInt64] {
        guard dtype == .u64 else { throw PatchFileError.tensor(path, "expected u64, found \(dtype.rawValue)") }
        let raw = [UInt8](try rawBytes(path: path))
        return stride(from: 0, to: raw.count, by: 8).map { littleEndianUInt64(raw, at: $0) }
    }

    public func u32(path: String) throws -> [UInt32] {
        guard dtype == .u32 else { throw PatchFileError.tensor(path, "expected u32, found \(dtype.rawValue)") }
        let raw = [UInt8](try rawBytes(path: path))
        return stride(from: 0, to: raw.count, by: 4).map { i in
            UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24
        }
    }

    public func f64(path: String) throws -> [Double] {
        guard dtype == .f64 else { throw PatchFileError.tensor(path, "expected f64, found \(dtype.rawValue)") }
        let raw = [UInt8](try rawBytes(path: path))
        let values = stride(from: 0, to: raw.count, by: 8).map { Double(bitPattern: littleEndianUInt64(raw, at: $0)) }
        guard values.allSatisfy(\.isFinite) else { throw PatchFileError.tensor(path, "holds a NaN or infinite value") }
        // Underflow voids the relative rounding model the verifier's bounds rely on.
        guard !values.contains(where: \.isSubnormal) else { throw PatchFileError.tensor(path, "holds a subnormal value") }
        return values
    }

    /// Reads from a byte array, not from Data: Data's per-byte subscript costs more than the
    /// arithmetic, and tensors are decoded for every audited point.
    private func littleEndianUInt64(_ raw: [UInt8], at i: Int) -> UInt64 {
        var value: UInt64 = 0
        for b in 0..<8 { value |= UInt64(raw[i + b]) << (8 * UInt64(b)) }
        return value
    }
}

/// Little-endian bytes of a fixed-width integer, least significant first.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}
