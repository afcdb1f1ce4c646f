import Foundation
@testable import HandbookForms
import Testing
import Yams
@testable import HandbookCore

/// `DefinitionYAML.decode` decodes plain blocks with `PlainYAML` and `NodeDecoder` instead of `Yams.compose`
/// and `YAMLDecoder`. These tests hold the two ways side by side: same definitions, same diagnostics
/// (message, hint, line, column), same reference positions.
struct DefinitionDecodingTests {
    static func block(_ yaml: String, info: String) -> FencedBlock {
        FencedBlock(info: info, literal: yaml, pagePath: "ch/p.md", displayPath: "content/ch/p.md", contentLine: 12, contentColumn: 3)
    }

    /// What a block gave before the fast way: the default resolver and `YAMLDecoder`, then validation.
    static func before<T: Decodable>(_ type: T.Type, _ block: FencedBlock, validate: (T) -> [DefinitionIssue],
                                     cites: (T) -> [CiteReference]) -> String {
        let node: Node
        do {
            guard let composed = try YAMLParsing.compose(block.literal, file: block.displayPath, stage: .transform,
                                                         lineOffset: block.contentLine - 1), case .mapping = composed else {
                let notAMapping = Diagnostic(stage: .transform, file: block.displayPath, line: block.contentLine, column: block.contentColumn,
                                             message: "the \(block.info) block is empty or not a YAML mapping",
                                             hint: "write `id:`, `title:` and the rest as in docs/blocks.md")
                return "\([notAMapping])"
            }
            node = composed
        } catch {
            return "\(error.diagnostics)"
        }
        do {
            let value = try YAMLDecoder().decode(T.self, from: node)
            let issues = validate(value).map { DefinitionYAML.diagnostic($0, in: node, block: block) }
            let references = DefinitionYAML.references(cites(value), in: node, block: block).map { "\($0.target)@\($0.line):\($0.column)" }
            return "\(value)\n\(issues)\n\(references)"
        } catch {
            return "\([DefinitionYAML.diagnostic(DefinitionIssue(decodingError: error), in: node, block: block)])"
        }
    }

    static func now<T: Decodable>(_ type: T.Type, _ block: FencedBlock, validate: (T) -> [DefinitionIssue],
                                  cites: (T) -> [CiteReference]) -> String {
        do {
            let (value, tree) = try DefinitionYAML.decode(T.self, from: block)
            let issues = validate(value).map { DefinitionYAML.diagnostic($0, in: tree) }
            let references = DefinitionYAML.references(cites(value), in: tree).map { "\($0.target)@\($0.line):\($0.column)" }
            return "\(value)\n\(issues)\n\(references)"
        } catch {
            return "\(error.diagnostics)"
        }
    }

    /// Whether a fast way (the reader, or libyaml without tag resolution) takes the document.
    static func isPlain(_ yaml: String) -> Bool {
        PlainYAMLReader.read(yaml) != nil || PlainYAML.compose(yaml) != nil
    }

    static func checkChecklist(_ yaml: String) -> (same: Bool, plain: Bool, before: String, now: String) {
        let block = Self.block(yaml, info: "checklist")
        let a = before(ChecklistDefinition.self, block, validate: { $0.validate() }, cites: { $0.citeReferences() })
        let b = now(ChecklistDefinition.self, block, validate: { $0.validate() }, cites: { $0.citeReferences() })
        return (a == b, isPlain(yaml), a, b)
    }

    static func checkQuiz(_ yaml: String) -> (same: Bool, plain: Bool, before: String, now: String) {
        let block = Self.block(yaml, info: "quiz")
        let a = before(QuizDefinition.self, block, validate: { $0.validate() }, cites: { $0.citeReferences() })
        let b = now(QuizDefinition.self, block, validate: { $0.validate() }, cites: { $0.citeReferences() })
        return (a == b, isPlain(yaml), a, b)
    }

