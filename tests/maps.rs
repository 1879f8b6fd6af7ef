//! Maps: every area of each shipped boundary set drawn once in the colour
//! of its class, legends that cover the data, the highlighted area
//! outlined and labels kept apart; and every way a map's input can be
//! wrong (a name or code matching no area, areas without a value, a
//! malformed GeoJSON file) reported at its place, with no PDF written.

mod common;

use std::path::Path;

use briefing::compose::{Block, Graphic, MapData};
use briefing::frame::Item;
use briefing::input::boundaries;
use briefing::input::data::Folder;
use briefing::layout::map;
use briefing::resolve;
use briefing::text::fonts::Fonts;
use briefing::text::linebreak::{Color, Hyphenator, Typesetter};
use common::{briefing, stderr};

/// A manifest with one series `rate` read from `v.csv` (columns `area`,
/// `value`) and a map of it whose remaining fields are `fields`.
fn manifest(label: &str, fields: &str) -> String {
    format!(
        r#"{{"format": 1, "title": "Maps", "date": "2020-06-01",
  "sources": {{"s": {{"publisher": "P", "title": "Figures"}}}},
  "data": {{"rate": {{"file": "v.csv", "x": "area", "y": "value", "label": "{label}", "source": "s"}}}},
  "sections": [{{"heading": "Areas", "blocks": [
    {{"map": {{"series": ["rate"], "title": "Areas differ", "alt": "Areas shaded by their rate.", {fields}}}}}
  ]}}]}}"#
    )
}

/// A folder holding `m.json` and `v.csv` (rows of area and value).
fn case(rows: &[(String, f64)], fields: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let csv: String =
        std::iter::once("area,value\n".to_string()).chain(rows.iter().map(|(a, v)| format!("\"{a}\",{v}\n"))).collect();
    std::fs::write(dir.path().join("v.csv"), csv).unwrap();
    std::fs::write(dir.path().join("m.json"), manifest("Offences per 1,000 residents", fields)).unwrap();
    dir
}

/// Every area of a shipped set, each with a value that differs from its
/// neighbours' in the list.
fn all_areas(set: &str, by_code: bool) -> Vec<(String, f64)> {
    let areas = boundaries::shipped(set).unwrap().areas;
    areas
        .iter()
        .enumerate()
        .map(|(i, a)| (if by_code { a.code.clone() } else { a.name.clone() }, ((i * 37) % 101) as f64 / 4.0 + 1.0))
        .collect()
}

/// The case loaded: the resolved map and the composed one.
fn loaded(dir: &Path) -> (resolve::Map, MapData) {
    let fonts = Fonts::new();
    let src = std::fs::read_to_string(dir.join("m.json")).unwrap();
    let files = Folder::new(dir.to_path_buf());
    let loaded = briefing::load("m.json", &src, &fonts, &files).unwrap_or_else(|d| panic!("{d:#?}"));
    let resolved = loaded.briefing.sections[0]
        .blocks
        .iter()
        .find_map(|b| match b {
            resolve::Block::Map(m) => Some((**m).clone()),
            _ => None,
        })
        .expect("a map");
    let rendered = briefing::render(&loaded, &fonts, &briefing::Options::default());
    let composed = rendered
        .document
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Figure(f) => match &f.graphic {
                Graphic::Map(m) => Some(m.clone()),
                Graphic::Chart(_) => None,
            },
            _ => None,
        })
        .expect("a map figure");
    (resolved, composed)
}

fn drawn(m: &MapData) -> Vec<Item> {
    let fonts = Fonts::new();
    let hyphenator = Hyphenator::for_language("en-GB");
    let ts = Typesetter::new(&fonts, &hyphenator);
    map::draw(m, &ts, 443.0, map::heights(m, &ts, 443.0).0)
}

/// A drawn shape's rings, in points.
type Rings = Vec<Vec<(f32, f32)>>;

