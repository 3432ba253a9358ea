import Foundation
import PruneBundle
import PruneCrypto

/// The digest that names a data set given as files (the forget request, the reference data):
///
///     SHA-256 of {"data":<hex SHA-256 of the data file>,"labels":<hex or null>,"rows":<hex or null>}
///
/// as compact JSON in that member order. It names the exact files the auditor was given, so
/// `report verify --recheck` can require the same files; it holds no data.
public struct InputFilesDigest: Sendable {
    public let data: String
    public let labels: String?
    public let rows: String?

    public init(data: String, labels: String?, rows: String?) {
        self.data = data
        self.labels = labels
        self.rows = rows
    }

    /// Hex SHA-256 of the canonical JSON of the files' own SHA-256 digests.
    public func digest() throws -> String {
        func sha(_ path: String) throws -> JSONValue { .string(try Hash.digestFile(path: path).hexString) }
        let value: JSONValue = .object([
            JSONMember("data", try sha(data)),
            JSONMember("labels", try labels.map(sha) ?? .null),
            JSONMember("rows", try rows.map(sha) ?? .null),
        ])
        return try Hash.sha256(JSONSerializer.data(value)).hexString
    }
}