    static let checklist = """
        id: form-1
        title: 投诉处理记录
        version: 1
        cite: "#第1条"
        fields:
          - {id: receivedAt, type: datetime, label: 受理时间, required: true, cite: "#第2条"}
          - {id: ourFault, type: yesno, label: 是否我方责任, required: yes}
          - {id: solvedAt, type: datetime, label: 提出方案时间, requiredIf: {field: ourFault, equals: true}}
          - {id: kind, type: choice, label: 投诉类别, options: [质量, 服务, 交付], other: true, visibleIf: {field: ourFault, in: [true, "no", 3]}}
          - {id: many, type: multichoice, label: 多选, options: [甲, 乙], minSelected: 1, maxSelected: 2}
          - {id: score, type: rating, label: 满意度, labels: [差, 中, 好]}
          - id: items
            type: group
            label: 投诉项目
            help: |
              多行
              说明
            repeat: {min: 1, max: 5}
            fields:
              - {id: product, type: text, label: 产品, required: true, maxLength: 0x40}
              - {id: qty, type: number, label: 数量, min: 0, max: 1_000.5, integer: true, unit: 吨}
        rules:
          - {id: r1, type: deadline, from: receivedAt, to: solvedAt, within: {workingDays: 3}, when: {field: ourFault, equals: true}, message: 须在3个工作日内提出方案, cite: "#第3条"}
          - {id: r2, type: order, first: receivedAt, then: solvedAt, when: {all: [{field: ourFault, isSet: true}, {any: []}]}}
          - {id: r3, type: atLeastOne, fields: [receivedAt, kind]}
          - {id: r4, type: equalsWhen, field: kind, value: {a: [1, ~, off]}, when: {field: kind, not: ~}}
          - {id: r5, type: deadline, from: receivedAt, to: solvedAt, within: {sameDay: true}}
        """

    static let quiz = """
        id: quiz-1
        title: 自测
        version: 2
        passMark: 75.5
        questions:
          - {id: q1, type: single, prompt: 多长时间内答复？, options: [12小时, 24小时], answer: 24小时, explanation: 见本条。, cite: "#第1条"}
          - {id: q2, type: truefalse, prompt: 当天上报。, answer: true, weight: 2}
          - {id: q3, type: multiple, prompt: 哪些上报？, options: [质量, 服务, 天气], answer: [质量, 服务], partialCredit: true}
          - {id: q4, type: fill, prompt: 几小时？, answer: ["24", 24, 二十四]}
          - id: q5
            type: order
            prompt: 排序
            items: [受理, 调查, 处理]
        """

    /// Block-level problems whose diagnostics come from decoding, each on a plain document.
    static let badChecklists: [String] = [
        checklist.replacingOccurrences(of: "version: 1", with: "version: \"1\""),
        checklist.replacingOccurrences(of: "version: 1", with: "version: 1.5"),
        checklist.replacingOccurrences(of: "version: 1", with: "version: [1]"),
        checklist.replacingOccurrences(of: "version: 1", with: "version: {v: 1}"),
        checklist.replacingOccurrences(of: "version: 1", with: "version:"),
        checklist.replacingOccurrences(of: "version: 1\n", with: ""),
        checklist.replacingOccurrences(of: "title: 投诉处理记录", with: "title: [投诉]"),
        checklist.replacingOccurrences(of: "title: 投诉处理记录", with: "title: {a: b}"),
        checklist.replacingOccurrences(of: "title: 投诉处理记录", with: "title: ~"),
        checklist.replacingOccurrences(of: "type: datetime, label: 受理时间", with: "type: colour, label: 受理时间"),
        checklist.replacingOccurrences(of: "required: yes", with: "required: maybe"),
        checklist.replacingOccurrences(of: "required: yes", with: "required: \"true\""),
        checklist.replacingOccurrences(of: "other: true", with: "other: true, placeholder: x"),
        checklist.replacingOccurrences(of: "other: true", with: "other: true, maxLength: 3"),
        checklist.replacingOccurrences(of: "{workingDays: 3}", with: "{workingDays: 3, hours: 1}"),
        checklist.replacingOccurrences(of: "{workingDays: 3}", with: "{sameDay: false}"),
        checklist.replacingOccurrences(of: "{workingDays: 3}", with: "{minutes: 3}"),
        checklist.replacingOccurrences(of: "{workingDays: 3}", with: "3"),
        checklist.replacingOccurrences(of: "{field: ourFault, equals: true}}", with: "{field: ourFault, equals: true, not: 1}}"),
        checklist.replacingOccurrences(of: "{field: ourFault, equals: true}}", with: "{field: ourFault}}"),
        checklist.replacingOccurrences(of: "{any: []}", with: "{any: [], field: x}"),
        checklist.replacingOccurrences(of: "{any: []}", with: "{any: x}"),
        checklist.replacingOccurrences(of: "options: [质量, 服务, 交付]", with: "options: [质量, [服务]]"),
        checklist.replacingOccurrences(of: "options: [质量, 服务, 交付]", with: "options: 质量"),
        checklist.replacingOccurrences(of: "repeat: {min: 1, max: 5}", with: "repeat: {min: 1, most: 5}"),
        checklist.replacingOccurrences(of: "repeat: {min: 1, max: 5}", with: "repeat: [1, 5]"),
        checklist.replacingOccurrences(of: "type: order, first", with: "type: order, from: x, first"),
        checklist.replacingOccurrences(of: "fields:\n  - {id: receivedAt", with: "fields: 3\nx:\n  - {id: receivedAt"),
        // A quoted key reads as text; the name it is looked up by resolves to a boolean: Yams finds no value.
        checklist.replacingOccurrences(of: "value: {a: [1, ~, off]}", with: "value: {\"yes\": 1}"),
        // Yams hides a key named like its anchor and tag keys.
        checklist.replacingOccurrences(of: "version: 1", with: "version: 1\nyamlTag: x"),
        checklist.replacingOccurrences(of: "value: {a: [1, ~, off]}", with: "value: {yamlAnchor: 1, b: 2}"),
        // A value's tag is not resolved by either way; a key's explicit `str` tag is what it resolves to anyway.
        checklist.replacingOccurrences(of: "version: 1", with: "version: !!int \"1\""),
        checklist.replacingOccurrences(of: "version: 1", with: "!!str version: 1"),
        "- a list\n",
        // Validation problems, positioned through the node.
        checklist.replacingOccurrences(of: "id: form-1", with: "id: 表单"),
        checklist.replacingOccurrences(of: "to: solvedAt", with: "to: nowhere"),
    ]

