import CmarkBridge
import Foundation

/// `handbook render`: one Markdown document to body HTML, with the project's heading ids and block
/// transforms, like the `cmark` command. Front matter, if present, is read and left out of the output.
public enum DocumentRenderer {
    public static func render(_ markdown: String, file: String, trusted: Bool,
                              transformers: [any BlockTransformer] = []) throws(BuildFailure) -> String {
        let normalized = markdown.replacingOccurrences(of: "\r\n", with: "\n")
        let (yaml, body, _) = FrontMatter.split(normalized)
        let matter = yaml == nil ? FrontMatter(title: file) : try FrontMatter.parse(yaml, file: file)
        var page = Page(sourcePath: "document.md", displayPath: file, source: SourceText(path: file, text: normalized),
                        frontMatter: matter, body: body)
        switch CmarkParser.parseChecked(body) {
        case .success(let tree): page.tree = tree
        case .failure(let tooDeep): throw BuildFailure([Builder.nestingDiagnostic(tooDeep, page: page)])
        }
        var config = SiteConfig(title: matter.title)
        config.allowRawHTML = trusted
        var transformer = Transformer(document: page, config: config, transformers: transformers)
        let result = try transformer.run()
        guard let tree = result.pages.first?.tree else { return "" }
        return HTMLRenderer(allowRawHTML: trusted).render(tree)
    }
}

extension FrontMatter {
    init(title: String) {
        self.title = title
    }
}
