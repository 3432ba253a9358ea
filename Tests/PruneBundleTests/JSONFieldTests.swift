import Foundation
import PruneBundle
import PruneTestSupport
import XCTest

/// Typed extraction names the exact JSON path of a missing or mistyped field.
final class JSONFieldTests: XCTestCase {
    private let document: JSONValue = [
        "dsseEnvelope": ["signatures": [["keyid": "", "sig": 5], ["keyid": nil]], "payload": "aGk="],
        "count": "12", "bad": "@@", "n": 3, "x": .number(JSONNumber(literal: "1.5", value: 1.5)),
    ]

    func testMissingAndMistypedFieldsNameTheirPath() throws {
        let root = JSONField(document)
        let signatures = try root.field("dsseEnvelope").field("signatures").array()
        XCTAssertThrowsError(try signatures[0].field("sig").string()) { error in
            XCTAssertEqual(error as? BundleError, .fieldType(path: "dsseEnvelope.signatures[0].sig", expected: "a string", found: "number"))
        }
        XCTAssertThrowsError(try signatures[1].field("sig")) { error in
            XCTAssertEqual(error as? BundleError, .fieldMissing(path: "dsseEnvelope.signatures[1].sig"))
            XCTAssertTrue("\(error)".contains("dsseEnvelope.signatures[1].sig"))
        }
        XCTAssertNil(try signatures[1].optionalField("keyid"), "null reads as absent")
        XCTAssertThrowsCode("bundle.field.type", try root.field("dsseEnvelope").array())
        XCTAssertThrowsCode("bundle.field.missing", try root.field("mediaType"))
        XCTAssertEqual(try root.field("dsseEnvelope").field("payload").base64(), Data("hi".utf8))
        XCTAssertThrowsCode("bundle.field.invalid", try root.field("bad").base64())
        // prune's formats write integers as numbers only: "12" would be a second encoding of 12.
        XCTAssertThrowsCode("bundle.field.type", try root.field("count").numberInteger())
        XCTAssertEqual(try root.field("n").numberInteger(), 3)
        XCTAssertThrowsCode("bundle.field.invalid", try root.field("x").numberInteger())
    }

    func testAliasesAreReadButNotBoth() throws {
        let one = JSONField(["public_key": ["hint": "h"]])
        XCTAssertEqual(try one.optionalField("publicKey", alias: "public_key")?.field("hint").string(), "h")
        let both = JSONField(["publicKey": [:], "public_key": [:]])
        XCTAssertThrowsCode("bundle.field.invalid", try both.optionalField("publicKey", alias: "public_key"))
    }
}
