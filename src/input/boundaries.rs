//! Boundary sets for maps: the sets shipped with the tool (compiled in,
//! like the fonts) and GeoJSON files an author names, read into areas
//! whose outlines are in British National Grid metres.
//!
//! The shipped sets are made once by `data/boundaries/prepare.py` from ONS
//! and London Datastore files (provenance and attribution in
//! `data/boundaries/README.md`): simplified, already projected, integer
//! coordinates stored as differences. A GeoJSON file is read with
//! serde_json, checked feature by feature (each problem located by line,
//! column and path in the file) and projected with [`projection`].
//!
//! Names are matched the way a reader would: [`area_key`] ignores case,
//! spacing, footnote markers, `&` against `and`, and punctuation, so
//! `Hammersmith & Fulham` is `Hammersmith and Fulham` and `St Helens` is
//! `St. Helens`.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::diag::{Diagnostic, PathSeg, format_path, index, key, locate, with};
use crate::input::{limits, projection, sheet};

/// A set of areas to draw a map on.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundaries {
    /// The shipped set's id (`london-boroughs`) or the file name as written.
    pub id: String,
    /// What the areas are, in words: "London boroughs".
    pub title: String,
    /// When the boundaries are from ("December 2022"); empty for a user's file.
    pub vintage: String,
    /// Who made the boundaries, for the map's source line.
    pub source: String,
    /// The attribution the boundaries' licence requires, printed under the map.
    pub attribution: String,
    /// Sorted by code for shipped sets; in file order for a user's file.
    pub areas: Vec<Area>,
}

/// One area: its code and name, the area it lies in (a district's police
/// force area), and its outline as rings of eastings and northings.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    /// Outer rings and holes alike; drawn with the even-odd rule.
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// The shipped sets, by id, as `prepare.py` wrote them.
const SHIPPED: [(&str, &str); 3] = [
    ("london-boroughs", include_str!("../../data/boundaries/london-boroughs.json")),
    ("police-force-areas", include_str!("../../data/boundaries/police-force-areas.json")),
    ("local-authorities", include_str!("../../data/boundaries/local-authorities.json")),
];

/// The ids of the shipped sets, for hints.
pub fn shipped_ids() -> impl Iterator<Item = &'static str> {
    SHIPPED.iter().map(|(id, _)| *id)
}

/// A shipped set by id; `None` for any other name. Each set is parsed
/// once per process, like the fonts: a batch draws the same map for every
/// area it makes.
pub fn shipped(id: &str) -> Option<Boundaries> {
    static PARSED: [OnceLock<Option<Boundaries>>; SHIPPED.len()] = [const { OnceLock::new() }; SHIPPED.len()];
    let at = SHIPPED.iter().position(|(known, _)| *known == id)?;
    // The files are compiled in and a unit test reads every one of them.
    let parse = || serde_json::from_str::<Compact>(SHIPPED[at].1).ok().map(Compact::decode);
    PARSED[at].get_or_init(parse).clone()
}

/// A name as areas are matched by: footnote markers and surrounding space
/// dropped (as table labels are compared, [`sheet::label`]), then lower
/// case, `&` read as `and`, and everything but letters and digits taken
/// as a word break.
pub fn area_key(name: &str) -> String {
    let label = sheet::label(name).to_lowercase().replace('&', " and ");
    let words: Vec<String> =
        label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
    words.join(" ")
}

/// A shipped set as stored: coordinates in `unit` metres, each ring's
/// first point whole and the rest as differences.
#[derive(Deserialize)]
struct Compact {
    id: String,
    title: String,
    vintage: String,
    source: String,
    attribution: String,
    unit: f64,
    areas: Vec<CompactArea>,
}

#[derive(Deserialize)]
struct CompactArea {
    code: String,
    name: String,
    #[serde(default)]
    parent: Option<String>,
    rings: Vec<Vec<i64>>,
}

impl Compact {
    fn decode(self) -> Boundaries {
        let unit = self.unit;
        let areas = self
            .areas
            .into_iter()
            .map(|a| {
                let rings = a
                    .rings
                    .iter()
                    .map(|flat| {
                        let (mut x, mut y) = (0, 0);
                        flat.chunks_exact(2)
                            .map(|d| {
                                x += d[0];
                                y += d[1];
                                (x as f64 * unit, y as f64 * unit)
                            })
                            .collect()
                    })
                    .collect();
                Area { code: a.code, name: a.name, parent: a.parent, rings }
            })
            .collect();
        Boundaries {
            id: self.id,
            title: self.title,
            vintage: self.vintage,
            source: self.source,
            attribution: self.attribution,
            areas,
        }
    }
}

/// Which feature properties hold each area's code and name; `None` looks
/// for the usual keys (`code`, `name`, ONS's `…CD` and `…NM`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Properties<'a> {
    pub code: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// Reads a GeoJSON FeatureCollection of Polygon and MultiPolygon features
