import Foundation
import Testing

/// The real handbook built with compiled template shapes and with plain Mustache (`HANDBOOK_TEMPLATE_SHAPES=off`)
/// must be byte-identical.
struct TemplateShapesCLITests {
    static func build(output: URL, shapes: Bool) throws -> Int32 {
        let process = Process()
        process.executableURL = CLI.executable("handbook")
        process.arguments = ["build", "--root", CLITests.repo.path, "--output", output.path]
        var environment = ProcessInfo.processInfo.environment
        environment["HANDBOOK_TEMPLATE_SHAPES"] = shapes ? nil : "off"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func files(under folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if let data = FileManager.default.contents(atPath: url.path), !url.hasDirectoryPath {
                result[String(url.path.dropFirst(folder.path.count))] = data
            }
        }
        return result
    }

    @Test func compiledAndPlainRenderingAreIdentical() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hb-shapes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let compiled = scratch.appendingPathComponent("compiled"), plain = scratch.appendingPathComponent("plain")
        #expect(try Self.build(output: compiled, shapes: true) == 0)
        #expect(try Self.build(output: plain, shapes: false) == 0)
        let a = Self.files(under: compiled), b = Self.files(under: plain)
        #expect(a.count > 40)
        #expect(Set(a.keys) == Set(b.keys))
        let different = a.keys.filter { a[$0] != b[$0] }.sorted()
        #expect(different.isEmpty, "differ: \(different.prefix(5))")
    }
}
