// Checking a filled checklist submission against its definition (docs/blocks.md, "Submission").

/// One problem found in a submission. `rule` is `required`, `type`, `range`, `option`, `format`, `count`,
/// `unknown`, `calendar`, or the id of a declared rule.
public struct Problem: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var path: String
    public var rule: String
    /// Chinese message.
    public var message: String
    public var messageEN: String
    public var cite: String?

    public init(path: String, rule: String, message: String, messageEN: String, cite: String? = nil) {
        self.path = path; self.rule = rule; self.message = message; self.messageEN = messageEN; self.cite = cite
    }

    public var description: String { "\(path.isEmpty ? "(submission)" : path) [\(rule)] \(messageEN)" }
}

public enum Checker {
    /// The top-level keys a submission may have.
    public static let envelopeKeys = ["form", "formVersion", "definitionHash", "handbookVersion", "filledAt", "filledBy", "values"]

    /// Checks a whole submission (envelope and values). Reports every problem, in a deterministic order:
    /// envelope keys, unknown top-level keys (sorted), field values in definition order (a field's
    /// unknown child keys sorted after its known children), top-level unknown value keys (sorted), then
    /// declared rules in definition order.
    ///
    /// - Parameters:
    ///   - hash: the expected canonical definition hash; `"*"` skips the hash comparison.
    ///   - now: optional current time (ISO 8601 with offset); when given, a `filledAt` later than it is a
    ///     `range` problem.
    public static func check(submission: JSONValue, against definition: ChecklistDefinition,
                             calendar: WorkingCalendar, hash: String, now: String? = nil) -> [Problem] {
        guard case .object(let top) = submission else {
            return [Problem(path: "", rule: "type", message: "提交内容须为 JSON 对象",
                            messageEN: "the submission must be a JSON object, not \(submission.typeName)")]
        }
        var out: [Problem] = []
        func envelope(_ key: String, _ zh: String, required: Bool = true) -> JSONValue? {
            let v = top[key]
            if !JSONValue.isSet(v) {
                if required { out.append(Problem(path: key, rule: "required", message: "缺少\(zh)（\(key)）", messageEN: "missing \(key)")) }
                return nil
            }
            return v
        }
        func typeProblem(_ key: String, _ expected: String, _ zh: String, _ v: JSONValue) {
            out.append(Problem(path: key, rule: "type", message: "\(key) 须为\(zh)", messageEN: "\(key) must be a \(expected), not \(v.typeName)"))
        }
        if let v = envelope("form", "表单 id") {
            if let s = v.stringValue {
                if s != definition.id {
                    out.append(Problem(path: "form", rule: "option", message: "表单 id“\(s)”与清单“\(definition.id)”不符",
                                       messageEN: "form '\(s)' does not match checklist '\(definition.id)'"))
                }
            } else { typeProblem("form", "string", "字符串", v) }
        }
        if let v = envelope("formVersion", "表单版本") {
            if let n = v.numberValue {
                if n != Double(definition.version) {
                    out.append(Problem(path: "formVersion", rule: "option", message: "表单版本 \(JSONValue.format(n)) 与当前版本 \(definition.version) 不符",
                                       messageEN: "formVersion \(JSONValue.format(n)) does not match version \(definition.version)"))
                }
            } else { typeProblem("formVersion", "number", "数字", v) }
        }
        if let v = envelope("definitionHash", "定义哈希") {
            if let s = v.stringValue {
                if hash != "*", s != hash {
                    out.append(Problem(path: "definitionHash", rule: "option", message: "表单定义已变更（哈希不符），请使用最新版手册重新填写",
                                       messageEN: "definitionHash does not match the current definition"))
                }
            } else { typeProblem("definitionHash", "string", "字符串", v) }
        }
        if let v = envelope("handbookVersion", "手册版本", required: false), v.stringValue == nil {
            typeProblem("handbookVersion", "string", "字符串", v)
        }
        if let v = envelope("filledAt", "填写时间") {
            if let s = v.stringValue {
                switch ISO.checkDateTime(s) {
                case .success(let t):
                    if let now, let n = OffsetDateTime(now), t.epochMillis > n.epochMillis {
                        out.append(Problem(path: "filledAt", rule: "range", message: "填写时间晚于当前时间", messageEN: "filledAt is in the future"))
                    }
                case .failure(let e):
                    out.append(datetimeFormatProblem("filledAt", "填写时间", s, e.kind, cite: nil))
                }
            } else { typeProblem("filledAt", "string", "字符串", v) }
        }
        if let v = envelope("filledBy", "填写人"), v.stringValue == nil { typeProblem("filledBy", "string", "字符串", v) }
        for key in top.keys.sorted() where !envelopeKeys.contains(key) {
            out.append(Problem(path: key, rule: "unknown", message: "未知的顶层键“\(key)”", messageEN: "unknown top-level key '\(key)'"))
        }
        switch top["values"] {
        case nil, .null?:
            out.append(Problem(path: "values", rule: "required", message: "缺少填写内容（values）", messageEN: "missing values"))
        case .object(let values)?:
            out += checkValues(values, against: definition, calendar: calendar)
        case let v?:
            typeProblem("values", "object", "对象", v)
        }
        return out
    }

