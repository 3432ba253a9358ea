import Foundation
import PruneBundle
import PruneTestSupport
import XCTest

final class InTotoStatementTests: XCTestCase {
    private let statement = InTotoStatement(
        subjects: [InTotoSubject(name: "model", digest: ["sha256": String(repeating: "ab", count: 32)])],
        predicateType: "https://example.com/p/v1", predicate: ["k": "v"])

    func testRoundTripsInSpecOrder() throws {
        let data = JSONSerializer.data(statement.jsonValue)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).hasPrefix(#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"model","digest":{"sha256":"#))
        XCTAssertEqual(try InTotoStatement(payload: data), statement)
    }

    func testUnknownFieldsAreIgnoredAndAMissingPredicateIsEmpty() throws {
        let text = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"},"uri":"x"}],"predicateType":"t","extra":1}"#
        let parsed = try InTotoStatement(payload: Data(text.utf8))
        XCTAssertEqual(parsed.predicate, .object([]))
        XCTAssertNil(parsed.subjects[0].name)
    }

    func testRefusals() throws {
        func payload(_ text: String) -> Data { Data(text.utf8) }
        XCTAssertThrowsCode("bundle.statement.unsupported",
                            try InTotoStatement(payload: payload(#"{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"t"}"#)))
        XCTAssertThrowsCode("bundle.field.missing",
                            try InTotoStatement(payload: payload(#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a"}],"predicateType":"t"}"#)))
        XCTAssertThrowsCode("bundle.field.invalid",
                            try InTotoStatement(payload: payload(#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"t"}"#)))
        XCTAssertThrowsCode("bundle.field.type",
                            try InTotoStatement(payload: payload(#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"t","predicate":[]}"#)))
        XCTAssertThrowsCode("bundle.json.duplicate-key",
                            try InTotoStatement(payload: payload(#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00","sha256":"11"}}],"predicateType":"t"}"#)))
    }
}
