import XCTest

final class PolicyForestPlaceholder: XCTestCase {}
