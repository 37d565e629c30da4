/// The `/status` document: uptime, requests, worker use and the running stress job.
public struct StatusSnapshot: Sendable, Equatable {
  /// Seconds since the server started.
  public var uptimeSeconds: Double
  /// Requests handled since start (this one included).
  public var requestsServed: Int
  /// Workers handling a request now (this one included).
  public var workersBusy: Int
  /// Worker threads configured.
  public var workersTotal: Int
  /// The CPUs the process may use.
  public var cpusAllowed: Double
  /// The running stress job, if any.
  public var stress: StressJob?
  /// The host name.
  public var hostname: String

  /// Creates a snapshot.
  public init(
    uptimeSeconds: Double,
    requestsServed: Int,
    workersBusy: Int,
    workersTotal: Int,
    cpusAllowed: Double,
    stress: StressJob?,
    hostname: String
  ) {
    self.uptimeSeconds = uptimeSeconds
    self.requestsServed = requestsServed
    self.workersBusy = workersBusy
    self.workersTotal = workersTotal
    self.cpusAllowed = cpusAllowed
    self.stress = stress
    self.hostname = hostname
  }

  /// The JSON body.
  public var json: JSONValue {
    .object([
      "uptimeSeconds": .double((uptimeSeconds * 1000).rounded() / 1000),
      "requestsServed": .int(requestsServed),
      "workers": .object(["busy": .int(workersBusy), "total": .int(workersTotal)]),
      "cpusAllowed": .double(cpusAllowed),
      "stress": stress?.json ?? .null,
      "hostname": .string(hostname),
    ])
  }
}
