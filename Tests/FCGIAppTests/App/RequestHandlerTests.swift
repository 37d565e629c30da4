import FCGIAppCore
import Synchronization
import XCTest

/// Every route and error through the in-process entry point `RequestHandler.handle(_:)`, with a fake
/// FastCGI exchange, fixed clocks and a stress controller that only records calls.
final class RequestHandlerTests: XCTestCase {
  /// A FastCGI request made of a parameter dictionary; `send` keeps the bytes.
  final class FakeExchange: FastCGIExchange {
    let parameters: [String: String]
    private(set) var sent: [[UInt8]] = []

    init(_ method: String, _ scriptName: String, _ pathInfo: String = "") {
      parameters = ["REQUEST_METHOD": method, "SCRIPT_NAME": scriptName, "PATH_INFO": pathInfo]
    }

    func parameter(_ name: String) -> String? { parameters[name] }
    func send(_ bytes: [UInt8]) throws { sent.append(bytes) }
  }

  /// Wall time fixed at 2024-09-25T12:28:17.593Z; monotonic time advances 1.5 s per reading.
  final class FixedClock: AppClock {
    let ticks = Atomic<Int>(0)
    func now() -> UTCTimestamp { UTCTimestamp(seconds: 1_727_267_297, nanoseconds: 593_000_000) }
    func monotonicSeconds() -> Double { Double(ticks.add(1, ordering: .relaxed).oldValue) * 1.5 }
  }

  /// Records start/stop calls and pretends the process may use 2 CPUs.
  final class RecordingStress: StressControlling {
    let calls = Mutex<[String]>([])
    let job = Mutex<StressJob?>(nil)
    var cpusAllowed: Double { 2 }

    func start(percent: Int, seconds: Int) -> StressJob {
      calls.withLock { $0.append("start \(percent) \(seconds)") }
      let started = StressJob(
        generation: 1,
        percent: percent,
        seconds: seconds,
        startedAt: FixedClock().now(),
        plan: StressPlan(cpusAllowed: 2, percent: percent)
      )
      job.withLock { $0 = started }
      return started
    }

    func stop() -> StressJob? {
      calls.withLock { $0.append("stop") }
      return job.withLock { current in
        defer { current = nil }
        return current
      }
    }

    func current() -> StressJob? { job.withLock { $0 } }
  }

  private func makeHandler(
    image: String = "repo/app@sha256:abc",
    stress: RecordingStress = RecordingStress()
  ) -> RequestHandler {
    RequestHandler(
      config: AppConfig(basePath: "dev", image: image, stressMaxSeconds: 900),
      hostname: "ip-10-0-0-1",
      clock: FixedClock(),
      stress: stress,
      counters: ServerCounters(workersTotal: 16)
    )
  }

  private func call(
    _ handler: RequestHandler,
    _ method: String,
    _ scriptName: String,
    _ pathInfo: String = ""
  ) throws -> ParsedResponse {
    let exchange = FakeExchange(method, scriptName, pathInfo)
    try handler.handle(exchange)
    XCTAssertEqual(exchange.sent.count, 1, "one write per response")
    return try XCTUnwrap(ParsedResponse(exchange.sent.first ?? []))
  }

  /// `/health` answers 200 `{"status":"ok"}` with JSON content type and exact length.
  func testHealthAnswersOK() async throws {
    let response = try call(makeHandler(), "GET", "/health")
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.body, #"{"status":"ok"}"#)
    XCTAssertEqual(response.header("Content-Type"), "application/json")
    XCTAssertEqual(response.header("Content-Length"), "15")
  }

