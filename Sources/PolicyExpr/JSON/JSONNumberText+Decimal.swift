import PolicyJSON

extension JSONNumberText {
  /// Exact decimal text as a ``DecimalNumber``, or `nil` (over 38 significant digits is rejected,
  /// never rounded).
  static func decimal(_ text: UnsafeBufferPointer<UInt8>) -> DecimalNumber? {
    DecimalNumber(utf8: text)
  }
}