    static let badQuizzes: [String] = [
        quiz.replacingOccurrences(of: "passMark: 75.5", with: "passMark: high"),
        quiz.replacingOccurrences(of: "passMark: 75.5", with: "passMark: .nan"),
        quiz.replacingOccurrences(of: "passMark: 75.5", with: "passMark: 1:30"),
        quiz.replacingOccurrences(of: "version: 2", with: "version: 0o17"),
        quiz.replacingOccurrences(of: "version: 2", with: "version: 017"),
        quiz.replacingOccurrences(of: "version: 2", with: "version: -0x1F"),
        quiz.replacingOccurrences(of: "type: truefalse", with: "type: essay"),
        quiz.replacingOccurrences(of: "answer: true, weight: 2", with: "answer: on, weight: \"2\""),
        quiz.replacingOccurrences(of: "partialCredit: true", with: "partialCredit: 1"),
        quiz.replacingOccurrences(of: "items: [受理, 调查, 处理]", with: "items: [受理, 调查, 处理]\n    answer: x"),
        quiz.replacingOccurrences(of: "questions:", with: "questions: ~\nx:"),
        quiz.replacingOccurrences(of: "id: q5", with: "id: q1"),
    ]

    /// `Canonical.json` (`CanonicalEncoder`) writes the bytes JSONEncoder writes, which the hashes are taken of.
    static func expectCanonicalAsJSONEncoder<T: Encodable>(_ value: T) {
        let fast = CanonicalEncoder.encode(value).map { String(decoding: $0, as: UTF8.self) }
        let expected = (try? Canonical.encoderJSON(value)).map { String(decoding: $0, as: UTF8.self) }
        #expect(fast != nil && fast == expected, "\(fast ?? "nil")\nvs\n\(expected ?? "nil")")
    }

