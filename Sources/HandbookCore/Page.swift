import CmarkBridge
import Foundation

/// One Markdown page as it moves through the pipeline.
public struct Page: Sendable {
    /// Path relative to the content folder, with `/`, e.g. `05-complaints.md`.
    public var sourcePath: String
    /// Path shown in diagnostics, relative to the project root, e.g. `content/05-complaints.md`.
    public var displayPath: String
    public var source: SourceText
    public var frontMatter: FrontMatter
    public var body: String
    public var tree: MarkdownTree?
    public var headings: [Heading] = []
    public var anchors: AnchorSet = []
    /// The words after what looks like a fence opener (` ```quiz `) anywhere in the file: a guess at the
    /// page's block languages, made at load while the bytes are at hand. Only used as a guess (see `Builder`).
    public var fenceWords: [String] = []
    /// Set when load let go of `source` and `body` to save memory; the build reads the file again.
    public var sourceDropped = false

    public struct Heading: Sendable, Equatable {
        public var level: Int
        public var id: String
        public var text: String
    }

    /// Output path relative to the site root: `05-complaints.html`.
    public var outputPath: String {
        String(sourcePath.dropLast(3)) + ".html"
    }

    /// Relative prefix from this page to the site root: "" or "../" per folder level.
    public var rootPrefix: String {
        String(repeating: "../", count: LinkResolver.folderDepth(sourcePath))
    }

    public var title: String { frontMatter.title }

    /// This page, leaving this variable without its tree, so that the page returned holds the only reference
    /// to it: a pass that changes the tree then does so in place, where a second owner would make every
    /// array it changes a copy (the whole tree, level by level).
    mutating func handedOver() -> Page {
        let page = self
        tree = nil
        return page
    }

    /// Lets go of the text (kept: front matter and paths); the build reads the file again when it needs it.
    mutating func dropSource() {
        body = ""
        source = SourceText(path: displayPath, bytes: [])
        sourceDropped = true
    }
}
