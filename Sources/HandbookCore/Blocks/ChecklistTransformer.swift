import CmarkBridge
import Foundation
import HandbookForms

/// ```` ```checklist ```` blocks: a policy form. The page gets a static, printable description of the form
/// that the page's checklist.js turns into the interactive form; the build also writes the definitions
/// for the page (`assets/forms-data.js`), for `handbook-check` (`forms/definitions.json`) and a JSON
/// Schema per form (`forms/<id>.schema.json`).
public struct ChecklistTransformer: BlockTransformer {
    public let language = "checklist"
    public let scripts = ["assets/forms-data.js", "assets/checklist.js"]
    public let styles = ["assets/forms.css"]

    /// JSON Schemas by definition hash: `handbook serve` finishes the blocks again after every edit of a page
    /// with a block, and encoding every form's schema again was most of that rebuild.
    private let schemas = TextMemo()

    public init() {}

    /// Equal when every field is (definition, canonical JSON, page, position): `handbook
    /// serve` then knows an edit left the blocks alone.
    public struct Artifact: Sendable, Equatable {
        public var definition: ChecklistDefinition
        public var hash: String
        /// The canonical JSON the hash is taken of, which is also what the data files embed.
        public var definitionJSON: String
        public var pagePath: String
        public var displayPath: String
        public var line: Int

        /// The page holding the form, relative to the site root.
        public var page: String { String(pagePath.dropLast(3)) + ".html" }
    }

    public func transform(_ block: FencedBlock, config: SiteConfig) throws(BuildFailure) -> TransformedBlock {
        let (definition, tree) = try DefinitionYAML.decode(ChecklistDefinition.self, from: block)
        let issues = definition.validate()
        if !issues.isEmpty {
            throw BuildFailure(issues.map { DefinitionYAML.diagnostic($0, in: tree) })
        }
        let json: Data
        do { json = try Canonical.json(definition) } catch {
            throw BuildFailure([Diagnostic(stage: .transform, file: block.displayPath, line: block.contentLine, message: "cannot encode the checklist: \(error)")])
        }
        let artifact = Artifact(definition: definition, hash: SHA256Digest.hex(json), definitionJSON: String(decoding: json, as: UTF8.self),
                                pagePath: block.pagePath, displayPath: block.displayPath, line: block.contentLine - 1)
        let root = String(repeating: "../", count: LinkResolver.folderDepth(block.pagePath))
        return TransformedBlock(html: Self.staticHTML(definition, root: root), searchText: Self.searchText(definition),
                                references: DefinitionYAML.references(definition.citeReferences(), in: tree),
                                artifact: artifact, anchors: ["checklist-\(definition.id)"])
    }

    public func finish(artifacts: [any Sendable], resolvedCites: [String: String], config: SiteConfig) throws(BuildFailure) -> [String: String] {
        let forms = artifacts.compactMap { $0 as? Artifact }
        let problems = duplicateIDDiagnostics(forms.map { ($0.definition.id, $0.displayPath, $0.line) }, kind: "checklist")
        if !problems.isEmpty { throw BuildFailure(problems) }

        let calendar = CalendarData.json(config: config)
        // JSON encoding is the costly part: each form on its own core.
        let encoded = forms.parallelMap { form -> (entry: String, schemaPath: String, schema: String) in
            let id = form.definition.id
            let cites = ReferenceKey.urls(for: form.definition.citeReferences(), page: form.pagePath, resolved: resolvedCites)
            let entry = "\(DefinitionYAML.json(id)):{\"definition\":\(form.definitionJSON),\"hash\":\(DefinitionYAML.json(form.hash)),"
                + "\"page\":\(DefinitionYAML.json(form.page)),\"cites\":\(DefinitionYAML.json(cites)),\"schema\":\(DefinitionYAML.json("forms/\(id).schema.json"))}"
            let schema = schemas.text(for: form.hash) { DefinitionYAML.json(form.definition.submissionSchema(hash: form.hash)) }
            return (entry, "forms/\(id).schema.json", schema)
        }
        let entries = encoded.map(\.entry)
        var files: [String: String] = [:]
        for form in encoded { files[form.schemaPath] = form.schema }
        let formsObject = "{" + entries.joined(separator: ",") + "}"
        files["assets/forms-data.js"] = """
            window.HANDBOOK = window.HANDBOOK || {};
            HANDBOOK.handbookVersion = \(DefinitionYAML.json(config.version));
            HANDBOOK.calendar = \(calendar);
            HANDBOOK.forms = \(formsObject);

            """
        files["forms/definitions.json"] = "{\"handbookVersion\":\(DefinitionYAML.json(config.version)),\"calendar\":\(calendar),\"forms\":\(formsObject)}\n"
        return files
    }

