import XCTest

final class PolicyYAMLPlaceholder: XCTestCase {}
