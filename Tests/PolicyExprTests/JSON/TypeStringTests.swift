import XCTest

@testable import PolicyExpr

final class TypeStringTests: XCTestCase {
  func testParse() throws {
    let cases: [(String, CELType)] = [
      ("int", .int), ("uint", .uint), ("double", .double), ("bool", .bool), ("string", .string), ("bytes", .bytes),
      ("decimal", .decimal), ("dyn", .dyn), ("null_type", .null), ("error", .error),
      ("timestamp", .timestamp), ("google.protobuf.Timestamp", .timestamp),
      ("duration", .duration), ("google.protobuf.Duration", .duration),
      ("list(string)", .list(.string)), ("list", .list(.dyn)),
      ("map(string, int)", .map(.string, .int)), ("map(string,list(map(int, dyn)))", .map(.string, .list(.map(.int, .dyn)))),
      ("map", .map(.dyn, .dyn)), ("type(int)", .type(.int)), ("type", .type(.dyn)),
      ("optional_type(int)", .optional(.int)), ("optional_type(list(timestamp))", .optional(.list(.timestamp))),
    ]
    for (text, type) in cases {
      XCTAssertEqual(try TypeString.parse(text), type, text)
    }
    XCTAssertEqual(try TypeString.parse("list(T)", typeParameters: ["T"]), .list(.param("T")))
  }

  func testFormatRoundTrips() throws {
    let types: [CELType] = [
      .int, .null, .timestamp, .duration, .decimal, .error, .list(.map(.string, .optional(.type(.int)))), .dyn,
    ]
    for type in types {
      XCTAssertEqual(try TypeString.parse(TypeString.format(type)), type)
    }
    XCTAssertEqual(TypeString.format(.map(.string, .list(.timestamp))), "map(string, list(timestamp))")
    XCTAssertEqual(TypeString.format(.null), "null_type")
  }

  func testErrors() {
    let cases: [(String, TypeStringError.Code, String, Int)] = [
      ("integer", .unknown, "unknown type 'integer'", 0),
      ("list(foo)", .unknown, "unknown type 'foo'", 5),
      ("cel.expr.conformance.proto3.TestAllTypes", .unsupported,
        "protobuf message types are not supported: 'cel.expr.conformance.proto3.TestAllTypes'", 0),
      ("wrapper(int)", .unsupported, "protobuf message types are not supported: 'wrapper'", 0),
      ("any", .unsupported, "protobuf message types are not supported: 'any'", 0),
      ("function(int, int)", .unsupported, "function types are not supported", 0),
      ("tuple(dyn, dyn)", .unsupported, "abstract type 'tuple' is not supported", 0),
      ("map(string)", .arity, "type 'map' takes 0 or 2 parameters, found 1", 0),
      ("int(string)", .arity, "type 'int' takes 0 parameters, found 1", 0),
      ("optional_type", .arity, "type 'optional_type' takes 1 parameters, found 0", 0),
      ("list(int", .syntax, "expected ',' or ')' in the parameters of 'list'", 8),
      ("list(int) x", .syntax, "unexpected text after the type", 10),
      ("", .syntax, "expected a type name, found end of text", 0),
      ("map(, int)", .syntax, "expected a type name, found ','", 4),
    ]
    for (text, code, message, offset) in cases {
      XCTAssertThrowsError(try TypeString.parse(text), text) { error in
        let error = error as? TypeStringError
        XCTAssertEqual(error?.code, code, text)
        XCTAssertEqual(error?.message, message, text)
        XCTAssertEqual(error?.offset, offset, text)
      }
    }
  }
}
