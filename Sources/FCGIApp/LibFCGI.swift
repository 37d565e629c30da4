// The only file that imports libfcgi: everything else sees FastCGIExchange and these small wrappers.
import CFCGI
import FCGIAppCore
import Glibc

/// libfcgi's process-wide set-up.
enum LibFCGI {
  /// Initialises libfcgi (`FCGX_Init`); call once before any worker starts.
  static func initialize() throws(SystemError) {
    try SystemCall.checkReturnCode("FCGX_Init") { FCGX_Init() }
  }
}

/// One worker's FastCGI request slot (`FCGX_Request`) on the shared listen socket. libfcgi keeps the
/// connection open between requests when nginx sets FCGI_KEEP_CONN, so a worker serves one nginx
/// connection at a time and reads its next request without another `accept`.
///
/// ```swift
/// let connection = try FastCGIConnection(listenSocket: fd)
/// while try connection.accept() { try handler.handle(connection); connection.finish() }
/// ```
final class FastCGIConnection: FastCGIExchange {
  private let request: UnsafeMutablePointer<FCGX_Request>

  /// Creates a request slot on a listening socket.
  /// - Parameter listenSocket: the listening descriptor shared by all workers.
  init(listenSocket: Int32) throws(SystemError) {
    request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
    request.initialize(to: FCGX_Request())
    do {
      try SystemCall.checkReturnCode("FCGX_InitRequest") {
        FCGX_InitRequest(request, listenSocket, 0)
      }
    } catch {
      request.deallocate()
      throw error
    }
  }

  deinit {
    FCGX_Free(request, 1)
    request.deallocate()
  }

  /// Waits for the next request (`FCGX_Accept_r`), finishing the previous one first. Linux needs no
  /// accept lock: concurrent accept() calls on one socket are safe and the kernel wakes one waiter.
  /// - Throws: `SystemError` when accept fails, e.g. `EINVAL` after the listen socket is shut down.
  func accept() throws(SystemError) {
    try SystemCall.checkNonNegative("FCGX_Accept_r") { FCGX_Accept_r(request) }
  }

  /// Flushes the response and ends the request (`FCGX_Finish_r`), keeping the connection if nginx asked.
  func finish() {
    FCGX_Finish_r(request)
  }

  /// Whether nginx asked to keep this connection for its next request (FCGI_KEEP_CONN).
  var isKept: Bool { request.pointee.keepConnection != 0 }

  /// Makes `finish()` close the connection although nginx asked to keep it. libfcgi closes it as it
  /// closes any other (shutdown, then read until nginx closes its end), and nginx, which sees the close
  /// on an idle cached connection or on the next request it sends on it, retries that request on a new
  /// connection (a GET or HEAD is idempotent).
  func closeAfterRequest() {
    request.pointee.keepConnection = 0
  }

  func parameter(_ name: String) -> String? {
    // withCString lends the name's own bytes (copied to the stack for a small string); passing the
    // String straight to C built a heap copy (utf8CString) for each of the three lookups per request.
    let envp = request.pointee.envp
    guard let value = name.withCString({ FCGX_GetParam($0, envp) }) else { return nil }
    return String(cString: value)
  }

  func send(_ bytes: [UInt8]) throws {
    let stream = request.pointee.out
    // A failed stream makes FCGX_PutStr return -1 without setting errno (the error lives in the stream),
    // so it is checked once and never retried: a stale EINTR must not make a worker spin on a dead stream.
    let written = bytes.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) {
        FCGX_PutStr($0.baseAddress, Int32($0.count), stream)
      }
    }
    if written != Int32(bytes.count) {
      throw SystemError(call: "FCGX_PutStr", function: #function, code: FCGX_GetError(stream))
    }
  }
}
