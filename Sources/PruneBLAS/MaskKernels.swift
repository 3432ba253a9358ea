/// Element-wise kernels of the pattern-fixed passes and the dual-bound optimisers, the loops
/// between their matrix products, in Float64 or Float32: generic and inlinable, so each caller
/// gets them specialised to its type, but never inlined, so each compiles as a loop of its own
/// (inlined into large callers they ran slower). Patterns arrive as flat per-row 0/1 masks (or
/// ±1 signs); a mask of one row (`maskRows == 1`) applies to every row. They run over raw
/// buffers (bounds checked once per call) and keep each element's arithmetic, and each sum's
/// order, exactly as written, so results do not depend on which code path computed them.
public enum MaskKernels {
    /// Each row z (width `width`) of `values` written to `parts` as [max(z, 0), max(−z, 0)]
    /// (width 2·width): a row's violations of any pattern, picked by a product with 0/1
    /// selectors (FirstLayerViolations). A zero (of either sign) gives +0 in both halves.
    public static func splitSigns(_ values: ArraySlice<Double>, rows: Int, width: Int, into parts: inout [Double]) {
        precondition(values.count == rows * width && parts.count >= rows * 2 * width, "splitSigns: sizes differ")
        values.withUnsafeBufferPointer { z in
            parts.withUnsafeMutableBufferPointer { parts in
                for r in 0..<rows {
                    let row = r * width, out = 2 * r * width
                    for i in 0..<width {
                        let v = z[row + i]
                        parts[out + i] = v > 0 ? v : 0
                        parts[out + width + i] = v < 0 ? -v : 0
                    }
                }
            }
        }
    }

    /// For each of `rows` rows of width `width` in `z`: copies the row into `copy` at
    /// `copy[r * copyStride + copyOffset …]`, times the row's signs when `signs` (laid out like
    /// the masks) is given, then zeroes the entries whose mask
    /// `masks[r' * maskStride + maskOffset + j]` is 0 (r' = r, or 0 for one mask row).
    /// The forward pass's ReLU with a fixed pattern, recording the pre-activations (or the
    /// slacks s ⊙ z, which the dual optimiser needs, without another pass).
    @inlinable @inline(never)
    public static func recordAndMask<T: BLASScalar>(_ z: inout [T], rows: Int, width: Int,
                                     copy: inout [T], copyStride: Int, copyOffset: Int,
                                     masks: [T], signs: [T]? = nil, maskRows: Int, maskStride: Int, maskOffset: Int) {
        precondition(rows * width <= z.count, "recordAndMask: rows too long")
        precondition(rows == 0 || (rows - 1) * copyStride + copyOffset + width <= copy.count, "recordAndMask: copy too small")
        checkMasks(masks, rows: rows, maskRows: maskRows, width: width, stride: maskStride, offset: maskOffset)
        precondition(signs == nil || signs!.count == masks.count, "recordAndMask: signs do not match the masks")
        let scale = signs ?? masks
        masks.withUnsafeBufferPointer { mask in
            scale.withUnsafeBufferPointer { sign in
                copy.withUnsafeMutableBufferPointer { copy in
                    z.withUnsafeMutableBufferPointer { z in
                        for r in 0..<rows {
                            let row = r * width, out = r * copyStride + copyOffset
                            let m = (maskRows == 1 ? 0 : r) * maskStride + maskOffset
                            if signs == nil {
                                for j in 0..<width { copy[out + j] = z[row + j] }
                            } else {
                                for j in 0..<width { copy[out + j] = z[row + j] * sign[m + j] }
                            }
                            // About half the neurons are off, in no order: bit masks, not a branch.
                            for j in 0..<width { z[row + j] = T.masked(z[row + j], by: mask[m + j]) }
                        }
                    }
                }
            }
        }
    }

    /// g ← D g (+ h): zeroes the entries of `g` (rows × width) whose mask is 0, then adds the
    /// matching slice `h[r * hStride + hOffset …]` when given. The backward pass through a
    /// fixed ReLU with a cotangent injected on its pre-activations.
    @inlinable @inline(never)
    public static func maskAndAdd<T: BLASScalar>(_ g: inout [T], rows: Int, width: Int,
                                  masks: [T], maskRows: Int, maskStride: Int, maskOffset: Int,
                                  adding h: [T]?, hStride: Int, hOffset: Int) {
        precondition(rows * width <= g.count, "maskAndAdd: rows too long")
        checkMasks(masks, rows: rows, maskRows: maskRows, width: width, stride: maskStride, offset: maskOffset)
        if let h {
            precondition(rows == 0 || (rows - 1) * hStride + hOffset + width <= h.count, "maskAndAdd: h too small")
        }
        masks.withUnsafeBufferPointer { mask in
            g.withUnsafeMutableBufferPointer { g in
                for r in 0..<rows {
                    let row = r * width
                    let m = (maskRows == 1 ? 0 : r) * maskStride + maskOffset
                    for j in 0..<width { g[row + j] = T.masked(g[row + j], by: mask[m + j]) }
                }
                guard let h else { return }
                h.withUnsafeBufferPointer { h in
                    for r in 0..<rows {
                        let row = r * width, from = r * hStride + hOffset
                        for j in 0..<width { g[row + j] += h[from + j] }
                    }
                }
            }
        }
    }

