import Foundation
import Testing
@testable import HandbookServe

/// The serve-only pieces: the HTML rewriting, the host check, request paths, file polling.
struct ServeTests {
    static let page = """
        <!doctype html>
        <html lang="zh-CN"><head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;self&#39;; style-src &#39;self&#39;">
        <title>x</title>
        </head><body><p>正文</p></body></html>
        """

    @Test func injectsReloadScriptAndConnectSrc() {
        let html = LiveReload.inject(into: Self.page, page: "05-complaints.html")
        #expect(html.contains("<script src=\"/__handbook/reload.js\" data-page=\"05-complaints.html\" defer></script>\n</head>"))
        #expect(html.contains("content=\"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'\""))
        #expect(html.contains("<p>正文</p>"))
        // No inline script is added.
        #expect(html.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) == nil)
    }

    @Test func connectSrcIsExtendedNotDuplicated() {
        #expect(LiveReload.withConnectSelf("default-src 'none'; connect-src 'none'") == "default-src 'none'; connect-src 'self'")
        #expect(LiveReload.withConnectSelf("connect-src https://a.example") == "connect-src https://a.example 'self'")
        #expect(LiveReload.withConnectSelf("connect-src 'self'; img-src 'self'") == "connect-src 'self'; img-src 'self'")
    }

    @Test func reloadScriptUsesNoHTMLParsing() {
        #expect(!LiveReload.script.contains("innerHTML"))
        #expect(!LiveReload.script.contains("insertAdjacentHTML"))
        #expect(!LiveReload.script.contains("setAttribute('style'"))
        #expect(LiveReload.script.contains("new EventSource('/__handbook/events')"))
    }

    @Test func loopbackHosts() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] { #expect(ServeOptions.isLoopback(host), "\(host)") }
        for host in ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com", "127.0.0", "1270.0.0.1"] {
            #expect(!ServeOptions.isLoopback(host), "\(host)")
        }
    }

    @Test func requestPathsStayInsideTheSite() {
        #expect(PreviewServer.sitePath("/") == "")
        #expect(PreviewServer.sitePath("/guide/") == "guide/")
        #expect(PreviewServer.sitePath("/guide/detail.html") == "guide/detail.html")
        #expect(PreviewServer.sitePath("/%E6%8A%95%E8%AF%89.html") == "投诉.html")
        #expect(PreviewServer.sitePath("/../etc/passwd") == nil)
        #expect(PreviewServer.sitePath("/a/%2E%2E/%2E%2E/etc/passwd") == nil)
        #expect(PreviewServer.sitePath("/.site.staging-1/index.html") == nil)
    }

    @Test func errorEventCarriesDiagnosticsAsJSON() async {
        let hub = LiveReloadHub()
        await hub.error(.init([.init(stage: .transform, file: "content/a.md", line: 7, column: 2, message: "link to `x.md`: \"no\" <page>", hint: "fix it")]))
        let stream = await hub.subscribe()
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        let event = await iterator.next() ?? ""
        #expect(event.hasPrefix("event: error\ndata: {\"diagnostics\":[{\"text\":\"content/a.md:7:2: error: [transform] link to `x.md`: \\\"no\\\" \\u003cpage>\",\"hint\":\"fix it\"}]}\n\n"))
        await hub.reload(kind: .incremental, written: ["a.html"])
        #expect(await iterator.next() == "event: reload\ndata: {\"kind\":\"incremental\",\"paths\":[\"a.html\"],\"more\":false}\n\n")
        await hub.closeAll()
    }

    @Test func pollingSeesChangesAdditionsAndRemovals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-watch-\(UUID().uuidString)")
        let content = dir.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("ch"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a".write(to: content.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        try "b".write(to: content.appendingPathComponent("ch/b.md"), atomically: true, encoding: .utf8)
        try "x".write(to: content.appendingPathComponent(".hidden.md"), atomically: true, encoding: .utf8)
        let first = FileSnapshot.scan(folders: [content])
        #expect(first.files.count == 2)

        try "b2".write(to: content.appendingPathComponent("ch/b.md"), atomically: true, encoding: .utf8)
        var change = WatchedChange.classify(FileSnapshot.scan(folders: [content]), since: first, contentDirectory: content)
        #expect(change.pages == ["ch/b.md"])
        #expect(change.other.isEmpty)

        try "c".write(to: content.appendingPathComponent("c.md"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: content.appendingPathComponent("a.md"))
        change = WatchedChange.classify(FileSnapshot.scan(folders: [content]), since: first, contentDirectory: content)
        #expect(change.other.count == 2)
    }

    @Test func treeWatcherSeesEditsAdditionsAndRemovals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-tree-\(UUID().uuidString)")
        let content = dir.appendingPathComponent("content"), theme = dir.appendingPathComponent("theme")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("ch"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = content.appendingPathComponent("ch/b.md")
        try "b".write(to: page, atomically: false, encoding: .utf8)
        try "t".write(to: theme.appendingPathComponent("page.mustache"), atomically: false, encoding: .utf8)
        let watcher = TreeWatcher(folders: [content, theme], files: [dir.appendingPathComponent("handbook.yml")])
        #expect(watcher.fileCount == 2)
        #expect(watcher.poll(contentDirectory: content) == nil)

        // In place (same inode) and atomically (rename over it).
        try "b, edited".write(to: page, atomically: false, encoding: .utf8)
        #expect(watcher.poll(contentDirectory: content)?.pages == ["ch/b.md"])
        try "b, saved atomically".write(to: page, atomically: true, encoding: .utf8)
        let atomic = watcher.poll(contentDirectory: content)
        #expect(atomic?.pages == ["ch/b.md"] && atomic?.other == [])
        #expect(watcher.poll(contentDirectory: content) == nil)

        try "t2".write(to: theme.appendingPathComponent("page.mustache"), atomically: false, encoding: .utf8)
        #expect(watcher.poll(contentDirectory: content)?.other.count == 1)
        try "new".write(to: content.appendingPathComponent("c.md"), atomically: false, encoding: .utf8)
        #expect(watcher.poll(contentDirectory: content)?.other == [content.appendingPathComponent("c.md").path])
        try FileManager.default.removeItem(at: page)
        #expect(watcher.poll(contentDirectory: content)?.other == [page.path])
        try "title: x".write(to: dir.appendingPathComponent("handbook.yml"), atomically: false, encoding: .utf8)
        #expect(watcher.poll(contentDirectory: content)?.other == [dir.appendingPathComponent("handbook.yml").path])
    }
}
