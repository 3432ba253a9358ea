import ArgumentParser
import PruneModel

/// How every command names a dataset: one file (CSV), or features plus labels (.npy, IDX),
/// optionally restricted to the rows listed in an index file.
struct DataOptions: ParsableArguments {
    @Option(help: "Samples: CSV with a header and a 'label' column, an .npy features file, or an MNIST IDX images file (gzip allowed).")
    var data: String

    @Option(help: "Labels file for .npy or IDX samples.")
    var labels: String?

    @Option(help: "Index file: 0-based rows to use, one per line.")
    var rows: String?

    func load() throws -> Dataset {
        try Self.load(data, labels: labels, rows: rows)
    }

    /// A data set, restricted to the rows of an index file when one is given.
    static func load(_ path: String, labels: String?, rows: String?) throws -> Dataset {
        try DatasetLoader.load(path: path, labels: labels, rows: rows)
    }
}
