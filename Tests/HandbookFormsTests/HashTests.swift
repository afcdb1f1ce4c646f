import Foundation
import Testing
@testable import HandbookForms

@Suite("SHA-256 and canonical hash")
struct HashTests {
    @Test func knownVectors() {
        #expect(SHA256Digest.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Digest.hex(Array("中文".utf8)) == "72726d8818f693066ceb69afa364218b692e62ea92b385782363780f47529c21")
    }

    @Test func millionAs() {
        var d = SHA256Digest()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { d.update(chunk) }
        let hex = d.finalize().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Bytes handed over in pieces of every size, contiguous or not, hash as in one piece.
    @Test func piecesHashAsOne() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let whole = SHA256Digest.hash(bytes)
        for size in [1, 3, 63, 64, 65, 127, 200, 999] {
            var contiguous = SHA256Digest(), lazy = SHA256Digest()
            for start in stride(from: 0, to: bytes.count, by: size) {
                contiguous.update(bytes[start..<min(start + size, bytes.count)])
                lazy.update(bytes[start..<min(start + size, bytes.count)].lazy.map { $0 })
            }
            #expect(contiguous.finalize() == whole, "\(size)")
            #expect(lazy.finalize() == whole, "\(size)")
        }
        #expect(SHA256Digest.hex(Data(bytes)) == SHA256Digest.hex(bytes))
    }

    @Test func paddingBoundaries() {
        // 55, 56 and 64 bytes exercise the one-block / two-block padding paths.
        #expect(SHA256Digest.hex([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256Digest.hex([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256Digest.hex([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func canonicalJSON() throws {
        let d = try Fixture.complaint()
        let json = try d.canonicalJSON()
        #expect(json.hasPrefix(#"{"cite":"05-complaints.md#第31条","description""#))
        #expect(!json.contains("\\/") && !json.contains(" \"") && !json.contains("\n"))
        #expect(json.contains(#""min":0"#))
        let hash = try d.canonicalHash()
        #expect(hash.count == 64)
        #expect(hash == SHA256Digest.hex(Array(json.utf8)))
        var changed = d
        changed.fields[0].label = "受理时间"
        #expect(try changed.canonicalHash() != hash)
    }
}
