import FCGIAppCore
import XCTest

final class DecimalParameterTests: XCTestCase {
  /// Digits within the range parse, leading zeros included; the bounds are inclusive.
  func testDigitsWithinRangeParse() async throws {
    let cases: [(Substring, Int)] = [("0", 0), ("1", 1), ("100", 100), ("0100", 100), ("42", 42)]
    for (text, value) in cases {
      XCTAssertEqual(DecimalParameter.parse(text, name: "percent", range: 0...100), .success(value))
    }
  }

  /// Anything but ASCII digits is refused, whatever it looks like.
  func testNonDigitsAreRefused() async throws {
    let inputs: [Substring] = [
      "-1", "+1", "1.0", ".5", "1e2", "1E2", " 1", "1 ", "\t1", "0x1", "1_0", "١", "５", "%31",
      "1\0",
      "∞", "NaN", "inf", "1,0", "١٠",
    ]
    for input in inputs {
      guard
        case .failure(let error) = DecimalParameter.parse(input, name: "seconds", range: 1...900)
      else {
        XCTFail("\(input.debugDescription) accepted")
        continue
      }
      XCTAssertEqual(error.status, .badRequest)
      XCTAssertTrue(error.message.hasPrefix("seconds must be digits only"), error.message)
    }
  }

  /// Values past the range, however many digits, are out of range and never overflow.
  func testHugeValuesAreOutOfRangeNotOverflow() async throws {
    let inputs: [Substring] = [
      "901", "99999999999999999999", Substring(String(repeating: "9", count: 10_000)),
      "9223372036854775807", "9223372036854775808", "18446744073709551616",
    ]
    for input in inputs {
      guard
        case .failure(let error) = DecimalParameter.parse(input, name: "seconds", range: 1...900)
      else {
        XCTFail("\(input.prefix(30)) accepted")
        continue
      }
      XCTAssertTrue(error.message.hasPrefix("seconds must be a whole number from 1 to 900"))
    }
    XCTAssertEqual(
      DecimalParameter.parse("9223372036854775807", name: "n", range: 0...Int.max),
      .success(Int.max)
    )
    guard
      case .failure = DecimalParameter.parse("9223372036854775808", name: "n", range: 0...Int.max)
    else { return XCTFail("Int.max + 1 accepted") }
  }

  /// An empty value says it is empty.
  func testEmptyValueIsNamed() async throws {
    guard case .failure(let error) = DecimalParameter.parse("", name: "percent", range: 0...100)
    else {
      return XCTFail("empty accepted")
    }
    XCTAssertEqual(error.message, "percent is empty: expected a whole number from 0 to 100")
  }
}
