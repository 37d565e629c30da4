import Synchronization

/// Request counters shared by all worker threads (lock-free atomics).
package final class ServerCounters: Sendable {
  /// Worker threads configured.
  package let workersTotal: Int
  private let served = Atomic<Int>(0)
  private let busy = Atomic<Int>(0)

  /// Creates counters for a pool.
  /// - Parameter workersTotal: the number of worker threads.
  package init(workersTotal: Int) {
    self.workersTotal = workersTotal
  }

  /// Records that a worker started handling a request.
  package func requestStarted() {
    served.add(1, ordering: .relaxed)
    busy.add(1, ordering: .relaxed)
  }

  /// Records that a worker finished a request.
  package func requestFinished() {
    busy.subtract(1, ordering: .relaxed)
  }

  /// Requests started so far.
  package var requestsServed: Int { served.load(ordering: .relaxed) }
  /// Requests being handled now.
  package var workersBusy: Int { busy.load(ordering: .relaxed) }
}
