import Foundation
import Testing
@testable import HandbookServe

/// inotify wakes the watcher on a completed write, in a sub-folder too; with nothing written it times out.
struct ChangeNotifierTests {
    @Test func wakesOnAWriteAndTimesOutOtherwise() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hb-notify-\(UUID().uuidString)")
        let chapter = folder.appendingPathComponent("ch1")
        try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "# a\n".write(to: chapter.appendingPathComponent("a.md"), atomically: false, encoding: .utf8)
        let watcher = TreeWatcher(folders: [folder], files: [])
        let notifier = ChangeNotifier()
        notifier.watch(watcher.folderPaths)
        #if os(Linux)
        #expect(notifier.isActive)
        #expect(notifier.watched >= 2)
        #endif

        let quiet = Date()
        #expect(notifier.wait(timeout: 0.1) == nil)
        #expect(Date().timeIntervalSince(quiet) >= 0.09)

        let url = chapter.appendingPathComponent("a.md")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
            try? "# a\n\n改了\n".write(to: url, atomically: false, encoding: .utf8)
        }
        let start = Date()
        let woken = notifier.wait(timeout: 5)
        let waited = Date().timeIntervalSince(start)
        #if os(Linux)
        #expect(woken == [chapter.standardizedFileURL.path])
        #expect(waited < 1, "woke after \(waited) s")
        #else
        #expect(woken == nil)
        #endif
        let change = watcher.poll(contentDirectory: folder, only: woken)
        #expect(change?.pages == ["ch1/a.md"])
    }
}
