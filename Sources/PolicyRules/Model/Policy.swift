import PolicyExpr
import PolicyYAML

/// An expression as written in a policy file: its text and where each of its bytes sits in the file.
public struct ExpressionSource: Sendable, Hashable {
  /// The expression text (the YAML scalar's value).
  public var text: String
  /// Maps expression offsets to file offsets.
  public var mapping: SourceMapping
  /// The YAML node's range, for messages about the expression as a whole.
  public var range: SourceRange
  /// Creates an expression source.
  public init(text: String, mapping: SourceMapping, range: SourceRange) {
    self.text = text; self.mapping = mapping; self.range = range
  }
}

/// A text with `${expr}` placeholders (reasons, alert messages).
public struct Template: Sendable, Hashable {
  /// Literal text and expressions, in order.
  public var parts: [Part]
  /// One piece of a template.
  public enum Part: Sendable, Hashable { case text(String), expression(ExpressionSource) }
}

/// A policy file decoded from YAML, before its expressions are compiled.
///
/// Every element keeps its source range so later phases report located diagnostics.
public struct Policy: Sendable {
  /// The policy id (`receivable-financing`).
  public var id: String
  /// A sentence describing the product.
  public var description: String?
  /// The declared input schema: one record per top-level input.
  public var inputs: [Field]
  /// Constants with literal values.
  public var constants: [Constant]
  /// Named intermediate values.
  public var lets: [Named]
  /// Model files by id.
  public var models: [Reference]
  /// Geofence regions by id.
  public var regions: [Region]
  /// Preconditions with reasons.
  public var checks: [Check]
  /// Decision tables.
  public var tables: [DecisionTableSpec]
  /// Rules that adjust outputs or decline.
  public var rules: [Rule]
  /// Alerts.
  public var alerts: [Alert]
  /// Named output expressions.
  public var outputs: [Named]
  /// The policy's own test cases.
  public var tests: [TestCase]
  /// Named base inputs of tests (`fixtures:`), which a test extends with `base:`.
  public var fixtures: [String: YAMLNode] = [:]
  /// The policy's own evaluation budgets (`limits:`), in place of the defaults.
  public var limits = EvaluationLimits()
  /// The file it came from.
  public var file: SourceFile
  /// How a stream of messages is evaluated (``StreamSpec``), for stream policies.
  public var stream: StreamSpec? = nil
  /// Reference data files read as constants.
  public var data: [DataSource] = []

  /// A declared input field (possibly a nested record).
  public struct Field: Sendable {
    /// The name.
    public var name: String
    /// The declared type.
    public var type: FieldType
    /// Whether the field may be absent.
    public var optional: Bool
    /// Where it is declared in the policy file.
    public var range: SourceRange
  }

  /// A field's declared type.
  public indirect enum FieldType: Sendable {
    case scalar(CELType)
    case enumeration([String])
    case record([Field])
    case list(FieldType)
  }

  /// A constant: a name and a value typed from its YAML form.
  public struct Constant: Sendable {
    /// The name.
    public var name: String
    /// The value.
    public var value: Value
    /// The declared type.
    public var type: CELType
    /// Where it is declared in the policy file.
    public var range: SourceRange
  }

  /// A name bound to an expression (a `let` or an output).
  public struct Named: Sendable {
    /// The name.
    public var name: String
    /// The expression that computes it.
    public var expression: ExpressionSource
    /// Where it is declared in the policy file.
    public var range: SourceRange
    /// For an output written `{value: ..., when: approved}`: computed and reported only when the
    /// decision is approved.
    public var approvedOnly: Bool = false
  }

  /// A file referenced by a policy (a model), relative to the policy's folder.
  public struct Reference: Sendable {
    /// The id from the policy.
    public var id: String
    /// The file path, relative to the policy file.
    public var path: String
    /// Where it is declared in the policy file.
    public var range: SourceRange
  }

  /// A geofence.
  public struct Region: Sendable {
    /// The id from the policy.
    public var id: String
    /// The geometry.
    public var shape: Shape
    /// Where it is declared in the policy file.
    public var range: SourceRange
    /// A region's geometry; coordinates are (longitude, latitude) in degrees, as in GeoJSON.
    public enum Shape: Sendable {
      case box(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double)
      case polygon([(lon: Double, lat: Double)])
      case geojson(path: String)
    }
  }

