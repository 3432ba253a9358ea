import ONNXProto

/// Walks an ONNX graph in its (topological) node order and maps it onto a Network: a chain
/// of feature-extractor ops on the single input, then a dense head of affine layers with a
/// ReLU between consecutive layers and none after the last. Every tensor is either a known
/// constant or a value on the data path; the data path must be a chain (each op consumes the
/// latest value), so branches and residual connections are refused rather than mis-read.
struct ONNXGraphMapper {
    /// An affine layer seen (Gemm, or MatMul + Add) but not yet closed by a ReLU or the end.
    private struct PendingLayer {
        let inputs: Int
        let outputs: Int
        /// outputs × inputs, row-major (DenseLayer's layout).
        let weights: [Double]
        var bias: [Double]
    }

    private var constants = [String: ONNXConstant]()
    /// Shapes (without the batch dimension) of values on the data path.
    private var dataShapes = [String: [Int]]()
    /// The latest value on the data path: the only one an op may consume.
    private var tip: String
    private let batchIsOne: Bool
    private var featureLayers = [FeatureLayer]()
    /// Feature shapes before each feature layer and after the last.
    private var featureShapes: [[Int]]
    private var dense = [DenseLayer]()
    private var pending: PendingLayer?
    private var headStarted = false

    init(inputName: String, inputShape: [Int], batchIsOne: Bool, initializers: [String: ONNXConstant]) {
        constants = initializers
        dataShapes[inputName] = inputShape
        tip = inputName
        self.batchIsOne = batchIsOne
        featureShapes = [inputShape]
    }

    private var shape: [Int] { dataShapes[tip]! }

    /// The extractor's layers and the dense head once every node is mapped and `output` is
    /// confirmed to be the end of the data path.
    mutating func finish(output: String) throws(ModelError) -> (features: [FeatureLayer], layers: [DenseLayer]) {
        guard output == tip else {
            throw .unsupportedGraph(detail: "the graph output \(output) is not the end of the data path (\(tip))")
        }
        guard headStarted else { throw .unsupportedGraph(detail: "no dense layer (Gemm or MatMul) at the end of the graph") }
        guard let last = pending else {
            throw .unsupportedGraph(detail: "a ReLU follows the last dense layer; prune needs the logits before any activation")
        }
        dense.append(try DenseLayer(inputs: last.inputs, outputs: last.outputs, weights: last.weights, bias: last.bias))
        return (featureLayers, dense)
    }

    mutating func map(_ node: Onnx_NodeProto, index: Int) throws(ModelError) {
        let name = node.name.isEmpty ? "#\(index)" : node.name
        let op = node.opType
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw .unsupportedOperator(op: "\(node.domain).\(op)", node: name)
        }
        let attributes = ONNXNodeAttributes(node, name: name)
        let inputs = node.input
        guard let output = node.output.first, !output.isEmpty else {
            throw .unsupportedGraph(detail: "node \(name) (\(op)) has no output")
        }
        if node.output.dropFirst().contains(where: { !$0.isEmpty }) {
            if op == "MaxPool" {
                throw .unsupportedAttribute(op: op, node: name, attribute: "outputs", value: "Indices")
            }
            throw .unsupportedGraph(detail: "node \(name) (\(op)) has \(node.output.count) outputs")
        }

