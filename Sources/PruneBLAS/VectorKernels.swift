import CBLAS

/// Element-wise Float32 kernels for training, next to the matrix products they surround.
/// They run over raw buffers (bounds checked once per call, not per element) because the
/// trainer calls them on every minibatch; slow element loops there leave OpenBLAS's worker
/// threads spinning and double the epoch time.
public enum VectorKernels {
    /// v ← μ·v + g; w ← w − lr·v (SGD with momentum, PyTorch's convention).
    public static func momentumStep(weights w: inout [Float], velocity v: inout [Float], gradient g: [Float],
                                    learningRate lr: Float, momentum mu: Float) {
        precondition(w.count == v.count && v.count == g.count, "momentumStep: sizes differ")
        let n = Int32(w.count)
        cblas_sscal(n, mu, &v, 1)
        cblas_saxpy(n, 1, g, 1, &v, 1)
        cblas_saxpy(n, -lr, v, 1, &w, 1)
    }

    /// One Adam step with bias corrections c1 = 1 − β₁ᵗ and c2 = 1 − β₂ᵗ.
    public static func adamStep(weights w: inout [Float], first m: inout [Float], second v: inout [Float], gradient g: [Float],
                                learningRate lr: Float, beta1: Float, beta2: Float, epsilon: Float, c1: Float, c2: Float) {
        precondition(w.count == m.count && m.count == v.count && v.count == g.count, "adamStep: sizes differ")
        g.withUnsafeBufferPointer { g in
            w.withUnsafeMutableBufferPointer { w in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        for i in 0..<w.count {
                            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                            w[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
                        }
                    }
                }
            }
        }
    }

    /// Each of the first `rows` rows (width `bias.count`) of `matrix` set to `bias`: the bias
    /// term a product then accumulates onto (Float for the trainer, Double for the
    /// pattern-fixed passes). Inlinable, so each caller gets the specialised loop.
    @inlinable
    public static func fillRows<Element>(_ matrix: inout [Element], rows: Int, with bias: [Element]) {
        let n = bias.count
        precondition(rows * n <= matrix.count, "fillRows: matrix too small")
        bias.withUnsafeBufferPointer { b in
            matrix.withUnsafeMutableBufferPointer { z in
                for r in 0..<rows {
                    let base = r * n
                    for j in 0..<n { z[base + j] = b[j] }
                }
            }
        }
    }

    /// x ← max(0, x) on the first `count` entries (NaN becomes 0).
    public static func relu(_ x: inout [Float], count: Int) {
        precondition(count <= x.count, "relu: too many entries")
        x.withUnsafeMutableBufferPointer { x in
            for i in 0..<count where !(x[i] > 0) { x[i] = 0 }
        }
    }

    /// g ← 0 wherever the activation is not positive (the ReLU's backward pass).
    public static func reluBackward(_ g: inout [Float], activations a: [Float], count: Int) {
        precondition(count <= g.count && count <= a.count, "reluBackward: too many entries")
        a.withUnsafeBufferPointer { a in
            g.withUnsafeMutableBufferPointer { g in
                for i in 0..<count where !(a[i] > 0) { g[i] = 0 }
            }
        }
    }

    /// sums[j] = Σ over the first `rows` rows of matrix[r, j] (bias gradients), in row order.
    public static func columnSums(_ matrix: [Float], rows: Int, into sums: inout [Float]) {
        let n = sums.count
        precondition(rows * n <= matrix.count, "columnSums: matrix too small")
        matrix.withUnsafeBufferPointer { z in
            sums.withUnsafeMutableBufferPointer { s in
                for j in 0..<n { s[j] = 0 }
                for r in 0..<rows {
                    let base = r * n
                    for j in 0..<n { s[j] += z[base + j] }
                }
            }
        }
    }

    /// Copies the rows listed in `indices` of a row-major matrix (width `width`) into the
    /// first rows of `batch`: the minibatch gather.
    public static func gatherRows(_ source: [Float], width: Int, indices: ArraySlice<Int>, into batch: inout [Float]) {
        precondition(indices.count * width <= batch.count, "gatherRows: batch too small")
        source.withUnsafeBufferPointer { src in
            batch.withUnsafeMutableBufferPointer { dst in
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && (i + 1) * width <= src.count, "gatherRows: row out of range")
                    let from = i * width, to = r * width
                    for j in 0..<width { dst[to + j] = src[from + j] }
                }
            }
        }
    }
}
