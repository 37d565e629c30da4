/// An error that becomes an HTTP response: a status and a message for the `{"error": ...}` body.
///
/// ```swift
/// throw HTTPError(.badRequest, message: "percent must be digits only")
/// ```
public struct HTTPError: Error, Sendable, Equatable {
  /// The response status.
  public let status: HTTPStatus
  /// The text of the body's `error` member.
  public let message: String
  /// Extra response headers (the `Allow` header of a 405).
  public let headers: [HTTPHeader]

  /// Creates an error.
  /// - Parameters:
  ///   - status: the response status.
  ///   - message: what was wrong, for the client.
  ///   - headers: extra response headers.
  public init(_ status: HTTPStatus, message: String, headers: [HTTPHeader] = []) {
    self.status = status
    self.message = message
    self.headers = headers
  }

  /// The response for this error: `{"error":"<message>"}`.
  public var response: Response {
    Response(status: status, json: .object(["error": .string(message)]), headers: headers)
  }
}

// MARK: - Echoing client input

extension HTTPError {
  /// The longest echo of client input placed in an error message.
  public static let maxEchoedCharacters = 40

  /// Client input as a quoted, length-limited string for an error message.
  /// - Parameter text: the input.
  /// - Returns: e.g. `"abc"`, or the first characters followed by `...` when long.
  public static func quote(_ text: some StringProtocol) -> String {
    let shown =
      text.count > maxEchoedCharacters ? text.prefix(maxEchoedCharacters) + "..." : String(text)
    return "\"" + shown + "\""
  }
}

// MARK: - CustomStringConvertible

extension HTTPError: CustomStringConvertible {
  /// `404 Not Found: no route for "/x"`, for logs.
  public var description: String { "\(status.code) \(status.reason): \(message)" }
}
