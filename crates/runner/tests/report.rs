//! Pictures and maps: the SVG map and the GeoJSON carry the right numbers,
//! the charts are well-formed SVG, and the HTML report is self-contained.

mod common;

use common::{Scratch, assert_fails, assert_ok, frontline};
use frontline_runner::result::ResultDoc;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(1.0)
}

#[test]
fn map_geojson_charts_and_html_carry_the_estimates() {
    let dir = Scratch::new();
    let rep = dir.dir().join("rep");
    let json = dir.path("r.json");
    let out = frontline(&[
        "run",
        "--runs",
        "400",
        "-q",
        "--out",
        &json,
        "--report",
        rep.to_str().unwrap(),
    ]);
    assert_ok(&out);
    let doc: ResultDoc = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let e = &doc.estimates;

    // The map: one line per segment with its P(clash) and share, one circle
    // per site with its most likely owner.
    let map = std::fs::read_to_string(rep.join("map.svg")).unwrap();
    let svg = roxmltree::Document::parse(&map).expect("map.svg is well-formed XML");
    let segs: Vec<_> = svg
        .descendants()
        .filter(|n| n.attribute("class") == Some("segment"))
        .collect();
    assert_eq!(
        segs.len(),
        18,
        "every segment of the reference line is drawn"
    );
    let mut with_clash = 0;
    for n in &segs {
        let id = n.attribute("data-segment").unwrap();
        let p: f64 = n.attribute("data-p-clash").unwrap().parse().unwrap();
        let share: f64 = n.attribute("data-share").unwrap().parse().unwrap();
        match e.segment_hotspots.iter().find(|h| h.id == id) {
            Some(h) => {
                assert!(
                    close(p, h.clash.p) && close(share, h.share_of_clashes),
                    "{id}"
                );
                with_clash += (h.clash.k > 0) as u32;
            }
            None => assert_eq!((p, share), (0.0, 0.0), "{id}"),
        }
    }
    assert!(with_clash > 0, "some segment has clashes");
    for s in &e.sites {
        let node = svg
            .descendants()
            .find(|n| n.attribute("data-site") == Some(s.id.as_str()))
            .unwrap_or_else(|| panic!("site {} on the map", s.id));
        let (owner, p) = &s.owner_end[0];
        assert_eq!(node.attribute("data-owner"), Some(owner.as_str()));
        let drawn: f64 = node.attribute("data-p-owner").unwrap().parse().unwrap();
        assert!(close(drawn, p.p));
    }
    let zone = svg
        .descendants()
        .find(|n| n.attribute("data-zone") == Some("al_tanf"))
        .expect("the al-Tanf zone is drawn");
    assert!(close(
        zone.attribute("data-p-incident").unwrap().parse().unwrap(),
        e.zones[0].incident.p
    ));
    assert!(
        svg.descendants()
            .any(|n| n.attribute("class") == Some("scale-bar"))
    );
    assert!(
        svg.descendants()
            .any(|n| n.attribute("class") == Some("legend"))
    );

    // GeoJSON: valid, one feature per segment, site and zone, same numbers.
    let gj_text = std::fs::read_to_string(rep.join("risk.geojson")).unwrap();
    let gj: geojson::GeoJson = gj_text.parse().expect("valid GeoJSON");
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("a FeatureCollection")
    };
    assert_eq!(fc.features.len(), 18 + e.sites.len() + e.zones.len());
    for f in &fc.features {
        let props = f.properties.as_ref().unwrap();
        let kind = props["kind"].as_str().unwrap();
        let id = props["id"].as_str().unwrap();
        match kind {
            "segment" => {
                let want = e
                    .segment_hotspots
                    .iter()
                    .find(|h| h.id == id)
                    .map_or(0.0, |h| h.clash.p);
                assert!(close(props["p_clash"].as_f64().unwrap(), want), "{id}");
            }
            "site" => {
                let s = e.sites.iter().find(|s| s.id == id).unwrap();
                for (owner, p) in &s.owner_end {
                    assert!(
                        close(props["owner_end"][owner].as_f64().unwrap(), p.p),
                        "{id}"
                    );
                }
            }
            "zone" => assert!(close(
                props["p_incursion_incident"].as_f64().unwrap(),
                e.zones[0].incident.p
            )),
            other => panic!("unexpected feature kind {other}"),
        }
    }
    // Coordinates are longitude, latitude near Raqqa and al-Tanf.
    let raqqa = fc
        .features
        .iter()
        .find(|f| f.properties.as_ref().unwrap()["id"] == "raqqa")
        .unwrap();
    let g = serde_json::to_value(raqqa.geometry.as_ref().unwrap()).unwrap();
    let c = &g["coordinates"];
    assert!(
        (c[0].as_f64().unwrap() - 39.017).abs() < 1e-4
            && (c[1].as_f64().unwrap() - 35.95).abs() < 1e-4
    );

    // Charts parse, carry titles and axis labels.
    for (f, words) in [
        (
            "first-clash.svg",
            ["Probability of a first clash by day", "day of the scenario"],
        ),
        (
            "hotspots.svg",
            ["Hotspots", "P(clash at the place within the horizon)"],
        ),
    ] {
        let text = std::fs::read_to_string(rep.join(f)).unwrap();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        for w in words {
            assert!(text.contains(w), "{f} lacks {w}");
        }
    }

    // The HTML report is self-contained: no external scripts, styles or images.
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains(&doc.scenario.hash) && html.contains("master seed"));
    for bad in [
        "<script src",
        "<link ",
        "src=\"http",
        "href=\"http",
        "url(http",
    ] {
        assert!(!html.contains(bad), "external resource: {bad}");
    }
    assert_eq!(html.matches("<svg").count(), 3);

    // `report` renders the same files from the saved result.
    let again = dir.dir().join("again");
    let out = frontline(&["report", &json, "--out-dir", again.to_str().unwrap()]);
    assert_ok(&out);
    for f in [
        "map.svg",
        "risk.geojson",
        "report.html",
        "first-clash.svg",
        "hotspots.svg",
    ] {
        let same = std::fs::read(rep.join(f)).unwrap() == std::fs::read(again.join(f)).unwrap();
        assert!(same, "{f} rendered from the saved result differs");
    }
    // A result whose scenario is not at hand (or differs) is refused.
    let other = frontline(&[
        "report",
        &json,
        "--scenario",
        "scenarios/two-faction-line.toml",
        "--out-dir",
        again.to_str().unwrap(),
    ]);
    assert_fails(&other, 1, "give the right file with --scenario");
}

#[test]
fn compare_and_sweep_charts() {
    let dir = Scratch::new();
    let c = dir.path("c.svg");
    let out = frontline(&[
        "compare",
        "scenarios/two-faction-line.toml",
        "--set-b",
        "relation.blue:red.deconfliction=0.9",
        "--runs",
        "200",
        "--chart",
        &c,
    ]);
    assert_ok(&out);
    let text = std::fs::read_to_string(&c).unwrap();
    roxmltree::Document::parse(&text).unwrap();
    assert!(text.contains("blue:red · A") && text.contains("blue:red · B"));
    let s = dir.path("s.svg");
    let out = frontline(&[
        "sweep",
        "scenarios/two-faction-line.toml",
        "--set",
        "relation.blue:red.deconfliction=0,0.5,0.9",
        "--runs",
        "100",
        "--chart",
        &s,
    ]);
    assert_ok(&out);
    let text = std::fs::read_to_string(&s).unwrap();
    roxmltree::Document::parse(&text).unwrap();
    assert!(text.contains("deconfliction=0.9 · blue:red"));
}
