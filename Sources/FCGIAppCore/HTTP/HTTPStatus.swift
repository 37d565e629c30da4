/// An HTTP status code with its reason phrase, as written in the FastCGI `Status:` header.
public struct HTTPStatus: Sendable, Equatable {
  /// The numeric code, e.g. 404.
  public let code: Int
  /// The reason phrase, e.g. "Not Found".
  public let reason: String

  /// Creates a status.
  /// - Parameters:
  ///   - code: the numeric code.
  ///   - reason: the reason phrase.
  public init(code: Int, reason: String) {
    self.code = code
    self.reason = reason
  }

  public static let ok = HTTPStatus(code: 200, reason: "OK")
  public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
  public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
  public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
}
