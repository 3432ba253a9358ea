/// Labelled rows read a few at a time: a consumer that checks a large set in parts (the
/// auditor, one bundle's points after another) converts only the rows it is working on.
/// Indices count rows of this set (after any index file), from 0.
public protocol DataRows: Sendable {
    var count: Int { get }
    var sampleShape: [Int] { get }
    var labels: [Int] { get }
    /// Where the rows come from (file names), for messages.
    var source: String { get }
    /// Raw feature values of `rows`, one row after another, in that order.
    func features(of rows: [Int]) throws -> [Double]
}

extension DataRows {
    public var featureCount: Int { sampleShape.reduce(1, *) }
}

extension Dataset: DataRows {
    public func features(of rows: [Int]) throws -> [Double] {
        var f = [Double]()
        f.reserveCapacity(rows.count * featureCount)
        for i in rows {
            precondition(labels.indices.contains(i), "row \(i) is outside the data set")
            f += sample(i)
        }
        return f
    }
}