    /// Checks only the `values` object (what the page validates before export).
    public static func checkValues(_ values: [String: JSONValue], against definition: ChecklistDefinition,
                                   calendar: WorkingCalendar) -> [Problem] {
        var ctx = ValueChecker(def: definition, top: values, calendar: calendar)
        ctx.run()
        return ctx.problems
    }

    static func datetimeFormatProblem(_ path: String, _ label: String, _ s: String, _ kind: ISO.DateTimeError, cite: String?) -> Problem {
        if kind == .missingOffset {
            return Problem(path: path, rule: "format", message: "「\(label)」缺少时区（应如 2025-03-04T09:30:00+08:00）",
                           messageEN: "\(path): '\(s)' has no UTC offset (expected e.g. 2025-03-04T09:30:00+08:00)", cite: cite)
        }
        return Problem(path: path, rule: "format", message: "「\(label)」不是有效的日期时间（应如 2025-03-04T09:30:00+08:00）",
                       messageEN: "\(path): '\(s)' is not an ISO 8601 date-time with offset", cite: cite)
    }
}

private enum Temporal {
    case date(CivilDate)
    case dateTime(OffsetDateTime)
    var localDate: CivilDate {
        switch self { case .date(let d): return d; case .dateTime(let t): return t.date }
    }
}

private struct ValueChecker {
    let def: ChecklistDefinition
    let top: [String: JSONValue]
    let calendar: WorkingCalendar
    var problems: [Problem] = []

    init(def: ChecklistDefinition, top: [String: JSONValue], calendar: WorkingCalendar) {
        self.def = def; self.top = top; self.calendar = calendar
        problems.reserveCapacity(4)
    }

    // MARK: visibility and lookup

    /// Effective value of a top-level field: nil when absent or hidden.
    func topValue(_ id: String, depth: Int = 0) -> JSONValue? {
        guard let f = def.field(id) else { return top[id] }
        guard let v = top[id] else { return nil }
        if let vis = f.visibleIf, depth < 32, !vis.evaluate({ topValue($0, depth: depth + 1) }) { return nil }
        return v
    }

    /// Effective value in a group row: a sibling in the row first, then a top-level field.
    func rowValue(_ id: String, group: Field, row: [String: JSONValue], depth: Int = 0) -> JSONValue? {
        guard let child = group.child(id) else { return topValue(id, depth: depth) }
        guard let v = row[id] else { return nil }
        if let vis = child.visibleIf, depth < 32,
           !vis.evaluate({ rowValue($0, group: group, row: row, depth: depth + 1) }) { return nil }
        return v
    }

    // MARK: run

    mutating func run() {
        let lookup: (String) -> JSONValue? = { [self] in self.topValue($0) }
        checkLevel(def.fields, values: top, prefix: "", lookup: lookup, group: nil)
        for r in def.rules ?? [] { checkRule(r) }
    }

    mutating func checkLevel(_ fields: [Field], values: [String: JSONValue], prefix: String,
                             lookup: (String) -> JSONValue?, group: Field?) {
        for f in fields {
            if let vis = f.visibleIf, !vis.evaluate(lookup) { continue }
            checkField(f, values[f.id], path: prefix + f.id, lookup: lookup)
        }
        if values.count > 0 {
            var unknown: [String] = []
            for key in values.keys where !fields.contains(where: { $0.id == key }) { unknown.append(key) }
            for key in unknown.sorted() {
                let where_ = group.map { "分组「\($0.label)」中" } ?? ""
                add(prefix + key, "unknown", "\(where_)有未知字段“\(key)”", "unknown field '\(key)'", cite: nil)
            }
        }
    }

    mutating func add(_ path: String, _ rule: String, _ zh: String, _ en: String, cite: String?) {
        problems.append(Problem(path: path, rule: rule, message: zh, messageEN: path.isEmpty ? en : "\(path): \(en)", cite: cite))
    }

