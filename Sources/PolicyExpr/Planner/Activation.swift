/// The variable values of one evaluation, by slot, and its cost meter.
///
/// One activation serves one evaluation (or one whole policy decision) on one thread; it is
/// cheap to create and not shared. Slots below ``Environment/variables``'s count hold declared
/// variables; the rest are comprehension locals.
public final class Activation {
  /// Values by slot. A raw buffer, not an array: reading a slot must not retain the storage.
  public let values: UnsafeMutablePointer<Value>
  /// Whether a variable slot holds its value yet; lazy slots are filled by ``resolver``.
  public let ready: UnsafeMutablePointer<Bool>
  private let storage: UnsafeMutableRawPointer
  /// The number of slots in ``values`` (variables, then locals).
  public let slotCount: Int
  let variableCount: Int
  /// Computes a lazy variable (a policy's `let`) on first use.
  public var resolver: ((Int, Activation) throws(EvalError) -> Value)?
  /// Cost spent so far; evaluation fails once it passes ``costLimit``.
  public var cost = 0
  /// The cost budget.
  public var costLimit: Int
  /// The size limits for strings and collections created during evaluation.
  public let limits: Limits
  /// Base of local slots (the environment's variable count).
  public let localBase: Int
  /// Errors held by comprehension accumulators (CEL folds errors as values), by local offset.
  var localErrors: [EvalError?]
  /// How many entries of ``localErrors`` are set; reads skip the table when zero.
  var localErrorCount = 0

  /// An activation with `variableCount` variable slots (all ready) and room for `localCount` locals.
  public init(variableCount: Int, localCount: Int, limits: Limits = .default) {
    slotCount = variableCount + localCount
    self.variableCount = variableCount
    // One allocation holds the values and, after them, the ready flags.
    let valueBytes = MemoryLayout<Value>.stride * max(1, slotCount)
    storage = UnsafeMutableRawPointer.allocate(byteCount: valueBytes + max(1, variableCount), alignment: MemoryLayout<Value>.alignment)
    values = storage.bindMemory(to: Value.self, capacity: max(1, slotCount))
    values.initialize(repeating: .null, count: max(1, slotCount))
    ready = (storage + valueBytes).bindMemory(to: Bool.self, capacity: max(1, variableCount))
    ready.initialize(repeating: true, count: max(1, variableCount))
    localBase = variableCount
    localErrors = Array(repeating: nil, count: localCount)
    self.limits = limits
    costLimit = limits.maxEvaluationCost
  }

  deinit {
    values.deinitialize(count: max(1, slotCount))
    storage.deallocate()
  }

  /// Sets a variable.
  @inline(__always)
  public func set(_ slot: Int, _ value: Value) {
    values[slot] = value
    ready[slot] = true
  }

  /// Marks a variable slot as not yet computed (the resolver fills it on first use).
  public func markLazy(_ slot: Int) { ready[slot] = false }

  /// Per-evaluation state of the embedding layer (a policy's trace log).
  public var context: AnyObject?

  /// The value of a variable slot, computing a lazy one on first use.
  @inline(__always)
  public func variable(_ slot: Int) throws(EvalError) -> Value {
    if ready[slot] { return values[slot] }
    guard let resolver else { throw EvalError(.undeclared, "no value bound to variable slot \(slot)") }
    let v = try resolver(slot, self)
    values[slot] = v
    ready[slot] = true
    return v
  }

  /// Sets a local to a value or to an error.
  func setLocal(_ offset: Int, _ result: Result<Value, EvalError>) {
    switch result {
    case .success(let v):
      if localErrors[offset] != nil { localErrors[offset] = nil; localErrorCount -= 1 }
      values[localBase + offset] = v
    case .failure(let e):
      if localErrors[offset] == nil { localErrorCount += 1 }
      localErrors[offset] = e
    }
  }

  @inline(__always)
  func charge(_ units: Int) throws(EvalError) {
    cost &+= units
    if cost > costLimit {
      throw EvalError(.costLimit, "evaluation cost exceeded the limit of \(costLimit)")
    }
  }
}
