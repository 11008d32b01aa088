// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Kijko",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kijko", targets: ["kijko"]),
        .library(name: "KijkoCore", targets: ["KijkoCore"]),
        .library(name: "KijkoMedia", targets: ["KijkoMedia"]),
        .library(name: "KijkoPresets", targets: ["KijkoPresets"]),
        .library(name: "KijkoEditorial", targets: ["KijkoEditorial"]),
        .library(name: "KijkoDelivery", targets: ["KijkoDelivery"]),
        .library(name: "KijkoLLM", targets: ["KijkoLLM"]),
        .library(name: "KijkoQC", targets: ["KijkoQC"]),
        .library(name: "KijkoPipeline", targets: ["KijkoPipeline"]),
        .library(name: "KijkoAgents", targets: ["KijkoAgents"]),
        .library(name: "KijkoServer", targets: ["KijkoServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The server (no swift-configuration: its trait is off).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The shared store and work queue of more than one machine.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libavfilter libswscale libavutil libswresample",
            providers: [
                .apt(["pkg-config", "libavformat-dev", "libavcodec-dev", "libavfilter-dev",
                      "libswscale-dev", "libswresample-dev", "libavutil-dev"]),
                .brew(["ffmpeg", "pkg-config"]),
            ]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        // QC's full-frame pixel loops in C: one SSE2 pass a row (plain C elsewhere).
        .target(name: "CKijkoScan"),
        // Foundation: what every module shares (YAML fields, presets' whereabouts, JSON, files, progress).
        .target(
            name: "KijkoCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // Media: the safe layer over libav*, and shot/scene measurement.
        .target(
            name: "KijkoMedia",
            dependencies: ["CFFmpeg", "KijkoCore"],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // Delivery presets (platform specs): what Delivery renders to and QC checks against.
        .target(
            name: "KijkoPresets",
            dependencies: ["KijkoMedia", "KijkoCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // Engines.
        .target(
            name: "KijkoLLM",
            dependencies: ["CCurl", "KijkoCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        .target(
            name: "KijkoEditorial",
            dependencies: ["KijkoMedia", "KijkoCore"],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        .target(
            name: "KijkoDelivery",
            dependencies: ["KijkoMedia", "KijkoPresets", "KijkoEditorial", "KijkoCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        .target(
            name: "KijkoQC",
            dependencies: ["KijkoMedia", "KijkoPresets", "KijkoLLM", "KijkoCore", "CKijkoScan", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // Orchestration.
        .target(
            name: "KijkoPipeline",
            dependencies: ["KijkoCore", "KijkoLLM", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        .target(
            name: "KijkoAgents",
            dependencies: ["KijkoCore", "KijkoMedia", "KijkoPresets", "KijkoEditorial", "KijkoDelivery", "KijkoQC", "KijkoLLM",
                           "KijkoPipeline", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // Front ends.
        .executableTarget(
            name: "kijko",
            dependencies: [
                "KijkoCore",
                "KijkoMedia",
                "KijkoPresets",
                "KijkoEditorial",
                "KijkoDelivery",
                "KijkoQC",
                "KijkoLLM",
                "KijkoPipeline",
                "KijkoAgents",
                "KijkoServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "KijkoServer",
            dependencies: ["KijkoCore", "KijkoPipeline", "KijkoAgents", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // Fuzz targets: replays inputs in a normal build; a libFuzzer binary when scripts/fuzz builds it.
        .executableTarget(
            name: "kijko-fuzz",
            dependencies: ["KijkoEditorial", "KijkoMedia", "KijkoPresets", "KijkoPipeline", "KijkoQC"]
        ),
        .target(
            name: "KijkoTestSupport",
            path: "Sources/KijkoTestSupport"
        ),
        .testTarget(
            name: "KijkoCoreTests",
            dependencies: ["KijkoCore", "KijkoTestSupport"]
        ),
        .testTarget(
            name: "KijkoMediaTests",
            dependencies: ["KijkoMedia", "KijkoTestSupport"]
        ),
        .testTarget(
            name: "KijkoEditorialTests",
            dependencies: ["KijkoEditorial", "KijkoMedia", "KijkoTestSupport"]
        ),
        .testTarget(
            name: "KijkoDeliveryTests",
            dependencies: ["KijkoDelivery", "KijkoPresets", "KijkoCore", "KijkoMedia", "KijkoTestSupport"]
        ),
        .testTarget(
            name: "KijkoQCTests",
            dependencies: ["KijkoQC", "CKijkoScan", "KijkoMedia", "KijkoPresets", "KijkoLLM", "KijkoTestSupport"]
        ),
        .testTarget(
            name: "KijkoPipelineTests",
            dependencies: ["KijkoPipeline", "KijkoAgents", "KijkoCore", "KijkoLLM", "KijkoTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "KijkoAgentsTests",
            dependencies: ["KijkoAgents", "KijkoPipeline", "KijkoEditorial", "KijkoMedia", "KijkoLLM", "KijkoTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "KijkoServerTests",
            dependencies: ["KijkoServer", "KijkoPipeline", "KijkoCore", "KijkoTestSupport"]
        ),
        .testTarget(
            name: "KijkoLLMTests",
            dependencies: ["KijkoLLM", "KijkoTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
