// swift-tools-version:6.0
// Benchmarks for regkeeper: a generator of synthetic registry stores and the scripts that
// time regkeeper against the stock `docker-registry garbage-collect`. Separate from the root
// package so that building the tool never builds the benchmarks; builds offline.
import PackageDescription

let package = Package(
    name: "regkeeper-benchmarks",
    products: [
        .executable(name: "store-generator", targets: ["store-generator"]),
    ],
    targets: [
        // libcrypto for SHA-256 (own module name so it can never clash with the root's CCrypto).
        .systemLibrary(name: "CBenchCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // zlib for real gzip layers (--gzip-layers).
        .systemLibrary(name: "CBenchZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .executableTarget(name: "store-generator", dependencies: ["CBenchCrypto", "CBenchZlib"]),
    ],
    swiftLanguageModes: [.v6]
)
