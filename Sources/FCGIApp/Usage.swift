import FCGIAppCore

/// The `--help` text.
enum Usage {
  /// Usage, commands and every environment variable with its default.
  static var text: String {
    var lines = [
      "Usage: FCGIApp [healthcheck | preflight | --help]",
      "",
      "  FCGIApp              serve FastCGI (behind nginx) until SIGTERM/SIGINT",
      "  FCGIApp healthcheck  GET http://127.0.0.1:$PORT/health; exit 0 on HTTP 200 within 2 s, else 1",
      "  FCGIApp preflight    check every start-up setting of the container (app and nginx) at once;",
      "                       print NAME=value lines for the entrypoint, or every problem and exit 2",
      "  FCGIApp --help       show this text",
      "",
      "Routes: /health, /status, /$BASE_PATH/host, /$BASE_PATH/stress-cpu/{percent}/{seconds}",
      "",
      "Environment (read once at start; an invalid value logs an error and exits 2):",
    ]
    for variable in AppConfig.variables {
      let name = variable.name + String(repeating: " ", count: max(0, 19 - variable.name.count))
      lines.append("  \(name) \(variable.meaning) (default: \(variable.defaultValue))")
    }
    lines.append("The host name comes from gethostname(); HOSTNAME is not read.")
    return lines.joined(separator: "\n") + "\n"
  }
}
