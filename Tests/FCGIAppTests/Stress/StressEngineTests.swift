import FCGIAppCore
import FCGIAppRuntime
import Foundation
import Glibc
import Synchronization
import XCTest

/// The real stress engine: job replacement and stopping, and one short measured run.
final class StressEngineTests: XCTestCase {
  /// Collects log lines.
  final class LogCollector: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
      Logger(clock: SystemClock()) { bytes in
        self.lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
      }
    }

    func events(_ name: String) -> [String] {
      lines.withLock { $0.filter { $0.contains(#""event":"\#(name)""#) } }
    }
  }

  private func processCPUSeconds() -> Double {
    SystemClock.seconds(CLOCK_PROCESS_CPUTIME_ID)
  }

  private func waitUntil(timeout: Double, _ condition: () -> Bool) {
    let deadline = SystemClock().monotonicSeconds() + timeout
    while !condition() && SystemClock().monotonicSeconds() < deadline {
      PosixThread.sleep(seconds: 0.01)
    }
  }

  /// A new job replaces the running one, percent 0 stops it, and each end is logged with a reason.
  func testNewJobReplacesAndStopEnds() async throws {
    let log = LogCollector()
    let engine = StressEngine(cpusAllowed: 1, lowPriority: true, logger: log.logger)
    let first = engine.start(percent: 5, seconds: 30)
    let second = engine.start(percent: 10, seconds: 30)
    XCTAssertGreaterThan(second.generation, first.generation)
    XCTAssertEqual(engine.current(), second)
    XCTAssertEqual(engine.stop(), second)
    XCTAssertNil(engine.current())
    XCTAssertNil(engine.stop())
    waitUntil(timeout: 2) { log.events("stress_stop").count == 2 }
    let stops = log.events("stress_stop")
    XCTAssertEqual(stops.count, 2)
    XCTAssertTrue(stops.contains { $0.contains(#""reason":"replaced""#) }, "\(stops)")
    XCTAssertTrue(stops.contains { $0.contains(#""reason":"stopped""#) }, "\(stops)")
    XCTAssertEqual(log.events("stress_start").count, 2)
  }

  /// A job ends by itself at its end time and is then no longer reported.
  func testJobEndsByItself() async throws {
    let log = LogCollector()
    let engine = StressEngine(cpusAllowed: 1, logger: log.logger)
    engine.start(percent: 1, seconds: 1)
    XCTAssertNotNil(engine.current())
    waitUntil(timeout: 3) { !log.events("stress_stop").isEmpty }
    XCTAssertNil(engine.current())
    XCTAssertTrue(log.events("stress_stop").first?.contains(#""reason":"completed""#) ?? false)
  }

  /// 50% of one CPU for 2 s burns 50% +-5 points of a CPU, measured as process CPU time over the run.
  /// Normal priority here, so ordinary load does not starve the thread. Up to three attempts; if all
  /// miss while the machine is overloaded (1-minute load above CPUs - 0.5) the test is skipped, since
  /// then the scheduler, not the engine, decides (`make bench` measures accuracy on a quiet machine).
  func testHalfOfOneCPUIsAchieved() async throws {
    var results: [Double] = []
    for _ in 0..<3 {
      let achieved = measureRun(percent: 50, seconds: 2)
      if abs(achieved - 50) <= 5 { return }
      results.append(achieved)
    }
    let load = Self.loadAverage()
    let cpus = Double(SystemInfo.onlineCPUs())
    if load > cpus - 0.5 {
      throw XCTSkip("machine overloaded (load \(load) on \(cpus) CPUs); achieved \(results)")
    }
    XCTFail("achieved \(results)% of one CPU, asked 50% (load \(load) on \(cpus) CPUs)")
  }

  /// Runs one job on an engine that may use one CPU and returns the process CPU percentage over it.
  private func measureRun(percent: Int, seconds: Int) -> Double {
    let log = LogCollector()
    let engine = StressEngine(cpusAllowed: 1, lowPriority: false, logger: log.logger)
    let clock = SystemClock()
    let cpuBefore = processCPUSeconds()
    let wallBefore = clock.monotonicSeconds()
    engine.start(percent: percent, seconds: seconds)
    waitUntil(timeout: Double(seconds) + 3) { !log.events("stress_stop").isEmpty }
    let wall = clock.monotonicSeconds() - wallBefore
    XCTAssertTrue(log.events("stress_stop").first?.contains(#""priority":"normal""#) ?? false)
    return (processCPUSeconds() - cpuBefore) / wall * 100
  }

  private static func loadAverage() -> Double {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return Double(text.split(separator: " ").first ?? "") ?? 0
  }
}
