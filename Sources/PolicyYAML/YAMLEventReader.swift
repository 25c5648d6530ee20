internal import CYAML
import PolicySource

// The only file in Proviso that imports libyaml. C types never leave it: every event is converted
// to a ``YAMLEvent`` whose positions are UTF-8 byte offsets into the ``SourceFile``.

/// One libyaml parse event, converted to Swift at the C boundary.
struct YAMLEvent {
  /// What the event says.
  enum Kind {
    case streamStart
    case streamEnd
    case documentStart
    case documentEnd
    /// `*name`; libyaml carries only the anchor name.
    case alias(anchor: String)
    case scalar(YAMLScalarEvent)
    case sequenceStart(YAMLCollectionEvent)
    case sequenceEnd
    case mappingStart(YAMLCollectionEvent)
    case mappingEnd
  }

  /// The event kind and payload.
  var kind: Kind
  /// Where the event's text is, as UTF-8 byte offsets (a node with an anchor or tag starts at the
  /// `&` or `!`).
  var range: SourceRange
}

/// The payload of a scalar event.
struct YAMLScalarEvent {
  /// The scalar's value after unescaping and folding.
  var value: String
  /// How the scalar was written.
  var style: YAMLNode.Scalar.Style
  /// The explicit tag, resolved through `%TAG` handles (`!!str` arrives as `tag:yaml.org,2002:str`).
  var tag: String?
  /// The anchor name, without `&`.
  var anchor: String?
}

/// The payload of a sequence-start or mapping-start event.
struct YAMLCollectionEvent {
  /// The explicit tag, if any.
  var tag: String?
  /// The anchor name, without `&`.
  var anchor: String?
  /// Whether the collection is written in flow style (`[...]`, `{...}`).
  var isFlow: Bool
}

/// A failure reported by libyaml, located in the file.
struct YAMLReaderError: Error {
  /// libyaml's processing stage that failed.
  enum Stage { case reader, scanner, parser, memory }
  /// The failing stage.
  var stage: Stage
  /// libyaml's problem text (`did not find expected ',' or ']'`).
  var problem: String
  /// libyaml's context text (`while parsing a flow sequence`), if any.
  var context: String?
  /// The UTF-8 byte offset of the problem.
  var problemOffset: Int32
  /// The UTF-8 byte offset where the context started, if libyaml gave one.
  var contextOffset: Int32?
  /// For reader errors, the offending character or byte (libyaml's `problem_value`), if any.
  var problemValue: Int32? = nil
}

/// Converts libyaml's marks to UTF-8 byte offsets.
///
/// libyaml 0.2.5 counts `mark.index` in characters (Unicode scalars, with `\r\n` counting two), not
/// bytes, and starts counting after a byte-order mark. For ASCII input the index is the byte offset;
/// otherwise a table maps each character index to the byte offset where that character starts.
struct YAMLCharacterOffsets {
  /// The byte offset of character 0 (3 after a UTF-8 byte-order mark).
  let base: Int32
  /// For non-ASCII input, the byte offset (relative to `base`) of each character, plus the end.
  let table: [Int32]?

  /// Builds the conversion for `bytes`, which start at file offset `base`.
  init(bytes: UnsafeBufferPointer<UInt8>, base: Int32) {
    self.base = base
    var ascii = true
    for b in bytes where b >= 0x80 { ascii = false; break }
    if ascii { table = nil; return }
    var starts: [Int32] = []
    starts.reserveCapacity(bytes.count + 1)
    for i in 0..<bytes.count where bytes[i] & 0xC0 != 0x80 { starts.append(Int32(i)) }
    starts.append(Int32(bytes.count))
    table = starts
  }

  /// The file byte offset of character index `index`.
  @inline(__always) func byteOffset(ofCharacter index: Int) -> Int32 {
    guard let table else { return base + Int32(truncatingIfNeeded: index) }
    return base + table[min(max(0, index), table.count - 1)]
  }
}

/// Reads libyaml parse events from a file's bytes; owns the C parser and frees it in `deinit`.
final class YAMLEventReader {
  private let parser: UnsafeMutablePointer<yaml_parser_t>
  private let input: UnsafeMutableBufferPointer<UInt8>
  private let offsets: YAMLCharacterOffsets
  private var finished = false

