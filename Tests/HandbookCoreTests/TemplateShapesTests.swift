import CmarkBridge
import Foundation
import Synchronization
import Mustache
import Testing
@testable import HandbookCore

/// The compiled rendering (`TemplateShapes`) must give exactly what swift-mustache gives.
struct TemplateShapesTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func library(_ templates: [String: String]) throws -> (MustacheLibrary, [String]) {
        var library = MustacheLibrary()
        for (name, text) in templates { try library.register(text, named: name) }
        return (library, Array(templates.values))
    }

    /// Contexts of a few shapes, with values that need escaping, end in a newline, or are empty.
    static var contexts: [[String: Any]] { [
        ["title": "投诉 <处理> & \"回访\" 'x'", "items": [["name": "a"], ["name": "b&c"]], "flag": true, "body": "<p>正文</p>\n", "n": 2],
        ["title": "第二页", "items": [["name": "甲"], ["name": "乙"]], "flag": true, "body": "<p>另一页</p>\n", "n": 2],
        ["title": "", "items": [[String: String]](), "flag": false, "body": "no newline", "n": 0],
        ["title": "多行\n", "items": [["name": "x\n"]], "flag": true, "body": "", "n": 3, "extra": ["deep": "<b>"]],
    ] }

    static let page = """
        <h1>{{title}}</h1>{{#flag}}<p class="flag">{{title}}</p>{{/flag}}{{^flag}}<p>none</p>{{/flag}}
        <ul>
          {{> item-list}}
        </ul>
        {{#extra}}<i>{{deep}} {{title}}</i>{{/extra}}
        <main>{{{body}}}</main><span>{{n}}</span>
        """
    static let itemList = """
        {{#items}}
        <li>{{name}} / {{title}}</li>
        {{/items}}
        """

    @Test func compiledOutputEqualsMustache() throws {
        let (library, texts) = try Self.library(["page": Self.page, "item-list": Self.itemList])
        let shapes = TemplateShapes(library: library, templateTexts: texts, enabled: true)
        #expect(shapes.isCompilable)
        for _ in 0..<2 {  // the second round renders every shape from its compiled form
            for context in Self.contexts {
                #expect(shapes.render("page", context) == library.render(context, withTemplate: "page"))
            }
        }
        let counts = shapes.counts("page")
        // The first two contexts differ only in their strings: one shape.
        #expect(counts.compiled == 3 && counts.fallback == 0, "\(counts)")
    }

    @Test func theRealThemeRendersTheSameBothWays() throws {
        let theme = try Theme.load(from: Self.repo.appendingPathComponent("theme"), language: "zh-CN", displayRoot: Self.repo)
        #expect(theme.shapes.isCompilable)
        let plain = TemplateShapes(library: theme.library, templateTexts: [], enabled: false)
        #expect(!plain.isCompilable)
        let context: [String: Any] = [
            "site": ["title": "手册 <A&B>", "lang": "zh-CN", "edition": "self-check", "isExam": false, "version": "2025.1"],
            "t": theme.strings, "root": "../", "csp": "default-src 'none'",
            "page": ["title": "投诉 \"处理\"", "path": "a/b.html", "summary": "概要 'x'"],
            "content": "<p>正文</p>\n", "hasToc": true,
            "toc": [["id": "第1条", "text": "第1条 <总则>", "level": 2], ["id": "x", "text": "细则", "level": 3]],
            "breadcrumbs": [["title": "首页", "url": "index.html"]], "navHTML": "<li>nav</li>",
            "prev": ["title": "上一页", "url": "a/a.html"], "scripts": [["src": "assets/quiz.js"]], "styles": [[String: String]](),
        ]
        for _ in 0..<2 {
            #expect(theme.shapes.render("page", context) == plain.render("page", context))
        }
        #expect(theme.shapes.counts("page") == (1, 0))
    }

    @Test func templatesWithTransformsOrDynamicPartialsAreNotCompiled() throws {
        #expect(TemplateShapes.isCompilable("<p>{{title}}</p>{{#items}}{{.}}{{/items}}"))
        #expect(!TemplateShapes.isCompilable("<p>{{uppercased(title)}}</p>"))
        #expect(!TemplateShapes.isCompilable("{{#reversed(items)}}{{.}}{{/reversed(items)}}"))
        #expect(!TemplateShapes.isCompilable("{{>*partialName}}"))
        #expect(!TemplateShapes.isCompilable("{{=<% %>=}}<% title %>"))
        let (library, texts) = try Self.library(["page": "<p>{{uppercased(title)}}</p>"])
        let shapes = TemplateShapes(library: library, templateTexts: texts, enabled: true)
        #expect(shapes.render("page", ["title": "abc"]) == "<p>ABC</p>")
    }

    /// The typed walk must write what the untyped walk writes for the typed context's dictionary.
    static func expectSameShape(_ typed: TypedContext, tables: StringTables, sourceLocation: SourceLocation = #_sourceLocation) {
        var fast = ShapeProbe(tables: tables), slow = ShapeProbe(tables: tables)
        fast.visit(typed)
        let walked = slow.visit(typed.value)
        #expect(walked, sourceLocation: sourceLocation)
        // As text, so that a difference reads as one.
        #expect(String(decoding: fast.key.bytes, as: UTF8.self) == String(decoding: slow.key.bytes, as: UTF8.self), sourceLocation: sourceLocation)
        // Text given as bytes has its place among the strings.
        #expect(fast.allLeaves == slow.leaves, sourceLocation: sourceLocation)
        #expect(fast.byteLeaves.allSatisfy { fast.leaves[$0.index].isEmpty }, sourceLocation: sourceLocation)
    }

    @Test func typedObjectsAreSortedByBytesAndALaterKeyWins() {
        let object = TypedContext.object([("b", .string("1")), ("a", .int(2)), ("é", .bool(true)), ("Z", .list([])), ("b", .string("3"))])
        guard case .sortedObject(let pairs) = object else { Issue.record("not an object"); return }
        #expect(pairs.map(\.key) == ["Z", "a", "b", "é"])
        let dictionary = object.value as? [String: Any]
        #expect(dictionary?["b"] as? String == "3" && dictionary?.count == 4)
        #expect(pairs.map(\.key) == dictionary?.keys.sorted(by: ShapeProbe.precedes))
    }

    @Test func typedContextsWalkLikeTheirDictionaries() {
        let tables = StringTables()
        let big = Dictionary(uniqueKeysWithValues: (0..<12).map { ("key\($0)", $0 == 3 ? "行\n" : "值\($0)") })
        let frozenSite = FrozenContext(.object([("title", .string("手册")), ("isExam", .bool(false)), ("version", .string(""))]), tables: tables)
        let samples: [TypedContext] = [
            .object([]),
            .object([("t", .table(big)), ("small", .table(["b": "x\n", "a": ""])), ("n", .int(-12)), ("m", .int(7))]),
            .object([("site", .frozen(frozenSite)), ("toc", .list([.object([("id", .string("第1条")), ("level", .int(2))]), .strings([("id", "")])]))]),
            .object([("list", .list([.string("a"), .list([.bool(true)]), .table(big), .frozen(frozenSite)])), ("body", .string("<p>\n"))]),
            .object([("nested", .object([("deeper", .object([("x", .string("\r\n"))]))])), ("empty", .list([]))]),
            .object([("body", .utf8(Array("<p>正文</p>\n".utf8))), ("a", .utf8([])), ("z", .utf8(Array("x\r\n".utf8))), ("m", .string("s"))]),
        ]
        for typed in samples { Self.expectSameShape(typed, tables: tables) }
    }

    /// Every content page of the real handbook and its generated pages: typed contexts walk as their
    /// dictionaries, and the theme renders them as Mustache renders the dictionaries.
    @Test func theHandbooksPageContextsWalkLikeTheirDictionaries() throws {
        let options = BuildOptions(root: Self.repo, transformers: [ChecklistTransformer(), QuizTransformer()])
        let site = try SiteLoader.load(options)
        let plan = PageRenderer.plan(site: site, transformers: options.transformers, languagesByPage: [:],
                                     generatedPaths: [PageRenderer.quizIndexPath])
        let transformer = Transformer(site: site, transformers: options.transformers)
        let plain = TemplateShapes(library: site.theme.library, templateTexts: [], enabled: false)
        #expect(site.pages.count > 10)
        for (index, loaded) in site.pages.enumerated() {
            var page = loaded
            page.tree = CmarkParser.parse(page.body)
            let pass = transformer.firstPass(page, byLanguage: transformer.byLanguage)
            #expect(pass.problems.isEmpty)
            let typed = PageRenderer.pageContext(pass.page, at: index, languages: pass.languages, plan: plan,
                                                 body: Array("<p>正文 & \(index)</p>\n".utf8))
            Self.expectSameShape(typed, tables: site.theme.shapes.tables)
            let dictionary = typed.value as? [String: Any] ?? [:]
            let expected = plain.render("page", dictionary)
            #expect(site.theme.render("page", typed) == expected)
            #expect(site.theme.renderUTF8("page", typed) == Array(expected.utf8))
        }
        for chapter in PageRenderer.chapterList(plan.chapters) { Self.expectSameShape(chapter, tables: site.theme.shapes.tables) }
    }

    /// Text given as bytes renders as the string it stands for, escaped or not, compiled or through Mustache,
    /// also where Mustache looks at its last character (a line feed before a standalone tag in a partial).
    @Test func textGivenAsBytesRendersAsItsString() throws {
        let (library, texts) = try Self.library(["page": "<main>{{{body}}}</main><i>{{body}}</i>\n  {{> part}}\n{{#flag}}x{{/flag}}",
                                                 "part": "{{{body}}}\n{{#flag}}\n<b>{{title}}</b>\n{{/flag}}\n"])
        let shapes = TemplateShapes(library: library, templateTexts: texts, enabled: true)
        #expect(shapes.isCompilable)
        let bodies = ["<p>正文 & \"引号\" 'x'</p>\n", "<p>另一页</p>\n", "", "no newline <", "a\r\n", "\n"]
        for _ in 0..<2 {  // the second round renders every shape from its compiled form
            for body in bodies {
                for flag in [true, false] {
                    let typed = TypedContext.object([("body", .utf8(Array(body.utf8))), ("title", .string("标题 <b>")), ("flag", .bool(flag))])
                    let expected = library.render(typed.value, withTemplate: "page") ?? "?"
                    #expect(shapes.renderUTF8("page", typed) == Array(expected.utf8), "\(body.debugDescription) \(flag)")
                    #expect(shapes.render("page", typed) == expected, "\(body.debugDescription) \(flag)")
                }
            }
        }
        let counts = shapes.counts("page")
        #expect(counts.compiled >= 4 && counts.fallback == 0, "\(counts)")
    }

    /// Past the limit, new shapes are rendered by Mustache and not kept.
    @Test func shapesStopBeingKeptPastTheLimit() throws {
        let (library, texts) = try Self.library(["page": "{{#items}}<i>{{.}}</i>{{/items}}"])
        let shapes = TemplateShapes(library: library, templateTexts: texts, enabled: true)
        for count in 0..<(TemplateShapes.maximumShapes + 20) {
            let context: [String: Any] = ["items": Array(repeating: "x", count: count)]
            #expect(shapes.render("page", context) == library.render(context, withTemplate: "page"))
        }
        #expect(shapes.counts("page").compiled == TemplateShapes.maximumShapes)
    }

    /// Values a marker cannot stand in for (here a Double) go through Mustache.
    @Test func unsupportedValuesFallBackToMustache() throws {
        let (library, texts) = try Self.library(["page": "<p>{{x}} {{title}}</p>"])
        let shapes = TemplateShapes(library: library, templateTexts: texts, enabled: true)
        let context: [String: Any] = ["x": 1.5, "title": "t"]
        #expect(shapes.render("page", context) == library.render(context, withTemplate: "page"))
        #expect(shapes.counts("page") == (0, 0))
    }

    /// A `<` with a combining mark is one `Character`, which swift-mustache does not escape; bytes are escaped here.
    /// The byte test stands for Mustache's `string.last == "\n"` (a character test).
    @Test func newlineEndingMatchesTheLastCharacter() {
        for text in ["", "\n", "a\n", "a", "\r\n", "a\r\n", "\r", "\n\u{301}", "第一行\n", "x\n\n", "\r\n\n", "\u{301}\n"] {
            #expect(ShapeProbe.endsInNewline(text) == (text.last == "\n"), "\(Array(text.unicodeScalars))")
        }
    }

    /// A remembered string table stands in the shape key as a short token: equal contents share one,
    /// different contents (or a different newline shape) get their own.
    @Test func rememberedTablesGetOneTokenPerContents() {
        let tables = StringTables()
        let big = Dictionary(uniqueKeysWithValues: (0..<10).map { ("key\($0)", "值\($0)") })
        var same = big
        same["key0"] = "值0"  // a new storage with the same contents
        var other = big
        other["key9"] = "值9\n"
        let first = tables.shape(of: big), again = tables.shape(of: big), copy = tables.shape(of: same), changed = tables.shape(of: other)
        #expect(first.fragment == again.fragment && first.fragment == copy.fragment)
        #expect(first.fragment != changed.fragment)
        #expect(first.fragment.utf8.count < 8)
        #expect(first.leaves == big.keys.sorted(by: ShapeProbe.precedes).map { big[$0]! })
        let small = tables.shape(of: ["b": "x\n", "a": ""])
        #expect(small.fragment == "{a:eb:n}" && small.leaves == ["", "x\n"])
    }

    @Test func escapingByByteCatchesCombiningMarks() {
        var out = ""
        MustacheEscaping.append("<\u{0338}script>", to: &out)
        #expect(out == "&lt;\u{0338}script&gt;")
    }

    @Test func escapingMatchesMustache() throws {
        let (library, _) = try Self.library(["e": "{{v}}"])
        for value in ["", "plain", "<>&\"'", "中文&amp;", "a\r\nb", "x<y>z'"] {
            var out = ""
            MustacheEscaping.append(value, to: &out)
            #expect(out == library.render(["v": value], withTemplate: "e"), "\(value)")
        }
    }
}

/// `parallelMap` must not leave results behind: pages, trees and HTML would otherwise live until exit.
struct ParallelTests {
    final class Tracked: Sendable {
        static let alive = Mutex(0)
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive.withLock { $0 += 1 }
        }
        deinit { Self.alive.withLock { $0 -= 1 } }
    }

    @Test func resultsAndInputsAreReleased() {
        do {
            let mapped = Array(0..<1000).parallelMap { Tracked($0) }
            #expect(mapped.map(\.value) == Array(0..<1000))
            let consumed = mapped.parallelMapConsuming { Tracked($0.value * 2) }
            #expect(consumed.last?.value == 1998)
        }
        #expect(Tracked.alive.withLock { $0 } == 0)
    }
}
