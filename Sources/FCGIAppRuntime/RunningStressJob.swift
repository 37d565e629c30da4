import FCGIAppCore
import Synchronization

/// A job's live state, shared by its threads and read by the last one out to log the result.
final class RunningStressJob: Sendable {
  /// The job as reported.
  let job: StressJob
  /// Monotonic start time in seconds.
  let startedAt: Double
  /// Monotonic end time in seconds.
  let deadline: Double
  /// Threads still running; the one that brings it to 0 logs `stress_stop`.
  let liveThreads: Atomic<Int>
  /// CPU time the finished threads consumed.
  let cpuNanoseconds = Atomic<Int>(0)
  /// Why the job ended, set before the generation moves on.
  let endReason = Atomic<StressEngine.EndReason>(.completed)
  /// The scheduling policy the threads got.
  let priority = Atomic<StressEngine.Priority>(.normal)

  /// Creates the state for a job about to start.
  /// - Parameters:
  ///   - job: the job.
  ///   - startedAt: monotonic start time.
  ///   - threads: how many threads will run it.
  init(job: StressJob, startedAt: Double, threads: Int) {
    self.job = job
    self.startedAt = startedAt
    self.deadline = startedAt + Double(job.seconds)
    self.liveThreads = Atomic(threads)
  }
}
