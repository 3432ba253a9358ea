import Foundation
import ONNXProto
import PruneModel
import PruneTestSupport
import XCTest

/// Loader rules on small graphs built in Swift: what is accepted, what is refused and with
/// which code, for the cases the committed fixtures do not cover.
final class ONNXGraphRulesTests: XCTestCase {
    // MARK: a tiny graph builder

    private enum Dim { case n, fixed(Int64), symbol(String) }

    private func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        t.floatData = values
        return t
    }

    private func int64s(_ name: String, _ values: [Int64], dims: [Int64]? = nil) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims ?? [Int64(values.count)]
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.int64Data = values
        return t
    }

    private func attr(_ name: String, int: Int64? = nil, ints: [Int64]? = nil, float: Float? = nil, floats: [Float]? = nil,
                      string: String? = nil, tensor: Onnx_TensorProto? = nil) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        if let int { a.type = .int; a.i = int }
        if let ints { a.type = .ints; a.ints = ints }
        if let float { a.type = .float; a.f = float }
        if let floats { a.type = .floats; a.floats = floats }
        if let string { a.type = .string; a.s = Data(string.utf8) }
        if let tensor { a.type = .tensor; a.t = tensor }
        return a
    }

    private func node(_ op: String, _ inputs: [String], _ outputs: [String], domain: String = "",
                      _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = "\(op.lowercased())_\(outputs.first ?? "")"
        n.input = inputs
        n.output = outputs
        n.domain = domain
        n.attribute = attributes
        return n
    }

    private func model(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto], input: [Dim] = [.n, .fixed(3)],
                       inputType: Onnx_TensorProto.DataType = .float, extraInputs: [String] = [],
                       metadata: [(String, String)] = [], opsetVersion: Int64 = 13) throws -> Data {
        func info(_ name: String, _ dims: [Dim]) -> Onnx_ValueInfoProto {
            var v = Onnx_ValueInfoProto()
            v.name = name
            var t = Onnx_TypeProto.Tensor()
            t.elemType = Int32(inputType.rawValue)
            t.shape.dim = dims.map { d in
                var x = Onnx_TensorShapeProto.Dimension()
                switch d {
                case .n: x.dimParam = "N"
                case .fixed(let v): x.dimValue = v
                case .symbol(let s): x.dimParam = s
                }
                return x
            }
            v.type.tensorType = t
            return v
        }
        var g = Onnx_GraphProto()
        g.node = nodes
        g.initializer = initializers
        g.input = [info("x", input)] + extraInputs.map { info($0, input) }
        g.output = [info("y", [.n])].map { var o = $0; o.type.tensorType.clearShape(); return o }
        var m = Onnx_ModelProto()
        m.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = opsetVersion
        var ml = Onnx_OperatorSetIdProto()
        ml.domain = "ai.onnx.ml"
        ml.version = 3
        m.opsetImport = opset.version == 0 ? [ml] : [ml, opset]
        m.graph = g
        m.metadataProps = metadata.map { var e = Onnx_StringStringEntryProto(); e.key = $0.0; e.value = $0.1; return e }
        return try m.serializedBytes()
    }

    /// y = W x + b on 3 inputs, 2 outputs.
    private var w: Onnx_TensorProto { floats("w", [2, 3], [1, 2, 3, -1, 0.5, 0.25]) }
    private var b: Onnx_TensorProto { floats("b", [2], [0.5, -0.5]) }
    private func gemm(_ input: String = "x", _ output: String = "y", _ extra: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        node("Gemm", [input, "w", "b"], [output], [attr("transB", int: 1)] + extra)
    }

    private func load(_ data: Data) throws -> Network { try ONNXModel.decode(data, source: "<test>") }

    private func assertCode(_ code: String, _ data: @autoclosure () throws -> Data, mentions: String? = nil,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(data()), file: file, line: line) { error in
            let e = error as? ModelError
            XCTAssertEqual(e?.code, code, "\(error)", file: file, line: line)
            if let mentions { XCTAssertTrue("\(error)".contains(mentions), "\(error) should mention \(mentions)", file: file, line: line) }
        }
    }

    // MARK: accepted

    func testPlainGemmAndGemmScaling() throws {
        let plain = try load(model([gemm()], [w, b]))
        XCTAssertEqual(try plain.logits([1, 1, 1]), [6.5, -0.75])
        // alpha 2, beta 0.5 fold into W and C in Float64.
        let scaled = try load(model([gemm("x", "y", [attr("alpha", float: 2), attr("beta", float: 0.5)])], [w, b]))
        XCTAssertEqual(scaled.layers[0].weights, [2, 4, 6, -2, 1, 0.5])
        XCTAssertEqual(scaled.layers[0].bias, [0.25, -0.25])
    }

    func testBatchOfOneAndReshapeChainWithUnsqueezeAxesInput() throws {
        // opset 13 form: Unsqueeze takes its axes as an input.
        let nodes = [
            node("Shape", ["x"], ["s"]),
            node("Gather", ["s", "zero"], ["n"], [attr("axis", int: 0)]),
            node("Unsqueeze", ["n", "axes"], ["n1"]),
            node("Concat", ["n1", "minus1"], ["target"], [attr("axis", int: 0)]),
            node("Reshape", ["x", "target"], ["flat"]),
            gemm("flat"),
        ]
        let inits = [w, b, int64s("zero", [0], dims: []), int64s("axes", [0]), int64s("minus1", [-1])]
        let net = try load(model(nodes, inits, input: [.n, .fixed(1), .fixed(3)]))
        XCTAssertEqual(net.input.shape, [1, 3])
        XCTAssertTrue(net.extractor.isIdentity)

        // A literal batch of 1 in the target is fine only when the input's batch is 1.
        let literal = [node("Reshape", ["x", "one"], ["flat"]), gemm("flat")]
        let one = int64s("one", [1, 3])
        XCTAssertNoThrow(try load(model(literal, [w, b, one], input: [.fixed(1), .fixed(3), .fixed(1)])))
        assertCode("model.dynamic-shape", try model(literal, [w, b, one], input: [.n, .fixed(3), .fixed(1)]))
    }

    func testMetadataBroadcastsAndRejectsBadValues() throws {
        let net = try load(model([gemm()], [w, b], metadata: [("prune.input.lower", "[-1, -2, -3]"), ("prune.input.upper", " 4 ")]))
        XCTAssertEqual(net.input.box.lower, [-1, -2, -3])
        XCTAssertEqual(net.input.box.upper, [4, 4, 4])
        assertCode("model.invalid-network", try model([gemm()], [w, b], metadata: [("prune.input.lower", "[0, nope]")]))
        assertCode("model.non-finite", try model([gemm()], [w, b], metadata: [("prune.input.upper", "1e999")]))
        assertCode("model.invalid-network", try model([gemm()], [w, b], metadata: [("prune.input.lower", "[0, 0]")]))
        assertCode("model.invalid-network", try model([gemm()], [w, b], metadata: [("prune.preprocessing.std", "0")]))
    }

    // MARK: refused

    func testUnsupportedOperatorsAreNamed() throws {
        for op in ["Sub", "BatchNormalization", "Softmax", "Dropout"] {
            assertCode("model.unsupported-operator", try model([gemm("x", "h"), node(op, ["h"], ["y"])], [w, b]), mentions: op)
        }
        assertCode("model.unsupported-operator", try model([node("Gemm", ["x", "w", "b"], ["y"], domain: "com.microsoft")], [w, b]),
                   mentions: "com.microsoft")
        // Gather on the data path does not fold, so it is refused by name.
        assertCode("model.unsupported-operator", try model([node("Gather", ["x", "idx"], ["g"]), gemm("g")],
                                                           [w, b, int64s("idx", [0, 1, 2])]), mentions: "Gather")
    }

    func testOpsetOfTheDefaultDomain() throws {
        XCTAssertNoThrow(try load(model([gemm()], [w, b], opsetVersion: 7)))
        assertCode("model.unsupported-graph", try model([gemm()], [w, b], opsetVersion: 6), mentions: "opset 6")
        assertCode("model.unsupported-graph", try model([gemm()], [w, b], opsetVersion: 0), mentions: "no opset")
    }

    func testShapesThatDoNotResolve() throws {
        assertCode("model.dynamic-shape", try model([gemm()], [w, b], input: [.n, .symbol("features")]))
        assertCode("model.dynamic-shape", try model([gemm()], [w, b], input: [.fixed(4), .fixed(3)]))
        XCTAssertNoThrow(try load(model([gemm()], [w, b], input: [.fixed(1), .fixed(3)])))
    }

    func testDataTypesAndTensorContents() throws {
        assertCode("model.unsupported-data-type", try model([gemm()], [w, b], inputType: .int64))
        var half = floats("b", [2], [])
        half.dataType = Int32(Onnx_TensorProto.DataType.float16.rawValue)
        half.int32Data = [0x3C00, 0x3C00]
        assertCode("model.unsupported-data-type", try model([gemm()], [w, half]), mentions: "FLOAT16")
        assertCode("model.shape-mismatch", try model([gemm()], [w, floats("b", [2], [1, 2, 3])]))
        var raw = floats("b", [2], [])
        raw.rawData = Data([0, 0, 128, 63, 0, 0])
        assertCode("model.shape-mismatch", try model([gemm()], [w, raw]))
        raw.rawData = Data([0, 0, 128, 63, 0, 0, 0, 64])
        XCTAssertEqual(try load(model([gemm()], [w, raw])).layers[0].bias, [1, 2])
        raw.floatData = [1, 2]
        assertCode("model.malformed", try model([gemm()], [w, raw]))
        assertCode("model.non-finite", try model([gemm()], [w, floats("b", [2], [.nan, 0])]))
        assertCode("model.unsupported-data-type", try model([gemm()], [w, int64s("b", [1, 2])]))
    }

    func testGraphsThatAreNotAChainEndingInLogits() throws {
        // A ReLU after the last layer.
        assertCode("model.unsupported-graph", try model([gemm("x", "h"), node("Relu", ["h"], ["y"])], [w, b]))
        // A branch: the Relu's input is used again by the next layer.
        let w2 = floats("w2", [2, 2], [1, 0, 0, 1])
        assertCode("model.unsupported-graph", try model([
            gemm("x", "h"), node("Relu", ["h"], ["r"]),
            node("Gemm", ["h", "w2"], ["y"], [attr("transB", int: 1)]),
        ], [w, b, w2]))
        // A residual Add of two computed values.
        assertCode("model.unsupported-graph", try model([gemm("x", "h"), node("Add", ["h", "h"], ["y"])], [w, b]))
        // Two affine layers without a ReLU between them.
        assertCode("model.unsupported-graph", try model([gemm("x", "h"), node("Gemm", ["h", "w2"], ["y"], [attr("transB", int: 1)])], [w, b, w2]))
        // Two graph inputs.
        assertCode("model.unsupported-graph", try model([gemm()], [w, b], extraInputs: ["x2"]))
        // The output is not the end of the data path.
        assertCode("model.unsupported-graph", try model([gemm("x", "h"), node("Relu", ["h"], ["r"])], [w, b]))
    }

    func testUnsupportedAttributesOfPoolingAndConv() throws {
        let input: [Dim] = [.n, .fixed(1), .fixed(4), .fixed(4)]
        let fc = floats("w", [2, 4], [1, 2, 3, 4, 5, 6, 7, 8])
        func pooled(_ pool: Onnx_NodeProto) throws -> Data {
            try model([pool, node("Flatten", ["p"], ["f"]), gemm("f")], [fc, b], input: input)
        }
        let kernel = attr("kernel_shape", ints: [2, 2]), strides = attr("strides", ints: [2, 2])
        XCTAssertNoThrow(try load(pooled(node("MaxPool", ["x"], ["p"], [kernel, strides]))))
        assertCode("model.unsupported-attribute", try pooled(node("MaxPool", ["x"], ["p", "idx"], [kernel, strides])), mentions: "Indices")
        assertCode("model.unsupported-attribute", try pooled(node("MaxPool", ["x"], ["p"], [kernel, strides, attr("ceil_mode", int: 1)])))
        assertCode("model.unsupported-attribute", try pooled(node("AveragePool", ["x"], ["p"], [kernel, strides, attr("auto_pad", string: "SAME_UPPER")])))
        let cw = floats("cw", [1, 1, 1, 1], [2])
        func conv(_ attributes: [Onnx_AttributeProto]) throws -> Data {
            try model([node("Conv", ["x", "cw"], ["c"], attributes), node("Flatten", ["c"], ["f"]), gemm("f")],
                      [cw, floats("w", [2, 16], Array(repeating: 1, count: 32)), b], input: input)
        }
        XCTAssertNoThrow(try load(conv([])))
        assertCode("model.unsupported-attribute", try conv([attr("group", int: 2)]), mentions: "group")
        assertCode("model.unsupported-attribute", try conv([attr("auto_pad", string: "VALID")]), mentions: "auto_pad")
        assertCode("model.unsupported-attribute", try conv([attr("dilations", ints: [1, 2])]), mentions: "dilations")
        assertCode("model.unsupported-attribute", try model([node("Flatten", ["x"], ["f"], [attr("axis", int: 2)]), gemm("f")], [w, b],
                                                            input: [.n, .fixed(1), .fixed(3)]), mentions: "axis")
    }

    func testConstantNodeForms() throws {
        let nodes = [
            node("Constant", [], ["bias"], [attr("value_floats", floats: [3, 4])]),
            node("Gemm", ["x", "w", "bias"], ["y"], [attr("transB", int: 1)]),
        ]
        XCTAssertEqual(try load(model(nodes, [w])).layers[0].bias, [3, 4])
        let tensorConstant = [
            node("Constant", [], ["bias"], [attr("value", tensor: floats("v", [1, 2], [5, 6]))]),
            node("Gemm", ["x", "w", "bias"], ["y"], [attr("transB", int: 1)]),
        ]
        XCTAssertEqual(try load(model(tensorConstant, [w])).layers[0].bias, [5, 6])
    }
}

