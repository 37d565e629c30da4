import FCGIAppCore
import XCTest

/// The sizing rule (`Preflight.Sizing`): nginx can hold W x floor((C + K) / 2) app connections (W
/// workers, C worker_connections, K keepalive); the app serves T threads and holds min(B, somaxconn)
/// more in its backlog; T must exceed W x K. Unset values are derived: K = min(64, (T or 1000) / 2W),
/// thread budget min(1000, 2 x K x W), B = somaxconn, C = min(16384, 2 x floor((T + B) / W) + 1 - K),
/// then T = min(budget, what nginx can open).
final class PreflightSizingTests: XCTestCase {
  /// Runs preflight with one CPU.
  private func run(_ environment: [String: String], listenQueueLimit: Int) -> Result<
    Preflight, ConfigProblems
  > {
    Preflight.run(environment: environment, cpusAllowed: 1, listenQueueLimit: listenQueueLimit)
  }

  /// The numbers preflight prints for the sizing variables.
  private func sizing(_ preflight: Preflight) -> [String: Int] {
    let names = [
      "NGINX_WORKER_PROCESSES", "NGINX_WORKER_CONNECTIONS", "NGINX_UPSTREAM_KEEPALIVE",
      "FCGI_WORKERS", "FCGI_BACKLOG", "NGINX_WORKER_RLIMIT_NOFILE",
    ]
    return Dictionary(uniqueKeysWithValues: names.map { ($0, Int(preflight[$0] ?? "") ?? -1) })
  }

  /// The rule holds for what preflight prints: nginx's app connections fit in threads plus backlog,
  /// idle kept connections cannot pin every thread, and nginx's open files stay within Fargate's.
  private func assertRuleHolds(
    _ values: [String: Int], listenQueueLimit: Int, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let (w, c, k) = (
      values["NGINX_WORKER_PROCESSES"]!, values["NGINX_WORKER_CONNECTIONS"]!,
      values["NGINX_UPSTREAM_KEEPALIVE"]!
    )
    let (t, b) = (values["FCGI_WORKERS"]!, values["FCGI_BACKLOG"]!)
    XCTAssertLessThanOrEqual(
      w * ((c + k) / 2), t + min(b, listenQueueLimit), "\(values)", file: file, line: line)
    XCTAssertGreaterThan(t, w * k, "\(values)", file: file, line: line)
    XCTAssertLessThanOrEqual(t, 1000, "\(values)", file: file, line: line)
    XCTAssertLessThanOrEqual(
      values["NGINX_WORKER_RLIMIT_NOFILE"]!, Preflight.fargateOpenFilesLimit, file: file, line: line
    )
  }

  /// The defaults with 1, 2 and 4 nginx workers and somaxconn 4096 (Linux 5.4+): keepalive 64, threads
  /// 2 x 64 x W (128, 256, 512), backlog 4096, and worker_connections 2 x floor((T + 4096) / W) + 1 - 64:
  /// 8385, 4289, 2241.
  func testDerivedDefaultsForOneTwoAndFourWorkers() async throws {
    for (workers, connections, threads) in [(1, 8385, 128), (2, 4289, 256), (4, 2241, 512)] {
      let preflight = try run(["NGINX_WORKER_PROCESSES": String(workers)], listenQueueLimit: 4096)
        .get()
      let values = sizing(preflight)
      XCTAssertEqual(
        values,
        [
          "NGINX_WORKER_PROCESSES": workers, "NGINX_WORKER_CONNECTIONS": connections,
          "NGINX_UPSTREAM_KEEPALIVE": 64, "FCGI_WORKERS": threads, "FCGI_BACKLOG": 4096,
          "NGINX_WORKER_RLIMIT_NOFILE": connections + 64,
        ], "\(workers) workers")
      assertRuleHolds(values, listenQueueLimit: 4096)
    }
  }

  /// The default of `make run` and the container (one worker, nothing set) follows somaxconn: 128 (before
  /// Linux 5.4) gives worker_connections 2 x (128 + 128) + 1 - 64 = 449; 65535 allows the 16384 cap.
  func testDefaultsFollowTheListenQueueLimit() async throws {
    for (limit, backlog, connections) in [
      (128, 128, 449), (4096, 4096, 8385), (65535, 65535, 16384),
    ] {
      let values = sizing(try run([:], listenQueueLimit: limit).get())
      XCTAssertEqual(values["FCGI_BACKLOG"], backlog, "somaxconn \(limit)")
      XCTAssertEqual(values["NGINX_WORKER_CONNECTIONS"], connections, "somaxconn \(limit)")
      XCTAssertEqual(values["FCGI_WORKERS"], 128, "somaxconn \(limit)")
      assertRuleHolds(values, listenQueueLimit: limit)
    }
  }

