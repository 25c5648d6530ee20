extension CoreLibrary {
  static func overflow(_ op: String) -> EvalError { EvalError(.overflow, "integer overflow in '\(op)'") }

  static func decimalPair(_ a: Value, _ b: Value) -> (DecimalNumber, DecimalNumber)? {
    switch (a, b) {
    case (.decimal(let x), .decimal(let y)): return (x, y)
    case (.decimal(let x), .int(let y)): return (x, DecimalNumber(y))
    case (.int(let x), .decimal(let y)): return (DecimalNumber(x), y)
    case (.decimal(let x), .uint(let y)): return (x, DecimalNumber(y))
    case (.uint(let x), .decimal(let y)): return (DecimalNumber(x), y)
    default: return nil
    }
  }

  static func decimalOp(_ name: String, _ a: Value, _ b: Value, _ f: (DecimalNumber, DecimalNumber) throws(DecimalError) -> DecimalNumber) throws(EvalError) -> Value {
    guard let (x, y) = decimalPair(a, b) else { throw .noOverload(name, a, b) }
    do { return .decimal(try f(x, y)) } catch {
      switch error {
      case .divisionByZero: throw EvalError(.divisionByZero, "division by zero")
      case .overflow: throw EvalError(.overflow, "decimal overflow in '\(name)'")
      }
    }
  }

  /// Overloads of a binary arithmetic operator for int, uint, double and decimal (mixed with int).
  static func arithmetic(
    _ name: String, _ id: String,
    int: @escaping @Sendable (Int64, Int64) throws(EvalError) -> Int64,
    uint: @escaping @Sendable (UInt64, UInt64) throws(EvalError) -> UInt64,
    double: (@Sendable (Double, Double) -> Double)?,
    decimal: @escaping @Sendable (DecimalNumber, DecimalNumber) throws(DecimalError) -> DecimalNumber
  ) -> [Overload] {
    var out: [Overload] = [
      .binary("\(id)_int64", .int, .int, .int) { a, b throws(EvalError) in
        guard case .int(let x) = a, case .int(let y) = b else { return try decimalOp(name, a, b, decimal) }
        return .int(try int(x, y))
      },
      .binary("\(id)_uint64", .uint, .uint, .uint) { a, b throws(EvalError) in
        guard case .uint(let x) = a, case .uint(let y) = b else { throw .noOverload(name, a, b) }
        return .uint(try uint(x, y))
      },
    ]
    if let double {
      out.append(.binary("\(id)_double", .double, .double, .double) { a, b throws(EvalError) in
        guard case .double(let x) = a, case .double(let y) = b else { throw .noOverload(name, a, b) }
        return .double(double(x, y))
      })
    }
    let dec: @Sendable (Value, Value) throws(EvalError) -> Value = { a, b throws(EvalError) in try decimalOp(name, a, b, decimal) }
    out.append(.binary("\(id)_decimal", .decimal, .decimal, .decimal, dec))
    out.append(.binary("\(id)_decimal_int64", .decimal, .int, .decimal, dec))
    out.append(.binary("\(id)_int64_decimal", .int, .decimal, .decimal, dec))
    return out
  }

  static let arithmetic: [FunctionDecl] = [
    FunctionDecl("_+_", arithmetic("_+_", "add",
      int: { x, y throws(EvalError) in let (r, o) = x.addingReportingOverflow(y); if o { throw overflow("_+_") }; return r },
      uint: { x, y throws(EvalError) in let (r, o) = x.addingReportingOverflow(y); if o { throw overflow("_+_") }; return r },
      double: { $0 + $1 }, decimal: { x, y throws(DecimalError) in try x.adding(y) })
      + [.binary("add_list", .list(A), .list(A), .list(A)) { a, b throws(EvalError) in
        guard case .list(let x) = a, case .list(let y) = b else { throw .noOverload("_+_", a, b) }
        if x.isEmpty { return b }
        if y.isEmpty { return a }
        guard x.count + y.count <= Limits.default.maxCollectionSize else {
          throw EvalError(.sizeLimit, "list of \(x.count + y.count) elements exceeds the limit of \(Limits.default.maxCollectionSize)")
        }
        return .list(x + y)
      }]),
    FunctionDecl("_-_", arithmetic("_-_", "subtract",
      int: { x, y throws(EvalError) in let (r, o) = x.subtractingReportingOverflow(y); if o { throw overflow("_-_") }; return r },
      uint: { x, y throws(EvalError) in let (r, o) = x.subtractingReportingOverflow(y); if o { throw overflow("_-_") }; return r },
      double: { $0 - $1 }, decimal: { x, y throws(DecimalError) in try x.subtracting(y) })),
    FunctionDecl("_*_", arithmetic("_*_", "multiply",
      int: { x, y throws(EvalError) in let (r, o) = x.multipliedReportingOverflow(by: y); if o { throw overflow("_*_") }; return r },
      uint: { x, y throws(EvalError) in let (r, o) = x.multipliedReportingOverflow(by: y); if o { throw overflow("_*_") }; return r },
      double: { $0 * $1 }, decimal: { x, y throws(DecimalError) in try x.multiplying(y) })),
    FunctionDecl("_/_", arithmetic("_/_", "divide",
      int: { x, y throws(EvalError) in
        if y == 0 { throw EvalError(.divisionByZero, "division by zero") }
        let (r, o) = x.dividedReportingOverflow(by: y); if o { throw overflow("_/_") }; return r
      },
      uint: { x, y throws(EvalError) in if y == 0 { throw EvalError(.divisionByZero, "division by zero") }; return x / y },
      double: { $0 / $1 }, decimal: { x, y throws(DecimalError) in try x.dividing(y) })),
    FunctionDecl("_%_", arithmetic("_%_", "modulo",
      int: { x, y throws(EvalError) in
        if y == 0 { throw EvalError(.divisionByZero, "modulus by zero") }
        let (r, o) = x.remainderReportingOverflow(dividingBy: y); if o { throw overflow("_%_") }; return r
      },
      uint: { x, y throws(EvalError) in if y == 0 { throw EvalError(.divisionByZero, "modulus by zero") }; return x % y },
      double: nil, decimal: { x, y throws(DecimalError) in try x.remainder(y) })),
    FunctionDecl("-_", [
      .unary("negate_int64", .int, .int) { v throws(EvalError) in
        guard case .int(let x) = v else { throw .noOverload("-_", v) }
        guard x != .min else { throw overflow("-_") }
        return .int(-x)
      },
      .unary("negate_double", .double, .double) { v throws(EvalError) in
        guard case .double(let x) = v else { throw .noOverload("-_", v) }
        return .double(-x)
      },
      .unary("negate_decimal", .decimal, .decimal) { v throws(EvalError) in
        guard case .decimal(let x) = v else { throw .noOverload("-_", v) }
        return .decimal(x.negated)
      },
    ]),
  ]
}

extension CoreLibrary {
  /// Adds two numbers of the same family (int, uint, double, or decimal mixed with int), as `_+_`.
  public static func add(_ a: Value, _ b: Value) throws(EvalError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { throw overflow("_+_") }
      return .int(r)
    case (.uint(let x), .uint(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { throw overflow("_+_") }
      return .uint(r)
    case (.double(let x), .double(let y)): return .double(x + y)
    default: return try decimalOp("_+_", a, b) { x, y throws(DecimalError) in try x.adding(y) }
    }
  }
}
