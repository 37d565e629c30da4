import FCGIAppCore
import XCTest

/// `FCGIApp preflight`'s rules, in-process: the entrypoint only runs it and exports what it prints.
final class PreflightTests: XCTestCase {
  /// Runs preflight on one CPU and with net.core.somaxconn 4096 (Linux's default since 5.4) unless told
  /// otherwise.
  private func run(
    _ environment: [String: String], cpus: Double = 1, listenQueueLimit: Int = 4096
  ) -> Result<Preflight, ConfigProblems> {
    Preflight.run(environment: environment, cpusAllowed: cpus, listenQueueLimit: listenQueueLimit)
  }

  /// The variables named by the problems of a refused environment (fails if it was accepted).
  private func refused(
    _ environment: [String: String], file: StaticString = #filePath, line: UInt = #line
  )
    -> [String]
  {
    switch run(environment) {
    case .success(let preflight):
      XCTFail("accepted: \(preflight.settings)", file: file, line: line)
      return []
    case .failure(let failure):
      return failure.problems.map(\.variable)
    }
  }

  /// An empty environment gives the README's defaults (the sizing values: PreflightSizingTests).
  func testDefaults() async throws {
    let preflight = try run([:]).get()
    XCTAssertEqual(preflight["PORT"], "3000")
    XCTAssertEqual(preflight["NGINX_LISTEN"], "3000")
    XCTAssertEqual(preflight["BASE_PATH"], "dev")
    XCTAssertEqual(preflight["RUNTIME_DIR"], "/tmp/fcgiapp")
    XCTAssertEqual(preflight["FCGI_LISTEN"], "/tmp/fcgiapp/fcgiapp.sock")
    XCTAssertEqual(preflight["NGINX_WORKER_PROCESSES"], "1")
    XCTAssertEqual(preflight["NGINX_STRESS_RATE"], "1r/s")
    XCTAssertEqual(preflight["NGINX_ACCESS_LOG_DIRECTIVE"], "/dev/stdout json buffer=16k flush=1s")
  }

  /// `auto` is the cgroup allowance rounded up (a fraction of a CPU still needs one worker), capped.
  /// (256 workers fit the sizing rule only with a large backlog: 65535 here.)
  func testAutoWorkerProcessesFollowTheCPUAllowance() async throws {
    let cases: [(Double, Int)] = [(0.25, 1), (1, 1), (1.5, 2), (2, 2), (4, 4), (1000, 256)]
    for (cpus, expected) in cases {
      let environment = ["NGINX_WORKER_PROCESSES": "auto", "NGINX_UPSTREAM_KEEPALIVE": "2"]
      let preflight = try run(environment, cpus: cpus, listenQueueLimit: 65535).get()
      XCTAssertEqual(preflight["NGINX_WORKER_PROCESSES"], String(expected), "\(cpus) CPUs")
    }
  }

  /// FCGI_WORKERS must exceed keepalive x worker processes: exactly that is refused, one more accepted.
  func testSizingRuleAcceptsOneMoreWorkerThanPinned() async throws {
    for (keepalive, processes) in [(2, 2), (3, 5), (64, 1), (100, 9)] {
      let pinned = keepalive * processes
      var environment = [
        "NGINX_UPSTREAM_KEEPALIVE": String(keepalive), "NGINX_WORKER_PROCESSES": String(processes),
        "FCGI_WORKERS": String(pinned),
      ]
      XCTAssertEqual(refused(environment), ["FCGI_WORKERS"])
      environment["FCGI_WORKERS"] = String(pinned + 1)
      XCTAssertEqual(try run(environment).get()["FCGI_WORKERS"], String(pinned + 1))
    }
  }

  /// The derived FCGI_WORKERS is capped at the app's 1000; idle kept connections that could pin all of
  /// them are refused.
  func testDerivedWorkersAreCappedAndRefusedWhenTooFew() async throws {
    let capped = try run(["NGINX_UPSTREAM_KEEPALIVE": "400", "NGINX_WORKER_PROCESSES": "2"]).get()
    XCTAssertEqual(capped["FCGI_WORKERS"], "1000")
    XCTAssertEqual(
      refused(["NGINX_UPSTREAM_KEEPALIVE": "500", "NGINX_WORKER_PROCESSES": "2"]), ["FCGI_WORKERS"])
  }

