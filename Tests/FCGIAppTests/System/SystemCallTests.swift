import FCGIAppCore
import Glibc
import XCTest

final class SystemCallTests: XCTestCase {
  /// close() is called once even when it fails with EINTR: Linux has released the descriptor by then,
  /// so a second close could close one another thread has just been given (swift-nio's System.swift).
  func testCloseIsNeverRetriedOnEINTR() async throws {
    var calls: [Int32] = []
    SystemCall.closeIgnoringErrors(42) { fd in
      calls.append(fd)
      errno = EINTR
      return calls.count == 1 ? -1 : 0
    }
    XCTAssertEqual(calls, [42])
  }

  /// The type's documentation example, as written there: opening a directory read-only succeeds and
  /// a missing file throws an error naming the call and errno.
  func testDocumentationExampleWorks() async throws {
    let path = "/"
    let fd = try SystemCall.check("open") { open(path, O_RDONLY | O_CLOEXEC) }
    XCTAssertGreaterThanOrEqual(fd, 0)
    SystemCall.closeIgnoringErrors(fd)
    XCTAssertThrowsError(
      try SystemCall.check("open") {
        open("/nonexistent/\(UInt64.random(in: 0...UInt64.max))", O_RDONLY)
      }
    ) { error in
      XCTAssertEqual((error as? SystemError)?.code, ENOENT)
    }
  }
}
