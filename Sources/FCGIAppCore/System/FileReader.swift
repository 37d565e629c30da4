import Glibc

/// Reads small text files (cgroup and proc files) without Foundation.
package enum FileReader {
  /// Reads a whole small file.
  /// - Parameters:
  ///   - path: the file to read.
  ///   - limit: the most bytes to read; the rest is ignored.
  /// - Returns: the file's text (invalid UTF-8 repaired).
  package static func read(_ path: String, limit: Int = 64 * 1024) throws(SystemError) -> String {
    let fd = try SystemCall.check("open") { open(path, O_RDONLY | O_CLOEXEC) }
    defer { SystemCall.closeIgnoringErrors(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < limit {
      let count = try SystemCall.check("read") {
        chunk.withUnsafeMutableBytes { buffer in Glibc.read(fd, buffer.baseAddress, buffer.count) }
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<min(count, limit - bytes.count)])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Reads a file, or returns nil if it cannot be read (missing, not a file, no permission).
  /// - Parameter path: the file to read.
  /// - Returns: the text or nil.
  package static func readIfPresent(_ path: String) -> String? {
    try? read(path)
  }

  /// Whether a directory exists at `path`.
  /// - Parameter path: the path to test.
  /// - Returns: true for an existing directory.
  package static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    guard (try? SystemCall.check("stat", { stat(path, &info) })) != nil else { return false }
    return (info.st_mode & S_IFMT) == S_IFDIR
  }
}