  /// worker_connections must hold twice the kept connections.
  func testWorkerConnectionsMustHoldTwiceTheKeepalive() async throws {
    XCTAssertEqual(
      refused(["NGINX_WORKER_CONNECTIONS": "127", "NGINX_UPSTREAM_KEEPALIVE": "64"]),
      ["NGINX_WORKER_CONNECTIONS"])
    XCTAssertNoThrow(
      try run(["NGINX_WORKER_CONNECTIONS": "128", "NGINX_UPSTREAM_KEEPALIVE": "64"]).get())
  }

  /// The workers' open-files limit is their connections plus 64 spare, within Fargate's 65535: the largest
  /// accepted worker_connections reaches it exactly, one more is refused. (With a backlog of 65535, so
  /// the sizing rule allows them all.)
  func testOpenFilesLimitFollowsWorkerConnections() async throws {
    for connections in [128, 1024, 16384, 65471] {
      let preflight = try run(
        ["NGINX_WORKER_CONNECTIONS": String(connections)], listenQueueLimit: 65535
      ).get()
      XCTAssertEqual(preflight["NGINX_WORKER_RLIMIT_NOFILE"], String(connections + 64))
    }
    XCTAssertEqual(refused(["NGINX_WORKER_CONNECTIONS": "65472"]), ["NGINX_WORKER_CONNECTIONS"])
  }

  /// Every count is decimal without leading zeros: what the shell would read as octal is refused.
  func testLeadingZerosAreRefusedForEveryCount() async throws {
    let names = [
      "PORT", "NGINX_WORKER_PROCESSES", "NGINX_WORKER_CONNECTIONS", "NGINX_UPSTREAM_KEEPALIVE",
      "NGINX_STRESS_BURST", "FCGI_WORKERS", "FCGI_BACKLOG", "STRESS_MAX_SECONDS",
      "LAME_DUCK_SECONDS",
    ]
    for name in names {
      for value in ["08", "010", "00", "0100"] {
        guard case .failure(let failure) = run([name: value]) else {
          XCTFail("\(name)=\(value) accepted")
          continue
        }
        XCTAssertEqual(failure.problems.map(\.variable), [name], "\(name)=\(value)")
        XCTAssertTrue(
          failure.problems[0].reason.contains("leading zeros"), "\(failure.problems[0])")
      }
    }
    XCTAssertEqual(refused(["NGINX_STRESS_RATE": "010r/s"]), ["NGINX_STRESS_RATE"])
  }

  /// Each invalid setting is refused and named.
  func testInvalidSettingsAreNamed() async throws {
    let cases: [([String: String], String)] = [
      (["PORT": "0"], "PORT"), (["PORT": "65536"], "PORT"), (["PORT": "80a"], "PORT"),
      (["NGINX_WORKER_PROCESSES": "0"], "NGINX_WORKER_PROCESSES"),
      (["NGINX_WORKER_PROCESSES": "AUTO"], "NGINX_WORKER_PROCESSES"),
      (["NGINX_WORKER_PROCESSES": "257"], "NGINX_WORKER_PROCESSES"),
      (["NGINX_WORKER_CONNECTIONS": "63"], "NGINX_WORKER_CONNECTIONS"),
      (["NGINX_UPSTREAM_KEEPALIVE": "-1"], "NGINX_UPSTREAM_KEEPALIVE"),
      (["NGINX_STRESS_RATE": "fast"], "NGINX_STRESS_RATE"),
      (["NGINX_STRESS_RATE": "0r/s"], "NGINX_STRESS_RATE"),
      (["NGINX_STRESS_RATE": "r/s"], "NGINX_STRESS_RATE"),
      (["NGINX_STRESS_RATE": "5r/h"], "NGINX_STRESS_RATE"),
      (["NGINX_STRESS_BURST": "100001"], "NGINX_STRESS_BURST"),
      (["NGINX_STRESS_BURST": "0"], "NGINX_STRESS_BURST"),  // nginx refuses burst=0
      (["RUNTIME_DIR": "relative/dir"], "RUNTIME_DIR"),
      (["RUNTIME_DIR": "/tmp/with space"], "RUNTIME_DIR"),
      (["RUNTIME_DIR": "/tmp/x;y"], "RUNTIME_DIR"),
      (["RUNTIME_DIR": "/" + String(repeating: "d", count: 94)], "RUNTIME_DIR"),
      (["NGINX_ACCESS_LOG": "relative.log"], "NGINX_ACCESS_LOG"),
      (["NGINX_ACCESS_LOG": "/var/log/a b.log"], "NGINX_ACCESS_LOG"),
      (["LISTEN_HOST": "1.2.3.4;"], "LISTEN_HOST"),
      (["LISTEN_HOST": "a b"], "LISTEN_HOST"),
      (["BASE_PATH": ""], "BASE_PATH"), (["BASE_PATH": "../x"], "BASE_PATH"),
      (["FCGI_BACKLOG": "65536"], "FCGI_BACKLOG"),
      (["STRESS_MAX_SECONDS": "86401"], "STRESS_MAX_SECONDS"),
      (["QUIET": "yes"], "QUIET"),
    ]
    for (environment, name) in cases {
      XCTAssertEqual(refused(environment), [name], "\(environment)")
    }
  }

