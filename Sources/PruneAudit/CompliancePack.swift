import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// Failures of a compliance pack (`Specs/pack.md`). `prune check` turns each into a reason of
/// its FAILED verdict; the codes are stable.
public enum PackError: PruneError, Equatable {
    /// Not a ustar archive prune reads: a header checksum, magic, size or name that is wrong,
    /// a member that is not a regular file, a truncated archive, data after the end.
    case malformed(reason: String)
    /// `manifest.json` is missing, not the first member, or not a manifest of this format.
    case manifestInvalid(reason: String)
    /// A member's size or SHA-256 is not the one the manifest lists.
    case memberDigest(name: String, listed: String, actual: String)
    /// A member the manifest does not list, or a listed member that is absent.
    case memberUnlisted(name: String)
    case memberMissing(name: String)
    /// The report's subjects are not the pack's model and bundles.
    case subjectMismatch(reason: String)
    /// `--recheck` on a pack without the forget request.
    case incomplete(reason: String)
    /// The report verifies, but the audit it records FAILED.
    case auditFailed(reason: String)

    public var code: String {
        switch self {
        case .malformed: "pack.malformed"
        case .manifestInvalid: "pack.manifest-invalid"
        case .memberDigest: "pack.member-digest"
        case .memberUnlisted: "pack.member-unlisted"
        case .memberMissing: "pack.member-missing"
        case .subjectMismatch: "pack.subject-mismatch"
        case .incomplete: "pack.incomplete"
        case .auditFailed: "pack.audit-failed"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .malformed, .manifestInvalid, .incomplete: .dataError
        default: .verificationFailed
        }
    }

    public var message: String {
        switch self {
        case .malformed(let reason): "not a prune compliance pack (ustar): \(reason)"
        case .manifestInvalid(let reason): "the pack's manifest is invalid: \(reason)"
        case .memberDigest(let name, let listed, let actual): "member \(name) was altered: the manifest lists \(listed), it has \(actual)"
        case .memberUnlisted(let name): "member \(name) is not listed in the manifest"
        case .memberMissing(let name): "member \(name) is listed in the manifest but absent"
        case .subjectMismatch(let reason): "the report is not about the pack's files: \(reason)"
        case .incomplete(let reason): "the pack cannot be rechecked: \(reason)"
        case .auditFailed(let reason): "the report verifies, and the audit it records FAILED: \(reason)"
        }
    }
}

/// The ustar subset prune writes and reads: regular files only, names of at most 100 bytes
/// (no prefix field), mode 0644, uid/gid 0, mtime 0, empty user and group names, two zero
/// blocks at the end. Deterministic: the same members give the same bytes.
public enum Ustar {
    public static let blockSize = 512

    public static func write(_ members: [(name: String, data: Data)]) throws(PackError) -> Data {
        var out = Data()
        for (name, data) in members {
            try checkName(name)
            var header = [UInt8](repeating: 0, count: blockSize)
            func put(_ s: String, at offset: Int) { for (i, b) in s.utf8.enumerated() { header[offset + i] = b } }
            put(name, at: 0)
            put("0000644", at: 100)
            put("0000000", at: 108)
            put("0000000", at: 116)
            put(String(format: "%011o", data.count), at: 124)
            put("00000000000", at: 136)
            for i in 148..<156 { header[i] = 0x20 }
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257)   // "ustar\0"
            put("00", at: 263)
            let sum = header.reduce(0) { $0 + Int($1) }
            put(String(format: "%06o", sum), at: 148)
            header[154] = 0
            header[155] = 0x20
            out.append(contentsOf: header)
            out.append(data)
            let pad = (blockSize - data.count % blockSize) % blockSize
            out.append(Data(count: pad))
        }
        out.append(Data(count: 2 * blockSize))
        return out
    }

    static func checkName(_ name: String) throws(PackError) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, name.utf8.count <= 100, !name.hasPrefix("/"),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f && $0 != "\\" })
        else { throw .malformed(reason: "member name '\(name)' is not a safe relative path of at most 100 bytes") }
    }

    public static func read(_ archive: Data) throws(PackError) -> [(name: String, data: Data)] {
        let bytes = [UInt8](archive)
        guard bytes.count % blockSize == 0 else { throw .malformed(reason: "the size \(bytes.count) is not a multiple of 512") }
        var members: [(name: String, data: Data)] = []
        var offset = 0
        func field(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> String {
            let s = header[(header.startIndex + start)..<(header.startIndex + start + length)]
            return String(decoding: s.prefix { $0 != 0 }, as: UTF8.self)
        }
        while true {
            guard offset + blockSize <= bytes.count else { throw .malformed(reason: "no end-of-archive blocks") }
            let header = bytes[offset..<(offset + blockSize)]
            if header.allSatisfy({ $0 == 0 }) {
                guard offset + 2 * blockSize == bytes.count,
                      bytes[(offset + blockSize)...].allSatisfy({ $0 == 0 }) else {
                    throw .malformed(reason: "data after the end-of-archive marker at byte \(offset)")
                }
                return members
            }
            let stored = field(header, 148, 8).trimmingCharacters(in: .whitespaces)
            var sum = 0
            for (i, b) in header.enumerated() { sum += (148..<156).contains(i) ? 0x20 : Int(b) }
            guard let storedSum = Int(stored, radix: 8), storedSum == sum else {
                throw .malformed(reason: "header checksum mismatch at byte \(offset)")
            }
            guard field(header, 257, 6) == "ustar", field(header, 263, 2) == "00" else {
                throw .malformed(reason: "not a ustar header at byte \(offset)")
            }
            let type = header[header.startIndex + 156]
            guard type == UInt8(ascii: "0") || type == 0 else { throw .malformed(reason: "member at byte \(offset) is not a regular file") }
            guard field(header, 345, 155).isEmpty else { throw .malformed(reason: "a ustar name prefix (prune writes none)") }
            let name = field(header, 0, 100)
            try checkName(name)
            guard let size = Int(field(header, 124, 12).trimmingCharacters(in: .whitespaces), radix: 8), size >= 0 else {
                throw .malformed(reason: "bad size of member \(name)")
            }
            let start = offset + blockSize
            guard size <= bytes.count - start else { throw .malformed(reason: "member \(name) is truncated") }
            if members.contains(where: { $0.name == name }) { throw .malformed(reason: "member \(name) appears twice") }
            members.append((name, Data(bytes[start..<(start + size)])))
            offset = start + (size + blockSize - 1) / blockSize * blockSize
        }
    }
}

