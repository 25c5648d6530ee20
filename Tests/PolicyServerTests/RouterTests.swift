import XCTest
@testable import PolicyServer

final class RouterTests: XCTestCase {
  private func describe(_ match: Router<ServiceEndpoint>.Match) -> String {
    switch match {
    case .found(let endpoint, let parameters):
      return "\(endpoint)" + parameters.map { " \($0.name)=\($0.value)" }.joined()
    case .methodNotAllowed(let allowed): return "405 " + allowed.joined(separator: ",")
    case .notFound: return "404"
    }
  }

  func testServiceRoutes() {
    let router = Router<ServiceEndpoint>.service
    let cases: [(String, String, String)] = [
      ("POST", "/v1/decisions/receivable-financing", "decide policy=receivable-financing"),
      ("GET", "/v1/decisions/receivable-financing", "405 POST"),
      ("POST", "/v1/decisions", "404"),
      ("POST", "/v1/decisions/", "404"),
      ("POST", "/v1/decisions/a/b", "404"),
      ("GET", "/v1/policies", "listPolicies"),
      ("GET", "/v1/policies/", "404"),
      ("GET", "/v1/policies/leasing", "showPolicy id=leasing"),
      ("DELETE", "/v1/policies/leasing", "405 GET"),
      ("POST", "/v1/reload", "reload"),
      ("GET", "/v1/reload", "405 POST"),
      ("GET", "/health", "health"),
      ("GET", "/healthz", "404"),
      ("GET", "/ready", "ready"),
      ("GET", "/metrics", "metrics"),
      ("GET", "/", "404"),
      ("GET", "", "404"),
      ("GET", "//health", "404"),
    ]
    for (method, path, expected) in cases {
      XCTAssertEqual(describe(router.match(method: method, path: path)), expected, "\(method) \(path)")
    }
  }

  func testRootRouteAndSeveralMethodsOnOnePath() {
    let router = Router<Int>([.init("GET", "/", 1), .init("GET", "/a/{x}/c/{y}", 2), .init("PUT", "/a/{x}/c/{y}", 3)])
    guard case .found(1, let none) = router.match(method: "GET", path: "/") else { return XCTFail("root") }
    XCTAssertEqual(none, [])
    guard case .found(3, let parameters) = router.match(method: "PUT", path: "/a/1/c/2") else { return XCTFail("put") }
    XCTAssertEqual(parameters, [PathParameter(name: "x", value: "1"), PathParameter(name: "y", value: "2")])
    guard case .methodNotAllowed(let allowed) = router.match(method: "POST", path: "/a/1/c/2") else { return XCTFail("405") }
    XCTAssertEqual(allowed, ["GET", "PUT"])
  }
}
