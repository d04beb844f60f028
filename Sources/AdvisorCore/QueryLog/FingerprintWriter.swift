/// One pass over a statement's UTF-8 bytes that writes its normalized form into a caller-provided buffer (the
/// conventions are those ``StatementFingerprint`` documents). No `String`, no allocation but the paren stack.
///
/// The writer never looks back at the input: lists collapse by truncating what it already wrote (each open
/// parenthesis remembers where it started), and a dropped `ASC` is taken back the same way.
struct FingerprintWriter {
    /// What the last token written was: decides spacing, signs and whether a number is a value.
    enum Token: UInt8 {
        case none, word, quotedIdentifier, value, open, close, comma, dot, symbol, semicolon
    }

    /// What a parenthesis (or bracket) holds, announced by the word before it.
    enum ListKind: UInt8 {
        case none
        case plain
        /// `IN (…)` or `ARRAY[…]`: collapses when it holds values only.
        case valueList
        /// PostgreSQL `ARRAY` before its `[`.
        case arrayList
        /// MySQL `INSERT … VALUES (…)`: collapses whatever it holds, as pt-query-digest does.
        case insertValues
        /// PostgreSQL `VALUES (…)`: the first row stays.
        case valuesRow
        /// A further row of a VALUES list: dropped.
        case extraValuesRow
        /// `AS varchar(50)`, `::numeric(10,2)`: the numbers are part of the type, not values.
        case typeModifier
    }

    struct Frame {
        var kind: ListKind
        var closer: UInt8
        /// Where the output stood when the list opened (before its separator for a dropped row).
        var start: Int
        var placeholders: Int
        var onlyValues = true
        var values = 0
    }

    let input: UnsafeBufferPointer<UInt8>
    let output: UnsafeMutablePointer<UInt8>
    let postgres: Bool
    var frames: [Frame] = []
    /// The closers of parentheses opened past `maximumFrames`: kept as written, one byte each, so that memory stays
    /// a fraction of the statement's however deep it nests.
    var deepClosers: [UInt8] = []
    /// More levels than either server's parser takes (PostgreSQL's stack depth, MySQL's parser stack).
    static let maximumFrames = 10_000
    /// Bytes written.
    var count = 0
    /// The input byte being read.
    var index = 0
    /// Placeholders written so far (PostgreSQL numbers them `$1`, `$2`, …).
    var placeholders = 0
    var last = Token.none
    /// ``SQLWord`` code of the last token when it is a word.
    var lastWord: UInt64 = 0
    /// Whitespace since the last token: one space in the output.
    var hardSpace = false
    /// A comment since the last token: a space only where two words would otherwise run together.
    var softSpace = false
    var pendingList = ListKind.none
    /// After `IS` / `IS NOT`: NULL, TRUE and FALSE are syntax there, not values.
    var afterIs = false
    /// The first word of the current statement.
    var verb: UInt64 = 0
    var insertValuesSeen = false
    /// A VALUES row just closed: a comma and another row may follow.
    var valuesRowClosed = false
    /// Where the output stood before the comma after a VALUES row (-1: none).
    var rowCommaMark = -1
    /// Paren depth of an `ORDER BY` / `GROUP BY` list, whose bare integers are column positions (-1: none).
    var positionalDepth = -1
    /// Where the output stood before an `ASC` that goes if the sort item ends there (-1: none).
    var ascMark = -1
    /// Inside a MySQL `/*! … */` or `/*+ … */`, whose content the server runs.
    var inExecutableComment = false
    /// Input range of the attribution tag (see ``SQLCommentTag``): a leading one, else a trailing one.
    var tag: Range<Int>?
    var trailingTag: Range<Int>?

    init(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutablePointer<UInt8>, postgres: Bool) {
        self.input = input
        self.output = output
        self.postgres = postgres
    }

    /// The most bytes ``run()`` writes for an input of `length` bytes. A one-byte literal becomes at most
    /// `$` and seven digits, a one-value list `( $n /*, ... */ )`: under eight output bytes per input byte.
    static func outputCapacity(forInputLength length: Int) -> Int { length * 8 + 64 }

