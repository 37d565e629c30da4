import FCGIAppCore
import FCGIAppRuntime
import Glibc
import XCTest

@testable import FCGIApp

/// The scheduling policy of the pool's worker threads, read back from the kernel.
final class WorkerSchedulingTests: XCTestCase {
  /// Every FastCGI worker thread runs under SCHED_BATCH (see `RequestThreadScheduling` for why).
  func testWorkerThreadsRunUnderBatchScheduling() async throws {
    try await withPool(workers: 2) { _, _ in
      var policies: [Int32] = []
      for _ in 0..<300 {
        policies = workerThreadIDs().map { sched_getscheduler($0) }
        // At least this pool's two (a thread of an earlier test's pool may still be on its way out).
        if policies.count >= 2 && policies.allSatisfy({ $0 == schedBatch }) { break }
        try await Task.sleep(nanoseconds: 10_000_000)
      }
      XCTAssertGreaterThanOrEqual(policies.count, 2, "fcgi-* threads found")
      XCTAssertEqual(
        Set(policies), [schedBatch], "policies of the fcgi-* threads (3 is SCHED_BATCH)")
    }
  }

  /// Thread ids of this process's threads named `fcgi-<n>` (the pool's workers).
  private func workerThreadIDs() -> [pid_t] {
    guard let tasks = opendir("/proc/self/task") else { return [] }
    defer { closedir(tasks) }
    var ids: [pid_t] = []
    while let entry = readdir(tasks) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
      }
      guard let tid = pid_t(name) else { continue }
      let comm = (try? FileReader.read("/proc/self/task/\(tid)/comm")) ?? ""
      if comm.hasPrefix("fcgi-") { ids.append(tid) }
    }
    return ids
  }
}

/// Linux's SCHED_BATCH policy number (<linux/sched.h>).
private let schedBatch: Int32 = 3