// MARK: resource limits (Specs/limits.md)

extension ONNXGraphRulesTests {
    /// A dimension costs a few bytes in the file but sizes the input box and every activation,
    /// so a sample past ONNXModel.maximumSampleElements is refused before anything is allocated
    /// (before the limit, [N, 2³¹−1, 2³¹−1, 2³¹−1] trapped on overflow and [N, 1, 2¹⁶, 2¹⁶]
    /// allocated a 32 GiB box).
    func testSamplesPastTheLimitAreRefusedBeforeAllocating() throws {
        let big: Int64 = Int64(Int32.max)
        let flatten = node("Flatten", ["x"], ["f"])
        assertCode("model.too-large", try model([flatten, gemm("f")], [w, b], input: [.n, .fixed(big), .fixed(big), .fixed(big)]),
                   mentions: "4194304")
        assertCode("model.too-large", try model([flatten, gemm("f")], [w, b], input: [.n, .fixed(1), .fixed(65536), .fixed(65536)]))
        // 2²² + 1 features: one past the limit.
        assertCode("model.too-large", try model([flatten, gemm("f")], [w, b], input: [.n, .fixed(4_194_305)]))

        // A convolution whose padding blows a 1×4×4 input up to 1×(2³¹+1)×(2³¹+1).
        let conv = node("Conv", ["x", "cw"], ["c"], [attr("pads", ints: [big, big, 0, 0])])
        assertCode("model.too-large", try model([conv, node("Flatten", ["c"], ["f"]), gemm("f")], [w, b, floats("cw", [1, 1, 2, 2], [1, 1, 1, 1])],
                                                input: [.n, .fixed(1), .fixed(4), .fixed(4)]), mentions: "conv_c")
    }

