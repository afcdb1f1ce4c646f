import Foundation
@testable import HandbookSearch
import Synchronization
import Testing

// MARK: - Shared helpers (any sections + any queries)

struct QueryCase: Codable, Sendable {
    var query: String
    var expectURLContains: String
}

enum Fixtures {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repo = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let browserFixture = repo.appendingPathComponent("Tests/browser/fixtures/search")

    /// The sections to evaluate: $HANDBOOK_SEARCH_SECTIONS (a JSON array of SearchSection-shaped
    /// objects, e.g. dumped by the generator for the real handbook) or the fixture sections
    /// (Tests/browser/fixtures/search/sections.json, shared with the browser test).
    static func sections() throws -> [SearchSection] {
        let path = ProcessInfo.processInfo.environment["HANDBOOK_SEARCH_SECTIONS"]
            ?? browserFixture.appendingPathComponent("sections.json").path
        return try decodeSections(Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func fixtureSections() throws -> [SearchSection] {
        try decodeSections(Data(contentsOf: browserFixture.appendingPathComponent("sections.json")))
    }

    static func decodeSections(_ data: Data) throws -> [SearchSection] {
        struct S: Codable { var pageTitle, heading, breadcrumb, url, text: String }
        return try JSONDecoder().decode([S].self, from: data).map {
            SearchSection(pageTitle: $0.pageTitle, heading: $0.heading, breadcrumb: $0.breadcrumb, url: $0.url, text: $0.text)
        }
    }

    /// $HANDBOOK_SEARCH_QUERIES or the fixture's own queries (Tests/browser/fixtures/search/queries.json).
    /// The real handbook's query set is evaluated by HandbookCoreTests on the real content.
    static func queries() throws -> [QueryCase] {
        let path = ProcessInfo.processInfo.environment["HANDBOOK_SEARCH_QUERIES"]
            ?? browserFixture.appendingPathComponent("queries.json").path
        return try JSONDecoder().decode([QueryCase].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

struct Evaluation {
    var total = 0
    var hits = 0
    var misses: [String] = []
    var rate: Double { total == 0 ? 0 : Double(hits) / Double(total) }
}

/// Top-k hit rate of `queries` over `sections`.
func evaluate(_ sections: [SearchSection], _ queries: [QueryCase], k: Int = 3) -> Evaluation {
    let engine = SearchEngine(sections)
    var e = Evaluation()
    for q in queries {
        e.total += 1
        let top = engine.search(q.query, limit: k)
        if top.contains(where: { $0.url.contains(q.expectURLContains) }) {
            e.hits += 1
        } else {
            e.misses.append("\(q.query) → want \(q.expectURLContains), got \(top.map(\.url))")
        }
    }
    return e
}

/// The JSON message inside a generated index file.
func message(_ contents: String) throws -> [String: Any] {
    let prefix = "(window.HandbookSearchQ=window.HandbookSearchQ||[]).push("
    #expect(contents.hasPrefix(prefix))
    #expect(contents.hasSuffix(");\n"))
    let json = contents.dropFirst(prefix.count).dropLast(3)
    return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
}

/// Decodes a postings string (format in IndexEmitter.swift) into (section, bits) pairs.
func decodePostings(_ s: String) -> [(Int, Int)] {
    let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")
    var out: [(Int, Int)] = []
    var v = 0, shift = 0, prev = -1
    for ch in s {
        let c = alphabet.firstIndex(of: ch)!
        if c >= 32 { v |= (c - 32) << shift; shift += 5 } else {
            v |= c << shift
            let sid = prev + 1 + (v >> 4)
            out.append((sid, v & 15))
            prev = sid
            v = 0
            shift = 0
        }
    }
    return out
}

/// Random text over every character class (CJK numerals and classifiers, 第, Latin and full-width letters,
/// digits, white space, punctuation, zero-width characters, kana, Hangul, supplementary ideographs).
struct RandomText {
    static let alphabet = Array("一二三四五六七八九十百千万零〇两第个天条年客户投诉合同aBcZé0123ＡＢ１２ÀÉß×÷Ā  \u{3000}\t\n，。,.!»\u{200B}\u{AD}カタ한𠀋")
    var rng: UInt64

    init(seed: UInt64) { rng = seed }

    mutating func random(_ n: Int) -> Int {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        return Int(truncatingIfNeeded: rng >> 33) % n
    }

    /// Up to `maxLength` characters.
    mutating func text(_ maxLength: Int) -> String {
        let n = random(maxLength + 1)
        return String((0..<n).map { _ in Self.alphabet[random(Self.alphabet.count)] })
    }
}

/// Realistic synthetic sections for size and speed checks.
func syntheticSections(pages: Int, sectionsPerPage: Int = 3, seed: UInt64 = 42) -> [SearchSection] {
    let phrases = [
        "客户投诉须在三个工作日内提出解决方案", "试驾前必须签署试驾协议", "销售合同一式三份",
        "服务顾问负责接车并登记行驶里程", "退款经财务经理签字后原路退回", "二十四小时道路救援",
        "新员工须参加岗前培训", "客户资料不得外传", "发票遗失可申请补开", "召回车辆免费更换零部件",
        "按公司规定的固定路线进行", "首问责任人负责跟进直至问题解决", "客户满意度评分与绩效挂钩",
        "录音文件保存六个月", "VIP客户享受优先服务", "配件库存每周盘点一次", "交车前完成PDI检查",
        "延保产品须向客户说明条款", "二手车置换须评估车况", "保险理赔协助客户报案",
    ]
    let words = Array("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
    var rng = seed
    func next() -> Int {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        return Int(truncatingIfNeeded: rng >> 33)
    }
    var sections: [SearchSection] = []
    sections.reserveCapacity(pages * sectionsPerPage)
    for p in 0..<pages {
        let title = "第\(p + 1)章 " + String((0..<4).map { _ in words[next() % words.count] })
        for s in 0..<sectionsPerPage {
            let heading = "第\(p * sectionsPerPage + s + 1)条 " + String((0..<5).map { _ in words[next() % words.count] })
            var text = ""
            for _ in 0..<8 {
                text += phrases[next() % phrases.count] + "，"
                text += String((0..<(20 + next() % 30)).map { _ in words[next() % words.count] }) + "。"
            }
            sections.append(SearchSection(pageTitle: title, heading: heading, breadcrumb: title + " » " + heading,
                                          url: "p\(p).html#s\(s)", text: text))
        }
    }
    return sections
}

// MARK: - Normalisation

@Suite struct NormalizerTests {
    @Test func bigramsForHanText() {
        #expect(SearchNormalizer.queryTokens("试驾协议") == [[["试驾", "驾协", "协议"]]])
        #expect(SearchNormalizer.queryTokens("驾") == [[["驾"]]])
    }

    @Test func spacesAndPunctuationSplitTerms() {
        #expect(SearchNormalizer.queryTokens("合同，一式三份") == SearchNormalizer.queryTokens("合同 一式三份"))
        #expect(SearchNormalizer.queryTokens("合同、一式三份").count == 2)
        #expect(SearchNormalizer.queryTokens("“投诉”！？").count == 1)
        #expect(SearchNormalizer.queryTokens("  ，。 ").isEmpty)
    }

    @Test func fullWidthAndCase() {
        #expect(SearchNormalizer.queryTokens("ＣＲＭ") == [[["crm"]]])
        #expect(SearchNormalizer.queryTokens("ＶＩＰ客户") == SearchNormalizer.queryTokens("vip客户"))
        #expect(SearchNormalizer.queryTokens("２４小时") == SearchNormalizer.queryTokens("24小时"))
        #expect(SearchNormalizer.queryTokens("Crm　权限") == SearchNormalizer.queryTokens("crm 权限"))
    }

    @Test func chineseNumbers() {
        // The canonical variant of 三个工作日 equals the only variant of 3个工作日.
        let zh = SearchNormalizer.queryTokens("三个工作日")
        let ar = SearchNormalizer.queryTokens("3个工作日")
        #expect(zh[0].count == 2)
        #expect(zh[0][1] == ar[0][0])
        #expect(SearchNormalizer.queryTokens("二十四小时")[0][1] == SearchNormalizer.queryTokens("24小时")[0][0])
        #expect(SearchNormalizer.queryTokens("一百零五元")[0][1] == SearchNormalizer.queryTokens("105元")[0][0])
        #expect(SearchNormalizer.queryTokens("一万二千")[0][1] == [["12000"]][0])
        #expect(SearchNormalizer.queryTokens("第三条")[0][1] == SearchNormalizer.queryTokens("第3条")[0][0])
        // A lone 一 in ordinary words stays a character.
        #expect(SearchNormalizer.queryTokens("统一").count == 1)
        #expect(SearchNormalizer.queryTokens("统一")[0].count == 1)
    }

    @Test func numbersMatchEitherWay() {
        let sections = [
            SearchSection(pageTitle: "A", heading: "h1", breadcrumb: "A", url: "a.html#1", text: "须在三个工作日内答复"),
            SearchSection(pageTitle: "B", heading: "h2", breadcrumb: "B", url: "b.html#2", text: "提供24小时救援"),
            SearchSection(pageTitle: "C", heading: "h3", breadcrumb: "C", url: "c.html#3", text: "其他内容"),
        ]
        let engine = SearchEngine(sections)
        #expect(engine.search("3个工作日").first?.url == "a.html#1")
        #expect(engine.search("三个工作日").first?.url == "a.html#1")
        #expect(engine.search("二十四小时").first?.url == "b.html#2")
        #expect(engine.search("十四").isEmpty)  // a sub-numeral of 24 written as digits does not match
        #expect(engine.search("工作").first?.url == "a.html#1")
        #expect(engine.search("作日").first?.url == "a.html#1")
    }
}

// MARK: - Ranking and the query set

@Suite struct RankingTests {
    @Test func anySubstringOfTwoOrMoreCharactersMatches() throws {
        let sections = try Fixtures.fixtureSections()
        let engine = SearchEngine(sections)
        let text = Array(sections[16].text.unicodeScalars)
        for start in stride(from: 0, to: text.count - 6, by: 5) {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: text[start..<(start + 4)])
            let q = String(s)
            let hits = engine.search(q, limit: 100)
            #expect(hits.contains { $0.section == 16 }, "substring \(q)")
        }
    }

    @Test func headingBeatsBodyAndPhraseBeatsScattered() {
        let sections = [
            SearchSection(pageTitle: "P", heading: "其他", breadcrumb: "P", url: "p.html#body", text: "本节提到退款。"),
            SearchSection(pageTitle: "P", heading: "退款", breadcrumb: "P", url: "p.html#heading", text: "说明。"),
            SearchSection(pageTitle: "Q", heading: "甲", breadcrumb: "Q", url: "q.html#scattered", text: "客户投诉。处理时间。"),
            SearchSection(pageTitle: "Q", heading: "乙", breadcrumb: "Q", url: "q.html#phrase", text: "客户投诉处理时间。"),
        ]
        let engine = SearchEngine(sections)
        #expect(engine.search("退款").map(\.url) == ["p.html#heading", "p.html#body"])
        #expect(engine.search("投诉处理时间").first?.url == "q.html#phrase")
    }

    @Test func moreMatchedBigramsRankHigher() {
        let sections = [
            SearchSection(pageTitle: "P", heading: "a", breadcrumb: "P", url: "p.html#few", text: "合同签订。"),
            SearchSection(pageTitle: "P", heading: "b", breadcrumb: "P", url: "p.html#all", text: "合同签订须本人签字。"),
        ]
        #expect(SearchEngine(sections).search("合同签订 本人签字").first?.url == "p.html#all")
    }

    @Test func queryTopThreeHitRate() throws {
        let queries = try Fixtures.queries()
        #expect(queries.count >= 30)
        let e = evaluate(try Fixtures.sections(), queries)
        print("search query set: \(e.hits)/\(e.total) in top 3 (\(Int(e.rate * 100))%)")
        for m in e.misses { print("  miss: \(m)") }
        #expect(e.rate >= 0.9, "misses: \(e.misses)")
    }

    @Test func emptyAndUnknownQueries() throws {
        let engine = SearchEngine(try Fixtures.fixtureSections())
        #expect(engine.search("").isEmpty)
        #expect(engine.search("，。！").isEmpty)
        #expect(engine.search("量子纠缠").isEmpty)
    }
}

// MARK: - Emitted files

@Suite struct EmitterTests {
    @Test func singleFileIndexRoundTrips() throws {
        let sections = try Fixtures.fixtureSections()
        let out = SearchIndexBuilder.build(sections)
        #expect(out.files.map(\.path) == ["assets/search-index.js"])
        let msg = try message(out.files[0].contents)
        #expect(msg["k"] as? String == "i")
        #expect(msg["n"] as? Int == sections.count)
        #expect(msg["ts"] as? Int == 0)
        let tokens = try #require(msg["t"] as? [String: String])
        let p = decodePostings(try #require(tokens["投诉"]))
        #expect(p.contains { $0.0 == 15 && $0.1 & 2 != 0 })  // heading hit in 第31条 投诉受理
        #expect(p.map(\.0) == p.map(\.0).sorted())
        let docs = try #require(msg["d"] as? [String: Any])
        let rows = try #require(docs["s"] as? [[Any]])
        #expect(rows.count == sections.count)
        #expect(rows[8][3] as? String == "03-test-drive.html#第9条")
    }

    @Test func escapingIsSafe() throws {
        let nasty = "引号\"反斜杠\\ </script> \u{2028}换行\n制表\t\u{01}"
        let out = SearchIndexBuilder.build([SearchSection(pageTitle: nasty, heading: nasty, breadcrumb: nasty, url: "a.html#x", text: nasty)])
        let msg = try message(out.files[0].contents)
        let docs = try #require(msg["d"] as? [String: Any])
        #expect((docs["p"] as? [String])?.first == nasty)
        #expect(!out.files[0].contents.contains("\u{2028}"))
    }

    @Test func shardedIndexCoversEveryToken() throws {
        let sections = syntheticSections(pages: 60)
        let single = try message(SearchIndexBuilder.build(sections).files[0].contents)
        let out = SearchIndexBuilder.build(sections, shardThreshold: 50)
        let base = try message(try #require(out.files.first { $0.path == "assets/search-index.js" }).contents)
        let ts = try #require(base["ts"] as? Int)
        let dn = try #require(base["dn"] as? Int)
        #expect(ts >= 1)
        #expect(base["t"] == nil)
        var merged: [String: String] = [:]
        for n in 0..<ts {
            let m = try message(try #require(out.files.first { $0.path == "assets/search/shard-\(n).js" }).contents)
            #expect(m["i"] as? Int == n)
            for (k, v) in try #require(m["t"] as? [String: String]) { merged[k] = v }
        }
        #expect(merged == single["t"] as? [String: String])
        var rows = 0
        for n in 0..<dn {
            let m = try message(try #require(out.files.first { $0.path == "assets/search/docs-\(n).js" }).contents)
            let d = try #require(m["d"] as? [String: Any])
            #expect(d["o"] as? Int == rows)
            rows += (d["s"] as? [Any])?.count ?? 0
        }
        #expect(rows == sections.count)
    }

    /// The usual breadcrumbs ("title » heading", or the title alone) are not tokenised again; the tokens,
    /// and their order, must be those of a breadcrumb in another form with the same words.
    @Test func usualBreadcrumbsGiveTheTokensOfAnyOther() throws {
        func tokens(_ crumb: (SearchSection) -> String) throws -> Substring {
            let sections = try Fixtures.fixtureSections().map {
                SearchSection(pageTitle: $0.pageTitle, heading: $0.heading, breadcrumb: crumb($0), url: $0.url, text: $0.text)
            }
            let contents = SearchIndexBuilder.build(sections).files[0].contents
            let start = try #require(contents.range(of: "\"t\":")), end = try #require(contents.range(of: ",\"d\":"))
            return contents[start.upperBound..<end.lowerBound]
        }
        // Two spaces before » do not change the tokens but defeat the shortcut.
        #expect(try tokens { $0.pageTitle + " » " + $0.heading } == tokens { $0.pageTitle + "  » " + $0.heading })
        #expect(try tokens { $0.pageTitle } == tokens { $0.pageTitle + " " })
    }

    @Test func outputIsDeterministic() throws {
        let sections = try Fixtures.fixtureSections()
        #expect(SearchIndexBuilder.build(sections).files[0].contents == SearchIndexBuilder.build(sections).files[0].contents)
    }
}

// MARK: - Browser fixture (generated from the Swift side; the browser test compares JS against it)

@Suite struct BrowserFixtureTests {
    /// Writes or checks Tests/browser/fixtures/search/{assets/search-index.js, expected.json}.
    /// Set HANDBOOK_SEARCH_WRITE_FIXTURES=1 to regenerate after changing the index or ranking.
    @Test func browserFixtureIsUpToDate() throws {
        let sections = try Fixtures.fixtureSections()
        let queries = try Fixtures.queries()
        let index = SearchIndexBuilder.build(sections).files[0].contents
        let engine = SearchEngine(sections)
        let extra = ["", "  ", "ＣＲＭ　权限", "VIP客户", "第三十二条", "二〇二五年", "一万二千元", "两小时内",
                     "“投诉”，处理！", "café Ärger", "合同—一式三份", "iso9001认证", "3.5万", "十分", "千万不要",
                     "𠀋𠀌", "ｶﾀｶﾅ かな", "한국어"]
        var cases: [[String: Any]] = []
        for q in queries.map(\.query) + extra {
            cases.append([
                "query": q,
                "tokens": SearchNormalizer.queryTokens(q),
                "top": engine.search(q, limit: 5).map(\.url),
            ])
        }
        let expected = try JSONSerialization.data(withJSONObject: cases, options: [.prettyPrinted, .sortedKeys])
        let files: [(URL, Data)] = [
            (Fixtures.browserFixture.appendingPathComponent("assets/search-index.js"), Data(index.utf8)),
            (Fixtures.browserFixture.appendingPathComponent("expected.json"), expected),
        ]
        let write = ProcessInfo.processInfo.environment["HANDBOOK_SEARCH_WRITE_FIXTURES"] == "1"
        for (url, data) in files {
            if write {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            } else {
                let current = try? Data(contentsOf: url)
                #expect(current == data, "\(url.path) is stale: run with HANDBOOK_SEARCH_WRITE_FIXTURES=1")
            }
        }
    }
}

// MARK: - Chunked indexing

@Suite struct ChunkedIndexTests {
    /// An index of more than one chunk (word ids renumbered on merge) ranks like a one-chunk index:
    /// with every section copied k times, each query's best hit is a copy of the one-chunk index's best hit.
    @Test func mergedChunksRankLikeOneChunk() throws {
        let base = try Fixtures.fixtureSections()
        let copies = SearchIndex.chunkSize * 2 / base.count + 2
        var many: [SearchSection] = []
        for copy in 0..<copies {
            for s in base { many.append(SearchSection(pageTitle: s.pageTitle, heading: s.heading, breadcrumb: s.breadcrumb, url: "\(copy)/" + s.url, text: s.text)) }
        }
        #expect(many.count > SearchIndex.chunkSize * 2)
        let one = SearchEngine(base), merged = SearchEngine(many)
        let queries = try Fixtures.queries().map(\.query) + ["VIP客户", "ISO9001", "crm 权限", "3.5万"]
        var compared = 0
        for q in queries {
            let expected = one.search(q, limit: 10)
            guard !expected.isEmpty else { continue }
            let scores = Dictionary(expected.map { ($0.url, $0.score) }, uniquingKeysWith: max)
            // Every copy of a section scores what the section scores in the one-chunk index (within the
            // 30 candidates the engine re-ranks for exact phrases).
            let hits = merged.search(q, limit: 30)
            #expect(hits.count == min(30, expected.count * copies), "\(q)")
            for hit in hits {
                let original = String(hit.url.split(separator: "/", maxSplits: 1).last ?? "")
                #expect(scores[original].map { abs($0 - hit.score) < 1e-9 } == true, "\(q): \(hit.url) \(hit.score) vs \(String(describing: scores[original]))")
            }
            compared += 1
        }
        #expect(compared >= 20)
    }
}

// MARK: - The indexer against Normalizer

@Suite struct IndexerTests {
    /// Token → postings as the straightforward indexer computes them: Normalizer.segments and
    /// canonical per field, a Dictionary of token strings per section.
    static func referencePostings(_ sections: [SearchSection]) -> [String: [UInt32]] {
        var result: [String: [UInt32]] = [:]
        for (sid, section) in sections.enumerated() {
            var local: [String: UInt32] = [:]
            func add(_ token: String, _ bit: UInt32, _ increment: UInt32) {
                local[token] = local[token].map { ($0 | bit) &+ increment } ?? bit | increment
            }
            func addSegment(_ segment: [HandbookSearch.Unit], _ bit: UInt32, counting: Bool) {
                let increment: UInt32 = counting ? 0x100 : 0
                for (i, u) in segment.enumerated() {
                    add(u.string, bit, increment)
                    if i > 0 && (segment[i - 1].isHan || u.isHan) { add(segment[i - 1].string + u.string, bit, increment) }
                }
            }
            for (text, bit) in [(section.pageTitle, FieldBit.title), (section.breadcrumb, FieldBit.title),
                                (section.heading, FieldBit.heading), (section.text, FieldBit.body)] {
                for segment in Normalizer.segments(text, query: false) {
                    addSegment(segment, bit, counting: bit == FieldBit.body)
                    if let canonical = Normalizer.canonical(segment) { addSegment(canonical, bit, counting: false) }
                }
            }
            for (token, value) in local {
                result[token, default: []].append(UInt32(sid) << 4 | value & 7 | (value >> 8 >= 3 ? FieldBit.frequent : 0))
            }
        }
        return result
    }

    /// Random text over every character class (CJK numerals and classifiers, 第, Latin and full-width
    /// letters, digits, white space, punctuation, zero-width characters, kana, Hangul, supplementary
    /// ideographs), in sections of several chunks, with breadcrumbs of the usual forms and others.
    @Test func indexHasTheTokensOfNormalizer() {
        var r = RandomText(seed: 7)
        func random(_ n: Int) -> Int { r.random(n) }
        func text(_ maxLength: Int) -> String { r.text(maxLength) }
        let sections = (0..<(SearchIndex.chunkSize * 2 + 300)).map { i in
            let title = text(8), heading = text(8)
            let breadcrumb = [title, title + " » " + heading, text(12)][random(3)]
            return SearchSection(pageTitle: title, heading: heading, breadcrumb: breadcrumb, url: "\(i).html", text: text(120))
        }
        let engine = SearchEngine(sections)
        let expected = IndexerTests.referencePostings(sections)
        #expect(engine.tokens.count == expected.count)
        for (token, postings) in expected where engine.tokens[token] != postings {
            Issue.record("\(token): \(String(describing: engine.tokens[token])) != \(postings)")
        }
    }
}

// MARK: - Byte identity

@Suite struct ByteIdentityTests {
    /// FNV-1a (64-bit) over every emitted file's path and contents, in order.
    static func digest(_ out: SearchIndexOutput) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for file in out.files {
            for b in file.path.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            h = h &* 0x100_0000_01B3
            for b in file.contents.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            h = h &* 0x100_0000_01B3
        }
        return h
    }

    /// search.js reads these files, so a faster builder must write the very same bytes. The digests are
    /// those of the straightforward Dictionary/String implementation this one replaced, for inputs of
    /// several chunks that are sharded: synthetic Chinese text with numbers, and the fixture sections
    /// (Latin words, full-width letters, Chinese numerals) copied 60 times.
    @Test func emittedFilesMatchTheReferenceImplementation() throws {
        #expect(ByteIdentityTests.digest(SearchIndexBuilder.build(syntheticSections(pages: 1000))) == 0x13A5_8FBE_8CEB_C8EF)
        let base = try Fixtures.fixtureSections()
        var many: [SearchSection] = []
        for copy in 0..<60 {
            for s in base {
                many.append(SearchSection(pageTitle: s.pageTitle, heading: s.heading, breadcrumb: s.breadcrumb, url: "\(copy)/" + s.url, text: s.text))
            }
        }
        #expect(ByteIdentityTests.digest(SearchIndexBuilder.build(many)) == 0xE1DB_5474_43C7_0C64)
    }

    /// No sections, sections without a single token, a shard with no tokens, more shards than tokens.
    @Test func edgeCasesMatchTheReferenceImplementation() {
        let blank = SearchSection(pageTitle: "", heading: "", breadcrumb: "", url: "", text: "")
        let punctuation = SearchSection(pageTitle: "，", heading: "。", breadcrumb: "——", url: "a.html", text: " ！？ \n ")
        let one = SearchSection(pageTitle: "P", heading: "h", breadcrumb: "P » h", url: "p.html", text: "第三条 一")
        let few = (0..<40).map { i in SearchSection(pageTitle: "页\(i)", heading: "节\(i)", breadcrumb: "x", url: "\(i)", text: "内容\(i)") }
        let cases: [(SearchIndexOutput, UInt64)] = [
            (SearchIndexBuilder.build([]), 0xF42A_5899_2C02_D07B),
            (SearchIndexBuilder.build([blank, blank]), 0x823E_5DCB_A2B4_DA41),
            (SearchIndexBuilder.build([punctuation]), 0x79A1_3983_CA2A_E052),
            (SearchIndexBuilder.build([punctuation, blank, punctuation], shardThreshold: 0), 0x6A33_FCDA_18B6_B333),
            (SearchIndexBuilder.build([one, punctuation], shardThreshold: 1), 0x8464_8C83_D373_79C0),
            (SearchIndexBuilder.build(few, shardThreshold: 0), 0xF410_D153_9AAD_D1E9),
        ]
        for (n, (out, expected)) in cases.enumerated() {
            #expect(ByteIdentityTests.digest(out) == expected, "case \(n)")
        }
    }

    /// Strings that are canonically equivalent (`==`) but have other scalars, so other tokens: a
    /// breadcrumb like that is still tokenised, while pages are still told apart as by `==`.
    @Test func canonicallyEquivalentTitlesMatchTheReferenceImplementation() {
        let composed = "Café 第三条", decomposed = "Cafe\u{301} 第三条"
        let sections = [
            SearchSection(pageTitle: composed, heading: "规定", breadcrumb: decomposed, url: "a.html", text: "内容"),
            SearchSection(pageTitle: decomposed, heading: "规定", breadcrumb: decomposed + " » 规定", url: "b.html", text: "内容"),
            SearchSection(pageTitle: composed, heading: "x", breadcrumb: composed + " » x", url: "c.html", text: "y"),
        ]
        #expect(ByteIdentityTests.digest(SearchIndexBuilder.build(sections)) == 0xA6F9_AE4E_518B_8B05)
    }

    /// Strings that need escaping (quotes, backslashes, control characters, U+2028/2029) next to
    /// ones that only look like it (other E2 sequences), and full-width and Latin-1 letters.
    @Test func escapedFilesMatchTheReferenceImplementation() {
        let nasty = "引号\"反斜杠\\ </script> \u{2028}换行\n制表\t\u{01}\r\u{7F}\u{2029}—“quote”x"
        let odd = "a\u{2028}\u{2029}\u{202A}b\u{7F}\u{1F} Ｆｕｌｌ ÀÉÎ ß"
        let sections = (0..<1100).map { i in
            SearchSection(pageTitle: nasty + "\(i % 7)", heading: odd + "\(i)", breadcrumb: nasty,
                          url: "u\"\(i).html#\\x", text: i % 3 == 0 ? nasty : odd + nasty)
        }
        #expect(ByteIdentityTests.digest(SearchIndexBuilder.build(sections)) == 0xFF04_58FA_2771_91DE)
    }
}

// MARK: - The streamed index

@Suite struct StreamedIndexTests {
    /// Collects written files.
    final class Files: Sendable {
        let files = Mutex<[String: String]>([:])
        func write(_ path: String, _ contents: String) { files.withLock { $0[path] = contents } }
        /// Token shards come as bytes: they must be valid UTF-8 (a file that is not is kept as a marker, never equal to the expected text).
        func writeUTF8(_ path: String, _ contents: [UInt8]) {
            files.withLock { $0[path] = String(validating: contents, as: UTF8.self) ?? "<invalid UTF-8>" }
        }
    }

    /// Streams `sections` in parts of 0–7 sections, handed over in a shuffled order, and returns the paths and files.
    static func streamed(_ sections: [SearchSection], shardThreshold: Int = SearchIndexBuilder.defaultShardThreshold, chunkSize: Int,
                         store: any SpillStore = MemorySpillStore(), seed: UInt64 = 3) throws -> (paths: [String], files: [String: String]) {
        var rng = seed
        func random(_ n: Int) -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: rng >> 33) % n
        }
        var parts: [[SearchSection]] = []
        var i = 0
        while i < sections.count {
            let n = min(random(8), sections.count - i)
            parts.append(Array(sections[i..<(i + n)]))
            i += n
        }
        var order = Array(parts.indices)
        // Neighbours swap places, as pages finishing on two cores do.
        for j in stride(from: 0, to: order.count - 1, by: 2) where random(2) == 0 { order.swapAt(j, j + 1) }
        let files = Files()
        let stream = SearchIndexStream(shardThreshold: shardThreshold, chunkSize: chunkSize, store: store, write: files.write,
                                       writeUTF8: files.writeUTF8)
        for j in order { stream.add(part: j, parts[j]) }
        let paths = try stream.finish()
        return (paths, files.files.withLock { $0 })
    }

    static func expectSame(_ sections: [SearchSection], shardThreshold: Int = SearchIndexBuilder.defaultShardThreshold,
                           chunkSizes: [Int] = [64, 1024], _ label: String) throws {
        let expected = SearchIndexBuilder.build(sections, shardThreshold: shardThreshold)
        for chunkSize in chunkSizes {
            let (paths, files) = try streamed(sections, shardThreshold: shardThreshold, chunkSize: chunkSize)
            #expect(paths == expected.files.map(\.path), "\(label), chunks of \(chunkSize): paths")
            #expect(files.count == expected.files.count, "\(label), chunks of \(chunkSize): file count")
            for file in expected.files where files[file.path] != file.contents {
                Issue.record("\(label), chunks of \(chunkSize): \(file.path) differs")
            }
        }
    }

    @Test func sameFilesAsTheIndexBuiltInMemory() throws {
        try Self.expectSame(syntheticSections(pages: 1000), "synthetic")
        let base = try Fixtures.fixtureSections()
        var many: [SearchSection] = []
        for copy in 0..<60 {
            for s in base {
                many.append(SearchSection(pageTitle: s.pageTitle, heading: s.heading, breadcrumb: s.breadcrumb, url: "\(copy)/" + s.url, text: s.text))
            }
        }
        try Self.expectSame(many, "fixture sections ×60")
        let nasty = "引号\"反斜杠\\ </script> \u{2028}换行\n制表\t\u{01}\r\u{7F}\u{2029}—“quote”x"
        let escaped = (0..<1100).map { i in
            SearchSection(pageTitle: nasty + "\(i % 7)", heading: "a\u{2028}b Ｆｕｌｌ ÀÉÎ ß \(i)", breadcrumb: nasty,
                          url: "u\"\(i).html#\\x", text: i % 3 == 0 ? nasty : "第\(i)条 " + nasty)
        }
        try Self.expectSame(escaped, "escaped")
    }

    @Test func randomTextOfEveryCharacterClass() throws {
        var r = RandomText(seed: 11)
        func random(_ n: Int) -> Int { r.random(n) }
        func text(_ maxLength: Int) -> String { r.text(maxLength) }
        let sections = (0..<2500).map { i in
            let title = text(8), heading = text(8)
            return SearchSection(pageTitle: title, heading: heading, breadcrumb: [title, title + " » " + heading, text(12)][random(3)],
                                 url: "\(i).html", text: text(700))
        }
        try Self.expectSame(sections, "random text")
    }

    /// One file below the threshold, the threshold crossed late, a last chunk of one section, blank sections.
    @Test func edgeCases() throws {
        let blank = SearchSection(pageTitle: "", heading: "", breadcrumb: "", url: "", text: "")
        let punctuation = SearchSection(pageTitle: "，", heading: "。", breadcrumb: "——", url: "a.html", text: " ！？ \n ")
        let few = (0..<40).map { i in SearchSection(pageTitle: "页\(i)", heading: "节\(i)", breadcrumb: "x", url: "\(i)", text: "内容\(i)") }
        try Self.expectSame([], "none")
        try Self.expectSame([blank, blank], "blank")
        try Self.expectSame([punctuation, blank, punctuation], shardThreshold: 0, "punctuation, sharded")
        try Self.expectSame(few, shardThreshold: 0, "few, sharded")
        try Self.expectSame(few, "few, one file")
        let many = syntheticSections(pages: 43)  // 129 sections: two chunks of 64 and one of 1
        try Self.expectSame(many, shardThreshold: 100, chunkSizes: [64], "threshold crossed after the first chunk")
        try Self.expectSame(many, shardThreshold: 128, chunkSizes: [64], "threshold crossed by the last section")
        try Self.expectSame(many, shardThreshold: 129, chunkSizes: [64], "at the threshold: one file")
    }

    /// The store holds the postings, so memory need not; a store that fails makes `finish` throw.
    @Test func usesTheStoreAndReportsItsFailure() throws {
        let sections = syntheticSections(pages: 400)
        let store = MemorySpillStore()
        _ = try Self.streamed(sections, chunkSize: 256, store: store)
        #expect(store.size > 100_000)
        // The chunks' tokens and each partition's entries are released once read (this store refuses to read
        // what was released, so every test above also shows that nothing is read after its release).
        #expect(store.releasedCount > 256)

        final class FailingStore: SpillStore {
            let inner = MemorySpillStore()
            let appendsLeft: Mutex<Int>
            init(appends: Int) { appendsLeft = Mutex(appends) }
            func append(_ bytes: UnsafeRawBufferPointer) -> Int? {
                appendsLeft.withLock { n in
                    n -= 1
                    return n >= 0 ? inner.append(bytes) : nil
                }
            }
            func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool { inner.read(at: offset, into: buffer) }
        }
        for appends in [0, 2, 5, 70, 132] {
            #expect(throws: SearchIndexSpillError.self, "after \(appends) appends") {
                _ = try Self.streamed(sections, chunkSize: 256, store: FailingStore(appends: appends))
            }
        }
    }
}

// MARK: - Byte equality

@Suite struct UTF8BytesTests {
    @Test func sameMeansTheSameBytes() {
        // Canonically equivalent is not the same: é precomposed and e + combining acute.
        #expect("\u{E9}" == "e\u{301}")
        #expect(!UTF8Bytes.same("\u{E9}", "e\u{301}"))
        #expect(UTF8Bytes.same("", ""))
        // Lengths around the eight-byte steps, differing in the first, a middle and the last byte.
        for length in [1, 7, 8, 9, 15, 16, 17, 40] {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(65 + $0 % 26))) })
            #expect(UTF8Bytes.same(text, String(text)))
            for position in Set([0, length / 2, length - 1]) {
                var bytes = Array(text.utf8)
                bytes[position] ^= 0x20
                #expect(!UTF8Bytes.same(text, String(decoding: bytes, as: UTF8.self)), "length \(length), byte \(position)")
            }
            #expect(!UTF8Bytes.same(text, text + "x"))
        }
        #expect(UTF8Bytes.same("第31条 投诉处理时限", "第31条 投诉处理" + "时限"))
        #expect(!UTF8Bytes.same("第31条 投诉处理时限", "第31条 投诉处理时间"))
    }
}

@Suite struct UTF8BytesOrderTests {
    @Test func precedesIsByteOrder() {
        let words = ["", "a", "ab", "abc", "b", "Z", "z", "toc", "title", "第1条", "第10条", "第2条", "\u{E9}", "e\u{301}", "zzzzzzzzzzzzzzzzzz1", "zzzzzzzzzzzzzzzzzz2"]
        for a in words {
            for b in words {
                #expect(UTF8Bytes.precedes(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a) < \(b)")
            }
        }
    }
}