    mutating func run() {
        let end = input.count
        while index < end {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                hardSpace = true
                index += 1
            case UInt8(ascii: "-"):
                if peek(1) == UInt8(ascii: "-") {
                    lineComment()
                } else if signedNumberFollows() {
                    number(signed: true)
                } else {
                    symbol()
                }
            case UInt8(ascii: "+"):
                if signedNumberFollows() { number(signed: true) } else { symbol() }
            case UInt8(ascii: "#"):
                if postgres { symbol() } else { lineComment() }
            case UInt8(ascii: "/"):
                if peek(1) == UInt8(ascii: "*") { blockComment() } else { symbol() }
            case UInt8(ascii: "*"):
                if inExecutableComment && peek(1) == UInt8(ascii: "/") { closeExecutableComment() } else { symbol() }
            case UInt8(ascii: "'"):
                string(quoteAt: index, backslashEscapes: !postgres)
            case UInt8(ascii: "\""):
                if postgres { quotedIdentifier() } else { string(quoteAt: index, backslashEscapes: true) }
            case UInt8(ascii: "`"):
                if postgres { symbol() } else { quotedIdentifier() }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                number(signed: false)
            case UInt8(ascii: "."):
                if SQLByte.isDigit(peek(1)) && valueMayFollow() { number(signed: false) } else { symbol(as: .dot) }
            case UInt8(ascii: "?"):
                if postgres {
                    symbol()  // jsonb's ?, ?| and ?& operators; PostgreSQL parameters are $n
                } else {
                    index += 1
                    placeholder()
                }
            case UInt8(ascii: "$"):
                if postgres { dollar() } else { word() }
            case UInt8(ascii: ":"):
                namedParameterOrSymbol()
            case UInt8(ascii: "%"):
                formatParameterOrSymbol()
            case UInt8(ascii: "("), UInt8(ascii: "["):
                open(byte)
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                close(byte)
            case UInt8(ascii: ","):
                comma()
            case UInt8(ascii: ";"):
                semicolon()
            case UInt8(ascii: "@"):
                if postgres { symbol() } else { word() }
            default:
                if SQLByte.isWord(byte) { word() } else { symbol() }
            }
        }
        settleAsc(dropping: true)
        // A trailing `;` (or several) does not make another class.
        while count > 0, output[count - 1] == UInt8(ascii: ";") || output[count - 1] == UInt8(ascii: " ") {
            count -= 1
        }
        if tag == nil { tag = trailingTag }
    }

    // MARK: - Tokens

    private mutating func word() {
        let start = index
        var end = index + 1
        while end < input.count, SQLByte.isWord(input[end]) { end += 1 }
        if literalPrefix(start: start, end: end) { return }
        let code = SQLWord.code(of: UnsafeBufferPointer(rebasing: input[start..<end]))
        switch code {
        case SQLWord.limit, SQLWord.offset, SQLWord.fetch, SQLWord.for, SQLWord.union, SQLWord.except,
            SQLWord.window:
            settleAsc(dropping: true)
        default:
            settleAsc(dropping: false)
        }
        if (code == SQLWord.null || code == SQLWord.true || code == SQLWord.false) && !afterIs {
            index = end
            placeholder()
            return
        }
        let previous = last == .word ? lastWord : 0
        let afterCast =
            last == .symbol && count > 1 && output[count - 1] == UInt8(ascii: ":")
            && output[count - 2] == UInt8(ascii: ":")
        let startsStatement = last == .none || last == .semicolon
        let wasAfterIs = afterIs
        let mark = count
        beginToken(startsWithWordByte: SQLByte.isWord(input[start]), isValue: false)
        for position in start..<end {
            let byte = input[position]
            output[count] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            count += 1
        }
        index = end
        last = .word
        lastWord = code
        if startsStatement { verb = code }
        afterIs = code == SQLWord.is || code == SQLWord.not && wasAfterIs
        switch code {
        case SQLWord.in:
            pendingList = .valueList
        case SQLWord.values, SQLWord.value:
            if postgres {
                pendingList = .valuesRow
            } else if (verb == SQLWord.insert || verb == SQLWord.replace) && !insertValuesSeen {
                pendingList = .insertValues
            }
        case SQLWord.array:
            if postgres { pendingList = .arrayList }
        case SQLWord.by:
            if previous == SQLWord.order || previous == SQLWord.group { positionalDepth = depth }
        case SQLWord.asc:
            ascMark = mark
        case SQLWord.limit, SQLWord.offset, SQLWord.having, SQLWord.window, SQLWord.union, SQLWord.except,
            SQLWord.fetch, SQLWord.for, SQLWord.from, SQLWord.where, SQLWord.select, SQLWord.on:
            if depth <= positionalDepth { positionalDepth = -1 }
        case SQLWord.varchar, SQLWord.char, SQLWord.numeric, SQLWord.decimal, SQLWord.float, SQLWord.time,
            SQLWord.bit, SQLWord.varbit, SQLWord.datetime, SQLWord.binary, SQLWord.nchar, SQLWord.nvarchar,
            SQLWord.varying:
            if previous == SQLWord.as || afterCast || code == SQLWord.varying { pendingList = .typeModifier }
        default:
            break
        }
    }

    /// A string literal written with a prefix (`E'…'`, `N'…'`, `X'…'`, `B'…'`, `U&'…'`, MySQL `_utf8mb4'…'`):
    /// true when the word at `start..<end` was one and the literal has been read.
    private mutating func literalPrefix(start: Int, end: Int) -> Bool {
        guard end < input.count else { return false }
        let next = input[end]
        let first = input[start] | 0x20
        let single = end - start == 1
        if next == UInt8(ascii: "'") || !postgres && next == UInt8(ascii: "\"") {
            let prefixed =
                single
                && (first == UInt8(ascii: "e") || first == UInt8(ascii: "b") || first == UInt8(ascii: "x")
                    || first == UInt8(ascii: "n"))
            guard prefixed || !postgres && input[start] == UInt8(ascii: "_") else { return false }
            string(quoteAt: end, backslashEscapes: !postgres || first == UInt8(ascii: "e"))
            return true
        }
        if postgres && single && first == UInt8(ascii: "u") && next == UInt8(ascii: "&")
            && end + 1 < input.count && input[end + 1] == UInt8(ascii: "'")
        {
            string(quoteAt: end + 1, backslashEscapes: false)
            return true
        }
        return false
    }

    private mutating func string(quoteAt quote: Int, backslashEscapes: Bool) {
        let quoteByte = input[quote]
        var position = quote + 1
        while position < input.count {
            let byte = input[position]
            if byte == quoteByte {
                // A doubled quote is one quote inside the string.
                if position + 1 < input.count && input[position + 1] == quoteByte {
                    position += 2
                    continue
                }
                position += 1
                break
            }
            position += byte == UInt8(ascii: "\\") && backslashEscapes ? 2 : 1
        }
        index = min(position, input.count)
        placeholder()
    }

    private mutating func quotedIdentifier() {
        let quoteByte = input[index]
        var end = index + 1
        while end < input.count {
            if input[end] == quoteByte {
                if end + 1 < input.count && input[end + 1] == quoteByte {
                    end += 2
                    continue
                }
                end += 1
                break
            }
            end += 1
        }
        end = min(end, input.count)
        settleAsc(dropping: false)
        beginToken(startsWithWordByte: false, isValue: false)
        for position in index..<end {
            let byte = input[position]
            // MySQL names are as case-sensitive quoted as unquoted, so both fold; PostgreSQL's quoted names keep case.
            output[count] =
                !postgres && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            count += 1
        }
        index = end
        last = .quotedIdentifier
    }

    private mutating func number(signed: Bool) {
        let start = index
        var position = signed ? index + 1 : index
        var plainInteger = !signed
        let end = input.count
        func at(_ offset: Int) -> UInt8 { offset < end ? input[offset] : 0 }
        if at(position) == UInt8(ascii: "0") && at(position + 1) | 0x20 == UInt8(ascii: "x")
            && SQLByte.isHexDigit(at(position + 2))
        {
            position += 2
            while SQLByte.isHexDigit(at(position)) { position += 1 }
            plainInteger = false
        } else if at(position) == UInt8(ascii: "0") && at(position + 1) | 0x20 == UInt8(ascii: "b")
            && (at(position + 2) == UInt8(ascii: "0") || at(position + 2) == UInt8(ascii: "1"))
        {
            position += 2
            while at(position) == UInt8(ascii: "0") || at(position) == UInt8(ascii: "1") { position += 1 }
            plainInteger = false
        } else {
            while SQLByte.isDigit(at(position)) { position += 1 }
            if at(position) == UInt8(ascii: ".") {
                plainInteger = false
                position += 1
                while SQLByte.isDigit(at(position)) { position += 1 }
            }
            let sign = at(position + 1)
            if at(position) | 0x20 == UInt8(ascii: "e")
                && (SQLByte.isDigit(sign)
                    || (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && SQLByte.isDigit(at(position + 2)))
            {
                plainInteger = false
                position += 2
                while SQLByte.isDigit(at(position)) { position += 1 }
            }
        }
        // `123abc` is a name in MySQL (names may start with digits), `0x1g` too.
        if !signed && SQLByte.isDigit(input[start]) && SQLByte.isWord(at(position)) {
            word()
            return
        }
        let keep =
            plainInteger
            && (deepClosers.isEmpty && frames.last?.kind == .typeModifier
                || positionalDepth == depth
                    && (last == .comma || last == .word && lastWord == SQLWord.by))
        guard keep else {
            index = position
            placeholder()
            return
        }
        settleAsc(dropping: false)
        beginToken(startsWithWordByte: true, isValue: false)
        for offset in start..<position {
            output[count] = input[offset]
            count += 1
        }
        index = position
        last = .value
    }

    /// PostgreSQL `$1` parameters and `$tag$…$tag$` strings; a lone `$` is a symbol.
    private mutating func dollar() {
        let end = input.count
        if SQLByte.isDigit(peek(1)) {
            index += 1
            while index < end, SQLByte.isDigit(input[index]) { index += 1 }
            placeholder()
            return
        }
        var position = index + 1
        if position < end, SQLByte.isWord(input[position]), !SQLByte.isDigit(input[position]) {
            while position < end, SQLByte.isWord(input[position]), input[position] != UInt8(ascii: "$") {
                position += 1
            }
        }
        guard position < end, input[position] == UInt8(ascii: "$") else {
            symbol()
            return
        }
        let delimiter = index..<(position + 1)
        var search = position + 1
        var closed = end
        while search + delimiter.count <= end {
            if input[search] == UInt8(ascii: "$") && matches(delimiter, at: search) {
                closed = search + delimiter.count
                break
            }
            search += 1
        }
        index = closed
        placeholder()
    }

    private func matches(_ delimiter: Range<Int>, at position: Int) -> Bool {
        for offset in 0..<delimiter.count where input[delimiter.lowerBound + offset] != input[position + offset] {
            return false
        }
        return true
    }

    /// `:name` (psql, ORMs) where a value may stand; `::` casts and `[1:n]` slices stay symbols.
    private mutating func namedParameterOrSymbol() {
        let next = peek(1)
        let previous = index > 0 ? input[index - 1] : 0
        guard SQLByte.isWord(next), !SQLByte.isDigit(next), next != UInt8(ascii: "$"), previous != UInt8(ascii: ":"),
            valueMayFollow()
        else {
            symbol()
            return
        }
        index += 1
        while index < input.count, SQLByte.isWord(input[index]) { index += 1 }
        placeholder()
    }

    /// Python's `%s` and `%(name)s` where a value may stand; otherwise `%` is the modulo operator.
    private mutating func formatParameterOrSymbol() {
        guard valueMayFollow() else {
            symbol()
            return
        }
        if peek(1) == UInt8(ascii: "s") && !SQLByte.isWord(peek(2)) {
            index += 2
            placeholder()
            return
        }
        if peek(1) == UInt8(ascii: "(") {
            var position = index + 2
            while position < input.count, SQLByte.isWord(input[position]) { position += 1 }
            if position + 1 < input.count, input[position] == UInt8(ascii: ")"),
                input[position + 1] == UInt8(ascii: "s")
            {
                index = position + 2
                placeholder()
                return
            }
        }
        symbol()
    }

    private mutating func symbol(as token: Token = .symbol) {
        settleAsc(dropping: false)
        beginToken(startsWithWordByte: false, isValue: false)
        output[count] = input[index]
        count += 1
        index += 1
        last = token
    }

    private mutating func comma() {
        settleAsc(dropping: true)
        let mark = count
        let rowClosed = valuesRowClosed
        // Commas keep a list "values only".
        beginToken(startsWithWordByte: false, isValue: true)
        output[count] = UInt8(ascii: ",")
        count += 1
        index += 1
        last = .comma
        if rowClosed { rowCommaMark = mark }
    }

    private mutating func semicolon() {
        settleAsc(dropping: true)
        let trailing = trailingTag
        beginToken(startsWithWordByte: false, isValue: false)
        trailingTag = trailing
        output[count] = UInt8(ascii: ";")
        count += 1
        index += 1
        last = .semicolon
        verb = 0
        insertValuesSeen = false
        positionalDepth = -1
    }

    private mutating func open(_ byte: UInt8) {
        settleAsc(dropping: false)
        var kind = ListKind.plain
        if byte == UInt8(ascii: "(") {
            switch pendingList {
            case .valueList, .insertValues, .valuesRow, .typeModifier: kind = pendingList
            default: if rowCommaMark >= 0 { kind = .extraValuesRow }
            }
        } else if pendingList == .arrayList {
            kind = .valueList
        }
        let isDeep = frames.count >= Self.maximumFrames
        // Past the limit a parenthesis is kept as written, whatever the word before it announced.
        if isDeep { kind = .plain }
        // pt-query-digest writes `in(?+)` and `values(?+)`: MySQL keeps that spelling.
        if !postgres && (kind == .valueList || kind == .insertValues) {
            hardSpace = false
            softSpace = false
        }
        let rowStart = rowCommaMark
        beginToken(startsWithWordByte: false, isValue: false)
        let closer = byte == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
        if isDeep {
            deepClosers.append(closer)
        } else {
            frames.append(
                Frame(
                    kind: kind, closer: closer, start: kind == .extraValuesRow ? rowStart : count,
                    placeholders: placeholders))
        }
        output[count] = byte
        count += 1
        index += 1
        last = .open
        if kind == .insertValues { insertValuesSeen = true }
    }

    private mutating func close(_ byte: UInt8) {
        settleAsc(dropping: true)
        if let closer = deepClosers.last {
            guard closer == byte else {
                symbol(as: .close)
                return
            }
            deepClosers.removeLast()
            index += 1
            beginToken(startsWithWordByte: false, isValue: false)
            output[count] = byte
            count += 1
            last = .close
            if positionalDepth > depth { positionalDepth = -1 }
            return
        }
        guard let frame = frames.last, frame.closer == byte else {
            symbol(as: .close)
            return
        }
        frames.removeLast()
        index += 1
        switch frame.kind {
        case .valueList where frame.onlyValues && frame.values > 0:
            restart(at: frame)
            output[count] = byte == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
            count += 1
            if postgres {
                // PostgreSQL 18's pg_stat_statements prints squashed lists this way.
                writePlaceholder()
                write(" /*, ... */")
            } else {
                write("?+")
            }
            output[count] = byte
            count += 1
        case .insertValues where count > frame.start + 1:
            restart(at: frame)
            write("(?+)")
        case .extraValuesRow:
            restart(at: frame)
        default:
            beginToken(startsWithWordByte: false, isValue: false)
            output[count] = byte
            count += 1
        }
        if frame.kind == .insertValues || frame.kind == .valuesRow || frame.kind == .extraValuesRow {
            valuesRowClosed = true
        }
        last = .close
        if positionalDepth > depth { positionalDepth = -1 }
    }

    /// Takes back what a list wrote since it opened.
    private mutating func restart(at frame: Frame) {
        count = frame.start
        placeholders = frame.placeholders
        beginToken(startsWithWordByte: false, isValue: true)
        hardSpace = false
        softSpace = false
    }

    private mutating func lineComment() {
        // The line break ends the comment and goes with it: `a -- x\n, b` reads `a, b`.
        while index < input.count, input[index] != UInt8(ascii: "\n") { index += 1 }
        index = min(index + 1, input.count)
        softSpace = true
    }

    private mutating func blockComment() {
        let marker = peek(2)
        if !postgres && (marker == UInt8(ascii: "!") || marker == UInt8(ascii: "+")) {
            // MySQL runs what `/*! … */` and `/*+ … */` hold: they stay.
            settleAsc(dropping: false)
            beginToken(startsWithWordByte: false, isValue: false)
            for _ in 0..<3 {
                output[count] = input[index]
                count += 1
                index += 1
            }
            while index < input.count, SQLByte.isDigit(input[index]) {
                output[count] = input[index]
                count += 1
                index += 1
            }
            inExecutableComment = true
            last = .symbol
            return
        }
        let bodyStart = index + 2
        var position = bodyStart
        var depth = 1
        var bodyEnd = input.count
        while position < input.count {
            let byte = input[position]
            let next = position + 1 < input.count ? input[position + 1] : 0
            if byte == UInt8(ascii: "*") && next == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 {
                    bodyEnd = position - 2
                    break
                }
            } else if postgres && byte == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                // PostgreSQL block comments nest.
                depth += 1
                position += 2
            } else {
                position += 1
            }
        }
        index = min(position, input.count)
        if tag == nil, bodyStart < bodyEnd,
            let found = SQLCommentTag.tag(in: UnsafeBufferPointer(rebasing: input[bodyStart..<bodyEnd]))
        {
            let range = (found.lowerBound + bodyStart)..<(found.upperBound + bodyStart)
            if count == 0 { tag = range } else { trailingTag = range }
        }
        softSpace = true
    }

    private mutating func closeExecutableComment() {
        settleAsc(dropping: false)
        beginToken(startsWithWordByte: false, isValue: false)
        write("*/")
        index += 2
        inExecutableComment = false
        last = .symbol
    }

    // MARK: - Writing

    /// Parentheses open, those past `maximumFrames` included.
    private var depth: Int { frames.count + deepClosers.count }

    private mutating func placeholder() {
        settleAsc(dropping: false)
        beginToken(startsWithWordByte: postgres, isValue: true)
        writePlaceholder()
        if deepClosers.isEmpty, let top = frames.indices.last, frames[top].kind == .valueList {
            frames[top].values += 1
        }
        last = .value
    }

    private mutating func writePlaceholder() {
        guard postgres else {
            output[count] = UInt8(ascii: "?")
            count += 1
            return
        }
        placeholders += 1
        output[count] = UInt8(ascii: "$")
        count += 1
        var digits = 1
        var scale = 1
        while placeholders / scale >= 10 {
            scale *= 10
            digits += 1
        }
        var remaining = placeholders
        for _ in 0..<digits {
            output[count] = UInt8(ascii: "0") + UInt8(remaining / scale)
            count += 1
            remaining %= scale
            scale /= 10
        }
    }

    private mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for byte in bytes {
                output[count] = byte
                count += 1
            }
        }
    }

    /// Writes the separator the input had before this token and forgets what only the previous token announced.
    @inline(__always)
    private mutating func beginToken(startsWithWordByte: Bool, isValue: Bool) {
        if count > 0
            && (hardSpace || softSpace && startsWithWordByte && SQLByte.isWord(output[count - 1]))
        {
            output[count] = UInt8(ascii: " ")
            count += 1
        }
        hardSpace = false
        softSpace = false
        pendingList = .none
        valuesRowClosed = false
        rowCommaMark = -1
        trailingTag = nil
        afterIs = false
        if !isValue, deepClosers.isEmpty, let top = frames.indices.last, frames[top].kind == .valueList {
            frames[top].onlyValues = false
        }
    }

    /// Decides a pending `ASC`: it goes when its sort item ends right after it (the default order is ascending).
    @inline(__always)
    private mutating func settleAsc(dropping: Bool) {
        guard ascMark >= 0 else { return }
        if dropping { count = ascMark }
        ascMark = -1
    }

    // MARK: - Reading

    @inline(__always)
    private func peek(_ offset: Int) -> UInt8 {
        index + offset < input.count ? input[index + offset] : 0
    }

    /// A sign or a `.5` here starts a number: after an operator, an opening parenthesis, a comma, the start, or a
    /// keyword that takes a value.
    private func valueMayFollow() -> Bool {
        switch last {
        case .none, .open, .comma, .symbol, .semicolon:
            return true
        case .word:
            switch lastWord {
            case SQLWord.select, SQLWord.where, SQLWord.and, SQLWord.or, SQLWord.not, SQLWord.then, SQLWord.else,
                SQLWord.when, SQLWord.values, SQLWord.value, SQLWord.by, SQLWord.limit, SQLWord.offset, SQLWord.in,
                SQLWord.is, SQLWord.like, SQLWord.between, SQLWord.case, SQLWord.return, SQLWord.set, SQLWord.on,
                SQLWord.having, SQLWord.all, SQLWord.any, SQLWord.some:
                return true
            default:
                return false
            }
        case .quotedIdentifier, .value, .close, .dot:
            return false
        }
    }

    private func signedNumberFollows() -> Bool {
        let next = peek(1)
        return (SQLByte.isDigit(next) || next == UInt8(ascii: ".") && SQLByte.isDigit(peek(2))) && valueMayFollow()
    }
}

/// Byte classes of SQL text.
enum SQLByte {
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6 }

    /// Bytes of an unquoted name: ASCII letters and digits, `_`, `$`, and every byte of a non-ASCII character.
    @inline(__always)
    static func isWord(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20) &- UInt8(ascii: "a") < 26 || isDigit(byte) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "$")
    }
}
