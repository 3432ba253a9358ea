import PruneCore

/// A dataset from two `.npy` files: features X of shape [n, …] (a sample has the shape of the
/// rest) and labels y of shape [n], integers or floats holding exact integers.
public enum NPYDataset {
    public static func load(features: String, labels: String, limits: DataLimits = .default) throws -> Dataset {
        let featureBytes = try DataFile.read(features, limits: limits)
        let labelBytes = try DataFile.read(labels, limits: limits)
        return try decode(features: featureBytes, labels: labelBytes, featuresName: features, labelsName: labels, limits: limits)
    }

    /// Decodes two `.npy` files already in memory (plain, not gzipped). Errors are `FileError`s
    /// naming `featuresName` or `labelsName`, as `load` names the paths.
    public static func decode(features featureBytes: [UInt8], labels labelBytes: [UInt8], featuresName features: String,
                              labelsName labels: String, limits: DataLimits = .default) throws -> Dataset {
        let x = try array(featureBytes, name: features, limits: limits)
        let y = try array(labelBytes, name: labels, limits: limits)
        do {
            guard x.shape.count >= 2 else {
                throw DataError.shapeMismatch(detail: "features have shape \(x.shape); expected [samples, features…]")
            }
            guard x.shape.dropFirst().allSatisfy({ $0 > 0 }) else {
                throw DataError.shapeMismatch(detail: "features have shape \(x.shape); a sample must have positive sizes")
            }
            guard x.shape[0] > 0 else { throw DataError.empty(detail: "features have shape \(x.shape)") }
        } catch let e as DataError { throw FileError(path: features, e) }
        do {
            guard y.shape.count == 1 else {
                throw DataError.shapeMismatch(detail: "labels have shape \(y.shape); expected [samples]")
            }
            guard y.shape[0] == x.shape[0] else {
                throw DataError.shapeMismatch(detail: "\(y.shape[0]) labels for \(x.shape[0]) samples in \(features)")
            }
        } catch let e as DataError { throw FileError(path: labels, e) }

        let values = x.doubles()
        let sampleShape = Array(x.shape.dropFirst())
        let width = values.count / x.shape[0]
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw FileError(path: features, DataError.nonFinite(
                location: "sample \(i / width) (0-based), feature \(i % width) (0-based)", value: "\(values[i])"))
        }
        let classes: [Int]
        switch y.integers() {
        case .success(let ints): classes = ints
        case .failure(let e) where !e.value.isFinite:
            throw FileError(path: labels, DataError.nonFinite(location: "label of sample \(e.index) (0-based)", value: "\(e.value)"))
        case .failure(let e):
            throw FileError(path: labels, DataError.labelOutOfRange(detail: "sample \(e.index) (0-based): label \(e.value) is not an integer"))
        }
        if let i = classes.firstIndex(where: { $0 < 0 }) {
            throw FileError(path: labels, DataError.labelOutOfRange(detail: "sample \(i) (0-based): label \(classes[i]) is negative"))
        }
        return Dataset(sampleShape: sampleShape, features: values, labels: classes, source: "\(features) with labels \(labels)")
    }

    private static func array(_ bytes: [UInt8], name: String, limits: DataLimits) throws -> NPYArray {
        do {
            return try NPYArray(parsing: bytes, limits: limits)
        } catch {
            throw FileError(path: name, error)
        }
    }
}
