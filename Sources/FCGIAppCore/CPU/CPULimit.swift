/// A number of CPUs and where it came from: a cgroup's quota (`cgroup2 <file>`, `cgroup1 <file>`), or what
/// the process may finally use after `combine` (also `online CPUs`, `CPU affinity`).
package struct CPULimit: Sendable, Equatable {
  /// Allowed CPUs (quota / period), e.g. 0.25 for a quarter vCPU.
  package let cpus: Double
  /// Where the number came from (a cgroup file relative to the filesystem root, or the scheduler).
  package let source: String

  /// Creates a limit.
  /// - Parameters:
  ///   - cpus: allowed CPUs.
  ///   - source: where it came from.
  package init(cpus: Double, source: String) {
    self.cpus = cpus
    self.source = source
  }

  /// Combines a cgroup quota with the CPUs the scheduler offers: the smallest wins.
  /// - Parameters:
  ///   - quota: the cgroup limit, if any.
  ///   - onlineCPUs: online CPUs (`sysconf(_SC_NPROCESSORS_ONLN)`).
  ///   - affinityCPUs: CPUs in the affinity mask, if known.
  /// - Returns: what the process may use (at least 0.01 so percentages stay meaningful).
  package static func combine(quota: CPULimit?, onlineCPUs: Int, affinityCPUs: Int?) -> CPULimit {
    var best = CPULimit(cpus: Double(max(1, onlineCPUs)), source: "online CPUs")
    if let affinityCPUs, affinityCPUs > 0, Double(affinityCPUs) < best.cpus {
      best = CPULimit(cpus: Double(affinityCPUs), source: "CPU affinity")
    }
    if let quota, quota.cpus > 0, quota.cpus < best.cpus {
      best = CPULimit(cpus: max(0.01, quota.cpus), source: quota.source)
    }
    return best
  }
}
