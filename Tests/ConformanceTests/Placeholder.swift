import XCTest

final class ConformancePlaceholder: XCTestCase {}
