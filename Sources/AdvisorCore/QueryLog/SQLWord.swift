/// The words the fingerprint writer reacts to, each packed as ``code(of:)`` packs it: its bytes
/// little-endian in a `UInt64`, so one integer comparison recognises a word without building a `String`.
/// `SQLWordTests` checks every constant against its name.
enum SQLWord {
    /// The packed word with ASCII letters lower-cased, or 0 for a word longer than eight bytes (none of those
    /// matters here).
    @inline(__always)
    static func code(of word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard word.count <= 8 else { return 0 }
        var code: UInt64 = 0
        var shift: UInt64 = 0
        for byte in word {
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            code |= UInt64(lower) << shift
            shift += 8
        }
        return code
    }

    static let all: UInt64 = 0x6c6c61
    static let and: UInt64 = 0x646e61
    static let `any`: UInt64 = 0x796e61
    static let array: UInt64 = 0x79_6172_7261
    static let `as`: UInt64 = 0x7361
    static let asc: UInt64 = 0x637361
    static let between: UInt64 = 0x6e_6565_7774_6562
    static let binary: UInt64 = 0x7972_616e_6962
    static let bit: UInt64 = 0x746962
    static let by: UInt64 = 0x7962
    static let `case`: UInt64 = 0x6573_6163
    static let char: UInt64 = 0x7261_6863
    static let datetime: UInt64 = 0x656d_6974_6574_6164
    static let decimal: UInt64 = 0x6c_616d_6963_6564
    static let `else`: UInt64 = 0x6573_6c65
    static let except: UInt64 = 0x7470_6563_7865
    static let `false`: UInt64 = 0x65_736c_6166
    static let fetch: UInt64 = 0x68_6374_6566
    static let float: UInt64 = 0x74_616f_6c66
    static let `for`: UInt64 = 0x726f66
    static let from: UInt64 = 0x6d6f_7266
    static let group: UInt64 = 0x70_756f_7267
    static let having: UInt64 = 0x676e_6976_6168
    static let `in`: UInt64 = 0x6e69
    static let insert: UInt64 = 0x7472_6573_6e69
    static let `is`: UInt64 = 0x7369
    static let like: UInt64 = 0x656b_696c
    static let limit: UInt64 = 0x74_696d_696c
    static let nchar: UInt64 = 0x72_6168_636e
    static let not: UInt64 = 0x746f6e
    static let null: UInt64 = 0x6c6c_756e
    static let numeric: UInt64 = 0x63_6972_656d_756e
    static let nvarchar: UInt64 = 0x7261_6863_7261_766e
    static let offset: UInt64 = 0x7465_7366_666f
    static let on: UInt64 = 0x6e6f
    static let or: UInt64 = 0x726f
    static let order: UInt64 = 0x72_6564_726f
    static let replace: UInt64 = 0x65_6361_6c70_6572
    static let `return`: UInt64 = 0x6e72_7574_6572
    static let select: UInt64 = 0x7463_656c_6573
    static let `set`: UInt64 = 0x746573
    static let `some`: UInt64 = 0x656d_6f73
    static let then: UInt64 = 0x6e65_6874
    static let time: UInt64 = 0x656d_6974
    static let `true`: UInt64 = 0x6575_7274
    static let union: UInt64 = 0x6e_6f69_6e75
    static let value: UInt64 = 0x65_756c_6176
    static let values: UInt64 = 0x7365_756c_6176
    static let varbit: UInt64 = 0x7469_6272_6176
    static let varchar: UInt64 = 0x72_6168_6372_6176
    static let varying: UInt64 = 0x67_6e69_7972_6176
    static let when: UInt64 = 0x6e65_6877
    static let `where`: UInt64 = 0x65_7265_6877
    static let window: UInt64 = 0x776f_646e_6977
}
