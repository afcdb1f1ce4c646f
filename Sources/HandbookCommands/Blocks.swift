import HandbookCore

/// The block transformers and search indexer every command uses.
enum Blocks {
    static func transformers() -> [any BlockTransformer] {
        []
    }

    static let indexer: @Sendable ([IndexedSection]) -> [String: String] = { _ in [:] }
}
