// JSON Schema (draft 2020-12) for a checklist's submission.

extension ChecklistDefinition {
    /// A JSON Schema (draft 2020-12) describing a submission of this checklist.
    ///
    /// Exact: envelope (form/formVersion constants, filledAt date-time), value types, enums, `required`
    /// fields, number bounds, text lengths (in code points), rating range, repeat counts, multichoice
    /// counts and uniqueness, `additionalProperties: false` everywhere.
    ///
    /// Approximated: `requiredIf` becomes `if`/`then` only for top-level fields whose condition is a simple
    /// `equals` or `in` on a top-level field (other conditions and conditions in groups are left out);
    /// `visibleIf` is not expressed (a hidden field may still be present and is checked as if visible,
    /// and a visible `required` field with a `visibleIf` is not listed in `required`); `required` check
    /// boxes are not forced to `true`; phone digits count (7–20) is only approximated by a pattern and
    /// length; "is set" (empty strings/arrays count as missing) is not expressed; declared rules
    /// (deadline, order, atLeastOne, equalsWhen) and the definition hash are not expressed.
    public func submissionSchema(hash: String? = nil) -> JSONValue {
        var props: [String: JSONValue] = [
            "form": ["const": .string(id)],
            "formVersion": ["const": .number(Double(version))],
            "definitionHash": hash.map { ["const": .string($0)] } ?? ["type": "string"],
            "handbookVersion": ["type": "string"],
            "filledAt": ChecklistDefinition.dateTimeSchema,
            "filledBy": ["type": "string", "minLength": 1],
        ]
        props["values"] = objectSchema(fields, topLevel: true)
        return .object([
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string("urn:handbook:checklist:\(id):\(version)"),
            "title": .string(title),
            "type": "object",
            "properties": .object(props),
            "required": ["form", "formVersion", "definitionHash", "filledAt", "filledBy", "values"],
            "additionalProperties": false,
        ])
    }

    static let dateTimeSchema: JSONValue = [
        "type": "string", "format": "date-time",
        "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$",
    ]

    private func objectSchema(_ list: [Field], topLevel: Bool) -> JSONValue {
        var props: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        var conditionals: [JSONValue] = []
        for f in list {
            props[f.id] = fieldSchema(f)
            if f.isRequired, f.visibleIf == nil { required.append(.string(f.id)) }
            if topLevel, let cond = f.requiredIf, f.visibleIf == nil, let ifSchema = simpleIf(cond) {
                conditionals.append(["if": ifSchema, "then": ["required": [.string(f.id)]]])
            }
        }
        var o: [String: JSONValue] = ["type": "object", "properties": .object(props), "additionalProperties": false]
        if !required.isEmpty { o["required"] = .array(required) }
        if !conditionals.isEmpty { o["allOf"] = .array(conditionals) }
        return .object(o)
    }

    private func simpleIf(_ c: Condition) -> JSONValue? {
        switch c {
        case .equals(let f, let v) where field(f) != nil:
            return ["properties": .object([f: ["const": v]]), "required": [.string(f)]]
        case .isIn(let f, let vs) where field(f) != nil:
            return ["properties": .object([f: ["enum": .array(vs)]]), "required": [.string(f)]]
        default:
            return nil
        }
    }

    private func fieldSchema(_ f: Field) -> JSONValue {
        var s: [String: JSONValue] = ["title": .string(f.label)]
        if let h = f.help { s["description"] = .string(h) }
        switch f.type {
        case .check, .yesno: s["type"] = "boolean"
        case .yesnona: s["enum"] = ["yes", "no", "na"]
        case .text, .textarea:
            s["type"] = "string"; s["maxLength"] = .number(Double(f.effectiveMaxLength))
        case .number:
            s["type"] = f.integer == true ? "integer" : "number"
            if let m = f.min { s["minimum"] = .number(m) }
            if let m = f.max { s["maximum"] = .number(m) }
        case .date:
            s["type"] = "string"; s["format"] = "date"; s["pattern"] = "^\\d{4}-\\d{2}-\\d{2}$"
        case .datetime:
            if case .object(let d) = ChecklistDefinition.dateTimeSchema { s.merge(d) { a, _ in a } }
        case .choice:
            let e: JSONValue = ["enum": .array((f.options ?? []).map(JSONValue.string))]
            if f.other == true {
                s["oneOf"] = [e, ["type": "object", "properties": ["other": ["type": "string", "minLength": 1]],
                                  "required": ["other"], "additionalProperties": false]]
            } else { s["type"] = "string"; s["enum"] = e["enum"] }
        case .multichoice:
            s["type"] = "array"; s["uniqueItems"] = true
            s["items"] = ["enum": .array((f.options ?? []).map(JSONValue.string))]
            if let m = f.minSelected { s["minItems"] = .number(Double(m)) }
            if let m = f.maxSelected { s["maxItems"] = .number(Double(m)) }
        case .rating:
            s["type"] = "integer"; s["minimum"] = 1; s["maximum"] = .number(Double(f.effectiveScale))
        case .phone:
            s["type"] = "string"; s["pattern"] = "^[0-9 +()\\-]{7,40}$"
        case .email:
            s["type"] = "string"; s["format"] = "email"; s["pattern"] = "^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)*\\.[^\\s@.]{2,}$"
        case .signature:
            s["type"] = "object"
            s["properties"] = ["name": ["type": "string", "minLength": 1], "signedAt": ChecklistDefinition.dateTimeSchema]
            s["required"] = ["name", "signedAt"]
            s["additionalProperties"] = false
        case .group:
            let row = objectSchema(f.fields ?? [], topLevel: false)
            if let r = f.repeat {
                s["type"] = "array"; s["items"] = row
                if let m = r.min { s["minItems"] = .number(Double(m)) }
                if let m = r.max { s["maxItems"] = .number(Double(m)) }
            } else if case .object(let o) = row { s.merge(o) { a, _ in a } }
        }
        if let u = f.unit { s["x-unit"] = .string(u) }
        return .object(s)
    }
}