  /// Creates a reader over `bytes` (valid UTF-8; a leading byte-order mark is skipped here).
  init(bytes: [UInt8]) {
    let bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    input = .allocate(capacity: max(1, bytes.count - bomLength))
    _ = input.initialize(from: bytes[bomLength...])
    offsets = YAMLCharacterOffsets(
      bytes: UnsafeBufferPointer(rebasing: input[0..<(bytes.count - bomLength)]), base: Int32(bomLength))
    parser = .allocate(capacity: 1)
    parser.initialize(to: yaml_parser_t())
    // yaml_parser_initialize only fails when out of memory; `next()` then reports a memory error.
    _ = yaml_parser_initialize(parser)
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, input.baseAddress, bytes.count - bomLength)
  }

  deinit {
    yaml_parser_delete(parser)
    parser.deallocate()
    input.deallocate()
  }

  /// The next event, or `nil` after the stream end.
  func next() throws(YAMLReaderError) -> YAMLEvent? {
    if finished { return nil }
    var event = yaml_event_t()
    guard yaml_parser_parse(parser, &event) != 0 else {
      finished = true
      throw currentError()
    }
    defer { yaml_event_delete(&event) }
    let range = SourceRange(
      start: offsets.byteOffset(ofCharacter: Int(event.start_mark.index)),
      end: offsets.byteOffset(ofCharacter: Int(event.end_mark.index)))
    switch event.type {
    case YAML_STREAM_START_EVENT:
      return YAMLEvent(kind: .streamStart, range: range)
    case YAML_STREAM_END_EVENT:
      finished = true
      return YAMLEvent(kind: .streamEnd, range: range)
    case YAML_DOCUMENT_START_EVENT:
      return YAMLEvent(kind: .documentStart, range: range)
    case YAML_DOCUMENT_END_EVENT:
      return YAMLEvent(kind: .documentEnd, range: range)
    case YAML_ALIAS_EVENT:
      return YAMLEvent(kind: .alias(anchor: Self.string(event.data.alias.anchor) ?? ""), range: range)
    case YAML_SCALAR_EVENT:
      let s = event.data.scalar
      let value = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
      let scalar = YAMLScalarEvent(
        value: value, style: Self.style(s.style), tag: Self.string(s.tag), anchor: Self.string(s.anchor))
      return YAMLEvent(kind: .scalar(scalar), range: range)
    case YAML_SEQUENCE_START_EVENT:
      let s = event.data.sequence_start
      let c = YAMLCollectionEvent(
        tag: Self.string(s.tag), anchor: Self.string(s.anchor), isFlow: s.style == YAML_FLOW_SEQUENCE_STYLE)
      return YAMLEvent(kind: .sequenceStart(c), range: range)
    case YAML_SEQUENCE_END_EVENT:
      return YAMLEvent(kind: .sequenceEnd, range: range)
    case YAML_MAPPING_START_EVENT:
      let m = event.data.mapping_start
      let c = YAMLCollectionEvent(
        tag: Self.string(m.tag), anchor: Self.string(m.anchor), isFlow: m.style == YAML_FLOW_MAPPING_STYLE)
      return YAMLEvent(kind: .mappingStart(c), range: range)
    case YAML_MAPPING_END_EVENT:
      return YAMLEvent(kind: .mappingEnd, range: range)
    default:
      // YAML_NO_EVENT: libyaml emits it only after an error, which is handled above.
      finished = true
      throw YAMLReaderError(stage: .parser, problem: "unexpected end of events", context: nil,
                            problemOffset: range.start, contextOffset: nil)
    }
  }

  /// The parser's error state as a located Swift error.
  private func currentError() -> YAMLReaderError {
    let p = parser.pointee
    let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
    let context = p.context.map { String(cString: $0) }
    switch p.error {
    case YAML_READER_ERROR:
      // Reader errors carry a byte offset into the input rather than a mark.
      return YAMLReaderError(stage: .reader, problem: problem, context: context,
                             problemOffset: offsets.base + Int32(truncatingIfNeeded: p.problem_offset),
                             contextOffset: nil, problemValue: p.problem_value >= 0 ? p.problem_value : nil)
    case YAML_MEMORY_ERROR:
      return YAMLReaderError(stage: .memory, problem: "out of memory", context: nil,
                             problemOffset: offsets.base, contextOffset: nil)
    default:
      let stage: YAMLReaderError.Stage = p.error == YAML_SCANNER_ERROR ? .scanner : .parser
      let contextOffset = context == nil ? nil : offsets.byteOffset(ofCharacter: Int(p.context_mark.index))
      return YAMLReaderError(stage: stage, problem: problem, context: context,
                             problemOffset: offsets.byteOffset(ofCharacter: Int(p.problem_mark.index)),
                             contextOffset: contextOffset)
    }
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Scalar.Style {
    switch style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: .literal
    case YAML_FOLDED_SCALAR_STYLE: .folded
    default: .plain
    }
  }
}
