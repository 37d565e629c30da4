import FCGIAppCore
import XCTest

final class AppConfigTests: XCTestCase {
  /// No variables (or empty ones) give the documented defaults.
  func testDefaults() async throws {
    let expected = AppConfig(
      listen: .unix(path: "/tmp/fcgiapp/fcgiapp.sock"),
      workers: 16,
      backlog: 1024,
      basePath: "dev",
      image: "NOT_FOUND",
      stressMaxSeconds: 900
    )
    XCTAssertEqual(AppConfig.parse(environment: [:]), .success(expected))
    XCTAssertEqual(
      AppConfig.parse(environment: ["IMAGE": "", "FCGI_WORKERS": ""]), .success(expected))
    XCTAssertEqual(AppConfig.healthCheckPort(environment: [:]), .success(3000))
  }

  /// Every variable is read.
  func testValuesAreRead() async throws {
    let config = try AppConfig.parse(environment: [
      "FCGI_LISTEN": "127.0.0.1:9000", "FCGI_WORKERS": "64", "FCGI_BACKLOG": "4096",
      "BASE_PATH": "prod_v2-a", "IMAGE": "123.dkr.ecr/app@sha256:ff", "STRESS_MAX_SECONDS": "60",
      "HOSTNAME": "ignored",
    ]).get()
    XCTAssertEqual(config.listen, .tcp(host: "127.0.0.1", port: 9000))
    XCTAssertEqual(config.workers, 64)
    XCTAssertEqual(config.backlog, 4096)
    XCTAssertEqual(config.basePath, "prod_v2-a")
    XCTAssertEqual(config.image, "123.dkr.ecr/app@sha256:ff")
    XCTAssertEqual(config.stressMaxSeconds, 60)
  }

  /// Every invalid variable is reported, each with its name, value and reason.
  func testAllProblemsAreReported() async throws {
    let result = AppConfig.parse(environment: [
      "FCGI_LISTEN": "relative.sock", "FCGI_WORKERS": "0", "FCGI_BACKLOG": "-1",
      "BASE_PATH": "dev/x", "STRESS_MAX_SECONDS": "1e3",
    ])
    guard case .failure(let failure) = result else { return XCTFail("accepted") }
    XCTAssertEqual(
      failure.problems.map(\.variable),
      ["FCGI_LISTEN", "FCGI_WORKERS", "FCGI_BACKLOG", "BASE_PATH", "STRESS_MAX_SECONDS"]
    )
    XCTAssertEqual(failure.problems[1].value, "0")
    XCTAssertEqual(failure.problems[1].reason, "must be a whole number from 1 to 1000")
    XCTAssertEqual(
      failure.problems[3].json.text,
      #"{"variable":"BASE_PATH","value":"dev/x","reason":"must be 1-64 characters of [A-Za-z0-9_-] (it is the URL prefix, e.g. dev for /dev/host)"}"#
    )
  }

  /// BASE_PATH is 1-64 of [A-Za-z0-9_-] and nothing else.
  func testBasePathRule() async throws {
    for valid in ["a", "dev", "A-Z_0-9", String(repeating: "x", count: 64)] {
      XCTAssertTrue(AppConfig.isValidBasePath(valid), valid)
    }
    for invalid in [
      "", String(repeating: "x", count: 65), "de v", "dev/", "dév", "../x", "a.b", "%41",
    ] {
      XCTAssertFalse(AppConfig.isValidBasePath(invalid), invalid)
    }
  }

  /// FCGI_LISTEN takes absolute paths (no ':' or over-long) and host:port with a numeric port.
  func testListenAddressRules() async throws {
    XCTAssertEqual(ListenAddress.parse("/run/app.sock"), .success(.unix(path: "/run/app.sock")))
    XCTAssertEqual(ListenAddress.parse(":9000"), .success(.tcp(host: "0.0.0.0", port: 9000)))
    XCTAssertEqual(ListenAddress.parse("*:9000"), .success(.tcp(host: "0.0.0.0", port: 9000)))
    XCTAssertEqual(ListenAddress.parse("localhost:1"), .success(.tcp(host: "127.0.0.1", port: 1)))
    let invalid = [
      "/a:b", "/dir/", "/" + String(repeating: "s", count: 107), "app.sock", "host:0",
      "1.2.3.4:65536",
      "1.2.3:80", "1.2.3.256:80", "example.com:80", "127.0.0.1:+80", "127.0.0.1:",
      "127.0.0.1:080", "127.0.0.01:80",
    ]
    for text in invalid {
      guard case .failure(let problem) = ListenAddress.parse(text) else {
        XCTFail("\(text) accepted")
        continue
      }
      XCTAssertEqual(problem.variable, "FCGI_LISTEN")
    }
  }

  /// PORT for the health check is validated like the others.
  func testHealthCheckPort() async throws {
    XCTAssertEqual(AppConfig.healthCheckPort(environment: ["PORT": "8080"]), .success(8080))
    guard case .failure(let failure) = AppConfig.healthCheckPort(environment: ["PORT": "80x"])
    else {
      return XCTFail("accepted")
    }
    XCTAssertEqual(failure.problems.first?.variable, "PORT")
  }

  /// Every count variable is decimal without leading zeros: 010 is refused, never read as 10 or 8.
  func testLeadingZerosAreRefusedForEveryCount() async throws {
    for name in ["FCGI_WORKERS", "FCGI_BACKLOG", "STRESS_MAX_SECONDS"] {
      guard case .failure(let failure) = AppConfig.parse(environment: [name: "010"]) else {
        XCTFail("\(name)=010 accepted")
        continue
      }
      XCTAssertEqual(failure.problems.map(\.variable), [name])
      XCTAssertTrue(
        failure.problems[0].reason.contains("leading zeros"), failure.problems[0].reason)
    }
    guard case .failure = AppConfig.healthCheckPort(environment: ["PORT": "08"]) else {
      return XCTFail("PORT=08 accepted")
    }
  }
}
