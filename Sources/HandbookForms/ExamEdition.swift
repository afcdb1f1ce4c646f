// The exam edition of a quiz: what a trainee's page may know.

extension QuizDefinition {
    /// The quiz without answers and explanations, and with every ordering question's items in a fixed
    /// scrambled order (never the correct one when there are two or more items). Its hash is the one an
    /// exam submission carries, so the page never holds a hash of the answer key.
    public func examEdition() -> QuizDefinition {
        var copy = self
        copy.questions = questions.map { question in
            var q = question
            q.answer = nil
            q.explanation = nil
            if let items = q.items, items.count > 1 {
                q.items = Self.scrambled(items, seed: "\(id)/\(question.id)")
            }
            return q
        }
        return copy
    }

    /// Deterministic Fisher–Yates shuffle seeded by FNV-1a of `seed`; rotated if it lands on the input order.
    static func scrambled(_ items: [String], seed: String) -> [String] {
        var state: UInt32 = 2_166_136_261
        for byte in seed.utf8 { state = (state ^ UInt32(byte)) &* 16_777_619 }
        func next() -> UInt32 {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return state
        }
        var result = items
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt32(i + 1))
            result.swapAt(i, j)
        }
        if result == items { result = Array(items.dropFirst()) + [items[0]] }
        return result
    }
}
