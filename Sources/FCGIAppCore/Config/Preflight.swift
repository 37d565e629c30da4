/// `FCGIApp preflight`: every start-up setting of the container (app and nginx) checked in one place
/// before anything starts, the derived values computed, and the result printed for the entrypoint.
///
/// The entrypoint runs it once and exports what it prints; it checks none of these rules itself. All
/// problems are reported together, so one run shows everything to fix.
///
/// ```swift
/// switch Preflight.run(environment: ["NGINX_WORKER_PROCESSES": "auto"], cpusAllowed: 1.5) {
/// case .success(let preflight): print(preflight.shellLines)  // ... NGINX_WORKER_PROCESSES=2 ...
/// case .failure(let problems): report(problems)                // exit code 2
/// }
/// ```
package struct Preflight: Sendable, Equatable {
  /// The values the entrypoint and the nginx templates consume, in a fixed order.
  package let settings: [Setting]

  /// One `NAME=value` the entrypoint exports.
  package struct Setting: Sendable, Equatable {
    /// The variable name.
    package let name: String
    /// Its value: only bytes of `safeBytes`, so it can go into nginx.conf and the shell as is.
    package let value: String
  }

  /// Accepted `NGINX_WORKER_PROCESSES` (a number) and the cap for `auto`.
  package static let workerProcessesRange = 1...256
  /// The most `NGINX_WORKER_CONNECTIONS` derived by default (the sizing rule may derive fewer): room
  /// for thousands of slow or idle clients next to the normal ones (with 1,024, 2,000 slowloris
  /// connections left 1.4 % of normal requests answered).
  package static let defaultWorkerConnections = 16384
  /// File descriptors an nginx worker needs beyond its connections: listeners, logs, the config.
  package static let workerSpareFiles = 64
  /// Fargate's hard (and soft) nofile limit ("Ulimit", ECS API Reference): nginx's
  /// `worker_rlimit_nofile` must stay within it, or the workers keep the lower limit they have.
  package static let fargateOpenFilesLimit = 65535
  /// Accepted `NGINX_WORKER_CONNECTIONS`: below 64 nginx has little room for clients at all; above, the
  /// workers' open-files limit (connections + spare files) would exceed Fargate's.
  package static let workerConnectionsRange = 64...(fargateOpenFilesLimit - workerSpareFiles)
  /// Accepted `NGINX_UPSTREAM_KEEPALIVE`.
  package static let keepaliveRange = 1...4096
  /// Accepted `NGINX_STRESS_BURST`.
  package static let burstRange = 1...100_000
  /// Accepted N of `NGINX_STRESS_RATE` (`Nr/s` or `Nr/m`).
  package static let rateRange = 1...999_999_999
  /// Seconds after SIGTERM by which nginx closes the connections still open: the lame duck, then
  /// nginx's graceful quit (`worker_shutdown_timeout`, the rest). The entrypoint's own budgets (6 s for
  /// nginx, 3 s for the app, README "Lifecycle") hold the whole stop under 10 s.
  package static let connectionBudgetSeconds = 5
  /// Accepted `LAME_DUCK_SECONDS`: at least one second must stay for the graceful quit.
  package static let lameDuckRange = 0...(connectionBudgetSeconds - 1)
  /// The socket's name inside `RUNTIME_DIR`.
  package static let socketName = "fcgiapp.sock"

  /// The value of a setting by name (tests and logs).
  /// - Parameter name: the variable name.
  /// - Returns: its value, if preflight printed it.
  package subscript(name: String) -> String? {
    settings.first { $0.name == name }?.value
  }

  /// The settings as lines `NAME=value`, one per setting, for the entrypoint to read and export.
  package var shellLines: String {
    settings.map { "\($0.name)=\($0.value)\n" }.joined()
  }

  // MARK: checking

  /// Checks the whole environment and derives what the entrypoint needs.
  /// - Parameters:
  ///   - environment: the process environment (unset and empty take the defaults, except `BASE_PATH`).
  ///   - cpusAllowed: the CPUs this task may use (the app's cgroup reading), for
  ///     `NGINX_WORKER_PROCESSES=auto`.
  ///   - listenQueueLimit: net.core.somaxconn in this network namespace, the kernel's cap on the
  ///     app's listen backlog (`Sizing`).
  /// - Returns: the settings, or every problem found.
  package static func run(
    environment: [String: String], cpusAllowed: Double, listenQueueLimit: Int
  ) -> Result<Preflight, ConfigProblems> {
    var problems: [ConfigProblem] = []
    func text(_ name: String, _ defaultValue: String) -> String {
      guard let value = environment[name], !value.isEmpty else { return defaultValue }
      return value
    }
    func count(_ name: String, _ defaultValue: Int, _ range: ClosedRange<Int>) -> Int? {
      guard let value = environment[name], !value.isEmpty else { return defaultValue }
      var parsed = defaultValue
      let before = problems.count
      AppConfig.count(value, name, range, into: &parsed, problems: &problems)
      return problems.count == before ? parsed : nil
    }

    let port = count("PORT", 3000, AppConfig.portRange)
    let listenHost = text("LISTEN_HOST", "")
    // nginx listens on every address (the container) unless LISTEN_HOST names one, e.g. 127.0.0.1.
    if !listenHost.utf8.allSatisfy({
      AppConfig.isWordByte($0) || $0 == .dot || $0 == .colon || $0 == .dash
    }) {
      problems.append(
        ConfigProblem("LISTEN_HOST", listenHost, "use an IPv4 address or a host name"))
    }
    // Set but empty is refused rather than replaced: an empty prefix is a misconfiguration. The rule
    // itself belongs to AppConfig, which checks a non-empty value below.
    let basePath = environment["BASE_PATH"] ?? "dev"
    if basePath.isEmpty {
      problems.append(ConfigProblem("BASE_PATH", basePath, AppConfig.basePathRule))
    }

    // `auto` is resolved here from the cgroup allowance (a quarter vCPU is one worker, 1.5 are two),
    // not by nginx, which would count the host's CPUs, and so the sizing rule uses the real number.
    let workerProcesses: Int?
    if environment["NGINX_WORKER_PROCESSES"] == "auto" {
      let cpus = cpusAllowed.isFinite ? cpusAllowed.rounded(.up) : 1
      workerProcesses = Int(min(Double(workerProcessesRange.upperBound), max(1, cpus)))
    } else {
      workerProcesses = count("NGINX_WORKER_PROCESSES", 1, workerProcessesRange)
    }
    // 0: unset, derived by the sizing rule below.
    let workerConnections = count("NGINX_WORKER_CONNECTIONS", 0, workerConnectionsRange)
    let keepalive = count("NGINX_UPSTREAM_KEEPALIVE", 0, keepaliveRange)
    let rate = text("NGINX_STRESS_RATE", "1r/s")
    checkRate(rate, problems: &problems)
    let burst = count("NGINX_STRESS_BURST", 5, burstRange)
    let lameDuck = count("LAME_DUCK_SECONDS", 2, lameDuckRange)
    let accessLog = accessLogDirective(text("NGINX_ACCESS_LOG", "/dev/stdout"), problems: &problems)
    let runtimeDir = text("RUNTIME_DIR", "/tmp/fcgiapp")
    let socketPath = checkRuntimeDir(runtimeDir, problems: &problems)
    switch text("QUIET", "0") {
    case "0", "1": break
    case let quiet: problems.append(ConfigProblem("QUIET", quiet, "use 1 (quiet) or 0"))
    }

    // The app's own variables (BASE_PATH, FCGI_WORKERS, FCGI_BACKLOG, STRESS_MAX_SECONDS, IMAGE and the
    // socket path) follow the app's rules, checked by the same code the server runs.
    var appEnvironment = environment
    appEnvironment["BASE_PATH"] = basePath.isEmpty ? nil : basePath
    appEnvironment["FCGI_LISTEN"] = socketPath
    var app: AppConfig?
    switch AppConfig.parse(environment: appEnvironment) {
    case .success(let config): app = config
    case .failure(let failure):
      for problem in failure.problems {
        guard problem.variable == "FCGI_LISTEN" else {
          problems.append(problem)
          continue
        }
        // The socket path is derived from RUNTIME_DIR, so the user must change that.
        problems.append(
          ConfigProblem(
            "RUNTIME_DIR", runtimeDir,
            "gives the socket path \(socketPath ?? ""): \(problem.reason)"
          ))
      }
    }

    // Threads, backlog, keepalive and worker_connections: one rule (Preflight+Sizing.swift), given
    // values checked against it and the others derived from it. Skipped when an input is invalid
    // (that problem is reported already).
    var sizing: Sizing?
    if var parsed = app, let workerProcesses, let workerConnections, let keepalive {
      func given(_ name: String, _ value: Int) -> Int? {
        environment[name, default: ""].isEmpty ? nil : value
      }
      let derived = Sizing.derive(
        workerProcesses: workerProcesses,
        workerConnections: given("NGINX_WORKER_CONNECTIONS", workerConnections),
        keepalive: given("NGINX_UPSTREAM_KEEPALIVE", keepalive),
        threads: given("FCGI_WORKERS", parsed.workers),
        backlog: given("FCGI_BACKLOG", parsed.backlog),
        listenQueueLimit: listenQueueLimit)
      problems += derived.problems
      parsed.workers = derived.threads
      parsed.backlog = derived.backlog
      app = parsed
      sizing = derived
    }

    guard problems.isEmpty, let app, let sizing, let port, let burst, let lameDuck, let accessLog,
      let socketPath
    else { return .failure(ConfigProblems(problems: problems)) }
    let settings = [
      Setting(name: "PORT", value: String(port)),
      Setting(
        name: "NGINX_LISTEN", value: listenHost.isEmpty ? String(port) : "\(listenHost):\(port)"),
      Setting(name: "BASE_PATH", value: app.basePath),
      Setting(name: "RUNTIME_DIR", value: runtimeDir),
      Setting(name: "FCGI_LISTEN", value: socketPath),
      Setting(name: "FCGI_WORKERS", value: String(app.workers)),
      Setting(name: "FCGI_BACKLOG", value: String(app.backlog)),
      Setting(name: "NGINX_WORKER_PROCESSES", value: String(sizing.workerProcesses)),
      Setting(name: "NGINX_WORKER_CONNECTIONS", value: String(sizing.workerConnections)),
      // Every client and app connection is a file descriptor; without this limit the workers keep the
      // container's soft limit (1,024 under Docker 29) and accept() fails long before the slots run out.
      Setting(
        name: "NGINX_WORKER_RLIMIT_NOFILE",
        value: String(sizing.workerConnections + workerSpareFiles)),
      Setting(name: "NGINX_UPSTREAM_KEEPALIVE", value: String(sizing.keepalive)),
      Setting(name: "NGINX_STRESS_RATE", value: rate),
      Setting(name: "NGINX_STRESS_BURST", value: String(burst)),
      Setting(name: "NGINX_ACCESS_LOG_DIRECTIVE", value: accessLog),
      Setting(name: "LAME_DUCK_SECONDS", value: String(lameDuck)),
      Setting(
        name: "NGINX_WORKER_SHUTDOWN_TIMEOUT", value: "\(connectionBudgetSeconds - lameDuck)s"),
    ]
    // Every value above passed a rule that allows only these bytes; this guards the rules, so a
    // mistake in one can never put a newline or a quote into nginx.conf or the shell.
    let unsafe = settings.filter { !$0.value.utf8.allSatisfy(isSafe) }
    guard unsafe.isEmpty else {
      return .failure(
        ConfigProblems(
          problems: unsafe.map {
            ConfigProblem($0.name, $0.value, "contains characters unsafe for nginx.conf")
          }
        ))
    }
    return .success(Preflight(settings: settings))
  }

  /// The bytes a printed value may hold: `[A-Za-z0-9_./:=-]` and space.
  package static func isSafe(_ byte: UInt8) -> Bool {
    AppConfig.isWordByte(byte) || [.dot, .slash, .colon, .equals, .dash, .space].contains(byte)
  }

  /// `NGINX_STRESS_RATE`: `Nr/s` or `Nr/m` (nginx's `limit_req_zone rate=`).
  private static func checkRate(_ rate: String, problems: inout [ConfigProblem]) {
    let rule = "use Nr/s or Nr/m with N \(DecimalCount.expected(rateRange)), e.g. 1r/s"
    guard rate.hasSuffix("r/s") || rate.hasSuffix("r/m"),
      case .success = DecimalCount.parse(rate.dropLast(3), range: rateRange)
    else { return problems.append(ConfigProblem("NGINX_STRESS_RATE", rate, rule)) }
  }

  /// `NGINX_ACCESS_LOG` as the arguments of nginx's `access_log`: `off`, or an absolute path of plain
  /// characters with the JSON format and a small buffer. Whether this user may write the file is a
  /// fact of the filesystem at start, which the entrypoint checks.
  private static func accessLogDirective(_ path: String, problems: inout [ConfigProblem]) -> String?
  {
    if path == "off" { return "off" }
    guard path.hasPrefix("/"), path.utf8.allSatisfy(isPathByte) else {
      problems.append(
        ConfigProblem(
          "NGINX_ACCESS_LOG", path, "use off or an absolute path of A-Z a-z 0-9 _ . - /"))
      return nil
    }
    return "\(path) json buffer=16k flush=1s"
  }

  /// `RUNTIME_DIR` is written into nginx.conf and holds the socket: an absolute path of plain
  /// characters. Returns the socket path (its length is the app's rule, checked with the app's config).
  private static func checkRuntimeDir(_ dir: String, problems: inout [ConfigProblem]) -> String? {
    guard dir.hasPrefix("/"), dir.utf8.allSatisfy(isPathByte) else {
      problems.append(
        ConfigProblem("RUNTIME_DIR", dir, "use an absolute path of only A-Z a-z 0-9 _ . - /"))
      return nil
    }
    return (dir.hasSuffix("/") ? dir : dir + "/") + socketName
  }

  /// `[A-Za-z0-9_./-]`.
  private static func isPathByte(_ byte: UInt8) -> Bool {
    AppConfig.isWordByte(byte) || byte == .dot || byte == .slash || byte == .dash
  }
}

extension UInt8 {
  fileprivate static let dot = UInt8(ascii: ".")
  fileprivate static let slash = UInt8(ascii: "/")
  fileprivate static let colon = UInt8(ascii: ":")
  fileprivate static let equals = UInt8(ascii: "=")
  fileprivate static let dash = UInt8(ascii: "-")
  fileprivate static let space = UInt8(ascii: " ")
}
