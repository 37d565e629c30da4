import FCGIAppCore
import XCTest

final class DecimalDigitsTests: XCTestCase {
  /// `appendDecimal` writes what `String(value)` writes, left-padded with zeros to the minimum width,
  /// for random values of every magnitude, and appends after what the buffer already holds.
  func testAgreesWithStringConversionPadded() async throws {
    var random = SeededGenerator.fromEnvironment()
    for _ in 0..<2000 {
      let value =
        Int64.random(in: 0...Int64.max, using: &random) >> Int.random(in: 0...62, using: &random)
      let width = Int.random(in: 1...19, using: &random)
      var bytes: [UInt8] = [UInt8(ascii: "x")]
      bytes.appendDecimal(value, minimumDigits: width)
      let digits = String(value)
      let expected = "x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
      XCTAssertEqual(String(decoding: bytes, as: UTF8.self), expected, "seed \(random.seed)")
    }
  }

  /// The edges: zero, the largest Int64, and a negative value (written as 0, never a minus sign).
  func testEdges() async throws {
    for (value, width) in [(Int64(0), 1), (0, 3), (.max, 1), (-5, 2)] {
      var bytes: [UInt8] = []
      bytes.appendDecimal(value, minimumDigits: width)
      let digits = String(max(value, 0))
      XCTAssertEqual(
        String(decoding: bytes, as: UTF8.self),
        String(repeating: "0", count: max(0, width - digits.count)) + digits)
    }
  }
}
