/// What a request asks for, once its path has been matched and its parameters validated.
package enum Route: Sendable, Equatable {
  /// `/health`
  case health
  /// `/status`
  case status
  /// `/{base}/host`
  case host
  /// `/{base}/stress-cpu/{percent}/{seconds}`
  case stressCPU(percent: Int, seconds: Int)
}
