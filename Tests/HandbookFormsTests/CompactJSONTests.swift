import Foundation
import Testing
@testable import HandbookForms

/// `JSONValue.compactJSON` (handbook-check's report writer) must equal JSONEncoder's output with
/// `[.sortedKeys, .withoutEscapingSlashes]` byte for byte.
struct CompactJSONTests {
    static func encoderJSON(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Deterministic pseudo-random values: every control character, quotes, slashes, non-ASCII text,
    /// keys that sort differently by bytes and by Unicode rules, integral, fractional and huge numbers.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

        static let pieces = ["a", "Z", "9", "10", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{8}", "\u{c}", "\u{0}", "\u{1f}", "\u{7f}",
                             "é", "e\u{301}", "投诉", "２４小时", "😀", "\u{2028}", "<", "&", "'", "\u{85}", "ｚ", "_"]
        mutating func string() -> String { (0..<Int(next() % 6)).map { _ in pick(Self.pieces) }.joined() }

        mutating func number() -> Double {
            pick([0, -0.0, 1, -1, 42, 0.1, 1.5, -3.25, 1e15, 1e16, 1e20, 1e-7, 0.000001, 123456789012345678, 9007199254740993,
                  5e-324, 1.7976931348623157e308, Double(next() % 100_000) / 100, Double(next()) * 1e9])
        }

        mutating func value(depth: Int) -> JSONValue {
            switch next() % (depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(next() % 2 == 0)
            case 2: return .number(number())
            case 3: return .string(string())
            case 4: return .array((0..<Int(next() % 4)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int(next() % 6) { members[string()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    @Test func equalsJSONEncoderOnGeneratedValues() throws {
        var generator = Generator(state: 20261123)
        for _ in 0..<3000 {
            let value = generator.value(depth: 0)
            let expected = try Self.encoderJSON(value)
            #expect(value.compactJSON == expected, "\(value.compactJSON) vs \(expected)")
        }
    }

    @Test func keysThatSortDifferentlyByBytesAndByCharacters() throws {
        let value = JSONValue.object(["e\u{301}x": .number(1), "éa": .number(2), "a10": .null, "a9": .null, "B": .bool(true), "a": .string("/")])
        let expected = try Self.encoderJSON(value)
        #expect(value.compactJSON == expected, "\(value.compactJSON) vs \(expected)")
    }

    /// The parser refuses numbers out of a Double's range, but a value built in code could hold one: the
    /// report stays valid JSON.
    @Test func infinityIsWrittenAsNull() throws {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(#"{"qty": 1e400}"#.utf8)) }
        let value = JSONValue.object(["qty": .number(.infinity), "n": .array([.number(-.infinity), .number(.nan)])])
        #expect(value.compactJSON == #"{"n":[null,null],"qty":null}"#)
    }
}

/// `CanonicalEncoder` must write what JSONEncoder with the canonical options writes, byte for byte, or give
/// the value back to it (nil).
struct CanonicalEncoderTests {
    static func both<T: Encodable>(_ value: T) throws -> (fast: String?, encoder: String) {
        (CanonicalEncoder.encode(value).map { String(decoding: $0, as: UTF8.self) },
         String(decoding: try Canonical.encoderJSON(value), as: UTF8.self))
    }

    @Test func generatedValuesThroughCodable() throws {
        var generator = CompactJSONTests.Generator(state: 7_2026_1123)
        for _ in 0..<3000 {
            let value = generator.value(depth: 0)
            let (fast, expected) = try Self.both(value)
            #expect(fast == expected, "\(fast ?? "nil") vs \(expected)")
        }
    }

    /// Every kind of container and scalar a Codable type can use, nested both ways.
    struct Everything: Encodable {
        enum Keys: String, CodingKey { case b, s, i, i8, i16, i32, i64, u, u8, u16, u32, u64, d, none, nested, list, twice, optional }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(true, forKey: .b)
            try c.encode("a/b\"c\\\n\u{1}投诉😀", forKey: .s)
            try c.encode(Int.min, forKey: .i)
            try c.encode(Int8.min, forKey: .i8)
            try c.encode(Int16.max, forKey: .i16)
            try c.encode(Int32.min, forKey: .i32)
            try c.encode(Int64.max, forKey: .i64)
            try c.encode(UInt.max, forKey: .u)
            try c.encode(UInt8.max, forKey: .u8)
            try c.encode(UInt16.max, forKey: .u16)
            try c.encode(UInt32.max, forKey: .u32)
            try c.encode(UInt64.max, forKey: .u64)
            try c.encode(-0.1, forKey: .d)
            try c.encodeNil(forKey: .none)
            try c.encodeIfPresent(nil as String?, forKey: .optional)
            var nested = c.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode([1.5, 2, 1e20, 1e-7], forKey: .list)
            var list = nested.nestedUnkeyedContainer(forKey: .twice)
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(["z": 1, "a": 2, "é": 3, "Z": 4, "ｚ": 5], forKey: .s)
            var deeper = list.nestedUnkeyedContainer()
            try deeper.encode(Int8(-3))
            try deeper.encode([String?.none, "x"])
            // A key written twice keeps its last value.
            try c.encode("first", forKey: .twice)
            try c.encode("last", forKey: .twice)
        }
    }

    @Test func everyContainerAndScalar() throws {
        let (fast, expected) = try Self.both(Everything())
        #expect(fast != nil)
        #expect(fast == expected, "\(fast ?? "nil") vs \(expected)")
        for value in [JSONValue.null, .bool(false), .number(3), .string("/")] {
            let (fast, expected) = try Self.both(value)
            #expect(fast == expected)
        }
    }

    struct Super: Encodable {
        enum Keys: CodingKey { case a }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(1, forKey: .a)
            var s = c.superEncoder().singleValueContainer()
            try s.encode("x")
        }
    }

    struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }

    /// What JSONEncoder writes in its own way is left to it; so are the values it refuses.
    @Test func leavesTheRestToJSONEncoder() throws {
        #expect(CanonicalEncoder.encode(Date(timeIntervalSince1970: 0)) == nil)
        #expect(CanonicalEncoder.encode(["u": URL(string: "https://example.com/a")!]) == nil)
        #expect(CanonicalEncoder.encode([Data([1, 2])]) == nil)
        #expect(CanonicalEncoder.encode(Float(0.1)) == nil)
        #expect(CanonicalEncoder.encode(Decimal(1)) == nil)
        #expect(CanonicalEncoder.encode(Super()) == nil)
        #expect(CanonicalEncoder.encode(Nothing()) == nil)
        #expect(CanonicalEncoder.encode([Double.nan]) == nil)
        #expect(throws: (any Error).self) { try Canonical.json([Double.infinity]) }
        // Through `Canonical.json` they come out as JSONEncoder writes them.
        #expect(try Canonical.json(Super()) == Canonical.encoderJSON(Super()))
        #expect(try Canonical.json(["u": URL(string: "https://example.com/a")!]) == Canonical.encoderJSON(["u": URL(string: "https://example.com/a")!]))
    }
}

/// `DefinitionJSON`, the definitions' own writer, must write what JSONEncoder writes for them, byte for
/// byte, or give the value back (nil) when JSONEncoder refuses it.
struct DefinitionJSONTests {
    typealias Generator = CompactJSONTests.Generator

    static func maybe<T>(_ g: inout Generator, _ make: (inout Generator) -> T) -> T? { g.next() % 3 == 0 ? nil : make(&g) }

    static func condition(_ g: inout Generator, depth: Int = 0) -> Condition {
        switch g.next() % (depth > 2 ? 4 : 6) {
        case 0: return .equals(field: g.string(), value: g.value(depth: 2))
        case 1: return .isIn(field: g.string(), values: (0..<Int(g.next() % 3)).map { _ in g.value(depth: 3) })
        case 2: return .not(field: g.string(), value: g.value(depth: 2))
        case 3: return .isSet(field: g.string(), set: g.next() % 2 == 0)
        case 4: return .all((0..<Int(g.next() % 3)).map { _ in condition(&g, depth: depth + 1) })
        default: return .any((0..<Int(g.next() % 3)).map { _ in condition(&g, depth: depth + 1) })
        }
    }

    static func strings(_ g: inout Generator) -> [String] { (0..<Int(g.next() % 4)).map { _ in g.string() } }

    static func int(_ g: inout Generator) -> Int { g.pick([0, 1, -1, 24, Int.max, Int.min, Int(g.next() % 1000)]) }

    /// A field with every member set or not, whatever its type allows (the writer does not validate).
    static func field(_ g: inout Generator, depth: Int = 0) -> Field {
        Field(id: g.string(), type: g.pick(FieldType.allCases), label: g.string(), help: maybe(&g) { $0.string() },
              required: maybe(&g) { $0.next() % 2 == 0 }, requiredIf: maybe(&g) { condition(&$0) }, visibleIf: maybe(&g) { condition(&$0) },
              cite: maybe(&g) { $0.string() }, maxLength: maybe(&g, int), min: maybe(&g) { $0.number() }, max: maybe(&g) { $0.number() },
              integer: maybe(&g) { $0.next() % 2 == 0 }, unit: maybe(&g) { $0.string() }, options: maybe(&g, strings),
              other: maybe(&g) { $0.next() % 2 == 0 }, minSelected: maybe(&g, int), maxSelected: maybe(&g, int), scale: maybe(&g, int),
              labels: maybe(&g, strings), fields: depth > 1 ? nil : maybe(&g) { g in (0..<Int(g.next() % 3)).map { _ in field(&g, depth: depth + 1) } },
              repeat: maybe(&g) { RepeatSpec(min: maybe(&$0, int), max: maybe(&$0, int)) })
    }

    static func rule(_ g: inout Generator) -> Rule {
        let within: [Within] = [.hours(int(&g)), .days(int(&g)), .workingDays(int(&g)), .sameDay]
        return Rule(id: g.string(), type: g.pick(Rule.Kind.allCases), from: maybe(&g) { $0.string() }, to: maybe(&g) { $0.string() },
                    within: maybe(&g) { $0.pick(within) }, first: maybe(&g) { $0.string() }, then: maybe(&g) { $0.string() },
                    fields: maybe(&g, strings), field: maybe(&g) { $0.string() }, value: maybe(&g) { $0.value(depth: 1) },
                    when: maybe(&g) { condition(&$0) }, message: maybe(&g) { $0.string() }, cite: maybe(&g) { $0.string() })
    }

    static func question(_ g: inout Generator) -> Question {
        Question(id: g.string(), type: g.pick(Question.Kind.allCases), prompt: g.string(), options: maybe(&g, strings),
                 answer: maybe(&g) { $0.value(depth: 1) }, items: maybe(&g, strings), partialCredit: maybe(&g) { $0.next() % 2 == 0 },
                 explanation: maybe(&g) { $0.string() }, cite: maybe(&g) { $0.string() }, weight: maybe(&g) { $0.number() })
    }

    static func expectAsJSONEncoder<T: Encodable & CanonicalJSONWritable>(_ value: T) throws {
        let own = DefinitionJSON.bytes(value).map { String(decoding: $0, as: UTF8.self) }
        let expected = String(decoding: try Canonical.encoderJSON(value), as: UTF8.self)
        #expect(own == expected, "\(own ?? "nil")\nvs\n\(expected)")
    }

    @Test func generatedDefinitionsAsJSONEncoderWritesThem() throws {
        var g = Generator(state: 2026_1123_7)
        for _ in 0..<400 {
            let checklist = ChecklistDefinition(
                id: g.string(), title: g.string(), version: Self.int(&g), cite: Self.maybe(&g) { $0.string() },
                description: Self.maybe(&g) { $0.string() }, fields: (0..<Int(g.next() % 4)).map { _ in Self.field(&g) },
                rules: Self.maybe(&g) { g in (0..<Int(g.next() % 4)).map { _ in Self.rule(&g) } })
            try Self.expectAsJSONEncoder(checklist)
            let quiz = QuizDefinition(
                id: g.string(), title: g.string(), version: Self.maybe(&g, Self.int), description: Self.maybe(&g) { $0.string() },
                passMark: Self.maybe(&g) { $0.number() }, questions: (0..<Int(g.next() % 5)).map { _ in Self.question(&g) })
            try Self.expectAsJSONEncoder(quiz)
        }
    }

    /// Numbers JSONEncoder refuses: the writer gives the value back, and `Canonical.json` still refuses it.
    @Test func refusedNumbersAreLeftToJSONEncoder() {
        for number in [Double.nan, .infinity, -.infinity] {
            let quiz = QuizDefinition(id: "q", title: "t", passMark: number, questions: [])
            #expect(DefinitionJSON.bytes(quiz) == nil)
            #expect(throws: (any Error).self) { try Canonical.json(quiz) }
            let nested = QuizDefinition(id: "q", title: "t", questions: [Question(id: "a", type: .fill, prompt: "p", answer: .array([.number(number)]))])
            #expect(DefinitionJSON.bytes(nested) == nil)
            #expect(throws: (any Error).self) { try Canonical.json(nested) }
        }
    }
}
