import FCGIAppCore
import Glibc

/// Facts about the machine read once at start: host name and usable CPUs.
package enum SystemInfo {
  /// The kernel's host name (`gethostname`); the `HOSTNAME` variable is not trusted.
  /// - Returns: the host name, or `"unknown"` if it cannot be read.
  package static func hostname() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    do {
      try SystemCall.check("gethostname") { gethostname(&buffer, buffer.count - 1) }
    } catch {
      return "unknown"
    }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  /// Online CPUs (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1.
  package static func onlineCPUs() -> Int {
    let count = (try? SystemCall.check("sysconf") { sysconf(Int32(_SC_NPROCESSORS_ONLN)) }) ?? 1
    return max(1, count)
  }

  /// net.core.somaxconn of this network namespace: the kernel cuts any listen() backlog to it.
  /// - Parameter root: the filesystem root holding `/proc`.
  /// - Returns: the value, or nil when it cannot be read.
  package static func listenQueueLimit(root: String = "/") -> Int? {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    guard let text = FileReader.readIfPresent(base + "/proc/sys/net/core/somaxconn") else {
      return nil
    }
    return Int(text.split(separator: "\n").first ?? "")
  }

  /// The CPUs this process may use: the cgroup quota, capped by the online and affinity CPU counts.
  /// - Parameter root: the filesystem root holding `/proc` and `/sys/fs/cgroup`.
  /// - Returns: the allowance and its source.
  package static func cpuAllowance(root: String = "/") -> CPULimit {
    CPULimit.combine(
      quota: CGroupCPUReader(root: root).quota(),
      onlineCPUs: onlineCPUs(),
      affinityCPUs: CPUAffinity.allowedCPUs(root: root)
    )
  }
}
