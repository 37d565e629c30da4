// Entry point: dispatches the command line to the server, the health check or the help text.
import FCGIAppCore
import FCGIAppRuntime
import Glibc

/// The environment variables the app reads, fetched with getenv (no Foundation).
private func environment() -> [String: String] {
  var values: [String: String] = [:]
  for variable in AppConfig.variables {
    if let value = getenv(variable.name) { values[variable.name] = String(cString: value) }
  }
  return values
}

private func writeOut(_ text: String, to fd: Int32) {
  Logger.writeAll(fd, Array(text.utf8))
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments {
case []:
  exit(Server.run(environment: environment()))
case ["healthcheck"]:
  switch AppConfig.healthCheckPort(environment: environment()) {
  case .success(let port):
    exit(HealthCheck.run(port: port))
  case .failure(let failure):
    writeOut(
      "unhealthy: \(failure.problems.map(\.description).joined(separator: "; "))\n",
      to: STDERR_FILENO)
    // Not 2: Docker reserves health check exit code 2; any failure here is just "unhealthy".
    exit(1)
  }
case ["--help"], ["-h"], ["help"]:
  writeOut(Usage.text, to: STDOUT_FILENO)
  exit(0)
default:
  writeOut(
    "FCGIApp: unknown arguments: \(arguments.joined(separator: " "))\n\n" + Usage.text,
    to: STDERR_FILENO)
  exit(2)
}
