/// Counts the CPUs a process may run on from `/proc/self/status` (`Cpus_allowed_list: 0-3,6`),
/// because Swift's Glibc module does not export `sched_getaffinity`.
package enum CPUAffinity {
  /// Reads the allowed-CPU count under a filesystem root.
  /// - Parameter root: the directory that stands for `/`.
  /// - Returns: the number of CPUs, or nil if the file or line is missing or malformed.
  package static func allowedCPUs(root: String = "/") -> Int? {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    guard let status = FileReader.readIfPresent(base + "/proc/self/status") else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("Cpus_allowed_list:") {
      return count(list: line.dropFirst("Cpus_allowed_list:".count))
    }
    return nil
  }

  /// Counts the CPUs in a kernel CPU list such as `0-3,6,8-9`.
  /// - Parameter list: the list text (surrounding whitespace allowed).
  /// - Returns: the count, or nil if the text is not a CPU list.
  package static func count(list: Substring) -> Int? {
    let text = list.filter { $0 != " " && $0 != "\t" && $0 != "\n" }
    guard !text.isEmpty else { return nil }
    var total = 0
    for range in text.split(separator: ",", omittingEmptySubsequences: false) {
      let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
      guard (1...2).contains(bounds.count),
        let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low >= 0, high >= low
      else { return nil }
      total += high - low + 1
    }
    return total
  }
}
