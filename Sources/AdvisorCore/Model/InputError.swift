/// Input that cannot be read as what it claims to be: a broken plan, an empty file, a binary file.
///
/// The message names the file, the format tried, the position and what was expected, so a user
/// can find the spot; the command line turns it into exit code 2.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the user named it ("-" or "<stdin>" for standard input).
    public var file: String
    /// The format that was tried, or nil when none could be recognised.
    public var format: PlanFormat?
    /// 1-based line and column; nil when the problem is the input as a whole.
    public var line: Int?
    public var column: Int?
    /// What went wrong and what was expected there.
    public var reason: String

    public init(file: String, format: PlanFormat? = nil, line: Int? = nil, column: Int? = nil, reason: String) {
        self.file = file
        self.format = format
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var position = file
        if let line {
            position += ":\(line)"
            if let column { position += ":\(column)" }
        }
        let tried = format.map { " (read as \($0.rawValue))" } ?? ""
        return "\(position): \(reason)\(tried)"
    }
}

/// A parser's view of its input: the raw bytes plus the name to use in error messages.
public struct PlanInput: Sendable {
    public var bytes: [UInt8]
    public var name: String

    public init(bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    public init(text: String, name: String = "<input>") {
        self.init(bytes: Array(text.utf8), name: name)
    }

    /// An error at a byte offset, converted to line and column.
    public func error(at offset: Int, format: PlanFormat?, _ reason: String) -> InputError {
        let (line, column) = Self.lineAndColumn(of: offset, in: bytes)
        return InputError(file: name, format: format, line: line, column: column, reason: reason)
    }

    /// 1-based line and column (in bytes) of an offset.
    public static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(max(offset, 0), bytes.count)
        var index = 0
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        return (line, end - lineStart + 1)
    }
}
