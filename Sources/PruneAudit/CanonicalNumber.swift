import PruneBundle

/// The one JSON spelling of a Float64 in reports: Swift's shortest round-trip decimal
/// (`1.0`, `1e-05`, `-0.0`), so the same value always gives the same bytes and reads back
/// exactly. Non-finite values have no JSON form and are written as null.
public enum CanonicalNumber {
    public static func json(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(JSONNumber(literal: value.description, value: value))
    }
}
