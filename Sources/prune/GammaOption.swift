import ArgumentParser
import PruneRepair

extension GammaPolicy {
    /// The `--gamma` option of `unlearn` and `bench unlearn`: "auto" (calibrated, times the
    /// safety factor) or one γ for every patch. The Unlearner checks the values' ranges.
    init(option text: String, safety: Double) throws {
        if text == "auto" {
            self = .calibrated(safety: safety)
        } else if let g = Double(text) {
            self = .fixed(g)
        } else {
            throw ValidationError("--gamma must be 'auto' or a positive number, got '\(text)'")
        }
    }
}
