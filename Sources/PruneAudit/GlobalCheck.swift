import PruneBundle

/// One of the report's global checks, run before any point: the bundles' signatures under
/// the trusted keys (and their integrity), the chain, and the model binding.
public struct GlobalCheck: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case pass = "PASS", fail = "FAIL", notChecked = "NOT_CHECKED" }

    /// In report order.
    public static let names = ["signatures", "chain", "model-binding"]

    public let name: String
    public let status: Status
    /// The stable error code that failed it (`bundle.*`), nil unless FAIL.
    public let code: String?

    public init(name: String, status: Status, code: String? = nil) {
        self.name = name
        self.status = status
        self.code = status == .fail ? code : nil
    }

    /// The global check a bundle-verification error belongs to.
    public static func stage(ofCode code: String) -> String {
        if code.split(separator: ".").prefix(2) == ["bundle", "chain"] { return "chain" }
        if code == "bundle.patch.model-mismatch" || code == "bundle.patches.model-mismatch" { return "model-binding" }
        return "signatures"
    }

    public var jsonValue: JSONValue {
        .object([JSONMember("name", .string(name)), JSONMember("status", .string(status.rawValue)),
                 JSONMember("code", code.map(JSONValue.string) ?? .null)])
    }
}
