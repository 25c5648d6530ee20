/// SHA-256 (FIPS 180-4), incremental; Foundation has no digest API on Linux.
///
/// Used for model content hashes and the compact form's integrity check.
public struct SHA256: Sendable {
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19
  )
  private var buffer = [UInt8](repeating: 0, count: 64)
  private var buffered = 0
  private var length: UInt64 = 0

  /// Creates a hasher with the initial state.
  public init() {}

  /// Hashes `bytes` in one call and returns the lowercase hex digest.
  public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    var h = SHA256()
    h.update(bytes)
    return h.finalizeHex()
  }

  /// Hashes a byte array in one call and returns the lowercase hex digest.
  public static func hex(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBytes { hex($0) }
  }

  /// Feeds `bytes` to the hash.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    length &+= UInt64(bytes.count)
    var offset = 0
    if buffered > 0 {
      let take = min(64 - buffered, bytes.count)
      for i in 0..<take { buffer[buffered + i] = base.load(fromByteOffset: i, as: UInt8.self) }
      buffered += take
      offset = take
      if buffered < 64 { return }
      buffer.withUnsafeBytes { compress($0.baseAddress!) }
      buffered = 0
    }
    while bytes.count - offset >= 64 {
      compress(base + offset)
      offset += 64
    }
    let rest = bytes.count - offset
    for i in 0..<rest { buffer[i] = base.load(fromByteOffset: offset + i, as: UInt8.self) }
    buffered = rest
  }

  /// Feeds the bytes of a byte array to the hash.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Finishes the hash and returns the 32-byte digest.
  public mutating func finalize() -> [UInt8] {
    let bitLength = length &* 8
    var pad: [UInt8] = [0x80]
    let padZeros = (buffered < 56 ? 55 - buffered : 119 - buffered)
    pad += [UInt8](repeating: 0, count: padZeros)
    for i in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
    let savedLength = length
    update(pad)
    length = savedLength
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
      out += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16),
              UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
    }
    return out
  }

  /// Finishes the hash and returns the lowercase hex digest.
  public mutating func finalizeHex() -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for b in finalize() { text.append(digits[Int(b >> 4)]); text.append(digits[Int(b & 15)]) }
    return String(decoding: text, as: UTF8.self)
  }

  private mutating func compress(_ block: UnsafeRawPointer) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      sha256K.withUnsafeBufferPointer { k in
        for i in 0..<16 {
          w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
        }
        for i in 16..<64 {
          let w15 = w[i - 15], w2 = w[i - 2]
          let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
          let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
          w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = state
        for i in 0..<64 {
          let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
          let ch = (e & f) ^ (~e & g)
          let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
          let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
          let maj = (a & b) ^ (a & c) ^ (b & c)
          let t2 = s0 &+ maj
          h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        state = (
          state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f,
          state.6 &+ g, state.7 &+ h
        )
      }
    }
  }
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

private let sha256K: [UInt32] = [
  0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
  0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
  0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
  0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
  0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
  0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
  0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
  0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
  0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
  0xc671_78f2,
]
