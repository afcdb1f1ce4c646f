import Testing
@testable import HandbookCore

struct HeadingIDTests {
    @Test(arguments: [
        ("2. 投诉处理", "2-投诉处理"),
        ("第31条 投诉受理", "第31条"),
        ("第7条", "第7条"),
        ("Ａ级客户 & Latin Title", "a级客户-latin-title"),
        ("2024", "section-2024"),
        ("！！！", "section"),
        ("", "section"),
        ("客户分类（按销量）", "客户分类-按销量"),
        ("第十条 不是阿拉伯数字", "第十条-不是阿拉伯数字"),
    ])
    func slugs(text: String, expected: String) {
        var ids = HeadingIDGenerator()
        #expect(ids.makeID(for: text) == expected)
    }

    @Test func duplicatesGetSuffixes() {
        var ids = HeadingIDGenerator()
        #expect(ids.makeID(for: "投诉") == "投诉")
        #expect(ids.makeID(for: "投诉") == "投诉-2")
        #expect(ids.makeID(for: "投诉") == "投诉-3")
        #expect(ids.makeID(for: "投诉 2") == "投诉-2-2")
    }

    @Test func neverEmptyOrDigitsOnly() {
        var ids = HeadingIDGenerator()
        for text in ["1", "2.3", "--", "   ", "12-34"] {
            let id = ids.makeID(for: text)
            #expect(!id.isEmpty)
            #expect(!id.allSatisfy { $0.isNumber || $0 == "-" })
        }
    }

    @Test func explicitIDIsSplitOff() throws {
        let split = try #require(HeadingIDGenerator.explicitID(in: "适用范围 {#scope}"))
        #expect(split.text == "适用范围")
        #expect(split.id == "scope")
        #expect(HeadingIDGenerator.explicitID(in: "没有 id") == nil)
        #expect(HeadingIDGenerator.explicitID(in: "空 {#}") == nil)
    }
}
