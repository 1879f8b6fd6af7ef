//! Reading the boundary sets a briefing's maps are drawn on, once each:
//! a set shipped with the tool by its id, or a GeoJSON file through the
//! same [`Files`] as the data, with every problem in the file located.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, format_path, key, locate, suggest, with};
use crate::input::boundaries::{self, Boundaries, Properties};
use crate::input::data::Files;
use crate::input::manifest::Manifest;

/// Every boundary set the manifest's maps name, by the name written, and
/// the problems met reading them.
pub fn load(file: &str, src: &str, m: &Manifest, files: &dyn Files) -> (BTreeMap<String, Boundaries>, Vec<Diagnostic>) {
    let mut sets = BTreeMap::new();
    let mut diags = Vec::new();
    for (path, spec) in m.maps() {
        let name = spec.boundaries.as_str();
        if sets.contains_key(name) {
            continue;
        }
        if let Some(set) = boundaries::shipped(name) {
            sets.insert(name.to_string(), set);
            continue;
        }
        let bpath = with(&path, key("boundaries"));
        let error = |message: String, hint: String| {
            Diagnostic::error(file, message).at(locate(src, &bpath)).path(format_path(&bpath)).hint(hint)
        };
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".geojson") || lower.ends_with(".json")) {
            let hint = suggest(name, boundaries::shipped_ids()).unwrap_or_else(|| {
                let ids: Vec<&str> = boundaries::shipped_ids().collect();
                format!("use a shipped set ({}) or a GeoJSON file, e.g. `\"areas.geojson\"`", ids.join(", "))
            });
            diags.push(error(format!("unknown boundary set `{name}`"), hint));
            continue;
        }
        let text = match files.read(name) {
            Ok(text) => text,
            Err(reason) => {
                diags.push(error(
                    format!("cannot read the boundary file `{name}`: {reason}"),
                    "name a GeoJSON file relative to the manifest's folder".to_string(),
                ));
                continue;
            }
        };
        let props = Properties { code: spec.code_property.as_deref(), name: spec.name_property.as_deref() };
        match boundaries::geojson(&files.display(name), &text, props) {
            Ok(set) => {
                sets.insert(name.to_string(), set);
            }
            Err(more) => diags.extend(more),
        }
    }
    (sets, diags)
}