    @Test func definitionsEncodeAsJSONEncoderDid() throws {
        for yaml in [Self.checklist, BlockTransformerTests.hostileChecklist] {
            let (definition, _) = try DefinitionYAML.decode(ChecklistDefinition.self, from: Self.block(yaml, info: "checklist"))
            Self.expectCanonicalAsJSONEncoder(definition)
            Self.expectCanonicalAsJSONEncoder(definition.submissionSchema(hash: try definition.canonicalHash()))
        }
        for yaml in [Self.quiz, BlockTransformerTests.quiz] {
            let (quiz, _) = try DefinitionYAML.decode(QuizDefinition.self, from: Self.block(yaml, info: "quiz"))
            Self.expectCanonicalAsJSONEncoder(quiz)
            Self.expectCanonicalAsJSONEncoder(quiz.examEdition())
        }
        // Numbers JSONEncoder writes in its own ways, and text it escapes.
        for (min, max) in [("0", "1_000.5"), ("-0.0", "1e20"), ("0.1", "1e-7"), ("123456789012345678", "9007199254740993"), ("-3.25", "5e-324")] {
            let yaml = Self.checklist.replacingOccurrences(of: "min: 0, max: 1_000.5", with: "min: \(min), max: \(max)")
                .replacingOccurrences(of: "title: ", with: "title: \"a/b \\\" \\\\ \\t \\u0001\" #")
            let (definition, _) = try DefinitionYAML.decode(ChecklistDefinition.self, from: Self.block(yaml, info: "checklist"))
            Self.expectCanonicalAsJSONEncoder(definition)
        }
        // Every block of the real handbook.
        var count = 0
        let content = RealHandbookTests.repo.appendingPathComponent("content")
        for name in try FileManager.default.contentsOfDirectory(atPath: content.path).sorted() where name.hasSuffix(".md") {
            let text = try String(contentsOf: content.appendingPathComponent(name), encoding: .utf8)
            for fence in text.components(separatedBy: "\n```").dropFirst() {
                let info = fence.prefix { $0 != "\n" }
                let yaml = fence.dropFirst(info.count + 1)
                if info == "checklist" {
                    let (definition, _) = try DefinitionYAML.decode(ChecklistDefinition.self, from: Self.block(String(yaml), info: "checklist"))
                    Self.expectCanonicalAsJSONEncoder(definition)
                    let schema = definition.submissionSchema(hash: try definition.canonicalHash())
                    Self.expectCanonicalAsJSONEncoder(schema)
                    // The build writes schemas with `JSONValue.compactJSON`: the same bytes.
                    #expect(DefinitionYAML.json(schema) == String(decoding: try Canonical.json(schema), as: UTF8.self))
                    count += 1
                } else if info == "quiz" {
                    let (quiz, _) = try DefinitionYAML.decode(QuizDefinition.self, from: Self.block(String(yaml), info: "quiz"))
                    Self.expectCanonicalAsJSONEncoder(quiz)
                    Self.expectCanonicalAsJSONEncoder(quiz.examEdition())
                    count += 1
                }
            }
        }
        #expect(count >= 10, "the handbook's blocks were found")
    }

    @Test func plainBlocksDecodeAsYamsDid() {
        for yaml in [Self.checklist, BlockTransformerTests.hostileChecklist] + Self.badChecklists {
            let result = Self.checkChecklist(yaml)
            #expect(result.plain, "takes the fast way:\n\(yaml)")
            #expect(result.same, "\(yaml)\nbefore: \(result.before)\nnow: \(result.now)")
        }
        for yaml in [Self.quiz, BlockTransformerTests.quiz] + Self.badQuizzes {
            let result = Self.checkQuiz(yaml)
            #expect(result.plain, "takes the fast way:\n\(yaml)")
            #expect(result.same, "\(yaml)\nbefore: \(result.before)\nnow: \(result.now)")
        }
    }

    /// Documents whose meaning depends on tag resolution go the Yams way, with the same results as before.
    static let resolverDependent: [String] = [
        "base: &base {type: text, label: 甲}\n" + checklist,
        checklist.replacingOccurrences(of: "- {id: many, type: multichoice", with: "- &m {id: many, type: multichoice")
            .replacingOccurrences(of: "rules:", with: "rules2: *m\nrules:"),
        checklist.replacingOccurrences(of: "- {id: score, type: rating, label: 满意度, labels: [差, 中, 好]}",
                                       with: "- {<<: {type: rating, label: 满意度}, id: score}"),
        checklist.replacingOccurrences(of: "version: 1", with: "version: 1\nyes: 1"),
        checklist.replacingOccurrences(of: "version: 1", with: "version: 1\n\"id\": again"),
        checklist.replacingOccurrences(of: "version: 1", with: "version: 1\n1: x\n\"1\": y"),
        checklist.replacingOccurrences(of: "value: {a: [1, ~, off]}", with: "value: {true: 1, \"true\": 2}"),
        checklist.replacingOccurrences(of: "repeat: {min: 1, max: 5}", with: "repeat: !!map {min: 1, max: 5}"),
        checklist.replacingOccurrences(of: "options: [质量, 服务, 交付]", with: "options: !!seq [质量, 服务, 交付]"),
        checklist.replacingOccurrences(of: "value: {a: [1, ~, off]}", with: "value: {[a]: 1}"),
        "id: [unclosed\n",
        "",
        "# only a comment\n",
    ]

