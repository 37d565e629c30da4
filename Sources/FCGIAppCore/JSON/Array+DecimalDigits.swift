// MARK: - Decimal digits into a byte buffer

extension [UInt8] {
  /// Appends a non-negative number in decimal, zero-padded to `minimumDigits` (wider numbers keep all
  /// their digits), most significant digit first and without building a String: timestamps and the
  /// `Content-Length` of every answer go through here (callgrind: a quarter of the instructions of the
  /// String-based and fill-then-overwrite versions it replaced). Negative values are written as 0.
  /// - Parameters:
  ///   - value: the number.
  ///   - minimumDigits: the width to pad to with leading zeros (at most 19, the digits of Int64.max).
  package mutating func appendDecimal(_ value: Int64, minimumDigits: Int = 1) {
    let value = Swift.max(value, 0)
    var divisor: Int64 = 1
    var digits = 1
    while digits < minimumDigits || value / divisor >= 10 {
      divisor *= 10
      digits += 1
    }
    while divisor > 0 {
      append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / divisor % 10))
      divisor /= 10
    }
  }
}