    /// out[i] = x[i] · s[i'] for the first rows × width entries, with s one row (width) for
    /// all rows when `signRows == 1`, else rows × width. Multiplying by ±1 is exact.
    @inlinable @inline(never)
    public static func multiply<T: BLASScalar>(_ x: [T], bySigns s: [T], signRows: Int, rows: Int, width: Int,
                                into out: inout [T]) {
        precondition(rows * width <= x.count && rows * width <= out.count, "multiply: too many entries")
        precondition(signRows == 1 ? s.count >= width : s.count >= rows * width, "multiply: signs too short")
        x.withUnsafeBufferPointer { x in
            s.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        let row = r * width, sRow = signRows == 1 ? 0 : row
                        for j in 0..<width { out[row + j] = x[row + j] * s[sRow + j] }
                    }
                }
            }
        }
    }

    /// totals[r] += Σ_j a[r·width + j] · b[r·width + j], accumulated left to right onto the
    /// running total (the same rounding as a scalar loop).
    @inlinable @inline(never)
    public static func accumulateRowDots<T: BLASScalar>(_ a: [T], _ b: [T], rows: Int, width: Int, into totals: inout [T]) {
        precondition(rows * width <= a.count && rows * width <= b.count && rows <= totals.count, "accumulateRowDots: too many entries")
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                totals.withUnsafeMutableBufferPointer { totals in
                    for r in 0..<rows {
                        var total = totals[r]
                        let row = r * width
                        for j in 0..<width { total += a[row + j] * b[row + j] }
                        totals[r] = total
                    }
                }
            }
        }
    }

    /// totals[r] += Σ_j (a·b + c·d)[r·width + j], each pair summed first, then accumulated left
    /// to right onto the running total.
    @inlinable @inline(never)
    public static func accumulateRowDotPairs<T: BLASScalar>(_ a: [T], _ b: [T], _ c: [T], _ d: [T],
                                             rows: Int, width: Int, into totals: inout [T]) {
        let n = rows * width
        precondition(n <= a.count && n <= b.count && n <= c.count && n <= d.count && rows <= totals.count,
                     "accumulateRowDotPairs: too many entries")
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeBufferPointer { c in
                    d.withUnsafeBufferPointer { d in
                        totals.withUnsafeMutableBufferPointer { totals in
                            for r in 0..<rows {
                                var total = totals[r]
                                let row = r * width
                                for j in 0..<width { total += a[row + j] * b[row + j] + c[row + j] * d[row + j] }
                                totals[r] = total
                            }
                        }
                    }
                }
            }
        }
    }

    /// x[i] += y[i] for the first `count` entries.
    @inlinable @inline(never)
    public static func add<T: BLASScalar>(_ y: [T], to x: inout [T], count: Int) {
        precondition(count <= x.count && count <= y.count, "add: too many entries")
        y.withUnsafeBufferPointer { y in
            x.withUnsafeMutableBufferPointer { x in
                for i in 0..<count { x[i] += y[i] }
            }
        }
    }

    /// The box maximum of rows of linear functions: for each row r of `g` (rows × width),
    /// corner_c = upper_c where g_c ≥ 0 and lower_c elsewhere, written to `corners`, and
    /// totals[r] += Σ_c g_c · corner_c left to right.
    @inlinable @inline(never)
    public static func boxMaximum<T: BLASScalar>(_ g: [T], rows: Int, width: Int, lower: [T], upper: [T],
                                  corners: inout [T], totals: inout [T]) {
        precondition(rows * width <= g.count && rows * width <= corners.count && rows <= totals.count,
                     "boxMaximum: too many entries")
        precondition(lower.count >= width && upper.count >= width, "boxMaximum: box too small")
        g.withUnsafeBufferPointer { g in
            lower.withUnsafeBufferPointer { lower in
                upper.withUnsafeBufferPointer { upper in
                    corners.withUnsafeMutableBufferPointer { corners in
                        totals.withUnsafeMutableBufferPointer { totals in
                            for r in 0..<rows {
                                var total = totals[r]
                                let row = r * width
                                for c in 0..<width {
                                    let gc = g[row + c]
                                    let corner = T.corner(gc, lower: lower[c], upper: upper[c])
                                    corners[row + c] = corner
                                    total += gc * corner
                                }
                                totals[r] = total
                            }
                        }
                    }
                }
            }
        }
    }

    /// One projected Adam step on every entry: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², then
    /// w ← clamp(w − lr·(m/c1)/(√(v/c2) + ε)) into [lower, upper] (upper may be +∞), clamped
    /// as max(lower, ·) then min(upper, ·) with Swift's rules (NaN goes to `lower`). A plain
    /// loop, which the compiler vectorises: generic code would get SIMD types' lane-by-lane
    /// generic operators, not their vector instructions.
    @inlinable @inline(never)
    public static func projectedAdamStep<T: BLASScalar>(weights w: inout [T], first m: inout [T], second v: inout [T],
                                         gradient g: [T], learningRate lr: T, beta1: T, beta2: T,
                                         epsilon: T, c1: T, c2: T, lower: T, upper: T) {
        precondition(w.count <= m.count && w.count <= v.count && w.count <= g.count, "projectedAdamStep: sizes differ")
        g.withUnsafeBufferPointer { g in
            w.withUnsafeMutableBufferPointer { w in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        let count = w.count
                        var i = 0
                        while i < count {
                            let gi = g[i]
                            m[i] = beta1 * m[i] + (1 - beta1) * gi
                            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                            w[i] = min(upper, max(lower, w[i] - lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)))
                            i += 1
                        }
                    }
                }
            }
        }
    }

    @usableFromInline
    static func checkMasks<T>(_ masks: [T], rows: Int, maskRows: Int, width: Int, stride: Int, offset: Int) {
        precondition(maskRows == 1 || maskRows == rows, "masks: need one row, or one per row")
        precondition(rows == 0 || (maskRows - 1) * stride + offset + width <= masks.count, "masks: too few entries")
    }
}
