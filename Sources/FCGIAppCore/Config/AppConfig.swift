/// The server's settings, read once from the environment at start.
///
/// ```swift
/// switch AppConfig.parse(environment: ["BASE_PATH": "dev"]) {
/// case .success(let config): startServer(config)
/// case .failure(let problems): logAndExit(problems)  // exit code 2
/// }
/// ```
public struct AppConfig: Sendable, Equatable {
  /// `FCGI_LISTEN`: where the FastCGI server listens.
  public var listen: ListenAddress
  /// `FCGI_WORKERS`: worker threads, each serving one FastCGI connection at a time.
  public var workers: Int
  /// `FCGI_BACKLOG`: the listen backlog.
  public var backlog: Int
  /// `BASE_PATH`: the first path segment of the public API.
  public var basePath: String
  /// `IMAGE`: reported as `imageUri` by `/{base}/host`.
  public var image: String
  /// `STRESS_MAX_SECONDS`: the longest stress job.
  public var stressMaxSeconds: Int

  /// Creates a configuration; every parameter has the documented default.
  public init(
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

  /// Accepted `FCGI_WORKERS`. The cap keeps connection descriptors below 1024: libfcgi checks a new
  /// unix-socket connection with select(), which cannot watch higher descriptors.
  public static let workersRange = 1...1000
  /// Accepted `FCGI_BACKLOG`.
  public static let backlogRange = 1...65535
  /// Accepted `STRESS_MAX_SECONDS` (up to a day).
  public static let stressMaxSecondsRange = 1...86400
  /// Accepted `PORT` (used by `FCGIApp healthcheck`).
  public static let portRange = 1...65535
}