    @Test func otherBlocksGoTheYamsWay() {
        for yaml in Self.resolverDependent {
            let result = Self.checkChecklist(yaml)
            #expect(!result.plain, "goes the Yams way:\n\(yaml)")
            #expect(result.same, "\(yaml)\nbefore: \(result.before)\nnow: \(result.now)")
        }
    }

    /// Positions pinned by hand: a decoding error on a nested key, and every cite.
    @Test func diagnosticsAndCitesPointIntoTheMarkdownFile() throws {
        let bad = Self.block(Self.checklist.replacingOccurrences(of: "min: 0, max: 1_000.5", with: "min: x, max: 1_000.5"), info: "checklist")
        #expect {
            try DefinitionYAML.decode(ChecklistDefinition.self, from: bad)
        } throws: { error in
            (error as? BuildFailure)?.diagnostics == [Diagnostic(
                stage: .transform, file: "content/ch/p.md", line: 32, column: 46,
                message: "checklist `fields[6].fields[1].min`: wrong type, expected Double: Expected to decode Double but found Scalar instead. (类型错误：应为 Double)",
                hint: "检查该值的写法")]
        }
        let block = Self.block(Self.checklist, info: "checklist")
        let (definition, tree) = try DefinitionYAML.decode(ChecklistDefinition.self, from: block)
        let cites = DefinitionYAML.references(definition.citeReferences(), in: tree).map { "\($0.target)@\($0.line):\($0.column)" }
        #expect(cites.sorted() == ["#第1条@15:9", "#第2条@17:75", "#第3条@34:158"])
    }

    /// Numbers read without Yams' constructors are the numbers Yams reads.
    @Test func decimalsReadAsYamsReadsThem() {
        let texts = ["0", "-0", "00", "017", "12", "-3", "+4", "1_000", "1.5", "-2.25", ".5", "5.", "1e3", "0.0", "-0.5", "0x1F",
                     "1:30", "", "-", "3.4.5", "٣", "9223372036854775807", "123456789012345678", "1234567890123456789",
                     "-123456789012345678", "007.5", "1.", "-.5", " 1", "1 "]
        for text in texts {
            for style in [Node.Scalar.Style.plain, .any, .doubleQuoted, .singleQuoted] {
                let scalar = Node.Scalar(text, Tag(.implicit, .basic, .default), style)
                if let fast = NodeDecoder.decimal(scalar, as: Int.self) { #expect(fast == Int.construct(from: scalar), "\(text) \(style)") }
                if let fast = NodeDecoder.decimal(scalar, as: Double.self) {
                    #expect(fast.bitPattern == Double.construct(from: scalar)?.bitPattern, "\(text) \(style)")
                }
            }
        }
        // The usual numbers take the fast way.
        let plain = { (text: String) in Node.Scalar(text, Tag(.implicit, .basic, .default), .plain) }
        #expect(NodeDecoder.decimal(plain("12"), as: Int.self) == 12 && NodeDecoder.decimal(plain("-3"), as: Int.self) == -3)
        #expect(NodeDecoder.decimal(plain("0"), as: Int.self) == 0 && NodeDecoder.decimal(plain("017"), as: Int.self) == nil)
        #expect(NodeDecoder.decimal(plain("2.5"), as: Double.self) == 2.5 && NodeDecoder.decimal(plain("80"), as: Double.self) == 80)
        #expect(NodeDecoder.decimal(plain("2.5"), as: Int.self) == nil && NodeDecoder.decimal(plain("2"), as: String.self) == nil)
    }

    /// Nulls read without making an `NSNull` are Yams' nulls, in every scalar style.
    @Test func nullsReadAsYamsReadsThem() {
        let texts = ["", "~", "null", "Null", "NULL", "nULL", "nil", "None", " ", "~~", "null ", "0", "false", "''"]
        for text in texts {
            for style in [Node.Scalar.Style.plain, .any, .doubleQuoted, .singleQuoted, .literal, .folded] {
                let scalar = Node.Scalar(text, Tag(.implicit, .basic, .default), style)
                #expect(NodeDecoder.isNull(scalar) == (NSNull.construct(from: scalar) != nil), "\(text) \(style)")
            }
        }
        #expect(NodeDecoder.isNull(Node.Scalar("~", Tag(.implicit, .basic, .default), .plain)))
    }

    /// Names decided without Yams agree with Yams.
    @Test func resolvesToStringAgreesWithTheDefaultResolver() {
        let names = ["id", "type", "label", "in", "not", "isSet", "yes", "Yes", "yES", "NO", "On", "oN", "null", "Null", "nULL",
                     "true", "TRUE", "tRUE", "off", "x1", "a_b", "a-b", "1", "0x1F", ".inf", "<<", "=", "~", "", "名称", "a b", "yes\n"]
        for name in names {
            #expect(PlainYAML.resolvesToString(name) == (Node(name).tag.rawValue == Tag.Name.str.rawValue), "\(name)")
        }
    }

    /// Random definitions built from values YAML reads in surprising ways: whatever the fast way accepts
    /// decodes and reports exactly as before.
    @Test func randomDefinitionsDecodeAsYamsDid() {
        let scalars = ["a", "\"a\"", "'b'", "1", "\"1\"", "0", "-3", "+4", "0x1F", "017", "0o17", "1_000", "1:30", "1.5", ".5",
                       "1e3", ".inf", "-.inf", ".nan", "yes", "No", "ON", "off", "true", "\"true\"", "~", "null", "''", "\"\"",
                       "2025-01-01", "第1条", "\"#第1条\"", "x y", "[]", "{}", "[a, 2]", "{a: 1}", "{\"yes\": 1}", "[[1]]"]
        // `§` stands for a random scalar.
        let conditions = ["{field: a, equals: §}", "{field: a, in: [§, §]}", "{field: a, not: §}", "{field: a, isSet: §}",
                          "{all: [{field: a, equals: §}]}", "{any: []}", "{field: a}", "{field: a, equals: §, not: §}",
                          "{all: [], field: a}", "{eq: §}", "§", "{field: §, equals: 1}"]
        let withins = ["{hours: §}", "{days: §}", "{workingDays: §}", "{sameDay: §}", "{days: 1, hours: 2}", "{}", "{minutes: 3}", "§"]
        let types = ["text", "textarea", "number", "choice", "group", "colour", "§"]
        let template = """
            id: §
            title: §
            version: §
            cite: §
            fields:
              - {id: a, type: T, label: §, required: §, maxLength: §, help: §}
              - id: n
                type: number
                label: 数
                min: §
                max: §
                integer: §
              - {id: c, type: choice, label: 选, options: [§, §], other: §, visibleIf: C}
              - id: g
                type: group
                label: 组
                repeat: {min: §, max: §}
                fields: [{id: x, type: text, label: X, requiredIf: C}]
            rules:
              - {id: r1, type: deadline, from: a, to: n, within: W, when: C}
              - {id: r2, type: equalsWhen, field: a, value: §}
            """
        var random = SplitMix(seed: 20250601)
        var plain = 0
        for _ in 0..<300 {
            var yaml = template
                .replacingOccurrences(of: "type: T", with: "type: " + types[random.next(types.count)])
                .replacingOccurrences(of: "within: W", with: "within: " + withins[random.next(withins.count)])
                .replacingOccurrences(of: "visibleIf: C", with: "visibleIf: " + conditions[random.next(conditions.count)])
                .replacingOccurrences(of: "requiredIf: C", with: "requiredIf: " + conditions[random.next(conditions.count)])
                .replacingOccurrences(of: "when: C", with: "when: " + conditions[random.next(conditions.count)])
            while let slot = yaml.range(of: "§") {
                yaml.replaceSubrange(slot, with: scalars[random.next(scalars.count)])
            }
            let result = Self.checkChecklist(yaml)
            if result.plain { plain += 1 }
            #expect(result.same, "\(yaml)\nbefore: \(result.before)\nnow: \(result.now)")
        }
        #expect(plain > 200, "most random definitions take the fast way")
    }
}

