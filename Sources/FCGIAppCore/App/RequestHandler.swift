/// Turns a FastCGI request into its JSON response: routing, validation, the endpoints and counters.
///
/// It is shared by all worker threads and holds no mutable state of its own.
///
/// ```swift
/// let handler = RequestHandler(config: config, hostname: "web-1", clock: clock, stress: engine,
///                              counters: ServerCounters(workersTotal: 16))
/// try handler.handle(exchange)  // one call per accepted request
/// ```
package final class RequestHandler: Sendable {
  /// Routes paths to endpoints.
  package let router: Router
  /// The `imageUri` value.
  package let image: String
  /// The host name reported by `/{base}/host` and stress responses.
  package let hostname: String
  /// Wall and monotonic time.
  package let clock: any AppClock
  /// The stress job controller.
  package let stress: any StressControlling
  /// Request counters for `/status`.
  package let counters: ServerCounters
  private let startedAt: Double
  private let hostPrefix: [UInt8]
  private let hostSuffix: [UInt8]

  /// Creates a handler.
  /// - Parameters:
  ///   - config: the server configuration (base path, image, stress limit).
  ///   - hostname: the host name to report.
  ///   - clock: the clocks.
  ///   - stress: the stress controller.
  ///   - counters: shared request counters.
  package init(
    config: AppConfig,
    hostname: String,
    clock: any AppClock,
    stress: any StressControlling,
    counters: ServerCounters
  ) {
    self.router = Router(basePath: config.basePath, maxStressSeconds: config.stressMaxSeconds)
    self.image = config.image
    self.hostname = hostname
    self.clock = clock
    self.stress = stress
    self.counters = counters
    self.startedAt = clock.monotonicSeconds()
    // `/host` is the hot path: everything but the timestamp is encoded once here.
    self.hostPrefix = Array(#"{"message":"Request handled by backend at "#.utf8)
    var suffix = Array(#"","imageUri":"#.utf8)
    JSONValue.appendQuoted(config.image, to: &suffix)
    suffix.append(contentsOf: #","hostname":"#.utf8)
    JSONValue.appendQuoted(hostname, to: &suffix)
    suffix.append(UInt8(ascii: "}"))
    self.hostSuffix = suffix
  }

  /// Handles one request: reads its parameters, counts it and sends the response.
  /// - Parameter exchange: the request.
  /// - Throws: whatever `exchange.send` throws (the client went away).
  package func handle(_ exchange: some FastCGIExchange) throws {
    counters.requestStarted()
    defer { counters.requestFinished() }
    let method = exchange.parameter("REQUEST_METHOD") ?? ""
    let response = respond(
      method: method,
      scriptName: exchange.parameter("SCRIPT_NAME") ?? "",
      pathInfo: exchange.parameter("PATH_INFO") ?? ""
    )
    try exchange.send(response.serialized(includeBody: method != "HEAD"))
  }

  /// The response for a request.
  /// - Parameters:
  ///   - method: `REQUEST_METHOD`.
  ///   - scriptName: `SCRIPT_NAME`.
  ///   - pathInfo: `PATH_INFO`.
  /// - Returns: the response (HEAD gets the GET response; the caller drops the body).
  package func respond(method: String, scriptName: String, pathInfo: String) -> Response {
    guard method == "GET" || method == "HEAD" else {
      return HTTPError(
        .methodNotAllowed,
        message: "method \(HTTPError.quote(method)) is not allowed; use GET or HEAD",
        headers: [.allowGetHead]
      ).response
    }
    switch router.route(scriptName: scriptName, pathInfo: pathInfo) {
    case .failure(let error):
      return error.response
    case .success(.health):
      return Response(status: .ok, body: Self.healthBody)
    case .success(.status):
      return Response(status: .ok, json: statusSnapshot().json)
    case .success(.host):
      return hostResponse()
    case .success(.stressCPU(let percent, let seconds)):
      return stressResponse(percent: percent, seconds: seconds, dryRun: method == "HEAD")
    }
  }

  /// The current `/status` document.
  /// - Returns: the snapshot.
  package func statusSnapshot() -> StatusSnapshot {
    StatusSnapshot(
      uptimeSeconds: clock.monotonicSeconds() - startedAt,
      requestsServed: counters.requestsServed,
      workersBusy: counters.workersBusy,
      workersTotal: counters.workersTotal,
      cpusAllowed: stress.cpusAllowed,
      stress: stress.current(),
      hostname: hostname
    )
  }

  private func hostResponse() -> Response {
    var body: [UInt8] = []
    body.reserveCapacity(hostPrefix.count + 24 + hostSuffix.count)
    body.append(contentsOf: hostPrefix)
    clock.now().appendISO8601(to: &body)
    body.append(contentsOf: hostSuffix)
    return Response(status: .ok, body: body)
  }

  /// Starts, replaces or stops the stress job. `dryRun` (HEAD) builds the same response without
  /// touching the job, because HEAD must not change state.
  private func stressResponse(percent: Int, seconds: Int, dryRun: Bool) -> Response {
    if percent == 0 {
      let stopped = dryRun ? stress.current() : stress.stop()
      return Response(
        status: .ok,
        json: .object([
          "message": .string("Stopped CPU stress"),
          "host": .string(hostname),
          "percent": .int(0),
          "stopped": stopped?.json ?? .null,
        ])
      )
    }
    let job =
      dryRun
      ? StressJob(
        generation: 0,
        percent: percent,
        seconds: seconds,
        startedAt: clock.now(),
        plan: StressPlan(cpusAllowed: stress.cpusAllowed, percent: percent)
      )
      : stress.start(percent: percent, seconds: seconds)
    let message = [
      JSONField("message", .string("Simulating \(percent)% CPU usage for \(seconds) seconds")),
      JSONField("host", .string(hostname)),
    ]
    return Response(status: .ok, json: .object(message + job.fields))
  }

  private static let healthBody = Array(#"{"status":"ok"}"#.utf8)
}
