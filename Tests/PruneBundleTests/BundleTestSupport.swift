import Foundation
import PruneBundle
import PruneCrypto

/// Rewrites the value at `path` inside `value`, for building hostile variants of a document.
/// An object key that is absent is appended; `transform` receives nil for it.
func edit(_ value: JSONValue, _ path: [JSONPathComponent], _ transform: (JSONValue?) -> JSONValue?) -> JSONValue {
    value.rewriting(path, transform)
}

/// A bundle signed by `key` over arbitrary payload bytes.
func signedBundle(payload: Data, key: PrivateKey, payloadType: String = InTotoStatement.payloadType) throws -> Data {
    let envelope = try DSSE.sign(payload: payload, payloadType: payloadType, key: key)
    return try SigstoreBundle(envelope: envelope, signer: key.publicKey).jsonData()
}

func json(_ data: Data) throws -> JSONValue { try StrictJSON.parse(data) }
func bytes(_ value: JSONValue) -> Data { JSONSerializer.data(value) }
