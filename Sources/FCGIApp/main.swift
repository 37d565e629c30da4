// Entry point: dispatches the command line to the server, the health check or the help text.
import FCGIAppCore
import FCGIAppRuntime
import Glibc

/// The whole process environment, read once (no Foundation). A variable given twice keeps its first
/// value, as getenv() does.
private func environment() -> [String: String] {
  var values: [String: String] = [:]
  var entry = environ
  while let pointer = entry.pointee {
    let text = String(cString: pointer)
    if let equals = text.firstIndex(of: "=") {
      let name = String(text[..<equals])
      if values[name] == nil { values[name] = String(text[text.index(after: equals)...]) }
    }
    entry += 1
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
case ["preflight"]:
  switch Preflight.run(
    environment: environment(), cpusAllowed: SystemInfo.cpuAllowance().cpus,
    listenQueueLimit: SystemInfo.listenQueueLimit()
      ?? Preflight.Sizing.fallbackListenQueueLimit)
  {
  case .success(let preflight):
    writeOut(preflight.shellLines, to: STDOUT_FILENO)
    exit(0)
  case .failure(let failure):
    writeOut(
      failure.problems.map { "FCGIApp preflight: error: \($0)\n" }.joined(), to: STDERR_FILENO)
    exit(2)
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
