// fuzz-nnet: NNetModel.decode, the NNet text format.
// fuzz-seeds: Fuzz/seeds/nnet
// fuzz-options: -max_len=4096
import FuzzSupport
import PruneModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in _ = try NNetModel.decode(data, source: "the input") }
}
