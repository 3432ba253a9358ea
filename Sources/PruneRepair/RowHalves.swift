import Dispatch
import Foundation
import PruneBLAS

/// Runs a batch of independent rows as two halves on two threads, each half with
/// single-threaded BLAS. The optimisers' steps are matrix products plus element-wise kernels
/// (masks, Adam, box corners) that run on one core; OpenBLAS spreads only the products, and
/// its idle worker spins through the rest. Two halves keep both cores on all of it. Always
/// two (never the core count), so the split, and with it every bit of the result, is the
/// same on every machine.
enum RowHalves {
    /// Batches smaller than this stay whole: the halves would not fill the products.
    static let minimumRows = 64

    /// `body` on rows 0..<k split in two (or whole, when small), results in row order.
    static func map<T: Sendable>(rows k: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        guard k >= minimumRows else { return [body(0..<k)] }
        let halves = [0..<(k / 2), (k / 2)..<k]
        let results = Results<T>(count: 2)
        BLAS.withThreads(1) {
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                results.set(part, body(halves[part]))
            }
        }
        return results.values()
    }

    /// The two halves' results, written once each from their own thread.
    private final class Results<T: Sendable>: @unchecked Sendable {
        private var slots: [T?]
        private let lock = NSLock()
        init(count: Int) { slots = [T?](repeating: nil, count: count) }
        func set(_ index: Int, _ value: T) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }
        func values() -> [T] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
