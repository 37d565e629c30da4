/// The verdict of `FCGIApp healthcheck` on the status line nginx sent back for `GET /health`.
///
/// ```swift
/// HealthStatusLine.isHealthy("HTTP/1.1 200 OK")                   // true
/// HealthStatusLine.isHealthy("HTTP/1.1 503 Service Unavailable")  // false
/// ```
package enum HealthStatusLine {
  /// Whether the line is an HTTP status line with status 200 (the reason phrase is not read).
  /// - Parameter line: the first line of the response, without its line break.
  /// - Returns: true only for `HTTP/<version> 200` with or without a reason.
  package static func isHealthy(_ line: String) -> Bool {
    let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
    return fields.count >= 2 && fields[0].hasPrefix("HTTP/") && fields[0].count > 5
      && fields[1] == "200"
  }
}
