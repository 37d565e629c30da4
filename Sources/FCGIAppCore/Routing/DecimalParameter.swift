/// Strict parsing of a decimal path parameter: ASCII digits only, within a range.
///
/// Signs, fractions, exponents, spaces, hex, percent signs and non-ASCII digits are all refused, and a
/// value with more digits than fit an `Int` is reported as out of range rather than overflowing.
///
/// ```swift
/// DecimalParameter.parse("75", name: "percent", range: 0...100)  // .success(75)
/// DecimalParameter.parse("+75", name: "percent", range: 0...100) // .failure(400 "percent must be ...")
/// ```
public enum DecimalParameter {
  /// The longest echo of client input placed in an error message.
  public static let maxEchoedCharacters = 40

  /// Parses one parameter.
  /// - Parameters:
  ///   - text: the raw path segment.
  ///   - name: the parameter name used in error messages.
  ///   - range: the accepted values.
  /// - Returns: the value, or a 400 error that names the parameter and what was wrong.
  public static func parse(
    _ text: Substring,
    name: String,
    range: ClosedRange<Int>
  ) -> Result<Int, HTTPError> {
    let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
    guard !text.isEmpty else {
      return .failure(HTTPError(.badRequest, message: "\(name) is empty: expected \(expected)"))
    }
    var value = 0
    var overflowed = false
    for byte in text.utf8 {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
        return .failure(
          HTTPError(
            .badRequest,
            message: "\(name) must be digits only (\(expected)), got \(quote(text))"
          )
        )
      }
      // Stop accumulating once past the upper bound, so no digit count can overflow.
      if !overflowed {
        let (shifted, multiplyOverflow) = value.multipliedReportingOverflow(by: 10)
        let (next, addOverflow) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
        if multiplyOverflow || addOverflow || next > range.upperBound {
          overflowed = true
        } else {
          value = next
        }
      }
    }
    guard !overflowed, range.contains(value) else {
      return .failure(
        HTTPError(.badRequest, message: "\(name) must be \(expected), got \(quote(text))")
      )
    }
    return .success(value)
  }

  /// Client input as a quoted, length-limited string for an error message.
  /// - Parameter text: the input.
  /// - Returns: e.g. `"abc"`, or the first characters followed by `...` when long.
  public static func quote(_ text: some StringProtocol) -> String {
    let shown =
      text.count > maxEchoedCharacters ? text.prefix(maxEchoedCharacters) + "..." : String(text)
    return "\"" + shown + "\""
  }
}
