import XCTest
@testable import PolicyExpr

/// The checker's diagnostics, rendered exactly as `proviso` prints them, each starting at the
/// marked spot.
final class TypeCheckerDiagnosticsTests: XCTestCase {
  func testUndeclaredNamesWithDidYouMean() {
    let cases = [
      CheckCase("1️⃣amonut > 100", """
        <expr>:1:1: error[expr_check_error]: undeclared reference to 'amonut'
           | amonut > 100
           | ^~~~~~
           = hint: did you mean 'amount'?
        """),
      CheckCase("amount > 100 && 1️⃣aplicant == \"S-17\"", """
        <expr>:1:17: error[expr_check_error]: undeclared reference to 'aplicant'
           | amount > 100 && aplicant == "S-17"
           |                 ^~~~~~~~
           = hint: did you mean 'applicant'?
        """),
      CheckCase("1️⃣zzz", """
        <expr>:1:1: error[expr_check_error]: undeclared reference to 'zzz'
           | zzz
           | ^~~
        """),
      CheckCase("1️⃣sizee(applicant)", """
        <expr>:1:1: error[expr_check_error]: undeclared reference to 'sizee'
           | sizee(applicant)
           | ^~~~~~~~~~~~~~~~
           = hint: did you mean 'size'?
        """),
      CheckCase("items.exists(item, 1️⃣iten > 2)", """
        <expr>:1:20: error[expr_check_error]: undeclared reference to 'iten'
           | items.exists(item, iten > 2)
           |                    ^~~~
           = hint: did you mean 'item'?
        """),
    ]
    for c in cases { c.check() }
  }

  /// An expression never reads the clock: outside a policy (which declares it), `now` is just
  /// an undeclared name.
  func testNowIsNotBuiltIn() {
    CheckCase("1️⃣now > timestamp(0)", """
      <expr>:1:1: error[expr_check_error]: undeclared reference to 'now'
         | now > timestamp(0)
         | ^~~
      """).check()
  }

  /// Every undeclared name is reported, in source order, each once.
  func testSeveralErrorsAreAllReported() {
    CheckCase("1️⃣amonut > 1 || applicant == aplicant", """
      <expr>:1:1: error[expr_check_error]: undeclared reference to 'amonut'
         | amonut > 1 || applicant == aplicant
         | ^~~~~~
         = hint: did you mean 'amount'?
      <expr>:1:28: error[expr_check_error]: undeclared reference to 'aplicant'
         | amonut > 1 || applicant == aplicant
         |                            ^~~~~~~~
         = hint: did you mean 'applicant'?
      """).check()
  }

  func testOverloadMismatchNamesArgumentTypes() {
    let cases = [
      CheckCase("1️⃣size(count)", """
        <expr>:1:1: error[expr_check_error]: found no matching overload for 'size' applied to '(int)'
           | size(count)
           | ^~~~~~~~~~~
        """),
      CheckCase("1️⃣applicant.contains(count)", """
        <expr>:1:1: error[expr_check_error]: found no matching overload for 'contains' applied to '(string, int)'
           | applicant.contains(count)
           | ^~~~~~~~~~~~~~~~~~~~~~~~~
        """),
      CheckCase("items.map(x, 1️⃣x + applicant)", """
        <expr>:1:14: error[expr_check_error]: found no matching overload for '_+_' applied to '(int, string)'
           | items.map(x, x + applicant)
           |              ^~~~~~~~~~~~~
        """),
      CheckCase("1️⃣count + rate", """
        <expr>:1:1: error[expr_check_error]: found no matching overload for '_+_' applied to '(int, double)'
           | count + rate
           | ^~~~~~~~~~~~
        """),
      CheckCase("1️⃣true ? 1 : \"a\"", """
        <expr>:1:1: error[expr_check_error]: found no matching overload for '_?_:_' applied to '(bool, int, string)'
           | true ? 1 : "a"
           | ^~~~~~~~~~~~~~
        """),
      CheckCase("1️⃣receivable.dueDate > amount", """
        <expr>:1:1: error[expr_check_error]: found no matching overload for '_>_' applied to '(google.protobuf.Timestamp, decimal)'
           | receivable.dueDate > amount
           | ^~~~~~~~~~~~~~~~~~~~~~~~~~~
        """),
    ]
    for c in cases { c.check() }
  }

