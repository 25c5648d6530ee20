import Foundation
import PolicyExpr

extension PolicyCompiler {
  /// Reads a referenced file through ``files``: confined to the policy folder, a regular file, at
  /// most ``PolicyFileAccess/maxReferencedFileBytes``; a refusal is reported at `range` with the rule's code.
  mutating func readReferenced(_ path: String, at range: SourceRange, maxBytes: Int = PolicyFileAccess.maxReferencedFileBytes) -> ConfinedFile? {
    switch files.read(path, maxBytes: maxBytes) {
    case .success(let file): return file
    case .failure(let problem):
      error(problem.code, problem.description, range)
      return nil
    }
  }

  mutating func loadRegions() -> [String: GeoRegion] {
    var out: [String: GeoRegion] = [:]
    for r in policy.regions {
      switch r.shape {
      case .box(let a, let b, let c, let d): out[r.id] = GeoRegion(id: r.id, box: (a, b, c, d))
      case .polygon(let points): out[r.id] = GeoRegion(id: r.id, polygons: [[points]])
      case .geojson(let path):
        guard let file = readReferenced(path, at: r.range) else { continue }
        do {
          let polygons = try Self.geoJSONPolygons(try JSONReader.parse(file.bytes))
          guard !polygons.isEmpty else { error(.policyFileError, "'\(path)' has no Polygon or MultiPolygon geometry", r.range); continue }
          out[r.id] = GeoRegion(id: r.id, polygons: polygons)
        } catch let e as JSONError {
          self.error(.policyFileError, "'\(path)' is not valid JSON: \(e.description)", r.range)
        } catch let e {
          self.error(.policyFileError, "'\(path)': \(e)", r.range)
        }
      }
    }
    return out
  }

  struct GeoJSONError: Error, CustomStringConvertible { var description: String }

  /// Polygons (each a list of rings of (lon, lat)) of a GeoJSON geometry, feature or collection.
  static func geoJSONPolygons(_ v: JSONValue) throws -> [[[(lon: Double, lat: Double)]]] {
    guard case .object(let o) = v, case .string(let type)? = o["type"] else { throw GeoJSONError(description: "expected a GeoJSON object with a 'type'") }
    func ring(_ v: JSONValue) throws -> [(lon: Double, lat: Double)] {
      guard case .array(let pts) = v else { throw GeoJSONError(description: "a ring must be an array of positions") }
      return try pts.map { p in
        guard case .array(let c) = p, c.count >= 2, case .number(let x) = c[0], case .number(let y) = c[1] else {
          throw GeoJSONError(description: "a position must be [lon, lat]")
        }
        return (x.doubleValue, y.doubleValue)
      }
    }
    switch type {
    case "FeatureCollection":
      guard case .array(let fs)? = o["features"] else { throw GeoJSONError(description: "FeatureCollection without 'features'") }
      return try fs.flatMap(geoJSONPolygons)
    case "Feature":
      guard let g = o["geometry"] else { throw GeoJSONError(description: "Feature without 'geometry'") }
      return try geoJSONPolygons(g)
    case "Polygon":
      guard case .array(let rings)? = o["coordinates"] else { throw GeoJSONError(description: "Polygon without 'coordinates'") }
      return [try rings.map(ring)]
    case "MultiPolygon":
      guard case .array(let polys)? = o["coordinates"] else { throw GeoJSONError(description: "MultiPolygon without 'coordinates'") }
      return try polys.map { p in
        guard case .array(let rings) = p else { throw GeoJSONError(description: "bad MultiPolygon") }
        return try rings.map(ring)
      }
    default: return []
    }
  }
}
