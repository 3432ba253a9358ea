import PruneTestSupport
import Foundation
import XCTest
@testable import PruneCrypto

final class DigestTests: XCTestCase {
    func testSHA256KnownAnswers() throws {
        XCTAssertEqual(try Hash.sha256(Data()).hexString,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(try Hash.sha256(Data("abc".utf8)).hexString,
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(try Hash.sha256(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hexString,
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testSHA384AndSHA512KnownAnswers() throws {
        XCTAssertEqual(try Hash.digest(Data("abc".utf8), algorithm: .sha384).hexString,
                       "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        XCTAssertEqual(try Hash.digest(Data("abc".utf8), algorithm: .sha512).hexString,
                       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                       + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    func testStreamingOverUnevenChunksEqualsOneShot() throws {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<100_003).map { _ in UInt8.random(in: 0...255, using: &generator) })
        for algorithm in HashAlgorithm.allCases {
            let hasher = try StreamingHasher(algorithm: algorithm)
            var offset = 0
            for size in [0, 1, 7, 63, 64, 65, 4096, 12345] + Array(repeating: 30_000, count: 4) {
                let end = min(offset + size, data.count)
                hasher.update(data.subdata(in: offset..<end))
                offset = end
            }
            XCTAssertEqual(offset, data.count)
            let streamed = try hasher.finalize()
            XCTAssertEqual(streamed, try Hash.digest(data, algorithm: algorithm))
            XCTAssertEqual(streamed.count, algorithm.byteCount)
        }
    }

    func testFinalizingTwiceIsAnErrorNotADigest() throws {
        let hasher = try StreamingHasher(algorithm: .sha256)
        hasher.update(Data("abc".utf8))
        _ = try hasher.finalize()
        XCTAssertThrowsCode("crypto.openssl", try hasher.finalize())
    }

    func testFileLargerThanTheBufferEqualsOneShot() throws {
        let dir = try makeTemporaryDirectory(self)
        let size = Hash.fileBufferSize * 7 / 2
        var data = Data(count: size)
        for i in stride(from: 0, to: size, by: 997) { data[i] = UInt8(truncatingIfNeeded: i &* 31) }
        let path = dir.appendingPathComponent("big.bin").path
        try data.write(to: URL(fileURLWithPath: path))
        for algorithm in HashAlgorithm.allCases {
            XCTAssertEqual(try Hash.digestFile(path: path, algorithm: algorithm), try Hash.digest(data, algorithm: algorithm))
        }
    }

    func testEmptyFileAndMissingFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("empty").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        XCTAssertEqual(try Hash.digestFile(path: path).hexString,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertThrowsCode("io.not-found", try Hash.digestFile(path: dir.appendingPathComponent("missing").path))
        XCTAssertThrowsCode("io.not-a-regular-file", try Hash.digestFile(path: dir.path))
    }

    func testHexRoundTripAndStrictDecoding() throws {
        let bytes = Data([0x00, 0x01, 0x7f, 0x80, 0xab, 0xff])
        XCTAssertEqual(bytes.hexString, "00017f80abff")
        XCTAssertEqual(try Data(hexString: "00017F80ABff"), bytes)
        XCTAssertEqual(try Data(hexString: ""), Data())
        for bad in ["0", "abc", "0g", "0x00", " 00", "00 ", "zz", "é0"] {
            XCTAssertThrowsCode("crypto.hex.malformed", try Data(hexString: bad))
        }
    }
}