    mutating func typeError(_ f: Field, _ path: String, _ v: JSONValue, _ expectedZH: String, _ expectedEN: String) {
        add(path, "type", "「\(f.label)」应为\(expectedZH)", "expected \(expectedEN), got \(v.typeName)", cite: f.cite)
    }

    mutating func checkField(_ f: Field, _ value: JSONValue?, path: String, lookup: (String) -> JSONValue?) {
        let required = f.isRequired || (f.requiredIf?.evaluate(lookup) ?? false)
        guard JSONValue.isSet(value), let v = value else {
            if required { add(path, "required", "「\(f.label)」为必填项", "required", cite: f.cite) }
            return
        }
        switch f.type {
        case .check, .yesno:
            guard let b = v.boolValue else { return typeError(f, path, v, "是/否（true/false）", "true or false") }
            if f.type == .check, required, !b { add(path, "required", "「\(f.label)」须勾选", "must be ticked", cite: f.cite) }
        case .yesnona:
            guard let s = v.stringValue else { return typeError(f, path, v, "“yes”“no”或“na”", "\"yes\", \"no\" or \"na\"") }
            if s != "yes", s != "no", s != "na" {
                add(path, "option", "「\(f.label)」只能是 yes、no 或 na", "'\(s)' is not one of yes, no, na", cite: f.cite)
            }
        case .text, .textarea:
            guard let s = v.stringValue else { return typeError(f, path, v, "文字", "a string") }
            let n = s.unicodeScalars.count, m = f.effectiveMaxLength
            if n > m { add(path, "range", "「\(f.label)」最多 \(m) 字，现有 \(n) 字", "longer than \(m) characters (\(n))", cite: f.cite) }
        case .number:
            guard let n = v.numberValue else { return typeError(f, path, v, "数字", "a number") }
            if f.integer == true, n.rounded() != n { return typeError(f, path, v, "整数", "an integer") }
            let unit = f.unit ?? ""
            if let lo = f.min, n < lo {
                add(path, "range", "「\(f.label)」不能小于 \(JSONValue.format(lo))\(unit)", "\(JSONValue.format(n)) is less than the minimum \(JSONValue.format(lo))", cite: f.cite)
            }
            if let hi = f.max, n > hi {
                add(path, "range", "「\(f.label)」不能大于 \(JSONValue.format(hi))\(unit)", "\(JSONValue.format(n)) is greater than the maximum \(JSONValue.format(hi))", cite: f.cite)
            }
        case .date:
            guard let s = v.stringValue else { return typeError(f, path, v, "日期文字", "a date string") }
            if CivilDate(s) == nil {
                add(path, "format", "「\(f.label)」不是有效日期（应如 2025-03-04）", "'\(s)' is not a date YYYY-MM-DD", cite: f.cite)
            }
        case .datetime:
            guard let s = v.stringValue else { return typeError(f, path, v, "日期时间文字", "a date-time string") }
            if case .failure(let e) = ISO.checkDateTime(s) {
                problems.append(Checker.datetimeFormatProblem(path, f.label, s, e.kind, cite: f.cite))
            }
        case .choice:
            let opts = f.options ?? []
            switch v {
            case .string(let s):
                if !opts.contains(s) { add(path, "option", "「\(f.label)」的值“\(s)”不在选项中", "'\(s)' is not one of the options", cite: f.cite) }
            case .object(let o):
                if f.other != true {
                    add(path, "option", "「\(f.label)」不接受“其他”", "free-text 'other' is not allowed", cite: f.cite)
                } else if o.count != 1 || !(JSONValue.isSet(o["other"]) && o["other"]?.stringValue != nil) {
                    typeError(f, path, v, "选项或 {\"other\": \"文字\"}", "an option or {\"other\": text}")
                }
            default:
                typeError(f, path, v, "一个选项", "an option string")
            }
        case .multichoice:
            guard let arr = v.arrayValue else { return typeError(f, path, v, "选项列表", "an array of options") }
            var strings: [String] = []
            strings.reserveCapacity(arr.count)
            for item in arr {
                guard let s = item.stringValue else { return typeError(f, path, item, "选项文字组成的列表", "an array of option strings") }
                strings.append(s)
            }
            let opts = f.options ?? []
            var seen: Set<String> = []
            var bad: [String] = [], dup: [String] = []
            for s in strings {
                if !opts.contains(s) { bad.append(s) }
                if !seen.insert(s).inserted { dup.append(s) }
            }
            if !bad.isEmpty || !dup.isEmpty {
                let zh = bad.isEmpty ? "选项重复：\(dup.joined(separator: "、"))" : "不在选项中：\(bad.joined(separator: "、"))"
                let en = bad.isEmpty ? "duplicate options: \(dup.joined(separator: ", "))" : "not among the options: \(bad.joined(separator: ", "))"
                add(path, "option", "「\(f.label)」\(zh)", en, cite: f.cite)
            }
            if let lo = f.minSelected, strings.count < lo {
                add(path, "count", "「\(f.label)」至少选 \(lo) 项", "fewer than \(lo) selected", cite: f.cite)
            }
            if let hi = f.maxSelected, strings.count > hi {
                add(path, "count", "「\(f.label)」最多选 \(hi) 项", "more than \(hi) selected", cite: f.cite)
            }
        case .rating:
            guard let n = v.numberValue, n.rounded() == n else { return typeError(f, path, v, "整数评分", "an integer rating") }
            let s = f.effectiveScale
            if n < 1 || n > Double(s) {
                add(path, "range", "「\(f.label)」评分须在 1 到 \(s) 之间", "rating \(JSONValue.format(n)) is outside 1…\(s)", cite: f.cite)
            }
        case .phone:
            guard let s = v.stringValue else { return typeError(f, path, v, "电话号码文字", "a phone number string") }
            if !Checker.isPhone(s) {
                add(path, "format", "「\(f.label)」不是有效的电话号码", "'\(s)' is not a phone number (7–20 digits; digits, spaces, + - ( ) only)", cite: f.cite)
            }
        case .email:
            guard let s = v.stringValue else { return typeError(f, path, v, "电子邮箱文字", "an e-mail string") }
            if !Checker.isEmail(s) {
                add(path, "format", "「\(f.label)」不是有效的电子邮箱", "'\(s)' is not an e-mail address local@domain.tld", cite: f.cite)
            }
        case .signature:
            guard let o = v.objectValue else { return typeError(f, path, v, "签名（姓名与签署时间）", "an object {name, signedAt}") }
            let name = o["name"], signedAt = o["signedAt"]
            if !JSONValue.isSet(name) {
                add(path + ".name", "required", "「\(f.label)」缺少签名人姓名", "missing signer name", cite: f.cite)
            } else if let n = name, n.stringValue == nil {
                typeError(f, path + ".name", n, "姓名文字", "a string")
            }
            if !JSONValue.isSet(signedAt) {
                add(path + ".signedAt", "required", "「\(f.label)」缺少签署时间", "missing signedAt", cite: f.cite)
            } else if let t = signedAt {
                if let s = t.stringValue {
                    if case .failure(let e) = ISO.checkDateTime(s) {
                        problems.append(Checker.datetimeFormatProblem(path + ".signedAt", f.label, s, e.kind, cite: f.cite))
                    }
                } else {
                    typeError(f, path + ".signedAt", t, "日期时间文字", "a date-time string")
                }
            }
            for key in o.keys.sorted() where key != "name" && key != "signedAt" {
                add(path + "." + key, "unknown", "「\(f.label)」中有未知键“\(key)”", "unknown key '\(key)'", cite: f.cite)
            }
        case .group:
            let children = f.fields ?? []
            if let rep = f.repeat {
                guard let rows = v.arrayValue else { return typeError(f, path, v, "多行记录（数组）", "an array of rows") }
                if let lo = rep.min, rows.count < lo {
                    add(path, "count", "「\(f.label)」至少要填 \(lo) 行", "fewer than \(lo) rows (\(rows.count))", cite: f.cite)
                }
                if let hi = rep.max, rows.count > hi {
                    add(path, "count", "「\(f.label)」最多填 \(hi) 行", "more than \(hi) rows (\(rows.count))", cite: f.cite)
                }
                for (i, row) in rows.enumerated() {
                    let rp = "\(path)[\(i)]"
                    guard let o = row.objectValue else {
                        add(rp, "type", "「\(f.label)」第 \(i + 1) 行应为对象", "row must be an object, got \(row.typeName)", cite: f.cite)
                        continue
                    }
                    let me = self
                    checkLevel(children, values: o, prefix: rp + ".", lookup: { me.rowValue($0, group: f, row: o) }, group: f)
                }
            } else {
                guard let o = v.objectValue else { return typeError(f, path, v, "对象", "an object") }
                let me = self
                checkLevel(children, values: o, prefix: path + ".", lookup: { me.rowValue($0, group: f, row: o) }, group: f)
            }
        }
    }

