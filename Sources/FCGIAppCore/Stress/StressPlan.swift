/// How a stress request turns into threads: the CPUs to burn, how many threads, and each one's share.
///
/// `percent` is a percentage of the CPUs this process may use (its cgroup quota), so the task's
/// CPU utilisation that ECS reports matches the request. The load is spread over
/// `threads = ceil(targetCPUs)` threads, each burning `sharePerThread` of one CPU.
///
/// ```swift
/// let plan = StressPlan(cpusAllowed: 2, percent: 75)  // targetCPUs 1.5, threads 2, share 0.75
/// ```
package struct StressPlan: Sendable, Equatable {
  /// The CPUs the process may use.
  package let cpusAllowed: Double
  /// The requested percentage of `cpusAllowed`, 0-100.
  package let percent: Int

  /// Creates a plan.
  /// - Parameters:
  ///   - cpusAllowed: the CPUs the process may use (from the cgroup quota or the CPU count).
  ///   - percent: the requested percentage, 0-100.
  package init(cpusAllowed: Double, percent: Int) {
    self.cpusAllowed = cpusAllowed
    self.percent = percent
  }

  /// The CPUs to keep busy: `cpusAllowed × percent / 100`.
  package var targetCPUs: Double { max(0, cpusAllowed * Double(percent) / 100) }

  /// Threads needed so none has to exceed one CPU: `ceil(targetCPUs)`, 0 when idle.
  package var threads: Int {
    // The tolerance stops floating-point noise (e.g. 1.0000000000000002) adding a thread.
    targetCPUs <= 1e-9 ? 0 : Int((targetCPUs - 1e-9).rounded(.up))
  }

  /// The fraction of one CPU each thread burns, in (0, 1].
  package var sharePerThread: Double { threads == 0 ? 0 : min(1, targetCPUs / Double(threads)) }
}
