import Foundation
import Testing
@testable import HandbookForms

struct JSONParserTests {
    static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func parsesWhatJSONDecoderParses() throws {
        let samples = [
            #"{"form":"complaint-record","formVersion":1,"values":{"items":[{"qty":30.5,"ok":true,"n":null}],"e":-1.25e3}}"#,
            #"["\u6295\u8bc9","\ud83d\ude00","a\"b\\c\/d\n\t", "投诉 三个工作日"]"#,
            "  \u{FEFF}{}".replacingOccurrences(of: "\u{FEFF}", with: ""),
            "0", "-0.5", "[[], {}]",
        ]
        for sample in samples {
            let ours = try Self.parse(sample)
            let reference = try JSONDecoder().decode(JSONValue.self, from: Data(sample.utf8))
            #expect(ours == reference, "\(sample)")
        }
        #expect(try Self.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "quoted key"),
        ("{\"a\" 1}", 1, 6, "`:`"),
        ("[1, 2", 1, 6, "`]`"),
        ("{\"a\": 01}", 1, 7, "leading zeros"),
        ("{\"a\": \"x\ny\"}", 1, 9, "control character"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "appears twice"),
        ("{\n  \"值\": tru\n}", 2, 8, "`true`"),
        ("{} x", 1, 4, "after the JSON value"),
        ("", 1, 1, "end of the text"),
        ("\"\\ud800\"", 1, 8, "surrogate"),
        ("1e999", 1, 6, "out of range"),
    ])
    func errorsSayWhere(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(text): \(error)")
            #expect(error.message.contains(message), "\(text): \(error)")
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try Self.parse(deep) }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try Self.parse(ok) }
    }
}

/// The generated calendar equals the project's per-year data files (Sources/HandbookForms/CalendarData).
struct CalendarDataFilesTests {
    @Test(arguments: [2023, 2024, 2025, 2026])
    func generatedDataMatchesTheYearFile(year: Int) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HandbookForms/CalendarData/\(year).json")
        let file = try JSONParser.parse(Array(try Data(contentsOf: url)))
        guard case .object(let top) = file, case .array(let days)? = top["days"] else {
            Issue.record("\(year).json has no days")
            return
        }
        var holidays: Set<String> = [], workdays: Set<String> = []
        for case .object(let day) in days {
            guard let date = day["date"]?.stringValue, let off = day["isOffDay"]?.boolValue else { continue }
            if off { holidays.insert(date) } else { workdays.insert(date) }
        }
        let data = try #require(WorkingCalendar.officialData[year])
        #expect(Set(data.holidays) == holidays)
        #expect(Set(data.workdays) == workdays)
        #expect(top["papers"]?.arrayValue?.isEmpty == false)
    }
}
