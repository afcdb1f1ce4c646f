// Static validation of checklist and quiz definitions (after decoding).

/// One step of a coding path: a mapping key or a sequence index.
public enum PathComponent: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral
{
    case key(String)
    case index(Int)
    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
    public var description: String {
        switch self { case .key(let k): return k; case .index(let i): return String(i) }
    }

    /// Converts a Swift `CodingKey` path (e.g. from a `DecodingError`) to path components.
    public static func path(from keys: [any CodingKey]) -> [PathComponent] {
        keys.map { k in k.intValue.map(PathComponent.index) ?? .key(k.stringValue) }
    }

    /// Renders `["fields", 3, "requiredIf"]` as `fields[3].requiredIf`.
    public static func render(_ path: [PathComponent]) -> String {
        var s = ""
        for c in path {
            switch c {
            case .key(let k): s += s.isEmpty ? k : "." + k
            case .index(let i): s += "[\(i)]"
            }
        }
        return s
    }
}

/// A problem in a definition, located by its coding path inside the block's YAML.
public struct DefinitionIssue: Sendable, Equatable, CustomStringConvertible {
    public var codingPath: [PathComponent]
    /// Chinese message.
    public var message: String
    public var messageEN: String
    /// How to fix it (Chinese).
    public var hint: String

    public init(codingPath: [PathComponent], message: String, messageEN: String, hint: String) {
        self.codingPath = codingPath; self.message = message; self.messageEN = messageEN; self.hint = hint
    }

    /// Wraps a decoding error (unknown key, wrong type, missing key…) as an issue with its coding path.
    public init(decodingError error: any Error) {
        switch error as? DecodingError {
        case .keyNotFound(let key, let ctx)?:
            self.init(codingPath: PathComponent.path(from: ctx.codingPath + [key]),
                      message: "缺少必填键 \(key.stringValue)", messageEN: "missing key '\(key.stringValue)'",
                      hint: "添加 \(key.stringValue)")
        case .typeMismatch(let type, let ctx)?:
            self.init(codingPath: PathComponent.path(from: ctx.codingPath), message: "类型错误：应为 \(type)",
                      messageEN: "wrong type, expected \(type): \(ctx.debugDescription)", hint: "检查该值的写法")
        case .valueNotFound(let type, let ctx)?:
            self.init(codingPath: PathComponent.path(from: ctx.codingPath), message: "缺少值：应为 \(type)",
                      messageEN: "missing value, expected \(type)", hint: "填写该值")
        case .dataCorrupted(let ctx)?:
            self.init(codingPath: PathComponent.path(from: ctx.codingPath), message: "定义无效：\(ctx.debugDescription)",
                      messageEN: ctx.debugDescription, hint: "按 docs/blocks.md 的格式修改")
        default:
            self.init(codingPath: [], message: "无法解析定义：\(error)", messageEN: "cannot decode: \(error)",
                      hint: "按 docs/blocks.md 的格式修改")
        }
    }

    public var description: String { "\(PathComponent.render(codingPath)): \(messageEN)" }
}

/// A `cite` value found in a definition, with where it is.
public struct CiteReference: Sendable, Equatable {
    public var cite: String
    public var codingPath: [PathComponent]
}

func isValidID(_ s: String) -> Bool {
    var first = true
    for b in s.utf8 {
        let letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
        if first { guard letter else { return false }; first = false; continue }
        guard letter || (b >= 48 && b <= 57) || b == 95 || b == 45 else { return false }
    }
    return !first
}

private struct IssueList {
    var issues: [DefinitionIssue] = []
    mutating func add(_ path: [PathComponent], _ zh: String, _ en: String, _ hint: String) {
        issues.append(DefinitionIssue(codingPath: path, message: zh, messageEN: en, hint: hint))
    }
    mutating func checkID(_ id: String, _ path: [PathComponent]) {
        if !isValidID(id) {
            add(path, "id “\(id)” 不合法", "invalid id '\(id)'", "id 须为 ASCII：字母开头，只含字母、数字、_ 和 -")
        }
    }
    mutating func checkDuplicates(_ items: [String], _ path: (Int) -> [PathComponent], what: String, whatZH: String) {
        var seen: Set<String> = []
        for (i, s) in items.enumerated() where !seen.insert(s).inserted {
            add(path(i), "\(whatZH)“\(s)”重复", "duplicate \(what) '\(s)'", "每个\(whatZH)只能出现一次")
        }
    }
}


