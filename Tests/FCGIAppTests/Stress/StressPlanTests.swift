import FCGIAppCore
import XCTest

final class StressPlanTests: XCTestCase {
  /// Target CPUs are percent of the allowance, spread over ceil(target) threads with equal shares.
  func testPlanMath() async throws {
    let cases: [(Double, Int, Double, Int, Double)] = [
      (2, 75, 1.5, 2, 0.75),
      (2, 100, 2, 2, 1),
      (2, 50, 1, 1, 1),
      (2, 1, 0.02, 1, 0.02),
      (0.25, 100, 0.25, 1, 0.25),
      (4, 30, 1.2, 2, 0.6),
      (1, 0, 0, 0, 0),
    ]
    for (cpus, percent, target, threads, share) in cases {
      let plan = StressPlan(cpusAllowed: cpus, percent: percent)
      XCTAssertEqual(plan.targetCPUs, target, accuracy: 1e-12, "\(cpus) x \(percent)%")
      XCTAssertEqual(plan.threads, threads, "\(cpus) x \(percent)%")
      XCTAssertEqual(plan.sharePerThread, share, accuracy: 1e-12, "\(cpus) x \(percent)%")
    }
  }

  /// For any allowance and percent, threads x share equals the target and no share exceeds one CPU.
  func testPlanInvariants() async throws {
    var random = SeededGenerator.fromEnvironment()
    for _ in 0..<5000 {
      let cpus = Double(Int.random(in: 1...6400, using: &random)) / 100
      let percent = Int.random(in: 1...100, using: &random)
      let plan = StressPlan(cpusAllowed: cpus, percent: percent)
      XCTAssertEqual(
        Double(plan.threads) * plan.sharePerThread, plan.targetCPUs, accuracy: 1e-9,
        "seed \(random.seed)")
      XCTAssertLessThanOrEqual(plan.sharePerThread, 1, "seed \(random.seed)")
      XCTAssertGreaterThan(
        plan.sharePerThread, Double(plan.threads - 1) / Double(plan.threads) - 1e-9,
        "seed \(random.seed)")
    }
  }
}
