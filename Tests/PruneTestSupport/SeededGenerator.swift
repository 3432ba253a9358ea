import PruneCore
/// The generator tests use is prune's own, so test problems are the same every run.
public typealias SeededGenerator = PruneCore.SeededGenerator
