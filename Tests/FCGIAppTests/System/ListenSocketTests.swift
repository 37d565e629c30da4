import FCGIAppCore
import FCGIAppRuntime
import Glibc
import XCTest

/// The stale-socket guard: the app replaces a socket a previous run left, and nothing else.
final class ListenSocketTests: XCTestCase {
  private var directory = ""

  override func setUp() async throws {
    var template = Array("/tmp/listen-socket-test-XXXXXX".utf8CString)
    directory = template.withUnsafeMutableBufferPointer {
      String(cString: mkdtemp($0.baseAddress!))
    }
  }

  override func tearDown() async throws {
    for name in ["app.sock", "other"] { unlink(directory + "/" + name) }
    rmdir(directory)
  }

  /// A socket file left by a previous run is replaced: the new one listens.
  func testStaleSocketIsReplaced() async throws {
    let path = directory + "/app.sock"
    let stale = try ListenSocket.open(.unix(path: path), backlog: 1)
    close(stale.fd)  // the previous run died without removing its file
    XCTAssertFalse(ListenSocket.answers(at: path))
    let fresh = try ListenSocket.open(.unix(path: path), backlog: 1)
    defer { close(fresh.fd) }
    XCTAssertTrue(ListenSocket.answers(at: path))
  }

  /// A path taken by anything but a socket is refused (EADDRINUSE) and left as it was.
  func testRegularFileAtThePathIsRefusedAndKept() async throws {
    let path = directory + "/app.sock"
    let file = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
    XCTAssertGreaterThanOrEqual(file, 0)
    close(file)
    let before = FileIdentity(path: path)
    XCTAssertThrowsError(try ListenSocket.open(.unix(path: path), backlog: 1)) { error in
      XCTAssertEqual((error as? SystemError)?.code, EADDRINUSE)
    }
    XCTAssertEqual(FileIdentity(path: path), before)
  }

  /// At shutdown the app removes its own socket file, but not one another instance put there since.
  func testShutdownRemovesOnlyItsOwnSocketFile() async throws {
    let path = directory + "/app.sock"
    // As the server stops: the listening socket shut down (not closed), then the file removed.
    let own = try ListenSocket.open(.unix(path: path), backlog: 1)
    defer { close(own.fd) }
    shutdown(own.fd, Int32(SHUT_RDWR))
    own.removeSocketFile()
    XCTAssertNil(FileIdentity(path: path), "own socket file left behind")

    let first = try ListenSocket.open(.unix(path: path), backlog: 1)
    close(first.fd)
    let second = try ListenSocket.open(.unix(path: path), backlog: 1)  // replaces the file
    defer { close(second.fd) }
    first.removeSocketFile()
    XCTAssertNotNil(FileIdentity(path: path), "removed the socket of the instance that replaced it")
  }
}
