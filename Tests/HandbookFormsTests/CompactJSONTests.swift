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
