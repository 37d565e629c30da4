/// The server's settings, read once from the environment at start.
///
/// ```swift
/// switch AppConfig.parse(environment: ["BASE_PATH": "dev"]) {
/// case .success(let config): startServer(config)
/// case .failure(let problems): logAndExit(problems)  // exit code 2
/// }
/// ```
///
/// This file owns the rules for the variables the app itself reads; `Preflight` (the other file here)
/// owns the nginx settings and the rules between the two, and applies these rules by calling `parse`.
package struct AppConfig: Sendable, Equatable {
  /// `FCGI_LISTEN`: where the FastCGI server listens.
  package var listen: ListenAddress
  /// `FCGI_WORKERS`: worker threads, each serving one FastCGI connection at a time.
  package var workers: Int
  /// `FCGI_BACKLOG`: the listen backlog.
  package var backlog: Int
  /// `BASE_PATH`: the first path segment of the public API.
  package var basePath: String
  /// `IMAGE`: reported as `imageUri` by `/{base}/host`.
  package var image: String
  /// `STRESS_MAX_SECONDS`: the longest stress job.
  package var stressMaxSeconds: Int

  /// Creates a configuration; every parameter has the documented default.
  package init(
    listen: ListenAddress = .unix(path: "/tmp/fcgiapp/fcgiapp.sock"),
    workers: Int = 16,
    backlog: Int = 1024,
    basePath: String = "dev",
    image: String = "NOT_FOUND",
    stressMaxSeconds: Int = 900
  ) {
    self.listen = listen
    self.workers = workers
    self.backlog = backlog
    self.basePath = basePath
    self.image = image
    self.stressMaxSeconds = stressMaxSeconds
  }

  /// Accepted `FCGI_WORKERS`. Each thread holds one connection descriptor, and the cap keeps them with
  /// the app's own few below 1024, Docker's default soft open-files limit, which the app keeps (the
  /// libfcgi we link, 2.4.2, waits with poll(), which has no descriptor limit; releases before 2018
  /// used select(), which cannot watch descriptors from 1024 on). 1000 threads, each having served
  /// requests, measured 19 MB RSS at start and at most 25 MB after serving 1,024 connections (README,
  /// "Capacity and sizing").
  package static let workersRange = 1...1000
  /// Accepted `FCGI_BACKLOG`.
  package static let backlogRange = 1...65535
  /// Accepted `STRESS_MAX_SECONDS` (up to a day).
  package static let stressMaxSecondsRange = 1...86400
  /// Accepted `PORT` (nginx's, and the one `FCGIApp healthcheck` connects to).
  package static let portRange = 1...65535
}

// MARK: - Parsing the environment

extension AppConfig {
  /// The variables `parse(environment:)` reads, with their defaults, for `--help`.
  package static let variables: [(name: String, defaultValue: String, meaning: String)] = [
    ("FCGI_LISTEN", "/tmp/fcgiapp/fcgiapp.sock", "unix socket path (absolute) or host:port"),
    ("FCGI_WORKERS", "16", "worker threads, each running FCGX_Accept_r (1-1000)"),
    ("FCGI_BACKLOG", "1024", "listen backlog (1-65535)"),
    ("BASE_PATH", "dev", "public API base path, 1-64 of [A-Za-z0-9_-]"),
    ("IMAGE", "NOT_FOUND", "reported as imageUri by /{base}/host"),
    ("STRESS_MAX_SECONDS", "900", "longest stress job in seconds (1-86400)"),
    ("PORT", "3000", "HTTP port `FCGIApp healthcheck` connects to on 127.0.0.1"),
  ]

  /// The rule for `BASE_PATH`, as said in every message about it.
  package static let basePathRule =
    "must be 1-64 characters of [A-Za-z0-9_-] (it is the URL prefix, e.g. dev for /dev/host)"

