import Foundation
import PruneCrypto

/// The predicate of a patch bundle (`https://prune.dev/patch-bundle/v1`): the chain link,
/// the model binding and the patch file itself (`Specs/patch-bundle.md`). Read only from
/// verified payload bytes; unknown members are ignored (minor versions add fields).
public struct PatchBundlePredicate: Sendable, Equatable {
    /// What the patches are bound to: the OMS root digest of the original model and the
    /// patch file's own binding fields, repeated so a reader sees them without decoding tensors.
    public struct ModelBinding: Sendable, Equatable {
        public var rootDigest: String
        /// SHA-256 of the model file's bytes (the patch file's `model.sha256`).
        public var sha256: String
        public var inputShape: [Int]
        public var featureCount: Int
        public var classes: Int
        public var hiddenWidths: [Int]
        public var patchedLayer: String
        public var tieRule: String
        public var numerics: String
        /// τ, the margin every certified region is won by.
        public var tolerance: Double

        public init(rootDigest: String, sha256: String, inputShape: [Int], featureCount: Int, classes: Int,
                    hiddenWidths: [Int], patchedLayer: String, tieRule: String, numerics: String, tolerance: Double) {
            self.rootDigest = rootDigest
            self.sha256 = sha256
            self.inputShape = inputShape
            self.featureCount = featureCount
            self.classes = classes
            self.hiddenWidths = hiddenWidths
            self.patchedLayer = patchedLayer
            self.tieRule = tieRule
            self.numerics = numerics
            self.tolerance = tolerance
        }

        /// The binding a patch file implies, with the model's root digest.
        public init(rootDigest: String, patchFile: PatchFile) {
            self.rootDigest = rootDigest
            sha256 = patchFile.model.sha256
            inputShape = patchFile.model.inputShape
            featureCount = patchFile.model.featureCount
            classes = patchFile.model.classes
            hiddenWidths = patchFile.model.hiddenWidths
            patchedLayer = patchFile.model.patchedLayer
            tieRule = patchFile.model.tieRule
            numerics = patchFile.model.numerics
            tolerance = patchFile.settings.margin
        }
    }

    /// Hex SHA-256 of the previous bundle file's bytes; nil for the first bundle on a model.
    public var parent: String?
    /// 0 for the first bundle, then the parent's plus one.
    public var sequence: Int
    public var model: ModelBinding
    /// RFC 3339 UTC, e.g. `2026-01-31T12:00:00Z`.
    public var createdAt: String
    public var generatorName: String
    public var generatorVersion: String
    /// The patch file as a JSON object, exactly as signed.
    public var patches: JSONValue

    public init(parent: String?, sequence: Int, model: ModelBinding, createdAt: String,
                generatorName: String, generatorVersion: String, patches: JSONValue) {
        self.parent = parent
        self.sequence = sequence
        self.model = model
        self.createdAt = createdAt
        self.generatorName = generatorName
        self.generatorVersion = generatorVersion
        self.patches = patches
    }

    /// Reads the predicate; every error names its JSON path (`predicate.model.rootDigest`).
    public init(json predicate: JSONField) throws(BundleError) {
        // `parent` must be present even when null: a missing link is not a root.
        guard try predicate.hasMember("parent") else { throw .fieldMissing(path: predicate.path + ".parent") }
        parent = try predicate.optionalField("parent").map { field throws(BundleError) in try Self.digest(field) }
        sequence = try predicate.field("sequence").numberInteger()
        if sequence < 0 { throw try predicate.field("sequence").invalid("must be 0 or more") }
        let createdField = try predicate.field("createdAt")
        createdAt = try createdField.string()
        guard Self.isTimestamp(createdAt) else { throw createdField.invalid("not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)") }
        let generator = try predicate.field("generator")
        generatorName = try generator.field("name").string()
        generatorVersion = try generator.field("version").string()

        let m = try predicate.field("model")
        model = .init(
            rootDigest: try Self.digest(try m.field("rootDigest")),
            sha256: try Self.digest(try m.field("sha256")),
            inputShape: try m.field("inputShape").array().map { field throws(BundleError) in try field.numberInteger() },
            featureCount: try m.field("featureCount").numberInteger(),
            classes: try m.field("classes").numberInteger(),
            hiddenWidths: try m.field("hiddenWidths").array().map { field throws(BundleError) in try field.numberInteger() },
            patchedLayer: try m.field("patchedLayer").string(),
            tieRule: try m.field("tieRule").string(),
            numerics: try m.field("numerics").string(),
            tolerance: try m.field("tolerance").double())
        let patchesField = try predicate.field("patches")
        _ = try patchesField.object()
        patches = patchesField.value
    }

    /// Members in the order the spec lists them.
    public var jsonValue: JSONValue {
        .object([
            JSONMember("parent", parent.map { .string($0) } ?? .null),
            JSONMember("sequence", .integer(sequence)),
            JSONMember("createdAt", .string(createdAt)),
            JSONMember("generator", ["name": .string(generatorName), "version": .string(generatorVersion)]),
            JSONMember("model", .object([
                JSONMember("rootDigest", .string(model.rootDigest)),
                JSONMember("sha256", .string(model.sha256)),
                JSONMember("inputShape", .array(model.inputShape.map { .integer($0) })),
                JSONMember("featureCount", .integer(model.featureCount)),
                JSONMember("classes", .integer(model.classes)),
                JSONMember("hiddenWidths", .array(model.hiddenWidths.map { .integer($0) })),
                JSONMember("patchedLayer", .string(model.patchedLayer)),
                JSONMember("tieRule", .string(model.tieRule)),
                JSONMember("numerics", .string(model.numerics)),
                JSONMember("tolerance", Self.number(model.tolerance)),
            ])),
            JSONMember("patches", patches),
        ])
    }

    /// The patch-data digest: SHA-256 of the compact serialization of `patches` with keys
    /// sorted by code point, so member order and whitespace inside the payload do not matter.
    public static func patchDataDigest(_ patches: JSONValue) throws -> String {
        try Hash.sha256(JSONSerializer.data(patches, style: .compact, sortKeys: true)).hexString
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (optionally with fractional seconds), a real date, in UTC.
    public static func isTimestamp(_ text: String) -> Bool {
        guard text.hasSuffix("Z"), text.count >= 20 else { return false }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) != nil || fractional.date(from: text) != nil
    }

    /// Now, to the second, as RFC 3339 UTC.
    public static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// A Double as JSON, with the shortest text that reads back to the same value.
    static func number(_ value: Double) -> JSONValue {
        let literal = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
        return .number(JSONNumber(literal: literal, value: value))
    }

    private static func digest(_ field: JSONField) throws(BundleError) -> String {
        let bytes = try field.hex()
        guard bytes.count == 32 else { throw field.invalid("a SHA-256 digest has 32 bytes, found \(bytes.count)") }
        let text = try field.string()
        guard text == bytes.hexString else { throw field.invalid("digests are written in lowercase hex") }
        return text
    }
}
