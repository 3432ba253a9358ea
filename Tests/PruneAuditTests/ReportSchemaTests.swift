import Foundation
import PruneAudit
import PruneBundle
import PruneCrypto
import XCTest

/// `Specs/report.schema.json` validates the Statements the writer emits (a PASSED report with
/// locality, a FAILED one, one whose bundle check failed), and rejects edited ones. The
/// validator covers the keywords the schema uses: $ref, type, const, enum, pattern, minimum,
/// minItems, maxItems, required, properties, additionalProperties, propertyNames, items, oneOf.
final class ReportSchemaTests: XCTestCase {
    func schema() throws -> JSONValue {
        try StrictJSON.parse(Data(contentsOf: ReportVectors.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("report.schema.json")))
    }

    func testWrittenStatementsValidate() throws {
        let schema = try schema()
        let passed = try Auditor.run(try ReportVectors.inputs(rows: "forget-passed.rows"))
        let withLocality = AuditReport(subjects: .init(model: passed.report.subjects.model, bundles: passed.report.subjects.bundles,
                                                       forgetRequest: passed.report.subjects.forgetRequest, reference: passed.report.subjects.model),
                                       verifierVersion: "0.1.0", timeVerified: "2026-02-01T00:00:00.5Z", policy: passed.report.policy,
                                       checks: passed.report.checks,
                                       locality: .init(samples: 3, predictionsChanged: [1], changedOutsideRegions: [], openGates: 1, maxLogitChange: 0.25),
                                       points: passed.report.points)
        let failed = try Auditor.run(try ReportVectors.inputs(rows: "forget-failed.rows")).report
        let base = try ReportVectors.inputs(rows: "forget-failed.rows")
        let untrusted = try Auditor.run(Auditor.Inputs(model: base.model, bundles: base.bundles,
                                                      trustedKeys: [try PrivateKey(pemFile: ReportVectors.path(ReportVectors.auditorKey)).publicKey],
                                                      forget: base.forget, reference: nil, policy: base.policy, time: base.time)).report
        for report in [passed.report, withLocality, failed, untrusted] {
            let errors = validate(try report.statement().jsonValue, schema, root: schema, at: "$")
            XCTAssertEqual(errors, [], "\(report.result)")
        }
        let statement = try failed.statement().jsonValue
        XCTAssertFalse(validate(replacing(statement, "verificationResult", with: "MAYBE"), schema, root: schema, at: "$").isEmpty)
        XCTAssertFalse(validate(replacing(statement, "timeVerified", with: "yesterday"), schema, root: schema, at: "$").isEmpty)
        XCTAssertFalse(validate(replacing(statement, "extra", with: .integer(1)), schema, root: schema, at: "$").isEmpty)
    }

    func replacing(_ statement: JSONValue, _ key: String, with value: JSONValue) -> JSONValue {
        guard case .object(let members) = statement, case .object(var p)? = statement["predicate"] else { return statement }
        p.removeAll { $0.key == key }
        p.append(JSONMember(key, value))
        return .object(members.map { $0.key == "predicate" ? JSONMember("predicate", .object(p)) : $0 })
    }

    /// The errors of `value` against `schema`, with their JSON paths.
    func validate(_ value: JSONValue, _ schema: JSONValue, root: JSONValue, at path: String) -> [String] {
        var errors: [String] = []
        if case .string(let ref)? = schema["$ref"] {
            var target: JSONValue? = root
            for part in ref.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
            guard let target else { return ["\(path): unresolved \(ref)"] }
            errors += validate(value, target, root: root, at: path)
        }
        if let type = schema["type"] {
            let allowed: [String]
            switch type {
            case .string(let t): allowed = [t]
            case .array(let list): allowed = list.compactMap { if case .string(let s) = $0 { s } else { nil } }
            default: allowed = []
            }
            let isInteger: Bool = { if case .number(let n) = value { return n.integer != nil } else { return false } }()
            let name = value.typeName == "boolean" ? "boolean" : value.typeName
            if !allowed.contains(name) && !(allowed.contains("integer") && isInteger) { errors.append("\(path): \(name) is not \(allowed)") }
            if allowed == ["integer"] && !isInteger { errors.append("\(path): not an integer") }
        }
        if let c = schema["const"], c != value { errors.append("\(path): not the constant") }
        if case .array(let options)? = schema["enum"], !options.contains(value) { errors.append("\(path): not in the enum") }
        if case .string(let pattern)? = schema["pattern"], case .string(let text) = value {
            let regex = try? NSRegularExpression(pattern: pattern)
            if regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil { errors.append("\(path): \"\(text)\" does not match \(pattern)") }
        }
        if case .number(let minimum)? = schema["minimum"], case .number(let n) = value, n.value < minimum.value { errors.append("\(path): below minimum") }
        if case .array(let items) = value {
            if case .number(let n)? = schema["minItems"], items.count < Int(n.value) { errors.append("\(path): too few items") }
            if case .number(let n)? = schema["maxItems"], items.count > Int(n.value) { errors.append("\(path): too many items") }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { errors += validate(item, itemSchema, root: root, at: "\(path)[\(i)]") }
            }
        }
        if case .object(let members) = value {
            if case .array(let required)? = schema["required"] {
                for case .string(let key) in required where value[key] == nil { errors.append("\(path): missing \(key)") }
            }
            for member in members {
                let memberPath = "\(path).\(member.key)"
                if let names = schema["propertyNames"] { errors += validate(.string(member.key), names, root: root, at: memberPath) }
                if let property = schema["properties"]?[member.key] {
                    errors += validate(member.value, property, root: root, at: memberPath)
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) { errors.append("\(memberPath): not allowed") } else {
                        errors += validate(member.value, additional, root: root, at: memberPath)
                    }
                }
            }
        }
        if case .array(let options)? = schema["oneOf"] {
            let matching = options.filter { validate(value, $0, root: root, at: path).isEmpty }.count
            if matching != 1 { errors.append("\(path): matches \(matching) of oneOf") }
        }
        return errors
    }
}
