/// One FastCGI request as the handler sees it: read parameters, send the response once.
///
/// The executable implements it over libfcgi's `FCGX_Request`; tests implement it with a dictionary
/// and a byte buffer, so request handling is tested without sockets.
package protocol FastCGIExchange {
  /// A FastCGI parameter such as `REQUEST_METHOD`, `SCRIPT_NAME` or `PATH_INFO`.
  /// - Parameter name: the parameter name.
  /// - Returns: its value, or nil when nginx did not send it.
  func parameter(_ name: String) -> String?
  /// Writes the complete stdout stream (headers and body) of the response.
  /// - Parameter bytes: the serialised response.
  func send(_ bytes: [UInt8]) throws
}
