import FCGIAppCore
import XCTest

final class RouterTests: XCTestCase {
  private let router = Router(basePath: "dev", maxStressSeconds: 900)

  /// Each route matches with nginx's SCRIPT_NAME/PATH_INFO split and with the whole path in one part.
  func testRoutesMatchHowEverNginxSplitsThePath() async throws {
    let cases: [(String, String, Route)] = [
      ("/health", "", .health),
      ("/status", "", .status),
      ("/dev", "/host", .host),
      ("/dev/host", "", .host),
      ("/dev", "/stress-cpu/75/120", .stressCPU(percent: 75, seconds: 120)),
      ("/dev", "/stress-cpu/0/1", .stressCPU(percent: 0, seconds: 1)),
      ("/dev", "/stress-cpu/100/900", .stressCPU(percent: 100, seconds: 900)),
      ("/dev", "/stress-cpu/7/30", .stressCPU(percent: 7, seconds: 30)),
    ]
    for (scriptName, pathInfo, expected) in cases {
      XCTAssertEqual(
        router.route(scriptName: scriptName, pathInfo: pathInfo),
        .success(expected),
        "\(scriptName) + \(pathInfo)"
      )
    }
  }

  /// The `/host` shortcut (no joined path, no segments) answers exactly as the full match does, at every
  /// split of the path into SCRIPT_NAME and PATH_INFO, for the path itself and its near misses.
  func testHostShortcutAgreesWithTheFullMatchAtEverySplit() async throws {
    let paths = [
      "/dev/host", "/dev/hosT", "/dev/hos", "/dev/hostx", "/dev/host/", "/dev//host", "/devhost",
      "/dex/host", "/dev/host?", "dev/host/", "/DEV/host", "/health", "",
    ]
    for path in paths {
      let bytes = Array(path.utf8)
      for split in 0...bytes.count {
        let scriptName = String(decoding: bytes[..<split], as: UTF8.self)
        let pathInfo = String(decoding: bytes[split...], as: UTF8.self)
        XCTAssertEqual(
          router.route(scriptName: scriptName, pathInfo: pathInfo),
          router.route(path: path),
          "\(scriptName) + \(pathInfo)"
        )
      }
    }
  }

  /// Paths outside the API, wrong case, trailing slashes and other base paths are 404 with the path named.
  func testUnknownPathsAreNotFound() async throws {
    let paths = [
      "", "/", "/host", "/DEV/host", "/dev/HOST", "/dev/host/", "/dev", "/dev/", "/devx/host",
      "/health/", "/status/x", "/prod/host", "//dev/host", "/dev//host", "dev/host", "/dev/stress",
      "/dev/stress-cpux/1/1", "/health/dev/host",
    ]
    for path in paths {
      guard case .failure(let error) = router.route(path: path) else {
        XCTFail("\(path) should not match")
        continue
      }
      XCTAssertEqual(error.status, .notFound, path)
      XCTAssertTrue(error.message.hasPrefix("no route for "), error.message)
    }
  }

  /// A different base path moves the API: `/prod/host` matches and `/dev/host` does not.
  func testBasePathIsConfigurable() async throws {
    let prod = Router(basePath: "prod_2-x", maxStressSeconds: 60)
    XCTAssertEqual(prod.route(path: "/prod_2-x/host"), .success(.host))
    XCTAssertEqual(prod.route(path: "/health"), .success(.health))
    guard case .failure(let error) = prod.route(path: "/dev/host") else {
      return XCTFail("/dev/host matched under base prod_2-x")
    }
    XCTAssertEqual(error.status, .notFound)
  }

  /// Every malformed stress path is a 400 whose message names the part that was wrong.
  func testBadStressInputIsBadRequestNamingTheProblem() async throws {
    let cases: [(String, String)] = [
      ("/dev/stress-cpu", "missing percent and seconds"),
      ("/dev/stress-cpu/", "percent is empty"),
      ("/dev/stress-cpu/50", "missing seconds"),
      ("/dev/stress-cpu/50/", "seconds is empty"),
      ("/dev/stress-cpu//10", "percent is empty"),
      ("/dev/stress-cpu/-5/10", "percent must be digits only"),
      ("/dev/stress-cpu/+5/10", "percent must be digits only"),
      ("/dev/stress-cpu/5.5/10", "percent must be digits only"),
      ("/dev/stress-cpu/1e2/10", "percent must be digits only"),
      ("/dev/stress-cpu/ 5/10", "percent must be digits only"),
      ("/dev/stress-cpu/5 /10", "percent must be digits only"),
      ("/dev/stress-cpu/0x10/10", "percent must be digits only"),
      ("/dev/stress-cpu/%35/10", "percent must be digits only"),
      ("/dev/stress-cpu/５/10", "percent must be digits only"),
      ("/dev/stress-cpu/007/10", "percent must be written without leading zeros"),
      ("/dev/stress-cpu/00/10", "percent must be written without leading zeros"),
      ("/dev/stress-cpu/50/030", "seconds must be written without leading zeros"),
      ("/dev/stress-cpu/101/10", "percent must be a whole number from 0 to 100"),
      ("/dev/stress-cpu/99999999999999999999/10", "percent must be a whole number from 0 to 100"),
      ("/dev/stress-cpu/50/0", "seconds must be a whole number from 1 to 900"),
      ("/dev/stress-cpu/50/901", "seconds must be a whole number from 1 to 900"),
      ("/dev/stress-cpu/50/99999999999999999999", "seconds must be a whole number from 1 to 900"),
      ("/dev/stress-cpu/50/-1", "seconds must be digits only"),
      ("/dev/stress-cpu/50/1.5", "seconds must be digits only"),
      ("/dev/stress-cpu/50/1e3", "seconds must be digits only"),
      ("/dev/stress-cpu/50/10%00", "seconds must be digits only"),
      ("/dev/stress-cpu/50/10/", "unexpected path after seconds"),
      ("/dev/stress-cpu/50/10/extra", "unexpected path after seconds"),
    ]
    for (path, expected) in cases {
      guard case .failure(let error) = router.route(path: path) else {
        XCTFail("\(path) was accepted")
        continue
      }
      XCTAssertEqual(error.status, .badRequest, path)
      XCTAssertTrue(error.message.contains(expected), "\(path): \(error.message)")
    }
  }

  /// Client input echoed in an error is cut short, so a huge path cannot produce a huge body.
  func testEchoedInputIsTruncated() async throws {
    let long = String(repeating: "x", count: 100_000)
    guard case .failure(let error) = router.route(path: "/" + long) else {
      return XCTFail("matched")
    }
    XCTAssertLessThan(error.message.count, 100)
    XCTAssertTrue(error.message.hasSuffix("...\""), error.message)
  }
}