  /// A precondition: approved only if `require` holds (when `when` holds).
  public struct Check: Sendable {
    /// The id from the policy.
    public var id: String
    /// The condition that must hold.
    public var require: ExpressionSource
    /// The condition under which it applies.
    public var when: ExpressionSource?
    /// The reason given when it fails or fires (with `${}` placeholders).
    public var reason: Template
    /// Where it is declared in the policy file.
    public var range: SourceRange
  }

  /// A rule: when its condition holds it overrides outputs and may decline.
  public struct Rule: Sendable {
    /// The id from the policy.
    public var id: String
    /// The condition under which it applies.
    public var when: ExpressionSource
    /// The outputs it overrides.
    public var set: [Named]
    /// The reason given when it fails or fires (with `${}` placeholders).
    public var reason: Template?
    /// The decline reason, when the rule declines.
    public var decline: Template?
    /// Where it is declared in the policy file.
    public var range: SourceRange
  }

  /// An alert raised when its condition holds.
  public struct Alert: Sendable {
    /// The id from the policy.
    public var id: String
    /// The condition under which it applies.
    public var when: ExpressionSource
    /// How urgent it is.
    public var severity: Severity
    /// The message (with `${}` placeholders).
    public var message: Template
    /// Where it is declared in the policy file.
    public var range: SourceRange
    /// In a stream, how long the condition must hold before the alert fires (`for:`).
    public var holdFor: DurationValue? = nil
    /// How urgent an alert is.
    public enum Severity: String, Sendable, CaseIterable { case info, warning, critical }
  }

  /// A test case of the policy.
  public struct TestCase: Sendable {
    /// The name.
    public var name: String
    /// The evaluation time for the test, as RFC 3339 text.
    public var now: String?
    /// The input document, as YAML.
    public var input: YAMLNode
    /// The expected outcome.
    public var expectDecision: String?
    /// The expected failed check and declining rule ids.
    public var expectFailed: [String]?
    /// The expected output values.
    public var expectOutputs: [(name: String, node: YAMLNode)]
    /// The expected alert ids.
    public var expectAlerts: [String]?
    /// Where it is declared in the policy file.
    public var range: SourceRange
    /// The YAML nodes of the `expect:` entries by key (`decision`, `failed`, `alerts`,
    /// `outputs`), to check them when the policy loads and locate a failing expectation.
    public var expectNodes: [String: YAMLNode] = [:]
    /// The fixture this test's input extends (`base:`), and where it is named.
    public var base: (name: String, range: SourceRange)?
  }
}

/// A decision table as written.
public struct DecisionTableSpec: Sendable {
  /// The id from the policy.
  public var id: String
  /// The hit policy.
  public var hit: HitPolicy
  /// The column input expressions.
  public var inputs: [ExpressionSource]
  /// The output columns (name and optional type).
  public var outputs: [(name: String, type: CELType?)]
  /// The rows, each a list of cells.
  public var rows: [[YAMLNode]]
  /// Where each row is in the file.
  public var rowRanges: [SourceRange]
  /// The result when no row matches.
  public var defaults: [YAMLNode]?
  /// Output values from highest to lowest priority (hit policy `priority`).
  public var priority: [YAMLNode]?
  /// Where it is declared in the policy file.
  public var range: SourceRange

  /// The variable name expressions use for the table's result (`limit-multiplier` → `limit_multiplier`).
  public var variableName: String { id.replacingOccurrences(of: "-", with: "_") }
}

/// DMN hit policies: how a table combines the rows that match.
public enum HitPolicy: String, Sendable, CaseIterable {
  /// Exactly one row may match; several is an error.
  case unique
  /// The first matching row, top to bottom.
  case first
  /// The matching row whose first output ranks highest in the table's `priority` list.
  case priority
  /// Several rows may match if they agree on the outputs.
  case any
  /// All matching rows' outputs, in row order.
  case collect
  /// The sum of the matching rows' single output.
  case collectSum = "collect_sum"
  /// The smallest single output of the matching rows.
  case collectMin = "collect_min"
  /// The largest single output of the matching rows.
  case collectMax = "collect_max"
  /// How many rows match.
  case collectCount = "collect_count"
  /// All matching rows' outputs in row order (as DMN's rule order).
  case ruleOrder = "rule_order"
}

extension Policy {
  /// A policy's `limits:` section: per-decision budgets that replace the defaults.
  public struct EvaluationLimits: Sendable {
    /// `cost:` — evaluation steps per decision, with the value's range.
    public var cost: (value: Int, range: SourceRange)?
    /// `memory:` — bytes of values built per decision, with the value's range.
    public var memory: (value: Int, range: SourceRange)?
    /// No limits of the policy's own.
    public init() {}
  }
}