/// A compliance pack: one ustar archive holding the model, its signature, the patch bundles in
/// chain order, the audit report and optionally the forget request, with `manifest.json`
/// first, listing every other member's role, size and SHA-256 (`Specs/pack.md`).
public struct CompliancePack: Sendable {
    public static let format = "https://prune.dev/compliance-pack/v1"
    public static let manifestName = "manifest.json"
    public static let maximumBytes = 1 << 30

    public enum Role: String, Sendable, CaseIterable {
        case model, modelSignature = "model-signature", bundle, report
        case forgetData = "forget-data", forgetLabels = "forget-labels", forgetRows = "forget-rows"
        case referenceData = "reference-data", referenceLabels = "reference-labels", referenceRows = "reference-rows"
    }

    public struct Member: Sendable {
        public let name: String
        public let role: Role
        public let data: Data
        public init(name: String, role: Role, data: Data) {
            self.name = name
            self.role = role
            self.data = data
        }
    }

    /// Members in manifest order (bundles in chain order).
    public let members: [Member]

    public init(members: [Member]) { self.members = members }

    public func members(_ role: Role) -> [Member] { members.filter { $0.role == role } }

    public func manifest() throws -> Data {
        var list: [JSONValue] = []
        for m in members {
            list.append(.object([JSONMember("name", .string(m.name)), JSONMember("role", .string(m.role.rawValue)),
                                 JSONMember("size", .integer(m.data.count)),
                                 JSONMember("sha256", .string(try Hash.digest(m.data, algorithm: .sha256).hexString))]))
        }
        return JSONSerializer.data(.object([JSONMember("format", .string(Self.format)), JSONMember("members", .array(list))]))
    }

    public func archive() throws -> Data {
        try Ustar.write([(Self.manifestName, try manifest())] + members.map { ($0.name, $0.data) })
    }

    /// Reads a pack and checks every member against the manifest. Throws the first failure.
    public static func read(_ archive: Data) throws -> CompliancePack {
        let entries = try Ustar.read(archive)
        guard let first = entries.first, first.name == manifestName else {
            throw PackError.manifestInvalid(reason: "\(manifestName) is not the first member")
        }
        let root: JSONValue
        do { root = try StrictJSON(maxDepth: 8, maxBytes: 1 << 20).parse(first.data) } catch {
            throw PackError.manifestInvalid(reason: "not strict JSON (\(error.code))")
        }
        guard case .string(format)? = root["format"] else { throw PackError.manifestInvalid(reason: "format is not \(format)") }
        guard case .array(let listed)? = root["members"] else { throw PackError.manifestInvalid(reason: "no members array") }
        let present = Dictionary(entries.dropFirst().map { ($0.name, $0.data) }, uniquingKeysWith: { a, _ in a })
        var members: [Member] = []
        for item in listed {
            guard case .string(let name)? = item["name"], case .string(let roleName)? = item["role"],
                  let role = Role(rawValue: roleName), case .number(let n)? = item["size"], let size = n.integer,
                  case .string(let digest)? = item["sha256"] else {
                throw PackError.manifestInvalid(reason: "a member entry without name, a known role, size and sha256")
            }
            guard !members.contains(where: { $0.name == name }) else { throw PackError.manifestInvalid(reason: "\(name) listed twice") }
            guard let data = present[name] else { throw PackError.memberMissing(name: name) }
            let actual = try Hash.digest(data, algorithm: .sha256).hexString
            guard actual == digest, data.count == size else {
                throw PackError.memberDigest(name: name, listed: "\(size) bytes sha256:\(digest)", actual: "\(data.count) bytes sha256:\(actual)")
            }
            members.append(Member(name: name, role: role, data: data))
        }
        if let extra = entries.dropFirst().first(where: { e in !members.contains { $0.name == e.name } }) {
            throw PackError.memberUnlisted(name: extra.name)
        }
        for role in [Role.model, .report] where members.filter({ $0.role == role }).count != 1 {
            throw PackError.manifestInvalid(reason: "exactly one \(role.rawValue) member is required")
        }
        if members.allSatisfy({ $0.role != .bundle }) { throw PackError.manifestInvalid(reason: "no bundle member") }
        for role in Role.allCases where role != .bundle && members.filter({ $0.role == role }).count > 1 {
            throw PackError.manifestInvalid(reason: "more than one \(role.rawValue) member")
        }
        return CompliancePack(members: members)
    }
}