/// in longitude and latitude. `file` names it in diagnostics; every
/// problem is returned, each located in the file.
pub fn geojson(file: &str, text: &str, props: Properties) -> Result<Boundaries, Vec<Diagnostic>> {
    let error = |path: &[PathSeg], message: String, hint: &str| {
        Diagnostic::error(file, message).at(locate(text, path)).path(format_path(path)).hint(hint)
    };
    if text.len() > limits::BOUNDARY_BYTES {
        return Err(vec![
            Diagnostic::error(
                file,
                format!(
                    "the boundary file is {} bytes, over the limit of {}",
                    limits::thousands(text.len() as u64),
                    limits::bytes(limits::BOUNDARY_BYTES as u64)
                ),
            )
            .hint("use generalised boundaries (ONS's \"BUC\" or \"BGC\" files), or simplify them, e.g. with mapshaper"),
        ]);
    }
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        vec![
            Diagnostic::error(file, format!("not valid JSON: {message}"))
                .at(Some((e.line().max(1), e.column().max(1))))
                .hint("a boundary file is GeoJSON: check for a missing comma, quote or bracket just before this point"),
        ]
    })?;
    let features = match root.get("features").and_then(Value::as_array) {
        Some(f) if root.get("type").and_then(Value::as_str) == Some("FeatureCollection") => f,
        _ => {
            return Err(vec![error(
                &[],
                "not a GeoJSON FeatureCollection".to_string(),
                "a boundary file holds `{\"type\": \"FeatureCollection\", \"features\": [...]}` with one feature an area",
            )]);
        }
    };
    let mut diags = Vec::new();
    let mut areas = Vec::new();
    let mut points = 0;
    for (i, feature) in features.iter().enumerate() {
        let path = [key("features"), index(i)];
        let properties = feature.get("properties").and_then(Value::as_object);
        let pick = |wanted: Option<&str>, suffix: &str, plain: &str| -> Option<String> {
            let p = properties?;
            let found = match wanted {
                Some(k) => p.get(k),
                None => p
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(plain))
                    .or_else(|| p.iter().find(|(k, _)| k.len() > 2 && k.to_ascii_uppercase().ends_with(suffix)))
                    .map(|(_, v)| v),
            };
            found.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
        };
        let Some(name) = pick(props.name, "NM", "name") else {
            let (what, hint) = match props.name {
                Some(k) => (
                    format!("has no text property `{k}`"),
                    "check `name_property`: it names the property holding each area's name",
                ),
                None => ("has no name".to_string(), "name the property holding each area's name with `name_property`"),
            };
            diags.push(error(&with(&path, key("properties")), format!("feature {i} {what}"), hint));
            continue;
        };
        let code = pick(props.code, "CD", "code").unwrap_or_default();
        let gpath = with(&path, key("geometry"));
        match rings(feature.get("geometry"), &gpath) {
            Ok(rings) => {
                points += rings.iter().map(Vec::len).sum::<usize>();
                areas.push(Area { code, name, parent: None, rings });
            }
            Err((at, message)) => diags.push(error(
                &at,
                format!("`{name}`: {message}"),
                "areas are `Polygon` or `MultiPolygon` geometries of [longitude, latitude] positions",
            )),
        }
        if points > limits::BOUNDARY_POINTS {
            return Err(vec![error(
                &path,
                format!("the areas have more than {} points", limits::thousands(limits::BOUNDARY_POINTS as u64)),
                "a printed map needs a few thousand: use generalised boundaries or simplify them, e.g. with mapshaper",
            )]);
        }
    }
    if areas.is_empty() && diags.is_empty() {
        diags.push(error(&[key("features")], "the file has no areas".to_string(), "add one feature an area"));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Boundaries {
        id: file.to_string(),
        title: String::new(),
        vintage: String::new(),
        source: String::new(),
        attribution: String::new(),
        areas,
    })
}

/// Where in a GeoJSON file a geometry goes wrong, and why.
type Problem = (Vec<PathSeg>, String);

