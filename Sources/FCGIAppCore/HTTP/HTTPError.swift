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

// MARK: - CustomStringConvertible

extension HTTPError: CustomStringConvertible {
  /// `404 Not Found: no route for "/x"`, for logs.
  public var description: String { "\(status.code) \(status.reason): \(message)" }
}