extension DefinitionDecodingTests {
    /// `PlainDefinitions` reads what `NodeDecoder` decodes, to the same value, and nothing it rejects; only a
    /// key Yams hides (`yamlAnchor`, `yamlTag`) sends a decodable block the `Decoder` way. What it reads is
    /// written by `DefinitionJSON` byte for byte as by `CanonicalEncoder`.
    @discardableResult
    static func expectAsNodeDecoder<T: Decodable>(_ type: T.Type, _ yaml: String) -> (direct: Bool, decodes: Bool) {
        guard let tree = PlainYAMLReader.read(yaml) else { return (false, false) }
        let direct = PlainDefinitions.read(T.self, from: tree)
        let decoded = try? NodeDecoder(tree).decode(T.self)
        if let direct {
            #expect(decoded.map { sameValue($0, direct) } == true, "\(yaml)\n\(direct)\n\(String(describing: decoded))")
            if let writable = direct as? any CanonicalJSONWritable, let encodable = direct as? any Encodable {
                #expect(DefinitionJSON.bytes(writable) == CanonicalEncoder.encode(encodable), "\(yaml)")
            }
        } else if decoded != nil {
            #expect(yaml.contains("yamlAnchor") || yaml.contains("yamlTag"), "read directly:\n\(yaml)")
        }
        return (direct != nil, decoded != nil)
    }

