import Foundation
import Mustache
import Yams

/// Templates, UI strings and asset files of a theme folder.
public struct Theme: Sendable {
    public let directory: URL
    public let library: MustacheLibrary
    public let strings: [String: String]
    /// Asset files relative to `assets/`.
    public let assetFiles: [String]
    /// Renders through Mustache once per context shape, then by splicing (see `TemplateShapes`).
    let shapes: TemplateShapes

    init(directory: URL, library: MustacheLibrary, strings: [String: String], assetFiles: [String], templateTexts: [String] = []) {
        self.directory = directory
        self.library = library
        self.strings = strings
        self.assetFiles = assetFiles
        self.shapes = TemplateShapes(library: library, templateTexts: templateTexts)
    }

    static let requiredTemplates = ["page", "home", "404", "search"]

    /// Loads every `*.mustache` under the theme folder (partials by their relative name, e.g. `partials/head`)
    /// and the locale file for `language`.
    public static func load(from directory: URL, language: String, displayRoot: URL) throws(BuildFailure) -> Theme {
        let fm = FileManager.default
        let display = { (url: URL) in ProjectFiles.displayPath(url, root: displayRoot) }
        var problems: [Diagnostic] = []
        var library = MustacheLibrary()
        var texts: [String] = []
        let templateFiles = ProjectFiles.files(under: directory, withExtension: "mustache").filter { !$0.hasPrefix("assets/") }
        for relative in templateFiles {
            let url = directory.appendingPathComponent(relative)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                problems.append(Diagnostic(stage: .load, file: display(url), message: "cannot read template"))
                continue
            }
            texts.append(text)
            do {
                try library.register(text, named: String(relative.dropLast(".mustache".count)))
            } catch {
                var line = 1, column = 1
                if let parserError = error as? MustacheTemplate.ParserError {
                    line = parserError.context.lineNumber
                    column = parserError.context.columnNumber
                }
                problems.append(Diagnostic(stage: .load, file: display(url), line: line, column: column,
                                           message: "template syntax error: \(error)", hint: "check that every {{#section}} has a matching {{/section}}"))
            }
        }
        for name in requiredTemplates where library.getTemplate(named: name) == nil {
            problems.append(Diagnostic(stage: .load, file: display(directory.appendingPathComponent("\(name).mustache")),
                                       message: "the theme has no `\(name).mustache` template",
                                       hint: "every theme needs page, home, 404 and search templates"))
        }
        let localeURL = directory.appendingPathComponent("locales/\(language).yml")
        var strings: [String: String] = [:]
        if let text = try? String(contentsOf: localeURL, encoding: .utf8) {
            do {
                guard let node = try YAMLParsing.compose(text, file: display(localeURL), stage: .load), case .mapping = node else {
                    throw BuildFailure([Diagnostic(stage: .load, file: display(localeURL), message: "the locale file has no strings",
                                                   hint: "write one `key: text` line per UI string, as in theme/locales/zh-CN.yml")])
                }
                for (key, keyNode, value) in YAMLMapping(node: node).pairs {
                    if let s = value.string, value.isScalar { strings[key] = s } else {
                        let pos = keyNode.position()
                        problems.append(Diagnostic(stage: .load, file: display(localeURL), line: pos.line, column: pos.column,
                                                   message: "locale string `\(key)` must be text"))
                    }
                }
            } catch let failure as BuildFailure {
                problems += failure.diagnostics
            } catch {
                problems.append(Diagnostic(stage: .load, file: display(localeURL), message: "\(error)"))
            }
        } else {
            problems.append(Diagnostic(stage: .load, file: display(localeURL), message: "the theme has no locale file for `\(language)`",
                                       hint: "add theme/locales/\(language).yml with the UI strings"))
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        let assetsDir = directory.appendingPathComponent("assets")
        let assets = fm.fileExists(atPath: assetsDir.path) ? ProjectFiles.files(under: assetsDir) : []
        return Theme(directory: directory, library: library, strings: strings, assetFiles: assets, templateTexts: texts)
    }

    func render(_ template: String, _ context: TypedContext) -> String {
        shapes.render(template, context)
    }

    func renderUTF8(_ template: String, _ context: TypedContext) -> [UInt8] {
        shapes.renderUTF8(template, context)
    }
}

enum ProjectFiles {
    /// Regular files below `directory`, as sorted `/`-separated relative paths, skipping dot files and folders.
    /// A plain `readdir` walk: Foundation's enumerator with resource values took over 100 ms for 5,000 pages.
    static func files(under directory: URL, withExtension ext: String? = nil) -> [String] {
        var result: [String] = []
        func walk(_ folder: String, _ relative: String) {
            guard let dir = opendir(folder) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
                if name.hasPrefix(".") { continue }
                let full = folder + "/" + name, path = relative.isEmpty ? name : relative + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                    var info = stat()
                    guard stat(full, &info) == 0 else { continue }
                    type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (info.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
                }
                if type == UInt8(DT_DIR) {
                    walk(full, path)
                } else if type == UInt8(DT_REG), ext == nil || (name as NSString).pathExtension == ext {
                    result.append(path)
                }
            }
        }
        walk(directory.standardizedFileURL.path, "")
        return result.sorted()
    }

    static func displayPath(_ url: URL, root: URL) -> String {
        let path = url.standardizedFileURL.path, base = root.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }
}