/// Every shape drawn, in order: its rings and fill.
fn shapes(items: &[Item]) -> Vec<(&Rings, Color)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Shape { rings, fill, .. } => Some((rings, *fill)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_area_of_each_shipped_set_is_drawn_once_in_the_colour_of_its_class() {
    for (set, count, by_code) in
        [("london-boroughs", 33, false), ("police-force-areas", 43, true), ("local-authorities", 318, true)]
    {
        let dir = case(&all_areas(set, by_code), &format!("\"boundaries\": \"{set}\""));
        let (resolved, composed) = loaded(dir.path());
        let mut codes: Vec<&str> = resolved.areas.iter().map(|a| a.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), count, "{set}: each area once");
        // Every value lies in its class's range; the ranges meet and cover the data.
        let values: Vec<f64> = resolved.areas.iter().map(|a| a.value.unwrap()).collect();
        let classes = &resolved.classes;
        assert!((4..=6).contains(&classes.len()), "{set}: {classes:?}");
        for a in &resolved.areas {
            let c = &classes[a.class.unwrap()];
            let v = a.value.unwrap();
            assert!(c.low <= v && v <= c.high, "{set}: {} {v} in {c:?}", a.name);
            if let Some(next) = classes.get(a.class.unwrap() + 1) {
                assert!(v < next.low, "{set}: {} {v} belongs above {next:?}", a.name);
            }
        }
        assert!(classes.windows(2).all(|w| w[0].high == w[1].low), "{set}: {classes:?}");
        assert!(classes[0].low <= values.iter().copied().fold(f64::INFINITY, f64::min));
        assert!(classes.last().unwrap().high >= values.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        // Drawn: one shape an area, first and in order, in its class's
        // colour; then one swatch a class in the legend.
        let items = drawn(&composed);
        let shapes = shapes(&items);
        assert_eq!(shapes.len(), count + classes.len(), "{set}");
        let colors = map::class_colors(classes.len(), false);
        for (area, (rings, fill)) in composed.areas.iter().zip(&shapes) {
            assert_eq!(*fill, colors[area.class.unwrap()], "{set}: {}", area.name);
            assert!(!rings.is_empty());
        }
        for (swatch, color) in shapes[count..].iter().zip(&colors) {
            assert_eq!(swatch.1, *color, "{set}: the legend's swatches in class order");
        }
        // Inside the text width, and no taller than a map may be.
        let (x0, y0, x1, y1) = briefing::layout::chart::bounds(&items, &Fonts::new());
        assert!(x0 >= 0.0 && y0 >= 0.0 && x1 <= 443.0 && y1 <= map::MAX_HEIGHT, "{set}: {x0} {y0} {x1} {y1}");
    }
}

#[test]
fn the_highlighted_area_is_outlined_and_labels_keep_apart() {
    let rows = all_areas("london-boroughs", false);
    let fields = r#""boundaries": "london-boroughs", "highlight": ["Croydon"],
        "labels": ["Croydon", "Bromley", "Sutton", "Merton", "Lambeth", "Wandsworth"]"#;
    let dir = case(&rows, fields);
    let (_, composed) = loaded(dir.path());
    let items = drawn(&composed);
    let croydon = composed.areas.iter().position(|a| a.name == "Croydon").unwrap();
    assert!(composed.areas.iter().filter(|a| a.highlight).count() == 1);
    let (rings, _) = shapes(&items)[croydon];
    // The outline follows Croydon's edge exactly, closed, over every area.
    let outlines: Vec<&Vec<(f32, f32)>> = items
        .iter()
        .filter_map(|i| match i {
            Item::Path { points, width, color } if *width > 1.0 && *color == Color::TEXT => Some(points),
            _ => None,
        })
        .collect();
    let areas_end = items.iter().rposition(|i| matches!(i, Item::Shape { .. })).unwrap();
    assert!(!outlines.is_empty());
    for ring in rings {
        let closed: Vec<(f32, f32)> = ring.iter().chain(ring.first()).copied().collect();
        let at = items.iter().position(|i| matches!(i, Item::Path { points, .. } if *points == closed));
        assert!(at.is_some(), "Croydon's ring is not outlined");
    }
    assert!(areas_end > 0);
    // Labels: each in a white box, no two overlapping, all on the map.
    let boxes: Vec<(f32, f32, f32, f32)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Rect { x, y, w, h, color } if *color == Color(0xff, 0xff, 0xff) => Some((*x, *y, x + w, y + h)),
            _ => None,
        })
        .collect();
    assert!(boxes.len() >= 3, "only {} labels placed", boxes.len());
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
            assert!(!overlap, "labels overlap: {a:?} {b:?}");
        }
    }
    let text: String = items
        .iter()
        .filter_map(|i| match i {
            Item::Text { glyphs, .. } => Some(glyphs.iter().map(|g| g.text.as_str()).collect::<String>() + "\n"),
            _ => None,
        })
        .collect();
    assert!(text.lines().filter(|l| *l == "Croydon").count() >= 2, "label and legend entry: {text}");
}

