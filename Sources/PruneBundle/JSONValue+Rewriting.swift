extension JSONValue {
    /// This value with the value at `path` replaced by `transform` of it: an absent object key
    /// is appended (`transform` receives nil), a nil result removes the member. Tests and
    /// tools use it to build variants of a signed document without re-serialising by hand.
    public func rewriting(_ path: [JSONPathComponent], _ transform: (JSONValue?) -> JSONValue?) -> JSONValue {
        guard let first = path.first else { return transform(self) ?? .null }
        let rest = Array(path.dropFirst())
        switch (self, first) {
        case (.object(var members), .key(let key)):
            if let index = members.firstIndex(where: { $0.key == key }) {
                if rest.isEmpty, transform(members[index].value) == nil { members.remove(at: index); return .object(members) }
                members[index] = JSONMember(key, members[index].value.rewriting(rest, transform))
            } else if rest.isEmpty, let new = transform(nil) {
                members.append(JSONMember(key, new))
            }
            return .object(members)
        case (.array(var elements), .index(let index)):
            elements[index] = elements[index].rewriting(rest, transform)
            return .array(elements)
        default:
            return self
        }
    }
}
