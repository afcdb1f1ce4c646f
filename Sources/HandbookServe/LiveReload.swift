import Foundation
import HandbookCore

/// The open `/__handbook/events` streams, and the current build state every new stream starts with.
public actor LiveReloadHub {
    private var streams: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    /// The `error` event of the failing build, until the next good build.
    private var currentError: String?
    private var sent = 0

    public init() {}

    /// A new subscriber: its stream starts with the current error, if any.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id = nextID
        nextID += 1
        streams[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.remove(id) }
        }
        continuation.yield("retry: 500\n: handbook serve\n\n")
        if let currentError { continuation.yield(currentError) }
        return stream
    }

    private func remove(_ id: Int) {
        streams.removeValue(forKey: id)
    }

    public var subscriberCount: Int { streams.count }
    public var eventsSent: Int { sent }

    /// A good build: tabs reload (the data lists the written files, so a tab whose page did not change may stay).
    public func reload(kind: RebuildReport.Kind, written: [String]) {
        currentError = nil
        let paths = written.prefix(200).map { "\"" + LiveReload.jsonEscape($0) + "\"" }.joined(separator: ",")
        let data = "{\"kind\":\"\(kind.rawValue)\",\"paths\":[\(paths)],\"more\":\(written.count > 200)}"
        broadcast(LiveReload.event("reload", data: data))
    }

    /// A failed build: the diagnostics show as an overlay in every open tab (and in tabs opened later).
    public func error(_ failure: BuildFailure) {
        let items = failure.diagnostics.map { d in
            "{\"text\":\"\(LiveReload.jsonEscape("\(d.file):\(d.line):\(d.column): \(d.severity.rawValue): [\(d.stage.rawValue)] \(d.message)"))\""
                + (d.hint.map { ",\"hint\":\"\(LiveReload.jsonEscape($0))\"" } ?? "") + "}"
        }
        let event = LiveReload.event("error", data: "{\"diagnostics\":[\(items.joined(separator: ","))]}")
        currentError = event
        broadcast(event)
    }

    /// A comment line, so streams to closed tabs fail and are dropped.
    public func heartbeat() {
        broadcast(": ping\n\n")
    }

    public func closeAll() {
        for continuation in streams.values { continuation.finish() }
        streams.removeAll()
    }

    private func broadcast(_ message: String) {
        sent += 1
        for continuation in streams.values { continuation.yield(message) }
    }
}

/// The reload script and the rewriting of served HTML (serve mode only; never written to disk).
public enum LiveReload {
    public static let scriptPath = "/__handbook/reload.js"
    public static let eventsPath = "/__handbook/events"

    static func event(_ name: String, data: String) -> String {
        "event: \(name)\ndata: \(data)\n\n"
    }

    static func jsonEscape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Adds the reload script before `</head>` and `connect-src 'self'` to the page's CSP meta (EventSource
    /// is a connection; the site's policy has `default-src 'none'`). `page` is the served file's site path,
    /// or "" for a fallback page (404), which reloads on every change.
    public static func inject(into html: String, page: String) -> String {
        var html = html
        if let meta = html.range(of: "http-equiv=\"Content-Security-Policy\""),
           let contentStart = html.range(of: "content=\"", range: meta.upperBound..<html.endIndex),
           let contentEnd = html.range(of: "\"", range: contentStart.upperBound..<html.endIndex) {
            let policy = decodeAttribute(String(html[contentStart.upperBound..<contentEnd.lowerBound]))
            let rewritten = withConnectSelf(policy).replacingOccurrences(of: "&", with: "&amp;")
                .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
            html.replaceSubrange(contentStart.upperBound..<contentEnd.lowerBound, with: rewritten)
        }
        let escapedPage = page.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
        let tag = "<script src=\"\(scriptPath)\" data-page=\"\(escapedPage)\" defer></script>\n"
        if let head = html.range(of: "</head>", options: .caseInsensitive) {
            html.insert(contentsOf: tag, at: head.lowerBound)
        } else {
            html += tag
        }
        return html
    }

