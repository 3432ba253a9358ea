// fuzz-csv: CSVDataset.parse (header with a label column, decimal cells).
// fuzz-seeds: Fuzz/seeds/csv
// fuzz-options: -max_len=4096
import FuzzSupport
import PruneModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in _ = try CSVDataset.parse([UInt8](data), source: "the input") }
}
