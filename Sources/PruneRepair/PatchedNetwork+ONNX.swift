import Foundation
import PruneModel

extension PatchedNetwork {
    /// f̂ as one ONNX model: the network's export (same input, metadata and logits path) plus
    /// the patches as dense nodes after the logits (`PatchGraph`). With no patches it is the
    /// network's own export.
    public func onnxData(producer: String) throws -> Data {
        try ONNXExport.data(of: network, producer: producer, logits: patches.isEmpty ? nil : PatchGraph(patched: self))
    }

    /// Whether `onnxData` stores FLOAT (the network and every patch constant are Float32
    /// values), else DOUBLE.
    public var onnxStoresFloat32: Bool {
        ONNXExport.storesFloat32(network, logits: patches.isEmpty ? nil : PatchGraph(patched: self))
    }
}

/// The patch networks of `PatchedNetwork.evaluate` as ONNX nodes, batched over every member
/// region M of every patch P (method.md §4–§5):
///
///     z_S,1 = z₁ (the network's first pre-activations, shared); z_S,ℓ = (z_S,ℓ−1 D_S,ℓ−1) Wᵀ_ℓ + b_ℓ
///     g_S = relu(1 − Σ_ℓ Σ_i clip(−s_i γ z_S,ℓ,i, 0, 1))      one MatMul per layer for all members
///     G_k = max over the members of patch k
///     h_k = relu(p_k + K_k G_k − K_k) − relu(−p_k + K_k G_k − K_k),   f̂ = f + Σ_k h_k
///
/// Each step is the same floating-point operation `SupportGate`/`Patch.output` perform (clip is
/// min(1, ·) of a positive violation, sign flips and 0/1 masks are exact), so only summation
/// order differs. D is a 0/1 mask on the activations rather than M masked copies of W_ℓ: the
/// same products, with M·n_ℓ−1 constants per layer instead of M·n_ℓ−1·n_ℓ.
struct PatchGraph: ONNXLogitsExtension {
    let patched: PatchedNetwork

    var isFloat32Exact: Bool {
        func exact(_ v: Double) -> Bool { Double(Float(v)) == v }
        return patched.patches.allSatisfy { p in
            exact(p.gamma) && exact(p.bound) && p.offset.allSatisfy(exact) && (p.linear ?? []).allSatisfy(exact)
        }
    }

    func write(into graph: inout ONNXGraphWriter, head: ONNXHeadTensors) throws -> String {
        let network = patched.network, patches = patched.patches
        let count = patches.count, classes = network.outputCount, m = network.featureCount
        // Patch files never hold one (Specs/patch-file.md); an empty max has no ONNX form.
        if let k = patches.firstIndex(where: \.members.isEmpty) { throw RepairError.unsupported("patch \(k) has no member regions") }
        let gates = writeGates(into: &graph, head: head)
        // K·G − K, as [N, P, 1] against p's [N, P, C] (or [P, C] for constant patches).
        let bound = graph.constant("patch.bound", dims: [count], patches.map(\.bound))
        let scaled = graph.operation("Sub", [graph.operation("Mul", [gates, bound]), bound])
        let shift = graph.operation("Unsqueeze", [scaled, graph.constant("patch.axes", int64: [2])])
        let p: String
        if patches.contains(where: { $0.linear != nil }) {
            // Constant patches get zero rows of c, which add exactly nothing to d.
            var c = [Double](repeating: 0, count: count * classes * m)
            for (k, patch) in patches.enumerated() {
                if let linear = patch.linear { c.replaceSubrange((k * classes * m)..<((k + 1) * classes * m), with: linear) }
            }
            let weight = graph.constant("patch.linear", dims: [count * classes, m], c)
            let offset = graph.constant("patch.offset", dims: [count * classes], patches.flatMap(\.offset))
            let flat = graph.operation("Gemm", [head.features, weight, offset], attributes: [.int("transB", 1)])
            p = graph.operation("Reshape", [flat, graph.constant("patch.shape", int64: [-1, Int64(count), Int64(classes)])])
        } else {
            p = graph.constant("patch.offset", dims: [count, classes], patches.flatMap(\.offset))
        }
        let up = graph.operation("Relu", [graph.operation("Add", [p, shift])])
        let down = graph.operation("Relu", [graph.operation("Sub", [shift, p])])
        let h = graph.operation("Sub", [up, down])
        let sum = graph.operation("ReduceSum", [h, graph.constant("patch.axes", int64: [1])], attributes: [.int("keepdims", 0)])
        return graph.operation("Add", [head.logits, sum])
    }

