import FCGIAppCore
import FCGIAppRuntime
import Glibc

@testable import FCGIApp

/// Runs `body` with a pool of `workers` real libfcgi threads on a fresh unix socket (its path and the
/// pool are passed in), then shuts the pool down unless `body` already did, and removes the socket.
func withPool(
  workers: Int, _ body: (_ path: String, _ pool: WorkerPool) async throws -> Void
) async throws {
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
    counters: ServerCounters(workersTotal: workers))
  let pool = WorkerPool(listenSocket: listenSocket.fd, handler: handler, logger: logger)
  try pool.start(count: workers)
  defer { if !pool.isStopping { pool.beginShutdown() } }
  try await body(path, pool)
}
