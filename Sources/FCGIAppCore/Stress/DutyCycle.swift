/// The control law of one stress thread: given the wall time elapsed and the CPU time used, spin or
/// sleep for the next slice so that used CPU tracks `share` of elapsed time.
///
/// Pure arithmetic, so it is tested with simulated clocks (throttling, competition, starvation).
///
/// ```swift
/// var cycle = DutyCycle(share: 0.75)
/// switch cycle.next(elapsed: 1.0, used: 0.70, remaining: 60) {
/// case .spin(let seconds): busyWait(seconds)   // behind: 0.05 s of CPU owed
/// case .sleep(let seconds): sleep(seconds)
/// }
/// ```
package struct DutyCycle: Sendable {
  /// One step of the loop.
  package enum Step: Sendable, Equatable {
    /// Burn CPU for this many wall seconds.
    case spin(seconds: Double)
    /// Sleep this many seconds.
    case sleep(seconds: Double)
  }

  /// The fraction of one CPU to use, in (0, 1].
  package let share: Double
  /// The longest step (keeps the load smooth and reaction to stop/replace fast).
  package let slice: Double
  /// The shortest step (avoids a storm of tiny sleeps).
  package let shortest: Double
  /// The most CPU time that is made up after the thread was starved.
  package let maxDebt: Double
  /// Wall time written off after starvation beyond `maxDebt`.
  package private(set) var forgiven: Double = 0

  /// Creates a controller.
  /// - Parameters:
  ///   - share: the fraction of one CPU to use.
  ///   - slice: the longest step in seconds (default 10 ms).
  ///   - shortest: the shortest step in seconds (default 1 ms).
  ///   - maxDebt: the most CPU seconds made up after starvation (default 1 s).
  package init(share: Double, slice: Double = 0.010, shortest: Double = 0.001, maxDebt: Double = 1)
  {
    self.share = min(1, max(share, 1e-6))
    self.slice = slice
    self.shortest = shortest
    self.maxDebt = maxDebt
  }

  /// The next step.
  /// - Parameters:
  ///   - elapsed: wall seconds since the thread started.
  ///   - used: CPU seconds the thread has used since it started.
  ///   - remaining: wall seconds until the job ends (> 0).
  /// - Returns: spin while behind, sleep while ahead; never longer than `slice` or `remaining`.
  package mutating func next(elapsed: Double, used: Double, remaining: Double) -> Step {
    var behind = share * (elapsed - forgiven) - used
    if behind > maxDebt {
      // Starved for long (busier threads had the CPU, as intended): write off the excess rather
      // than burning at 100% afterwards to make it up. Throttling-sized gaps are made up exactly.
      forgiven += (behind - maxDebt) / share
      behind = maxDebt
    }
    if behind > 0 {
      return .spin(seconds: min(max(behind, shortest), slice, remaining))
    }
    // Ahead: sleep until the share of elapsed time catches up with the CPU already used.
    return .sleep(seconds: min(max(-behind / share, shortest), slice, remaining))
  }
}
