import PruneCore

/// Picks a loader from the file name (a trailing `.gz` is ignored; gzip is detected by content):
/// `.csv` (labels in a column), `.npy` (labels in a second `.npy`), MNIST IDX images named
/// `*-idx3-ubyte` or `*.idx3-ubyte` (labels in an `idx1` file).
public enum DatasetLoader {
    public enum Format: String, Sendable { case csv, npy, idx }

    public static func format(of path: String) -> Format? {
        var name = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".csv") { return .csv }
        if name.hasSuffix(".npy") { return .npy }
        if name.hasSuffix("-idx3-ubyte") || name.hasSuffix(".idx3-ubyte") || name.hasSuffix(".idx3") { return .idx }
        return nil
    }

    public static func load(path: String, labels: String?, limits: DataLimits = .default) throws -> Dataset {
        guard let format = format(of: path) else {
            throw FileError(path: path, DataError.unsupportedFormat(
                detail: "the name does not end in .csv, .npy, -idx3-ubyte or .idx3-ubyte (optionally .gz)"))
        }
        switch (format, labels) {
        case (.csv, nil):
            return try CSVDataset.load(path: path, limits: limits)
        case (.csv, let labels?):
            throw FileError(path: path, DataError.labelFile(detail: "a CSV file holds its labels in a 'label' column; do not also give \(labels)"))
        case (.npy, let labels?):
            return try NPYDataset.load(features: path, labels: labels, limits: limits)
        case (.idx, let labels?):
            return try IDXDataset.load(images: path, labels: labels, limits: limits)
        case (.npy, nil), (.idx, nil):
            throw FileError(path: path, DataError.labelFile(detail: "\(format.rawValue) features need a separate labels file"))
        }
    }

    /// As `load`, keeping only the rows an index file lists (in its order). IDX images convert
    /// only those rows; the other formats load whole, then select.
    public static func load(path: String, labels: String?, rows: String?, limits: DataLimits = .default) throws -> Dataset {
        guard let rows else { return try load(path: path, labels: labels, limits: limits) }
        if format(of: path) == .idx, let labels {
            return try IDXDataset.load(images: path, labels: labels, limits: limits) { count in
                try IndexFile.load(path: rows, count: count, limits: limits)
            }
        }
        return try load(path: path, labels: labels, limits: limits).selecting(indexFile: rows, limits: limits)
    }

    /// As `load(path:labels:rows:)`, for a reader that converts a few rows at a time: IDX
    /// images stay bytes until asked for; the other formats load as `load` does.
    public static func rows(path: String, labels: String?, rows: String?, limits: DataLimits = .default) throws -> any DataRows {
        if format(of: path) == .idx, let labels {
            return try IDXDataset.rows(images: path, labels: labels, limits: limits) { count in
                guard let rows else { return Array(0..<count) }
                return try IndexFile.load(path: rows, count: count, limits: limits)
            }
        }
        return try load(path: path, labels: labels, rows: rows, limits: limits)
    }
}
