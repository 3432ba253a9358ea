import Foundation
import PruneCrypto

/// A value with the path it was reached by, for typed extraction whose errors name the
/// field (`bundle.field.missing`, `bundle.field.type`, `bundle.field.invalid`).
public struct JSONField: Sendable {
    public let value: JSONValue
    public let components: [JSONPathComponent]

    public init(_ value: JSONValue, components: [JSONPathComponent] = []) {
        self.value = value
        self.components = components
    }

    public var path: String { JSONPathComponent.render(components) }

    /// A required member; absent or `null` is missing.
    public func field(_ key: String) throws(BundleError) -> JSONField {
        guard let field = try optionalField(key) else {
            throw .fieldMissing(path: JSONPathComponent.render(components + [.key(key)]))
        }
        return field
    }

    /// An optional member; absent and `null` both give nil, as proto JSON intends.
    public func optionalField(_ key: String) throws(BundleError) -> JSONField? {
        let members = try object()
        guard let member = members.first(where: { $0.key.utf8.elementsEqual(key.utf8) }) else { return nil }
        if member.value == .null { return nil }
        return JSONField(member.value, components: components + [.key(key)])
    }

    /// An optional member that may be spelled in either of two ways (proto JSON's
    /// lowerCamelCase and the snake_case original). Both present is ambiguous and refused.
    public func optionalField(_ key: String, alias: String) throws(BundleError) -> JSONField? {
        let first = try optionalField(key), second = try optionalField(alias)
        if first != nil && second != nil {
            throw .fieldInvalid(path: path, reason: "both \(key) and \(alias) are present")
        }
        return first ?? second
    }

    public func object() throws(BundleError) -> [JSONMember] {
        guard case .object(let members) = value else { throw typeError("an object") }
        return members
    }

    public func array() throws(BundleError) -> [JSONField] {
        guard case .array(let elements) = value else { throw typeError("an array") }
        return elements.enumerated().map { JSONField($0.element, components: components + [.index($0.offset)]) }
    }

    public func string() throws(BundleError) -> String {
        guard case .string(let text) = value else { throw typeError("a string") }
        return text
    }

    public func bool() throws(BundleError) -> Bool {
        guard case .bool(let flag) = value else { throw typeError("a boolean") }
        return flag
    }

    /// An integer written as a JSON number, and only so: prune's own formats (the bundle
    /// predicate, the audit report, the inclusion proof) specify numbers, and a string that
    /// also parsed would make two encodings of one signed value.
    public func numberInteger() throws(BundleError) -> Int {
        guard case .number(let number) = value else { throw typeError("an integer (a JSON number)") }
        guard let integer = number.integer else { throw invalid("\(number.literal) is not an integer") }
        return integer
    }

    /// A finite JSON number (strict JSON has no NaN or Infinity; overflow is refused here).
    public func double() throws(BundleError) -> Double {
        guard case .number(let number) = value else { throw typeError("a number") }
        guard number.value.isFinite else { throw invalid("\(number.literal) is out of range") }
        return number.value
    }

    /// Whether the object has member `key`, even when its value is `null`.
    public func hasMember(_ key: String) throws(BundleError) -> Bool {
        try object().contains { $0.key.utf8.elementsEqual(key.utf8) }
    }

    /// Base64 bytes, standard or URL-safe, padded or not.
    public func base64() throws(BundleError) -> Data {
        let text = try string()
        guard let data = LenientBase64.decode(text) else { throw invalid("not base64") }
        return data
    }

    /// Hex bytes; upper case is accepted on input.
    public func hex() throws(BundleError) -> Data {
        let text = try string()
        do { return try Data(hexString: text) } catch { throw invalid("not hex") }
    }

    public func invalid(_ reason: String) -> BundleError { .fieldInvalid(path: path, reason: reason) }

    private func typeError(_ expected: String) -> BundleError {
        .fieldType(path: path, expected: expected, found: value.typeName)
    }
}
