/// Maps a request path to a `Route`, or to the 404/400 error that explains why it does not match.
///
/// nginx passes the base path in `SCRIPT_NAME` and the rest in `PATH_INFO`; the router matches their
/// concatenation, so it gives the same answer however nginx splits the path. Matching is exact and
/// case-sensitive: `/DEV/host` and `/dev/host/` are not `/dev/host`.
///
/// ```swift
/// let router = Router(basePath: "dev", maxStressSeconds: 900)
/// router.route(scriptName: "/dev", pathInfo: "/stress-cpu/75/120")  // .success(.stressCPU(75, 120))
/// ```
package struct Router: Sendable {
  /// The first path segment of the public API, e.g. `dev`.
  package let basePath: String
  /// The largest accepted `{seconds}`.
  package let maxStressSeconds: Int
  /// `/{basePath}/host`, the path of the hot route, as bytes.
  private let hostPath: [UInt8]

  /// Creates a router.
  /// - Parameters:
  ///   - basePath: the base path without slashes.
  ///   - maxStressSeconds: the largest accepted stress duration.
  package init(basePath: String, maxStressSeconds: Int) {
    self.basePath = basePath
    self.maxStressSeconds = maxStressSeconds
    self.hostPath = Array("/\(basePath)/host".utf8)
  }

  /// Matches a request path.
  /// - Parameters:
  ///   - scriptName: the FastCGI `SCRIPT_NAME` parameter.
  ///   - pathInfo: the FastCGI `PATH_INFO` parameter.
  /// - Returns: the route, or a 404 (no such resource) or 400 (bad stress parameters) error.
  package func route(scriptName: String, pathInfo: String) -> Result<Route, HTTPError> {
    // The hot path, `/{base}/host` however nginx splits it, is compared in place: the full match below
    // builds the joined path and an array of its segments for every request.
    let script = scriptName.utf8
    let info = pathInfo.utf8
    if script.count + info.count == hostPath.count,
      script.elementsEqual(hostPath[..<script.count]),
      info.elementsEqual(hostPath[script.count...])
    {
      return .success(.host)
    }
    return route(path: scriptName + pathInfo)
  }

  /// Matches a full request path.
  /// - Parameter path: the decoded path, starting with `/`.
  /// - Returns: the route or the error.
  package func route(path: String) -> Result<Route, HTTPError> {
    let utf8 = path.utf8
    guard utf8.first == UInt8(ascii: "/") else { return .failure(notFound(path)) }
    let segments = utf8.dropFirst().split(
      separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    if segments.count == 1 {
      if segments[0].elementsEqual("health".utf8) { return .success(.health) }
      if segments[0].elementsEqual("status".utf8) { return .success(.status) }
    }
    guard segments.count >= 2, segments[0].elementsEqual(basePath.utf8) else {
      return .failure(notFound(path))
    }
    if segments.count == 2, segments[1].elementsEqual("host".utf8) { return .success(.host) }
    guard segments[1].elementsEqual("stress-cpu".utf8) else { return .failure(notFound(path)) }
    return stressRoute(parameters: segments.dropFirst(2).map { Substring($0) })
  }

  /// Validates `{percent}/{seconds}` (the segments after `stress-cpu`).
  private func stressRoute(parameters: [Substring]) -> Result<Route, HTTPError> {
    let usage = "expected /\(basePath)/stress-cpu/{percent}/{seconds}"
    guard let percentText = parameters.first else {
      return .failure(HTTPError(.badRequest, message: "missing percent and seconds: \(usage)"))
    }
    let percent: Int
    switch Self.parameter(percentText, name: "percent", range: 0...100) {
    case .success(let value): percent = value
    case .failure(let error): return .failure(error)
    }
    guard parameters.count >= 2 else {
      return .failure(HTTPError(.badRequest, message: "missing seconds: \(usage)"))
    }
    let seconds: Int
    switch Self.parameter(parameters[1], name: "seconds", range: 1...maxStressSeconds) {
    case .success(let value): seconds = value
    case .failure(let error): return .failure(error)
    }
    guard parameters.count == 2 else {
      let extra = parameters.dropFirst(2).joined(separator: "/")
      return .failure(
        HTTPError(
          .badRequest,
          message: "unexpected path after seconds: \(HTTPError.quote(extra)); \(usage)"
        )
      )
    }
    return .success(.stressCPU(percent: percent, seconds: seconds))
  }

  /// One decimal path parameter, or the 400 that names it, says what is wrong and echoes the input.
  private static func parameter(
    _ text: Substring,
    name: String,
    range: ClosedRange<Int>
  ) -> Result<Int, HTTPError> {
    DecimalCount.parse(text, range: range).mapError { problem in
      let echo = problem == .empty ? "" : ", got \(HTTPError.quote(text))"
      return HTTPError(.badRequest, message: "\(name) \(problem.reason(range: range))\(echo)")
    }
  }

  /// The 404 for a path no route matches.
  private func notFound(_ path: String) -> HTTPError {
    HTTPError(.notFound, message: "no route for \(HTTPError.quote(path))")
  }
}
