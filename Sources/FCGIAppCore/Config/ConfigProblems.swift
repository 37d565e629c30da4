/// Every problem found in the environment, reported together.
public struct ConfigProblems: Error, Sendable, Equatable {
  /// The problems, in variable order.
  public let problems: [ConfigProblem]

  /// Creates the list.
  /// - Parameter problems: the problems found.
  public init(problems: [ConfigProblem]) {
    self.problems = problems
  }
}
