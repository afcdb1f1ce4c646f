import HandbookSearch

/// The index stage's default: one search entry per heading section, breadcrumb "页 » 节".
public enum SearchIndexing {
    public static func files(for sections: [IndexedSection]) -> [String: String] {
        var files: [String: String] = [:]
        for file in SearchIndexBuilder.build(entries(for: sections)).files { files[file.path] = file.contents }
        return files
    }

    /// Builds the index and hands each file to `write` as it is made (see `SearchIndexBuilder.build(_:write:)`);
    /// returns every file's path.
    public static func write(for sections: [IndexedSection], to write: @Sendable (String, String) -> Void) -> [String] {
        SearchIndexBuilder.build(entries(for: sections), write: write)
    }

    public static func entries(for sections: [IndexedSection]) -> [SearchSection] {
        sections.parallelMap(entry)
    }

    @Sendable public static func entry(_ section: IndexedSection) -> SearchSection {
        SearchSection(pageTitle: section.pageTitle, heading: section.heading,
                      breadcrumb: section.anchor.isEmpty ? section.pageTitle : "\(section.pageTitle) » \(section.heading)",
                      url: section.anchor.isEmpty ? section.pageOutputPath : "\(section.pageOutputPath)#\(section.anchor)",
                      text: section.text)
    }
}
