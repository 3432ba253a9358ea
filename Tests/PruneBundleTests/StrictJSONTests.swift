import Foundation
import PruneBundle
import PruneTestSupport
import XCTest

/// The strict parser accepts RFC 8259 JSON and refuses everything two parsers could read
/// differently.
final class StrictJSONTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try StrictJSON.parse(Data(text.utf8)) }
    private func parse(bytes: [UInt8]) throws -> JSONValue { try StrictJSON.parse(Data(bytes)) }

    func testParsesEveryTypeAndKeepsMemberOrderAndNumberText() throws {
        let value = try parse(#" {"z": [1, -0, 0.5, 1.25e-3, 10E+2], "a": {"t": true, "f": false, "n": null}, "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#)
        guard case .object(let members) = value else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["z", "a", "s"])
        guard case .array(let numbers) = value["z"] else { return XCTFail("not an array") }
        XCTAssertEqual(numbers.map { if case .number(let n) = $0 { n.literal } else { "" } }, ["1", "-0", "0.5", "1.25e-3", "10E+2"])
        XCTAssertEqual(numbers.map { if case .number(let n) = $0 { n.value } else { .nan } }, [1, 0, 0.5, 0.00125, 1000])
        XCTAssertEqual(value["a"], ["t": true, "f": false, "n": nil])
        XCTAssertEqual(value["s"], .string("x\"\\/\u{8}\u{c}\n\r\té😀"))
        XCTAssertEqual(try parse(#""é""#), .string("é"), "raw UTF-8 is read as is")
    }

    func testDuplicateKeysAreRefusedAtAnyDepthWithTheirPath() throws {
        XCTAssertThrowsCode("bundle.json.duplicate-key", try parse(#"{"a": 1, "a": 2}"#))
        XCTAssertThrowsCode("bundle.json.duplicate-key", try parse(#"{"a": 1, "a": 1}"#))
        let nested = "{\"x\": [{\"y\": {\"k\": 1,\n \"k\": 2}}]}"
        XCTAssertThrowsError(try parse(nested)) { error in
            XCTAssertEqual((error as? BundleError)?.code, "bundle.json.duplicate-key")
            XCTAssertEqual(error as? BundleError, .jsonDuplicateKey(key: "k", path: "x[0].y", line: 2, column: 2))
        }
        // An escape that spells the same key is the same key.
        XCTAssertThrowsCode("bundle.json.duplicate-key", try parse(#"{"sig": 1, "s\u0069g": 2}"#))
        // Same key in sibling objects is fine.
        XCTAssertNoThrow(try parse(#"[{"a": 1}, {"a": 2}]"#))
    }

    func testDepthIsBounded() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try parse(ok))
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        XCTAssertThrowsCode("bundle.json.too-deep", try parse(deep))
        let deepObjects = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        XCTAssertThrowsCode("bundle.json.too-deep", try parse(deepObjects))
        XCTAssertThrowsCode("bundle.json.too-deep", try StrictJSON(maxDepth: 2).parse(Data("[[[1]]]".utf8)))
    }

    func testSizeIsBounded() throws {
        XCTAssertThrowsCode("bundle.json.too-large", try StrictJSON(maxBytes: 10).parse(Data("[1,2,3,4,5,6]".utf8)))
        XCTAssertNoThrow(try StrictJSON(maxBytes: 13).parse(Data("[1,2,3,4,5,6]".utf8)))
    }

    func testMalformedInputIsRefused() throws {
        let cases = [
            "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'x'", "[1 2]", "tru", "nul", "True",
            "NaN", "Infinity", "-Infinity", "[NaN]", "01", "-01", "00", "1.", ".5", "1e", "-", "+1", "0x10",
            "1e400", "-1e400", "\"abc", "\"a\\x\"", "\"\\u12G4\"", "\"\\u00\"", "\"\\ud800\"", "\"\\udc00\"",
            "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"tab\there\"", "\"new\nline\"", "{} {}", "[1] x", "1 2",
            "\u{feff}{}", "/* c */ {}",
        ]
        for text in cases {
            XCTAssertThrowsError(try parse(text), "\(text.debugDescription) was accepted") { error in
                XCTAssertEqual((error as? BundleError)?.code, "bundle.json.malformed", "\(text.debugDescription): \(error)")
            }
        }
    }

    func testInvalidUTF8IsRefused() throws {
        let quote: UInt8 = 0x22
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] {
            XCTAssertThrowsCode("bundle.json.malformed", try parse(bytes: [quote] + bad + [quote]))
        }
        XCTAssertThrowsCode("bundle.json.malformed", try parse(bytes: [0x5B, 0xFF, 0x5D]))
    }

    func testErrorsNameLineAndColumn() throws {
        XCTAssertThrowsError(try parse("{\n  \"a\": 1,\n  \"b\": 01\n}")) { error in
            XCTAssertEqual(error as? BundleError, .jsonMalformed(reason: "leading zero in a number", line: 3, column: 8))
            XCTAssertTrue("\(error)".contains("line 3, column 8"), "\(error)")
        }
        XCTAssertThrowsError(try parse(#"["\q"]"#)) { error in
            XCTAssertEqual(error as? BundleError, .jsonMalformed(reason: "invalid escape \\'q'", line: 1, column: 3))
        }
    }

    func testSeededRandomDocumentsRoundTripThroughTheSerializer() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0 ..< 200 {
            let value = randomValue(depth: 0, using: &generator)
            for style in [JSONSerializer.Style.compact, .pretty] {
                let data = JSONSerializer.data(value, style: style)
                XCTAssertEqual(try StrictJSON.parse(data), value)
                // Foundation agrees on every document the serializer writes.
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
            }
        }
    }

    private func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let pick = Int.random(in: 0 ..< (depth > 4 ? 4 : 6), using: &generator)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .integer(Int.random(in: -1_000_000 ... 1_000_000, using: &generator))
        case 3:
            let alphabet = Array("ab\"\\/\n\t\u{1}é😀 ")
            return .string(String((0 ..< Int.random(in: 0 ..< 8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        case 4: return .array((0 ..< Int.random(in: 0 ..< 4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            let count = Int.random(in: 0 ..< 4, using: &generator)
            return .object((0 ..< count).map { JSONMember("k\($0)", randomValue(depth: depth + 1, using: &generator)) })
        }
    }
}
