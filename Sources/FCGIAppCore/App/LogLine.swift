/// Encodes one JSON log line: `{"time":...,"level":...,"event":...,<fields>}` and a newline.
public enum LogLine {
  /// Builds a log line.
  /// - Parameters:
  ///   - time: when it happened.
  ///   - level: `info`, `warn` or `error`.
  ///   - event: what happened, e.g. `start`, `stress_start`.
  ///   - fields: further members, in order.
  /// - Returns: the line's bytes, newline included.
  public static func encode(
    time: UTCTimestamp,
    level: String,
    event: String,
    fields: [JSONField] = []
  ) -> [UInt8] {
    var members = [
      JSONField("time", .string(time.iso8601)),
      JSONField("level", .string(level)),
      JSONField("event", .string(event)),
    ]
    members += fields
    var bytes = JSONValue.object(members).encoded()
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }
}
