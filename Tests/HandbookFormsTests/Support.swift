import Foundation
@testable import HandbookForms

enum Fixture {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vectorsDir = repo.appendingPathComponent("Tests/vectors/checklists")

    static func vectorFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: vectorsDir.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    static func reencode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(value)
    }

    static let complaintYAMLShape = """
    {
      "id": "complaint-record", "title": "客户投诉调查处理记录", "version": 1, "cite": "05-complaints.md#第31条",
      "description": "可选说明",
      "fields": [
        {"id": "receivedAt", "type": "datetime", "label": "投诉受理时间", "required": true,
         "help": "以接到投诉电话或来函的时间为准", "cite": "05-complaints.md#第31条"},
        {"id": "kind", "type": "choice", "label": "投诉类别", "options": ["产品质量", "服务态度", "交付延误", "其他"], "other": true},
        {"id": "ourFault", "type": "yesno", "label": "是否属于我方责任", "required": true},
        {"id": "solutionAt", "type": "datetime", "label": "解决方案提出时间", "requiredIf": {"field": "ourFault", "equals": true}},
        {"id": "items", "type": "group", "label": "投诉项目", "repeat": {"min": 1, "max": 10}, "fields": [
          {"id": "product", "type": "text", "label": "产品名称", "required": true},
          {"id": "qty", "type": "number", "label": "数量", "min": 0, "integer": true, "unit": "吨"}]},
        {"id": "repliedAt", "type": "datetime", "label": "答复时间"},
        {"id": "phone", "type": "phone", "label": "电话"},
        {"id": "email", "type": "email", "label": "邮箱"},
        {"id": "planMade", "type": "yesno", "label": "整改计划"}
      ],
      "rules": [
        {"id": "solution-in-3-working-days", "type": "deadline", "from": "receivedAt", "to": "solutionAt",
         "within": {"workingDays": 3}, "when": {"field": "ourFault", "equals": true},
         "message": "属于我方责任的投诉，须在受理后3个工作日内提出解决方案", "cite": "05-complaints.md#第32条"},
        {"id": "reply-after-receipt", "type": "order", "first": "receivedAt", "then": "repliedAt", "message": "m", "cite": "c.md#第1条"},
        {"id": "contact-given", "type": "atLeastOne", "fields": ["phone", "email"], "message": "m", "cite": "c.md#第1条"},
        {"id": "fault-needs-plan", "type": "equalsWhen", "field": "planMade", "value": true,
         "when": {"field": "ourFault", "equals": true}, "message": "m", "cite": "c.md#第1条"}
      ]
    }
    """

    static func complaint() throws -> ChecklistDefinition { try decode(ChecklistDefinition.self, complaintYAMLShape) }

    static let quizShape = """
    {
      "id": "complaints-quiz", "title": "第五章 自测", "passMark": 80,
      "questions": [
        {"id": "q1", "type": "single", "prompt": "客户咨询须在多长时间内答复？", "options": ["12小时", "24小时", "3个工作日", "一周"],
         "answer": "24小时", "explanation": "第12条规定客服部门须在24小时内回应。", "cite": "04-inquiry.md#第12条", "weight": 1},
        {"id": "q2", "type": "order", "prompt": "将投诉处理步骤排序", "items": ["受理登记", "调查核实", "判定责任", "提出方案", "回访"],
         "explanation": "见第31条", "cite": "05-complaints.md#第31条"},
        {"id": "q3", "type": "multiple", "prompt": "哪些属于投诉？", "options": ["A", "B", "C", "D"], "answer": ["A", "C"],
         "partialCredit": true, "explanation": "e", "cite": "05-complaints.md#第30条", "weight": 2},
        {"id": "q4", "type": "truefalse", "prompt": "投诉可以不登记。", "answer": false, "cite": "05-complaints.md#第31条"},
        {"id": "q5", "type": "fill", "prompt": "热线号码是 ____", "answer": ["400-800-1234", "4008001234"], "cite": "01-intro.md#第2条"}
      ]
    }
    """

    static func quiz() throws -> QuizDefinition { try decode(QuizDefinition.self, quizShape) }
}
