import PolicySource

/// What a bearer token may do. Each endpoint of the decision service needs one scope
/// (`/health` and `/ready` need none); see ``ServiceEndpoint/requiredScope``.
public enum AccessScope: String, Sendable, Hashable, CaseIterable {
  /// `POST /v1/decisions/{policy}`, limited to ``AccessToken/policies`` when they are listed.
  case decide
  /// `GET /v1/policies`, `GET /v1/policies/{id}` (whole policy sources) and `GET /metrics`.
  case read
  /// `POST /v1/reload`.
  case admin
}

/// A named bearer token: the service stores only the SHA-256 of its secret.
public struct AccessToken: Sendable, Hashable {
  /// The name recorded with each decision and reload the token makes (`teller-app`).
  public var name: String
  /// The lowercase hex SHA-256 of the secret the client sends as `Authorization: Bearer <secret>`.
  public var secretSHA256: String
  /// What the token may do.
  public var scopes: Set<AccessScope>
  /// With ``AccessScope/decide``: the only policies it may decide, or `nil` for all of them.
  public var policies: Set<String>?

  /// Creates a token; `secretSHA256` is lower-cased.
  public init(name: String, secretSHA256: String, scopes: Set<AccessScope>, policies: Set<String>? = nil) {
    self.name = name
    self.secretSHA256 = secretSHA256.lowercased()
    self.scopes = scopes
    self.policies = policies
  }

  /// The hash to store for `secret`.
  public static func hash(secret: String) -> String { SHA256.hex(Array(secret.utf8)) }
}

/// Who may call what: the configured tokens, and the scopes open to callers without one. With no
/// tokens every scope is open; then the service must listen on loopback only (`proviso serve`
/// enforces that for any open scope).
public struct AccessControl: Sendable {
  /// The tokens.
  public let tokens: [AccessToken]
  /// The scopes that need no token.
  public let openScopes: Set<AccessScope>

  /// Creates the access rules over `tokens`; `openScopes` defaults to every scope when there are no
  /// tokens and to none otherwise.
  public init(tokens: [AccessToken] = [], openScopes: Set<AccessScope>? = nil) {
    self.tokens = tokens
    self.openScopes = openScopes ?? (tokens.isEmpty ? Set(AccessScope.allCases) : [])
  }

  /// The rules of the former `--admin-token-file`: decisions and reads open, reload only with `secret`
  /// (recorded as the token `admin`).
  public static func adminOnly(secret: String) -> AccessControl {
    AccessControl(tokens: [AccessToken(name: "admin", secretSHA256: AccessToken.hash(secret: secret), scopes: [.admin])],
                  openScopes: [.decide, .read])
  }

  /// Whether some scope needs no token (so the service must not be reachable beyond loopback).
  public var isOpen: Bool { !openScopes.isEmpty }

  /// The outcome of ``authorize(_:scope:policy:)``.
  public enum Decision: Sendable, Equatable {
    /// Allowed; the token's name, or `nil` when access control is open or the endpoint needs no scope.
    case allowed(token: String?)
    /// Refused with this error (401 or 403).
    case refused(WireError)
  }

  /// Checks the request's `Authorization` header against `scope` (and, for decisions, `policy`).
  ///
  /// The presented secret is hashed and compared with every configured hash in constant time, so the
  /// time taken depends only on the number of tokens, not on which one matches or where one differs.
  public func authorize(_ authorization: String?, scope: AccessScope?, policy: String? = nil) -> Decision {
    guard let scope else { return .allowed(token: nil) }
    if openScopes.contains(scope) { return .allowed(token: nil) }
    guard let authorization else { return .refused(.unauthorized(presented: false)) }
    guard let secret = Self.bearerSecret(authorization) else { return .refused(.unauthorized(presented: true)) }
    let presented = AccessToken.hash(secret: secret)
    var match: AccessToken?
    for token in tokens where constantTimeEqual(presented, token.secretSHA256) { match = token }
    guard let token = match else { return .refused(.unauthorized(presented: true)) }
    guard token.scopes.contains(scope) else { return .refused(.forbidden(token: token.name, needed: "the '\(scope.rawValue)' scope")) }
    if scope == .decide, let policy, let allowed = token.policies, !allowed.contains(policy) {
      return .refused(.forbidden(token: token.name, needed: "decisions of policy '\(policy)'"))
    }
    return .allowed(token: token.name)
  }

  /// The secret of `Bearer <secret>` (scheme case-insensitive), or `nil` for another scheme or an empty secret.
  static func bearerSecret(_ authorization: String) -> String? {
    let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, asciiCaseInsensitiveEqual(String(parts[0]), "Bearer") else { return nil }
    let secret = parts[1].drop(while: { $0 == " " })
    return secret.isEmpty ? nil : String(secret)
  }
}

extension ServiceEndpoint {
  /// The scope a token needs to call this endpoint, or `nil` when it is open to everyone.
  public var requiredScope: AccessScope? {
    switch self {
    case .decide: .decide
    case .listPolicies, .showPolicy, .metrics: .read
    case .reload: .admin
    case .health, .ready: nil
    }
  }
}

/// Compares two strings in time that depends only on their lengths, not on where they differ.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
  var lhs = lhs
  var rhs = rhs
  return lhs.withUTF8 { a in
    rhs.withUTF8 { b in
      guard a.count == b.count else { return false }
      var difference: UInt8 = 0
      for index in 0..<a.count { difference |= a[index] ^ b[index] }
      return difference == 0
    }
  }
}