        switch op {
        case "Constant":
            constants[output] = try ONNXConstantFolding.constant(attributes, output: output)
        case "Identity":
            let source = try input(inputs, 0, of: name)
            if let c = constants[source] { constants[output] = c } else {
                dataShapes[output] = try shapeOf(source, node: name)
                if source == tip { tip = output }
            }
        case "Shape":
            let source = try input(inputs, 0, of: name)
            let dims: [ONNXShapeValue]
            if let c = constants[source] { dims = c.shape.map { .fixed(Int64($0)) } } else {
                dims = [.batch] + (try shapeOf(source, node: name)).map { .fixed(Int64($0)) }
            }
            constants[output] = try ONNXConstantFolding.shape(of: dims, attributes)
        case "Gather":
            let parts = try foldable(inputs, count: 2, op: op, node: name)
            constants[output] = try ONNXConstantFolding.gather(parts[0], parts[1], names: inputs, attributes)
        case "Unsqueeze":
            let parts = try foldable(inputs, count: nil, op: op, node: name)
            let axes = parts.count > 1 ? try parts[1].fixedIntegers(name: inputs[1]) : try attributes.ints("axes")
            guard let axes else { throw .unsupportedAttribute(op: op, node: name, attribute: "axes", value: "missing") }
            constants[output] = try ONNXConstantFolding.unsqueeze(parts[0], axes: axes, attributes)
        case "Concat":
            let parts = try foldable(inputs, count: nil, op: op, node: name)
            constants[output] = try ONNXConstantFolding.concat(parts, names: inputs, attributes)
        case "Relu":
            try consumeData(inputs, 0, node: name)
            try relu(node: name)
            advance(to: output, shape: shape)
        case "Conv":
            try consumeData(inputs, 0, node: name)
            try convolution(attributes, inputs: inputs, output: output)
        case "MaxPool", "AveragePool":
            try consumeData(inputs, 0, node: name)
            try pooling(attributes, output: output)
        case "Flatten":
            try consumeData(inputs, 0, node: name)
            try flatten(attributes, output: output)
        case "Reshape":
            try consumeData(inputs, 0, node: name)
            let target = try constant(inputs, 1, of: name)
            try reshape(to: target.integers(name: inputs[1]), attributes, output: output)
        case "Gemm":
            try consumeData(inputs, 0, node: name)
            try gemm(attributes, inputs: inputs, output: output)
        case "MatMul":
            try consumeData(inputs, 0, node: name)
            try matmul(inputs: inputs, node: name, output: output)
        case "Add":
            try add(inputs: inputs, node: name, output: output)
        default:
            throw .unsupportedOperator(op: op, node: name)
        }
    }

    // MARK: inputs

    private func input(_ inputs: [String], _ i: Int, of node: String) throws(ModelError) -> String {
        guard i < inputs.count, !inputs[i].isEmpty else {
            throw .unsupportedGraph(detail: "node \(node) lacks its input \(i)")
        }
        return inputs[i]
    }

    private func optionalInput(_ inputs: [String], _ i: Int) -> String? {
        i < inputs.count && !inputs[i].isEmpty ? inputs[i] : nil
    }

    private func shapeOf(_ value: String, node: String) throws(ModelError) -> [Int] {
        guard let s = dataShapes[value] else {
            throw .unsupportedGraph(detail: "node \(node) uses \(value), which no earlier node or initializer defines")
        }
        return s
    }

    private func constant(_ inputs: [String], _ i: Int, of node: String) throws(ModelError) -> ONNXConstant {
        let name = try input(inputs, i, of: node)
        guard let c = constants[name] else {
            if dataShapes[name] != nil {
                throw .unsupportedGraph(detail: "node \(node) takes a computed value \(name) where prune needs a constant")
            }
            throw .unsupportedGraph(detail: "node \(node) uses \(name), which no earlier node or initializer defines")
        }
        return c
    }

    /// The inputs of a shape-arithmetic node; it must fold, or it is refused by name.
    private func foldable(_ inputs: [String], count: Int?, op: String, node: String) throws(ModelError) -> [ONNXConstant] {
        let names = inputs.filter { !$0.isEmpty }
        guard !names.isEmpty, count == nil || names.count == count else { throw .unsupportedGraph(detail: "node \(node) (\(op)) has \(names.count) inputs") }
        var parts = [ONNXConstant]()
        for n in names {
            guard let c = constants[n] else { throw .unsupportedOperator(op: op, node: node) }
            parts.append(c)
        }
        return parts
    }

    /// Checks that input `i` is the latest data-path value: anything else is a branch.
    private func consumeData(_ inputs: [String], _ i: Int, node: String) throws(ModelError) {
        let name = try input(inputs, i, of: node)
        if constants[name] != nil {
            throw .unsupportedGraph(detail: "node \(node) applies a data-path operator to the constant \(name)")
        }
        _ = try shapeOf(name, node: node)
        guard name == tip else {
            throw .unsupportedGraph(detail: "node \(node) uses \(name), not the latest value \(tip): branches are not supported")
        }
    }

    private mutating func advance(to output: String, shape: [Int]) {
        dataShapes[output] = shape
        tip = output
    }

    // MARK: feature extractor

    private func requireFeaturePhase(_ op: String, node: String) throws(ModelError) {
        if headStarted { throw .unsupportedGraph(detail: "\(op) node \(node) follows a dense layer") }
    }

    private mutating func appendFeature(_ layer: FeatureLayer, shape: [Int]) {
        featureLayers.append(layer)
        featureShapes.append(shape)
    }

    /// Reshapes are kept in a canonical form so that export → load is the identity: one that
    /// changes nothing is dropped, consecutive ones merge, and trailing ones before the dense
    /// head are dropped (the head reads the row-major features whatever their shape).
    private mutating func appendReshape(_ target: [Int]) {
        if case .reshape = featureLayers.last {
            featureLayers.removeLast()
            featureShapes.removeLast()
        }
        if target != featureShapes.last! { appendFeature(.reshape(target), shape: target) }
    }

    private mutating func relu(node: String) throws(ModelError) {
        if !headStarted {
            appendFeature(.relu, shape: shape)
            return
        }
        guard let layer = pending else {
            throw .unsupportedGraph(detail: "ReLU node \(node) does not follow a dense layer")
        }
        dense.append(try DenseLayer(inputs: layer.inputs, outputs: layer.outputs, weights: layer.weights, bias: layer.bias))
        pending = nil
    }

    private mutating func convolution(_ a: ONNXNodeAttributes, inputs: [String], output: String) throws(ModelError) {
        try requireFeaturePhase("Conv", node: a.node)
        try a.requireExplicitPadding()
        try a.requireUnitDilations()
        let group = try a.int("group", default: 1)
        guard group == 1 else { throw .unsupportedAttribute(op: "Conv", node: a.node, attribute: "group", value: "\(group)") }
        let x = shape
        guard x.count == 3 else {
            throw .unsupportedGraph(detail: "Conv node \(a.node) on a tensor of shape \(x); only 2-D convolutions over [C, H, W] are supported")
        }
        let wName = try input(inputs, 1, of: a.node)
        let w = try constant(inputs, 1, of: a.node)
        // Every size positive: a zero kernel size would let the weight hold no values while
        // declaring 2³¹ − 1 output channels, whose bias would be allocated below.
        guard w.shape.count == 4, w.shape[1] == x[0], w.shape.allSatisfy({ $0 > 0 }) else {
            throw .shapeMismatch(detail: "Conv node \(a.node): weight \(wName) has shape \(w.shape) for an input of \(x[0]) channels")
        }
        if let k = try a.pair("kernel_shape", default: nil), k != (w.shape[2], w.shape[3]) {
            throw .shapeMismatch(detail: "Conv node \(a.node): kernel_shape \(k) does not match weight shape \(w.shape)")
        }
        var bias = [Double](repeating: 0, count: w.shape[0])
        if let bName = optionalInput(inputs, 2) {
            let b = try constant(inputs, 2, of: a.node)
            guard b.shape == [w.shape[0]] else {
                throw .shapeMismatch(detail: "Conv node \(a.node): bias \(bName) has shape \(b.shape), expected [\(w.shape[0])]")
            }
            bias = try b.reals(name: bName)
        }
        let strides = try a.pair("strides", default: [1, 1])!
        let conv = try Convolution2D(outChannels: w.shape[0], inChannels: w.shape[1], kernel: (w.shape[2], w.shape[3]),
                                     strides: strides, pads: a.pads(), weights: w.reals(name: wName), bias: bias)
        let out = try outputShape(after: .convolution(conv), input: x, node: a.node)
        appendFeature(.convolution(conv), shape: out)
        advance(to: output, shape: out)
    }

    private mutating func pooling(_ a: ONNXNodeAttributes, output: String) throws(ModelError) {
        try requireFeaturePhase(a.op, node: a.node)
        try a.requireExplicitPadding()
        try a.requireUnitDilations()
        let ceil = try a.int("ceil_mode", default: 0)
        guard ceil == 0 else { throw .unsupportedAttribute(op: a.op, node: a.node, attribute: "ceil_mode", value: "\(ceil)") }
        let x = shape
        guard x.count == 3 else {
            throw .unsupportedGraph(detail: "\(a.op) node \(a.node) on a tensor of shape \(x); only 2-D pooling over [C, H, W] is supported")
        }
        guard let kernel = try a.pair("kernel_shape", default: nil) else {
            throw .unsupportedAttribute(op: a.op, node: a.node, attribute: "kernel_shape", value: "missing")
        }
        var includePad = false
        if a.op == "AveragePool" {
            let c = try a.int("count_include_pad", default: 0)
            guard c == 0 || c == 1 else {
                throw .unsupportedAttribute(op: a.op, node: a.node, attribute: "count_include_pad", value: "\(c)")
            }
            includePad = c == 1
        }
        let pool = try Pooling2D(kind: a.op == "MaxPool" ? .max : .average, kernel: kernel,
                                 strides: a.pair("strides", default: [1, 1])!, pads: a.pads(), countIncludePad: includePad)
        let out = try outputShape(after: .pooling(pool), input: x, node: a.node)
        appendFeature(.pooling(pool), shape: out)
        advance(to: output, shape: out)
    }

    private func outputShape(after layer: FeatureLayer, input: [Int], node: String) throws(ModelError) -> [Int] {
        let shape = try FeatureExtractor(inputShape: input, layers: [layer]).outputShape
        _ = try ONNXModel.checkSampleSize(shape, what: "the output of node \(node)")
        return shape
    }

    /// Flatten with axis 1 (the only axis that keeps the batch dimension apart).
    private mutating func flatten(_ a: ONNXNodeAttributes, output: String) throws(ModelError) {
        try requireFeaturePhase("Flatten", node: a.node)
        let rank = Int64(shape.count + 1)
        let axis = try a.int("axis", default: 1)
        guard (axis < 0 ? axis + rank : axis) == 1 else {
            throw .unsupportedAttribute(op: "Flatten", node: a.node, attribute: "axis", value: "\(axis)")
        }
        let target = [shape.reduce(1, *)]
        appendReshape(target)
        advance(to: output, shape: target)
    }

    /// Reshape to a constant target whose first entry is the batch size: the folded symbolic
    /// batch, 0 (copy), −1 with every other entry fixed, or 1 when the input's batch is 1.
    private mutating func reshape(to target: [ONNXShapeValue], _ a: ONNXNodeAttributes, output: String) throws(ModelError) {
        try requireFeaturePhase("Reshape", node: a.node)
        let allowZero = try a.int("allowzero", default: 0) != 0
        let x = shape
        let count = x.reduce(1, *)
        func refuse(_ why: String) -> ModelError {
            let shown = target.map { if case .fixed(let v) = $0 { "\(v)" } else { "N" } }.joined(separator: ", ")
            return .dynamicShape(detail: "Reshape node \(a.node) to [\(shown)]: \(why)")
        }
        guard let first = target.first else { throw refuse("the target has no batch dimension") }
        var inferBatch = false
        switch first {
        case .batch: break
        case .fixed(0) where !allowZero: break
        case .fixed(-1): inferBatch = true
        case .fixed(1) where batchIsOne: break
        case .fixed: throw refuse("the first entry must be the batch size")
        }
        var dims = [Int]()
        var inferAt: Int?
        for (i, v) in target.dropFirst().enumerated() {
            guard case .fixed(let d) = v else { throw refuse("the batch size appears past the first entry") }
            switch d {
            case 0 where !allowZero:
                guard i < x.count else { throw refuse("entry 0 copies a dimension the input lacks") }
                dims.append(x[i])
            case -1:
                guard inferAt == nil, !inferBatch else { throw refuse("more than one −1") }
                inferAt = dims.count
                dims.append(1)
            case 1...Int64(Int32.max):
                dims.append(Int(d))
            default:
                throw refuse("entry \(d) is not a size")
            }
        }
        // Each entry may be up to 2³¹ − 1, so the products are checked: an overflow cannot equal
        // the input's (bounded) element count anyway.
        guard let known = ONNXGraphMapper.product(dims) else { throw refuse("the sizes overflow") }
        if let at = inferAt {
            guard known > 0, count % known == 0 else { throw refuse("\(count) features do not divide evenly") }
            dims[at] = count / known
        }
        guard ONNXGraphMapper.product(dims) == count else {
            throw .shapeMismatch(detail: "Reshape node \(a.node) turns \(x) into \(dims) (without the batch dimension)")
        }
        appendReshape(dims)
        advance(to: output, shape: dims)
    }

    /// The product of `sizes`, or nil when it overflows.
    static func product(_ sizes: [Int]) -> Int? {
        var p = 1
        for s in sizes {
            let (r, overflow) = p.multipliedReportingOverflow(by: s)
            if overflow { return nil }
            p = r
        }
        return p
    }

    // MARK: dense head

    /// Starts the head (closing the extractor) or checks that a ReLU closed the last layer.
    private mutating func beginDenseLayer(_ op: String, node: String) throws(ModelError) -> Int {
        if !headStarted {
            headStarted = true
            while case .reshape = featureLayers.last {
                featureLayers.removeLast()
                featureShapes.removeLast()
            }
        } else if pending != nil {
            throw .unsupportedGraph(detail: "\(op) node \(node) follows a dense layer without a ReLU between them")
        }
        guard shape.count == 1 else {
            throw .unsupportedGraph(detail: "\(op) node \(node) takes a tensor of shape \(shape); flatten it to [N, features] first")
        }
        return shape[0]
    }

    private mutating func gemm(_ a: ONNXNodeAttributes, inputs: [String], output: String) throws(ModelError) {
        let k = try beginDenseLayer("Gemm", node: a.node)
        let transA = try a.int("transA", default: 0)
        guard transA == 0 else { throw .unsupportedAttribute(op: "Gemm", node: a.node, attribute: "transA", value: "\(transA)") }
        let transB = try a.int("transB", default: 0)
        guard transB == 0 || transB == 1 else {
            throw .unsupportedAttribute(op: "Gemm", node: a.node, attribute: "transB", value: "\(transB)")
        }
        let bName = try input(inputs, 1, of: a.node)
        var weights = try denseWeights(constant(inputs, 1, of: a.node), name: bName, inputs: k, transposed: transB == 1, node: a.node)
        let outputs = weights.count / k
        // alpha and beta other than 1 are folded into W and C by one Float64 product each, so
        // the loaded network is exactly alpha·W and beta·C in Float64, which may differ from a
        // Float32 runtime in the last bits.
        let alpha = Double(try a.float("alpha", default: 1))
        if alpha != 1 { weights = weights.map { $0 * alpha } }
        var bias = [Double](repeating: 0, count: outputs)
        if let cName = optionalInput(inputs, 2) {
            let beta = Double(try a.float("beta", default: 1))
            bias = try broadcastBias(constant(inputs, 2, of: a.node), name: cName, outputs: outputs, node: a.node)
            if beta != 1 { bias = bias.map { $0 * beta } }
        }
        pending = PendingLayer(inputs: k, outputs: outputs, weights: weights, bias: bias)
        advance(to: output, shape: [outputs])
    }

    private mutating func matmul(inputs: [String], node: String, output: String) throws(ModelError) {
        let k = try beginDenseLayer("MatMul", node: node)
        let bName = try input(inputs, 1, of: node)
        let weights = try denseWeights(constant(inputs, 1, of: node), name: bName, inputs: k, transposed: false, node: node)
        pending = PendingLayer(inputs: k, outputs: weights.count / k, weights: weights, bias: Array(repeating: 0, count: weights.count / k))
        advance(to: output, shape: [weights.count / k])
    }

    /// Add of a constant to an open dense layer is its bias (MatMul + Add); nothing else is.
    private mutating func add(inputs: [String], node: String, output: String) throws(ModelError) {
        let a = try input(inputs, 0, of: node), b = try input(inputs, 1, of: node)
        let data = constants[a] == nil ? a : b
        let other = data == a ? b : a
        guard constants[data] == nil else { throw .unsupportedGraph(detail: "Add node \(node) of two constants") }
        guard constants[other] != nil else {
            throw .unsupportedGraph(detail: "Add node \(node) adds two computed values (a residual connection)")
        }
        try consumeData([data], 0, node: node)
        guard headStarted, var layer = pending else {
            throw .unsupportedGraph(detail: "Add node \(node) is not the bias of a dense layer (it must follow Gemm or MatMul)")
        }
        let bias = try broadcastBias(constant([other], 0, of: node), name: other, outputs: layer.outputs, node: node)
        for j in layer.bias.indices { layer.bias[j] += bias[j] }
        pending = layer
        advance(to: output, shape: shape)
    }

    /// A 2-D weight constant as DenseLayer's outputs × inputs: [out, in] when transposed (Gemm
    /// transB = 1, nn.Linear), [in, out] otherwise (Gemm transB = 0, MatMul).
    private func denseWeights(_ w: ONNXConstant, name: String, inputs k: Int, transposed: Bool, node: String) throws(ModelError) -> [Double] {
        let expected = transposed ? "[outputs, \(k)]" : "[\(k), outputs]"
        guard w.shape.count == 2, w.shape[transposed ? 1 : 0] == k, w.shape[transposed ? 0 : 1] > 0 else {
            throw .shapeMismatch(detail: "node \(node): weight \(name) has shape \(w.shape), expected \(expected) for an input of \(k) features")
        }
        let values = try w.reals(name: name)
        if transposed { return values }
        let n = w.shape[1]
        var out = [Double](repeating: 0, count: values.count)
        for i in 0..<k { for j in 0..<n { out[j * k + i] = values[i * n + j] } }
        return out
    }

    /// A bias that broadcasts to [N, outputs]: a scalar, [1], [outputs] or [1, outputs].
    private func broadcastBias(_ c: ONNXConstant, name: String, outputs: Int, node: String) throws(ModelError) -> [Double] {
        let v = try c.reals(name: name)
        let dims = c.shape.count == 2 && c.shape[0] == 1 ? [c.shape[1]] : c.shape
        if dims.count <= 1 && v.count == 1 { return Array(repeating: v[0], count: outputs) }
        guard dims == [outputs] else {
            throw .shapeMismatch(detail: "node \(node): bias \(name) of shape \(c.shape) does not broadcast to [N, \(outputs)]")
        }
        return v
    }
}
