/// A JSON response: status, body and any extra headers.
package struct Response: Sendable, Equatable {
  /// The response status.
  package var status: HTTPStatus
  /// The JSON body bytes.
  package var body: [UInt8]
  /// Headers besides Status, Content-Type and Content-Length.
  package var headers: [HTTPHeader]

  /// Creates a response from encoded body bytes.
  /// - Parameters:
  ///   - status: the response status.
  ///   - body: the JSON body bytes.
  ///   - headers: extra headers.
  package init(status: HTTPStatus, body: [UInt8], headers: [HTTPHeader] = []) {
    self.status = status
    self.body = body
    self.headers = headers
  }

  /// Creates a response from a JSON value.
  /// - Parameters:
  ///   - status: the response status.
  ///   - json: the body document.
  ///   - headers: extra headers.
  package init(status: HTTPStatus, json: JSONValue, headers: [HTTPHeader] = []) {
    self.init(status: status, body: json.encoded(), headers: headers)
  }
}

// MARK: - Header

/// One response header line.
package struct HTTPHeader: Sendable, Equatable {
  /// The header name, e.g. `Allow`.
  package let name: String
  /// The header value, e.g. `GET, HEAD`.
  package let value: String

  /// Creates a header.
  /// - Parameters:
  ///   - name: the header name.
  ///   - value: the header value (must not contain CR or LF).
  package init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }

  /// `Allow: GET, HEAD`, sent with every 405.
  package static let allowGetHead = HTTPHeader("Allow", "GET, HEAD")
}

// MARK: - FastCGI stdout serialisation

extension Response {
  /// The whole FastCGI stdout stream for this response, built as one buffer so it is written with one call:
  /// `Status:`, `Content-Type: application/json`, `Content-Length`, extra headers, a blank line, then the
  /// body unless `includeBody` is false (HEAD keeps the GET headers, Content-Length included).
  /// - Parameter includeBody: false for HEAD.
  /// - Returns: the bytes to write.
  package func serialized(includeBody: Bool = true) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(96 + (includeBody ? body.count : 0))
    // The constant parts are byte arrays made once: appending one is a copy, where appending a
    // String's UTF-8 view walked it (callgrind: a third of this function's instructions).
    bytes.append(contentsOf: Self.statusPrefix)
    bytes.appendDecimal(Int64(status.code))
    bytes.append(UInt8(ascii: " "))
    bytes.append(contentsOf: status.reason.utf8)
    bytes.append(contentsOf: Self.jsonHeaders)
    bytes.appendDecimal(Int64(body.count))
    bytes.append(contentsOf: Self.lineEnd)
    for header in headers {
      bytes.append(contentsOf: header.name.utf8)
      bytes.append(contentsOf: ": ".utf8)
      bytes.append(contentsOf: header.value.utf8)
      bytes.append(contentsOf: Self.lineEnd)
    }
    bytes.append(contentsOf: Self.lineEnd)
    if includeBody { bytes.append(contentsOf: body) }
    return bytes
  }

  private static let statusPrefix = Array("Status: ".utf8)
  private static let jsonHeaders = Array(
    "\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
  private static let lineEnd = Array("\r\n".utf8)
}
