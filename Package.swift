// swift-tools-version:6.0
// The FastCGI backend: pure logic in FCGIAppCore, threads and system probes in FCGIAppRuntime,
// libfcgi and process wiring in the FCGIApp executable.
import PackageDescription

let package = Package(
  name: "FCGIApp",
  products: [
    .executable(name: "FCGIApp", targets: ["FCGIApp"])
  ],
  targets: [
    // libfcgi's header only. No pkgConfig: fcgi.pc's `Libs: -lfcgi` makes the linker pick libfcgi.so, and
    // the runtime image must not need a libfcgi package, so FCGIApp links libfcgi.a itself (below).
    .systemLibrary(
      name: "CFCGI",
      providers: [.apt(["libfcgi-dev"]), .brew(["fcgi"])]
    ),
    .target(name: "FCGIAppCore"),
    .target(name: "FCGIAppRuntime", dependencies: ["FCGIAppCore"]),
    .executableTarget(
      name: "FCGIApp",
      dependencies: ["CFCGI", "FCGIAppCore", "FCGIAppRuntime"],
      linkerSettings: [.linkedLibrary(":libfcgi.a", .when(platforms: [.linux]))]
    ),
    .testTarget(name: "FCGIAppTests", dependencies: ["FCGIAppCore", "FCGIAppRuntime"]),
    // The executable's own parts that need libfcgi (the worker pool), through @testable import.
    .testTarget(name: "FCGIAppExecutableTests", dependencies: ["FCGIApp"]),
  ],
  swiftLanguageModes: [.v6]
)