#[test]
fn names_match_as_written_and_a_force_s_districts_make_a_map() {
    // ONS writes "St. Helens"; "&" for "and" in London's names.
    let rows: Vec<(String, f64)> =
        [("St Helens", 3.0), ("Knowsley", 4.0), ("liverpool", 5.0), ("Sefton ", 2.0), ("Wirral", 1.5)]
            .iter()
            .map(|(a, v)| (a.to_string(), *v))
            .collect();
    let dir = case(&rows, r#""boundaries": "local-authorities", "within": "Merseyside", "classes": 4"#);
    let (resolved, _) = loaded(dir.path());
    let names: Vec<&str> = resolved.areas.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names.len(), 5);
    assert!(names.contains(&"St. Helens"), "{names:?}");
    let mut rows = all_areas("london-boroughs", false);
    rows.iter_mut().find(|r| r.0 == "Hammersmith and Fulham").unwrap().0 = "Hammersmith & Fulham".into();
    let dir = case(&rows, r#""boundaries": "london-boroughs""#);
    let (resolved, _) = loaded(dir.path());
    assert!(resolved.areas.iter().all(|a| a.value.is_some()));
}

/// Builds `dir/m.json` to `dir/out.pdf`: asserts it fails with exit code
/// 1 and writes no PDF, and returns what it printed.
fn refused(dir: &Path) -> String {
    let out = briefing()
        .current_dir(dir)
        .args(["build", "--diagnostic-format", "short", "m.json", "-o", "out.pdf"])
        .assert()
        .code(1);
    assert!(!dir.join("out.pdf").exists(), "a PDF was written");
    stderr(out.get_output())
}

#[test]
fn a_name_or_code_matching_no_area_is_located_with_the_closest_names() {
    let mut rows = all_areas("london-boroughs", false);
    rows.iter_mut().find(|r| r.0 == "Hammersmith and Fulham").unwrap().0 = "Hammersmith & Fulam".into();
    rows.push(("E09000099".into(), 3.0));
    let dir = case(&rows, r#""boundaries": "london-boroughs""#);
    let err = refused(dir.path());
    // The manifest's line and column of the map's series, and its path.
    assert!(err.contains("m.json:5:25: error: $.sections[0].blocks[0].map.series[0]"), "{err}");
    assert!(err.contains("`Hammersmith & Fulam` in `rate` is not an area of `london-boroughs`"), "{err}");
    assert!(err.contains("did you mean `Hammersmith and Fulham`?"), "{err}");
    assert!(err.contains("unknown area code `E09000099` in `rate`"), "{err}");
    assert!(err.contains("1 area of `london-boroughs` has no value in `rate`: `Hammersmith and Fulham`"), "{err}");
}

#[test]
fn areas_without_a_value_are_an_error_unless_shown_as_no_data() {
    let rows: Vec<(String, f64)> = all_areas("london-boroughs", false)
        .into_iter()
        .filter(|(a, _)| a != "City of London" && a != "Westminster")
        .collect();
    let dir = case(&rows, r#""boundaries": "london-boroughs""#);
    let err = refused(dir.path());
    assert!(
        err.contains("2 areas of `london-boroughs` have no value in `rate`: `City of London`, `Westminster`"),
        "{err}"
    );
    assert!(err.contains("\"missing\": \"no-data\""), "{err}");
    // Allowed: drawn hatched, listed in the legend and the CSV.
    let dir = case(&rows, r#""boundaries": "london-boroughs", "missing": "no-data""#);
    let (resolved, composed) = loaded(dir.path());
    let missing: Vec<&str> = resolved.areas.iter().filter(|a| a.value.is_none()).map(|a| a.name.as_str()).collect();
    assert_eq!(missing, ["City of London", "Westminster"]);
    let items = drawn(&composed);
    let westminster = composed.areas.iter().position(|a| a.name == "Westminster").unwrap();
    assert_eq!(shapes(&items)[westminster].1, Color(0xff, 0xff, 0xff));
    let hatching =
        items.iter().filter(|i| matches!(i, Item::Path { points, width, .. } if points.len() == 2 && *width < 1.0));
    assert!(hatching.count() > 5);
    let out = briefing().current_dir(dir.path()).args(["build", "m.json", "-o", "out.pdf"]).assert().success();
    let warnings = stderr(out.get_output());
    assert!(!warnings.contains("is a count"), "{warnings}");
    let text = common::pdf_text(&dir.path().join("out.pdf"));
    assert!(text.contains("No data"), "{text}");
}

#[test]
fn mapping_a_count_draws_a_warning() {
    let dir = case(&all_areas("london-boroughs", false), r#""boundaries": "london-boroughs""#);
    std::fs::write(dir.path().join("m.json"), manifest("Offences recorded", r#""boundaries": "london-boroughs""#))
        .unwrap();
    let out =
        briefing().current_dir(dir.path()).args(["check", "--diagnostic-format", "short", "m.json"]).assert().success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("m.json:5:25: warning: $.sections[0].blocks[0].map.series[0]: `rate` is a count, not a rate"),
        "{err}"
    );
}

const SQUARES: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"code": "A1", "name": "North"},
   "geometry": {"type": "Polygon", "coordinates": [[[-1.0, 52.1], [-0.9, 52.1], [-0.9, 52.2], [-1.0, 52.2], [-1.0, 52.1]]]}},
  {"type": "Feature", "properties": {"code": "A2", "name": "South"},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[-1.0, 52.0], [-0.9, 52.0], [-0.9, 52.1], [-1.0, 52.1], [-1.0, 52.0]]]]}}
]}"#;

