import FCGIAppCore
import Glibc

/// The real clocks: `CLOCK_REALTIME` for timestamps, `CLOCK_MONOTONIC` for durations (both vDSO calls,
/// so reading them costs no system call).
package struct SystemClock: AppClock {
  /// Creates the clock.
  package init() {}

  package func now() -> UTCTimestamp {
    let time = Self.read(CLOCK_REALTIME)
    return UTCTimestamp(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
  }

  package func monotonicSeconds() -> Double {
    Self.seconds(CLOCK_MONOTONIC)
  }

  /// Seconds on a given clock, e.g. `CLOCK_THREAD_CPUTIME_ID` for the calling thread's CPU time.
  /// - Parameter clock: the clock id.
  /// - Returns: the reading in seconds.
  package static func seconds(_ clock: clockid_t) -> Double {
    let time = read(clock)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  private static func read(_ clock: clockid_t) -> timespec {
    var time = timespec()
    // clock_gettime only fails for an invalid clock id, which would be a programming error.
    do {
      try SystemCall.check("clock_gettime") { clock_gettime(clock, &time) }
    } catch {
      fatalError("\(error)")
    }
    return time
  }
}
