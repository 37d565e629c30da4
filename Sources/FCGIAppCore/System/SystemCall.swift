import Glibc

/// Checking wrappers for C calls: each runs the call, checks its return value and throws
/// `SystemError` with the call name, the calling function and `errno`.
///
/// ```swift
/// let fd = try SystemCall.check("open") { open(path, O_RDONLY | O_CLOEXEC) }
/// ```
package enum SystemCall {
  /// Checks a call that returns -1 and sets `errno` on failure; retries on `EINTR`.
  /// - Parameters:
  ///   - call: the C function's name, for the error.
  ///   - function: the calling Swift function (defaults to the call site).
  ///   - body: performs the call.
  /// - Returns: the call's non-negative result.
  @discardableResult
  package static func check<Result: BinaryInteger>(
    _ call: String,
    function: String = #function,
    _ body: () -> Result
  ) throws(SystemError) -> Result {
    while true {
      let result = body()
      if result != -1 { return result }
      let code = errno
      if code == EINTR { continue }
      throw SystemError(call: call, function: function, code: code)
    }
  }

  /// Checks a call that returns 0 on success and an error number otherwise (the pthread style).
  /// - Parameters:
  ///   - call: the C function's name, for the error.
  ///   - function: the calling Swift function (defaults to the call site).
  ///   - body: performs the call.
  package static func checkReturnCode(
    _ call: String,
    function: String = #function,
    _ body: () -> Int32
  ) throws(SystemError) {
    let code = body()
    if code != 0 { throw SystemError(call: call, function: function, code: code) }
  }

  /// Checks a call that returns a negative error number on failure (libfcgi's style).
  /// - Parameters:
  ///   - call: the C function's name, for the error.
  ///   - function: the calling Swift function (defaults to the call site).
  ///   - body: performs the call.
  /// - Returns: the call's non-negative result.
  @discardableResult
  package static func checkNonNegative(
    _ call: String,
    function: String = #function,
    _ body: () -> Int32
  ) throws(SystemError) -> Int32 {
    let result = body()
    if result < 0 { throw SystemError(call: call, function: function, code: -result) }
    return result
  }
}

// MARK: - Closing descriptors

extension SystemCall {
  /// Closes a descriptor with one call, never retried. Errors are ignored on purpose: on Linux the
  /// descriptor is released even when close() fails, EINTR included, so a retry could close a
  /// descriptor another thread has just been given (see swift-nio's `System.swift`). So not `check`,
  /// which retries on EINTR.
  /// - Parameters:
  ///   - fd: the descriptor.
  ///   - close: the call that closes it (tests pass a stand-in).
  package static func closeIgnoringErrors(_ fd: Int32, close: (Int32) -> Int32 = Glibc.close) {
    _ = close(fd)
  }
}
