/// The variable values of one evaluation, by slot, and its cost meter.
///
/// One activation serves one evaluation (or one whole policy decision) on one thread; it is
/// cheap to create and not shared. Slots below the variable count hold declared variables; the
/// rest are comprehension locals.
///
/// Locals are used in *windows*: a program's comprehension variables live at ``localBase`` plus
/// their offset, and ``evaluate(_:window:)`` moves the base for the length of one evaluation. An
/// embedding layer that evaluates one program while another is suspended (a policy computing a
/// `let` on first use, inside the comprehension that needed it) gives each program its own window,
/// so the inner evaluation cannot overwrite the outer one's loop variables.
public final class Activation {
  /// Values by slot. A raw buffer, not an array: reading a slot must not retain the storage.
  let values: UnsafeMutablePointer<Value>
  /// Whether a variable slot holds its value yet; lazy slots are filled by ``resolver``.
  let ready: UnsafeMutablePointer<Bool>
  /// Whether a lazy variable is being computed (a dependency cycle would otherwise recurse).
  let pending: UnsafeMutablePointer<Bool>
  private let storage: UnsafeMutableRawPointer
  /// The number of slots in ``values`` (variables, then locals).
  let slotCount: Int
  let variableCount: Int
  /// Computes a lazy variable (a policy's `let`) on first use. It is called at most once per
  /// slot and activation; a slot asked for again while its resolver runs is an error.
  public var resolver: ((Int, Activation) throws(EvalError) -> Value)?
  /// Cost spent so far; evaluation fails once it passes ``costLimit``.
  public var cost = 0
  /// The cost budget.
  public var costLimit: Int
  /// Bytes of values built so far (see ``Limits/maxEvaluationMemory``).
  public var memory = 0
  /// The memory budget.
  public var memoryLimit: Int
  /// The size limits for strings and collections created during evaluation.
  public let limits: Limits
  /// The slot of local offset 0 of the program being evaluated: the variable count plus the
  /// start of its window (see ``evaluate(_:window:)``).
  public internal(set) var localBase: Int
  /// Errors held by comprehension accumulators (CEL folds errors as values), by absolute local
  /// index; allocated on the first such error (most decisions never hold one).
  private var heldErrors: UnsafeMutablePointer<EvalError?>?
  /// How many held errors are set; reads skip the table when zero.
  var localErrorCount = 0

  /// An activation with `variableCount` variable slots (all ready) and room for `localCount` locals.
  public init(variableCount: Int, localCount: Int, limits: Limits = .default) {
    slotCount = variableCount + localCount
    self.variableCount = variableCount
    // One allocation holds the values and, after them, the ready and pending flags.
    let valueBytes = MemoryLayout<Value>.stride * max(1, slotCount)
    let flags = max(1, variableCount)
    storage = UnsafeMutableRawPointer.allocate(byteCount: valueBytes + 2 * flags, alignment: MemoryLayout<Value>.alignment)
    values = storage.bindMemory(to: Value.self, capacity: max(1, slotCount))
    values.initialize(repeating: .null, count: max(1, slotCount))
    ready = (storage + valueBytes).bindMemory(to: Bool.self, capacity: 2 * flags)
    ready.initialize(repeating: true, count: flags)
    pending = ready + flags
    pending.initialize(repeating: false, count: flags)
    localBase = variableCount
    self.limits = limits
    costLimit = limits.maxEvaluationCost
    memoryLimit = limits.maxEvaluationMemory
  }

  deinit {
    values.deinitialize(count: max(1, slotCount))
    storage.deallocate()
    if let heldErrors {
      heldErrors.deinitialize(count: max(1, localCapacity))
      heldErrors.deallocate()
    }
  }

  /// The number of comprehension local slots (the sum of every window).
  public var localCapacity: Int { slotCount - variableCount }

  /// Sets a variable.
  @inline(__always)
  public func set(_ slot: Int, _ value: Value) {
    precondition(slot >= 0 && slot < variableCount, "variable slot \(slot) out of range")
    values[slot] = value
    ready[slot] = true
  }

  /// Marks a variable slot as not yet computed (the resolver fills it on first use).
  public func markLazy(_ slot: Int) {
    precondition(slot >= 0 && slot < variableCount, "variable slot \(slot) out of range")
    ready[slot] = false
  }

