// HandbookSearch: builds the client-side search index for the handbook and ranks queries the same
// way theme/assets/search.js does. No dependencies, no C, no I/O: the generator writes the files.

/// One searchable heading section of a page.
public struct SearchSection: Sendable, Hashable {
    /// Title of the page the section belongs to.
    public var pageTitle: String
    /// The section's own heading (may equal the page title for a page's lead section).
    public var heading: String
    /// Human breadcrumb, e.g. "第五章 客户投诉 » 第31条 受理".
    public var breadcrumb: String
    /// Relative to the site root: "page.html#anchor".
    public var url: String
    /// Plain text of the section (checklist labels and quiz prompts included by the generator).
    public var text: String

    public init(pageTitle: String, heading: String, breadcrumb: String, url: String, text: String) {
        self.pageTitle = pageTitle
        self.heading = heading
        self.breadcrumb = breadcrumb
        self.url = url
        self.text = text
    }
}

/// The files to write, paths relative to the site root.
public struct SearchIndexOutput: Sendable {
    public var files: [(path: String, contents: String)]

    public init(files: [(path: String, contents: String)]) {
        self.files = files
    }
}

public enum SearchIndexBuilder {
    /// Default number of sections above which the index is split into lazily loaded shards.
    public static let defaultShardThreshold = 1000
    /// Default number of Unicode scalars of section text kept for snippets and phrase checks.
    public static let defaultMaxTextLength = 600

    /// Builds `assets/search-index.js` and, for large handbooks (more than `shardThreshold` sections),
    /// `assets/search/shard-N.js` (postings by token hash) and `assets/search/docs-N.js` (section data).
    public static func build(
        _ sections: [SearchSection],
        shardThreshold: Int = defaultShardThreshold,
        maxTextLength: Int = defaultMaxTextLength
    ) -> SearchIndexOutput {
        let index = SearchIndex(sections, maxTextLength: maxTextLength)
        return IndexEmitter.emit(index, sharded: sections.count > shardThreshold)
    }

    /// The same files, each handed to `write` (from any thread) as soon as it is made and then dropped, so
    /// they are never all in memory at once. Returns the paths in `build`'s order.
    public static func build(
        _ sections: [SearchSection],
        shardThreshold: Int = defaultShardThreshold,
        maxTextLength: Int = defaultMaxTextLength,
        write: @Sendable (_ path: String, _ contents: String) -> Void
    ) -> [String] {
        let index = SearchIndex(sections, maxTextLength: maxTextLength)
        return withoutActuallyEscaping(write) { write in
            IndexEmitter.emit(index, sharded: sections.count > shardThreshold, write: write).files.map(\.path)
        }
    }
}
