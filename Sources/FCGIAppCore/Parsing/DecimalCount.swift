/// The one parser for whole numbers written by people: stress path parameters and configuration
/// variables alike. ASCII digits only, in decimal, with no sign and no leading zeros.
///
/// Leading zeros are refused rather than skipped because the same text is read by other programs: a
/// shell's `$((010))` is 8 and nginx's `010` is 10, so a value that is not written one way is refused.
/// Signs, fractions, exponents, spaces, hex and non-ASCII digits are refused too, and a value with more
/// digits than fit an `Int` is out of range rather than an overflow.
///
/// ```swift
/// DecimalCount.parse("75", range: 0...100)   // .success(75)
/// DecimalCount.parse("075", range: 0...100)  // .failure(.leadingZero)
/// ```
package enum DecimalCount {
  /// Why a text is not a count in the range.
  package enum Problem: Error, Sendable, Equatable {
    /// No characters at all.
    case empty
    /// A character other than an ASCII digit.
    case notDigits
    /// More than one digit, the first of them `0`.
    case leadingZero
    /// Digits whose value is outside the range.
    case outOfRange

    /// What is wrong, as the end of a sentence that starts with the value's name, e.g.
    /// `must be digits only (a whole number from 1 to 900)`.
    /// - Parameter range: the accepted values.
    /// - Returns: the explanation.
    package func reason(range: ClosedRange<Int>) -> String {
      let expected = DecimalCount.expected(range)
      switch self {
      case .empty: return "is empty: expected \(expected)"
      case .notDigits: return "must be digits only (\(expected))"
      case .leadingZero: return "must be written without leading zeros (\(expected))"
      case .outOfRange: return "must be \(expected)"
      }
    }
  }

  /// `a whole number from 1 to 900`.
  /// - Parameter range: the accepted values.
  /// - Returns: the phrase.
  package static func expected(_ range: ClosedRange<Int>) -> String {
    "a whole number from \(range.lowerBound) to \(range.upperBound)"
  }

  /// Parses a count.
  /// - Parameters:
  ///   - text: the characters to read.
  ///   - range: the accepted values.
  /// - Returns: the value, or the first problem found (non-digits before leading zeros before range).
  package static func parse(_ text: some StringProtocol, range: ClosedRange<Int>) -> Result<
    Int, Problem
  > {
    let utf8 = text.utf8
    guard let first = utf8.first else { return .failure(.empty) }
    var value = 0
    var overflowed = false
    for byte in utf8 {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
        return .failure(.notDigits)
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
    if first == UInt8(ascii: "0") && utf8.count > 1 { return .failure(.leadingZero) }
    guard !overflowed, range.contains(value) else { return .failure(.outOfRange) }
    return .success(value)
  }
}
