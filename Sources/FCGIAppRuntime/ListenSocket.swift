import FCGIAppCore
import Glibc

/// Creates the listening socket the workers accept on.
///
/// The app opens it itself rather than with `FCGX_OpenSocket`, which unlinks whatever file is at the
/// path and calls `exit()` with a bare `perror` when bind fails; here a stale *socket* is removed,
/// anything else at the path is an error, and every failure becomes a JSON log line.
package struct ListenSocket: Sendable {
  /// The listening descriptor.
  package let fd: Int32
  /// The address it listens on.
  package let address: ListenAddress
  /// Device and inode of the socket file, so shutdown removes only the file this process created.
  private let socketFile: FileIdentity?

  /// Opens, binds and listens.
  /// - Parameters:
  ///   - address: a unix socket path (created mode 0666, so nginx workers running as another user can
  ///     connect) or an IPv4 address.
  ///   - backlog: the listen backlog.
  /// - Returns: the listening socket.
  package static func open(_ address: ListenAddress, backlog: Int) throws(SystemError)
    -> ListenSocket
  {
    switch address {
    case .unix(let path):
      let fd = try openUnix(path: path, backlog: backlog)
      return ListenSocket(fd: fd, address: address, socketFile: FileIdentity(path: path))
    case .tcp(let host, let port):
      let fd = try openTCP(host: host, port: port, backlog: backlog)
      return ListenSocket(fd: fd, address: address, socketFile: nil)
    }
  }

  /// Removes the socket file at shutdown (after the listening socket was shut down or closed), unless
  /// another instance has replaced it meanwhile. The file's identity alone cannot tell: a file created
  /// right after ours was unlinked often gets the same inode number, so a server still answering at the
  /// path also means the file is not ours any more.
  package func removeSocketFile() {
    guard case .unix(let path) = address, let socketFile, FileIdentity(path: path) == socketFile,
      !Self.answers(at: path)
    else { return }
    _ = try? SystemCall.check("unlink") { unlink(path) }
  }

  /// Whether a server accepts unix-socket connections at `path`.
  /// - Parameter path: the socket path.
  /// - Returns: true when connect() succeeds.
  package static func answers(at path: String) -> Bool {
    guard
      let fd = try? SystemCall.check(
        "socket",
        {
          socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        })
    else { return false }
    defer { SystemCall.closeIgnoringErrors(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      buffer.copyBytes(from: path.utf8.prefix(buffer.count - 1))
    }
    return withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
      }
    }
  }

  private static func openUnix(path: String, backlog: Int) throws(SystemError) -> Int32 {
    try createParentDirectory(of: path)
    try removeStaleSocket(at: path)
    let fd = try SystemCall.check("socket") {
      socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }
    do {
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        // ListenAddress.parse limits the path to sun_path's size minus the terminating NUL.
        buffer.copyBytes(from: path.utf8.prefix(buffer.count - 1))
      }
      try SystemCall.check("bind") {
        withUnsafePointer(to: &address) { pointer in
          pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
          }
        }
      }
      try SystemCall.check("chmod") { chmod(path, 0o666) }
      try SystemCall.check("listen") { listen(fd, Int32(backlog)) }
      return fd
    } catch {
      SystemCall.closeIgnoringErrors(fd)
      throw error
    }
  }

  private static func openTCP(host: String, port: Int, backlog: Int) throws(SystemError) -> Int32 {
    let fd = try SystemCall.check("socket") {
      socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }
    do {
      var reuse: Int32 = 1
      try SystemCall.check("setsockopt") {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
      }
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      try SystemCall.checkNonNegative("inet_pton") {
        // inet_pton returns 1 for success and 0 for a malformed address (ListenAddress validated it).
        inet_pton(AF_INET, host, &address.sin_addr) == 1 ? 0 : -EINVAL
      }
      try SystemCall.check("bind") {
        withUnsafePointer(to: &address) { pointer in
          pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
          }
        }
      }
      try SystemCall.check("listen") { listen(fd, Int32(backlog)) }
      return fd
    } catch {
      SystemCall.closeIgnoringErrors(fd)
      throw error
    }
  }

  /// Creates the socket's directory if missing (one level, mode 0755), so the binary runs stand-alone.
  private static func createParentDirectory(of path: String) throws(SystemError) {
    guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
    let directory = String(path[..<slash])
    if FileReader.isDirectory(directory) { return }
    try SystemCall.check("mkdir") { mkdir(directory, 0o755) }
  }

  /// Unlinks a socket left by a previous run; refuses to remove anything that is not a socket.
  private static func removeStaleSocket(at path: String) throws(SystemError) {
    var info = stat()
    // A missing path (or any lstat failure) means there is nothing to remove; bind reports the rest.
    guard (try? SystemCall.check("lstat", { lstat(path, &info) })) != nil else { return }
    guard (info.st_mode & S_IFMT) == S_IFSOCK else {
      // Reported as bind's EADDRINUSE: the path is taken by a file this process must not delete.
      throw SystemError(call: "bind", function: #function, code: EADDRINUSE)
    }
    try SystemCall.check("unlink") { unlink(path) }
  }
}