    /// A Conv weight of shape [2³¹−1, 1, 1, 0] holds no values; its 2³¹−1 biases (16 GiB) used
    /// to be allocated before the kernel was checked.
    func testConvWeightsWithAnEmptyKernelAreRefusedBeforeTheBias() throws {
        var empty = floats("cw", [Int64(Int32.max), 1, 1, 0], [])
        empty.floatData = []
        assertCode("model.shape-mismatch", try model([node("Conv", ["x", "cw"], ["c"]), node("Flatten", ["c"], ["f"]), gemm("f")],
                                                     [w, b, empty], input: [.n, .fixed(1), .fixed(4), .fixed(4)]), mentions: "cw")
    }

    /// Unsqueeze looked each output axis up in the axis list: 30,000 axes took 96 s (debug
    /// build). Linear now.
    func testUnsqueezeIsLinearInTheAxes() throws {
        let nodes = [node("Unsqueeze", ["c"], ["u"], [attr("axes", ints: Array(0..<30_000))]), gemm()]
        let data = try model(nodes, [w, b, int64s("c", [7])], opsetVersion: 11)
        let start = Date()
        XCTAssertNoThrow(try load(data))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    /// Forty Concat nodes, each of the previous one with itself: 2⁴⁰ folded values from a
    /// 1.6 kB file (memory ran out). Capped at 2¹⁶ values per folded Concat.
    func testChainedConcatsCannotGrowExponentially() throws {
        var nodes = (0..<40).map { i in node("Concat", ["c\(i)", "c\(i)"], ["c\(i + 1)"], [attr("axis", int: 0)]) }
        nodes.append(gemm())
        assertCode("model.too-large", try model(nodes, [w, b, int64s("c0", [1])]), mentions: "Concat")
        // Sixteen doublings (65,536 values) are still folded.
        XCTAssertNoThrow(try load(model(Array(nodes.prefix(16)) + [gemm()], [w, b, int64s("c0", [1])])))
    }

    /// Reshape targets of up to 2³¹−1 per entry: their product used to overflow (a trap).
    func testReshapeTargetsThatOverflowAreRefused() throws {
        let target = int64s("t", [-1, Int64(Int32.max), Int64(Int32.max), Int64(Int32.max)])
        assertCode("model.dynamic-shape", try model([node("Reshape", ["x", "t"], ["r"]), gemm("r")], [w, b, target]), mentions: "overflow")
        let fixed = int64s("t", [0, Int64(Int32.max), Int64(Int32.max), Int64(Int32.max)])
        assertCode("model.dynamic-shape", try model([node("Reshape", ["x", "t"], ["r"]), gemm("r")], [w, b, fixed]), mentions: "overflow")
    }
}
