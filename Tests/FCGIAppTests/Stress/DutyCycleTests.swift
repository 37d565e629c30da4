import FCGIAppCore
import XCTest

/// The stress control law against simulated clocks: free CPU, cgroup throttling, short competition and
/// long starvation.
final class DutyCycleTests: XCTestCase {
  /// A simulated thread: how much CPU it gets while it wants to run.
  struct Simulation {
    /// Fraction of a CPU available at wall time t while spinning (1 = uncontended).
    var availability: (Double) -> Double = { _ in 1 }
    /// CFS quota per 100 ms period, as a fraction of the period (nil = no throttling).
    var quota: Double?
    let tick = 0.0005

    /// Runs the control loop for `duration` seconds.
    /// - Returns: CPU seconds used, and CPU used in each whole second.
    func run(share: Double, duration: Double) -> (used: Double, perSecond: [Double]) {
      var cycle = DutyCycle(share: share)
      var now = 0.0
      var used = 0.0
      var perSecond = [Double](repeating: 0, count: Int(duration.rounded(.up)) + 1)
      var period = -1
      var periodUsed = 0.0
      while now < duration {
        switch cycle.next(elapsed: now, used: used, remaining: duration - now) {
        case .spin(let seconds):
          XCTAssertLessThanOrEqual(seconds, cycle.slice + 1e-12)
          var spun = 0.0
          while spun < seconds && now < duration {
            if Int(now / 0.1) != period {
              period = Int(now / 0.1)
              periodUsed = 0
            }
            var gained = tick * availability(now)
            if let quota { gained = min(gained, max(0, quota * 0.1 - periodUsed)) }
            periodUsed += gained
            used += gained
            perSecond[Int(now)] += gained
            now += tick
            spun += tick
          }
        case .sleep(let seconds):
          XCTAssertLessThanOrEqual(seconds, cycle.slice + 1e-12)
          now += seconds + 0.00005  // timer slack
        }
      }
      return (used, perSecond)
    }
  }

  /// On a free CPU every share is met over the run and within every second of it.
  func testSharesAreMetOnAFreeCPU() async throws {
    for share in [0.01, 0.05, 0.25, 0.5, 0.75, 1.0] {
      let result = Simulation().run(share: share, duration: 20)
      XCTAssertEqual(result.used / 20, share, accuracy: 0.005, "share \(share)")
      for (second, cpu) in result.perSecond.dropLast(2).enumerated() {
        XCTAssertEqual(cpu, share, accuracy: 0.02, "share \(share), second \(second)")
      }
    }
  }

  /// Under a cgroup quota above the share, throttling is made up and the average stays exact.
  func testThrottlingIsMadeUp() async throws {
    let result = Simulation(quota: 0.6).run(share: 0.5, duration: 20)
    XCTAssertEqual(result.used / 20, 0.5, accuracy: 0.005)
    let capped = Simulation(quota: 0.3).run(share: 0.5, duration: 20)
    XCTAssertEqual(capped.used / 20, 0.3, accuracy: 0.005, "cannot exceed the quota")
  }

  /// Short bursts of competition (0.5 s without CPU every 5 s) are made up: the average is exact.
  func testShortCompetitionIsMadeUp() async throws {
    let busy = Simulation(availability: { $0.truncatingRemainder(dividingBy: 5) < 0.5 ? 0 : 1 })
    let result = busy.run(share: 0.5, duration: 30)
    XCTAssertEqual(result.used / 30, 0.5, accuracy: 0.005)
  }

  /// After long starvation at most `maxDebt` CPU seconds are made up, so the thread does not burn at
  /// 100% for long afterwards.
  func testLongStarvationIsNotRepaidInFull() async throws {
    let starved = Simulation(availability: { $0 < 10 ? 0 : 1 })
    let result = starved.run(share: 0.5, duration: 30)
    XCTAssertEqual(result.used, 0.5 * 20 + 1, accuracy: 0.05)
    XCTAssertEqual(result.perSecond[15], 0.5, accuracy: 0.02, "back to the share after catching up")
  }
}