extension Condition {
    /// (field, operand, path of the operand) for equals / in / not.
    func operands() -> [(field: String, value: JSONValue, path: [PathComponent])] {
        switch self {
        case .equals(let f, let v): return [(f, v, [.key("equals")])]
        case .not(let f, let v): return [(f, v, [.key("not")])]
        case .isIn(let f, let vs): return vs.enumerated().map { (f, $1, [.key("in"), .index($0)]) }
        case .isSet: return []
        case .all(let l), .any(let l):
            let key: PathComponent = { if case .all = self { return "all" } else { return "any" } }()
            return l.enumerated().flatMap { i, c in c.operands().map { ($0.field, $0.value, [key, .index(i)] + $0.path) } }
        }
    }
}

/// Flags operands that can never match the field's value type — typically YAML reading an unquoted
/// `yes`/`no`/`on`/`off` as a boolean.
private func checkOperands(_ cond: Condition, path: [PathComponent], type: (String) -> FieldType?, into out: inout IssueList) {
    for op in cond.operands() {
        guard let t = type(op.field) else { continue }
        let stringTypes: Set<FieldType> = [.yesnona, .choice, .multichoice, .text, .textarea, .date, .datetime, .phone, .email]
        switch op.value {
        case .bool(let b) where stringTypes.contains(t):
            out.add(path + op.path, "条件值 \(b) 是布尔值，而字段“\(op.field)”的值是文字（YAML 会把不加引号的 yes/no/on/off 读成 true/false）",
                    "operand \(b) is a boolean but '\(op.field)' holds text (YAML reads unquoted yes/no/on/off as booleans)",
                    "给值加引号，如 equals: \"yes\"")
        case .string(let s) where t == .yesno || t == .check:
            out.add(path + op.path, "字段“\(op.field)”的值是 true/false，条件值“\(s)”永远不会相等", "'\(op.field)' holds true/false; operand '\(s)' never matches",
                    "改为 equals: true 或 equals: false")
        case .string where t == .number || t == .rating:
            out.add(path + op.path, "字段“\(op.field)”的值是数字，条件值是文字", "'\(op.field)' holds a number; the operand is text", "去掉引号")
        default: break
        }
    }
}

extension ChecklistDefinition {
    /// Every problem in this definition (cite targets are not checked: see `citeReferences()`).
    public func validate() -> [DefinitionIssue] {
        var out = IssueList()
        out.checkID(id, ["id"])
        if version < 1 { out.add(["version"], "version 须为正整数", "version must be a positive integer", "从 1 开始，字段变更时加一") }
        if fields.isEmpty { out.add(["fields"], "清单没有任何字段", "checklist has no fields", "至少添加一个字段") }
        let topIDs = Set(fields.map(\.id))
        validateFields(fields, path: ["fields"], parentIDs: nil, topIDs: topIDs, into: &out)
        if let rules {
            out.checkDuplicates(rules.map(\.id), { ["rules", .index($0), "id"] }, what: "rule id", whatZH: "规则 id ")
            for (i, r) in rules.enumerated() { validateRule(r, path: ["rules", .index(i)], into: &out) }
        }
        return out.issues
    }

