import CmarkBridge
import Testing

@Suite struct MarkdownTreeTests {
    /// The tree as nested text: kind, then children in parentheses (reached through the links, as walks do).
    static func outline(_ tree: MarkdownTree, _ index: Int = MarkdownTree.root) -> String {
        let children = tree.children(of: index).map { outline(tree, $0) }
        let node = tree[index]
        var label = "\(node.kind)"
        if node.kind == .text || node.kind == .code { label += "'" + tree.string(node.first) + "'" }
        if node.kind == .link { label += "<" + tree.string(node.first) + "|" + tree.string(node.second) + ">" }
        return children.isEmpty ? label : label + "(" + children.joined(separator: " ") + ")"
    }

    @Test func nodesAreInDocumentOrderWithTheirStrings() {
        let tree = CmarkParser.parse("# 标题 *强调*\n\n段落[链接](a.md \"题\")与`代码`。\n\n- 一\n- 二\n")
        #expect(Self.outline(tree) == "document(heading(text'标题 ' emphasis(text'强调')) "
            + "paragraph(text'段落' link<a.md|题>(text'链接') text'与' code'代码' text'。') list(item(paragraph(text'一')) item(paragraph(text'二'))))")
        // Document order: every node comes after its parent and before its next sibling.
        for index in tree.nodes.indices {
            for child in tree.children(of: index) { #expect(child > index) }
            if tree[index].nextSibling >= 0 { #expect(Int(tree[index].nextSibling) > index) }
        }
        let list = tree.children(of: MarkdownTree.root).map { tree[$0] }.last!
        #expect(list.kind == .list && !list.isOrdered && list.isTight)
        #expect(tree[Array(tree.children(of: MarkdownTree.root)).first!].level == 1)
    }

    @Test func positionsAreCmarksOrInheritedFromTheBlock() {
        let tree = CmarkParser.parse("第一段\n\n> 引用 **粗体**\n")
        let quote = Array(tree.children(of: MarkdownTree.root))[1]
        #expect(tree[quote].start == SourcePosition(line: 3, column: 1))
        let paragraph = Array(tree.children(of: quote)).first!
        let strong = Array(tree.children(of: paragraph))[1]
        #expect(tree[strong].kind == .strong)
        // Columns in bytes, as cmark counts: "> " and "引用 " (2 + 7 bytes) come before the `**`.
        #expect(tree[strong].start == SourcePosition(line: 3, column: 10))
        #expect(tree[strong].end == SourcePosition(line: 3, column: 19))
        // Nodes cmark leaves without a position (line 0) take their parent's start: none is left at 0.
        for node in tree.nodes {
            #expect(node.start.line >= 1 && node.end >= node.start)
        }
    }

    @Test func storedStringsAnchorsAndRemovedChildren() {
        var tree = CmarkParser.parse("## 条款 {#k1}\n")
        let heading = Array(tree.children(of: MarkdownTree.root)).first!
        #expect(tree.plainText(of: heading) == "条款 {#k1}")
        #expect(tree.anchor(of: heading) == nil)
        tree.setAnchor("第1条", of: heading)
        let last = tree.lastChild(of: heading)!
        tree[last].first = tree.store("新文字")
        #expect(tree.anchor(of: heading) == "第1条")
        #expect(tree.plainText(of: heading) == "新文字")
        tree.removeLastChild(of: heading)
        #expect(tree.lastChild(of: heading) == nil)
        #expect(HTMLRenderer().render(tree) == "<h2 id=\"第1条\"></h2>\n")
    }

    @Test func removingTheLastOfSeveralChildrenKeepsTheOthers() {
        var tree = CmarkParser.parse("甲*乙*丙\n")
        let paragraph = Array(tree.children(of: MarkdownTree.root)).first!
        tree.removeLastChild(of: paragraph)
        #expect(Self.outline(tree) == "document(paragraph(text'甲' emphasis(text'乙')))")
        #expect(HTMLRenderer().render(tree) == "<p>甲<em>乙</em></p>\n")
    }

    @Test func nestingPastTheLimitIsReportedWhereItStarts() {
        let deep = String(repeating: "> ", count: CmarkParser.maximumDepth + 5) + "深\n"
        guard case .failure(let error) = CmarkParser.parseChecked("正常\n\n" + deep) else {
            Issue.record("expected the nesting to be refused")
            return
        }
        #expect(error.position.line == 3)
        #expect((try? CmarkParser.parseChecked("> 浅\n").get()) != nil)
    }

    @Test func emptyDocumentIsJustTheRoot() {
        let tree = CmarkParser.parse("")
        #expect(tree.nodes.count == 1 && tree[MarkdownTree.root].kind == .document)
        #expect(HTMLRenderer().render(tree) == "")
    }

    @Test func dangerousURLsByBytesAsCmarkScansThem() {
        for url in ["javascript:alert(1)", "JaVaScRiPt:x", "VBSCRIPT:x", "File:///etc/passwd", "data:text/html,x", "DATA:image/svg+xml,x"] {
            #expect(HTMLEscaping.isDangerousURL(url), "\(url)")
        }
        for url in ["https://example.com", "data:image/png;base64,x", "DATA:IMAGE/JPEG,x", "data:image/webp,x", "java", "", "页面.md",
                    "ｊａｖａｓｃｒｉｐｔ:x", " javascript:x"] {
            #expect(!HTMLEscaping.isDangerousURL(url), "\(url)")
        }
        #expect(HTMLRenderer().render(CmarkParser.parse("[x](JAVASCRIPT:alert)")) == "<p><a href=\"\">x</a></p>\n")
    }
}