  /// Whether a variable slot holds its value (set, or computed already).
  @inline(__always)
  public func isReady(_ slot: Int) -> Bool {
    precondition(slot >= 0 && slot < variableCount, "variable slot \(slot) out of range")
    return ready[slot]
  }

  /// The value of a variable slot if it holds one; never computes a lazy one.
  @inline(__always)
  public func value(_ slot: Int) -> Value? {
    isReady(slot) ? values[slot] : nil
  }

  /// Per-evaluation state of the embedding layer (a policy's trace log).
  public var context: AnyObject?

  /// The value of a variable slot, computing a lazy one on first use.
  @inline(__always)
  public func variable(_ slot: Int) throws(EvalError) -> Value {
    if ready[slot] { return values[slot] }
    return try resolve(slot)
  }

  /// Computes a lazy slot through ``resolver``, once; a slot that is asked for while it is being
  /// computed (a cycle) is an error, never a loop.
  @inline(never)
  func resolve(_ slot: Int) throws(EvalError) -> Value {
    guard let resolver else { throw EvalError(.undeclared, "no value bound to variable slot \(slot)") }
    if pending[slot] { throw EvalError(.invalidArgument, "the value in variable slot \(slot) depends on itself") }
    pending[slot] = true
    defer { pending[slot] = false }
    let v = try resolver(slot, self)
    values[slot] = v
    ready[slot] = true
    return v
  }

  /// Evaluates `program` with its comprehension locals in the window that starts `window` slots
  /// into the local area; the previous window is restored afterwards, so this may be called from
  /// inside another evaluation (a resolver computing a lazy value) without disturbing it.
  ///
  /// The caller assigns windows so that no two evaluations in progress at the same time share
  /// one; a window that does not fit the activation is a programming error and stops the process.
  @inline(__always)
  public func evaluate(_ program: Program, window: Int) throws(EvalError) -> Value {
    precondition(window >= 0 && window + program.localCount <= localCapacity, "local window \(window) does not fit the activation")
    let saved = localBase
    localBase = variableCount &+ window
    defer { localBase = saved }
    return try program.root.eval(self)
  }

  /// The errors held by the current window's locals, by local offset.
  var localErrors: HeldErrors { HeldErrors(errors: heldErrors, base: localBase &- variableCount) }

  /// A read-only view of the held errors of one window.
  struct HeldErrors {
    let errors: UnsafeMutablePointer<EvalError?>?
    let base: Int
    @inline(__always)
    subscript(offset: Int) -> EvalError? { errors?[base &+ offset] ?? nil }
  }

  /// Sets a local of the current window to a value or to an error.
  func setLocal(_ offset: Int, _ result: Result<Value, EvalError>) {
    let index = localBase &- variableCount &+ offset
    switch result {
    case .success(let v):
      if localErrorCount > 0, let errors = heldErrors, errors[index] != nil { errors[index] = nil; localErrorCount -= 1 }
      values[localBase + offset] = v
    case .failure(let e):
      let errors = heldErrors ?? allocateHeldErrors()
      if errors[index] == nil { localErrorCount += 1 }
      errors[index] = e
    }
  }

  private func allocateHeldErrors() -> UnsafeMutablePointer<EvalError?> {
    let p = UnsafeMutablePointer<EvalError?>.allocate(capacity: max(1, localCapacity))
    p.initialize(repeating: nil, count: max(1, localCapacity))
    heldErrors = p
    return p
  }

  /// Counts `bytes` of a value just built against the memory budget.
  @inline(__always)
  func chargeMemory(_ bytes: Int) throws(EvalError) {
    memory &+= bytes
    if memory > memoryLimit {
      throw EvalError(.memoryLimit, "values built by this evaluation exceed the memory limit of \(memoryLimit) bytes")
    }
  }

  /// The meters' readings, to undo the cost of work that must not count (explaining a decision).
  public var meters: (cost: Int, memory: Int) {
    get { (cost, memory) }
    set { cost = newValue.cost; memory = newValue.memory }
  }

  @inline(__always)
  func charge(_ units: Int) throws(EvalError) {
    cost &+= units
    if cost > costLimit {
      throw EvalError(.costLimit, "evaluation cost exceeded the limit of \(costLimit)")
    }
  }
}
