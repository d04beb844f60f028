import ArgumentParser

/// A count given on the command line, where any run of digits is accepted and a value past `Int.max`
/// saturates: commands cap counts at what they can use, so "more than that" needs no exact value.
struct SaturatingCount: ExpressibleByArgument, Sendable {
    var value: Int

    init?(argument: String) {
        guard !argument.isEmpty, argument.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        value = Int(argument) ?? Int.max
    }
}
