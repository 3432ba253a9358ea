import Foundation

/// An in-toto Statement v1: what was attested (subjects, by digest) and the claim about it
/// (a typed predicate). OMS model signatures use it now; prune's patch bundles will too.
public struct InTotoStatement: Sendable, Equatable {
    public static let statementType = "https://in-toto.io/Statement/v1"
    /// The DSSE payload type of a Statement.
    public static let payloadType = "application/vnd.in-toto+json"

    public var subjects: [InTotoSubject]
    public var predicateType: String
    /// An object; an unset predicate reads as the empty object, as the spec says.
    public var predicate: JSONValue

    public init(subjects: [InTotoSubject], predicateType: String, predicate: JSONValue) {
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// Reads a Statement from JSON that was verified first. `_type` must be exactly v1;
    /// unknown fields are ignored.
    public init(json: JSONValue) throws(BundleError) {
        let root = JSONField(json)
        let type = try root.field("_type").string()
        guard type == Self.statementType else { throw .statementUnsupported(found: "_type \"\(type)\"") }
        let subjectList = try root.field("subject").array()
        if subjectList.isEmpty { throw JSONField(.array([]), components: [.key("subject")]).invalid("at least one subject is required") }
        var subjects: [InTotoSubject] = []
        for subject in subjectList { subjects.append(try InTotoSubject(json: subject)) }
        self.subjects = subjects
        predicateType = try root.field("predicateType").string()
        if let predicate = try root.optionalField("predicate") {
            _ = try predicate.object()
            self.predicate = predicate.value
        } else {
            predicate = .object([])
        }
    }

    /// Parses the payload bytes a DSSE verification returned, strictly. The payload came out of
    /// an envelope whose file was already held to its format's size limit, so the only bound
    /// here is that size (a 1,000-point patch bundle's payload is over 16 MiB).
    public init(payload: Data) throws(BundleError) {
        try self.init(json: try StrictJSON(maxBytes: max(payload.count, 1)).parse(payload))
    }

    /// Fields in the order the spec and model-signing write them.
    public var jsonValue: JSONValue {
        .object([
            JSONMember("_type", .string(Self.statementType)),
            JSONMember("subject", .array(subjects.map(\.jsonValue))),
            JSONMember("predicateType", .string(predicateType)),
            JSONMember("predicate", predicate),
        ])
    }
}
