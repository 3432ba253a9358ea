import ONNXProto

/// Evaluates, at load time, the nodes that only compute constants: Constant, and the
/// Shape → Gather → Unsqueeze → Concat chain older PyTorch exporters emit for
/// `x.view(x.size(0), -1)`. With a static input shape the chain folds to a constant Reshape
/// target (the batch size stays symbolic); anything that does not fold is refused.
enum ONNXConstantFolding {
    /// Most values a folded Concat may produce. Folding serves shape arithmetic (a handful of
    /// values); 2¹⁶ leaves ample room and stops exponential growth through chained Concats.
    static let maximumFoldedElements = 1 << 16

    /// Constant: `value` (a tensor) or, since opset 12, value_float(s) / value_int(s).
    static func constant(_ attributes: ONNXNodeAttributes, output: String) throws(ModelError) -> ONNXConstant {
        if let t = try attributes.tensor("value") { return try ONNXConstant(tensor: t, name: output) }
        if attributes.has("value_float") {
            return ONNXConstant(shape: [], values: .real([Double(try attributes.float("value_float", default: 0))]))
        }
        if let v = try attributes.floats("value_floats") { return ONNXConstant(shape: [v.count], values: .real(v.map(Double.init))) }
        if attributes.has("value_int") {
            return ONNXConstant(shape: [], values: .integer([.fixed(try attributes.int("value_int", default: 0))]))
        }
        if let v = try attributes.ints("value_ints") { return ONNXConstant(shape: [v.count], values: .integer(v.map { .fixed($0) })) }
        throw .unsupportedAttribute(op: attributes.op, node: attributes.node, attribute: "value", value: "missing or not a dense numeric tensor")
    }

    /// Shape of a tensor of known shape; the batch dimension of the data path stays symbolic.
    /// Honours opset 15's start/end slice.
    static func shape(of dims: [ONNXShapeValue], _ attributes: ONNXNodeAttributes) throws(ModelError) -> ONNXConstant {
        let rank = Int64(dims.count)
        func clamp(_ v: Int64) -> Int { Int(min(max(v < 0 ? v + rank : v, 0), rank)) }
        let start = clamp(try attributes.int("start", default: 0))
        let end = clamp(try attributes.int("end", default: rank))
        let slice = start < end ? Array(dims[start..<end]) : []
        return ONNXConstant(shape: [slice.count], values: .integer(slice))
    }

    /// Gather along axis 0 of a 1-D integer tensor (picking entries of a shape).
    static func gather(_ data: ONNXConstant, _ indices: ONNXConstant, names: [String], _ attributes: ONNXNodeAttributes) throws(ModelError) -> ONNXConstant {
        let values = try data.integers(name: names[0])
        let axis = try attributes.int("axis", default: 0)
        guard data.shape.count == 1, axis == 0 || axis == -1 else {
            throw .unsupportedAttribute(op: "Gather", node: attributes.node, attribute: "axis",
                                        value: "\(axis) on a tensor of shape \(data.shape) (only 1-D shape tensors fold)")
        }
        var picked = [ONNXShapeValue]()
        for i in try indices.fixedIntegers(name: names[1]) {
            let j = i < 0 ? i + Int64(values.count) : i
            guard j >= 0, j < Int64(values.count) else {
                throw .shapeMismatch(detail: "Gather index \(i) outside a tensor of \(values.count) values (node \(attributes.node))")
            }
            picked.append(values[Int(j)])
        }
        return ONNXConstant(shape: indices.shape, values: .integer(picked))
    }

    /// Unsqueeze: inserts size-1 axes (from the `axes` attribute before opset 13, an input since).
    static func unsqueeze(_ data: ONNXConstant, axes: [Int64], _ attributes: ONNXNodeAttributes) throws(ModelError) -> ONNXConstant {
        let rank = data.shape.count + axes.count
        let normalized = axes.map { $0 < 0 ? $0 + Int64(rank) : $0 }
        guard normalized.allSatisfy({ $0 >= 0 && $0 < Int64(rank) }), Set(normalized).count == normalized.count else {
            throw .unsupportedAttribute(op: "Unsqueeze", node: attributes.node, attribute: "axes", value: "\(axes)")
        }
        // A set, not the list: one lookup per axis keeps this linear in the number of axes.
        let inserted = Set(normalized)
        var shape = [Int]()
        var rest = data.shape.makeIterator()
        for axis in 0..<rank {
            shape.append(inserted.contains(Int64(axis)) ? 1 : rest.next()!)
        }
        return ONNXConstant(shape: shape, values: data.values)
    }

    /// Concat of 1-D integer tensors along axis 0.
    static func concat(_ parts: [ONNXConstant], names: [String], _ attributes: ONNXNodeAttributes) throws(ModelError) -> ONNXConstant {
        let axis = try attributes.int("axis", default: 0)
        guard parts.allSatisfy({ $0.shape.count == 1 }), axis == 0 || axis == -1 else {
            throw .unsupportedAttribute(op: "Concat", node: attributes.node, attribute: "axis",
                                        value: "\(axis) on tensors of shapes \(parts.map(\.shape)) (only 1-D shape tensors fold)")
        }
        // A Concat may repeat its own input and feed the next one, doubling at every node: the
        // result is capped before it is built, or 40 small nodes would ask for 2⁴⁰ values.
        var values = [ONNXShapeValue]()
        var total = 0
        for (part, name) in zip(parts, names) {
            total += part.count
            guard total <= maximumFoldedElements else {
                throw .tooLarge(detail: "Concat node \(attributes.node) folds to more than \(maximumFoldedElements) values")
            }
            values += try part.integers(name: name)
        }
        return ONNXConstant(shape: [values.count], values: .integer(values))
    }
}
