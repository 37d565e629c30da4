import FCGIAppCore
import FCGIAppRuntime
import Glibc
import Synchronization

/// The FastCGI worker threads: each owns one request slot and loops on accept → handle → finish.
///
/// Fairness: libfcgi serves a kept nginx connection with one thread until nginx closes it, and nginx
/// reuses its cached connections first, so when nginx holds more connections than there are threads
/// the ones waiting in the listen backlog would wait until the load ebbs (measured: p99 450-850 ms at
/// 256 client connections with 128 threads, while the served ones stayed fast). So a worker that
/// finishes a request on a kept connection while another connection waits in the backlog closes its
/// own and takes the waiting one: every connection nginx opens is served in arrival order.
///
/// Shutdown: `beginShutdown()` marks the pool and shuts the listen socket down, which makes every
/// blocked `accept()` fail with EINVAL; a worker then exits after the request it is serving. A worker
/// idling on a kept-alive nginx connection wakes when nginx closes it (nginx quits first in the
/// container); otherwise the server stops waiting for it once no request has been in flight for a short
/// grace period (`Server.waitForWorkers`), or at the drain deadline while one still is.
final class WorkerPool: Sendable {
  private let listenSocket: Int32
  private let handler: RequestHandler
  private let logger: Logger
  private let running = Atomic<Int>(0)
  /// Each worker's stack. The request path is shallow (libfcgi's accept and read, routing, a JSON body
  /// of a few hundred bytes); only touched pages count in RSS, so this is an upper bound for a deep
  /// call, not a cost per thread. WorkerPoolTests runs the real handler on pool threads.
  static let stackSize = 512 * 1024
  private let stopping = Atomic<Bool>(false)

  /// Creates a pool; call `start(count:)` to run it.
  /// - Parameters:
  ///   - listenSocket: the listening descriptor.
  ///   - handler: the request handler shared by all workers.
  ///   - logger: for worker errors.
  init(listenSocket: Int32, handler: RequestHandler, logger: Logger) {
    self.listenSocket = listenSocket
    self.handler = handler
    self.logger = logger
  }

  /// Starts the worker threads.
  /// - Parameter count: how many.
  func start(count: Int) throws(SystemError) {
    for index in 0..<count {
      running.add(1, ordering: .sequentiallyConsistent)
      do {
        try PosixThread.spawn(name: "fcgi-\(index)", stackSize: Self.stackSize) { [self] in
          serve()
          running.subtract(1, ordering: .sequentiallyConsistent)
        }
      } catch {
        running.subtract(1, ordering: .sequentiallyConsistent)
        throw error
      }
    }
  }

  /// Workers still running.
  var runningWorkers: Int { running.load(ordering: .sequentiallyConsistent) }

  /// Whether shutdown has begun.
  var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

  /// Stops accepting: blocked accepts fail and workers exit after their current request.
  func beginShutdown() {
    stopping.store(true, ordering: .sequentiallyConsistent)
    do {
      try SystemCall.check("shutdown") { shutdown(listenSocket, Int32(SHUT_RDWR)) }
    } catch {
      logger.warn("listen_shutdown_failed", [JSONField("error", .string("\(error)"))])
    }
  }

  /// Whether a connection waits in the listen backlog (the listening socket is readable), without
  /// waiting: one poll(2) per request on a kept connection.
  private func connectionWaiting() -> Bool {
    var descriptor = pollfd(fd: listenSocket, events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, 0) > 0 && descriptor.revents & Int16(POLLIN) != 0
  }

  /// One worker's loop.
  private func serve() {
    // Fewer context switches per request between nginx and the workers (see RequestThreadScheduling).
    RequestThreadScheduling.useBatchPolicy(logger: logger)
    let connection: FastCGIConnection
    do {
      connection = try FastCGIConnection(listenSocket: listenSocket)
    } catch {
      logger.error("worker_failed", [JSONField("error", .string("\(error)"))])
      return
    }
    var consecutiveFailures = 0
    while !isStopping {
      do {
        try connection.accept()
      } catch {
        if isStopping { break }
        // Transient accept errors (e.g. EMFILE) get a pause and a retry; a broken socket ends the worker.
        consecutiveFailures += 1
        logger.error("accept_failed", [JSONField("error", .string("\(error)"))])
        if consecutiveFailures >= 100 { break }
        PosixThread.sleep(seconds: 0.05)
        continue
      }
      consecutiveFailures = 0
      // A failed write means nginx dropped the connection; libfcgi closes it on finish.
      try? handler.handle(connection)
      if connection.isKept && !isStopping && connectionWaiting() {
        connection.closeAfterRequest()
      }
      connection.finish()
    }
  }
}
