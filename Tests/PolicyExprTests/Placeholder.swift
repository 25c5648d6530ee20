import XCTest

final class PolicyExprPlaceholder: XCTestCase {}
