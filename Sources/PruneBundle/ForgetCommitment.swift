import Foundation
import PruneCrypto

/// What a patch file records about a forgotten point instead of the point itself:
///
///     SHA-256( "prune/forget-commitment/v1" ‖ 0x00 ‖ request id (UTF-8) ‖ 0x00 ‖
///              index (u32 LE) ‖ raw feature values (f64 LE each) ‖ label (u32 LE) )
///
/// A data holder who knows their row, its position in the request and the request id can
/// recompute it; nobody can recover the row from it. Raw values are the data file's own
/// numbers, before the model's preprocessing.
public enum ForgetCommitment {
    public static let domain = "prune/forget-commitment/v1"

    public static func digest(requestID: String, index: Int, features: some Collection<Double>, label: Int) throws -> String {
        var bytes = Data(domain.utf8)
        bytes.append(0)
        bytes.append(contentsOf: Data(requestID.utf8))
        bytes.append(0)
        bytes.append(contentsOf: littleEndianBytes(UInt32(index)))
        for v in features { bytes.append(contentsOf: littleEndianBytes(v.bitPattern)) }
        bytes.append(contentsOf: littleEndianBytes(UInt32(label)))
        return try Hash.digest(bytes, algorithm: .sha256).hexString
    }
}
