//! GeoJSON of contact-line segments, sites and zones with the estimated
//! risks as properties (WGS84 longitude/latitude, RFC 7946), for QGIS or
//! geojson.io.

use frontline_sim::geo::{LatLon, Vec2, unproject};
use frontline_sim::scenario::Shape;
use frontline_sim::theatre::Theatre;
use serde_json::{Value, json};

use crate::result::ResultDoc;

fn pos(origin: LatLon, v: Vec2) -> Value {
    let ll = unproject(origin, v);
    json!([(ll.lon * 1e6).round() / 1e6, (ll.lat * 1e6).round() / 1e6])
}

/// The FeatureCollection as pretty JSON.
pub fn geojson(doc: &ResultDoc, th: &Theatre) -> String {
    let s = &th.scenario;
    let o = s.origin;
    let mut features = Vec::new();
    for (i, g) in s.segments.iter().enumerate() {
        let h = doc.estimates.segment_hotspots.iter().find(|h| h.index == i);
        let line = &s.contact_lines[g.line];
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "LineString", "coordinates": [pos(o, g.a), pos(o, g.b)] },
            "properties": {
                "kind": "segment",
                "id": format!("{}#{}", line.id, g.index_in_line + 1),
                "line": line.id,
                "between": [s.factions[line.between[0].index()].id, s.factions[line.between[1].index()].id],
                "p_clash": h.map_or(0.0, |h| h.clash.p),
                "p_clash_lo": h.map_or(0.0, |h| h.clash.lo),
                "p_clash_hi": h.map_or(0.0, |h| h.clash.hi),
                "p_incident": h.map_or(0.0, |h| h.incident.p),
                "share_of_clashes": h.map_or(0.0, |h| h.share_of_clashes),
            }
        }));
    }
    for (i, site) in s.sites.iter().enumerate() {
        let h = doc.estimates.site_hotspots.iter().find(|h| h.index == i);
        let est = &doc.estimates.sites[i];
        let owners: serde_json::Map<String, Value> = est
            .owner_end
            .iter()
            .map(|(f, p)| (f.clone(), json!(p.p)))
            .collect();
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": pos(o, site.position) },
            "properties": {
                "kind": "site",
                "id": site.id,
                "name": site.name,
                "site_kind": site.kind.as_str(),
                "owner_start": est.owner_start,
                "owner_end": owners,
                "p_changed_hands": est.changed_hands.p,
                "p_clash": h.map_or(0.0, |h| h.clash.p),
                "p_clash_lo": h.map_or(0.0, |h| h.clash.lo),
                "p_clash_hi": h.map_or(0.0, |h| h.clash.hi),
                "share_of_clashes": h.map_or(0.0, |h| h.share_of_clashes),
            }
        }));
    }
    for (i, z) in s.zones.iter().enumerate() {
        let ring: Vec<Value> = match &z.shape {
            Shape::Circle(c) => (0..=64)
                .map(|k| {
                    let a = std::f64::consts::TAU * (k % 64) as f64 / 64.0;
                    pos(o, c.center + Vec2::new(a.cos(), a.sin()) * c.radius_km)
                })
                .collect(),
            Shape::Polygon(p) => p.iter().chain(p.first()).map(|&q| pos(o, q)).collect(),
        };
        let est = &doc.estimates.zones[i];
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Polygon", "coordinates": [ring] },
            "properties": {
                "kind": "zone",
                "id": z.id,
                "name": z.name,
                "owner": s.factions[z.owner.index()].id,
                "rule": match z.rule {
                    frontline_sim::scenario::ZoneRule::Exclusion => "exclusion",
                    frontline_sim::scenario::ZoneRule::Deconfliction => "deconfliction",
                },
                "p_incursion_incident": est.incident.p,
                "expected_incursion_incidents": est.expected_incidents,
            }
        }));
    }
    let fc = json!({
        "type": "FeatureCollection",
        "properties": {
            "scenario": doc.scenario.name,
            "hash": doc.scenario.hash,
            "seed": doc.seed,
            "runs": doc.runs,
            "engine": doc.engine.version,
        },
        "features": features,
    });
    serde_json::to_string_pretty(&fc).expect("GeoJSON serializes") + "\n"
}
