/// A fixed set of member names, looked up by their UTF-8 bytes without making a `String`.
///
/// Plan formats repeat the same few dozen member names on every node; turning each into a
/// `String` (most are longer than the 15 bytes Swift stores inline, so each is a heap allocation)
/// and hashing it dominated reading large plans. This table reads a name's first and last eight
/// bytes as two integers, hashes them with its length into an open-addressing array, and for names
/// of up to 16 bytes those integers and the length are the whole comparison.
public struct JSONKeyTable<Key: Sendable>: Sendable {
    private struct Slot: Sendable {
        var head: UInt64
        var tail: UInt64
        var count: Int
        /// Index into `keys` and `nameStarts`, or -1 for an empty slot.
        var index: Int
    }

    /// Every name's bytes, one after the other, for comparing the middle of names over 16 bytes.
    private let names: [UInt8]
    private let nameStarts: [Int]
    private let keys: [Key]
    /// The count is a power of two.
    private let slots: [Slot]

    /// Builds the table. A name listed twice keeps its first key.
    public init(_ pairs: [(String, Key)]) {
        var names: [UInt8] = []
        var nameStarts: [Int] = []
        var keys: [Key] = []
        // At most a quarter full, so a miss usually ends at the first empty slot.
        var slotCount = 8
        while slotCount < pairs.count * 4 { slotCount *= 2 }
        var slots = [Slot](repeating: Slot(head: 0, tail: 0, count: 0, index: -1), count: slotCount)
        for (name, key) in pairs {
            let utf8 = Array(name.utf8)
            let (head, tail) = utf8.withUnsafeBufferPointer { Self.ends(of: $0) }
            var slot = Self.slot(head: head, tail: tail, count: utf8.count, mask: slotCount - 1)
            var duplicate = false
            while slots[slot].index >= 0 {
                let index = slots[slot].index
                if names[nameStarts[index]..<nameStarts[index] + slots[slot].count].elementsEqual(utf8) {
                    duplicate = true
                    break
                }
                slot = (slot + 1) & (slotCount - 1)
            }
            if duplicate { continue }
            slots[slot] = Slot(head: head, tail: tail, count: utf8.count, index: keys.count)
            nameStarts.append(names.count)
            names.append(contentsOf: utf8)
            keys.append(key)
        }
        self.names = names
        self.nameStarts = nameStarts
        self.keys = keys
        self.slots = slots
    }

    /// The key for a name given as UTF-8 bytes, nil when the name is not in the table.
    public func key(for name: UnsafeBufferPointer<UInt8>) -> Key? {
        let (head, tail) = Self.ends(of: name)
        let mask = slots.count - 1
        var slot = Self.slot(head: head, tail: tail, count: name.count, mask: mask)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let candidate = slots[slot]
                if candidate.index < 0 { return nil }
                if candidate.head == head, candidate.tail == tail, candidate.count == name.count,
                    name.count <= 16 || middleMatches(name, nameStarts[candidate.index])
                {
                    return keys[candidate.index]
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The key for a name given as a `String` (names that needed unescaping).
    public func key(for name: String) -> Key? {
        var name = name
        return name.withUTF8 { key(for: $0) }
    }

    private func middleMatches(_ name: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        names.withUnsafeBufferPointer { names in
            var index = 8
            while index < name.count - 8 {
                if name[index] != names[start + index] { return false }
                index += 1
            }
            return true
        }
    }

    /// The first and the last eight bytes (overlapping for names under 16 bytes, zero-padded under 8).
    @inline(__always)
    private static func ends(of name: UnsafeBufferPointer<UInt8>) -> (head: UInt64, tail: UInt64) {
        guard let base = name.baseAddress else { return (0, 0) }
        if name.count >= 8 {
            let raw = UnsafeRawPointer(base)
            return (
                raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: name.count - 8, as: UInt64.self)
            )
        }
        var value: UInt64 = 0
        for index in 0..<name.count { value |= UInt64(name[index]) << (8 * UInt64(index)) }
        return (value, value)
    }

    @inline(__always)
    private static func slot(head: UInt64, tail: UInt64, count: Int, mask: Int) -> Int {
        let mixed = (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }
}