  /// Fewer worker_connections than the cap need fewer threads: the app gets one per connection nginx
  /// can open, and keepalive follows a smaller FCGI_WORKERS (at most half the threads per worker).
  func testThreadsAndKeepaliveFollowWhatIsGiven() async throws {
    let small = sizing(try run(["NGINX_WORKER_CONNECTIONS": "128"], listenQueueLimit: 4096).get())
    XCTAssertEqual(small["FCGI_WORKERS"], (128 + 64) / 2)
    assertRuleHolds(small, listenQueueLimit: 4096)
    let few = sizing(
      try run(["FCGI_WORKERS": "128", "NGINX_WORKER_PROCESSES": "4"], listenQueueLimit: 4096).get())
    XCTAssertEqual(few["NGINX_UPSTREAM_KEEPALIVE"], 128 / (2 * 4))
    XCTAssertEqual(few["FCGI_WORKERS"], 128)
    assertRuleHolds(few, listenQueueLimit: 4096)
  }

  /// worker_connections past the rule is refused with the limit in the message; the limit itself is
  /// accepted. A larger FCGI_BACKLOG than somaxconn does not help (the kernel cuts it).
  func testWorkerConnectionsPastTheRuleAreRefused() async throws {
    guard
      case .failure(let failure) = run(
        ["NGINX_WORKER_CONNECTIONS": "8386"], listenQueueLimit: 4096)
    else { return XCTFail("8386 accepted") }
    XCTAssertEqual(failure.problems.map(\.variable), ["NGINX_WORKER_CONNECTIONS"])
    let reason = failure.problems[0].reason
    XCTAssertTrue(reason.contains("use at most 8385"), reason)
    XCTAssertTrue(reason.contains("net.core.somaxconn=4096"), reason)
    XCTAssertTrue(reason.contains("502"), reason)
    XCTAssertNoThrow(
      try run(["NGINX_WORKER_CONNECTIONS": "8385"], listenQueueLimit: 4096).get())
    guard
      case .failure(let cut) = run(
        ["NGINX_WORKER_CONNECTIONS": "16384", "FCGI_BACKLOG": "65535"], listenQueueLimit: 4096)
    else { return XCTFail("a backlog above somaxconn counted") }
    XCTAssertEqual(cut.problems.map(\.variable), ["NGINX_WORKER_CONNECTIONS"])
    XCTAssertNoThrow(
      try run(
        ["NGINX_WORKER_CONNECTIONS": "16384", "FCGI_BACKLOG": "65535"], listenQueueLimit: 65535
      )
      .get())
  }

  /// Too few threads for what nginx can open is refused, naming the numbers: 100 threads and a backlog
  /// of 128 hold 228 connections, and 1024 worker_connections let nginx open (1024 + 64) / 2 = 544.
  func testTooFewThreadsAndBacklogAreRefused() async throws {
    let environment = [
      "NGINX_WORKER_CONNECTIONS": "1024", "NGINX_UPSTREAM_KEEPALIVE": "64", "FCGI_WORKERS": "100",
      "FCGI_BACKLOG": "128",
    ]
    guard case .failure(let failure) = run(environment, listenQueueLimit: 4096) else {
      return XCTFail("accepted")
    }
    XCTAssertEqual(failure.problems.map(\.variable), ["NGINX_WORKER_CONNECTIONS"])
    XCTAssertTrue(failure.problems[0].reason.contains("open 544 app connections"), "\(failure)")
    XCTAssertTrue(failure.problems[0].reason.contains("use at most 393"), "\(failure)")
  }

  /// With more nginx workers than the rule can serve, the derived worker_connections would fall below
  /// nginx's minimum: refused, saying to lower the workers or keepalive.
  func testTooManyWorkersAreRefused() async throws {
    guard
      case .failure(let failure) = run(["NGINX_WORKER_PROCESSES": "256"], listenQueueLimit: 4096)
    else { return XCTFail("accepted") }
    XCTAssertEqual(failure.problems.map(\.variable), ["NGINX_WORKER_CONNECTIONS"])
    XCTAssertTrue(failure.problems[0].reason.contains("NGINX_WORKER_PROCESSES"), "\(failure)")
  }
}
