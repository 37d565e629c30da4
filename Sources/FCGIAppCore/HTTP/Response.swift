/// A JSON response: status, body and any extra headers.
public struct Response: Sendable, Equatable {
  /// The response status.
  public var status: HTTPStatus
  /// The JSON body bytes.
  public var body: [UInt8]
  /// Headers besides Status, Content-Type and Content-Length.
  public var headers: [HTTPHeader]

  /// Creates a response from encoded body bytes.
  /// - Parameters:
  ///   - status: the response status.
  ///   - body: the JSON body bytes.
  ///   - headers: extra headers.
  public init(status: HTTPStatus, body: [UInt8], headers: [HTTPHeader] = []) {
    self.status = status
    self.body = body
    self.headers = headers
  }

  /// Creates a response from a JSON value.
  /// - Parameters:
  ///   - status: the response status.
  ///   - json: the body document.
  ///   - headers: extra headers.
  public init(status: HTTPStatus, json: JSONValue, headers: [HTTPHeader] = []) {
    self.init(status: status, body: json.encoded(), headers: headers)
  }
}
