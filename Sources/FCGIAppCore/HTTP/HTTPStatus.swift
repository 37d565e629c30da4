/// An HTTP status code with its reason phrase, as written in the FastCGI `Status:` header.
package struct HTTPStatus: Sendable, Equatable {
  /// The numeric code, e.g. 404.
  package let code: Int
  /// The reason phrase, e.g. "Not Found".
  package let reason: String

  /// Creates a status.
  /// - Parameters:
  ///   - code: the numeric code.
  ///   - reason: the reason phrase.
  package init(code: Int, reason: String) {
    self.code = code
    self.reason = reason
  }

  package static let ok = HTTPStatus(code: 200, reason: "OK")
  package static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
  package static let notFound = HTTPStatus(code: 404, reason: "Not Found")
  package static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
}

// MARK: - Errors

/// An error that becomes an HTTP response: a status and a message for the `{"error": ...}` body.
///
/// ```swift
/// throw HTTPError(.badRequest, message: "percent must be digits only")
/// ```
package struct HTTPError: Error, Sendable, Equatable {
  /// The response status.
  package let status: HTTPStatus
  /// The text of the body's `error` member.
  package let message: String
  /// Extra response headers (the `Allow` header of a 405).
  package let headers: [HTTPHeader]

  /// Creates an error.
  /// - Parameters:
  ///   - status: the response status.
  ///   - message: what was wrong, for the client.
  ///   - headers: extra response headers.
  package init(_ status: HTTPStatus, message: String, headers: [HTTPHeader] = []) {
    self.status = status
    self.message = message
    self.headers = headers
  }

  /// The response for this error: `{"error":"<message>"}`.
  package var response: Response {
    Response(status: status, json: .object(["error": .string(message)]), headers: headers)
  }
}

// MARK: - Echoing client input

extension HTTPError {
  /// The longest echo of client input placed in an error message.
  package static let maxEchoedCharacters = 40

  /// Client input as a quoted, length-limited string for an error message.
  /// - Parameter text: the input.
  /// - Returns: e.g. `"abc"`, or the first characters followed by `...` when long.
  package static func quote(_ text: some StringProtocol) -> String {
    let shown =
      text.count > maxEchoedCharacters ? text.prefix(maxEchoedCharacters) + "..." : String(text)
    return "\"" + shown + "\""
  }
}

// MARK: - CustomStringConvertible

extension HTTPError: CustomStringConvertible {
  /// `404 Not Found: no route for "/x"`, for logs.
  package var description: String { "\(status.code) \(status.reason): \(message)" }
}
