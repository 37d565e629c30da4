import FCGIAppCore
import Glibc
import Synchronization

/// Burns a requested share of the allowed CPUs in background threads: one job per process, a new job
/// replaces the running one, percent 0 stops it, and jobs end by themselves at `endsAt`.
///
/// Each of the plan's threads runs a feedback loop in slices of at most 10 ms: it compares the CPU time it
/// has consumed (`CLOCK_THREAD_CPUTIME_ID`) with its share of the wall time elapsed since the job started,
/// spins while behind and sleeps while ahead. The average is therefore what was asked even when the
/// cgroup throttles the task or other threads briefly compete (up to `DutyCycle.maxDebt` of CPU is made up), and
/// the load stays smooth within any one-minute window. Stress threads run under `SCHED_IDLE` (or nice 19
/// if that is refused) so request threads always win the CPU. The kernel ranks `SCHED_IDLE` only within
/// one CPU scheduling group: in a container that group holds nginx and the app, so a woken request
/// preempts stress at once; on a host with session autogroups, nginx (another session) and local clients
/// compete with the app's group as a whole and wait for its slices (see scripts/bench/cpugroup.py).
///
/// ```swift
/// let engine = StressEngine(cpusAllowed: 2, logger: .standardError())
/// engine.start(percent: 75, seconds: 120)  // two threads at 75% of a CPU each
/// ```
package final class StressEngine: StressControlling {
  package let cpusAllowed: Double
  private let lowPriority: Bool
  private let clock: any AppClock
  private let logger: Logger
  private let generation = Atomic<UInt64>(0)
  private let running = Mutex<RunningStressJob?>(nil)

  /// Creates an engine; no thread runs until `start`.
  /// - Parameters:
  ///   - cpusAllowed: the CPUs the process may use.
  ///   - lowPriority: run stress threads at the lowest priority (tests may turn it off so a busy
  ///     machine does not starve them).
  ///   - clock: the clocks.
  ///   - logger: receives `stress_start` and `stress_stop` events.
  package init(
    cpusAllowed: Double,
    lowPriority: Bool = true,
    clock: any AppClock = SystemClock(),
    logger: Logger
  ) {
    self.cpusAllowed = cpusAllowed
    self.lowPriority = lowPriority
    self.clock = clock
    self.logger = logger
  }

  @discardableResult
  package func start(percent: Int, seconds: Int) -> StressJob {
    running.withLock { current in
      if let previous = current {
        previous.endReason.store(.replaced, ordering: .relaxed)
      }
      let next = generation.add(1, ordering: .sequentiallyConsistent).newValue
      let plan = StressPlan(cpusAllowed: cpusAllowed, percent: percent)
      let job = StressJob(
        generation: next,
        percent: percent,
        seconds: seconds,
        startedAt: clock.now(),
        plan: plan
      )
      let run = RunningStressJob(
        job: job,
        startedAt: clock.monotonicSeconds(),
        threads: plan.threads
      )
      current = run
      logger.info("stress_start", [JSONField("job", job.json)])
      for index in 0..<plan.threads {
        do {
          try PosixThread.spawn(name: "stress-\(index)") { [self] in
            burn(run, share: plan.sharePerThread)
          }
        } catch {
          logger.error("stress_thread_failed", [JSONField("error", .string("\(error)"))])
          threadFinished(run, cpuSeconds: 0)
        }
      }
      return job
    }
  }

  @discardableResult
  package func stop() -> StressJob? {
    running.withLock { current in
      defer { current = nil }
      guard let run = current, isActive(run) else {
        generation.add(1, ordering: .sequentiallyConsistent)
        return nil
      }
      run.endReason.store(.stopped, ordering: .relaxed)
      generation.add(1, ordering: .sequentiallyConsistent)
      return run.job
    }
  }

  package func current() -> StressJob? {
    running.withLock { current in
      guard let run = current, isActive(run) else { return nil }
      return run.job
    }
  }

  private func isActive(_ run: RunningStressJob) -> Bool {
    run.job.generation == generation.load(ordering: .sequentiallyConsistent)
      && clock.monotonicSeconds() < run.deadline
  }

  // MARK: - Stress threads

  /// One stress thread's feedback loop.
  private func burn(_ run: RunningStressJob, share: Double) {
    if lowPriority { run.priority.store(Self.lowerPriority(), ordering: .relaxed) }
    var cycle = DutyCycle(share: share)
    let cpuStart = SystemClock.seconds(CLOCK_THREAD_CPUTIME_ID)
    let wallStart = clock.monotonicSeconds()
    while generation.load(ordering: .relaxed) == run.job.generation {
      let now = clock.monotonicSeconds()
      let remaining = run.deadline - now
      if remaining <= 0 { break }
      let used = SystemClock.seconds(CLOCK_THREAD_CPUTIME_ID) - cpuStart
      switch cycle.next(elapsed: now - wallStart, used: used, remaining: remaining) {
      case .spin(let seconds):
        let until = now + seconds
        while clock.monotonicSeconds() < until {}
      case .sleep(let seconds):
        PosixThread.sleep(seconds: seconds)
      }
    }
    threadFinished(run, cpuSeconds: SystemClock.seconds(CLOCK_THREAD_CPUTIME_ID) - cpuStart)
  }

  /// Adds a thread's CPU time to its job; the last thread out logs `stress_stop` with the achieved load.
  private func threadFinished(_ run: RunningStressJob, cpuSeconds: Double) {
    run.cpuNanoseconds.add(Int(cpuSeconds * 1e9), ordering: .relaxed)
    guard run.liveThreads.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else {
      return
    }
    let wall = max(clock.monotonicSeconds() - run.startedAt, 1e-9)
    let cpu = Double(run.cpuNanoseconds.load(ordering: .relaxed)) / 1e9
    let achieved = cpu / wall / run.job.plan.cpusAllowed * 100
    let reason = run.endReason.load(ordering: .relaxed)
    let priority = run.priority.load(ordering: .relaxed)
    logger.info(
      "stress_stop",
      [
        JSONField("reason", .string("\(reason)")),
        JSONField("job", run.job.json),
        JSONField("ranSeconds", .double((wall * 1000).rounded() / 1000)),
        JSONField("achievedPercent", .double((achieved * 10).rounded() / 10)),
        JSONField("priority", .string(priority.description)),
      ]
    )
  }

  /// Puts the calling thread under `SCHED_IDLE`, or nice 19 when that is refused.
  /// - Returns: the policy now in force.
  static func lowerPriority() -> Priority {
    var parameters = sched_param()
    parameters.sched_priority = 0
    do {
      try SystemCall.checkReturnCode("pthread_setschedparam") {
        pthread_setschedparam(pthread_self(), schedIdle, &parameters)
      }
      return .idle
    } catch {
      // On Linux the nice value is per thread and `who` 0 means the calling thread.
      do {
        try SystemCall.check("setpriority") {
          setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        }
        return .nice19
      } catch {
        return .normal
      }
    }
  }

  /// Why a job ended, for the `stress_stop` log. Stored atomically as itself (through its raw value,
  /// which `AtomicRepresentable` provides for a `RawRepresentable` enum), never as a bare Int.
  enum EndReason: Int, AtomicRepresentable {
    case completed, replaced, stopped
  }

  /// The scheduling policy a stress thread got.
  enum Priority: Int, AtomicRepresentable, CustomStringConvertible {
    case normal, idle, nice19

    var description: String {
      switch self {
      case .normal: return "normal"
      case .idle: return "SCHED_IDLE"
      case .nice19: return "nice 19"
      }
    }
  }
}

/// Linux's SCHED_IDLE policy number (<linux/sched.h>); Glibc's Swift module does not export it.
private let schedIdle: Int32 = 5
