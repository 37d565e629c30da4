import FCGIAppCore
import FCGIAppRuntime
import Glibc

/// The `FCGIApp` server command: configuration, listen socket, workers, signals and drain.
enum Server {
  /// How long after SIGTERM the process waits for workers before exiting anyway.
  static let drainDeadline = 5.0
  /// How long after SIGTERM an idle process (no request in flight) keeps serving kept connections.
  static let idleGrace = 0.5

  /// Runs the server until SIGTERM/SIGINT.
  /// - Parameter environment: the process environment.
  /// - Returns: the exit code: 0 after a signal, 1 on a runtime failure, 2 for invalid configuration.
  static func run(environment: [String: String]) -> Int32 {
    let clock = SystemClock()
    let logger = Logger.standardError(clock: clock)
    let config: AppConfig
    switch AppConfig.parse(environment: environment) {
    case .success(let parsed):
      config = parsed
    case .failure(let failure):
      logger.error("invalid_config", [JSONField("problems", .array(failure.problems.map(\.json)))])
      return 2
    }
    do {
      return try serve(config: config, clock: clock, logger: logger)
    } catch {
      logger.error("fatal", [JSONField("error", .string("\(error)"))])
      return 1
    }
  }

  private static func serve(config: AppConfig, clock: SystemClock, logger: Logger)
    throws(SystemError) -> Int32
  {
    try TerminationSignals.block()
    let hostname = SystemInfo.hostname()
    let cpus = SystemInfo.cpuAllowance()
    logger.info(
      "start",
      [
        JSONField("config", config.json),
        JSONField("hostname", .string(hostname)),
        JSONField("pid", .int(Int(getpid()))),
        JSONField("cpusAllowed", .double(cpus.cpus)),
        JSONField("cpuSource", .string(cpus.source)),
      ]
    )
    let listenSocket = try ListenSocket.open(config.listen, backlog: config.backlog)
    defer { listenSocket.removeSocketFile() }
    try LibFCGI.initialize()
    let counters = ServerCounters(workersTotal: config.workers)
    let handler = RequestHandler(
      config: config,
      hostname: hostname,
      clock: clock,
      stress: StressEngine(cpusAllowed: cpus.cpus, clock: clock, logger: logger),
      counters: counters
    )
    let pool = WorkerPool(listenSocket: listenSocket.fd, handler: handler, logger: logger)
    try pool.start(count: config.workers)
    try PosixThread.spawn(name: "signals") {
      do {
        let signal = try TerminationSignals.wait()
        logger.info("shutdown", [JSONField("signal", .string(TerminationSignals.name(signal)))])
      } catch {
        logger.error("signal_wait_failed", [JSONField("error", .string("\(error)"))])
      }
      pool.beginShutdown()
    }
    logger.info("listening", [JSONField("listen", .string(config.listen.description))])
    return waitForWorkers(pool: pool, counters: counters, clock: clock, logger: logger)
  }

  /// Waits until the workers have stopped, or (after a signal) until nothing is in flight past the grace
  /// period, or the drain deadline passes.
  private static func waitForWorkers(
    pool: WorkerPool,
    counters: ServerCounters,
    clock: SystemClock,
    logger: Logger
  ) -> Int32 {
    var shutdownStartedAt: Double?
    while pool.runningWorkers > 0 {
      PosixThread.sleep(seconds: shutdownStartedAt == nil ? 0.1 : 0.01)
      guard pool.isStopping else { continue }
      let now = clock.monotonicSeconds()
      let startedAt = shutdownStartedAt ?? now
      shutdownStartedAt = startedAt
      if now - startedAt >= idleGrace && counters.workersBusy == 0 { break }
      if now - startedAt >= drainDeadline {
        logger.warn("drain_timeout", [JSONField("busyWorkers", .int(counters.workersBusy))])
        break
      }
    }
    if pool.isStopping {
      logger.info("stop", [JSONField("requestsServed", .int(counters.requestsServed))])
      return 0
    }
    logger.error("workers_exited", [JSONField("requestsServed", .int(counters.requestsServed))])
    return 1
  }
}
