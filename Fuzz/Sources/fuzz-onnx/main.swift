// fuzz-onnx: ONNXModel.decode (protobuf, then the graph mapper). A model that loads is also
// exported and loaded again, which must give an equal network (the writer's promise).
// fuzz-seeds: Tests/PruneModelTests/Fixtures/onnx/*.onnx Specs/vectors/patch-bundle/model.onnx Fuzz/seeds/onnx
// fuzz-options: -max_len=16384
import Foundation
import FuzzSupport
import PruneModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        let network = try ONNXModel.decode(data, source: "the input")
        let again = try ONNXModel.decode(try ONNXExport.data(of: network, producer: "fuzz"), source: "the export")
        guard again == network else { fatalError("export → decode does not give the same network") }
    }
}