    /// G as [N, P] (or [1, P] of ones for a head without hidden neurons: one region, the
    /// whole space, as in `PatchedNetwork.gateValues`).
    private func writeGates(into graph: inout ONNXGraphWriter, head: ONNXHeadTensors) -> String {
        let network = patched.network, patches = patched.patches
        guard let firstLayer = head.firstLayer else {
            return graph.constant("gate.open", dims: [1, patches.count], [Double](repeating: 1, count: patches.count))
        }
        let members = patches.flatMap { patch in
            patch.members.map { (pattern: $0, gamma: patch.gamma, rows: patch.gateRowCount(hiddenWidths: network.hiddenWidths)) }
        }
        // Layers past every gate's rows are not written (first-layer gates need only z₁).
        let deepest = members.map(\.rows).max() ?? 0
        var widths = [Int]()
        for width in network.hiddenWidths where widths.reduce(0, +) < deepest { widths.append(width) }
        let zero = graph.constant("gate.zero", dims: [], [0]), one = graph.constant("gate.one", dims: [], [1])
        var z = firstLayer  // [N, n₁], then [M, N, n_ℓ]
        var total: String?
        var offset = 0
        for (l, width) in widths.enumerated() {
            if l > 0 {
                // Member S's layer ℓ reads its previous pre-activations through D_S (its 0/1 bits):
                // a mask [M, 1, n_ℓ−1], then one MatMul with the shared Wᵀ_ℓ for all members.
                let layer = network.layers[l], previous = widths[l - 1], previousOffset = offset - previous
                var mask = [Double](repeating: 0, count: members.count * previous)
                for (s, member) in members.enumerated() {
                    for j in 0..<previous where member.pattern[previousOffset + j] { mask[s * previous + j] = 1 }
                }
                var transposed = [Double](repeating: 0, count: previous * width)
                for i in 0..<width {
                    for j in 0..<previous { transposed[j * width + i] = layer.weights[i * previous + j] }
                }
                let masked = graph.operation("Mul", [z, graph.constant("gate.mask", dims: [members.count, 1, previous], mask)])
                let w = graph.constant("gate.weight", dims: [previous, width], transposed)
                let b = graph.constant("gate.bias", dims: [width], layer.bias)
                z = graph.operation("Add", [graph.operation("MatMul", [masked, w]), b])
            }
            // γ times the violation: −z for an active unit, z for an inactive one; 0 on rows
            // outside a member's gate, which then add exactly nothing.
            var scale = [Double](repeating: 0, count: members.count * width)
            for (s, member) in members.enumerated() {
                for i in 0..<width where offset + i < member.rows {
                    scale[s * width + i] = member.pattern[offset + i] ? -member.gamma : member.gamma
                }
            }
            let violation = graph.operation("Mul", [z, graph.constant("gate.scale", dims: [members.count, 1, width], scale)])
            let clipped = graph.operation("Clip", [violation, zero, one])
            let rows = graph.operation("ReduceSum", [clipped, graph.constant("gate.axes", int64: [2])], attributes: [.int("keepdims", 1)])
            total = total.map { graph.operation("Add", [$0, rows]) } ?? rows
            offset += width
        }
        // g_S for every member: [M, N, 1].
        let open = graph.operation("Relu", [graph.operation("Sub", [one, total!])])
        if patches.allSatisfy({ $0.members.count == 1 }) {
            // One member each (the usual case): G is g, transposed to [N, P].
            let squeezed = graph.operation("Squeeze", [open, graph.constant("gate.axes", int64: [2])])
            return graph.operation("Transpose", [squeezed], attributes: [.ints("perm", [1, 0])])
        }
        var columns = [String]()
        var first = 0
        for patch in patches {
            let last = first + patch.members.count
            let slice = graph.operation("Slice", [open, graph.constant("gate.start", int64: [Int64(first)]),
                                                  graph.constant("gate.end", int64: [Int64(last)]),
                                                  graph.constant("gate.axes", int64: [0])])
            columns.append(graph.operation("ReduceMax", [slice], attributes: [.ints("axes", [0]), .int("keepdims", 0)]))
            first = last
        }
        return columns.count == 1 ? columns[0] : graph.operation("Concat", columns, attributes: [.int("axis", 1)])
    }
}