  /// The socket path is derived from RUNTIME_DIR and must fit a unix socket address (107 bytes).
  func testRuntimeDirMustLeaveRoomForTheSocket() async throws {
    let room = ListenAddress.maxUnixPathBytes - "/fcgiapp.sock".utf8.count
    let fits = "/" + String(repeating: "d", count: room - 1)
    XCTAssertEqual(try run(["RUNTIME_DIR": fits]).get()["FCGI_LISTEN"]?.utf8.count, 107)
    guard case .failure(let failure) = run(["RUNTIME_DIR": fits + "d"]) else {
      return XCTFail("a 108-byte socket path accepted")
    }
    XCTAssertEqual(failure.problems.map(\.variable), ["RUNTIME_DIR"])
    XCTAssertTrue(failure.problems[0].reason.contains("107 bytes"), failure.problems[0].reason)
  }

  /// The lame duck takes its seconds out of nginx's graceful-quit budget, so the stop still ends by
  /// ~5 s for connections and 10 s in all: 0 (off) to 4, default 2.
  func testLameDuckFitsTheStopBudget() async throws {
    let byDefault = try run([:]).get()
    XCTAssertEqual(byDefault["LAME_DUCK_SECONDS"], "2")
    for seconds in 0...4 {
      let preflight = try run(["LAME_DUCK_SECONDS": String(seconds)]).get()
      XCTAssertEqual(preflight["LAME_DUCK_SECONDS"], String(seconds))
      let shutdown = try XCTUnwrap(preflight["NGINX_WORKER_SHUTDOWN_TIMEOUT"])
      XCTAssertEqual(shutdown, "\(Preflight.connectionBudgetSeconds - seconds)s")
    }
    for bad in ["5", "-1", "02", "1.5", "two"] {
      XCTAssertEqual(refused(["LAME_DUCK_SECONDS": bad]), ["LAME_DUCK_SECONDS"], bad)
    }
  }

  /// Every problem is reported in one run, not just the first.
  func testEveryProblemIsReportedAtOnce() async throws {
    let names = refused([
      "BASE_PATH": "a/b", "PORT": "010", "NGINX_STRESS_RATE": "fast", "RUNTIME_DIR": "rel",
      "STRESS_MAX_SECONDS": "0", "QUIET": "2",
    ])
    XCTAssertEqual(
      Set(names),
      ["BASE_PATH", "PORT", "NGINX_STRESS_RATE", "RUNTIME_DIR", "STRESS_MAX_SECONDS", "QUIET"])
  }

  /// The values come out as NAME=value lines of safe bytes only, one per setting, and LISTEN_HOST and
  /// NGINX_ACCESS_LOG=off reach the nginx values.
  func testShellLinesHoldOnlySafeValues() async throws {
    let preflight = try run([
      "LISTEN_HOST": "127.0.0.1", "PORT": "8080", "NGINX_ACCESS_LOG": "off",
      "BASE_PATH": "prod_v2-a",
    ]).get()
    XCTAssertEqual(preflight["NGINX_LISTEN"], "127.0.0.1:8080")
    XCTAssertEqual(preflight["NGINX_ACCESS_LOG_DIRECTIVE"], "off")
    let lines = preflight.shellLines.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.last, "")
    XCTAssertEqual(lines.count, preflight.settings.count + 1)
    for (line, setting) in zip(lines, preflight.settings) {
      XCTAssertEqual(line, "\(setting.name)=\(setting.value)")
      XCTAssertTrue(setting.value.utf8.allSatisfy(Preflight.isSafe), line.debugDescription)
    }
  }
}
