import HandbookSearch

/// A string hashed and compared by its UTF-8 bytes.
///
/// `String`'s own `==` and hash work on canonical equivalence, so every hash of a Chinese string checks or
/// makes its NFC form first. Heading ids and anchors are matched as a browser matches a fragment, code point
/// for code point, so bytes are the right equality for them, and much cheaper.
public struct ExactString: Hashable, Sendable {
    public let string: String

    public init(_ string: String) { self.string = string }

    public static func == (a: ExactString, b: ExactString) -> Bool { UTF8Bytes.same(a.string, b.string) }

    public func hash(into hasher: inout Hasher) {
        if let done: Void = string.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        for byte in string.utf8 { hasher.combine(byte) }
        hasher.combine(0xFF as UInt8)  // never a UTF-8 byte: ends the string as the bytes path's length does
    }
}

/// A page's anchors (heading ids and block ids), matched byte for byte (`ExactString`).
public struct AnchorSet: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
    private var members: Set<ExactString> = []

    public init() {}

    public init(arrayLiteral elements: String...) { self.init(elements) }

    public init(_ elements: some Sequence<String>) {
        members = Set(elements.lazy.map(ExactString.init))
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Makes room for `n` anchors (no rehashing while they are added).
    public mutating func reserveCapacity(_ n: Int) { members.reserveCapacity(n) }

    public func contains(_ anchor: String) -> Bool { members.contains(ExactString(anchor)) }

    @discardableResult
    public mutating func insert(_ anchor: String) -> Bool { members.insert(ExactString(anchor)).inserted }

    public func makeIterator() -> some IteratorProtocol<String> { members.lazy.map(\.string).makeIterator() }
}
