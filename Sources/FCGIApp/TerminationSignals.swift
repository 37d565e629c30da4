import FCGIAppCore
import Glibc

/// SIGTERM/SIGINT handling without async signal handlers: the signals are blocked in every thread
/// (threads inherit the mask, so block before starting any) and one thread takes them with `sigwait`.
/// SIGPIPE is blocked too, so a write to a closed connection fails with EPIPE instead of killing the
/// process.
enum TerminationSignals {
  /// Blocks SIGTERM, SIGINT and SIGPIPE in the calling thread and every thread it starts afterwards.
  static func block() throws(SystemError) {
    var set = try signalSet(including: [SIGTERM, SIGINT, SIGPIPE])
    try SystemCall.checkReturnCode("pthread_sigmask") { pthread_sigmask(SIG_BLOCK, &set, nil) }
  }

  /// Waits for SIGTERM or SIGINT.
  /// - Returns: the signal number received.
  static func wait() throws(SystemError) -> Int32 {
    var set = try signalSet(including: [SIGTERM, SIGINT])
    var received: Int32 = 0
    try SystemCall.checkReturnCode("sigwait") { sigwait(&set, &received) }
    return received
  }

  /// The signal's name for logs.
  /// - Parameter signal: the number.
  /// - Returns: e.g. `SIGTERM`.
  static func name(_ signal: Int32) -> String {
    switch signal {
    case SIGTERM: return "SIGTERM"
    case SIGINT: return "SIGINT"
    default: return "signal \(signal)"
    }
  }

  private static func signalSet(including signals: [Int32]) throws(SystemError) -> sigset_t {
    var set = sigset_t()
    try SystemCall.check("sigemptyset") { sigemptyset(&set) }
    for signal in signals {
      try SystemCall.check("sigaddset") { sigaddset(&set, signal) }
    }
    return set
  }
}
