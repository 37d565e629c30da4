/// A JSON document built in code and encoded by hand (no Foundation), with object keys kept in order.
///
/// ```swift
/// let body = JSONValue.object([("status", .string("ok"))]).encoded()  // {"status":"ok"}
/// ```
package enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([JSONField])

  /// Builds an object from key/value pairs, keeping their order.
  /// - Parameter fields: the members in output order.
  /// - Returns: the object value.
  package static func object(_ fields: KeyValuePairs<String, JSONValue>) -> JSONValue {
    .object(fields.map { JSONField($0.key, $0.value) })
  }

  /// The compact UTF-8 encoding.
  /// - Returns: the JSON text as bytes.
  package func encoded() -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(128)
    encode(into: &bytes)
    return bytes
  }

  /// The compact encoding as a String.
  package var text: String { String(decoding: encoded(), as: UTF8.self) }

  /// Appends the compact encoding to a buffer.
  /// - Parameter bytes: the buffer to append to.
  package func encode(into bytes: inout [UInt8]) {
    switch self {
    case .null:
      bytes.append(contentsOf: "null".utf8)
    case .bool(let value):
      bytes.append(contentsOf: (value ? "true" : "false").utf8)
    case .int(let value):
      bytes.append(contentsOf: String(value).utf8)
    case .double(let value):
      // JSON has no NaN or infinity; Swift's shortest round-trip text is valid JSON otherwise.
      bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    case .string(let value):
      JSONValue.appendQuoted(value, to: &bytes)
    case .array(let values):
      bytes.append(UInt8(ascii: "["))
      for (index, value) in values.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        value.encode(into: &bytes)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let fields):
      bytes.append(UInt8(ascii: "{"))
      for (index, field) in fields.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        JSONValue.appendQuoted(field.key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        field.value.encode(into: &bytes)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }
}

/// One member of a JSON object.
package struct JSONField: Sendable, Equatable {
  /// The member name.
  package var key: String
  /// The member value.
  package var value: JSONValue

  /// Creates a member.
  /// - Parameters:
  ///   - key: the member name.
  ///   - value: the member value.
  package init(_ key: String, _ value: JSONValue) {
    self.key = key
    self.value = value
  }
}
