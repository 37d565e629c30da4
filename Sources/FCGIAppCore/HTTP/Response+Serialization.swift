// MARK: - FastCGI stdout serialisation

extension Response {
  /// The whole FastCGI stdout stream for this response, built as one buffer so it is written with one call:
  /// `Status:`, `Content-Type: application/json`, `Content-Length`, extra headers, a blank line, then the
  /// body unless `includeBody` is false (HEAD keeps the GET headers, Content-Length included).
  /// - Parameter includeBody: false for HEAD.
  /// - Returns: the bytes to write.
  public func serialized(includeBody: Bool = true) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(96 + (includeBody ? body.count : 0))
    bytes.append(contentsOf: "Status: ".utf8)
    bytes.append(contentsOf: String(status.code).utf8)
    bytes.append(UInt8(ascii: " "))
    bytes.append(contentsOf: status.reason.utf8)
    bytes.append(contentsOf: "\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
    bytes.append(contentsOf: String(body.count).utf8)
    bytes.append(contentsOf: "\r\n".utf8)
    for header in headers {
      bytes.append(contentsOf: header.name.utf8)
      bytes.append(contentsOf: ": ".utf8)
      bytes.append(contentsOf: header.value.utf8)
      bytes.append(contentsOf: "\r\n".utf8)
    }
    bytes.append(contentsOf: "\r\n".utf8)
    if includeBody { bytes.append(contentsOf: body) }
    return bytes
  }
}
