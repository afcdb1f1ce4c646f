// swift-tools-version:6.0
import PackageDescription

/// Release builds link the Swift runtime and Foundation into the programs (`-static-stdlib`): every retain and
/// release (a seventh of a build's CPU) is then a direct call rather than one through the PLT, and start-up
/// resolves no Swift symbols (5,000 pages: 0.92 → 0.85 s wall, CPU 1.73 → 1.61 s). The flag goes to every
/// target so that their modules link the static libraries' dependencies; the programs grow to about 125 MB,
/// most of it ICU's data. Debug builds (the tests) stay dynamic.
let staticRelease: [SwiftSetting] = [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]
let staticReleaseLink: [LinkerSetting] = [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]

let package = Package(
    name: "handbook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "handbook", targets: ["handbook"]),
        .executable(name: "handbook-check", targets: ["handbook-check"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // The only module that imports CCmark: parses Markdown into Swift values and frees all C memory.
        .target(name: "CmarkBridge", dependencies: ["CCmark"], swiftSettings: staticRelease),
        // Checklist and quiz definitions, validation, working-day calendar, grading. No C, no I/O.
        .target(name: "HandbookForms", exclude: ["CalendarData"], swiftSettings: staticRelease),
        // Search index building. No C, no I/O.
        .target(name: "HandbookSearch", swiftSettings: staticRelease),
        .target(
            name: "HandbookCore",
            dependencies: [
                "CmarkBridge", "HandbookForms", "HandbookSearch", "Yams",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: staticRelease
        ),
        // `handbook serve`: preview server, file watching, live reload. The only module that imports Hummingbird.
        .target(
            name: "HandbookServe",
            dependencies: [
                "HandbookCore",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: staticRelease
        ),
        .target(
            name: "HandbookCommands",
            dependencies: [
                "HandbookCore", "HandbookForms", "HandbookServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: staticRelease
        ),
        // Both programs link mimalloc (Debian's libmimalloc-dev), which takes over malloc for the whole process:
        // the build makes millions of small allocations on both cores, and glibc's allocator was about 13 %
        // of its CPU (`make bench`: 5,000 pages 1.46 → 1.21 s median).
        .executableTarget(name: "handbook", dependencies: ["HandbookCommands"], swiftSettings: staticRelease,
                         linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))] + staticReleaseLink),
        .executableTarget(name: "handbook-check", dependencies: ["HandbookCommands"], swiftSettings: staticRelease,
                         linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))] + staticReleaseLink),
        .testTarget(name: "CmarkBridgeTests", dependencies: ["CmarkBridge"]),
        .testTarget(name: "HandbookFormsTests", dependencies: ["HandbookForms"]),
        .testTarget(name: "HandbookSearchTests", dependencies: ["HandbookSearch"]),
        .testTarget(name: "HandbookCoreTests", dependencies: ["HandbookCore", "HandbookSearch", "Yams"], exclude: ["search-queries.json"]),
        .testTarget(name: "CLITests", dependencies: ["HandbookCore"]),
        .testTarget(name: "HandbookServeTests", dependencies: ["HandbookServe", "HandbookCore"]),
    ],
    swiftLanguageModes: [.v6]
)
