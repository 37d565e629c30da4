import FCGIAppCore
import Glibc

/// Writes JSON log lines (one `write` each, so lines from different threads never interleave).
///
/// ```swift
/// let log = Logger.standardError()
/// log.info("start", [JSONField("config", config.json)])
/// ```
package struct Logger: Sendable {
  private let clock: any AppClock
  private let sink: @Sendable ([UInt8]) -> Void

  /// Creates a logger with a custom destination (tests collect the lines).
  /// - Parameters:
  ///   - clock: the clock for the `time` member.
  ///   - sink: receives each encoded line.
  package init(clock: any AppClock, sink: @escaping @Sendable ([UInt8]) -> Void) {
    self.clock = clock
    self.sink = sink
  }

  /// A logger writing to stderr.
  /// - Parameter clock: the clock for the `time` member.
  /// - Returns: the logger.
  package static func standardError(clock: any AppClock = SystemClock()) -> Logger {
    Logger(clock: clock) { line in writeAll(STDERR_FILENO, line) }
  }

  /// Logs an `info` event.
  package func info(_ event: String, _ fields: [JSONField] = []) { log("info", event, fields) }
  /// Logs a `warn` event.
  package func warn(_ event: String, _ fields: [JSONField] = []) { log("warn", event, fields) }
  /// Logs an `error` event.
  package func error(_ event: String, _ fields: [JSONField] = []) { log("error", event, fields) }

  private func log(_ level: String, _ event: String, _ fields: [JSONField]) {
    sink(Self.line(time: clock.now(), level: level, event: event, fields: fields))
  }

  /// Encodes one JSON log line: `{"time":...,"level":...,"event":...,<fields>}` and a newline.
  /// - Parameters:
  ///   - time: when it happened.
  ///   - level: `info`, `warn` or `error`.
  ///   - event: what happened, e.g. `start`, `stress_start`.
  ///   - fields: further members, in order.
  /// - Returns: the line's bytes, newline included.
  static func line(time: UTCTimestamp, level: String, event: String, fields: [JSONField]) -> [UInt8]
  {
    let members =
      [
        JSONField("time", .string(time.iso8601)),
        JSONField("level", .string(level)),
        JSONField("event", .string(event)),
      ] + fields
    var bytes = JSONValue.object(members).encoded()
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  /// Writes all bytes to a descriptor, retrying short writes; errors are dropped (nowhere to report).
  /// - Parameters:
  ///   - fd: the descriptor.
  ///   - bytes: the data.
  package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written: Int
        do {
          written = try SystemCall.check("write") {
            write(fd, buffer.baseAddress! + offset, buffer.count - offset)
          }
        } catch {
          return
        }
        offset += written
      }
    }
  }
}
