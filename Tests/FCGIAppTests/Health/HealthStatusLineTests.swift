import FCGIAppCore
import XCTest

final class HealthStatusLineTests: XCTestCase {
  /// Only an HTTP status line with status 200 is healthy; the reason phrase does not matter.
  func testOnly200IsHealthy() async throws {
    for line in ["HTTP/1.1 200 OK", "HTTP/1.0 200", "HTTP/1.1 200 anything at all", "HTTP/2 200"] {
      XCTAssertTrue(HealthStatusLine.isHealthy(line), line)
    }
    let unhealthy = [
      "HTTP/1.1 503 Service Unavailable", "HTTP/1.1 502 Bad Gateway", "HTTP/1.1 2000 OK",
      "HTTP/1.1 20 OK", "HTTP/1.1  200 OK", "HTTP/ 200 OK", "http/1.1 200 OK", "200 OK",
      "SSH-2.0-OpenSSH 200", "", "HTTP/1.1", "HTTP/1.1 204 No Content",
    ]
    for line in unhealthy {
      XCTAssertFalse(HealthStatusLine.isHealthy(line), line.debugDescription)
    }
  }
}
