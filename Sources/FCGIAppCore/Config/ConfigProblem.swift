/// One invalid environment variable: its name, the value given, and what is wrong with it.
public struct ConfigProblem: Error, Sendable, Equatable {
  /// The variable name, e.g. `FCGI_WORKERS`.
  public let variable: String
  /// The value that was given.
  public let value: String
  /// What is wrong and what is accepted.
  public let reason: String

  /// Creates a problem record.
  /// - Parameters:
  ///   - variable: the variable name.
  ///   - value: the given value.
  ///   - reason: what is wrong.
  public init(_ variable: String, _ value: String, _ reason: String) {
    self.variable = variable
    self.value = value
    self.reason = reason
  }

  /// The problem as a JSON object for the error log line.
  public var json: JSONValue {
    .object(["variable": .string(variable), "value": .string(value), "reason": .string(reason)])
  }
}

// MARK: - CustomStringConvertible

extension ConfigProblem: CustomStringConvertible {
  /// `FCGI_WORKERS="abc": must be digits only`.
  public var description: String { "\(variable)=\(JSONValue.quoted(value)): \(reason)" }
}
