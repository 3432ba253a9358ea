// fuzz-idx: IDXDataset.decode (MNIST IDX images and labels) on the input split into an images
// file and a labels file (FuzzHarness.split: a 2-byte big-endian length of the first file).
// fuzz-seeds: Fuzz/seeds/idx
import FuzzSupport
import PruneModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        let (images, labels) = FuzzHarness.split(data)
        _ = try IDXDataset.decode(images: images, labels: labels, imagesName: "images-idx3-ubyte", labelsName: "labels-idx1-ubyte")
    }
}
