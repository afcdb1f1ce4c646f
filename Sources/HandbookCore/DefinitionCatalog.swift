import Foundation
import HandbookForms

/// The checklist and quiz definitions `handbook-check` validates against: read from `content/` through the
/// same load, parse and transform stages as the build, or from the `forms/definitions.json` a build wrote.
public struct DefinitionCatalog: Sendable {
    public struct Form: Sendable {
        public var definition: ChecklistDefinition
        public var hash: String
        /// The page holding the form, relative to the site root.
        public var page: String
        /// Cite as written → URL relative to the site root.
        public var cites: [String: String]
    }

    public struct Quiz: Sendable {
        /// The full definition with the answer key.
        public var definition: QuizDefinition
        /// Hashes a submission may carry: the self-check definition's and the exam edition's.
        public var acceptedHashes: Set<String>
        public var page: String
        public var cites: [String: String]
    }

    public var handbookVersion: String
    public var baseURL: String
    public var calendar: WorkingCalendar
    public var forms: [String: Form]
    public var quizzes: [String: Quiz]

    /// Runs load → parse → transform on a project and collects its definitions.
    public static func fromContent(root: URL, configFile: String = "handbook.yml") throws(BuildFailure) -> DefinitionCatalog {
        var options = BuildOptions(root: root, transformers: [ChecklistTransformer(), QuizTransformer()])
        options.configFile = configFile
        var site = try SiteLoader.load(options, withTheme: false)
        try Builder.parse(&site)
        var transformer = Transformer(site: site, transformers: options.transformers)
        let transformed = try transformer.run()
        var catalog = DefinitionCatalog(handbookVersion: site.config.version, baseURL: site.config.baseURL,
                                        calendar: WorkingCalendar(years: CalendarData.years(config: site.config)), forms: [:], quizzes: [:])
        for case let form as ChecklistTransformer.Artifact in transformed.artifacts["checklist"] ?? [] {
            let cites = ReferenceKey.urls(for: form.definition.citeReferences(), page: form.pagePath, resolved: transformed.resolvedCites)
            catalog.forms[form.definition.id] = Form(definition: form.definition, hash: form.hash,
                                                     page: form.page, cites: cites)
        }
        for case let quiz as QuizTransformer.Artifact in transformed.artifacts["quiz"] ?? [] {
            let key = quiz.definition
            let hashes = Set([try? key.canonicalHash(), try? key.examEdition().canonicalHash()].compactMap { $0 })
            let cites = ReferenceKey.urls(for: key.citeReferences(), page: quiz.pagePath, resolved: transformed.resolvedCites)
            catalog.quizzes[key.id] = Quiz(definition: key, acceptedHashes: hashes, page: QuizPages.path(forPage: quiz.pagePath), cites: cites)
        }
        return catalog
    }

    /// Reads a `forms/definitions.json` written by `handbook build`.
    public static func fromDefinitionsFile(_ url: URL) throws(BuildFailure) -> DefinitionCatalog {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BuildFailure([Diagnostic(stage: .load, file: url.path, message: "cannot read the definitions file",
                                           hint: "run `handbook build` first; it writes site/forms/definitions.json")])
        }
        return try parseDefinitions(data, file: url.path)
    }

    private struct DefinitionsFile: Decodable {
        struct Entry: Decodable {
            var definition: ChecklistDefinition
            var hash: String
            var page: String
            var cites: [String: String]
        }
        var handbookVersion: String
        var calendar: JSONValue
        var forms: [String: Entry]
    }

    static func parseDefinitions(_ data: Data, file: String) throws(BuildFailure) -> DefinitionCatalog {
        let decoded: DefinitionsFile
        do {
            decoded = try JSONDecoder().decode(DefinitionsFile.self, from: data)
        } catch {
            throw BuildFailure([Diagnostic(stage: .load, file: file, message: "not a definitions file: \(error)",
                                           hint: "pass the forms/definitions.json that `handbook build` writes")])
        }
        guard let calendar = WorkingCalendar(json: decoded.calendar) else {
            throw BuildFailure([Diagnostic(stage: .load, file: file, message: "the definitions file has no valid calendar")])
        }
        let forms = decoded.forms.mapValues { Form(definition: $0.definition, hash: $0.hash, page: $0.page, cites: $0.cites) }
        return DefinitionCatalog(handbookVersion: decoded.handbookVersion, baseURL: "", calendar: calendar, forms: forms, quizzes: [:])
    }

    /// A cite as a link for reports: the base URL (if configured) plus the page path.
    public func link(forCite cite: String?, in form: Form) -> String? {
        guard let cite else { return nil }
        let url = form.cites[cite] ?? (cite.hasPrefix("#") ? form.page + cite : nil)
        return url.map { baseURL.isEmpty ? $0 : baseURL + ($0.hasPrefix("/") ? String($0.dropFirst()) : $0) }
    }
}
