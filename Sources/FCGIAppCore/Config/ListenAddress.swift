/// Where the FastCGI server listens: a unix socket path or an IPv4 TCP address.
public enum ListenAddress: Sendable, Equatable {
  /// An absolute unix socket path.
  case unix(path: String)
  /// A TCP address; `host` is a dotted IPv4 address (`0.0.0.0` for all interfaces).
  case tcp(host: String, port: Int)

  /// The longest unix socket path (`sun_path` holds 108 bytes including the terminating NUL).
  public static let maxUnixPathBytes = 107

  /// Parses `FCGI_LISTEN`: an absolute path, or `host:port` where host is empty, `*`, `localhost` or a
  /// dotted IPv4 address.
  /// - Parameter text: the variable's value.
  /// - Returns: the address, or why the text is not one.
  public static func parse(_ text: String) -> Result<ListenAddress, ConfigProblem> {
    let variable = "FCGI_LISTEN"
    if text.hasPrefix("/") {
      guard text.utf8.count <= maxUnixPathBytes else {
        return .failure(
          ConfigProblem(variable, text, "unix socket path is longer than \(maxUnixPathBytes) bytes")
        )
      }
      guard !text.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 < 0x20 }) else {
        return .failure(
          ConfigProblem(
            variable, text, "unix socket path must not contain ':' or control characters")
        )
      }
      guard text.utf8.last != UInt8(ascii: "/") else {
        return .failure(
          ConfigProblem(variable, text, "unix socket path must name a file, not a directory"))
      }
      return .success(.unix(path: text))
    }
    guard let colon = text.lastIndex(of: ":") else {
      return .failure(
        ConfigProblem(variable, text, "expected an absolute socket path or host:port"))
    }
    let hostText = String(text[..<colon])
    let portText = text[text.index(after: colon)...]
    guard case .success(let port) = DecimalParameter.parse(portText, name: "port", range: 1...65535)
    else {
      return .failure(ConfigProblem(variable, text, "port must be digits only, 1-65535"))
    }
    switch hostText {
    case "", "*":
      return .success(.tcp(host: "0.0.0.0", port: port))
    case "localhost":
      return .success(.tcp(host: "127.0.0.1", port: port))
    default:
      guard isDottedIPv4(hostText) else {
        return .failure(
          ConfigProblem(
            variable, text, "host must be empty, '*', 'localhost' or a dotted IPv4 address")
        )
      }
      return .success(.tcp(host: hostText, port: port))
    }
  }

  /// Whether `text` is four dot-separated decimal octets 0-255.
  /// - Parameter text: the candidate address.
  /// - Returns: true for e.g. `127.0.0.1`.
  public static func isDottedIPv4(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return false }
    return parts.allSatisfy { part in
      part.count <= 3
        && (try? DecimalParameter.parse(part, name: "octet", range: 0...255).get()) != nil
    }
  }

  /// The address as given in logs: the path, or `host:port`.
  public var description: String {
    switch self {
    case .unix(let path): return path
    case .tcp(let host, let port): return "\(host):\(port)"
    }
  }
}
