import Foundation
import HandbookForms

/// A fenced code block handed to a transformer, e.g. ```` ```checklist ````.
public struct FencedBlock: Sendable {
    public var info: String
    public var literal: String
    /// The page's source path relative to the content folder, and its path for diagnostics.
    public var pagePath: String
    public var displayPath: String
    /// Line and column of the block's first content line (the line after the opening fence).
    public var contentLine: Int
    public var contentColumn: Int
}

/// A `cite` or other page reference made inside a block, checked once every page's anchors are known.
public struct BlockReference: Sendable {
    public var target: String
    public var pagePath: String
    public var displayPath: String
    public var line: Int
    public var column: Int
}

/// What a transformer gives back for one block.
public struct TransformedBlock: Sendable {
    /// Generated HTML put where the block was; everything in it must already be escaped.
    public var html: String
    /// Plain text added to the search index for the block's section.
    public var searchText: String
    public var references: [BlockReference]
    /// The block's parsed definition, handed back to `finish` with all the others.
    public var artifact: any Sendable
    /// Element ids inside `html` that links may target (`page.md#checklist-x`).
    public var anchors: [String]

    public init(html: String, searchText: String, references: [BlockReference], artifact: any Sendable, anchors: [String] = []) {
        self.html = html
        self.anchors = anchors
        self.searchText = searchText
        self.references = references
        self.artifact = artifact
    }
}

/// Turns one kind of fenced block into HTML (the shape of an Ink modifier: a target plus a transform).
public protocol BlockTransformer: Sendable {
    /// The first word of the info string this transformer handles.
    var language: String { get }
    func transform(_ block: FencedBlock, config: SiteConfig) throws(BuildFailure) -> TransformedBlock
    /// Called once after all pages with every artifact (in page order) and the cite targets resolved to
    /// site-relative URLs (keyed by `page.md#anchor` as written, made relative to the content root);
    /// checks what needs the whole handbook and returns data files to emit, keyed by site-relative path.
    func finish(artifacts: [any Sendable], resolvedCites: [String: String], config: SiteConfig) throws(BuildFailure) -> [String: String]
    /// Scripts and stylesheets a page using this block needs, relative to the site root.
    var scripts: [String] { get }
    var styles: [String] { get }
    /// Pages the blocks add to the site (e.g. quiz pages), rendered with the page template outside the
    /// navigation. `pageTitles` maps page source paths to titles.
    func extraPages(artifacts: [any Sendable], pageTitles: [String: String], config: SiteConfig) -> [GeneratedPage]
}

extension BlockTransformer {
    public func extraPages(artifacts: [any Sendable], pageTitles: [String: String], config: SiteConfig) -> [GeneratedPage] { [] }
}

/// A page made by a transformer rather than written in content/.
public struct GeneratedPage: Sendable, Equatable {
    /// Output path relative to the site root, e.g. `quizzes/index.html`.
    public var path: String
    public var title: String
    public var summary: String?
    /// Body HTML, already escaped.
    public var html: String
    public var language: String

    public init(path: String, title: String, summary: String? = nil, html: String, language: String) {
        self.path = path
        self.title = title
        self.summary = summary
        self.html = html
        self.language = language
    }
}

/// The key of a resolved reference: the page it was written on plus the target as written.
public enum ReferenceKey {
    public static func make(page: String, target: String) -> String { page + "\u{1F}" + target }

    /// Each cite of a definition written on `page` → its site-relative URL, from the transform stage's
    /// resolved references.
    public static func urls(for cites: [CiteReference], page: String, resolved: [String: String]) -> [String: String] {
        var urls: [String: String] = [:]
        for cite in cites { urls[cite.cite] = resolved[make(page: page, target: cite.cite)] }
        return urls
    }
}

/// Diagnostics for block ids used more than once across the handbook, at every later use.
func duplicateIDDiagnostics(_ blocks: [(id: String, file: String, line: Int)], kind: String) -> [Diagnostic] {
    var first: [String: (file: String, line: Int)] = [:]
    var problems: [Diagnostic] = []
    for block in blocks {
        if let earlier = first[block.id] {
            problems.append(Diagnostic(stage: .transform, file: block.file, line: block.line,
                                       message: "\(kind) id `\(block.id)` is already used in \(earlier.file):\(earlier.line)",
                                       hint: "\(kind) ids must be unique across the handbook"))
        } else {
            first[block.id] = (block.file, block.line)
        }
    }
    return problems
}
