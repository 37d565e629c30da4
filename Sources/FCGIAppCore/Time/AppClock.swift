/// The two clocks the app reads: wall time for messages, monotonic time for durations.
///
/// The runtime supplies the system clocks; tests supply fixed ones.
package protocol AppClock: Sendable {
  /// The current wall-clock time.
  func now() -> UTCTimestamp
  /// Seconds on a clock that never jumps (CLOCK_MONOTONIC), for uptime and deadlines.
  func monotonicSeconds() -> Double
}