  /// Reads the configuration from environment variables; unset or empty variables take their defaults.
  /// - Parameter environment: variable names to values (only the ones above are read).
  /// - Returns: the configuration, or every problem found (not just the first).
  package static func parse(environment: [String: String]) -> Result<AppConfig, ConfigProblems> {
    var config = AppConfig()
    var problems: [ConfigProblem] = []
    func value(_ name: String) -> String? {
      guard let text = environment[name], !text.isEmpty else { return nil }
      return text
    }
    if let text = value("FCGI_LISTEN") {
      switch ListenAddress.parse(text) {
      case .success(let address): config.listen = address
      case .failure(let problem): problems.append(problem)
      }
    }
    if let text = value("FCGI_WORKERS") {
      count(text, "FCGI_WORKERS", workersRange, into: &config.workers, problems: &problems)
    }
    if let text = value("FCGI_BACKLOG") {
      count(text, "FCGI_BACKLOG", backlogRange, into: &config.backlog, problems: &problems)
    }
    if let text = value("BASE_PATH") {
      if isValidBasePath(text) {
        config.basePath = text
      } else {
        problems.append(ConfigProblem("BASE_PATH", text, basePathRule))
      }
    }
    if let text = value("IMAGE") {
      config.image = text
    }
    if let text = value("STRESS_MAX_SECONDS") {
      count(
        text, "STRESS_MAX_SECONDS", stressMaxSecondsRange, into: &config.stressMaxSeconds,
        problems: &problems)
    }
    return problems.isEmpty ? .success(config) : .failure(ConfigProblems(problems: problems))
  }

  /// Reads `PORT` for the health check (default 3000).
  /// - Parameter environment: variable names to values.
  /// - Returns: the port or the problem.
  package static func healthCheckPort(environment: [String: String]) -> Result<Int, ConfigProblems>
  {
    guard let text = environment["PORT"], !text.isEmpty else { return .success(3000) }
    var port = 3000
    var problems: [ConfigProblem] = []
    count(text, "PORT", portRange, into: &port, problems: &problems)
    return problems.isEmpty ? .success(port) : .failure(ConfigProblems(problems: problems))
  }

  /// Whether `text` is a valid `BASE_PATH`: 1-64 of `[A-Za-z0-9_-]`.
  /// - Parameter text: the candidate.
  /// - Returns: true if valid.
  package static func isValidBasePath(_ text: String) -> Bool {
    (1...64).contains(text.utf8.count)
      && text.utf8.allSatisfy { isWordByte($0) || $0 == UInt8(ascii: "-") }
  }

  /// `[A-Za-z0-9_]`.
  static func isWordByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
      return true
    default:
      return false
    }
  }

  /// Parses a count variable into `target`, or records why it is not one.
  /// - Parameters:
  ///   - text: the variable's value.
  ///   - name: the variable's name.
  ///   - range: the accepted values.
  ///   - target: where the value goes.
  ///   - problems: where a problem goes.
  package static func count(
    _ text: String,
    _ name: String,
    _ range: ClosedRange<Int>,
    into target: inout Int,
    problems: inout [ConfigProblem]
  ) {
    switch DecimalCount.parse(text, range: range) {
    case .success(let value): target = value
    case .failure(let problem):
      problems.append(ConfigProblem(name, text, problem.reason(range: range)))
    }
  }
}

// MARK: - Start-up log

extension AppConfig {
  /// The configuration as logged in the `start` event.
  package var json: JSONValue {
    .object([
      "listen": .string(listen.description),
      "workers": .int(workers),
      "backlog": .int(backlog),
      "basePath": .string(basePath),
      "image": .string(image),
      "stressMaxSeconds": .int(stressMaxSeconds),
    ])
  }
}

// MARK: - ListenAddress