/// A geometry's rings, projected, or where and why it is not an area.
fn rings(geometry: Option<&Value>, path: &[PathSeg]) -> Result<Vec<Vec<(f64, f64)>>, Problem> {
    let kind = geometry.and_then(|g| g.get("type")).and_then(Value::as_str);
    let cpath = with(path, key("coordinates"));
    let coords = geometry.and_then(|g| g.get("coordinates")).and_then(Value::as_array);
    let polygons: Vec<(Vec<PathSeg>, &Vec<Value>)> = match (kind, coords) {
        (Some("Polygon"), Some(c)) => vec![(cpath, c)],
        (Some("MultiPolygon"), Some(c)) => c
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.as_array()
                    .map(|p| (with(&cpath, index(i)), p))
                    .ok_or((with(&cpath, index(i)), "a polygon is a list of rings".to_string()))
            })
            .collect::<Result<_, _>>()?,
        (Some(other), Some(_)) => return Err((with(path, key("type")), format!("a `{other}` is not an area"))),
        _ => return Err((path.to_vec(), "the feature has no polygon geometry".to_string())),
    };
    let mut out = Vec::new();
    for (ppath, polygon) in polygons {
        for (r, ring) in polygon.iter().enumerate() {
            let rpath = with(&ppath, index(r));
            let positions = ring.as_array().ok_or((rpath.clone(), "a ring is a list of positions".to_string()))?;
            if positions.len() < 4 {
                return Err((
                    rpath,
                    format!("a ring has {} positions; a closed ring needs at least 4", positions.len()),
                ));
            }
            let mut points = Vec::with_capacity(positions.len());
            for (k, p) in positions.iter().enumerate() {
                let lon_lat = p.as_array().and_then(|p| Some((p.first()?.as_f64()?, p.get(1)?.as_f64()?)));
                match lon_lat {
                    Some((lon, lat)) if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => {
                        points.push(projection::national_grid(lon, lat));
                    }
                    _ => {
                        return Err((
                            with(&rpath, index(k)),
                            format!("`{p}` is not a [longitude, latitude] position in degrees"),
                        ));
                    }
                }
            }
            out.push(points);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_set_reads_with_unique_codes_and_names() {
        for (id, count) in [("london-boroughs", 33), ("police-force-areas", 43), ("local-authorities", 318)] {
            let set = shipped(id).unwrap_or_else(|| panic!("{id} does not read"));
            assert_eq!(set.areas.len(), count, "{id}");
            let mut codes: Vec<&str> = set.areas.iter().map(|a| a.code.as_str()).collect();
            codes.dedup();
            assert_eq!(codes.len(), count, "{id}: codes sorted and unique");
            let mut keys: Vec<String> = set.areas.iter().map(|a| area_key(&a.name)).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), count, "{id}: names unique as matched");
            for area in &set.areas {
                assert!(!area.rings.is_empty() && area.rings.iter().all(|r| r.len() >= 3), "{id}: {}", area.name);
                // Every point lies in Great Britain's grid.
                let inside = |&(x, y): &(f64, f64)| (0.0..700_000.0).contains(&x) && (0.0..1_300_000.0).contains(&y);
                assert!(area.rings.iter().flatten().all(inside), "{id}: {}", area.name);
            }
        }
        assert!(shipped("atlantis").is_none());
    }

    #[test]
    fn districts_know_their_force() {
        let districts = shipped("local-authorities").unwrap();
        let forces = shipped("police-force-areas").unwrap();
        for d in &districts.areas {
            let parent = d.parent.as_deref().unwrap_or_default();
            assert!(forces.areas.iter().any(|f| f.code == parent), "{}: {parent}", d.name);
        }
        let croydon = districts.areas.iter().find(|a| a.name == "Croydon").unwrap();
        assert_eq!(croydon.parent.as_deref(), Some("E23000001"));
    }

    #[test]
    fn names_match_as_readers_write_them() {
        assert_eq!(area_key("Hammersmith & Fulham"), area_key("Hammersmith and Fulham"));
        assert_eq!(area_key("St Helens"), area_key("St. Helens"));
        assert_eq!(area_key("  Kingston upon  Thames [note 2]"), area_key("Kingston upon Thames"));
        assert_eq!(area_key("Devon & Cornwall"), area_key("Devon and Cornwall"));
        assert_ne!(area_key("Croydon"), area_key("Camden"));
    }

    const SQUARE: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"LAD23CD": "E1", "LAD23NM": "One"},
   "geometry": {"type": "Polygon", "coordinates": [[[-0.1, 51.5], [0.0, 51.5], [0.0, 51.6], [-0.1, 51.5]]]}}
]}"#;

    #[test]
    fn geojson_areas_are_read_and_projected() {
        let set = geojson("areas.geojson", SQUARE, Properties::default()).unwrap();
        assert_eq!(set.areas.len(), 1);
        let area = &set.areas[0];
        assert_eq!((area.code.as_str(), area.name.as_str()), ("E1", "One"));
        assert_eq!(area.rings[0][0], projection::national_grid(-0.1, 51.5));
    }

    #[test]
    fn malformed_geojson_is_located_in_the_file() {
        let bad = SQUARE.replace("[0.0, 51.6]", "[0.0]");
        let diags = geojson("areas.geojson", &bad, Properties::default()).unwrap_err();
        assert_eq!(diags[0].path, "$.features[0].geometry.coordinates[0][2]");
        assert_eq!(diags[0].position, Some((3, 80)));
        assert!(
            diags[0].message.starts_with("`One`: `[0.0]` is not a [longitude, latitude] position"),
            "{}",
            diags[0].message
        );
        let broken = SQUARE.replace("\"Polygon\",", "\"Polygon\"");
        let diags = geojson("areas.geojson", &broken, Properties::default()).unwrap_err();
        assert!(diags[0].message.starts_with("not valid JSON"), "{}", diags[0].message);
        assert_eq!(diags[0].position.map(|p| p.0), Some(3));
        let unnamed = geojson("areas.geojson", SQUARE, Properties { name: Some("NAME"), code: None }).unwrap_err();
        assert_eq!(unnamed[0].message, "feature 0 has no text property `NAME`");
        let line = geojson("areas.geojson", &SQUARE.replace("\"Polygon\"", "\"LineString\""), Properties::default());
        assert_eq!(line.unwrap_err()[0].path, "$.features[0].geometry.type");
    }
}
