/// One in-toto ResourceDescriptor used as a Statement subject: an optional name and a
/// DigestSet (algorithm name → lowercase hex). Subjects match by digest, never by name.
public struct InTotoSubject: Sendable, Equatable {
    public var name: String?
    public var digest: [String: String]

    public init(name: String?, digest: [String: String]) {
        self.name = name
        self.digest = digest
    }

    /// Reads a subject. Unknown fields are ignored, as the spec asks; a missing or empty
    /// DigestSet is refused because a subject without a digest identifies nothing.
    public init(json field: JSONField) throws(BundleError) {
        name = try field.optionalField("name")?.string()
        let digestField = try field.field("digest")
        var digest: [String: String] = [:]
        for member in try digestField.object() {
            digest[member.key] = try JSONField(member.value, components: digestField.components + [.key(member.key)]).string()
        }
        if digest.isEmpty { throw digestField.invalid("a DigestSet needs at least one digest") }
        self.digest = digest
    }

    /// `name` first, then the DigestSet with algorithms in code-point order.
    public var jsonValue: JSONValue {
        var members: [JSONMember] = []
        if let name { members.append(JSONMember("name", .string(name))) }
        let digests = digest.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        members.append(JSONMember("digest", .object(digests.map { JSONMember($0.key, .string($0.value)) })))
        return .object(members)
    }
}
