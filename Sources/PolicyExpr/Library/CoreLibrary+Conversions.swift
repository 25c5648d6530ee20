extension CoreLibrary {
  static func rangeError(_ target: String) -> EvalError { EvalError(.outOfRange, "\(target) conversion out of range") }

  static let conversions: [FunctionDecl] = [
    FunctionDecl("int", [
      .unary("int64_to_int64", .int, .int) { $0 },
      .unary("uint64_to_int64", .uint, .int) { v throws(EvalError) in
        guard case .uint(let u) = v else { throw .noOverload("int", v) }
        guard u <= UInt64(Int64.max) else { throw rangeError("int") }
        return .int(Int64(u))
      },
      .unary("double_to_int64", .double, .int) { v throws(EvalError) in
        guard case .double(let d) = v else { throw .noOverload("int", v) }
        // Truncates toward zero (`int(-0.5)` is 0). Doubles at or beyond ±2^63 are out of range
        // (-2^63 too, as the conformance suite requires), and so are NaN and the infinities.
        guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775808e18 else { throw rangeError("int") }
        return .int(Int64(d.rounded(.towardZero)))
      },
      .unary("decimal_to_int64", .decimal, .int) { v throws(EvalError) in
        guard case .decimal(let d) = v else { throw .noOverload("int", v) }
        guard let t = try? d.rounded(places: 0, mode: .down), let i = t.exactInt64 else { throw rangeError("int") }
        return .int(i)
      },
    ]),
    FunctionDecl("uint", [
      .unary("uint64_to_uint64", .uint, .uint) { $0 },
      .unary("int64_to_uint64", .int, .uint) { v throws(EvalError) in
        guard case .int(let i) = v else { throw .noOverload("uint", v) }
        guard i >= 0 else { throw rangeError("uint") }
        return .uint(UInt64(i))
      },
      .unary("double_to_uint64", .double, .uint) { v throws(EvalError) in
        guard case .double(let d) = v else { throw .noOverload("uint", v) }
        // Negative doubles are out of range even when they truncate to zero (`uint(-0.25)`, as
        // cel-cpp); -0.0 is zero. 2^64 and beyond, NaN and the infinities cannot be represented.
        guard d.isFinite, d >= 0, d < 1.8446744073709551616e19 else { throw rangeError("uint") }
        return .uint(UInt64(d.rounded(.towardZero)))
      },
    ]),
    FunctionDecl("double", [
      .unary("double_to_double", .double, .double) { $0 },
      .unary("int64_to_double", .int, .double) { v throws(EvalError) in
        guard case .int(let i) = v else { throw .noOverload("double", v) }
        return .double(Double(i))
      },
      .unary("uint64_to_double", .uint, .double) { v throws(EvalError) in
        guard case .uint(let u) = v else { throw .noOverload("double", v) }
        return .double(Double(u))
      },
      .unary("decimal_to_double", .decimal, .double) { v throws(EvalError) in
        guard case .decimal(let d) = v else { throw .noOverload("double", v) }
        return .double(d.doubleValue)
      },
    ]),
    FunctionDecl("decimal", [
      .unary("decimal_to_decimal", .decimal, .decimal) { $0 },
      .unary("int64_to_decimal", .int, .decimal) { v throws(EvalError) in
        guard case .int(let i) = v else { throw .noOverload("decimal", v) }
        return .decimal(DecimalNumber(i))
      },
      .unary("uint64_to_decimal", .uint, .decimal) { v throws(EvalError) in
        guard case .uint(let u) = v else { throw .noOverload("decimal", v) }
        return .decimal(DecimalNumber(u))
      },
      .unary("double_to_decimal", .double, .decimal) { v throws(EvalError) in
        guard case .double(let d) = v else { throw .noOverload("decimal", v) }
        guard let r = DecimalNumber(exactly: d) else { throw EvalError(.conversion, "cannot convert \(d) to decimal") }
        return .decimal(r)
      },
      .unary("string_to_decimal", .string, .decimal) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("decimal", v) }
        guard let r = DecimalNumber(parsing: s) else { throw EvalError(.conversion, "cannot convert \"\(s)\" to decimal") }
        return .decimal(r)
      },
    ]),
    FunctionDecl("string", [
      .unary("decimal_to_string", .decimal, .string) { v throws(EvalError) in
        guard case .decimal(let d) = v else { throw .noOverload("string", v) }
        return .string(d.description)
      },
    ]),
    FunctionDecl("bool", [.unary("bool_to_bool", .bool, .bool) { $0 }]),
    FunctionDecl("dyn", [.unary("to_dyn", A, .dyn) { $0 }]),
    FunctionDecl("type", [.unary("type", A, .type(A)) { v in .type(v.runtimeType) }]),
  ]
}
