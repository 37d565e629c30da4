import FCGIAppCore
import XCTest

/// Property-based tests: random paths and segments from a seeded generator. A failure message carries
/// the seed; rerun with `PROPERTY_SEED=<seed> swift test --filter RouterPropertyTests` to replay it.
final class RouterPropertyTests: XCTestCase {
  private let router = Router(basePath: "dev", maxStressSeconds: 900)
  private let iterations = 3000

  /// Any path at all gets a route, a 400 or a 404: never a crash, never another status.
  func testArbitraryPathsNeverFailOtherwise() async throws {
    var random = SeededGenerator.fromEnvironment()
    for _ in 0..<iterations {
      let path = randomPath(using: &random)
      switch router.route(path: path) {
      case .success:
        break
      case .failure(let error):
        XCTAssertTrue(
          error.status == .notFound || error.status == .badRequest,
          "seed \(random.seed): \(path.debugDescription) -> \(error)"
        )
        XCTAssertLessThan(error.message.count, 300, "seed \(random.seed)")
      }
    }
  }

  /// Any in-range pair of numbers written in decimal routes to exactly those numbers.
  func testValidStressPathsRouteToTheirValues() async throws {
    var random = SeededGenerator.fromEnvironment()
    for _ in 0..<iterations {
      let percent = Int.random(in: 0...100, using: &random)
      let seconds = Int.random(in: 1...900, using: &random)
      let path = "/dev/stress-cpu/\(percent)/\(seconds)"
      XCTAssertEqual(
        router.route(path: path),
        .success(.stressCPU(percent: percent, seconds: seconds)),
        "seed \(random.seed): \(path)"
      )
    }
  }

  /// A segment is accepted exactly when it is non-empty ASCII digits without a leading zero whose value
  /// is in range; a rejected one is a 400 naming the parameter.
  func testSegmentAcceptedExactlyWhenDigitsInRange() async throws {
    var random = SeededGenerator.fromEnvironment()
    for _ in 0..<iterations {
      let segment = randomSegment(using: &random)
      let expected = Self.referenceValue(segment).flatMap { (0...100).contains($0) ? $0 : nil }
      let result = router.route(path: "/dev/stress-cpu/\(segment)/60")
      switch (expected, result) {
      case (let value?, .success(let route)):
        XCTAssertEqual(route, .stressCPU(percent: value, seconds: 60), "seed \(random.seed)")
      case (nil, .failure(let error)):
        XCTAssertEqual(
          error.status, .badRequest, "seed \(random.seed): \(segment.debugDescription)")
        XCTAssertTrue(
          error.message.hasPrefix("percent"),
          "seed \(random.seed): \(segment.debugDescription) -> \(error.message)"
        )
      default:
        XCTFail(
          "seed \(random.seed): \(segment.debugDescription): expected \(String(describing: expected)), got \(result)"
        )
      }
    }
  }

  // MARK: - Generators

  /// The obvious definition: all ASCII digits, no leading zero, then the value if it fits in an Int.
  private static func referenceValue(_ text: String) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
    guard text == "0" || !text.hasPrefix("0") else { return nil }
    guard text.count <= 18 else { return Int.max }
    return Int(text)
  }

  private let alphabet: [String] = [
    "0", "1", "5", "9", "00", "100", "101", "-", "+", ".", "e", "E", " ", "\t", "%", "%20", "x",
    "/",
    "\u{0}", "\u{7F}", "é", "٣", "５", "\u{FFFD}", "\"", "\\", "\n", "dev", "host", "stress-cpu",
    "99999999999999999999",
  ]

  private func randomSegment(using random: inout SeededGenerator) -> String {
    let length = Int.random(in: 0...6, using: &random)
    var segment = ""
    for _ in 0..<length {
      let piece = alphabet.randomElement(using: &random)!
      if piece != "/" { segment += piece }
    }
    return segment
  }

  private func randomPath(using random: inout SeededGenerator) -> String {
    let prefixes = ["", "/", "/dev", "/dev/", "/dev/stress-cpu/", "/health", "/status", "//"]
    var path = prefixes.randomElement(using: &random)!
    for _ in 0..<Int.random(in: 0...8, using: &random) {
      path += randomSegment(using: &random) + (Bool.random(using: &random) ? "/" : "")
    }
    if Int.random(in: 0..<100, using: &random) == 0 {
      path += String(repeating: "/9", count: 5000)
    }
    return path
  }
}
