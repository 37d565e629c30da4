/// One response header line.
public struct HTTPHeader: Sendable, Equatable {
  /// The header name, e.g. `Allow`.
  public let name: String
  /// The header value, e.g. `GET, HEAD`.
  public let value: String

  /// Creates a header.
  /// - Parameters:
  ///   - name: the header name.
  ///   - value: the header value (must not contain CR or LF).
  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }

  /// `Allow: GET, HEAD`, sent with every 405.
  public static let allowGetHead = HTTPHeader("Allow", "GET, HEAD")
}
