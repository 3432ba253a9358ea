import Foundation
import ONNXProto

/// The input box and preprocessing travel inside the ONNX file as `metadata_props`, so a model
/// file alone states the domain its claims are about. Values are a JSON number or a JSON
/// array of numbers (one per feature, or one broadcast to every feature). Defaults: the box
/// [0, 1] per feature and identity preprocessing.
enum ONNXInputMetadata {
    static let lowerKey = "prune.input.lower"
    static let upperKey = "prune.input.upper"
    static let meanKey = "prune.preprocessing.mean"
    static let stdKey = "prune.preprocessing.std"

    /// The input spec of a model whose input (without the batch dimension) has `shape`.
    static func inputSpec(shape: [Int], properties: [Onnx_StringStringEntryProto]) throws(ModelError) -> InputSpec {
        var props = [String: String]()
        for p in properties {
            guard props.updateValue(p.value, forKey: p.key) == nil else {
                throw .invalidNetwork(detail: "metadata key \(p.key) appears twice")
            }
        }
        let count = shape.reduce(1, *)
        let lower = try props[lowerKey].map { (s: String) throws(ModelError) in try numbers(s, key: lowerKey) } ?? [0]
        let upper = try props[upperKey].map { (s: String) throws(ModelError) in try numbers(s, key: upperKey) } ?? [1]
        let box = try InputBox(lower: broadcast(lower, to: count, key: lowerKey), upper: broadcast(upper, to: count, key: upperKey))
        var preprocessing = Preprocessing.identity
        if props[meanKey] != nil || props[stdKey] != nil {
            let mean = try props[meanKey].map { (s: String) throws(ModelError) in try numbers(s, key: meanKey) } ?? [0]
            let std = try props[stdKey].map { (s: String) throws(ModelError) in try numbers(s, key: stdKey) } ?? [1]
            preprocessing = try Preprocessing(mean: mean, std: std)
        }
        return try InputSpec(shape: shape, box: box, preprocessing: preprocessing)
    }

    /// The metadata entries that record `spec` (box first, then preprocessing).
    static func properties(of spec: InputSpec) -> [Onnx_StringStringEntryProto] {
        [(lowerKey, spec.box.lower), (upperKey, spec.box.upper),
         (meanKey, spec.preprocessing.mean), (stdKey, spec.preprocessing.std)].map { key, values in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = json(values)
            return entry
        }
    }

    /// A JSON array; Swift's description of a Double is the shortest string that reads back
    /// as the same Double, so the round trip is exact.
    static func json(_ values: [Double]) -> String {
        "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }

    /// Parses a JSON number or array of numbers. Double(String) rounds correctly, which a
    /// general JSON parser does not promise; the character check keeps out nan, inf and hex.
    static func numbers(_ text: String, key: String) throws(ModelError) -> [Double] {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("[") && body.hasSuffix("]") {
            body = String(body.dropFirst().dropLast())
        }
        let allowed = Set("0123456789+-.eE")
        var values = [Double]()
        for token in body.split(separator: ",", omittingEmptySubsequences: false) {
            let t = token.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !t.isEmpty, t.allSatisfy({ allowed.contains($0) }), let v = Double(t) else {
                throw .invalidNetwork(detail: "metadata \(key) is not a number or a JSON array of numbers: \(text.prefix(80))")
            }
            guard v.isFinite else { throw .nonFinite(detail: "metadata \(key) holds \(t)") }
            values.append(v)
        }
        return values
    }

    private static func broadcast(_ values: [Double], to count: Int, key: String) throws(ModelError) -> [Double] {
        if values.count == 1 { return Array(repeating: values[0], count: count) }
        guard values.count == count else {
            throw .invalidNetwork(detail: "metadata \(key) has \(values.count) values for \(count) input features")
        }
        return values
    }
}
