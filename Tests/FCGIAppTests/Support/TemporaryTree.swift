import Foundation

/// A temporary directory holding a fake filesystem tree (fake /proc and /sys/fs/cgroup files);
/// `remove()` deletes it.
struct TemporaryTree {
  /// The tree's root directory.
  let root: String

  /// Creates an empty tree under the temporary directory.
  init() throws {
    root = NSTemporaryDirectory() + "fcgiapp-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  /// Writes a file, creating its directories.
  /// - Parameters:
  ///   - path: the path inside the tree, starting with `/`.
  ///   - contents: the text.
  func write(_ path: String, _ contents: String) throws {
    let url = URL(fileURLWithPath: root + path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(),
      withIntermediateDirectories: true
    )
    try Data(contents.utf8).write(to: url)
  }

  /// Creates a directory (and its parents) inside the tree.
  /// - Parameter path: the path inside the tree.
  func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
  }

  /// Deletes the tree.
  func remove() {
    try? FileManager.default.removeItem(atPath: root)
  }
}
