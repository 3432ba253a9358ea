import Foundation
import XCTest
import PruneCore
@testable import PruneCrypto
import PruneTestSupport

/// Runs `/usr/bin/openssl` with `arguments`.
@discardableResult
func openssl(_ arguments: [String], in directory: URL? = nil) throws -> ToolResult {
    try runTool("/usr/bin/openssl", arguments, in: directory)
}

/// Runs openssl and fails the test with its stderr if it does not exit 0.
@discardableResult
func opensslOK(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ToolResult {
    let result = try openssl(arguments)
    XCTAssertEqual(result.status, 0, "openssl \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    return result
}

func hex(_ string: String) -> Data {
    // Test literals are known-good; a typo fails the test through the empty result.
    (try? Data(hexString: string)) ?? Data()
}

func vector(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Vectors") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Vectors/\(name)"])
    }
    return try Data(contentsOf: url)
}
