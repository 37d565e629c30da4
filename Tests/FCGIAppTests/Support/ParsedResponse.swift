import FCGIAppCore
import Foundation

/// A FastCGI stdout stream split back into status, headers and body, for assertions.
struct ParsedResponse {
  /// The numeric status from the `Status:` header.
  let status: Int
  /// Header names to values, in order.
  let headers: [(name: String, value: String)]
  /// The body text.
  let body: String

  /// Parses `Status: 200 OK\r\nName: value\r\n\r\nbody`.
  /// - Parameter bytes: the serialised response.
  /// - Returns: the parts, or nil if the framing is wrong.
  init?(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    var headers: [(String, String)] = []
    for line in text[..<split.lowerBound].components(separatedBy: "\r\n") {
      guard let colon = line.firstIndex(of: ":") else { return nil }
      let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
      headers.append((String(line[..<colon]), String(value)))
    }
    guard let status = headers.first(where: { $0.0 == "Status" }).flatMap({ Int($0.1.prefix(3)) })
    else { return nil }
    self.status = status
    self.headers = headers
    self.body = String(text[split.upperBound...])
  }

  /// The first header with this name.
  /// - Parameter name: the header name.
  /// - Returns: its value or nil.
  func header(_ name: String) -> String? {
    headers.first(where: { $0.name == name })?.value
  }
}