  /// A double variable mixed with a decimal is an error whose hint suggests `decimal(x)`.
  func testDecimalDoubleMixing() {
    let cases = [
      CheckCase("1️⃣amount * rate", """
        <expr>:1:1: error[expr_check_error]: found no matching overload for '_*_' applied to '(decimal, double)'
           | amount * rate
           | ^~~~~~~~~~~~~
           = hint: money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal
        """),
      CheckCase("amount > 0 && 1️⃣rate + receivable.amount > 1.0", """
        <expr>:1:15: error[expr_check_error]: found no matching overload for '_+_' applied to '(double, decimal)'
           | amount > 0 && rate + receivable.amount > 1.0
           |               ^~~~~~~~~~~~~~~~~~~~~~~~
           = hint: money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal
        """),
    ]
    for c in cases { c.check() }
    // The remedies compile: a literal is taken exactly, a variable is converted explicitly.
    XCTAssertEqual(CheckerTestSupport.diagnostics("amount * 0.90"), [])
    XCTAssertEqual(CheckerTestSupport.diagnostics("amount * -0.5"), [])
    XCTAssertEqual(CheckerTestSupport.diagnostics("amount * decimal(rate)"), [])
  }

  /// Literal-only arithmetic takes its type from the decimal it meets: no error, no hint to
  /// "write the number as a literal" for what is one; an int and a double alone get their own hint.
  func testLiteralArithmeticMeetsADecimal() {
    XCTAssertEqual(CheckerTestSupport.diagnostics("amount * (1 - 0.05)"), [])
    XCTAssertEqual(CheckerTestSupport.diagnostics("amount > 0.1 + 0.2"), [])
    XCTAssertEqual(CheckerTestSupport.diagnostics("receivable.installments.all(x, x * (1 - 0.05) > 0.01)"), [])
    CheckCase("rate * (1️⃣1 - 0.05) > 0.0", """
      <expr>:1:9: error[expr_check_error]: found no matching overload for '_-_' applied to '(int, double)'
         | rate * (1 - 0.05) > 0.0
         |         ^~~~~~~~
         = hint: an int never mixes with a double: write 1 as 1.0
      """).check()
    CheckCase("amount * (1️⃣1 - rate)", """
      <expr>:1:11: error[expr_check_error]: found no matching overload for '_-_' applied to '(int, double)'
         | amount * (1 - rate)
         |           ^~~~~~~~
         = hint: an int never mixes with a double: write 1 as 1.0
      """).check()
  }

  func testFieldSelectionOnRecords() {
    let cases = [
      CheckCase("1️⃣receivable.amuont > 100", """
        <expr>:1:1: error[expr_check_error]: undefined field 'amuont' of 'receivable'
           | receivable.amuont > 100
           | ^~~~~~~~~~~~~~~~~
           = hint: did you mean 'amount'?
        """),
      CheckCase("1️⃣receivable.debtor.scor > 600", """
        <expr>:1:1: error[expr_check_error]: undefined field 'scor' of 'receivable.debtor'
           | receivable.debtor.scor > 600
           | ^~~~~~~~~~~~~~~~~~~~~~
           = hint: did you mean 'score'?
        """),
      CheckCase("1️⃣receivable.owner == \"x\"", """
        <expr>:1:1: error[expr_check_error]: undefined field 'owner' of 'receivable'
           | receivable.owner == "x"
           | ^~~~~~~~~~~~~~~~
        """),
      CheckCase("1️⃣count.value", """
        <expr>:1:1: error[expr_check_error]: type 'int' does not support field selection
           | count.value
           | ^~~~~~~~~~~
        """),
      CheckCase("1️⃣{[1]: 2}", """
        <expr>:1:2: error[expr_check_error]: unsupported map key type 'list(int)'
           | {[1]: 2}
           |  ^~~
        """),
    ]
    for c in cases.dropLast() { c.check() }
    // The map key diagnostic starts at the key, one past the brace.
    CheckCase("{1️⃣[1]: 2}", """
      <expr>:1:2: error[expr_check_error]: unsupported map key type 'list(int)'
         | {[1]: 2}
         |  ^~~
      """).check()
  }

  func testComprehensionRangeMustBeACollection() {
    CheckCase("1️⃣count.all(x, x > 0)", """
      <expr>:1:1: error[expr_check_error]: expression of type 'int' cannot be the range of a comprehension (must be list, map, or dynamic)
         | count.all(x, x > 0)
         | ^~~~~
      """).check()
  }
}
