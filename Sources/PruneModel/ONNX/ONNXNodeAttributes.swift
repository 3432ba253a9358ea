import Foundation
import ONNXProto

/// Typed access to one node's attributes, with the node named in every error so a refused
/// model says which node to fix.
struct ONNXNodeAttributes {
    let op: String
    let node: String
    private let byName: [String: Onnx_AttributeProto]

    init(_ proto: Onnx_NodeProto, name: String) {
        op = proto.opType
        node = name
        var map = [String: Onnx_AttributeProto]()
        for a in proto.attribute { map[a.name] = a }
        byName = map
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    private func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType) throws(ModelError) -> Onnx_AttributeProto? {
        guard let a = byName[name] else { return nil }
        // A reference to a function's attribute only occurs inside functions, which prune refuses.
        guard a.type == type, a.refAttrName.isEmpty else {
            throw .unsupportedAttribute(op: op, node: node, attribute: name, value: "of type \(a.type)")
        }
        return a
    }

    func int(_ name: String, default value: Int64) throws(ModelError) -> Int64 {
        try attribute(name, .int)?.i ?? value
    }

    func float(_ name: String, default value: Float) throws(ModelError) -> Float {
        try attribute(name, .float)?.f ?? value
    }

    func ints(_ name: String) throws(ModelError) -> [Int64]? {
        try attribute(name, .ints)?.ints
    }

    func floats(_ name: String) throws(ModelError) -> [Float]? {
        try attribute(name, .floats)?.floats
    }

    func string(_ name: String) throws(ModelError) -> String? {
        try attribute(name, .string).map { String(decoding: $0.s, as: UTF8.self) }
    }

    func tensor(_ name: String) throws(ModelError) -> Onnx_TensorProto? {
        try attribute(name, .tensor)?.t
    }

    /// A list of two positive sizes (kernel_shape, strides) for 2-D convolution and pooling.
    func pair(_ name: String, default value: [Int64]?) throws(ModelError) -> (Int, Int)? {
        guard let v = try ints(name) ?? value else { return nil }
        guard v.count == 2, v.allSatisfy({ $0 > 0 && $0 <= Int64(Int32.max) }) else {
            throw .unsupportedAttribute(op: op, node: node, attribute: name, value: "\(v)")
        }
        return (Int(v[0]), Int(v[1]))
    }

    /// 2-D pads in ONNX order [top, left, bottom, right] (the order Convolution2D keeps).
    func pads() throws(ModelError) -> [Int] {
        let v = try ints("pads") ?? [0, 0, 0, 0]
        guard v.count == 4, v.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
            throw .unsupportedAttribute(op: op, node: node, attribute: "pads", value: "\(v)")
        }
        return v.map { Int($0) }
    }

    /// auto_pad must be NOTSET: SAME_* and VALID derive pads prune would have to recompute.
    func requireExplicitPadding() throws(ModelError) {
        if let p = try string("auto_pad"), p != "NOTSET" {
            throw .unsupportedAttribute(op: op, node: node, attribute: "auto_pad", value: p)
        }
    }

    /// dilations, when given, must all be 1.
    func requireUnitDilations() throws(ModelError) {
        if let d = try ints("dilations"), d.contains(where: { $0 != 1 }) {
            throw .unsupportedAttribute(op: op, node: node, attribute: "dilations", value: "\(d)")
        }
    }
}
