import Foundation
import PruneTestSupport
import XCTest

/// Runs the `prune` executable SwiftPM built beside this test bundle.
enum CommandRunner {
    static var pruneURL: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("prune"),
            Bundle(for: Marker.self).bundleURL.deletingLastPathComponent().appendingPathComponent("prune"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    final class Marker {}

    static func prune(_ arguments: [String], in directory: URL? = nil) throws -> ToolResult {
        try runTool(pruneURL.path, arguments, in: directory)
    }
}
