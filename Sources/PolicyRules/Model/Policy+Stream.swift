import PolicyExpr
import PolicyYAML

/// The `stream:` section of a policy: how a stream of messages, one device at a time, is evaluated.
///
/// The decoder turns a stream section into ordinary policy parts, so the policy still compiles and
/// runs on single records: the inputs `previous` (the message type) and `state` (a record of the
/// kept values), the `let` `event_time` (the ``time`` expression) and one output per kept value.
public struct StreamSpec: Sendable {
  /// The input one message fills (`telemetry`).
  public var message: String
  /// The device a message is about: a string expression over the message.
  public var key: ExpressionSource
  /// The message's event time: a timestamp expression over the message.
  public var time: ExpressionSource
  /// Values kept per device between messages, in declaration order.
  public var state: [StateValue]
  /// The default interval of timer ticks (`every:`); the watcher's `--tick` overrides it.
  public var tick: DurationValue?
  /// The alerts a timer tick re-evaluates when no message comes; the others change only on messages.
  public var timerAlerts: [String]
  /// The largest allowed distance of a message's event time ahead of the watcher's clock.
  public var maxFuture: DurationValue?
  /// The stream tests (`steps:`), in file order.
  public var tests: [StreamTest]
  /// Where the section is in the policy file.
  public var range: SourceRange

  /// A value kept per device: `initial` from a device's first message, `update` from each message.
  public struct StateValue: Sendable {
    /// The name: `state.<name>` before a message, `<name>` after it.
    public var name: String
    /// The declared type.
    public var type: CELType
    /// The value before a device's first message, computed from that message alone.
    public var initial: ExpressionSource
    /// The value after a message, from `state` (before), `previous` and the message.
    public var update: ExpressionSource
    /// Where it is declared.
    public var range: SourceRange
  }
}

/// A stream test: messages and clock ticks in order, each with the alert events it must produce.
public struct StreamTest: Sendable {
  /// The name.
  public var name: String
  /// The steps, in order.
  public var steps: [Step]
  /// Where it is declared.
  public var range: SourceRange

  /// One step: a message arrives, or the clock advances to a time (timers run at each tick boundary).
  public struct Step: Sendable {
    /// What happens.
    public var action: Action
    /// The events this step must produce, exactly (an empty list when absent).
    public var expect: [ExpectedEvent]
    /// The rejection reason the step's message must get (`duplicate`, `failed_check`), when given.
    public var reject: String?
    /// Where it is declared.
    public var range: SourceRange
  }

  /// A step's action.
  public enum Action: Sendable {
    /// A message with its payload (as YAML) and optional topic.
    case message(payload: YAMLNode, topic: String?)
    /// The clock advances to this time.
    case tick(Timestamp)
  }

  /// An expected alert event; absent fields are not compared.
  public struct ExpectedEvent: Sendable {
    /// The alert id.
    public var alert: String
    /// `firing` or `resolved`.
    public var event: String
    /// The device, when given.
    public var device: String?
    /// The event time, when given.
    public var at: Timestamp?
    /// A text the message must contain, when given.
    public var messageContains: String?
  }
}

/// A reference data file loaded beside the policy (`data:`): a lookup table that expressions read
/// as a constant, part of the policy's version hash.
public struct DataSource: Sendable {
  /// The name expressions use (`leases`).
  public var name: String
  /// The file path, relative to the policy file.
  public var path: String
  /// The file format.
  public var format: Format
  /// For CSV: the column whose value keys each row.
  public var key: String?
  /// Where it is declared.
  public var range: SourceRange

  /// The formats a data file can have.
  public enum Format: String, Sendable {
    /// A CSV file with a header row; a map from the key column to a map of column to text.
    case csv
    /// A JSON document; its value as it is (objects become maps).
    case json
  }
}
