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

    /// The byte path for ASCII and CJK text gives what the Unicode path gives, on random headings.
    @Test func plainSlugsEqualUnicodeSlugs() {
        var rng = SplitMix(seed: 7)
        let pieces = ["投诉", "处理", "第", "条", "一", "龥", "一", "A", "z", "Q", "0", "9", "_", "-", " ", "&", ".", "(", "#", "\t", "~", "Ab"]
        for _ in 0..<3000 {
            let text = (0..<rng.next(9)).map { _ in pieces[rng.next(pieces.count)] }.joined()
            let plain = HeadingIDGenerator.plainSlug(text)
            #expect(plain == HeadingIDGenerator.unicodeSlug(text), "\(text)")
        }
        // Anything outside ASCII and U+4E00–U+9FFF goes the Unicode way.
        for text in ["Ａ级", "客户（按）", "é", "㐀", "ꀀ", "😀"] { #expect(HeadingIDGenerator.plainSlug(text) == nil) }
        #expect(HeadingIDGenerator.clauseID("第12条 送货") == "第12条")
        #expect(HeadingIDGenerator.clauseID("第12章") == nil)
        #expect(HeadingIDGenerator.clauseID("第条") == nil)
    }

    /// Ids are told apart byte for byte, as a browser matches a fragment: canonically equal but differently
    /// written ids are two ids (String's `==` would call them one).
    @Test func idsAreExactStrings() {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        var ids = HeadingIDGenerator()
        #expect(ids.makeID(for: "x", explicit: composed) == composed)
        #expect(ids.makeID(for: "x", explicit: decomposed) == decomposed)
        var anchors: AnchorSet = [composed]
        #expect(anchors.contains(composed) && !anchors.contains(decomposed))
        let inserted = anchors.insert(decomposed)
        #expect(inserted)
        #expect(anchors.count == 2 && Set(anchors) == [composed])
    }
}

