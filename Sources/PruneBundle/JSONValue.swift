/// A parsed JSON document. Objects keep their members in document order (so a writer can
/// reproduce a layout) and numbers keep their literal text (so no digit is lost to Double).
public enum JSONValue: Sendable, Equatable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    /// The member named `key`, compared byte for byte (parsed objects have unique keys).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key.utf8.elementsEqual(key.utf8) }?.value
    }

    /// An integer number, written without fraction or exponent.
    public static func integer(_ value: Int) -> JSONValue {
        .number(JSONNumber(literal: String(value), value: Double(value)))
    }

    /// The JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}

/// One `"key": value` pair of an object.
public struct JSONMember: Sendable, Equatable {
    public let key: String
    public let value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A number as written, and its nearest Double.
public struct JSONNumber: Sendable, Equatable {
    public let literal: String
    public let value: Double

    public init(literal: String, value: Double) {
        self.literal = literal
        self.value = value
    }

    /// The exact integer the literal spells, or nil for fractions, exponents and overflow.
    public var integer: Int? { Int(literal) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Keeps the literal's order, which is the order the serializer writes.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember($0.0, $0.1) })
    }
    public init(nilLiteral: ()) { self = .null }
}
