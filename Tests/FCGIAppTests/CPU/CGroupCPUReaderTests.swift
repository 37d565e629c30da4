import FCGIAppCore
import XCTest

/// Quota reading on fake cgroup trees built in a temporary directory.
final class CGroupCPUReaderTests: XCTestCase {
  private var tree: TemporaryTree!

  override func setUp() async throws {
    tree = try TemporaryTree()
  }

  override func tearDown() async throws {
    tree.remove()
  }

  /// cgroup v2: `cpu.max` in the process's own cgroup gives quota/period.
  func testVersion2QuotaOnOwnCgroup() async throws {
    try tree.write("/proc/self/cgroup", "0::/ecs/task/app\n")
    try tree.write("/sys/fs/cgroup/ecs/task/app/cpu.max", "50000 100000\n")
    let quota = CGroupCPUReader(root: tree.root).quota()
    XCTAssertEqual(
      quota, CPULimit(cpus: 0.5, source: "cgroup2 /sys/fs/cgroup/ecs/task/app/cpu.max"))
  }

  /// cgroup v2: `max` on the leaf means no limit there, so the parent's quota applies.
  func testVersion2WalksUpPastMaxToParentQuota() async throws {
    try tree.write("/proc/self/cgroup", "0::/ecs/task/app\n")
    try tree.write("/sys/fs/cgroup/ecs/task/app/cpu.max", "max 100000\n")
    try tree.write("/sys/fs/cgroup/ecs/task/cpu.max", "25000 100000\n")
    try tree.write("/sys/fs/cgroup/ecs/cpu.max", "max 100000\n")
    XCTAssertEqual(CGroupCPUReader(root: tree.root).quota()?.cpus, 0.25)
  }

  /// The tightest limit along the path wins, wherever it sits.
  func testTightestLimitWins() async throws {
    try tree.write("/proc/self/cgroup", "0::/a/b\n")
    try tree.write("/sys/fs/cgroup/a/b/cpu.max", "300000 100000\n")
    try tree.write("/sys/fs/cgroup/a/cpu.max", "150000 100000\n")
    XCTAssertEqual(CGroupCPUReader(root: tree.root).quota()?.cpus, 1.5)
  }

  /// cgroup v2 with `max` everywhere (or no files) is no quota.
  func testVersion2UnlimitedIsNil() async throws {
    try tree.write("/proc/self/cgroup", "0::/user.slice\n")
    try tree.write("/sys/fs/cgroup/user.slice/cpu.max", "max 100000\n")
    XCTAssertNil(CGroupCPUReader(root: tree.root).quota())
  }

  /// cgroup v1 (Fargate): the container's cgroup has -1, the task cgroup above it holds the quota.
  func testVersion1QuotaOnParent() async throws {
    try tree.write(
      "/proc/self/cgroup",
      "11:memory:/ecs/t1/c1\n4:cpu,cpuacct:/ecs/t1/c1\n1:name=systemd:/ecs/t1/c1\n"
    )
    try tree.write("/sys/fs/cgroup/cpu,cpuacct/ecs/t1/c1/cpu.cfs_quota_us", "-1\n")
    try tree.write("/sys/fs/cgroup/cpu,cpuacct/ecs/t1/c1/cpu.cfs_period_us", "100000\n")
    try tree.write("/sys/fs/cgroup/cpu,cpuacct/ecs/t1/cpu.cfs_quota_us", "25000\n")
    try tree.write("/sys/fs/cgroup/cpu,cpuacct/ecs/t1/cpu.cfs_period_us", "100000\n")
    XCTAssertEqual(
      CGroupCPUReader(root: tree.root).quota(),
      CPULimit(cpus: 0.25, source: "cgroup1 /sys/fs/cgroup/cpu,cpuacct/ecs/t1/cpu.cfs_quota_us")
    )
  }

  /// cgroup v1 where the container sees its own cgroup as the mount root (the host path is absent):
  /// the quota at the mount root is found, and a `cpu` mount name works too.
  func testVersion1ContainerViewOfItsOwnCgroup() async throws {
    try tree.write("/proc/self/cgroup", "3:cpu:/docker/0123abcd\n")
    try tree.write("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "150000\n")
    try tree.write("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n")
    XCTAssertEqual(CGroupCPUReader(root: tree.root).quota()?.cpus, 1.5)
  }

  /// `cpuset` and `cpuacct` lines are not mistaken for the cpu controller; no quota anywhere is nil.
  func testVersion1WithoutQuotaIsNil() async throws {
    try tree.write("/proc/self/cgroup", "5:cpuset:/x\n2:cpuacct:/\n1:cpu:/\n0::/\n")
    try tree.write("/sys/fs/cgroup/cpuset/x/cpu.cfs_quota_us", "1000\n")
    try tree.write("/sys/fs/cgroup/cpuset/x/cpu.cfs_period_us", "100000\n")
    try tree.write("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n")
    try tree.write("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n")
    XCTAssertNil(CGroupCPUReader(root: tree.root).quota())
  }

  /// Missing or garbled files are ignored rather than crashing.
  func testMissingAndGarbledFilesAreIgnored() async throws {
    XCTAssertNil(CGroupCPUReader(root: tree.root).quota())
    try tree.write("/proc/self/cgroup", "garbage\n::\n0::/a\n")
    try tree.write("/sys/fs/cgroup/a/cpu.max", "lots 0\n")
    try tree.write("/sys/fs/cgroup/cpu.max", "100000\n")
    XCTAssertNil(CGroupCPUReader(root: tree.root).quota())
  }

  /// The allowance is the smallest of quota, affinity and online CPUs, with its source.
  func testAllowanceTakesTheSmallest() async throws {
    let quota = CPULimit(cpus: 0.5, source: "q")
    XCTAssertEqual(CPULimit.combine(quota: quota, onlineCPUs: 4, affinityCPUs: 2).cpus, 0.5)
    XCTAssertEqual(
      CPULimit.combine(quota: CPULimit(cpus: 8, source: "q"), onlineCPUs: 4, affinityCPUs: 2),
      CPULimit(cpus: 2, source: "CPU affinity")
    )
    XCTAssertEqual(
      CPULimit.combine(quota: nil, onlineCPUs: 4, affinityCPUs: nil),
      CPULimit(cpus: 4, source: "online CPUs")
    )
  }

  /// Affinity comes from `Cpus_allowed_list` ranges and single CPUs.
  func testAffinityListIsCounted() async throws {
    XCTAssertEqual(CPUAffinity.count(list: "\t0-3,6,8-9\n"), 7)
    XCTAssertEqual(CPUAffinity.count(list: "0"), 1)
    XCTAssertNil(CPUAffinity.count(list: "3-1"))
    XCTAssertNil(CPUAffinity.count(list: ""))
    try tree.write("/proc/self/status", "Name:\tx\nCpus_allowed:\tf\nCpus_allowed_list:\t0-1\n")
    XCTAssertEqual(CPUAffinity.allowedCPUs(root: tree.root), 2)
  }
}
