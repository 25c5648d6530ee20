import Foundation
import PolicyExpr
import XCTest

@testable import PolicyRules

/// Geofences (box, polygon, GeoJSON with holes) and great-circle distances.
final class GeoLibraryTests: XCTestCase {
  typealias Point = (lon: Double, lat: Double)

  static func polygon(_ points: [(Double, Double)]) -> [Point] { points.map { (lon: $0.0, lat: $0.1) } }

  // MARK: - Boxes

  func testBoxContainsItsInteriorAndItsEdges() {
    // [min_lon, min_lat, max_lon, max_lat] = [9.90, 53.60, 9.95, 53.63]
    let box = GeoRegion(id: "yard", box: (9.90, 53.60, 9.95, 53.63))
    XCTAssertTrue(box.contains(lat: 53.61, lon: 9.92))
    XCTAssertTrue(box.contains(lat: 53.60, lon: 9.92), "on the south edge")
    XCTAssertTrue(box.contains(lat: 53.63, lon: 9.95), "on the north-east corner")
    XCTAssertTrue(box.contains(lat: 53.615, lon: 9.90), "on the west edge")
    XCTAssertFalse(box.contains(lat: 53.599, lon: 9.92), "just south")
    XCTAssertFalse(box.contains(lat: 53.61, lon: 9.951), "just east")
    XCTAssertFalse(box.contains(lat: 9.92, lon: 53.61), "latitude and longitude swapped")
  }

  // MARK: - Polygons

  func testConcavePolygonExcludesItsNotch() {
    // A U shape: the notch between x = 1..3 above y = 1 is outside.
    let u = GeoRegion(id: "u", polygons: [[Self.polygon([(0, 0), (4, 0), (4, 4), (3, 4), (3, 1), (1, 1), (1, 4), (0, 4)])]])
    XCTAssertTrue(u.contains(lat: 0.5, lon: 2), "the base")
    XCTAssertTrue(u.contains(lat: 3, lon: 0.5), "the left arm")
    XCTAssertTrue(u.contains(lat: 3, lon: 3.5), "the right arm")
    XCTAssertFalse(u.contains(lat: 3, lon: 2), "the notch")
    XCTAssertFalse(u.contains(lat: 2, lon: 5), "east of the bounding box")
    XCTAssertFalse(u.contains(lat: 5, lon: 2), "north of the bounding box")
  }

  func testPolygonEdgesAndCornersCountAsInside() {
    let triangle = GeoRegion(id: "t", polygons: [[Self.polygon([(0, 0), (4, 0), (0, 4)])]])
    XCTAssertTrue(triangle.contains(lat: 2, lon: 2), "on the diagonal edge")
    XCTAssertTrue(triangle.contains(lat: 0, lon: 4), "on a corner")
    XCTAssertTrue(triangle.contains(lat: 0, lon: 1), "on the bottom edge")
    XCTAssertTrue(triangle.contains(lat: 1, lon: 1))
    XCTAssertFalse(triangle.contains(lat: 2.01, lon: 2.01), "just beyond the diagonal")
    // A U's inner edges are edges too.
    let u = GeoRegion(id: "u", polygons: [[Self.polygon([(0, 0), (4, 0), (4, 4), (3, 4), (3, 1), (1, 1), (1, 4), (0, 4)])]])
    XCTAssertTrue(u.contains(lat: 1, lon: 2), "on the bottom of the notch")
    XCTAssertTrue(u.contains(lat: 2.5, lon: 3), "on the notch's right side")
  }

  func testClosedAndOpenRingsAreTheSameRegion() {
    let open = GeoRegion(id: "a", polygons: [[Self.polygon([(0, 0), (2, 0), (2, 2), (0, 2)])]])
    let closed = GeoRegion(id: "b", polygons: [[Self.polygon([(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)])]])
    for (lat, lon) in [(1.0, 1.0), (0.0, 1.0), (2.0, 2.0), (2.5, 1.0), (1.0, -0.1)] {
      XCTAssertEqual(open.contains(lat: lat, lon: lon), closed.contains(lat: lat, lon: lon), "(\(lat), \(lon))")
    }
  }

  // MARK: - GeoJSON

  /// A square 0..10 with a hole 4..6, as a GeoJSON Feature.
  static let squareWithHole = """
    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
      [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
      [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}}
    """

  func testGeoJSONHolesAreOutsideButTheirEdgesAreInside() throws {
    let polygons = try PolicyCompiler.geoJSONPolygons(try JSONReader.parse(Self.squareWithHole))
    XCTAssertEqual(polygons.count, 1)
    XCTAssertEqual(polygons.first?.count, 2, "outer ring and one hole")
    let region = GeoRegion(id: "ring", polygons: polygons)
    XCTAssertTrue(region.contains(lat: 2, lon: 2))
    XCTAssertFalse(region.contains(lat: 5, lon: 5), "inside the hole")
    XCTAssertTrue(region.contains(lat: 4, lon: 5), "on the hole's edge")
    XCTAssertTrue(region.contains(lat: 6, lon: 6), "on the hole's corner")
    XCTAssertTrue(region.contains(lat: 10, lon: 3), "on the outer edge")
    XCTAssertFalse(region.contains(lat: 11, lon: 3))
  }

