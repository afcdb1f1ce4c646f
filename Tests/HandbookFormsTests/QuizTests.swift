import Foundation
import Testing
@testable import HandbookForms

@Suite("Quiz grading and GIFT")
struct QuizTests {
    func submission(_ answers: [String: JSONValue], name: String = "张三") -> QuizSubmission {
        QuizSubmission(quiz: "complaints-quiz", definitionHash: "*", name: name, employeeNo: "E001",
                       startedAt: "2025-03-04T09:00:00+08:00", finishedAt: "2025-03-04T09:10:00+08:00", answers: answers)
    }

    @Test func allCorrect() throws {
        let q = try Fixture.quiz()
        let r = QuizGrader.grade(q, submission([
            "q1": "24小时", "q2": ["受理登记", "调查核实", "判定责任", "提出方案", "回访"], "q3": ["C", "A"],
            "q4": false, "q5": "４００－８００－１２３４",
        ]))
        #expect(r.questions.allSatisfy { $0.correct }, "\(r.questions)")
        #expect(r.points == 6 && r.maxPoints == 6 && r.percent == 100 && r.passed)
        #expect(r.notes.isEmpty)
    }

    @Test func partialCreditAndWeights() throws {
        let q = try Fixture.quiz()
        // q3 (weight 2): A right, B wrong, C missing → (1 − 1) / 2 = 0; A only → 0.5.
        var r = QuizGrader.grade(q, submission(["q3": ["A", "B"]]))
        #expect(r.questions[2].credit == 0)
        r = QuizGrader.grade(q, submission(["q3": ["A"], "q1": "24小时"]))
        #expect(r.questions[2].credit == 0.5 && r.questions[2].points == 1 && !r.questions[2].correct)
        #expect(r.points == 2 && r.maxPoints == 6)
        #expect(abs(r.percent - 100.0 / 3) < 1e-9 && !r.passed)
        var noPartial = q
        noPartial.questions[2].partialCredit = nil
        #expect(QuizGrader.grade(noPartial, submission(["q3": ["A"]])).questions[2].credit == 0)
    }

    @Test func fillNormalisationAndOrder() throws {
        #expect(normalizeFill(" ＡＢＣ　d e ") == "abcde")
        #expect(normalizeFill("４００－８００") == "400-800")
        #expect(normalizeFill("中文 答案") == "中文答案")
        let q = try Fixture.quiz()
        #expect(QuizGrader.credit(q.questions[4], " 4008001234 ") == 1)
        #expect(QuizGrader.credit(q.questions[4], "400") == 0)
        #expect(QuizGrader.credit(q.questions[4], "") == 0)
        #expect(QuizGrader.credit(q.questions[1], ["调查核实", "受理登记", "判定责任", "提出方案", "回访"]) == 0)
        #expect(QuizGrader.credit(q.questions[1], ["受理登记", "调查核实", "判定责任", "提出方案"]) == 0)
        #expect(QuizGrader.credit(q.questions[3], "false") == 1)
        #expect(QuizGrader.credit(q.questions[3], true) == 0)
        #expect(QuizGrader.credit(q.questions[0], ["24小时"]) == 0)
    }

    @Test func passMarkAndNotes() throws {
        var q = try Fixture.quiz()
        q.passMark = nil
        #expect(q.effectivePassMark == 80)
        let r = QuizGrader.grade(q, QuizSubmission(quiz: "other", quizVersion: 2, definitionHash: "x", name: "n", employeeNo: "e",
                                                   startedAt: "", finishedAt: "", answers: ["q9": "x", "q1": .null]))
        #expect(r.notes.contains("quiz 'other' does not match 'complaints-quiz'"))
        #expect(r.notes.contains("unknown question 'q9'"))
        #expect(r.questions[0].given == nil)
        #expect(r.percent == 0 && !r.passed)
    }

    @Test func classSummary() throws {
        let q = try Fixture.quiz()
        let results = [
            QuizGrader.grade(q, submission(["q1": "24小时", "q2": ["受理登记", "调查核实", "判定责任", "提出方案", "回访"], "q3": ["A", "C"], "q4": false, "q5": "4008001234"])),
            QuizGrader.grade(q, submission(["q1": "12小时", "q3": ["A", "B", "D"], "q4": true], name: "李四")),
            QuizGrader.grade(q, submission(["q1": "12小时", "q3": ["B"], "q5": "8001234"], name: "王五")),
            QuizGrader.grade(q, submission(["q1": "一周"], name: "赵六")),
        ]
        let s = QuizGrader.summarize(q, results)
        #expect(s.count == 4 && s.passedCount == 1 && s.passRate == 0.25)
        let q1 = s.items[0]
        #expect(q1.answered == 4 && q1.correctRate == 0.25)
        #expect(q1.mostChosenWrong == "12小时" && q1.mostChosenWrongCount == 2)
        let q3 = s.items[2]
        #expect(q3.mostChosenWrong == "B" && q3.mostChosenWrongCount == 2)
        #expect(s.items[3].mostChosenWrong == "true")
        #expect(s.items[4].mostChosenWrong == "8001234")
        #expect(s.items[1].answered == 1 && s.items[1].mostChosenWrong == nil)
        #expect(abs(s.meanPercent - results.map(\.percent).reduce(0, +) / 4) < 1e-9)
    }

    @Test func giftExport() throws {
        let q = try Fixture.quiz()
        let gift = GIFT.export(q)
        #expect(gift.contains("::q1::[markdown]客户咨询须在多长时间内答复？ {"))
        #expect(gift.contains("{\n\t~12小时\n\t=24小时\n\t~3个工作日\n\t~一周\n"))
        #expect(gift.contains("\t####第12条规定客服部门须在24小时内回应。"))
        #expect(gift.contains("\t~%50%A\n\t~%-50%B\n\t~%50%C\n\t~%-50%D"))
        #expect(gift.contains("::q4::[markdown]投诉可以不登记。 {FALSE}"))
        #expect(gift.contains("\t=400-800-1234\n\t=4008001234"))
        #expect(gift.contains("\t=1 -> 受理登记\n\t=2 -> 调查核实"))
        #expect(GIFT.escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h")
        #expect(GIFT.escape("第31条：受理") == "第31条：受理")  // full-width colon is not special
        #expect(GIFT.percent(100.0 / 3) == "33.33333")
    }
}
