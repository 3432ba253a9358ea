import CBLAS

/// Whether a matrix operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// Dense matrix products through OpenBLAS (CBLAS). Every matrix is row-major and described by
/// its array, its logical size and its leading dimension. Sizes are checked before any pointer
/// reaches C: a wrong size is a programming error in prune, so it traps instead of reading
/// out of bounds.
public enum BLAS {
    /// OpenBLAS's worker threads: benchmarks pin this to 1 to measure one core.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Runs `body` with OpenBLAS limited to `threads` worker threads, then restores the count.
    /// For callers whose results must not depend on the machine: OpenBLAS's threaded LAPACK
    /// (the LU factorisations CLP runs) rounds differently with the thread count.
    public static func withThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        let saved = threadCount
        threadCount = threads
        defer { threadCount = saved }
        return try body()
    }

    /// C ← alpha · op(A) · op(B) + beta · C, with op(A) m×k, op(B) k×n and C m×n (Float64).
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Double = 1, a: [Double], lda: Int, b: [Double], ldb: Int,
                            beta: Double = 0, c: inout [Double], ldc: Int) {
        checkGemm(transA, transB, m: m, n: n, k: k, aCount: a.count, lda: lda,
                  bCount: b.count, ldb: ldb, cCount: c.count, ldc: ldc)
        if m == 0 || n == 0 { return }
        cblas_dgemm(CblasRowMajor, order(transA), order(transB), Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, &c, Int32(ldc))
    }

    /// C ← alpha · op(A) · op(B) + beta · C (Float32), for training.
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: [Float], lda: Int, b: [Float], ldb: Int,
                            beta: Float = 0, c: inout [Float], ldc: Int) {
        checkGemm(transA, transB, m: m, n: n, k: k, aCount: a.count, lda: lda,
                  bCount: b.count, ldb: ldb, cCount: c.count, ldc: ldc)
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, order(transA), order(transB), Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, &c, Int32(ldc))
    }

    /// C ← op(A) · op(B) + beta · C in either precision (the generic passes' entry point).
    @inlinable
    public static func gemm<T: BLASScalar>(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                                           a: [T], lda: Int, b: [T], ldb: Int, beta: T = 0, c: inout [T], ldc: Int) {
        T.gemm(transA, transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    }

    private static func order(_ t: Transpose) -> CBLAS_TRANSPOSE {
        t == .none ? CblasNoTrans : CblasTrans
    }

    /// Row-major storage of an r×c operand needs (r−1)·ld + c elements and ld ≥ c.
    private static func checkGemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                                  aCount: Int, lda: Int, bCount: Int, ldb: Int, cCount: Int, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "BLAS.gemm: negative size")
        precondition(max(m, n, k, lda, ldb, ldc) < Int(Int32.max), "BLAS.gemm: size exceeds 32-bit BLAS indices")
        let (aRows, aCols) = transA == .none ? (m, k) : (k, m)
        let (bRows, bCols) = transB == .none ? (k, n) : (n, k)
        func fits(_ rows: Int, _ cols: Int, _ count: Int, _ ld: Int, _ name: String) {
            precondition(ld >= max(1, cols), "BLAS.gemm: leading dimension of \(name) too small")
            if rows > 0 && cols > 0 {
                precondition(count >= (rows - 1) * ld + cols, "BLAS.gemm: \(name) has too few elements")
            }
        }
        fits(aRows, aCols, aCount, lda, "A")
        fits(bRows, bCols, bCount, ldb, "B")
        fits(m, n, cCount, ldc, "C")
    }
}

/// The element types the matrix products and mask kernels run in: Float64 for everything a
/// certificate or a check rests on, Float32 for the trainer and for searches whose results are
/// re-checked in Float64 (their products run about twice as fast).
public protocol BLASScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    /// The IEEE bit pattern's integer type (Double and Float already have the members).
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
    /// C ← op(A) · op(B) + beta · C through the matching CBLAS routine.
    static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                     a: [Self], lda: Int, b: [Self], ldb: Int, beta: Self, c: inout [Self], ldc: Int)
}

extension BLASScalar {
    /// `upper` where g ≥ 0, else `lower`, chosen by bit masks instead of a branch: the signs of
    /// a box maximum's gradient are in no order, so a branch is mispredicted half the time.
    @inlinable
    public static func corner(_ g: Self, lower: Self, upper: Self) -> Self {
        let take: Bits = g >= 0 ? ~0 : 0
        return Self(bitPattern: (upper.bitPattern & take) | (lower.bitPattern & ~take))
    }

    /// +0 where `mask` is 0, else `value`: a fixed ReLU, by bit masks for the same reason.
    @inlinable
    public static func masked(_ value: Self, by mask: Self) -> Self {
        Self(bitPattern: value.bitPattern & (mask == 0 ? 0 : ~0))
    }
}

extension Double: BLASScalar {
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            a: [Double], lda: Int, b: [Double], ldb: Int, beta: Double, c: inout [Double], ldc: Int) {
        BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    }
}

extension Float: BLASScalar {
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: inout [Float], ldc: Int) {
        BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    }
}
