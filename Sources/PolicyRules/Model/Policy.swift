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
  /// The file it came from.
  public var file: SourceFile

  /// A declared input field (possibly a nested record).
  public struct Field: Sendable {
    public var name: String
    public var type: FieldType
    public var optional: Bool
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
    public var name: String
    public var value: Value
    public var type: CELType
    public var range: SourceRange
  }

  /// A name bound to an expression (a `let` or an output).
  public struct Named: Sendable {
    public var name: String
    public var expression: ExpressionSource
    public var range: SourceRange
  }

  /// A file referenced by a policy (a model), relative to the policy's folder.
  public struct Reference: Sendable {
    public var id: String
    public var path: String
    public var range: SourceRange
  }

  /// A geofence.
  public struct Region: Sendable {
    public var id: String
    public var shape: Shape
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
    public var id: String
    public var require: ExpressionSource
    public var when: ExpressionSource?
    public var reason: Template
    public var range: SourceRange
  }

  /// A rule: when its condition holds it overrides outputs and may decline.
  public struct Rule: Sendable {
    public var id: String
    public var when: ExpressionSource
    public var set: [Named]
    public var reason: Template?
    public var decline: Template?
    public var range: SourceRange
  }

  /// An alert raised when its condition holds.
  public struct Alert: Sendable {
    public var id: String
    public var when: ExpressionSource
    public var severity: Severity
    public var message: Template
    public var range: SourceRange
    /// How urgent an alert is.
    public enum Severity: String, Sendable, CaseIterable { case info, warning, critical }
  }

  /// A test case of the policy.
  public struct TestCase: Sendable {
    public var name: String
    public var now: String?
    public var input: YAMLNode
    public var expectDecision: String?
    public var expectFailed: [String]?
    public var expectOutputs: [(name: String, node: YAMLNode)]
    public var expectAlerts: [String]?
    public var range: SourceRange
  }
}

/// A decision table as written.
public struct DecisionTableSpec: Sendable {
  public var id: String
  public var hit: HitPolicy
  public var inputs: [ExpressionSource]
  public var outputs: [(name: String, type: CELType?)]
  public var rows: [[YAMLNode]]
  public var rowRanges: [SourceRange]
  public var defaults: [YAMLNode]?
  public var priority: [YAMLNode]?
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
