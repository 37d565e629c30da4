import FCGIAppCore
import FCGIAppRuntime
import Foundation
import Glibc
import XCTest

@testable import FCGIApp

/// The pool's shutdown on a real listening socket with real libfcgi workers.
final class WorkerPoolTests: XCTestCase {
  /// Shutdown ends every worker blocked in accept at once; one pinned to a connection that sends
  /// nothing (an idle kept nginx connection) ends when that connection closes, as WorkerPool says.
  func testShutdownEndsIdleWorkersAndPinnedOnesWhenTheirConnectionCloses() async throws {
    try await withPool(workers: 3) { path, pool in
      XCTAssertEqual(pool.runningWorkers, 3)

      let client = try connectedClient(to: path)
      // Let a worker accept the connection and block reading its (never sent) first request.
      try await Task.sleep(nanoseconds: 300_000_000)
      pool.beginShutdown()
      XCTAssertTrue(pool.isStopping)
      let pinnedOnly = await waitUntil { pool.runningWorkers == 1 }
      XCTAssertTrue(pinnedOnly, "\(pool.runningWorkers) running, expected the pinned worker only")
      close(client)
      let none = await waitUntil { pool.runningWorkers == 0 }
      XCTAssertTrue(none, "\(pool.runningWorkers) running after the connection closed")
    }
  }

  /// A worker that finishes a request on a kept connection while another connection waits in the
  /// backlog closes its own and serves the waiting one: with a single worker, B (queued behind kept
  /// connection A) is answered and A is closed after its answer. Without the release B waits for as
  /// long as A stays open, as nginx's reused connections kept queued ones waiting at 256 clients.
  func testKeptConnectionIsReleasedWhenAnotherWaits() async throws {
    try await withPool(workers: 1) { path, _ in
      let first = try connectedClient(to: path)
      let second = try connectedClient(to: path)
      defer { close(second) }
      try FastCGIClient.sendRequest(on: second, scriptName: "/dev", pathInfo: "/host")
      try FastCGIClient.sendRequest(on: first, scriptName: "/dev", pathInfo: "/host")
      let firstAnswer = try FastCGIClient.readResponse(from: first, timeout: 3)
      XCTAssertTrue(
        firstAnswer?.contains("Status: 200") == true, "A: \(firstAnswer ?? "no answer")")
      // nginx closes a cached connection once it reads the app's end of it; so does this client.
      XCTAssertTrue(FastCGIClient.closedByPeer(first, timeout: 3), "A was kept although B waited")
      close(first)
      let secondAnswer = try FastCGIClient.readResponse(from: second, timeout: 3)
      XCTAssertTrue(
        secondAnswer?.contains("Status: 200") == true, "B: \(secondAnswer ?? "no answer")")
    }
  }

  /// With nothing waiting, a kept connection stays open and serves request after request on the same
  /// pool thread: /host, a stress start (the deepest path: plan, engine, thread start) and /status.
  /// The worker's stack (`WorkerPool.stackSize`) must hold them; a too-small one crashes this test.
  func testKeptConnectionServesRequestsOnPoolThread() async throws {
    try await withPool(workers: 1) { path, _ in
      let client = try connectedClient(to: path)
      defer { close(client) }
      for (script, pathInfo) in [("/dev", "/host"), ("/dev", "/stress-cpu/1/1"), ("/status", "")] {
        try FastCGIClient.sendRequest(on: client, scriptName: script, pathInfo: pathInfo)
        let answer = try FastCGIClient.readResponse(from: client, timeout: 3)
        XCTAssertTrue(
          answer?.contains("Status: 200") == true, "\(script)\(pathInfo): \(answer ?? "no answer")")
      }
      try FastCGIClient.sendRequest(on: client, scriptName: "/dev", pathInfo: "/stress-cpu/0/1")
      XCTAssertNotNil(try FastCGIClient.readResponse(from: client, timeout: 3))
    }
  }

  /// nginx's side of FastCGI, as little as these tests need: one responder request per call with
  /// FCGI_KEEP_CONN set, and the response read up to its END_REQUEST record.
  private enum FastCGIClient {
    /// Sends BEGIN_REQUEST (keep the connection), the GET parameters and an empty stdin.
    static func sendRequest(on fd: Int32, scriptName: String, pathInfo: String) throws {
      var bytes = record(type: 1, [0, 1, 1, 0, 0, 0, 0, 0])  // role responder, flags KEEP_CONN
      var params: [UInt8] = []
      for (name, value) in [
        ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", scriptName), ("PATH_INFO", pathInfo),
      ] {
        params +=
          [UInt8(name.utf8.count), UInt8(value.utf8.count)] + Array(name.utf8)
          + Array(value.utf8)
      }
      bytes += record(type: 4, params) + record(type: 4, []) + record(type: 5, [])
      let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      XCTAssertEqual(written, bytes.count)
    }

    /// The stdout stream up to END_REQUEST, or nil when nothing complete arrives within `timeout`.
    static func readResponse(from fd: Int32, timeout: Double) throws -> String? {
      var buffer: [UInt8] = []
      var stdout: [UInt8] = []
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        while buffer.count >= 8 {
          let length = Int(buffer[4]) << 8 | Int(buffer[5])
          let total = 8 + length + Int(buffer[6])
          guard buffer.count >= total else { break }
          if buffer[1] == 6 { stdout += buffer[8..<(8 + length)] }
          if buffer[1] == 3 { return String(decoding: stdout, as: UTF8.self) }
          buffer.removeFirst(total)
        }
        guard readable(fd, milliseconds: 50) else { continue }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        buffer += chunk[0..<count]
      }
      return nil
    }

    /// Whether the peer closes `fd` (read returns 0) within `timeout`.
    static func closedByPeer(_ fd: Int32, timeout: Double) -> Bool {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        guard readable(fd, milliseconds: 50) else { continue }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) <= 0
      }
      return false
    }

    private static func readable(_ fd: Int32, milliseconds: Int32) -> Bool {
      var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      return poll(&descriptor, 1, milliseconds) > 0
    }

    private static func record(type: UInt8, _ body: [UInt8]) -> [UInt8] {
      [1, type, 0, 1, UInt8(body.count >> 8), UInt8(body.count & 0xff), 0, 0] + body
    }
  }

  /// Polls `condition` for up to 3 s.
  private func waitUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<300 {
      if condition() { return true }
      try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return condition()
  }

  /// A unix-socket client connected to `path`.
  private func connectedClient(to path: String) throws -> Int32 {
    let fd = try SystemCall.check("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
    try SystemCall.check("connect") {
      withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
    }
    return fd
  }
}
