/// Finds this process's CPU limit in the cgroup filesystem under a given root, so tests can point it at
/// a fake tree.
///
/// It reads `/proc/self/cgroup` for the process's cgroup path, then walks from that cgroup up to the
/// hierarchy root reading, for cgroup v2, `cpu.max` (`<quota> <period>` or `max <period>`) and, for v1,
/// `cpu.cfs_quota_us`/`cpu.cfs_period_us` (quota -1 means none). A limit on any ancestor caps the
/// process (on ECS the task-level cgroup holds it), so the smallest limit found wins. Directories missing
/// because the container sees its own cgroup as the mount root are skipped.
///
/// ```swift
/// let quota = CGroupCPUReader(root: "/").quota()  // e.g. CPULimit(cpus: 0.25, source: "cgroup1 ...")
/// ```
package struct CGroupCPUReader: Sendable {
  /// The filesystem root: `/` for real use, a temporary directory in tests.
  package let root: String

  /// Creates a reader.
  /// - Parameter root: the directory that stands for `/`.
  package init(root: String = "/") {
    self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
  }

  /// The tightest CPU limit on this process's cgroup or its ancestors.
  /// - Returns: the limit, or nil when there is none (or no cgroup information).
  package func quota() -> CPULimit? {
    guard let membership = FileReader.readIfPresent(root + "/proc/self/cgroup") else { return nil }
    var limits: [CPULimit] = []
    for line in membership.split(whereSeparator: { $0 == "\n" }) {
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      let controllers = fields[1]
      let path = String(fields[2])
      if fields[0] == "0" && controllers.isEmpty {
        limits += version2Limits(cgroupPath: path)
      } else if controllers.split(separator: ",").contains("cpu") {
        limits += version1Limits(cgroupPath: path, controllers: String(controllers))
      }
    }
    return limits.min { $0.cpus < $1.cpus }
  }

  /// Limits from `cpu.max` files along the v2 path.
  private func version2Limits(cgroupPath: String) -> [CPULimit] {
    let mount = "/sys/fs/cgroup"
    return Self.ancestors(of: cgroupPath).compactMap { directory in
      let file = mount + directory + "cpu.max"
      guard let text = FileReader.readIfPresent(root + file) else { return nil }
      let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
      guard fields.count == 2, fields[0] != "max",
        let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0
      else { return nil }
      return CPULimit(cpus: quota / period, source: "cgroup2 " + file)
    }
  }

  /// Limits from `cpu.cfs_quota_us`/`cpu.cfs_period_us` along the v1 path, in the cpu controller's mount.
  private func version1Limits(cgroupPath: String, controllers: String) -> [CPULimit] {
    let candidates = [controllers, "cpu", "cpu,cpuacct", "cpuacct,cpu"].map {
      "/sys/fs/cgroup/" + $0
    }
    guard let mount = candidates.first(where: { FileReader.isDirectory(root + $0) }) else {
      return []
    }
    return Self.ancestors(of: cgroupPath).compactMap { directory in
      let quotaFile = mount + directory + "cpu.cfs_quota_us"
      let periodFile = mount + directory + "cpu.cfs_period_us"
      guard let quotaText = FileReader.readIfPresent(root + quotaFile),
        let periodText = FileReader.readIfPresent(root + periodFile),
        let quota = Double(Self.trimmed(quotaText)), let period = Double(Self.trimmed(periodText)),
        quota > 0, period > 0
      else { return nil }
      return CPULimit(cpus: quota / period, source: "cgroup1 " + quotaFile)
    }
  }

  /// `/a/b` -> `["/a/b/", "/a/", "/"]`: the cgroup and each ancestor, as directory prefixes.
  /// - Parameter path: a cgroup path from `/proc/self/cgroup`.
  /// - Returns: the directories from the deepest up to the root, each ending in `/`.
  static func ancestors(of path: String) -> [String] {
    var parts = path.split(separator: "/").map(String.init).filter { $0 != "." && $0 != ".." }
    var result: [String] = []
    while true {
      result.append("/" + parts.map { $0 + "/" }.joined())
      if parts.isEmpty { break }
      parts.removeLast()
    }
    return result
  }

  private static func trimmed(_ text: String) -> Substring {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first ?? ""
  }
}
