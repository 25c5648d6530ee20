import XCTest

final class PolicySourcePlaceholder: XCTestCase {}
