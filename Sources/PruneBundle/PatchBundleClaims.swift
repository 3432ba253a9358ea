import Foundation
import PruneCrypto

/// What a patch bundle claims, read WITHOUT verifying its signature, for `prune bundle
/// inspect`. Nothing here may feed a decision: use `PatchBundleVerifier` for that. The
/// payload is decoded straight from the JSON (the DSSE API rightly keeps it closed until
/// verification), and fields that are missing or malformed are reported as absent.
public struct PatchBundleClaims: Sendable, Encodable {
    public let fileDigest: String
    public let fileSize: Int
    public let mediaType: String
    public let keyHint: String?
    public let payloadType: String
    public let predicateType: String?
    public let subjects: [String: String]
    public let parent: String?
    public let sequence: Int?
    public let createdAt: String?
    public let generator: String?
    public let modelRootDigest: String?
    public let modelSHA256: String?
    public let hiddenWidths: [Int]?
    public let classes: Int?
    public let tolerance: Double?
    public let requestID: String?
    /// Rows in the whole request, and the slice this bundle forgets when the request is split.
    public let requestCount: Int?
    public let partFirst: Int?
    public let partCount: Int?
    public let points: Int?
    public let patches: Int?
    public let certificates: Int?
    /// Point claims by kind (`region-certified`, `point-level`, `not-forgotten`).
    public let claims: [String: Int]
    /// The patch file's format, and its patches by gate depth ("all" or the number of
    /// leading hidden layers, `gateLayers`).
    public let patchFormat: String?
    public let gates: [String: Int]

    /// Parses strictly (a bundle prune could never verify is refused here too), but reads
    /// the unverified payload leniently so a damaged predicate can still be looked at.
    public init(jsonData data: Data) throws {
        let bundle = try SigstoreBundle(jsonData: data, parser: PatchBundle.parser)
        fileDigest = try Hash.sha256(data).hexString
        fileSize = data.count
        mediaType = bundle.mediaType
        keyHint = bundle.publicKeyHint
        payloadType = bundle.envelope.payloadType
        let root = JSONField(try PatchBundle.parser.parse(data))
        let payload = try root.field("dsseEnvelope").field("payload").base64()
        let statement = try? PatchBundle.parser.parse(payload)
        predicateType = Self.string(statement?["predicateType"])
        var subjects: [String: String] = [:]
        if case .array(let list)? = statement?["subject"] {
            for (i, subject) in list.enumerated() {
                subjects[Self.string(subject["name"]) ?? "subject[\(i)]"] = Self.string(subject["digest"]?["sha256"]) ?? "?"
            }
        }
        self.subjects = subjects
        let predicate = statement?["predicate"]
        parent = Self.string(predicate?["parent"])
        sequence = Self.int(predicate?["sequence"])
        createdAt = Self.string(predicate?["createdAt"])
        generator = [Self.string(predicate?["generator"]?["name"]), Self.string(predicate?["generator"]?["version"])]
            .compactMap { $0 }.joined(separator: " ").nilIfEmpty
        let model = predicate?["model"]
        modelRootDigest = Self.string(model?["rootDigest"])
        modelSHA256 = Self.string(model?["sha256"])
        hiddenWidths = Self.array(model?["hiddenWidths"])?.compactMap(Self.int)
        classes = Self.int(model?["classes"])
        if case .number(let n)? = model?["tolerance"] { tolerance = n.value } else { tolerance = nil }
        let file = predicate?["patches"]
        requestID = Self.string(file?["request"]?["id"])
        requestCount = Self.int(file?["request"]?["count"])
        partFirst = Self.int(file?["request"]?["part"]?["first"])
        partCount = Self.int(file?["request"]?["part"]?["count"])
        points = Self.array(file?["points"])?.count
        patches = Self.array(file?["patches"])?.count
        certificates = Self.array(file?["certificates"])?.count
        var claims: [String: Int] = [:]
        for point in Self.array(file?["points"]) ?? [] { if let claim = Self.string(point["claim"]) { claims[claim, default: 0] += 1 } }
        self.claims = claims
        patchFormat = Self.string(file?["format"])
        var gates: [String: Int] = [:]
        for patch in Self.array(file?["patches"]) ?? [] { gates[Self.int(patch["gateLayers"]).map(String.init) ?? "all", default: 0] += 1 }
        self.gates = gates
    }

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    private static func int(_ value: JSONValue?) -> Int? {
        if case .number(let number)? = value { return number.integer }
        return nil
    }

    private static func array(_ value: JSONValue?) -> [JSONValue]? {
        if case .array(let list)? = value { return list }
        return nil
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
