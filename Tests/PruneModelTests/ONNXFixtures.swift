import Foundation
import PruneModel
import XCTest

/// The committed ONNX fixtures (scripts/make-onnx-fixtures.py) and their expected outputs.
enum ONNXFixtures {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/onnx") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/onnx/\(name)"])
        }
        return url
    }

    static func path(_ name: String) throws -> String { try url(name).path }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// `<model>.expected.json`: inputs, numpy float64 and onnxruntime logits, patterns.
    struct Expected: Decodable {
        let inputs: [[Double]]
        let reference_logits: [[Double]]
        let ort_logits: [[Double]]
        let patterns: [String]
    }

    static func expected(_ model: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: data("\(model).expected.json"))
    }
}
