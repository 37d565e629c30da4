/// A CPU limit found in a cgroup file: how many CPUs it allows and which file said so.
public struct CPUQuota: Sendable, Equatable {
  /// Allowed CPUs (quota / period), e.g. 0.25 for a quarter vCPU.
  public let cpus: Double
  /// The file the limit came from, relative to the filesystem root.
  public let source: String

  /// Creates a quota.
  /// - Parameters:
  ///   - cpus: allowed CPUs.
  ///   - source: the file it came from.
  public init(cpus: Double, source: String) {
    self.cpus = cpus
    self.source = source
  }
}

/// The CPUs the process may use, and where that number came from.
public struct CPUAllowance: Sendable, Equatable {
  /// Allowed CPUs.
  public let cpus: Double
  /// `cgroup2 <file>`, `cgroup1 <file>` or `online CPUs`/`CPU affinity`.
  public let source: String

  /// Creates an allowance.
  /// - Parameters:
  ///   - cpus: allowed CPUs.
  ///   - source: where the number came from.
  public init(cpus: Double, source: String) {
    self.cpus = cpus
    self.source = source
  }

  /// Combines a cgroup quota with the CPUs the scheduler offers: the smallest wins.
  /// - Parameters:
  ///   - quota: the cgroup limit, if any.
  ///   - onlineCPUs: online CPUs (`sysconf(_SC_NPROCESSORS_ONLN)`).
  ///   - affinityCPUs: CPUs in the affinity mask, if known.
  /// - Returns: the allowance (at least 0.01 so percentages stay meaningful).
  public static func combine(quota: CPUQuota?, onlineCPUs: Int, affinityCPUs: Int?) -> CPUAllowance
  {
    var best = CPUAllowance(cpus: Double(max(1, onlineCPUs)), source: "online CPUs")
    if let affinityCPUs, affinityCPUs > 0, Double(affinityCPUs) < best.cpus {
      best = CPUAllowance(cpus: Double(affinityCPUs), source: "CPU affinity")
    }
    if let quota, quota.cpus > 0, quota.cpus < best.cpus {
      best = CPUAllowance(cpus: max(0.01, quota.cpus), source: quota.source)
    }
    return best
  }
}
