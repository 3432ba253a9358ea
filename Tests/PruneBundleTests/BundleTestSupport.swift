import Foundation
import PruneBundle
import PruneCrypto

/// Rewrites the value at `path` inside `value`, for building hostile variants of a document.
/// An object key that is absent is appended; `transform` receives nil for it.
func edit(_ value: JSONValue, _ path: [JSONPathComponent], _ transform: (JSONValue?) -> JSONValue?) -> JSONValue {
    guard let first = path.first else { return transform(value) ?? .null }
    let rest = Array(path.dropFirst())
    switch (value, first) {
    case (.object(var members), .key(let key)):
        if let index = members.firstIndex(where: { $0.key == key }) {
            if rest.isEmpty, transform(members[index].value) == nil { members.remove(at: index); return .object(members) }
            members[index] = JSONMember(key, edit(members[index].value, rest, transform))
        } else if rest.isEmpty, let new = transform(nil) {
            members.append(JSONMember(key, new))
        }
        return .object(members)
    case (.array(var elements), .index(let index)):
        elements[index] = edit(elements[index], rest, transform)
        return .array(elements)
    default:
        return value
    }
}

/// A bundle signed by `key` over arbitrary payload bytes.
func signedBundle(payload: Data, key: PrivateKey, payloadType: String = InTotoStatement.payloadType) throws -> Data {
    let envelope = try DSSE.sign(payload: payload, payloadType: payloadType, key: key)
    return try SigstoreBundle(envelope: envelope, signer: key.publicKey).jsonData()
}

func json(_ data: Data) throws -> JSONValue { try StrictJSON.parse(data) }
func bytes(_ value: JSONValue) -> Data { JSONSerializer.data(value) }
