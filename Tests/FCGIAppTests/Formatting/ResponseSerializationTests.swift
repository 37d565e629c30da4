import FCGIAppCore
import XCTest

final class ResponseSerializationTests: XCTestCase {
  /// The stream is Status, Content-Type, Content-Length, extra headers, a blank line and the body.
  func testHeadersThenBody() async throws {
    let response = HTTPError(.methodNotAllowed, message: "no", headers: [.allowGetHead]).response
    let text = String(decoding: response.serialized(), as: UTF8.self)
    XCTAssertEqual(
      text,
      "Status: 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: 14\r\n"
        + "Allow: GET, HEAD\r\n\r\n{\"error\":\"no\"}"
    )
  }

  /// Without the body (HEAD) the Content-Length still counts the body.
  func testHeadKeepsContentLength() async throws {
    let response = Response(status: .ok, json: .object(["status": .string("ok")]))
    let text = String(decoding: response.serialized(includeBody: false), as: UTF8.self)
    XCTAssertEqual(
      text, "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n")
  }
}
