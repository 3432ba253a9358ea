import Foundation
import XCTest

/// House rules that keep the architecture honest, checked on every test run.
final class RepositoryRulesTests: XCTestCase {
    /// The modules allowed to touch C libraries and raw memory.
    static let wrapperModules = ["PruneCrypto", "PruneCompression", "PruneLP", "PruneBLAS", "PruneHeap"]

    static var sourcesURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    private func swiftFiles(outside allowed: [String]) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: Self.sourcesURL, includingPropertiesForKeys: nil)!
        var files: [URL] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let module = url.path.dropFirst(Self.sourcesURL.path.count + 1).split(separator: "/").first.map(String.init)
            if let module, !allowed.contains(module) { files.append(url) }
        }
        return files
    }

    func testNoUnsafePointersOutsideTheWrapperModules() throws {
        let files = try swiftFiles(outside: Self.wrapperModules)
        XCTAssertFalse(files.isEmpty, "the scan must see the CLI sources")
        let pattern = try NSRegularExpression(pattern: #"Unsafe(Mutable)?(Raw)?(Buffer)?Pointer|OpaquePointer|withUnsafe|unsafeBitCast|Unmanaged"#)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
            XCTAssertNil(match, "\(file.path) uses raw memory; keep it inside \(Self.wrapperModules)")
        }
    }

    func testOnlyWrappersImportTheCLibraries() throws {
        let pattern = try NSRegularExpression(pattern: #"^\s*(@_\w+\s+)?import\s+(COpenSSL|CZlib|CClp|CBLAS|CMalloc|Glibc|Foundation\.NSData)\b"#,
                                              options: .anchorsMatchLines)
        for file in try swiftFiles(outside: Self.wrapperModules) {
            let text = try String(contentsOf: file, encoding: .utf8)
            let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
            XCTAssertNil(match, "\(file.path) imports a C library directly")
        }
    }
}

/// Stable error codes are a public contract: each one the sources can raise is documented.
final class ErrorCodeRegistryTests: XCTestCase {
    func testEveryErrorCodeIsDocumented() throws {
        let root = RepositoryRulesTests.sourcesURL.deletingLastPathComponent()
        let registry = try String(contentsOf: root.appendingPathComponent("Specs/error-codes.md"), encoding: .utf8)
        let literal = try NSRegularExpression(pattern: #""((io|zlib|lp|crypto|bench|model|train|repair|bundle|audit|report|data|pack)\.[a-z0-9.-]+)""#)
        let enumerator = FileManager.default.enumerator(at: RepositoryRulesTests.sourcesURL, includingPropertiesForKeys: nil)!
        var codes: Set<String> = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in literal.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                codes.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        XCTAssertGreaterThan(codes.count, 20, "the scan must find the codes")
        for code in codes.sorted() {
            XCTAssertTrue(registry.contains("`\(code)`"), "\(code) is raised but not listed in Specs/error-codes.md")
        }
    }
}
