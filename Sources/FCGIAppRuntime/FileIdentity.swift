import FCGIAppCore
import Glibc

/// A file's device and inode numbers.
package struct FileIdentity: Equatable, Sendable {
  /// `st_dev`.
  package let device: UInt
  /// `st_ino`.
  package let inode: UInt

  /// The identity of the file at `path` (not following a symlink), or nil if there is none.
  package init?(path: String) {
    var info = stat()
    guard (try? SystemCall.check("lstat", { lstat(path, &info) })) != nil else { return nil }
    device = UInt(info.st_dev)
    inode = UInt(info.st_ino)
  }
}
