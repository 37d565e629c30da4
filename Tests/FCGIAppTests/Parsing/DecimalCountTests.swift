import FCGIAppCore
import XCTest

final class DecimalCountTests: XCTestCase {
  /// Digits within the range parse; the bounds are inclusive; a lone 0 is not a leading zero.
  func testDigitsWithinRangeParse() async throws {
    let cases: [(String, Int)] = [("0", 0), ("1", 1), ("100", 100), ("42", 42), ("10", 10)]
    for (text, value) in cases {
      XCTAssertEqual(DecimalCount.parse(text, range: 0...100), .success(value), text)
    }
  }

  /// A leading zero is refused, whatever the value: a shell reads 010 as 8, nginx as 10.
  func testLeadingZerosAreRefused() async throws {
    for text in ["00", "01", "010", "08", "0100", "000000000000000000000001"] {
      XCTAssertEqual(DecimalCount.parse(text, range: 0...1000), .failure(.leadingZero), text)
    }
  }

  /// Anything but ASCII digits is refused, whatever it looks like.
  func testNonDigitsAreRefused() async throws {
    let inputs = [
      "-1", "+1", "1.0", ".5", "1e2", "1E2", " 1", "1 ", "\t1", "0x1", "1_0", "١", "５", "%31",
      "1\0", "∞", "NaN", "inf", "1,0", "١٠", "-0", "0-",
    ]
    for input in inputs {
      XCTAssertEqual(
        DecimalCount.parse(input, range: 1...900), .failure(.notDigits), input.debugDescription)
    }
  }

  /// Values past the range, however many digits, are out of range and never overflow.
  func testHugeValuesAreOutOfRangeNotOverflow() async throws {
    let inputs = [
      "901", "99999999999999999999", String(repeating: "9", count: 10_000),
      "9223372036854775807", "9223372036854775808", "18446744073709551616",
    ]
    for input in inputs {
      XCTAssertEqual(DecimalCount.parse(input, range: 1...900), .failure(.outOfRange))
    }
    XCTAssertEqual(DecimalCount.parse("9223372036854775807", range: 0...Int.max), .success(Int.max))
    XCTAssertEqual(
      DecimalCount.parse("9223372036854775808", range: 0...Int.max), .failure(.outOfRange))
    XCTAssertEqual(DecimalCount.parse("0", range: 1...900), .failure(.outOfRange))
  }

  /// An empty value is named as empty, and each reason states the accepted range.
  func testReasonsNameTheRange() async throws {
    XCTAssertEqual(DecimalCount.parse("", range: 0...100), .failure(.empty))
    XCTAssertEqual(
      DecimalCount.Problem.empty.reason(range: 0...100),
      "is empty: expected a whole number from 0 to 100")
    for problem in [DecimalCount.Problem.notDigits, .leadingZero, .outOfRange] {
      XCTAssertTrue(
        problem.reason(range: 3...7).hasSuffix("a whole number from 3 to 7)")
          || problem.reason(range: 3...7) == "must be a whole number from 3 to 7", "\(problem)")
    }
  }
}
