// Writes the index as JavaScript files that register themselves with search.js through a queue:
//   (window.HandbookSearchQ = window.HandbookSearchQ || []).push(message)
// so they work from file:// (loaded by <script>, never fetched) and in either load order.
//
// Messages (JSON objects):
//   index  {"k":"i","v":1,"n":sections,"ts":tokenShards,"dn":docShards,"dz":sectionsPerDocShard,
//           "t":{token:postings,…},"d":{"o":0,"p":[…],"s":[…]}}  ("t"/"d" only when not sharded)
//   shard  {"k":"t","i":N,"t":{token:postings,…}}                assets/search/shard-N.js
//   docs   {"k":"d","i":N,"d":{"o":firstSection,"p":[pageTitle…],"s":[[pageIdx,heading,crumb,url,text]…]}}
//                                                               assets/search/docs-N.js
// A token lives in shard fnv1a32(code points of token) % ts. Postings: for each section in ascending
// id order the value ((id − previousId − 1) << 4 | fieldBits), previousId starting at −1, written as a
// base-32 varint in the alphabet below: a character at index ≥ 32 carries 5 more low bits and continues,
// one at index < 32 ends the number.

enum IndexEmitter {
    static let alphabet: [UInt8] = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_".utf8)
    static let prefix = "(window.HandbookSearchQ=window.HandbookSearchQ||[]).push("
    static let suffix = ");\n"
    static let docShardSize = 64
    static let tokenShardBytes = 120_000

    static func emit(_ index: SearchIndex, sharded: Bool) -> SearchIndexOutput {
        // Encoded postings, in a deterministic order (by token key).
        var entries: [(token: String, postings: [UInt8])] = []
        entries.reserveCapacity(index.keys.count)
        var totalBytes = 0
        for (r, key) in index.keys.enumerated() {
            let token = index.tokenString(key)
            let p = encodePostings(index.postings[index.postingRanges[r]])
            totalBytes += p.count + token.utf8.count + 6
            entries.append((token, p))
        }
        if !sharded {
            var out: [UInt8] = []
            out.reserveCapacity(totalBytes + index.docs.count * 1500 + 256)
            out += Array(prefix.utf8)
            out += Array("{\"k\":\"i\",\"v\":1,\"n\":\(index.count),\"ts\":0,\"dn\":0,\"dz\":0,\"t\":".utf8)
            appendTokens(entries, to: &out)
            out += Array(",\"d\":".utf8)
            appendDocs(index.docs[...], offset: 0, to: &out)
            out += Array("}".utf8)
            out += Array(suffix.utf8)
            return SearchIndexOutput(files: [("assets/search-index.js", String(decoding: out, as: UTF8.self))])
        }
        let ts = max(1, min(1024, (totalBytes + tokenShardBytes - 1) / tokenShardBytes))
        var buckets = [[Int]](repeating: [], count: ts)
        for (i, e) in entries.enumerated() {
            buckets[Int(fnv1a(e.token) % UInt32(ts))].append(i)
        }
        let dn = (index.docs.count + docShardSize - 1) / docShardSize
        var files: [(path: String, contents: String)] = []
        files.append(("assets/search-index.js",
                      prefix + "{\"k\":\"i\",\"v\":1,\"n\":\(index.count),\"ts\":\(ts),\"dn\":\(dn),\"dz\":\(docShardSize)}" + suffix))
        for (n, bucket) in buckets.enumerated() {
            var out: [UInt8] = Array(prefix.utf8)
            out += Array("{\"k\":\"t\",\"i\":\(n),\"t\":".utf8)
            appendTokens(bucket.map { entries[$0] }, to: &out)
            out += Array("}".utf8)
            out += Array(suffix.utf8)
            files.append(("assets/search/shard-\(n).js", String(decoding: out, as: UTF8.self)))
        }
        for n in 0..<dn {
            let lo = n * docShardSize, hi = min(index.docs.count, lo + docShardSize)
            var out: [UInt8] = Array(prefix.utf8)
            out += Array("{\"k\":\"d\",\"i\":\(n),\"d\":".utf8)
            appendDocs(index.docs[lo..<hi], offset: lo, to: &out)
            out += Array("}".utf8)
            out += Array(suffix.utf8)
            files.append(("assets/search/docs-\(n).js", String(decoding: out, as: UTF8.self)))
        }
        return SearchIndexOutput(files: files)
    }