/// Where the FastCGI server listens: a unix socket path or an IPv4 TCP address.
package enum ListenAddress: Sendable, Equatable {
  /// An absolute unix socket path.
  case unix(path: String)
  /// A TCP address; `host` is a dotted IPv4 address (`0.0.0.0` for all interfaces).
  case tcp(host: String, port: Int)

  /// The longest unix socket path (`sun_path` holds 108 bytes including the terminating NUL).
  package static let maxUnixPathBytes = 107

  /// Parses `FCGI_LISTEN`: an absolute path, or `host:port` where host is empty, `*`, `localhost` or a
  /// dotted IPv4 address.
  /// - Parameter text: the variable's value.
  /// - Returns: the address, or why the text is not one.
  package static func parse(_ text: String) -> Result<ListenAddress, ConfigProblem> {
    let variable = "FCGI_LISTEN"
    if text.hasPrefix("/") {
      guard text.utf8.count <= maxUnixPathBytes else {
        return .failure(
          ConfigProblem(variable, text, "unix socket path is longer than \(maxUnixPathBytes) bytes")
        )
      }
      guard !text.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 < 0x20 }) else {
        return .failure(
          ConfigProblem(
            variable, text, "unix socket path must not contain ':' or control characters")
        )
      }
      guard text.utf8.last != UInt8(ascii: "/") else {
        return .failure(
          ConfigProblem(variable, text, "unix socket path must name a file, not a directory"))
      }
      return .success(.unix(path: text))
    }
    guard let colon = text.lastIndex(of: ":") else {
      return .failure(
        ConfigProblem(variable, text, "expected an absolute socket path or host:port"))
    }
    let hostText = String(text[..<colon])
    let portText = text[text.index(after: colon)...]
    guard case .success(let port) = DecimalCount.parse(portText, range: 1...65535) else {
      return .failure(
        ConfigProblem(
          variable, text, "port must be \(DecimalCount.expected(1...65535)), without leading zeros")
      )
    }
    switch hostText {
    case "", "*":
      return .success(.tcp(host: "0.0.0.0", port: port))
    case "localhost":
      return .success(.tcp(host: "127.0.0.1", port: port))
    default:
      guard isDottedIPv4(hostText) else {
        return .failure(
          ConfigProblem(
            variable, text, "host must be empty, '*', 'localhost' or a dotted IPv4 address")
        )
      }
      return .success(.tcp(host: hostText, port: port))
    }
  }

  /// Whether `text` is four dot-separated decimal octets 0-255.
  /// - Parameter text: the candidate address.
  /// - Returns: true for e.g. `127.0.0.1`.
  package static func isDottedIPv4(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return false }
    return parts.allSatisfy { part in
      (try? DecimalCount.parse(part, range: 0...255).get()) != nil
    }
  }

  /// The address as given in logs: the path, or `host:port`.
  package var description: String {
    switch self {
    case .unix(let path): return path
    case .tcp(let host, let port): return "\(host):\(port)"
    }
  }
}

// MARK: - Problems

/// One invalid environment variable: its name, the value given, and what is wrong with it.
package struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
  /// The variable name, e.g. `FCGI_WORKERS`.
  package let variable: String
  /// The value that was given.
  package let value: String
  /// What is wrong and what is accepted.
  package let reason: String

  /// Creates a problem record.
  /// - Parameters:
  ///   - variable: the variable name.
  ///   - value: the given value.
  ///   - reason: what is wrong.
  package init(_ variable: String, _ value: String, _ reason: String) {
    self.variable = variable
    self.value = value
    self.reason = reason
  }

  /// The problem as a JSON object for the error log line.
  package var json: JSONValue {
    .object(["variable": .string(variable), "value": .string(value), "reason": .string(reason)])
  }

  /// `FCGI_WORKERS="abc": must be digits only (...)`.
  package var description: String { "\(variable)=\(JSONValue.quoted(value)): \(reason)" }
}

/// Every problem found in the environment, reported together.
package struct ConfigProblems: Error, Sendable, Equatable {
  /// The problems, in variable order.
  package let problems: [ConfigProblem]

  /// Creates the list.
  /// - Parameter problems: the problems found.
  package init(problems: [ConfigProblem]) {
    self.problems = problems
  }
}