    /// An attribute value with the character references templates write (`&#39;`, `&quot;`, `&amp;` …) decoded.
    static func decodeAttribute(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var out = value
        for (entity, character) in [("&#39;", "'"), ("&#x27;", "'"), ("&apos;", "'"), ("&quot;", "\""), ("&#34;", "\""),
                                    ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: character)
        }
        return out
    }

    /// `connect-src 'self'` added to a CSP (or `'self'` added to an existing connect-src).
    static func withConnectSelf(_ policy: String) -> String {
        var directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let index = directives.firstIndex(where: { $0 == "connect-src" || $0.hasPrefix("connect-src ") }) {
            if !directives[index].contains("'self'") {
                directives[index] = directives[index] == "connect-src 'none'" ? "connect-src 'self'" : directives[index] + " 'self'"
            }
        } else {
            directives.append("connect-src 'self'")
        }
        return directives.joined(separator: "; ")
    }

    /// Opens an EventSource on /__handbook/events: `reload` reloads the tab (when its page or a shared file
    /// changed), `error` shows the build's diagnostics in an overlay built with DOM APIs (textContent only),
    /// and the next good build removes it.
    public static let script = #"""
    // handbook serve: live reload. Served only by `handbook serve`; never part of the built site.
    (function () {
      'use strict';
      var me = document.currentScript;
      var page = me ? (me.getAttribute('data-page') || '') : '';
      var overlay = null;

      function clearOverlay() {
        if (overlay) { overlay.remove(); overlay = null; }
        document.documentElement.removeAttribute('data-handbook-build-error');
      }

      function showOverlay(report) {
        clearOverlay();
        overlay = document.createElement('div');
        overlay.id = 'handbook-serve-overlay';
        overlay.setAttribute('role', 'alert');
        Object.assign(overlay.style, {
          position: 'fixed', left: '0', right: '0', top: '0', zIndex: '2147483647', maxHeight: '70vh', overflow: 'auto',
          background: '#fff5f5', color: '#5c0011', borderBottom: '3px solid #cf1322', padding: '16px 20px',
          font: '14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', boxShadow: '0 4px 16px rgba(0,0,0,.25)'
        });
        var title = document.createElement('strong');
        title.textContent = '构建失败 · Build failed — 仍显示上一次成功的构建 (showing the last good build)';
        overlay.appendChild(title);
        var close = document.createElement('button');
        close.type = 'button';
        close.textContent = '×';
        close.setAttribute('aria-label', '关闭 Close');
        Object.assign(close.style, { float: 'right', font: 'inherit', fontSize: '18px', cursor: 'pointer' });
        close.addEventListener('click', clearOverlay);
        overlay.insertBefore(close, title);
        (report.diagnostics || []).forEach(function (d) {
          var item = document.createElement('pre');
          Object.assign(item.style, { margin: '10px 0 0', whiteSpace: 'pre-wrap', font: 'inherit' });
          item.className = 'handbook-serve-diagnostic';
          item.textContent = d.text + (d.hint ? '\n    hint: ' + d.hint : '');
          overlay.appendChild(item);
        });
        document.documentElement.setAttribute('data-handbook-build-error', '');
        (document.body || document.documentElement).appendChild(overlay);
      }

      function concerns(data) {
        if (!page || data.kind === 'full' || data.more) { return true; }
        return (data.paths || []).some(function (p) {
          if (p === page) { return true; }
          if (/\.html$/.test(p)) { return false; }
          if (/^assets\/search(-index\.js$|\/)/.test(p)) { return page === 'search.html'; }
          return true;
        });
      }

      var source = new EventSource('/__handbook/events');
      source.addEventListener('open', function () {
        document.documentElement.setAttribute('data-handbook-serve', 'connected');
      });
      source.addEventListener('reload', function (e) {
        var data = {};
        try { data = JSON.parse(e.data); } catch (err) { data = { kind: 'full' }; }
        if (concerns(data)) { location.reload(); } else { clearOverlay(); }
      });
      source.addEventListener('error', function (e) {
        if (!e.data) { return; } // a connection error, not a build error; EventSource retries by itself
        var report = { diagnostics: [] };
        try { report = JSON.parse(e.data); } catch (err) { report = { diagnostics: [{ text: String(e.data) }] }; }
        showOverlay(report);
      });
    })();
    """#
}