  /// `/{base}/host` reports the time (UTC, ms, Z), the image and the host name, escaped as JSON.
  func testHostReportsTimeImageAndHostname() async throws {
    let response = try call(makeHandler(image: #"weird"image\"#), "GET", "/dev", "/host")
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(
      response.body,
      #"{"message":"Request handled by backend at 2024-09-25T12:28:17.593Z","imageUri":"weird\"image\\","hostname":"ip-10-0-0-1"}"#
    )
    XCTAssertEqual(response.header("Content-Length"), String(response.body.utf8.count))
  }

  /// HEAD gets the GET headers, Content-Length included, and no body.
  func testHeadSendsHeadersWithoutBody() async throws {
    let handler = makeHandler()
    for (scriptName, pathInfo) in [("/health", ""), ("/dev", "/host"), ("/status", ""), ("/x", "")]
    {
      let get = try call(handler, "GET", scriptName, pathInfo)
      let head = try call(handler, "HEAD", scriptName, pathInfo)
      XCTAssertEqual(head.status, get.status)
      XCTAssertEqual(head.body, "")
      XCTAssertEqual(head.header("Content-Length"), String(get.body.utf8.count))
      XCTAssertEqual(head.header("Content-Type"), "application/json")
    }
  }

  /// A stress request starts the job and answers at once with the message, plan and end time.
  func testStressStartsJobAndDescribesIt() async throws {
    let stress = RecordingStress()
    let response = try call(makeHandler(stress: stress), "GET", "/dev", "/stress-cpu/75/120")
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(stress.calls.withLock { $0 }, ["start 75 120"])
    XCTAssertEqual(
      response.body,
      #"{"message":"Simulating 75% CPU usage for 120 seconds","host":"ip-10-0-0-1","percent":75,"#
        + #""seconds":120,"startedAt":"2024-09-25T12:28:17.593Z","endsAt":"2024-09-25T12:30:17.593Z","#
        + #""cpusAllowed":2.0,"targetCPUs":1.5,"threads":2}"#
    )
  }

  /// Percent 0 stops the running job and reports it; with none running `stopped` is null.
  func testPercentZeroStopsTheJob() async throws {
    let stress = RecordingStress()
    let handler = makeHandler(stress: stress)
    _ = try call(handler, "GET", "/dev", "/stress-cpu/50/60")
    let stopped = try call(handler, "GET", "/dev", "/stress-cpu/0/1")
    XCTAssertEqual(stopped.status, 200)
    XCTAssertTrue(
      stopped.body.hasPrefix(
        #"{"message":"Stopped CPU stress","host":"ip-10-0-0-1","percent":0,"stopped":{"percent":50,"#
      ), stopped.body)
    let again = try call(handler, "GET", "/dev", "/stress-cpu/0/1")
    XCTAssertTrue(again.body.hasSuffix(#""stopped":null}"#), again.body)
    XCTAssertEqual(stress.calls.withLock { $0 }, ["start 50 60", "stop", "stop"])
  }

  /// HEAD on a stress path answers like GET but starts and stops nothing.
  func testHeadDoesNotTouchStress() async throws {
    let stress = RecordingStress()
    let handler = makeHandler(stress: stress)
    let head = try call(handler, "HEAD", "/dev", "/stress-cpu/75/120")
    let get = try call(handler, "GET", "/dev", "/stress-cpu/75/120")
    XCTAssertEqual(head.header("Content-Length"), String(get.body.utf8.count))
    _ = try call(handler, "HEAD", "/dev", "/stress-cpu/0/1")
    XCTAssertEqual(stress.calls.withLock { $0 }, ["start 75 120"])
  }

  /// Bad stress input is a 400 JSON error and starts nothing.
  func testBadStressInputIsBadRequest() async throws {
    let stress = RecordingStress()
    let handler = makeHandler(stress: stress)
    let response = try call(handler, "GET", "/dev", "/stress-cpu/1.5/10")
    XCTAssertEqual(response.status, 400)
    XCTAssertEqual(
      response.body,
      #"{"error":"percent must be digits only (a whole number from 0 to 100), got \"1.5\""}"#
    )
    XCTAssertEqual(response.header("Content-Type"), "application/json")
    XCTAssertEqual(stress.calls.withLock { $0 }, [])
  }

  /// Unknown paths are 404 JSON naming the path.
  func testUnknownPathIsNotFound() async throws {
    let response = try call(makeHandler(), "GET", "/DEV", "/host")
    XCTAssertEqual(response.status, 404)
    XCTAssertEqual(response.body, #"{"error":"no route for \"/DEV/host\""}"#)
  }

  /// Methods other than GET and HEAD are 405 with `Allow: GET, HEAD`, on any path.
  func testOtherMethodsAreNotAllowed() async throws {
    let handler = makeHandler()
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", ""] {
      let response = try call(handler, method, "/dev", "/host")
      XCTAssertEqual(response.status, 405, method)
      XCTAssertEqual(response.header("Allow"), "GET, HEAD")
      XCTAssertTrue(response.body.hasPrefix(#"{"error":"method "#), response.body)
    }
  }

  /// `/status` reports uptime, requests (this one included), busy/total workers and the stress job.
  func testStatusReportsCountersAndStress() async throws {
    let handler = makeHandler()
    _ = try call(handler, "GET", "/health")
    _ = try call(handler, "GET", "/dev", "/stress-cpu/10/30")
    let response = try call(handler, "GET", "/status")
    XCTAssertEqual(response.status, 200)
    XCTAssertTrue(
      response.body.contains(#""requestsServed":3,"workers":{"busy":1,"total":16}"#), response.body)
    XCTAssertTrue(response.body.contains(#""stress":{"percent":10,"seconds":30,"#), response.body)
    XCTAssertTrue(response.body.hasPrefix(#"{"uptimeSeconds":"#), response.body)
    XCTAssertEqual(handler.counters.workersBusy, 0)
  }

  /// Missing FastCGI parameters do not crash: no method is a 405, no path a 404.
  func testMissingParametersAreHandled() async throws {
    final class EmptyExchange: FastCGIExchange {
      var sent: [UInt8] = []
      func parameter(_ name: String) -> String? { name == "REQUEST_METHOD" ? "GET" : nil }
      func send(_ bytes: [UInt8]) throws { sent = bytes }
    }
    let exchange = EmptyExchange()
    try makeHandler().handle(exchange)
    XCTAssertEqual(ParsedResponse(exchange.sent)?.status, 404)
  }
}
