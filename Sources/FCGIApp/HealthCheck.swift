import FCGIAppCore
import FCGIAppRuntime
import Glibc

/// `FCGIApp healthcheck`: `GET /health` on 127.0.0.1:PORT over a plain TCP socket (no curl in the
/// image), healthy only on HTTP 200 within the time limit. It goes through nginx, so it proves both
/// processes answer.
enum HealthCheck {
  /// Runs the check and reports a failure on stderr.
  /// - Parameters:
  ///   - port: the HTTP port.
  ///   - timeout: the overall limit in seconds.
  /// - Returns: 0 when healthy, 1 otherwise.
  static func run(port: Int, timeout: Double = 2) -> Int32 {
    let clock = SystemClock()
    let deadline = clock.monotonicSeconds() + timeout
    do {
      let statusLine = try fetchStatusLine(port: port, deadline: deadline, clock: clock)
      guard HealthStatusLine.isHealthy(statusLine) else {
        report(
          "unhealthy: GET http://127.0.0.1:\(port)/health answered \(JSONValue.quoted(statusLine))")
        return 1
      }
      return 0
    } catch {
      report("unhealthy: GET http://127.0.0.1:\(port)/health failed: \(error)")
      return 1
    }
  }

  /// Connects, sends the request and reads up to the end of the status line.
  private static func fetchStatusLine(port: Int, deadline: Double, clock: SystemClock)
    throws(SystemError) -> String
  {
    let fd = try SystemCall.check("socket") {
      socket(
        AF_INET,
        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
        0)
    }
    defer { SystemCall.closeIgnoringErrors(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    do {
      try SystemCall.check("connect") {
        withUnsafePointer(to: &address) { pointer in
          pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
          }
        }
      }
    } catch  where error.code == EINPROGRESS {
      try waitFor(fd, events: Int16(POLLOUT), deadline: deadline, clock: clock)
      var socketError: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      try SystemCall.check("getsockopt") {
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
      }
      if socketError != 0 {
        throw SystemError(call: "connect", function: #function, code: socketError)
      }
    }
    let request = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    var sent = 0
    while sent < request.count {
      try waitFor(fd, events: Int16(POLLOUT), deadline: deadline, clock: clock)
      sent += try SystemCall.check("send") {
        request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      }
    }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 512)
    while !received.contains(UInt8(ascii: "\n")) && received.count < 4096 {
      try waitFor(fd, events: Int16(POLLIN), deadline: deadline, clock: clock)
      let count = try SystemCall.check("recv") {
        chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      }
      if count == 0 { break }
      received += chunk[0..<count]
    }
    let line = received.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first ?? []
    return String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
  }

  /// Polls one descriptor until it is ready or the deadline passes (reported as ETIMEDOUT).
  private static func waitFor(_ fd: Int32, events: Int16, deadline: Double, clock: SystemClock)
    throws(SystemError)
  {
    let remaining = deadline - clock.monotonicSeconds()
    guard remaining > 0 else {
      throw SystemError(call: "poll", function: #function, code: ETIMEDOUT)
    }
    var descriptor = pollfd(fd: fd, events: events, revents: 0)
    let ready = try SystemCall.check("poll") {
      poll(&descriptor, 1, Int32((remaining * 1000).rounded(.up)))
    }
    if ready == 0 { throw SystemError(call: "poll", function: #function, code: ETIMEDOUT) }
  }

  private static func report(_ message: String) {
    Logger.writeAll(STDERR_FILENO, Array((message + "\n").utf8))
  }
}