    private func validateFields(_ list: [Field], path: [PathComponent], parentIDs: Set<String>?, topIDs: Set<String>,
                                into out: inout IssueList) {
        out.checkDuplicates(list.map(\.id), { path + [.index($0), "id"] }, what: "field id", whatZH: "字段 id ")
        let siblings = Set(list.map(\.id))
        for (i, f) in list.enumerated() {
            let p = path + [.index(i)]
            out.checkID(f.id, p + ["id"])
            if f.label.isEmpty { out.add(p + ["label"], "label 不能为空", "label must not be empty", "写出字段名称") }
            for (key, cond) in [("requiredIf", f.requiredIf), ("visibleIf", f.visibleIf)] {
                guard let cond else { continue }
                for ref in cond.fieldReferences() {
                    let known = siblings.contains(ref.field) || (parentIDs != nil && topIDs.contains(ref.field))
                    if !known {
                        out.add(p + [.key(key)] + ref.path, "条件引用了不存在的字段“\(ref.field)”",
                                "condition names unknown field '\(ref.field)'", "改为本层（或分组内的同行/顶层）已有字段的 id")
                    } else if ref.field == f.id {
                        out.add(p + [.key(key)] + ref.path, "字段的条件不能引用它自己", "a field's condition names the field itself",
                                "改为引用另一个字段")
                    }
                }
            }
            for (key, cond) in [("requiredIf", f.requiredIf), ("visibleIf", f.visibleIf)] {
                guard let cond else { continue }
                checkOperands(cond, path: p + [.key(key)], type: { id in
                    list.first(where: { $0.id == id })?.type ?? (parentIDs != nil ? self.field(id)?.type : nil)
                }, into: &out)
            }
            if f.isRequired, f.requiredIf != nil {
                out.add(p + ["requiredIf"], "同时写了 required: true 和 requiredIf", "both required: true and requiredIf",
                        "删去其中一个")
            }
            switch f.type {
            case .text, .textarea:
                if let m = f.maxLength, m < 1 { out.add(p + ["maxLength"], "maxLength 须大于 0", "maxLength must be > 0", "改为正整数") }
            case .number:
                if let lo = f.min, let hi = f.max, lo > hi {
                    out.add(p + ["min"], "min（\(JSONValue.format(lo))）大于 max（\(JSONValue.format(hi))）",
                            "min (\(JSONValue.format(lo))) is greater than max (\(JSONValue.format(hi)))", "交换或修正 min/max")
                }
                if f.integer == true, let lo = f.min, let hi = f.max, lo <= hi, lo.rounded(.up) > hi.rounded(.down) {
                    out.add(p + ["min"], "min…max 之间没有整数", "no integer between min and max", "修正 min/max")
                }
            case .choice, .multichoice:
                let opts = f.options ?? []
                if opts.isEmpty {
                    out.add(p + (f.options == nil ? [] : ["options"]), "选择题字段没有 options", "\(f.type.rawValue) field without options",
                            "添加 options: [选项1, 选项2]")
                }
                out.checkDuplicates(opts, { p + ["options", .index($0)] }, what: "option", whatZH: "选项")
                for (j, o) in opts.enumerated() where o.isEmpty {
                    out.add(p + ["options", .index(j)], "选项不能为空", "empty option", "删去空选项")
                }
                if f.type == .multichoice {
                    if let lo = f.minSelected, lo < 0 { out.add(p + ["minSelected"], "minSelected 不能为负", "minSelected < 0", "改为 0 或正整数") }
                    if let hi = f.maxSelected, hi < 1 { out.add(p + ["maxSelected"], "maxSelected 须至少为 1", "maxSelected < 1", "改为正整数") }
                    if let lo = f.minSelected, !opts.isEmpty, lo > opts.count {
                        out.add(p + ["minSelected"], "minSelected（\(lo)）大于选项数（\(opts.count)）",
                                "minSelected (\(lo)) exceeds the number of options (\(opts.count))", "减小 minSelected 或增加选项")
                    }
                    if let lo = f.minSelected, let hi = f.maxSelected, lo > hi {
                        out.add(p + ["minSelected"], "minSelected 大于 maxSelected", "minSelected > maxSelected", "修正 minSelected/maxSelected")
                    }
                }
            case .rating:
                if f.scale != nil, f.labels != nil {
                    out.add(p + ["labels"], "scale 与 labels 只能写一个", "both scale and labels", "删去 scale（labels 的个数即为分级数）")
                }
                if let s = f.scale, !(2...10).contains(s) {
                    out.add(p + ["scale"], "scale 须在 2 到 10 之间", "scale must be 2…10", "改为 2 到 10 的整数")
                }
                if let l = f.labels, !(2...10).contains(l.count) {
                    out.add(p + ["labels"], "labels 须有 2 到 10 项", "labels must have 2…10 entries", "调整 labels 的个数")
                }
            case .group:
                let children = f.fields ?? []
                if children.isEmpty {
                    out.add(p + (f.fields == nil ? [] : ["fields"]), "分组没有子字段", "group without fields", "添加 fields")
                }
                if let r = f.repeat {
                    if let lo = r.min, lo < 0 { out.add(p + ["repeat", "min"], "repeat.min 不能为负", "repeat.min < 0", "改为 0 或正整数") }
                    if let hi = r.max, hi < 1 { out.add(p + ["repeat", "max"], "repeat.max 须至少为 1", "repeat.max < 1", "改为正整数") }
                    if let lo = r.min, let hi = r.max, lo > hi {
                        out.add(p + ["repeat", "min"], "repeat.min（\(lo)）大于 repeat.max（\(hi)）",
                                "repeat min (\(lo)) is greater than max (\(hi))", "修正 repeat 的 min/max")
                    }
                }
                if parentIDs != nil {
                    out.add(p + ["type"], "分组不能嵌套", "groups cannot be nested", "把内层分组的字段移到外层分组")
                } else {
                    validateFields(children, path: p + ["fields"], parentIDs: siblings, topIDs: topIDs, into: &out)
                }
            default: break
            }
        }
    }

