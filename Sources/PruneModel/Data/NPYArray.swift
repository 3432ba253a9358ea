/// One NumPy `.npy` array (formats.md §14): versions 1.0, 2.0 and 3.0, C order only, element
/// types little-endian float32/float64/int32/int64 and uint8. The header is parsed as a small
/// literal (never evaluated), its length is read from the file, and the data must be exactly
/// Π(shape) × itemsize bytes, checked with overflow-checked arithmetic before decoding.
public struct NPYArray: Sendable, Equatable {
    public enum DType: String, Sendable, CaseIterable {
        case float32 = "<f4", float64 = "<f8", int32 = "<i4", int64 = "<i8", uint8 = "|u1"

        public var itemSize: Int {
            switch self {
            case .float32, .int32: 4
            case .float64, .int64: 8
            case .uint8: 1
            }
        }

        public var isInteger: Bool { self == .int32 || self == .int64 || self == .uint8 }
    }

    public let dtype: DType
    public let shape: [Int]
    /// The raw little-endian element bytes, C order.
    public let payload: [UInt8]

    /// NumPy's own default cap on the header (`max_header_size`), with room for v2 headers.
    static let maxHeaderBytes = 1 << 20
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    public var count: Int { shape.reduce(1, *) }

    public init(parsing bytes: [UInt8], limits: DataLimits = .default) throws(DataError) {
        guard bytes.count >= 10, bytes.starts(with: Self.magic) else {
            throw .malformed(detail: "not an npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch (major, minor) {
        case (1, 0):
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case (2, 0), (3, 0):
            guard bytes.count >= 12 else { throw .malformed(detail: "npy file ends inside its header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw .malformed(detail: "npy format version \(major).\(minor) is not 1.0, 2.0 or 3.0")
        }
        guard headerLength <= Self.maxHeaderBytes else {
            throw .tooLarge(detail: "npy header of \(headerLength) bytes exceeds \(Self.maxHeaderBytes)")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw .malformed(detail: "npy header declares \(headerLength) bytes, the file has \(bytes.count - headerStart) after the preamble")
        }
        let (descr, fortran, shape) = try NPYHeader.parse(String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self))
        guard descr != "|O", descr != "<O", descr != ">O" else {
            throw .unsupportedDtype(detail: "npy dtype '\(descr)' is an object array (a pickle); prune never loads pickles")
        }
        guard let dtype = DType(rawValue: descr) else {
            throw .unsupportedDtype(detail: "npy dtype '\(descr)'; prune reads '<f4', '<f8', '<i4', '<i8' and '|u1'")
        }
        guard !fortran else {
            throw .unsupportedDtype(detail: "npy array is stored in Fortran (column-major) order; save it in C order")
        }
        guard let count = DataFile.checkedProduct(shape) else {
            throw .tooLarge(detail: "npy shape \(shape) overflows")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        guard !overflow, byteCount <= available else {
            throw .tooLarge(detail: "npy shape \(shape) of '\(descr)' declares \(overflow ? "more than Int.max" : "\(byteCount)") data bytes, the file has \(available)")
        }
        guard byteCount == available else {
            throw .malformed(detail: "npy shape \(shape) of '\(descr)' needs \(byteCount) data bytes, the file has \(available - byteCount) more")
        }
        try DataFile.checkValueCount(count, limits: limits, what: "the npy array")
        self.dtype = dtype
        self.shape = shape
        self.payload = Array(bytes[dataStart...])
    }

    /// Every element as a Double, C order. Integers above 2⁵³ round (features only).
    public func doubles() -> [Double] {
        let p = payload
        let n = count
        switch dtype {
        case .uint8:
            return p.map(Double.init)
        case .float32:
            return (0..<n).map { i in Double(Float(bitPattern: Self.u32(p, i * 4))) }
        case .float64:
            return (0..<n).map { i in Double(bitPattern: Self.u64(p, i * 8)) }
        case .int32:
            return (0..<n).map { i in Double(Int32(bitPattern: Self.u32(p, i * 4))) }
        case .int64:
            return (0..<n).map { i in Double(Int64(bitPattern: Self.u64(p, i * 8))) }
        }
    }

    /// Every element as an exact integer; a float element that is not an integer is reported by
    /// its flat index.
    public func integers() -> Result<[Int], IntegerError> {
        let p = payload
        switch dtype {
        case .uint8: return .success(p.map(Int.init))
        case .int32: return .success((0..<count).map { Int(Int32(bitPattern: Self.u32(p, $0 * 4))) })
        case .int64: return .success((0..<count).map { Int(Int64(bitPattern: Self.u64(p, $0 * 8))) })
        case .float32, .float64:
            let values = doubles()
            var out = [Int]()
            out.reserveCapacity(values.count)
            for (i, v) in values.enumerated() {
                guard let k = Int(exactly: v) else { return .failure(IntegerError(index: i, value: v)) }
                out.append(k)
            }
            return .success(out)
        }
    }

    public struct IntegerError: Error, Equatable {
        public let index: Int
        public let value: Double
    }

    @inline(__always) static func u32(_ p: [UInt8], _ o: Int) -> UInt32 {
        UInt32(p[o]) | UInt32(p[o + 1]) << 8 | UInt32(p[o + 2]) << 16 | UInt32(p[o + 3]) << 24
    }

    @inline(__always) static func u64(_ p: [UInt8], _ o: Int) -> UInt64 {
        UInt64(u32(p, o)) | UInt64(u32(p, o + 4)) << 32
    }
}