  func testGeoJSONMultiPolygonInAFeatureCollection() throws {
    let json = """
      {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
          [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
          [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [3, 3]}}]}
      """
    let polygons = try PolicyCompiler.geoJSONPolygons(try JSONReader.parse(json))
    XCTAssertEqual(polygons.count, 2, "the Point is not a region")
    let region = GeoRegion(id: "two", polygons: polygons)
    XCTAssertTrue(region.contains(lat: 0.5, lon: 0.5))
    XCTAssertTrue(region.contains(lat: 5.5, lon: 5.5))
    XCTAssertFalse(region.contains(lat: 3, lon: 3), "between the two squares")
  }

  func testCommittedDepotRegion() throws {
    let bytes = try Data(contentsOf: PolicyFixtures.repositoryRoot.appendingPathComponent("policies/regions/depot.geojson"))
    let region = GeoRegion(id: "depot", polygons: try PolicyCompiler.geoJSONPolygons(try JSONReader.parse(Array(bytes))))
    XCTAssertTrue(region.contains(lat: 53.585, lon: 10.035))
    XCTAssertTrue(region.contains(lat: 53.575, lon: 10.030), "on the southern fence")
    XCTAssertFalse(region.contains(lat: 53.570, lon: 10.035))
    XCTAssertFalse(region.contains(lat: 53.597, lon: 10.048), "inside the bounding box, outside the polygon")
  }

  // MARK: - Distances

  func testDistancesAgainstKnownValues() {
    let paris = (48.8566, 2.3522), london = (51.5074, -0.1278)
    XCTAssertEqual(GeoLibrary.distanceKm(paris.0, paris.1, london.0, london.1), 343.5, accuracy: 0.5)
    XCTAssertEqual(GeoLibrary.distanceKm(london.0, london.1, paris.0, paris.1),
                   GeoLibrary.distanceKm(paris.0, paris.1, london.0, london.1), "symmetric")
    // New York - Los Angeles, about 3,936 km on a sphere.
    XCTAssertEqual(GeoLibrary.distanceKm(40.7128, -74.0060, 34.0522, -118.2437), 3936, accuracy: 2)
    // One degree of latitude along a meridian is R·π/180.
    XCTAssertEqual(GeoLibrary.distanceKm(10, 20, 11, 20), GeoLibrary.earthRadiusKm * .pi / 180, accuracy: 1e-9)
    // Half the circumference between antipodes on the equator.
    XCTAssertEqual(GeoLibrary.distanceKm(0, 0, 0, 180), GeoLibrary.earthRadiusKm * .pi, accuracy: 1e-6)
    XCTAssertEqual(GeoLibrary.distanceKm(53.55, 9.99, 53.55, 9.99), 0)
    // Across the antimeridian: 0.2 degrees of longitude on the equator, not 359.8.
    XCTAssertEqual(GeoLibrary.distanceKm(0, 179.9, 0, -179.9), 0.2 * GeoLibrary.earthRadiusKm * .pi / 180, accuracy: 1e-6)
  }

  // MARK: - In a policy