    static func appendTokens(_ entries: [(token: String, postings: [UInt8])], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, e) in entries.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(e.token, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: "\""))
            out += e.postings
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
    }

    static func appendDocs(_ docs: ArraySlice<IndexedDoc>, offset: Int, to out: inout [UInt8]) {
        var pages: [String] = []
        var pageIds: [String: Int] = [:]
        var rows: [UInt8] = []
        for (i, d) in docs.enumerated() {
            let pi: Int
            if let p = pageIds[d.pageTitle] { pi = p } else { pi = pages.count; pageIds[d.pageTitle] = pi; pages.append(d.pageTitle) }
            if i > 0 { rows.append(UInt8(ascii: ",")) }
            rows += Array("[\(pi),".utf8)
            appendJSONString(d.heading, to: &rows)
            rows.append(UInt8(ascii: ","))
            appendJSONString(d.breadcrumb, to: &rows)
            rows.append(UInt8(ascii: ","))
            appendJSONString(d.url, to: &rows)
            rows.append(UInt8(ascii: ","))
            appendJSONString(d.text, to: &rows)
            rows.append(UInt8(ascii: "]"))
        }
        out += Array("{\"o\":\(offset),\"p\":[".utf8)
        for (i, p) in pages.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(p, to: &out)
        }
        out += Array("],\"s\":[".utf8)
        out += rows
        out += Array("]}".utf8)
    }

    static func encodePostings(_ postings: ArraySlice<UInt32>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(postings.count * 2)
        var prev: Int64 = -1
        for p in postings {
            let sid = Int64(p >> 4)
            var v = UInt64(sid - prev - 1) << 4 | UInt64(p & 15)
            prev = sid
            while v >= 32 {
                out.append(alphabet[Int(32 + (v & 31))])
                v >>= 5
            }
            out.append(alphabet[Int(v)])
        }
        return out
    }

    static func decodePostings(_ s: String) -> [UInt32] {
        var index = [Int](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { index[Int(c)] = i }
        var out: [UInt32] = []
        var v: UInt64 = 0, shift: UInt64 = 0, prev: Int64 = -1
        for b in s.utf8 {
            let c = UInt64(index[Int(b)])
            if c >= 32 {
                v |= (c - 32) << shift
                shift += 5
            } else {
                v |= c << shift
                let sid = prev + 1 + Int64(v >> 4)
                out.append(UInt32(sid) << 4 | UInt32(v & 15))
                prev = sid
                v = 0
                shift = 0
            }
        }
        return out
    }

    /// FNV-1a over the token's Unicode scalar values (JS: over code points).
    static func fnv1a(_ s: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for u in s.unicodeScalars {
            h ^= u.value
            h = h &* 16_777_619
        }
        return h
    }

    /// A JSON string literal that is also a safe JavaScript string literal (U+2028/2029 escaped).
    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        var it = s.utf8.makeIterator()
        var pending: [UInt8] = []
        while let b = it.next() {
            switch b {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 0x0A: out += [92, UInt8(ascii: "n")]
            case 0x0D: out += [92, UInt8(ascii: "r")]
            case 0x09: out += [92, UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
            case 0xE2:
                // U+2028 / U+2029 are E2 80 A8 / E2 80 A9.
                pending = [b]
                if let b2 = it.next() {
                    pending.append(b2)
                    if b2 == 0x80, let b3 = it.next() {
                        if b3 == 0xA8 || b3 == 0xA9 {
                            out += Array((b3 == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                            continue
                        }
                        pending.append(b3)
                    }
                }
                out += pending
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
