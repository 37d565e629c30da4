import Glibc

/// A failed C library call: which call, from where, and the `errno` it left.
///
/// Every C call in the app goes through one of the checking helpers in `SystemCall`, so a failure
/// always surfaces as this one error type.
package struct SystemError: Error, Equatable, Sendable {
  /// The C function that failed, e.g. `"open"`.
  package let call: String
  /// The Swift function that made the call (`#function` at the call site).
  package let function: String
  /// The `errno` value, or the negative return code for calls that report errors that way.
  package let code: Int32

  /// Creates an error record.
  /// - Parameters:
  ///   - call: the C function that failed.
  ///   - function: the calling Swift function.
  ///   - code: the errno (or negative return) value.
  package init(call: String, function: String, code: Int32) {
    self.call = call
    self.function = function
    self.code = code
  }
}

// MARK: - CustomStringConvertible

extension SystemError: CustomStringConvertible {
  /// `open failed in readFile(_:): No such file or directory (errno 2)`.
  package var description: String {
    "\(call) failed in \(function): \(Self.describe(errno: code)) (errno \(code))"
  }

  /// The C library's text for an errno value.
  /// - Parameter code: the errno value (a negative value is described as its absolute value).
  /// - Returns: the message from `strerror_r`.
  package static func describe(errno code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    return buffer.withUnsafeMutableBufferPointer { pointer in
      // Swift's Glibc module exposes the XSI strerror_r, which fills the buffer and returns 0.
      guard strerror_r(abs(code), pointer.baseAddress!, pointer.count) == 0 else {
        return "unknown error"
      }
      return String(cString: pointer.baseAddress!)
    }
  }
}
