import PruneModel
import PruneRepair

/// How much the patched network differs from the original on reference data (method.md §10,
/// report L): not a pass/fail check, but every prediction change is listed by index, and
/// changes at points outside every patched region are listed separately, since the method
/// promises f̂ = f there except inside the gates' transition bands.
public struct LocalityReport: Sendable, Equatable {
    public let count: Int
    /// Indices whose argmax changed.
    public let changedPredictions: [Int]
    /// Indices whose logits changed at all while their own region is not a patch member.
    public let changedOutsideRegions: [Int]
    /// Indices whose argmax changed while their own region is not a patch member: a gate leaks.
    public let changedPredictionsOutsideRegions: [Int]
    /// Indices where some patch's gate is open (G > 0).
    public let openGates: Int
    /// max over points and logits of |f̂ − f|.
    public let maxLogitChange: Double

    /// `audit.locality-changed` when a prediction changed outside every patched region; nil
    /// otherwise. Not a per-point verdict: the forgotten points' claims may all hold.
    public var code: AuditCode? { changedPredictionsOutsideRegions.isEmpty ? nil : .localityChanged }
}

public enum LocalityAudit {
    /// Compares f̂ and f on reference inputs (model input after preprocessing), in chunks.
    public static func run(_ patched: PatchedNetwork, inputs: [Double]) throws(ModelError) -> LocalityReport {
        let network = patched.network
        let m = network.inputCount, c = network.outputCount
        let count = inputs.count / m
        let members = Set(patched.patches.flatMap(\.members))
        var changed = [Int](), outside = [Int](), leaked = [Int]()
        var open = 0
        var maxChange = 0.0
        let chunk = 2048
        for first in stride(from: 0, to: count, by: chunk) {
            let end = min(first + chunk, count)
            let batch = Array(inputs[(first * m)..<(end * m)])
            let eval = try patched.evaluate(batch)
            let patterns = try network.evaluate(batch).patterns
            var gated = Set<Int>()
            for gate in eval.gates where gate.value > 0 { gated.insert(gate.point) }
            open += gated.count
            let before = eval.originalPredictions, after = eval.predictions
            for i in 0..<(end - first) {
                var moved = 0.0
                for j in 0..<c { moved = max(moved, abs(eval.logits[i * c + j] - eval.originalLogits[i * c + j])) }
                maxChange = max(maxChange, moved)
                if before[i] != after[i] { changed.append(first + i) }
                if moved > 0 && !members.contains(patterns[i]) {
                    outside.append(first + i)
                    if before[i] != after[i] { leaked.append(first + i) }
                }
            }
        }
        return LocalityReport(count: count, changedPredictions: changed, changedOutsideRegions: outside,
                              changedPredictionsOutsideRegions: leaked, openGates: open, maxLogitChange: maxChange)
    }
}
