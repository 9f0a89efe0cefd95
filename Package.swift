// swift-tools-version: 6.0
import PackageDescription

// Pixel loops (decoding, resizing, the engine, sixel encoding) are optimized in debug builds
// too: unoptimized, they make every test that edits or draws a picture several times slower.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Retouch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "retouch", targets: ["retouch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
    ],
    targets: [
        // System libraries from Debian packages; each shim.h exposes what Swift cannot import.
        // No pkgConfig: SwiftPM would drop its -D flags with a warning; shim.h defines what is needed.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        // SHA-256 from OpenSSL's static libcrypto.a (see shim.h): swift-crypto would compile its
        // own BoringSSL, about 100 s of a clean build on two cores.
        .systemLibrary(name: "CLibcrypto", providers: [.apt(["libssl-dev"])]),
        // libpng and libjpeg report errors by longjmp, which must never cross Swift frames: these
        // C targets keep setjmp/longjmp inside C and return status codes (apt: libpng-dev,
        // libdeflate-dev for CPNG's fast decoding and its encoding, libjpeg62-turbo-dev).
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("deflate")]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),

        .target(name: "Raster", swiftSettings: optimizedInDebug),
        .target(name: "FileAccess"),
        // The one sanitiser for outside text on its way to a terminal.
        .target(name: "TerminalText"),
        .target(name: "ImageCodecs", dependencies: ["Raster", "FileAccess", "CPNG", "CJPEG", "CWebP"], swiftSettings: optimizedInDebug),
        // The API's request, rules, pre-flight and wire shapes: pure, no I/O.
        .target(name: "ImageEditModel", dependencies: ["Raster"]),
        // Drafts and past runs, shared by the editor and the session store.
        .target(name: "SessionModel", dependencies: ["Raster"]),
        // The HTTP client of the API.
        .target(
            name: "ImageEditAPI",
            dependencies: [
                "ImageEditModel", "Raster", "FileAccess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Only to classify transport errors by type.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Only to recognise the inflation-limit error of AsyncHTTPClient's decompressor.
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ]
        ),
        .target(name: "LocalEngine", dependencies: ["Raster"], swiftSettings: optimizedInDebug),
        .target(name: "TerminalGraphics", dependencies: ["Raster"], swiftSettings: optimizedInDebug),
        .target(name: "EditorCore", dependencies: ["ImageEditModel", "SessionModel", "Raster", "TerminalText"]),
        // Sessions, drafts and runs in SQLite (apt: libsqlite3-dev, through GRDB).
        .target(
            name: "SessionStore",
            dependencies: ["SessionModel", "ImageEditModel", "FileAccess", "Raster",
                           .product(name: "GRDB", package: "GRDB.swift"), "CLibcrypto"]
        ),
        .target(
            name: "TerminalUI",
            dependencies: ["CNcursesw", "EditorCore", "TerminalGraphics", "ImageEditAPI", "ImageEditModel", "ImageCodecs", "ResultFiles",
                           "Raster", "FileAccess", "SessionModel", "SessionStore"]
        ),
        // The edit service, transport-free: requests and answers as values, bodies as chunks.
        .target(
            name: "LocalServer",
            dependencies: ["ImageEditModel", "LocalEngine", "ImageCodecs", "Raster", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        // The service over HTTP/1.1 on Hummingbird, with the limits that need NIO's channel.
        .target(
            name: "LocalServerHTTP",
            dependencies: [
                "LocalServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .target(name: "ResultFiles", dependencies: ["ImageEditModel", "Raster", "FileAccess"]),
        // A loopback HTTP server that plays scripted responses, for tests and benchmarks.
        .target(
            name: "ScriptedServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "retouch",
            dependencies: [
                "Raster", "FileAccess", "ImageCodecs", "ImageEditModel", "ImageEditAPI", "ResultFiles", "LocalServer", "LocalServerHTTP",
                "LocalEngine", "TerminalGraphics", "EditorCore", "TerminalUI", "SessionModel", "SessionStore", "TerminalText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The driver exports every symbol of an executable; at start the runtime's dladdr
            // searches them all (about 47,000 here), which costs a short `retouch show` about 1 ms.
            // (Packing the loader's 137,000 relative relocations, RELR, measured no faster once
            // the rest of the start was cut, and would need glibc 2.36: not Ubuntu 22.04.)
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))]
        ),

        .executableTarget(
            name: "RetouchBench",
            dependencies: ["ImageEditModel", "ImageEditAPI", "ScriptedServer", "LocalServer", "LocalServerHTTP", "LocalEngine", "ImageCodecs", "Raster",
                           "TerminalGraphics"]
        ),

        // Shared by the tests: libsixel's decoder, the seeded random generator.
        .target(name: "TestSupport", dependencies: ["ImageCodecs", "Raster"], path: "Tests/Support"),
        .testTarget(name: "RasterTests", dependencies: ["Raster", "TestSupport"]),
        .testTarget(name: "TerminalTextTests", dependencies: ["TerminalText"]),
        .testTarget(name: "ImageCodecsTests", dependencies: ["ImageCodecs", "CPNG", "Raster", "FileAccess", "TestSupport"]),
        .testTarget(name: "ImageEditModelTests", dependencies: ["ImageEditModel", "Raster"]),
        .testTarget(
            name: "ImageEditAPITests",
            dependencies: [
                "ImageEditAPI", "ImageEditModel", "Raster", "ImageCodecs", "ScriptedServer", "TestSupport",
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CNcursesw"]),
        .testTarget(
            name: "LocalServerTests",
            dependencies: ["LocalServer", "LocalServerHTTP", "ImageEditAPI", "ImageEditModel", "ImageCodecs", "Raster", "LocalEngine", "TestSupport",
                           .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .testTarget(
            name: "EditorCoreTests",
            dependencies: ["EditorCore", "ImageEditModel", "SessionModel", "Raster", "TerminalText", "TestSupport",
                           .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(name: "TerminalGraphicsTests", dependencies: ["TerminalGraphics", "Raster", "ImageCodecs", "TestSupport"]),
        .testTarget(name: "SessionStoreTests", dependencies: ["SessionStore", "SessionModel", "ImageEditModel", "Raster", "FileAccess", "TestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "EditorCore", "TerminalGraphics", "Raster", "SessionModel", "SessionStore", "ImageCodecs",
                                                    "ImageEditAPI", "ImageEditModel", "ScriptedServer", "TestSupport"]),
        .testTarget(name: "LocalEngineTests", dependencies: ["LocalEngine", "Raster", "TestSupport"]),
        .testTarget(name: "ResultFilesTests", dependencies: ["ResultFiles", "ImageEditModel", "FileAccess", "TestSupport"]),
        .testTarget(name: "RetouchCLITests", dependencies: ["retouch", .product(name: "ArgumentParser", package: "swift-argument-parser"), "TerminalGraphics", "ImageCodecs", "Raster", "ScriptedServer", "SessionModel", "SessionStore", "EditorCore", "TestSupport"]),
        // The editor and `retouch show` in real terminals (xterm, mlterm, kitty) under Xvfb, checked
        // on screenshots; skipped where those programs are missing (`make terminals` installs them).
        .testTarget(name: "TerminalScreenshotTests", dependencies: ["EditorCore", "ImageCodecs", "Raster", "ScriptedServer"],
                    swiftSettings: optimizedInDebug),
    ],
    swiftLanguageModes: [.v6]
)

// Each file imports the modules whose members it uses.
for target in package.targets where target.type != .system && target.type != .binary {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}

// MARK: - Fuzzing (`make fuzz`) ---------------------------------------------------------------
// libFuzzer targets, declared only when RETOUCH_FUZZ=1 so that ordinary builds and tests never
// see them. `make fuzz` builds them with `-sanitize=fuzzer,address` in `.build-fuzz`; sources
// are in Fuzz/<target>/, seed corpora in Fuzz/corpus/<target>/.
if Context.environment["RETOUCH_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzPNG", ["ImageCodecs", "Raster"]),
        ("FuzzJPEG", ["ImageCodecs", "Raster"]),
        ("FuzzWebP", ["ImageCodecs", "Raster"]),
        ("FuzzSSE", ["ImageEditAPI"]),
        ("FuzzForm", ["LocalServer", "ImageCodecs"]),
        ("FuzzTerminalReplies", ["TerminalGraphics"]),
        ("FuzzConfig", ["ImageEditAPI"]),
    ]
    // Declares libFuzzer's driver, which each target's main.swift runs.
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
    for target in fuzzTargets {
        package.targets.append(.executableTarget(name: target.name, dependencies: ["CFuzzDriver"] + target.dependencies,
                                                 path: "Fuzz/\(target.name)"))
    }
    // The C bridges get coverage and AddressSanitizer too (libpng, libjpeg and libwebp are
    // Debian's uninstrumented builds).
    for target in package.targets where ["CPNG", "CJPEG"].contains(target.name) {
        target.cSettings = (target.cSettings ?? []) + [.unsafeFlags(["-fsanitize=fuzzer-no-link,address"])]
    }
}
