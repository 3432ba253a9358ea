import PruneCore

/// Labels are read as they are; whether they fit a model is checked against its class count.
extension DataRows {
    /// Checks every label is in 0..<classCount; the error names the first bad sample.
    public func validateLabels(classCount: Int) throws {
        if let i = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw FileError(path: source, DataError.labelOutOfRange(
                detail: "sample \(i) (0-based) has label \(labels[i]); the model has \(classCount) classes (0…\(classCount - 1))"))
        }
    }
}
