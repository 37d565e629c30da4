// MARK: - Parsing the environment

extension AppConfig {
  /// The variables `parse(environment:)` reads, with their defaults, for `--help`.
  public static let variables: [(name: String, defaultValue: String, meaning: String)] = [
    ("FCGI_LISTEN", "/tmp/fcgiapp/fcgiapp.sock", "unix socket path (absolute) or host:port"),
    ("FCGI_WORKERS", "16", "worker threads, each running FCGX_Accept_r (1-1000)"),
    ("FCGI_BACKLOG", "1024", "listen backlog (1-65535)"),
    ("BASE_PATH", "dev", "public API base path, 1-64 of [A-Za-z0-9_-]"),
    ("IMAGE", "NOT_FOUND", "reported as imageUri by /{base}/host"),
    ("STRESS_MAX_SECONDS", "900", "longest stress job in seconds (1-86400)"),
    ("PORT", "3000", "HTTP port `FCGIApp healthcheck` connects to on 127.0.0.1"),
  ]

  /// Reads the configuration from environment variables; unset or empty variables take their defaults.
  /// - Parameter environment: variable names to values (only the ones above are read).
  /// - Returns: the configuration, or every problem found (not just the first).
  public static func parse(environment: [String: String]) -> Result<AppConfig, ConfigProblems> {
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
      record(
        integer(text, "FCGI_WORKERS", workersRange), into: &config.workers, problems: &problems)
    }
    if let text = value("FCGI_BACKLOG") {
      record(
        integer(text, "FCGI_BACKLOG", backlogRange), into: &config.backlog, problems: &problems)
    }
    if let text = value("BASE_PATH") {
      if isValidBasePath(text) {
        config.basePath = text
      } else {
        problems.append(
          ConfigProblem("BASE_PATH", text, "must be 1-64 characters of [A-Za-z0-9_-]"))
      }
    }
    if let text = value("IMAGE") {
      config.image = text
    }
    if let text = value("STRESS_MAX_SECONDS") {
      record(
        integer(text, "STRESS_MAX_SECONDS", stressMaxSecondsRange),
        into: &config.stressMaxSeconds,
        problems: &problems
      )
    }
    return problems.isEmpty ? .success(config) : .failure(ConfigProblems(problems: problems))
  }

  /// Reads `PORT` for the health check (default 3000).
  /// - Parameter environment: variable names to values.
  /// - Returns: the port or the problem.
  public static func healthCheckPort(environment: [String: String]) -> Result<Int, ConfigProblems> {
    guard let text = environment["PORT"], !text.isEmpty else { return .success(3000) }
    return integer(text, "PORT", portRange).mapError { ConfigProblems(problems: [$0]) }
  }

  /// Whether `text` is a valid `BASE_PATH`: 1-64 of `[A-Za-z0-9_-]`.
  /// - Parameter text: the candidate.
  /// - Returns: true if valid.
  public static func isValidBasePath(_ text: String) -> Bool {
    let utf8 = text.utf8
    return (1...64).contains(utf8.count)
      && utf8.allSatisfy { byte in
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
          UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
          return true
        default:
          return false
        }
      }
  }

  /// Parses a digits-only integer variable within a range.
  private static func integer(
    _ text: String,
    _ name: String,
    _ range: ClosedRange<Int>
  ) -> Result<Int, ConfigProblem> {
    DecimalParameter.parse(Substring(text), name: name, range: range).mapError { error in
      ConfigProblem(name, text, "must be digits only, \(range.lowerBound)-\(range.upperBound)")
    }
  }

  /// Stores a parsed value or records its problem.
  private static func record(
    _ result: Result<Int, ConfigProblem>,
    into target: inout Int,
    problems: inout [ConfigProblem]
  ) {
    switch result {
    case .success(let value): target = value
    case .failure(let problem): problems.append(problem)
    }
  }
}
