import FCGIAppCore
import Foundation
import XCTest

final class UTCTimestampTests: XCTestCase {
  /// Known instants format as `YYYY-MM-DDTHH:MM:SS.mmmZ`, milliseconds truncated like `toISOString`.
  func testKnownInstantsFormat() async throws {
    let cases: [(Int64, Int64, String)] = [
      (0, 0, "1970-01-01T00:00:00.000Z"),
      (1_727_267_297, 593_999_999, "2024-09-25T12:28:17.593Z"),
      (951_782_400, 1_000_000, "2000-02-29T00:00:00.001Z"),
      (4_107_542_399, 999_000_000, "2100-02-28T23:59:59.999Z"),
      (-1, 0, "1969-12-31T23:59:59.000Z"),
      (253_402_300_799, 0, "9999-12-31T23:59:59.000Z"),
      (253_402_300_800, 0, "10000-01-01T00:00:00.000Z"),
    ]
    for (seconds, nanoseconds, expected) in cases {
      XCTAssertEqual(UTCTimestamp(seconds: seconds, nanoseconds: nanoseconds).iso8601, expected)
    }
  }

  /// Random instants agree with Foundation's ISO-8601 formatter.
  func testAgreesWithFoundationOnRandomInstants() async throws {
    var random = SeededGenerator.fromEnvironment()
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(identifier: "UTC")
    for _ in 0..<2000 {
      let seconds = Int64.random(in: 0...4_102_444_800, using: &random)
      let milliseconds = Int64.random(in: 0...999, using: &random)
      let date = Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000 + 0.0001)
      XCTAssertEqual(
        UTCTimestamp(seconds: seconds, nanoseconds: milliseconds * 1_000_000).iso8601,
        formatter.string(from: date),
        "seed \(random.seed)"
      )
    }
  }

  /// Out-of-range nanoseconds carry into seconds, and `adding(seconds:)` moves the instant.
  func testNormalisationAndArithmetic() async throws {
    XCTAssertEqual(
      UTCTimestamp(seconds: 10, nanoseconds: 1_500_000_000),
      UTCTimestamp(seconds: 11, nanoseconds: 500_000_000))
    XCTAssertEqual(
      UTCTimestamp(seconds: 10, nanoseconds: -1), UTCTimestamp(seconds: 9, nanoseconds: 999_999_999)
    )
    let start = UTCTimestamp(seconds: 100, nanoseconds: 250_000_000)
    XCTAssertEqual(start.adding(seconds: 120).seconds(since: start), 120)
  }
}
