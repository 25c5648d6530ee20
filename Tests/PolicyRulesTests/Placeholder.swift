import XCTest

final class PolicyRulesPlaceholder: XCTestCase {}