  func testPolicyUsesBoxPolygonAndGeoJSONRegions() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-geo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(Self.squareWithHole.utf8).write(to: directory.appendingPathComponent("ring.geojson"))
    let yaml = """
      policy: geo-test
      inputs:
        p: {site: string, lat: double, lon: double}
      regions:
        box: {box: [0.0, 0.0, 2.0, 2.0]}
        triangle: {polygon: [[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]]}
        ring: {geojson: ring.geojson}
      outputs:
        inside: geo.inside(p.site, p.lat, p.lon)
        in_ring: geo.inside("ring", p.lat, p.lon)
        km_to_origin: math.round(geo.distanceKm(p.lat, p.lon, 0.0, 0.0), 1)
      """
    let (loaded, diagnostics) = PolicyLoader.load(SourceFile(path: directory.appendingPathComponent("geo-test.yaml").path, text: yaml))
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), "")
    let policy = try XCTUnwrap(loaded)
    func outputs(_ site: String, _ lat: Double, _ lon: Double) -> String {
      guard let d = PolicyFixtures.decide(policy, #"{"p": {"site": "\#(site)", "lat": \#(lat), "lon": \#(lon)}}"#) else { return "rejected" }
      return PolicyFixtures.summary(d)
    }
    XCTAssertEqual(outputs("box", 1, 1), "approved; outputs: inside=true, in_ring=true, km_to_origin=157.2")
    XCTAssertEqual(outputs("triangle", 2, 2), "approved; outputs: inside=true, in_ring=true, km_to_origin=314.5")
    XCTAssertEqual(outputs("ring", 5, 5), "approved; outputs: inside=false, in_ring=false, km_to_origin=785.8")
    let unknown = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"p": {"site": "moon", "lat": 1, "lon": 1}}"#))
    XCTAssertEqual(unknown.outcome, .error, "an unknown region fails closed")
    XCTAssertEqual(unknown.errors.map(\.message), ["unknown region 'moon'"])
    XCTAssertNil(unknown.output("inside"))
  }

  func testMissingGeoJSONFileIsAFileError() throws {
    let yaml = """
      policy: geo-test
      regions:
        depot: {geojson: no-such.geojson}
      """
    let (policy, diagnostics) = PolicyLoader.load(SourceFile(path: "/nonexistent-dir/geo-test.yaml", text: yaml))
    XCTAssertNil(policy)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), """
      /nonexistent-dir/geo-test.yaml:3:20: error[policy_file_unreadable]: cannot read 'no-such.geojson': no such file
         |   depot: {geojson: no-such.geojson}
         |                    ^~~~~~~~~~~~~~~
      """)
  }

  func testMalformedRegionsAreLoadErrors() {
    XCTAssertEqual(PolicyFixtures.rendered("policy: g\nregions:\n  r: {box: [10.0, 0.0, 5.0, 5.0]}\n"), """
      policy.yaml:3:12: error[policy_invalid_value]: box of region 'r' must be [min_lon, min_lat, max_lon, max_lat]
         |   r: {box: [10.0, 0.0, 5.0, 5.0]}
         |            ^~~~~~~~~~~~~~~~~~~~~
      """)
    XCTAssertEqual(PolicyFixtures.rendered("policy: g\nregions:\n  r: {box: [0.0, 0.0, 5.0]}\n"), """
      policy.yaml:3:12: error[policy_invalid_value]: box of region 'r' must be [min_lon, min_lat, max_lon, max_lat]
         |   r: {box: [0.0, 0.0, 5.0]}
         |            ^~~~~~~~~~~~~~~
      """)
    XCTAssertEqual(PolicyFixtures.rendered("policy: g\nregions:\n  r: {polygon: [[0.0, 0.0], [1.0, 1.0]]}\n"), """
      policy.yaml:3:16: error[policy_invalid_value]: polygon of region 'r' must list at least 3 [lon, lat] points
         |   r: {polygon: [[0.0, 0.0], [1.0, 1.0]]}
         |                ^~~~~~~~~~~~~~~~~~~~~~~~
      """)
    XCTAssertEqual(PolicyFixtures.rendered("policy: g\nregions:\n  r: {box: [500.0, 0.0, 501.0, 5.0]}\n"), """
      policy.yaml:3:12: error[policy_invalid_value]: box of region 'r' is outside longitude -180...180 or latitude -90...90
         |   r: {box: [500.0, 0.0, 501.0, 5.0]}
         |            ^~~~~~~~~~~~~~~~~~~~~~~~
         = hint: coordinates are [longitude, latitude], as in GeoJSON
      """)
    XCTAssertEqual(PolicyFixtures.rendered("policy: g\nregions:\n  r: {box: [0.0, 0.0, 1.0, 1.0], geojson: r.geojson}\n"), """
      policy.yaml:3:6: error[policy_invalid_value]: region 'r' has box and geojson; a region has one shape
         |   r: {box: [0.0, 0.0, 1.0, 1.0], geojson: r.geojson}
         |      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      """)
  }

  func testNonFiniteOrNonNumericCoordinatesAreEvaluationErrors() throws {
    let yaml = """
      policy: g
      inputs:
        p: {lat: dyn, lon: dyn}
      regions:
        r: {box: [0, 0, 5, 5]}
      outputs:
        inside: geo.inside("r", p.lat, p.lon)
        km: geo.distanceKm(p.lat, p.lon, 0, 0)
      """
    let policy = try XCTUnwrap(PolicyFixtures.compile(yaml))
    let ints = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"p": {"lat": 1, "lon": 1}}"#))
    XCTAssertEqual(PolicyFixtures.summary(ints), "approved; outputs: inside=true, km=157.2495984740402")
    let text = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"p": {"lat": "north", "lon": 1}}"#))
    XCTAssertEqual(text.outcome, .error)
    XCTAssertEqual(text.errors.map(\.message), [
      #"geo.inside needs finite coordinates, got ("north", 1)"#,
      "geo.distanceKm needs four finite numbers (lat1, lon1, lat2, lon2)",
    ])
  }
}