    @Test func plainDefinitionsReadAsNodeDecoderDecodes() throws {
        for yaml in [Self.checklist, BlockTransformerTests.hostileChecklist] + Self.badChecklists {
            Self.expectAsNodeDecoder(ChecklistDefinition.self, yaml)
        }
        for yaml in [Self.quiz, BlockTransformerTests.quiz] + Self.badQuizzes {
            Self.expectAsNodeDecoder(QuizDefinition.self, yaml)
        }
        // (The sample's one block scalar is for libyaml: on one line, the reader reads it.)
        let oneLine = Self.checklist.replacingOccurrences(of: "help: |\n      多行\n      说明", with: "help: 多行说明")
        #expect(Self.expectAsNodeDecoder(ChecklistDefinition.self, oneLine).direct)
        #expect(Self.expectAsNodeDecoder(QuizDefinition.self, Self.quiz).direct)
        // Every block of the real handbook is read directly.
        let content = RealHandbookTests.repo.appendingPathComponent("content")
        var count = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: content.path).sorted() where name.hasSuffix(".md") {
            let text = try String(contentsOf: content.appendingPathComponent(name), encoding: .utf8)
            for fence in text.components(separatedBy: "\n```").dropFirst() {
                let info = fence.prefix { $0 != "\n" }
                let yaml = String(fence.dropFirst(info.count + 1))
                if info == "checklist" {
                    #expect(Self.expectAsNodeDecoder(ChecklistDefinition.self, yaml).direct, "\(name): \(yaml)")
                    count += 1
                } else if info == "quiz" {
                    #expect(Self.expectAsNodeDecoder(QuizDefinition.self, yaml).direct, "\(name): \(yaml)")
                    count += 1
                }
            }
        }
        #expect(count >= 10)
    }

    /// Random definitions whose slots (`§s` text, `§i` integer, `§d` number, `§b` boolean, `§j` any value)
    /// mostly get values of their type, written in the ways YAML allows, and sometimes anything.
    @Test func randomDefinitionsReadAsNodeDecoderDecodes() {
        let values: [Character: [String]] = [
            "s": ["a", "\"a\"", "'b'", "第1条", "\"#第1条\"", "x y", "1", "yes", "~", "''", "a/b", "\"a\\\"b\""],
            "i": ["1", "0", "-3", "+4", "0x1F", "1_000", "017", "0o17", "1:30", "12", "~", "9223372036854775807"],
            "d": ["1.5", ".5", "1e3", "80", "-0.0", ".inf", ".nan", "1_000.5", "75", "~", "1:30.5", "0x10"],
            "b": ["true", "yes", "No", "ON", "off", "False", "~", "y"],
            "j": ["1", "a", "true", "~", "[1, a, yes]", "{a: 1, b: [x, ~]}", "1.5", "0x10", "\"1\"", ".nan", "[]", "{}", "1_000"],
        ]
        let anything = ["a", "1", "1.5", "yes", "~", "[a]", "{a: 1}", "[[1]]", "{yamlTag: 1}", "x y", "\"true\"", "null"]
        let conditions = ["{field: a, equals: §j}", "{field: a, in: [§j, §j]}", "{field: a, not: §j}", "{field: a, isSet: §b}",
                          "{all: [{field: a, equals: §j}, {any: []}]}", "{any: [{field: b, not: §j}]}", "{field: a}",
                          "{field: a, equals: 1, not: 2}", "{all: [], field: a}", "~"]
        let withins = ["{hours: §i}", "{days: §i}", "{workingDays: §i}", "{sameDay: §b}", "{days: 1, hours: 2}", "~"]
        let checklist = """
            id: §s
            title: §s
            version: §i
            cite: §s
            description: §s
            fields:
              - {id: a, type: text, label: §s, required: §b, maxLength: §i, help: §s, cite: §s}
              - {id: n, type: number, label: 数, min: §d, max: §d, integer: §b, unit: §s, requiredIf: §C}
              - {id: c, type: choice, label: 选, options: [§s, §s], other: §b, visibleIf: §C}
              - {id: m, type: multichoice, label: 多, options: [甲, 乙], minSelected: §i, maxSelected: §i}
              - {id: r, type: rating, label: 评, scale: §i, labels: [§s, §s]}
              - id: g
                type: group
                label: 组
                repeat: {min: §i, max: §i}
                fields: [{id: x, type: text, label: X, requiredIf: §C}]
            rules:
              - {id: r1, type: deadline, from: a, to: n, within: §W, when: §C, message: §s}
              - {id: r2, type: equalsWhen, field: a, value: §j, cite: §s}
              - {id: r3, type: order, first: a, then: n}
              - {id: r4, type: atLeastOne, fields: [a, §s]}
            """
        let quiz = """
            id: §s
            title: §s
            version: §i
            passMark: §d
            description: §s
            questions:
              - {id: q1, type: single, prompt: §s, options: [§s, §s], answer: §j, weight: §d, cite: §s}
              - {id: q2, type: multiple, prompt: 多选, options: [a, b], answer: [§j, §j], partialCredit: §b}
              - {id: q3, type: truefalse, prompt: 判断, answer: §j, explanation: §s}
              - {id: q4, type: fill, prompt: 填空, answer: §j}
              - id: q5
                type: order
                prompt: 排序
                items: [§s, §s]
            """
        var random = SplitMix(seed: 20261123)
        func fill(_ template: String) -> String {
            var yaml = template
            // Conditions and bounds first: they have slots of their own.
            for (slot, pool) in [("§W", withins), ("§C", conditions)] {
                while let range = yaml.range(of: slot) { yaml.replaceSubrange(range, with: pool[random.next(pool.count)]) }
            }
            while let slot = yaml.range(of: "§") {
                let kind = yaml[slot.upperBound]
                let end = yaml.index(after: slot.upperBound)
                let pool = random.next(10) == 0 ? anything : values[kind]!
                yaml.replaceSubrange(slot.lowerBound..<end, with: pool[random.next(pool.count)])
            }
            return yaml
        }
        var direct = 0
        for _ in 0..<400 {
            if Self.expectAsNodeDecoder(ChecklistDefinition.self, fill(checklist)).direct { direct += 1 }
            if Self.expectAsNodeDecoder(QuizDefinition.self, fill(quiz)).direct { direct += 1 }
        }
        #expect(direct > 40, "some random definitions decode (\(direct))")
    }
}

/// Equal values, NaN equal to NaN (a NaN pass mark is not `==` to itself), objects compared key by key.
func sameValue(_ a: Any, _ b: Any) -> Bool {
    if let x = a as? Double, let y = b as? Double { return x == y || (x.isNaN && y.isNaN) }
    if let x = a as? [String: JSONValue], let y = b as? [String: JSONValue] {
        return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { sameValue(x[$0]!, y[$0]!) }
    }
    let ma = Mirror(reflecting: a), mb = Mirror(reflecting: b)
    if ma.children.isEmpty && mb.children.isEmpty { return "\(a)" == "\(b)" }
    guard ma.children.count == mb.children.count, "\(type(of: a))" == "\(type(of: b))" else { return false }
    return zip(ma.children, mb.children).allSatisfy { $0.label == $1.label && sameValue($0.value, $1.value) }
}

/// A small deterministic generator for the random tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