    private func validateRule(_ r: Rule, path p: [PathComponent], into out: inout IssueList) {
        out.checkID(r.id, p + ["id"])
        if (r.message ?? "").isEmpty { out.add(p + (r.message == nil ? [] : ["message"]), "规则缺少 message", "rule without message", "写出违反规则时显示的说明") }
        if (r.cite ?? "").isEmpty { out.add(p + (r.cite == nil ? [] : ["cite"]), "规则缺少 cite", "rule without cite", "写出规则依据的条款，如 05-complaints.md#第32条") }
        func need(_ key: String, _ v: Any?) -> Bool {
            if v == nil { out.add(p, "\(r.type.rawValue) 规则缺少 \(key)", "\(r.type.rawValue) rule without '\(key)'", "添加 \(key)") }
            return v != nil
        }
        func known(_ key: [PathComponent], _ id: String) -> Field? {
            if let f = field(id) { return f }
            out.add(p + key, "规则引用了不存在的字段“\(id)”", "rule names unknown field '\(id)'", "改为清单顶层已有字段的 id")
            return nil
        }
        let dateTypes: Set<FieldType> = [.date, .datetime]
        switch r.type {
        case .deadline:
            let hasFrom = need("from", r.from), hasTo = need("to", r.to), hasWithin = need("within", r.within)
            var types: [FieldType] = []
            for (key, id, ok) in [("from", r.from, hasFrom), ("to", r.to, hasTo)] where ok {
                if let f = known([.key(key)], id!) {
                    if !dateTypes.contains(f.type) {
                        out.add(p + [.key(key)], "期限规则的 \(key) 字段“\(f.id)”类型为 \(f.type.rawValue)，须为 date 或 datetime",
                                "deadline \(key) field '\(f.id)' is \(f.type.rawValue), must be date or datetime", "改用日期或日期时间字段")
                    } else { types.append(f.type) }
                }
            }
            if hasWithin, let w = r.within {
                if let n = w.count, n < 0 { out.add(p + ["within"], "期限不能为负", "negative deadline", "改为 0 或正整数") }
                if case .hours = w, types.count == 2, types.contains(.date) {
                    out.add(p + ["within"], "按小时计的期限要求 from 和 to 都是 datetime", "an hours deadline needs datetime from and to",
                            "改用 days/workingDays，或把字段改为 datetime")
                }
            }
            if hasFrom, hasTo, r.from == r.to { out.add(p + ["to"], "from 与 to 是同一字段", "from and to are the same field", "改为两个不同字段") }
        case .order:
            let hasFirst = need("first", r.first), hasThen = need("then", r.then)
            var types: [FieldType] = []
            for (key, id, ok) in [("first", r.first, hasFirst), ("then", r.then, hasThen)] where ok {
                if let f = known([.key(key)], id!) {
                    if !(dateTypes.contains(f.type) || f.type == .number) {
                        out.add(p + [.key(key)], "顺序规则的字段“\(f.id)”类型为 \(f.type.rawValue)，须为 date、datetime 或 number",
                                "order field '\(f.id)' is \(f.type.rawValue), must be date, datetime or number", "改用可比较的字段")
                    } else { types.append(f.type) }
                }
            }
            if types.count == 2, (types[0] == .number) != (types[1] == .number) {
                out.add(p + ["then"], "顺序规则不能比较数字与日期", "order rule compares a number with a date", "两个字段须同为数字或同为日期")
            }
        case .atLeastOne:
            if need("fields", r.fields), let fs = r.fields {
                if fs.count < 2 { out.add(p + ["fields"], "atLeastOne 至少要列两个字段", "atLeastOne needs at least two fields", "列出可相互替代的字段") }
                for (i, id) in fs.enumerated() { _ = known(["fields", .index(i)], id) }
                out.checkDuplicates(fs, { p + ["fields", .index($0)] }, what: "field", whatZH: "字段")
            }
        case .equalsWhen:
            if need("field", r.field), let id = r.field { _ = known(["field"], id) }
            _ = need("value", r.value)
            if r.when == nil { out.add(p, "equalsWhen 规则缺少 when", "equalsWhen rule without 'when'", "添加 when 条件") }
        }
        if let w = r.when {
            checkOperands(w, path: p + ["when"], type: { self.field($0)?.type }, into: &out)
            for ref in w.fieldReferences() where field(ref.field) == nil {
                out.add(p + ["when"] + ref.path, "条件引用了不存在的字段“\(ref.field)”", "condition names unknown field '\(ref.field)'",
                        "改为清单顶层已有字段的 id")
            }
        }
    }

