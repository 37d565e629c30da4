/// A wall-clock instant, formatted as ISO-8601 UTC with milliseconds (`2024-09-25T12:28:17.593Z`).
///
/// The calendar arithmetic is done here (days-from-civil in reverse, proleptic Gregorian), so
/// formatting needs neither Foundation nor the C library's time zone machinery.
///
/// ```swift
/// UTCTimestamp(seconds: 1_727_267_297, nanoseconds: 593_000_000).iso8601
/// // "2024-09-25T12:28:17.593Z"
/// ```
package struct UTCTimestamp: Sendable, Equatable, Comparable {
  /// Whole seconds since 1970-01-01T00:00:00Z (negative before it).
  package var seconds: Int64
  /// Nanoseconds within the second, 0 ..< 1_000_000_000.
  package var nanoseconds: Int64

  /// Creates an instant, normalising nanoseconds into 0 ..< 1e9.
  /// - Parameters:
  ///   - seconds: seconds since the Unix epoch.
  ///   - nanoseconds: nanoseconds to add (may be out of range; it is carried into seconds).
  package init(seconds: Int64, nanoseconds: Int64 = 0) {
    let carry =
      nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds + 1) / 1_000_000_000 - 1
    self.seconds = seconds + carry
    self.nanoseconds = nanoseconds - carry * 1_000_000_000
  }

  /// This instant moved by whole seconds.
  /// - Parameter delta: seconds to add.
  /// - Returns: the later (or earlier) instant.
  package func adding(seconds delta: Int64) -> UTCTimestamp {
    UTCTimestamp(seconds: seconds + delta, nanoseconds: nanoseconds)
  }

  /// Seconds from `other` to this instant.
  /// - Parameter other: the earlier instant.
  /// - Returns: the difference in seconds (negative if `other` is later).
  package func seconds(since other: UTCTimestamp) -> Double {
    Double(seconds - other.seconds) + Double(nanoseconds - other.nanoseconds) / 1e9
  }

  package static func < (lhs: UTCTimestamp, rhs: UTCTimestamp) -> Bool {
    (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
  }
}

// MARK: - ISO-8601

extension UTCTimestamp {
  /// `YYYY-MM-DDTHH:MM:SS.mmmZ`; milliseconds are truncated, as JavaScript's `toISOString` does.
  package var iso8601: String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(24)
    appendISO8601(to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the ISO-8601 text to a buffer.
  /// - Parameter bytes: the buffer to append to.
  package func appendISO8601(to bytes: inout [UInt8]) {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = seconds - days * 86_400
    let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
    bytes.appendDecimal(year, minimumDigits: 4)
    bytes.append(UInt8(ascii: "-"))
    bytes.appendDecimal(month, minimumDigits: 2)
    bytes.append(UInt8(ascii: "-"))
    bytes.appendDecimal(day, minimumDigits: 2)
    bytes.append(UInt8(ascii: "T"))
    bytes.appendDecimal(secondOfDay / 3600, minimumDigits: 2)
    bytes.append(UInt8(ascii: ":"))
    bytes.appendDecimal(secondOfDay / 60 % 60, minimumDigits: 2)
    bytes.append(UInt8(ascii: ":"))
    bytes.appendDecimal(secondOfDay % 60, minimumDigits: 2)
    bytes.append(UInt8(ascii: "."))
    bytes.appendDecimal(nanoseconds / 1_000_000, minimumDigits: 3)
    bytes.append(UInt8(ascii: "Z"))
  }

  /// Converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  /// - Parameter days: days since the epoch (negative before it).
  /// - Returns: year, month 1-12, day 1-31.
  static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }
}
