// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "regkeeper",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "regkeeper", targets: ["regkeeper"]),
        .library(name: "RegistryStore", targets: ["RegistryStore"]),
        .library(name: "FilesystemStore", targets: ["FilesystemStore"]),
        .library(name: "Collector", targets: ["Collector"]),
    ],
    targets: [
        // Thin C bindings (system libraries from Debian's -dev packages).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Small Swift types that own C resources.
        .target(name: "Hashing", dependencies: ["CCrypto"]),
        .target(name: "CSystemShims"),
        .target(name: "POSIXFilesystem", dependencies: ["CSystemShims"]),
        .target(name: "Compression", dependencies: ["CZstd", "CLZ4"]),

        // The registry store: layout, links, manifests, and the backend-neutral scanner.
        .target(name: "RegistryStore", dependencies: ["Hashing"]),
        // The filesystem backend of the store (the registry's `filesystem` driver).
        .target(name: "FilesystemStore", dependencies: ["RegistryStore", "POSIXFilesystem"]),
        // Garbage collection: mark, plan, sweep.
        .target(name: "Collector", dependencies: ["RegistryStore"]),

        // Looking at a store: check (fsck) and du.
        .target(name: "Inspection", dependencies: ["RegistryStore", "Hashing"]),
        // Backups: pax tar streams, compressed, with catalogs and chains.
        .target(name: "Archiver", dependencies: ["RegistryStore", "FilesystemStore", "Collector", "Compression", "Hashing", "POSIXFilesystem"]),

        .executableTarget(name: "regkeeper", dependencies: ["Archiver", "Collector", "FilesystemStore", "Inspection", "POSIXFilesystem", "RegistryStore"]),

        .testTarget(name: "RegistryStoreTests", dependencies: ["RegistryStore", "Hashing"]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression"]),
        .testTarget(name: "ArchiverTests", dependencies: ["Archiver"]),
        .testTarget(name: "InspectionTests", dependencies: ["Inspection", "FilesystemStore", "RegistryStore", "Hashing"]),
        .testTarget(name: "CollectorTests", dependencies: ["Collector", "FilesystemStore", "RegistryStore", "Hashing", "POSIXFilesystem"]),

        // The real-registry harness (docker-registry, skopeo) and the `regkeeper gc` integration tests.
        .target(name: "RegistryFixtures", dependencies: ["Hashing"], path: "Tests/RegistryFixtures"),
        .testTarget(name: "IntegrationTests", dependencies: ["RegistryFixtures"]),
        // `regkeeper backup`/`restore`/`backups`/`verify` end to end, on stores made by the real registry.
        .testTarget(name: "BackupTests", dependencies: ["RegistryFixtures", "Hashing"]),
        // `regkeeper prune-tags`/`check`/`du`/`--metrics-file` end to end, on stores made by the real registry.
        .testTarget(name: "RetentionTests", dependencies: ["RegistryFixtures"]),
        // `Scripts/regkeeper-nightly` against the real registry; Helpers/ are the test's registry-control scripts.
        .testTarget(name: "NightlyTests", dependencies: ["RegistryFixtures"], exclude: ["Helpers"]),
    ],
    swiftLanguageModes: [.v6]
)
