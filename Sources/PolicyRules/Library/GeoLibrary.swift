import Foundation
import PolicyExpr

/// A compiled geofence: a bounding box for a quick reject, then the exact shape.
public struct GeoRegion: Sendable {
  /// The region id from the policy.
  public let id: String
  /// Rings of (lon, lat) points; the first is the outer ring, later ones are holes. Empty for a box.
  let rings: [[(lon: Double, lat: Double)]]
  let minLon, minLat, maxLon, maxLat: Double

  init(id: String, box: (Double, Double, Double, Double)) {
    self.id = id
    rings = []
    (minLon, minLat, maxLon, maxLat) = box
  }

  init(id: String, polygons: [[[(lon: Double, lat: Double)]]]) {
    self.id = id
    // Several polygons (a MultiPolygon) are stored as rings; the even-odd rule handles holes.
    rings = polygons.flatMap { $0 }
    let all = rings.flatMap { $0 }
    minLon = all.map(\.lon).min() ?? 0; maxLon = all.map(\.lon).max() ?? 0
    minLat = all.map(\.lat).min() ?? 0; maxLat = all.map(\.lat).max() ?? 0
  }

  /// Whether the point is inside or on the boundary (edges count as inside: a device parked on
  /// the fence line is not outside the allowed region).
  public func contains(lat: Double, lon: Double) -> Bool {
    guard lat >= minLat, lat <= maxLat, lon >= minLon, lon <= maxLon else { return false }
    if rings.isEmpty { return true }
    var inside = false
    for ring in rings where ring.count >= 3 {
      var j = ring.count - 1
      for i in 0..<ring.count {
        let (xi, yi) = (ring[i].lon, ring[i].lat), (xj, yj) = (ring[j].lon, ring[j].lat)
        if Self.onSegment(lon, lat, xi, yi, xj, yj) { return true }
        if (yi > lat) != (yj > lat), lon < (xj - xi) * (lat - yi) / (yj - yi) + xi { inside.toggle() }
        j = i
      }
    }
    return inside
  }

  static func onSegment(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Bool {
    let cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    guard abs(cross) <= 1e-12 * max(1, abs(bx - ax) + abs(by - ay)) else { return false }
    return px >= min(ax, bx) - 1e-12 && px <= max(ax, bx) + 1e-12 && py >= min(ay, by) - 1e-12 && py <= max(ay, by) + 1e-12
  }
}

/// The `geo` functions: point-in-region tests against the policy's regions and great-circle distance.
public enum GeoLibrary {
  /// Mean Earth radius in kilometres (IUGG), as used by the haversine formula.
  public static let earthRadiusKm = 6371.0088

  /// Haversine great-circle distance in kilometres between two (lat, lon) points in degrees.
  public static func distanceKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
    let r = Double.pi / 180
    let dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r
    let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * earthRadiusKm * asin(min(1, sqrt(a)))
  }

  static func number(_ v: Value) -> Double? {
    switch v {
    case .double(let d): d
    case .int(let i): Double(i)
    case .decimal(let d): d.doubleValue
    default: nil
    }
  }

  /// The declarations, bound to this policy's regions (a constant region id is resolved at plan time).
  public static func functions(regions: [String: GeoRegion]) -> [FunctionDecl] {
    let inside: @Sendable (Value, Value, Value) throws(EvalError) -> Value = { id, lat, lon throws(EvalError) in
      guard case .string(let name) = id, let region = regions[name] else {
        throw EvalError(.invalidArgument, "unknown region '\(ForestLibrary.modelName(id))'")
      }
      guard let y = number(lat), let x = number(lon), y.isFinite, x.isFinite else {
        throw EvalError(.invalidArgument, "geo.inside needs finite coordinates, got (\(lat.debugText), \(lon.debugText))")
      }
      return .bool(region.contains(lat: y, lon: x))
    }
    var insideOverload = Overload("geo_inside", [.string, .dyn, .dyn], .bool, .ternary(inside))
    insideOverload.specializer = { constants in
      guard case .string(let name)? = constants[0], let region = regions[name] else { return nil }
      return .ternary { _, lat, lon throws(EvalError) in
        guard let y = number(lat), let x = number(lon), y.isFinite, x.isFinite else {
          throw EvalError(.invalidArgument, "geo.inside needs finite coordinates, got (\(lat.debugText), \(lon.debugText))")
        }
        return .bool(region.contains(lat: y, lon: x))
      }
    }
    let distance = Overload("geo_distance_km", [.dyn, .dyn, .dyn, .dyn], .double, .variadic { vs throws(EvalError) in
      let xs = vs.compactMap(number)
      guard xs.count == 4, xs.allSatisfy(\.isFinite) else {
        throw EvalError(.invalidArgument, "geo.distanceKm needs four finite numbers (lat1, lon1, lat2, lon2)")
      }
      return .double(distanceKm(xs[0], xs[1], xs[2], xs[3]))
    })
    return [FunctionDecl("geo.inside", [insideOverload]), FunctionDecl("geo.distanceKm", [distance])]
  }
}
