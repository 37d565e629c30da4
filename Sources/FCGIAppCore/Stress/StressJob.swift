/// A stress job as reported by the API and `/status`.
package struct StressJob: Sendable, Equatable {
  /// Increases with every start or stop; a worker thread stops when it no longer matches.
  package let generation: UInt64
  /// The requested percentage of the allowed CPUs.
  package let percent: Int
  /// The requested duration.
  package let seconds: Int
  /// When the job started.
  package let startedAt: UTCTimestamp
  /// When the job ends by itself.
  package let endsAt: UTCTimestamp
  /// The thread and share split.
  package let plan: StressPlan

  /// Creates a job record.
  /// - Parameters:
  ///   - generation: the job's generation number.
  ///   - percent: the requested percentage.
  ///   - seconds: the requested duration.
  ///   - startedAt: the start time.
  ///   - plan: the thread split.
  package init(
    generation: UInt64, percent: Int, seconds: Int, startedAt: UTCTimestamp, plan: StressPlan
  ) {
    self.generation = generation
    self.percent = percent
    self.seconds = seconds
    self.startedAt = startedAt
    self.endsAt = startedAt.adding(seconds: Int64(seconds))
    self.plan = plan
  }

  /// The job's members, in order: the stress answer lists them after its message, `/status` and the stop
  /// answer as an object of their own.
  package var fields: [JSONField] {
    [
      JSONField("percent", .int(percent)),
      JSONField("seconds", .int(seconds)),
      JSONField("startedAt", .string(startedAt.iso8601)),
      JSONField("endsAt", .string(endsAt.iso8601)),
      JSONField("cpusAllowed", .double(plan.cpusAllowed)),
      JSONField("targetCPUs", .double(plan.targetCPUs)),
      JSONField("threads", .int(plan.threads)),
    ]
  }

  /// The job as a JSON object (used in `/status` and the stop response).
  package var json: JSONValue { .object(fields) }
}
