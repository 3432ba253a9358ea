import XCTest
import PruneCore
import PruneModel
import PruneTraining
import PruneTestSupport

final class MLPTrainerTests: XCTestCase {
    /// Three Gaussian blobs in 4-D, well separated: any working trainer fits them.
    func blobs(count: Int, seed: UInt64) -> (features: [Float], labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        let centres: [[Double]] = [[0.2, 0.2, 0.8, 0.5], [0.8, 0.3, 0.2, 0.5], [0.5, 0.8, 0.5, 0.2]]
        var x = [Float](), y = [Int]()
        for i in 0..<count {
            let c = i % 3
            for j in 0..<4 { x.append(Float(centres[c][j] + 0.05 * rng.normal())) }
            y.append(c)
        }
        return (x, y)
    }

    func testLearnsSeparableBlobsAndReportsEveryEpoch() throws {
        let train = blobs(count: 600, seed: 1), test = blobs(count: 300, seed: 2)
        var trainer = try MLPTrainer(configuration: .init(hidden: [16], epochs: 5, batchSize: 32, learningRate: 0.1, seed: 7),
                                     inputCount: 4, classCount: 3)
        var reports = [EpochReport]()
        try trainer.train(features: train.features, labels: train.labels, test: test) { reports.append($0) }
        XCTAssertEqual(reports.map(\.epoch), [1, 2, 3, 4, 5])
        XCTAssertLessThan(reports.last!.loss, reports.first!.loss)
        XCTAssertGreaterThanOrEqual(reports.last!.testAccuracy!, 0.98)
        // The Float64 network evaluates the same weights: its accuracy agrees.
        let net = try trainer.network(input: .unitBox(4))
        let predictions = try net.evaluate(test.features.map(Double.init)).predictions
        let accuracy = Double(zip(predictions, test.labels).filter { $0 == $1 }.count) / 300
        XCTAssertEqual(accuracy, trainer.accuracy(features: test.features, labels: test.labels), accuracy: 1.0 / 300)
    }

    func testSameSeedSameWeightsOtherSeedOtherWeights() throws {
        let data = blobs(count: 200, seed: 3)
        func run(_ seed: UInt64, _ optimizer: Optimizer) throws -> [[Float]] {
            var t = try MLPTrainer(configuration: .init(hidden: [8, 8], epochs: 2, batchSize: 16, learningRate: 0.01,
                                                        optimizer: optimizer, seed: seed),
                                   inputCount: 4, classCount: 3)
            try t.train(features: data.features, labels: data.labels)
            return t.weights
        }
        for optimizer in Optimizer.allCases {
            XCTAssertEqual(try run(42, optimizer), try run(42, optimizer), "\(optimizer)")
            XCTAssertNotEqual(try run(42, optimizer), try run(43, optimizer), "\(optimizer)")
        }
    }

    func testInvalidConfigurationAndDataHaveCodes() throws {
        XCTAssertThrowsCode("train.invalid-configuration",
                            try MLPTrainer(configuration: .init(hidden: [0], epochs: 1), inputCount: 4, classCount: 3))
        XCTAssertThrowsCode("train.invalid-configuration",
                            try MLPTrainer(configuration: .init(hidden: [4], epochs: 1, momentum: 1), inputCount: 4, classCount: 3))
        var t = try MLPTrainer(configuration: .init(hidden: [4], epochs: 1), inputCount: 2, classCount: 3)
        XCTAssertThrowsCode("train.invalid-data", try t.train(features: [0, 0, 1, 1], labels: [0, 3]))
        XCTAssertThrowsCode("train.invalid-data", try t.train(features: [0, .nan, 1, 1], labels: [0, 1]))
        XCTAssertThrowsCode("train.invalid-data", try t.train(features: [0, 0, 1], labels: [0, 1]))
    }

    func testDivergenceIsReported() throws {
        let data = blobs(count: 90, seed: 4)
        var t = try MLPTrainer(configuration: .init(hidden: [8], epochs: 3, batchSize: 10, learningRate: 1e30),
                               inputCount: 4, classCount: 3)
        XCTAssertThrowsCode("train.diverged", try t.train(features: data.features, labels: data.labels))
    }
}
