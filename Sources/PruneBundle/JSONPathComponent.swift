/// One step from a JSON document's root: an object key or an array index. Paths are
/// rendered as `dsseEnvelope.signatures[0].sig`, so an error names the exact field.
public enum JSONPathComponent: Sendable, Equatable {
    case key(String)
    case index(Int)

    /// `$` names the document itself.
    public static func render(_ components: [JSONPathComponent]) -> String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key): out += out.isEmpty ? key : "." + key
            case .index(let index): out += "[\(index)]"
            }
        }
        return out.isEmpty ? "$" : out
    }
}
