import XCTest

final class PolicyServerPlaceholder: XCTestCase {}