    static func searchText(_ definition: ChecklistDefinition) -> String {
        var parts = [definition.title, definition.description ?? ""]
        func add(_ fields: [Field]) {
            for field in fields {
                parts.append(field.label)
                if let help = field.help { parts.append(help) }
                if let options = field.options { parts += options }
                if let children = field.fields { add(children) }
            }
        }
        add(definition.fields)
        parts += (definition.rules ?? []).compactMap(\.message)
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static let typeNames: [FieldType: String] = [
        .check: "勾选", .yesno: "是/否", .yesnona: "是/否/不适用", .text: "文本", .textarea: "多行文本", .number: "数字",
        .date: "日期", .datetime: "日期时间", .choice: "单选", .multichoice: "多选", .rating: "评分", .phone: "电话",
        .email: "电子邮箱", .signature: "签名", .group: "分组",
    ]

    /// The form as a printable list; every value is escaped.
    static func staticHTML(_ definition: ChecklistDefinition, root: String = "") -> String {
        let e: (String) -> String = HTMLEscaping.escapeHTML
        let id = e(definition.id)
        var html = "<section class=\"checklist\" id=\"checklist-\(id)\" data-checklist=\"\(id)\" aria-labelledby=\"checklist-\(id)-title\">\n"
        html += "<h3 id=\"checklist-\(id)-title\">\(e(definition.title))</h3>\n<div class=\"checklist-static\">\n"
        var meta = "表单编号 <code>\(id)</code> · 第 \(definition.version) 版"
        if let cite = definition.cite { meta += " · 依据 <a href=\"\(DefinitionYAML.citeHref(cite))\">\(e(cite.split(separator: "#").last.map(String.init) ?? cite))</a>" }
        html += "<p class=\"checklist-meta\">\(meta)</p>\n"
        if let description = definition.description { html += "<p>\(e(description))</p>\n" }
        html += fieldList(definition.fields)
        if let rules = definition.rules, !rules.isEmpty {
            html += "<p class=\"checklist-rules-title\">核对规则</p>\n<ul class=\"checklist-rules\">\n"
            for rule in rules { html += "<li>\(e(rule.message ?? rule.id))</li>\n" }
            html += "</ul>\n"
        }
        // Outside the part checklist.js replaces: the published submission format stays linked.
        let schema = HTMLEscaping.escapeHref(root + "forms/\(definition.id).schema.json")
        return html + "</div>\n<p class=\"checklist-schema\">提交文件格式：<a href=\"\(schema)\" type=\"application/schema+json\">\(id).schema.json</a>（JSON Schema）</p>\n</section>"
    }

    private static func fieldList(_ fields: [Field]) -> String {
        let e: (String) -> String = HTMLEscaping.escapeHTML
        var html = "<ol class=\"checklist-fields-static\">\n"
        for field in fields {
            html += "<li><span class=\"cl-static-label\">\(e(field.label))</span>"
            html += " <span class=\"cl-static-type\">（\(typeNames[field.type] ?? field.type.rawValue)\(field.isRequired ? "，必填" : "")）</span>"
            if let options = field.options { html += " <span class=\"cl-static-options\">\(e(options.joined(separator: " / ")))</span>" }
            if let help = field.help { html += "<br><span class=\"cl-static-help\">\(e(help))</span>" }
            if let children = field.fields { html += fieldList(children) }
            html += "</li>\n"
        }
        return html + "</ol>\n"
    }
}

/// The working-day calendar shipped with the site: official holidays and adjusted working days, with the
/// company's extra days off folded into the holidays.
enum CalendarData {
    static func json(config: SiteConfig) -> String {
        DefinitionYAML.json(Dictionary(uniqueKeysWithValues: years(config: config).map { (String($0.key), $0.value) }))
    }

    static func years(config: SiteConfig) -> [Int: CalendarYear] {
        var years = WorkingCalendar.officialData
        for day in config.companyDaysOff {
            guard let year = Int(day.prefix(4)), years[year] != nil else { continue }
            if !years[year]!.holidays.contains(day) { years[year]!.holidays.append(day) }
            years[year]!.holidays.sort()
        }
        return years
    }
}