    // MARK: declared rules

    func temporal(_ id: String) -> Temporal? {
        guard let f = def.field(id), let s = topValue(id)?.stringValue, !s.isEmpty else { return nil }
        if f.type == .date { return CivilDate(s).map(Temporal.date) }
        if f.type == .datetime { return OffsetDateTime(s).map(Temporal.dateTime) }
        return nil
    }

    mutating func ruleProblem(_ r: Rule, _ path: String, _ en: String) {
        problems.append(Problem(path: path, rule: r.id, message: r.message ?? "违反规则 \(r.id)",
                                messageEN: "\(path): rule '\(r.id)' (\(r.type.rawValue)): \(en)", cite: r.cite))
    }

    mutating func checkRule(_ r: Rule) {
        if let w = r.when, !w.evaluate({ topValue($0) }) { return }
        switch r.type {
        case .deadline:
            guard let fromID = r.from, let toID = r.to, let within = r.within,
                  let from = temporal(fromID), let to = temporal(toID) else { return }
            let fromDate = from.localDate
            let toDate: CivilDate
            switch (from, to) {
            case (.dateTime(let a), .dateTime(let b)): toDate = b.date(inOffset: a.offsetSeconds)
            default: toDate = to.localDate
            }
            switch within {
            case .hours(let n):
                guard case .dateTime(let a) = from, case .dateTime(let b) = to else { return }
                if b.epochMillis - a.epochMillis > n * 3_600_000 {
                    ruleProblem(r, toID, "\(toID) \(b) is more than \(n) hours after \(fromID) \(a)")
                }
            case .days(let n):
                let limit = fromDate.adding(days: n)
                if toDate > limit { ruleProblem(r, toID, "\(toID) date \(toDate) is after \(limit) (\(n) days after \(fromDate))") }
            case .sameDay:
                if toDate != fromDate { ruleProblem(r, toID, "\(toID) date \(toDate) is not the same date as \(fromDate)") }
            case .workingDays(let n):
                do {
                    let limit = try calendar.addWorkingDays(fromDate, max(0, n))
                    if toDate > limit {
                        ruleProblem(r, toID, "\(toID) date \(toDate) is after \(limit) (\(n) working days after \(fromDate))")
                    }
                } catch {
                    problems.append(Problem(path: toID, rule: "calendar", message: error.message,
                                            messageEN: "\(toID): rule '\(r.id)': \(error.messageEN)", cite: r.cite))
                }
            }
        case .order:
            guard let firstID = r.first, let thenID = r.then else { return }
            if let a = temporal(firstID), let b = temporal(thenID) {
                let before: Bool
                switch (a, b) {
                case (.dateTime(let x), .dateTime(let y)): before = y.epochMillis < x.epochMillis
                default: before = b.localDate < a.localDate
                }
                if before { ruleProblem(r, thenID, "\(thenID) is before \(firstID)") }
            } else if let x = topValue(firstID)?.numberValue, let y = topValue(thenID)?.numberValue, y < x {
                ruleProblem(r, thenID, "\(thenID) (\(JSONValue.format(y))) is less than \(firstID) (\(JSONValue.format(x)))")
            }
        case .atLeastOne:
            guard let fs = r.fields, let firstID = fs.first else { return }
            if !fs.contains(where: { JSONValue.isSet(topValue($0)) }) {
                ruleProblem(r, firstID, "none of \(fs.joined(separator: ", ")) is set")
            }
        case .equalsWhen:
            guard let id = r.field, let expected = r.value, let v = topValue(id), JSONValue.isSet(v) else { return }
            if v != expected { ruleProblem(r, id, "\(id) is \(v.displayText), must be \(expected.displayText)") }
        }
    }
}

extension Checker {
    /// Digits, spaces, `+`, `-`, parentheses only; 7–20 digits in total.
    public static func isPhone(_ s: String) -> Bool {
        var digits = 0
        for b in s.utf8 {
            switch b {
            case 48...57: digits += 1
            case 32, 43, 45, 40, 41: break
            default: return false
            }
        }
        return digits >= 7 && digits <= 20
    }

    /// `local@domain.tld`: exactly one `@`, non-empty local part, no whitespace anywhere, the domain split
    /// on `.` has at least two parts, none empty, and the last has at least two characters.
    public static func isEmail(_ s: String) -> Bool {
        var at = 0
        for u in s.unicodeScalars {
            if u == "@" { at += 1 }
            if u.properties.isWhitespace || u.value < 32 { return false }
        }
        guard at == 1, let i = s.firstIndex(of: "@") else { return false }
        let local = s[..<i], domain = s[s.index(after: i)...]
        guard !local.isEmpty else { return false }
        let parts = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }), parts.last!.unicodeScalars.count >= 2 else { return false }
        return true
    }
}
