import Foundation
import PruneBundle
import XCTest

/// The serializer is deterministic and its pretty style is Python's `json.dumps(indent=2)`.
final class JSONSerializerTests: XCTestCase {
    func testCompactKeepsOrderOrSortsByCodePoint() {
        let value: JSONValue = ["b": 1, "a": [true, nil, "x/é"], "é": [:], "E": []]
        XCTAssertEqual(String(decoding: JSONSerializer.data(value), as: UTF8.self), #"{"b":1,"a":[true,null,"x/é"],"é":{},"E":[]}"#)
        XCTAssertEqual(String(decoding: JSONSerializer.data(value, sortKeys: true), as: UTF8.self), #"{"E":[],"a":[true,null,"x/é"],"b":1,"é":{}}"#)
    }

    func testEscapesOnlyWhatJSONRequires() {
        let value = JSONValue.string("q\"b\\n\n\t\u{1}\u{1f}/")
        XCTAssertEqual(String(decoding: JSONSerializer.data(value), as: UTF8.self), #""q\"b\\n\n\t\u0001\u001f/""#)
    }

    func testPrettyMatchesPythonIndentTwo() {
        let value: JSONValue = ["a": [1, ["b": "c"]], "d": [], "e": [:]]
        // python3 -c 'import json; print(json.dumps({"a": [1, {"b": "c"}], "d": [], "e": {}}, indent=2), end="")'
        let python = "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\"\n    }\n  ],\n  \"d\": [],\n  \"e\": {}\n}"
        XCTAssertEqual(String(decoding: JSONSerializer.data(value, style: .pretty), as: UTF8.self), python)
    }
}
