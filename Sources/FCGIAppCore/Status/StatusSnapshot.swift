/// The `/status` document: uptime, requests, worker use and the running stress job.
package struct StatusSnapshot: Sendable, Equatable {
  /// Seconds since the server started.
  package var uptimeSeconds: Double
  /// Requests handled since start (this one included).
  package var requestsServed: Int
  /// Workers handling a request now (this one included).
  package var workersBusy: Int
  /// Worker threads configured.
  package var workersTotal: Int
  /// The CPUs the process may use.
  package var cpusAllowed: Double
  /// The running stress job, if any.
  package var stress: StressJob?
  /// The host name.
  package var hostname: String

  /// Creates a snapshot.
  package init(
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
  package var json: JSONValue {
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
