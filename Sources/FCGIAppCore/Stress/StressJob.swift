/// A stress job as reported by the API and `/status`.
public struct StressJob: Sendable, Equatable {
  /// Increases with every start or stop; a worker thread stops when it no longer matches.
  public let generation: UInt64
  /// The requested percentage of the allowed CPUs.
  public let percent: Int
  /// The requested duration.
  public let seconds: Int
  /// When the job started.
  public let startedAt: UTCTimestamp
  /// When the job ends by itself.
  public let endsAt: UTCTimestamp
  /// The thread and share split.
  public let plan: StressPlan

  /// Creates a job record.
  /// - Parameters:
  ///   - generation: the job's generation number.
  ///   - percent: the requested percentage.
  ///   - seconds: the requested duration.
  ///   - startedAt: the start time.
  ///   - plan: the thread split.
  public init(
    generation: UInt64, percent: Int, seconds: Int, startedAt: UTCTimestamp, plan: StressPlan
  ) {
    self.generation = generation
    self.percent = percent
    self.seconds = seconds
    self.startedAt = startedAt
    self.endsAt = startedAt.adding(seconds: Int64(seconds))
    self.plan = plan
  }

  /// The job as a JSON object (used in `/status` and the stop response).
  public var json: JSONValue {
    .object([
      "percent": .int(percent),
      "seconds": .int(seconds),
      "startedAt": .string(startedAt.iso8601),
      "endsAt": .string(endsAt.iso8601),
      "cpusAllowed": .double(plan.cpusAllowed),
      "targetCPUs": .double(plan.targetCPUs),
      "threads": .int(plan.threads),
    ])
  }
}
