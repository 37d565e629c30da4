import FCGIAppCore
import FCGIAppRuntime
import Glibc
import XCTest

@testable import FCGIApp

/// The pool's shutdown on a real listening socket with real libfcgi workers.
final class WorkerPoolTests: XCTestCase {
  /// Shutdown ends every worker blocked in accept at once; one pinned to a connection that sends
  /// nothing (an idle kept nginx connection) ends when that connection closes, as WorkerPool says.
  func testShutdownEndsIdleWorkersAndPinnedOnesWhenTheirConnectionCloses() async throws {
    var template = Array("/tmp/worker-pool-test-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer {
      String(cString: mkdtemp($0.baseAddress!))
    }
    let path = directory + "/app.sock"
    defer { rmdir(directory) }
    let listenSocket = try ListenSocket.open(.unix(path: path), backlog: 8)
    defer {
      close(listenSocket.fd)
      listenSocket.removeSocketFile()
    }
    try LibFCGI.initialize()
    let clock = SystemClock()
    let logger = Logger.standardError(clock: clock)
    let handler = RequestHandler(
      config: AppConfig(listen: .unix(path: path)), hostname: "test", clock: clock,
      stress: StressEngine(cpusAllowed: 1, clock: clock, logger: logger),
      counters: ServerCounters(workersTotal: 3))
    let pool = WorkerPool(listenSocket: listenSocket.fd, handler: handler, logger: logger)
    try pool.start(count: 3)
    XCTAssertEqual(pool.runningWorkers, 3)

    let client = try connectedClient(to: path)
    // Let a worker accept the connection and block reading its (never sent) first request.
    try await Task.sleep(nanoseconds: 300_000_000)
    pool.beginShutdown()
    XCTAssertTrue(pool.isStopping)
    let pinnedOnly = await waitUntil { pool.runningWorkers == 1 }
    XCTAssertTrue(pinnedOnly, "\(pool.runningWorkers) running, expected the pinned worker only")
    close(client)
    let none = await waitUntil { pool.runningWorkers == 0 }
    XCTAssertTrue(none, "\(pool.runningWorkers) running after the connection closed")
  }

  /// Polls `condition` for up to 3 s.
  private func waitUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<300 {
      if condition() { return true }
      try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return condition()
  }

  /// A unix-socket client connected to `path`.
  private func connectedClient(to path: String) throws -> Int32 {
    let fd = try SystemCall.check("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
    try SystemCall.check("connect") {
      withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
    }
    return fd
  }
}
