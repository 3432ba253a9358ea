// fuzz-npy: NPYArray(parsing:) on the whole input, and NPYDataset.decode on the input split
// into a features file and a labels file (FuzzHarness.split: a 2-byte big-endian length of
// the first file, then both files).
// fuzz-seeds: Fuzz/seeds/npy
import Foundation
import FuzzSupport
import PruneModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        FuzzHarness.stage({ _ = try NPYArray(parsing: [UInt8]($0)) }, data)
        let (x, y) = FuzzHarness.split(data)
        _ = try NPYDataset.decode(features: x, labels: y, featuresName: "x.npy", labelsName: "y.npy")
    }
}
