/// Starts, replaces and stops the process's one stress job. The runtime's `StressEngine` burns CPU;
/// tests use a fake that only records calls.
package protocol StressControlling: Sendable {
  /// The CPUs this process may use; percentages are of this.
  var cpusAllowed: Double { get }
  /// Starts a job, replacing any running one.
  /// - Parameters:
  ///   - percent: 1-100, percent of `cpusAllowed`.
  ///   - seconds: duration.
  /// - Returns: the started job.
  func start(percent: Int, seconds: Int) -> StressJob
  /// Stops the running job.
  /// - Returns: the job that was running, if any.
  func stop() -> StressJob?
  /// The running job, if any.
  func current() -> StressJob?
}
