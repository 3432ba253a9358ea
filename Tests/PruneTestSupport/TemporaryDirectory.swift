import Foundation
import XCTest

/// A fresh folder for one test, removed when the test ends.
public func makeTemporaryDirectory(_ test: XCTestCase, prefix: String = "prune-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
