import Foundation

/// A deterministic random generator (SplitMix64) so a failing property test can be replayed from
/// its printed seed.
struct SeededGenerator: RandomNumberGenerator {
  /// The seed this generator started from.
  let seed: UInt64
  private var state: UInt64

  /// Creates a generator.
  /// - Parameter seed: the starting seed.
  init(seed: UInt64) {
    self.seed = seed
    self.state = seed
  }

  /// A generator seeded from `PROPERTY_SEED` if set, else from the system generator.
  static func fromEnvironment() -> SeededGenerator {
    if let text = ProcessInfo.processInfo.environment["PROPERTY_SEED"], let seed = UInt64(text) {
      return SeededGenerator(seed: seed)
    }
    return SeededGenerator(seed: UInt64.random(in: .min ... .max))
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}