#[test]
fn a_user_s_geojson_is_mapped_and_a_malformed_one_is_located_in_its_file() {
    let rows = vec![("North".to_string(), 2.0), ("A2".to_string(), 5.0)];
    let dir = case(&rows, r#""boundaries": "areas.geojson", "breaks": [3, 4, 4.5]"#);
    std::fs::write(dir.path().join("areas.geojson"), SQUARES).unwrap();
    let (resolved, _) = loaded(dir.path());
    assert_eq!(resolved.areas.len(), 2);
    assert_eq!(
        resolved.classes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["2.0 to 3.0", "3.0 to 4.0", "4.0 to 4.5", "4.5 to 5.0"]
    );
    // Projected conformally, the square keeps its shape: its southern edge
    // against its eastern is cos(52.1°)·ν/ρ on the ground, about 0.616.
    let north = &resolved.areas[0].rings[0];
    let length = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let ratio = length(north[0], north[1]) / length(north[1], north[2]);
    assert!((ratio - 0.616).abs() < 0.002, "{ratio}");
    let out = briefing().current_dir(dir.path()).args(["build", "m.json", "-o", "out.pdf"]).assert().success();
    assert!(!stderr(out.get_output()).contains("error"), "{}", stderr(out.get_output()));
    common::keep_pdf(&dir.path().join("out.pdf"));
    std::fs::remove_file(dir.path().join("out.pdf")).unwrap();
    // Broken JSON: located in the GeoJSON file.
    std::fs::write(dir.path().join("areas.geojson"), SQUARES.replace("\"Polygon\",", "\"Polygon\"")).unwrap();
    let err = refused(dir.path());
    assert!(err.contains("areas.geojson:3:35: error: not valid JSON"), "{err}");
    // A position that is not one: its path and place in the file.
    std::fs::write(dir.path().join("areas.geojson"), SQUARES.replace("[-0.9, 52.2]", "[\"x\"]")).unwrap();
    let err = refused(dir.path());
    assert!(err.contains("areas.geojson:3:81: error: $.features[0].geometry.coordinates[0][2]"), "{err}");
    assert!(err.contains("`North`: `[\"x\"]` is not a [longitude, latitude] position"), "{err}");
    // An unknown shipped set, with a hint.
    std::fs::write(dir.path().join("m.json"), manifest("Rate", r#""boundaries": "london-borough""#)).unwrap();
    let err = refused(dir.path());
    assert!(err.contains("unknown boundary set `london-borough`"), "{err}");
    assert!(err.contains("did you mean `london-boroughs`?"), "{err}");
}

#[test]
fn bad_class_settings_are_located() {
    let fields =
        r#""boundaries": "london-boroughs", "classes": 9, "method": "jenks", "breaks": [5, 3], "labels": ["Atlantis"]"#;
    let dir = case(&all_areas("london-boroughs", false), fields);
    let err = refused(dir.path());
    assert!(err.contains("$.sections[0].blocks[0].map.classes: 9 classes are out of range"), "{err}");
    assert!(err.contains("$.sections[0].blocks[0].map.method: unknown class method `jenks`"), "{err}");
    assert!(err.contains("$.sections[0].blocks[0].map.breaks: breaks are 3 to 5 numbers"), "{err}");
    assert!(err.contains("$.sections[0].blocks[0].map.labels[0]: `Atlantis` is not an area of this map"), "{err}");
}
