import HandbookCore

/// The block transformers and search indexer every command uses.
enum Blocks {
    static func transformers() -> [any BlockTransformer] {
        [ChecklistTransformer(), QuizTransformer()]
    }
}
