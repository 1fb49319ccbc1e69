import Testing
@testable import RegistryStore

@Suite struct RegistryConfigurationTests {
    let debianConfig = """
        version: 0.1
        log:
          fields:
            service: registry
        storage:
          cache:
            blobdescriptor: inmemory
          filesystem:
            rootdirectory: /var/lib/docker-registry   # the Debian default
          delete:
            enabled: true
        http:
          addr: :5000
          headers:
            X-Content-Type-Options: [nosniff]
        """

    @Test func readsTheFilesystemRootDirectory() {
        #expect(RegistryConfiguration(yaml: debianConfig).filesystemRoot == "/var/lib/docker-registry")
    }

    @Test func theEnvironmentOverridesTheFile() {
        let config = RegistryConfiguration(yaml: debianConfig,
                                           environment: ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/srv/registry"])
        #expect(config.filesystemRoot == "/srv/registry")
    }

    @Test func reportsTheBlobDescriptorCache() {
        #expect(RegistryConfiguration(yaml: debianConfig).blobDescriptorCache == "inmemory")
        #expect(RegistryConfiguration(yaml: "storage:\n  filesystem:\n    rootdirectory: /x\n").blobDescriptorCache == nil)
    }

    @Test func defaultsToVarLibRegistryForTheFilesystemDriver() {
        #expect(RegistryConfiguration(yaml: "storage:\n  filesystem: {}\n").filesystemRoot == "/var/lib/registry")
    }

    @Test func anotherDriverHasNoFilesystemRoot() {
        #expect(RegistryConfiguration(yaml: "storage:\n  s3:\n    bucket: images\n").filesystemRoot == nil)
    }

    @Test func quotedValuesAreUnquoted() {
        #expect(RegistryConfiguration(yaml: "storage:\n  filesystem:\n    rootdirectory: \"/data/my registry\"\n").filesystemRoot == "/data/my registry")
    }
}