    /// All `cite` values with their coding paths (checklist, fields at every level, rules).
    public func citeReferences() -> [CiteReference] {
        var out: [CiteReference] = []
        if let cite { out.append(.init(cite: cite, codingPath: ["cite"])) }
        func walk(_ list: [Field], _ path: [PathComponent]) {
            for (i, f) in list.enumerated() {
                if let c = f.cite { out.append(.init(cite: c, codingPath: path + [.index(i), "cite"])) }
                if let ch = f.fields { walk(ch, path + [.index(i), "fields"]) }
            }
        }
        walk(fields, ["fields"])
        for (i, r) in (rules ?? []).enumerated() {
            if let c = r.cite { out.append(.init(cite: c, codingPath: ["rules", .index(i), "cite"])) }
        }
        return out
    }
}

extension QuizDefinition {
    public func validate() -> [DefinitionIssue] {
        var out = IssueList()
        out.checkID(id, ["id"])
        if let pm = passMark, !(0...100).contains(pm) {
            out.add(["passMark"], "passMark 须在 0 到 100 之间", "passMark must be within 0…100", "改为百分数，如 80")
        }
        if questions.isEmpty { out.add(["questions"], "测验没有题目", "quiz has no questions", "至少添加一道题") }
        out.checkDuplicates(questions.map(\.id), { ["questions", .index($0), "id"] }, what: "question id", whatZH: "题目 id ")
        for (i, q) in questions.enumerated() {
            let p: [PathComponent] = ["questions", .index(i)]
            out.checkID(q.id, p + ["id"])
            if q.prompt.isEmpty { out.add(p + ["prompt"], "题干不能为空", "empty prompt", "写出题干") }
            if let w = q.weight, !(w > 0) { out.add(p + ["weight"], "weight 须大于 0", "weight must be > 0", "改为正数，默认 1") }
            if (q.cite ?? "").isEmpty { out.add(p + (q.cite == nil ? [] : ["cite"]), "题目缺少 cite", "question without cite", "写出答案依据的条款") }
            switch q.type {
            case .single, .multiple:
                let opts = q.options ?? []
                if opts.count < 2 { out.add(p + (q.options == nil ? [] : ["options"]), "选择题至少要有两个选项", "needs at least two options", "添加 options") }
                out.checkDuplicates(opts, { p + ["options", .index($0)] }, what: "option", whatZH: "选项")
                guard let a = q.answer else { out.add(p, "缺少 answer", "question without answer", "添加 answer"); break }
                if q.type == .single {
                    guard let s = a.scalarText, a.arrayValue == nil else {
                        out.add(p + ["answer"], "单选题的 answer 须为一个选项", "single answer must be one option", "写出正确选项的文字"); break
                    }
                    if !opts.contains(s) {
                        out.add(p + ["answer"], "答案“\(s)”不在选项中", "answer '\(s)' is not among the options", "answer 须与某个选项完全相同")
                    }
                } else {
                    guard let list = a.arrayValue, !list.isEmpty else {
                        out.add(p + ["answer"], "多选题的 answer 须为非空列表", "multiple answer must be a non-empty list", "写成 [A, C]"); break
                    }
                    for (j, v) in list.enumerated() where !opts.contains(v.scalarText ?? "\u{0}") {
                        out.add(p + ["answer", .index(j)], "答案“\(v.displayText)”不在选项中", "answer \(v.displayText) is not among the options",
                                "answer 须与选项完全相同")
                    }
                    out.checkDuplicates(list.map(\.displayText), { p + ["answer", .index($0)] }, what: "answer", whatZH: "答案")
                }
            case .truefalse:
                if q.answerBool == nil { out.add(p + (q.answer == nil ? [] : ["answer"]), "判断题的 answer 须为 true 或 false", "truefalse answer must be true or false", "写 answer: true 或 answer: false") }
            case .fill:
                let list = q.answerStrings
                if list.isEmpty || list.contains(where: { normalizeFill($0).isEmpty }) {
                    out.add(p + (q.answer == nil ? [] : ["answer"]), "填空题的 answer 须为非空的可接受答案列表", "fill answer must list accepted answers",
                            "写成 answer: [答案1, 答案2]")
                }
            case .order:
                let items = q.items ?? []
                if items.count < 2 { out.add(p + (q.items == nil ? [] : ["items"]), "排序题至少要有两项", "order question needs at least two items", "添加 items（按正确顺序）") }
                out.checkDuplicates(items, { p + ["items", .index($0)] }, what: "item", whatZH: "排序项")
            }
        }
        return out.issues
    }

    public func citeReferences() -> [CiteReference] {
        questions.enumerated().compactMap { i, q in q.cite.map { CiteReference(cite: $0, codingPath: ["questions", .index(i), "cite"]) } }
    }
}
