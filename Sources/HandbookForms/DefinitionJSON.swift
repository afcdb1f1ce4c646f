// Canonical JSON of checklist and quiz definitions, written member by member.
//
// `CanonicalEncoder` goes through Swift's `Encoder` protocols (a container and a tree node for every value);
// for the two definition types, which the build encodes once per block, this writer follows their
// `encode(to:)` directly: the same members, skipped when nil, in the order `.sortedKeys` gives (by UTF-8
// bytes, spelled out below), with `JSONValue`'s writers for text and numbers. A number JSONEncoder refuses
// (infinite or NaN) makes it return nil, and `Canonical.json` leaves the value to the encoders as before.
// Tests hold its bytes to `CanonicalEncoder`'s and JSONEncoder's.

/// A definition with its own canonical JSON writer.
protocol CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON)
}

struct DefinitionJSON {
    private(set) var out: [UInt8] = []
    /// False once a number JSONEncoder refuses was met.
    private(set) var encodable = true

    /// The canonical JSON of `value`, or nil when JSONEncoder must decide.
    static func bytes(_ value: some CanonicalJSONWritable) -> [UInt8]? {
        var json = DefinitionJSON()
        json.out.reserveCapacity(1024)
        value.write(to: &json)
        return json.encodable ? json.out : nil
    }

    /// `{`, the members `body` writes (each through `member`), `}`.
    mutating func object(_ body: (inout DefinitionJSON, inout Bool) -> Void) {
        out.append(UInt8(ascii: "{"))
        var started = false
        body(&self, &started)
        out.append(UInt8(ascii: "}"))
    }

    /// `"name":` (after a comma unless it is the first member); names are identifiers, never escaped.
    mutating func member(_ name: StaticString, _ started: inout Bool) {
        if started { out.append(UInt8(ascii: ",")) }
        started = true
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ value: String) { JSONValue.appendJSONString(value, to: &out) }

    mutating func int(_ value: Int) { out += String(value).utf8 }

    mutating func bool(_ value: Bool) { out += (value ? "true" : "false").utf8 }

    /// A Double member, which the definitions encode as `JSONValue.number`.
    mutating func number(_ value: Double) { json(.number(value)) }

    mutating func json(_ value: JSONValue) {
        guard Self.isFinite(value) else {
            encodable = false
            return
        }
        value.appendJSON(to: &out)
    }

    mutating func strings(_ values: [String]) {
        JSONValue.appendArray(values, to: &out) { JSONValue.appendJSONString($0, to: &$1) }
    }

    mutating func list<T: CanonicalJSONWritable>(_ values: [T]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            value.write(to: &self)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func isFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let n): return n.isFinite
        case .array(let items): return items.allSatisfy(isFinite)
        case .object(let members): return members.values.allSatisfy(isFinite)
        case .null, .bool, .string: return true
        }
    }
}

extension ChecklistDefinition: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            if let cite { json.member("cite", &s); json.string(cite) }
            if let description { json.member("description", &s); json.string(description) }
            json.member("fields", &s); json.list(fields)
            json.member("id", &s); json.string(id)
            if let rules { json.member("rules", &s); json.list(rules) }
            json.member("title", &s); json.string(title)
            json.member("version", &s); json.int(version)
        }
    }
}

extension Field: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            if let cite { json.member("cite", &s); json.string(cite) }
            if let fields { json.member("fields", &s); json.list(fields) }
            if let help { json.member("help", &s); json.string(help) }
            json.member("id", &s); json.string(id)
            if let integer { json.member("integer", &s); json.bool(integer) }
            json.member("label", &s); json.string(label)
            if let labels { json.member("labels", &s); json.strings(labels) }
            if let max { json.member("max", &s); json.number(max) }
            if let maxLength { json.member("maxLength", &s); json.int(maxLength) }
            if let maxSelected { json.member("maxSelected", &s); json.int(maxSelected) }
            if let min { json.member("min", &s); json.number(min) }
            if let minSelected { json.member("minSelected", &s); json.int(minSelected) }
            if let options { json.member("options", &s); json.strings(options) }
            if let other { json.member("other", &s); json.bool(other) }
            if let spec = self.repeat { json.member("repeat", &s); spec.write(to: &json) }
            if let required { json.member("required", &s); json.bool(required) }
            if let requiredIf { json.member("requiredIf", &s); requiredIf.write(to: &json) }
            if let scale { json.member("scale", &s); json.int(scale) }
            json.member("type", &s); json.string(type.rawValue)
            if let unit { json.member("unit", &s); json.string(unit) }
            if let visibleIf { json.member("visibleIf", &s); visibleIf.write(to: &json) }
        }
    }
}

extension RepeatSpec: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            if let max { json.member("max", &s); json.int(max) }
            if let min { json.member("min", &s); json.int(min) }
        }
    }
}

extension Rule: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            if let cite { json.member("cite", &s); json.string(cite) }
            if let field { json.member("field", &s); json.string(field) }
            if let fields { json.member("fields", &s); json.strings(fields) }
            if let first { json.member("first", &s); json.string(first) }
            if let from { json.member("from", &s); json.string(from) }
            json.member("id", &s); json.string(id)
            if let message { json.member("message", &s); json.string(message) }
            if let then { json.member("then", &s); json.string(then) }
            if let to { json.member("to", &s); json.string(to) }
            json.member("type", &s); json.string(type.rawValue)
            if let value { json.member("value", &s); json.json(value) }
            if let when { json.member("when", &s); when.write(to: &json) }
            if let within { json.member("within", &s); within.write(to: &json) }
        }
    }
}

extension Within: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            switch self {
            case .hours(let n): json.member("hours", &s); json.int(n)
            case .days(let n): json.member("days", &s); json.int(n)
            case .workingDays(let n): json.member("workingDays", &s); json.int(n)
            case .sameDay: json.member("sameDay", &s); json.bool(true)
            }
        }
    }
}

extension Condition: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            switch self {
            case .equals(let f, let v): json.member("equals", &s); json.json(v); json.member("field", &s); json.string(f)
            case .isIn(let f, let v): json.member("field", &s); json.string(f); json.member("in", &s); json.json(.array(v))
            case .not(let f, let v): json.member("field", &s); json.string(f); json.member("not", &s); json.json(v)
            case .isSet(let f, let b): json.member("field", &s); json.string(f); json.member("isSet", &s); json.bool(b)
            case .all(let l): json.member("all", &s); json.list(l)
            case .any(let l): json.member("any", &s); json.list(l)
            }
        }
    }
}

extension QuizDefinition: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            if let description { json.member("description", &s); json.string(description) }
            json.member("id", &s); json.string(id)
            if let passMark { json.member("passMark", &s); json.number(passMark) }
            json.member("questions", &s); json.list(questions)
            json.member("title", &s); json.string(title)
            if let version { json.member("version", &s); json.int(version) }
        }
    }
}

extension Question: CanonicalJSONWritable {
    func write(to json: inout DefinitionJSON) {
        json.object { json, s in
            if let answer { json.member("answer", &s); json.json(answer) }
            if let cite { json.member("cite", &s); json.string(cite) }
            if let explanation { json.member("explanation", &s); json.string(explanation) }
            json.member("id", &s); json.string(id)
            if let items { json.member("items", &s); json.strings(items) }
            if let options { json.member("options", &s); json.strings(options) }
            if let partialCredit { json.member("partialCredit", &s); json.bool(partialCredit) }
            json.member("prompt", &s); json.string(prompt)
            json.member("type", &s); json.string(type.rawValue)
            if let weight { json.member("weight", &s); json.number(weight) }
        }
    }
}
