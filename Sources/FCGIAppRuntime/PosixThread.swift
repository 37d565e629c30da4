import FCGIAppCore
import Glibc

/// Starts detached POSIX threads running Swift closures (the app uses plain threads, not Swift concurrency:
/// libfcgi's accept loop blocks, and stress threads need their own scheduling policy).
package enum PosixThread {
  /// Starts a detached thread (nothing joins it; its resources are freed when it ends). The app
  /// tracks its threads with counters instead of joins, so shutdown can use a deadline.
  /// - Parameters:
  ///   - name: the thread name shown by `top -H` (at most 15 bytes are kept).
  ///   - stackSize: the stack size in bytes.
  ///   - body: the code to run.
  package static func spawn(
    name: String,
    stackSize: Int = 256 * 1024,
    _ body: @escaping @Sendable () -> Void
  ) throws(SystemError) {
    var attributes = pthread_attr_t()
    try SystemCall.checkReturnCode("pthread_attr_init") { pthread_attr_init(&attributes) }
    defer { pthread_attr_destroy(&attributes) }
    try SystemCall.checkReturnCode("pthread_attr_setstacksize") {
      pthread_attr_setstacksize(&attributes, stackSize)
    }
    try SystemCall.checkReturnCode("pthread_attr_setdetachstate") {
      pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    }
    let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
    var thread = pthread_t()
    do {
      try SystemCall.checkReturnCode("pthread_create") {
        pthread_create(&thread, &attributes, threadEntry, box.toOpaque())
      }
    } catch {
      box.release()
      throw error
    }
  }
}

/// The closure and name handed to a new thread.
private final class ThreadBody: Sendable {
  let name: String
  let body: @Sendable () -> Void

  init(name: String, body: @escaping @Sendable () -> Void) {
    self.name = name
    self.body = body
  }
}

private func threadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
  let box = Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue()
  setCurrentThreadName(box.name)
  box.body()
  return nil
}

/// Names the calling thread through /proc (Swift's Glibc module lacks `pthread_setname_np`). Naming is
/// cosmetic, it only helps `top -H`, so a failure is ignored.
private func setCurrentThreadName(_ name: String) {
  let bytes = Array(name.utf8.prefix(15))
  guard
    let fd = try? SystemCall.check("open", { open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC) })
  else { return }
  defer { SystemCall.closeIgnoringErrors(fd) }
  _ = try? SystemCall.check("write") {
    bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  }
}

// MARK: - Sleeping

extension PosixThread {
  /// Sleeps the calling thread; an interrupted sleep returns early.
  /// - Parameter seconds: how long.
  package static func sleep(seconds: Double) {
    let whole = Int(seconds)
    var request = timespec(tv_sec: whole, tv_nsec: Int((seconds - Double(whole)) * 1e9))
    var remaining = timespec()
    try? SystemCall.checkReturnCode("nanosleep") {
      nanosleep(&request, &remaining) == 0 ? 0 : errno
    }
  }
}
