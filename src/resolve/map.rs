//! Resolving maps: the series matched to the areas of its boundary set
//! (by code, or by name as readers write it), every area given a value or
//! reported, the values cut into classes, and the highlighted and labelled
//! areas found.

use super::model::{Class, Column, Map, MapArea, Row, TableData, Text};
use super::table::series_sources;
use super::text::Markup;
use super::{Resolver, index, key, unknown_hint, with};
use crate::analyse::classes::{self, Method};
use crate::analyse::format::{self, Spec};
use crate::analyse::stats::Series;
use crate::diag::PathSeg;
use crate::input::boundaries::{self, Area, Boundaries, area_key};
use crate::input::data::MAX_MAGNITUDE;
use crate::input::manifest::MapSpec;
use crate::input::x::X;

/// More names than this crowd a map: the rest belong in the text or the table.
const MOST_LABELS: usize = 8;
const DEFAULT_CLASSES: usize = 5;
/// Areas without a value named in one error; the rest are counted.
const MISSING_NAMED: usize = 6;

/// The areas a map shows, with the name matching uses for each, and the
/// police force area they were picked from (`within`).
struct Shown<'s> {
    areas: Vec<&'s Area>,
    keys: Vec<String>,
    force: Option<String>,
}

impl Shown<'_> {
    /// The area a series' x or an author's name stands for: a code, or a name.
    fn find(&self, label: &str) -> Option<usize> {
        let code = label.trim();
        self.areas.iter().position(|a| !a.code.is_empty() && a.code.eq_ignore_ascii_case(code)).or_else(|| {
            let wanted = area_key(label);
            self.keys.iter().position(|k| *k == wanted)
        })
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.areas.iter().map(|a| a.name.as_str())
    }
}

/// How classes are made: how many, by what method, or at fixed breaks.
struct Classing {
    count: usize,
    method: Method,
    fixed: Option<Vec<f64>>,
}

impl Resolver<'_> {
    pub(super) fn map(&mut self, path: &[PathSeg], spec: &MapSpec) -> Map {
        let (title, subtitle, alt) = self.captions(path, &spec.title, spec.subtitle.as_deref(), &spec.alt, "map");
        if spec.series.len() != 1 {
            self.error(
                &with(path, key("series")),
                "a map shows one series",
                "name one series whose x are areas, e.g. `[\"violence_rate\"]`",
            );
        }
        let found = self.series_refs(path, &spec.series[..spec.series.len().min(1)]);
        let format = match &spec.format {
            Some(f) => self.format_spec(&with(path, key("format")), f),
            None => Spec::default(),
        };
        let no_data = self.missing_setting(path, spec);
        if let Some(h) = spec.height
            && !(100.0..=330.0).contains(&h)
        {
            self.error(
                &with(path, key("height")),
                format!("height {h} is out of range"),
                "maps are 100 to 330 points tall",
            );
        }
        let classing = self.classing(path, spec);
        let mut map = Map {
            title,
            subtitle,
            alt,
            areas: Vec::new(),
            classes: Vec::new(),
            measure: String::new(),
            height: spec.height,
            sources: series_sources(found.iter().map(|(_, s)| *s)),
            boundaries: String::new(),
            data: TableData { x_header: String::new(), columns: Vec::new(), rows: Vec::new() },
        };
        // An unknown set or a bad boundary file is reported where it was read.
        let (Some((name, series)), Some(set)) = (found.first(), self.analysis.boundaries.get(&spec.boundaries)) else {
            return map;
        };
        let shown = self.shown(path, spec, set);
        self.rate_check(path, name, series);
        let values = self.match_areas(path, name, series, set, &shown);
        self.report_missing(path, name, set, &shown, &values, no_data);
        let highlight = self.pick(path, "highlight", &spec.highlight, &shown);
        if spec.labels.len() > MOST_LABELS {
            self.error(
                &with(path, key("labels")),
                format!("{} labels are too many for a map", spec.labels.len()),
                format!("name at most {MOST_LABELS} areas; the data table lists them all"),
            );
        }
        let labels = self.pick(path, "labels", &spec.labels, &shown);
        let known: Vec<f64> = values.iter().flatten().copied().collect();
        if known.is_empty() {
            self.error(
                &with(&with(path, key("series")), index(0)),
                format!("no area has a value in `{name}`"),
                "map a series whose x are the names or codes of the areas",
            );
            return map;
        }
        let (breaks, legend) = cut(&known, &classing, format);
        map.classes = class_ranges(&known, &breaks, &legend);
        map.areas = shown
            .areas
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (a, value))| MapArea {
                code: a.code.clone(),
                name: a.name.clone(),
                rings: a.rings.clone(),
                value: *value,
                class: value.map(|v| classes::class_of(v, &breaks)),
                highlight: highlight.contains(&i),
                label: labels.contains(&i),
            })
            .collect();
        let label = self.labels.get(name.as_str()).cloned().unwrap_or_default();
        map.measure = format::with_unit(&label, &series.unit);
        map.boundaries = boundary_note(set);
        let x_header = spec.x_label.as_ref().map(|x| self.text(&with(path, key("x_label")), x, Markup::Values, true));
        let x_header = x_header.map_or_else(|| "Area".to_string(), |t: Text| t.plain());
        map.data = table(&map.areas, x_header, map.measure.clone(), format);
        map
    }

    /// Whether areas without a value are drawn as "no data" (`missing`).
    fn missing_setting(&mut self, path: &[PathSeg], spec: &MapSpec) -> bool {
        match spec.missing.as_deref() {
            None | Some("error") => false,
            Some("no-data") => true,
            Some(other) => {
                self.error(
                    &with(path, key("missing")),
                    format!("unknown setting `{other}` for areas without a value"),
                    "use `error` (every area needs a value) or `no-data` (draw them hatched as no data)",
                );
                false
            }
        }
    }

    /// The number of classes, the method and any breaks the author fixed.
    fn classing(&mut self, path: &[PathSeg], spec: &MapSpec) -> Classing {
        let count = match spec.classes {
            None => DEFAULT_CLASSES,
            Some(n @ 4..=6) => n as usize,
            Some(n) => {
                self.error(
                    &with(path, key("classes")),
                    format!("{n} classes are out of range"),
                    "a map has 4 to 6 classes: fewer hide differences, more shades cannot be told apart",
                );
                DEFAULT_CLASSES
            }
        };
        let method = match spec.method.as_deref() {
            None => Method::Quantiles,
            Some(m) => Method::parse(m).unwrap_or_else(|| {
                let hint = unknown_hint(m, Method::NAMES, "use `quantiles` or `equal`".to_string());
                self.error(&with(path, key("method")), format!("unknown class method `{m}`"), hint);
                Method::Quantiles
            }),
        };
        let fixed = spec.breaks.as_ref().map(|b| {
            let bpath = with(path, key("breaks"));
            let rising = b.windows(2).all(|w| w[0] < w[1]);
            let sane = b.iter().all(|v| v.is_finite() && v.abs() <= MAX_MAGNITUDE);
            if !(3..=5).contains(&b.len()) || !rising || !sane {
                self.error(
                    &bpath,
                    "breaks are 3 to 5 numbers, each larger than the one before",
                    "e.g. `[2, 4, 6, 8]` makes five classes: under 2, 2 to 4, 4 to 6, 6 to 8, 8 and over",
                );
            } else if spec.classes.is_some_and(|n| n as usize != b.len() + 1) {
                self.error(
                    &bpath,
                    format!("{} breaks make {} classes, not {count}", b.len(), b.len() + 1),
                    "give `classes` or `breaks`, not both",
                );
            }
            b.clone()
        });
        Classing { count, method, fixed }
    }

    /// The areas of the set the map shows: all, or the districts of one
    /// police force area (`within`).
    fn shown<'s>(&mut self, path: &[PathSeg], spec: &MapSpec, set: &'s Boundaries) -> Shown<'s> {
        let all = |areas: Vec<&'s Area>, force| {
            let keys = areas.iter().map(|a| area_key(&a.name)).collect();
            Shown { areas, keys, force }
        };
        let Some(within) = &spec.within else { return all(set.areas.iter().collect(), None) };
        let wpath = with(path, key("within"));
        if set.areas.iter().all(|a| a.parent.is_none()) {
            self.error(
                &wpath,
                format!("the areas of `{}` are not grouped by police force area", set.id),
                "`within` picks one force's districts from `local-authorities`",
            );
            return all(set.areas.iter().collect(), None);
        }
        let forces = boundaries::shipped("police-force-areas").map(|f| f.areas).unwrap_or_default();
        let wanted = area_key(within);
        let Some(force) =
            forces.iter().find(|f| f.code.eq_ignore_ascii_case(within.trim()) || area_key(&f.name) == wanted)
        else {
            let hint = unknown_hint(
                within,
                forces.iter().map(|f| f.name.as_str()),
                "name a police force area, e.g. `Thames Valley` or `E23000029`".to_string(),
            );
            self.error(&wpath, format!("`{within}` is not a police force area"), hint);
            return all(set.areas.iter().collect(), None);
        };
        let areas = set.areas.iter().filter(|a| a.parent.as_deref() == Some(force.code.as_str())).collect();
        all(areas, Some(force.name.clone()))
    }

    /// Mapping a count shades areas by how many people live there: a
    /// warning unless the series is a ratio or says it is a rate.
    fn rate_check(&mut self, path: &[PathSeg], name: &str, series: &Series) {
        let derived = self.m.data.get(name).is_some_and(|d| d.ratio.is_some() || d.per_capita.is_some());
        let label = self.labels.get(name).cloned().unwrap_or_default();
        let words = format!("{label} {}", series.unit).to_lowercase();
        let says_rate = ["per ", "%", "rate", "ratio", "share", "average", "mean"].iter().any(|w| words.contains(w));
        if !derived && !says_rate {
            self.warning(
                &with(&with(path, key("series")), index(0)),
                format!("`{name}` is a count, not a rate"),
                format!(
                    "areas differ in population, so a map of counts mostly shows where people live: map a rate, e.g. `\"per_capita\": [\"{name}\", \"population\"], \"scale\": 1000`, or give the series a `unit` that says what rate it is (\"per 1,000 residents\")"
                ),
            );
        }
    }

    /// Each shown area's value, found by code or name; a value naming no
    /// area, and an area named twice, are errors.
    fn match_areas(
        &mut self,
        path: &[PathSeg],
        name: &str,
        series: &Series,
        set: &Boundaries,
        shown: &Shown,
    ) -> Vec<Option<f64>> {
        let spath = with(&with(path, key("series")), index(0));
        let mut values = vec![None; shown.areas.len()];
        let mut named: Vec<Option<&str>> = vec![None; shown.areas.len()];
        for (x, y) in &series.points {
            let X::Category(label) = x else {
                self.error(
                    &spath,
                    format!("`{name}` has {} values, not areas", x.kind()),
                    "map a series whose x are area names or codes, e.g. `\"x\": \"area_name\"`",
                );
                return values;
            };
            match shown.find(label) {
                Some(i) => {
                    if let Some(first) = named[i] {
                        self.error(
                            &spath,
                            format!("`{first}` and `{label}` in `{name}` are both {}", shown.areas[i].name),
                            "give each area one value",
                        );
                    }
                    named[i] = Some(label);
                    values[i] = *y;
                }
                None => {
                    let (message, hint) = unmatched(label, name, set, shown);
                    self.error(&spath, message, hint);
                }
            }
        }
        values
    }

    /// Areas with no value: an error naming them, unless the author lets
    /// them show as "no data".
    fn report_missing(
        &mut self,
        path: &[PathSeg],
        name: &str,
        set: &Boundaries,
        shown: &Shown,
        values: &[Option<f64>],
        no_data: bool,
    ) {
        let missing: Vec<&str> =
            shown.areas.iter().zip(values).filter(|(_, v)| v.is_none()).map(|(a, _)| a.name.as_str()).collect();
        if missing.is_empty() || no_data {
            return;
        }
        let named: Vec<String> = missing.iter().take(MISSING_NAMED).map(|n| format!("`{n}`")).collect();
        let more = match missing.len().saturating_sub(MISSING_NAMED) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let (count, verb) = match missing.len() {
            1 => ("1 area".to_string(), "has"),
            n => (format!("{n} areas"), "have"),
        };
        let mut hint =
            "give every area a value, or set `\"missing\": \"no-data\"` to draw them hatched as no data".to_string();
        if set.areas.iter().any(|a| a.parent.is_some()) && shown.force.is_none() {
            hint.push_str(", or map one police force area's districts with `\"within\"`");
        }
        self.error(
            &with(&with(path, key("series")), index(0)),
            format!("{count} of `{}` {verb} no value in `{name}`: {}{more}", set.id, named.join(", ")),
            hint,
        );
    }

    /// The shown areas named in `field` (`highlight`, `labels`), by index.
    fn pick(&mut self, path: &[PathSeg], field: &str, names: &[String], shown: &Shown) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, wanted) in names.iter().enumerate() {
            match shown.find(wanted) {
                Some(at) => out.push(at),
                None => {
                    let hint =
                        unknown_hint(wanted, shown.names(), "name one of the map's areas, or give its code".into());
                    self.error(
                        &with(&with(path, key(field)), index(i)),
                        format!("`{wanted}` is not an area of this map"),
                        hint,
                    );
                }
            }
        }
        out
    }
}

/// The message and hint for a series' x that names no shown area.
fn unmatched(label: &str, name: &str, set: &Boundaries, shown: &Shown) -> (String, String) {
    let elsewhere =
        set.areas.iter().find(|a| a.code.eq_ignore_ascii_case(label.trim()) || area_key(&a.name) == area_key(label));
    if let (Some(area), Some(force)) = (elsewhere, &shown.force) {
        return (
            format!("`{label}` in `{name}` is not one of {force}'s districts"),
            format!("{} lies in another police force area: leave it out of the series, or remove `within`", area.name),
        );
    }
    let example = shown.areas.first().map_or_else(String::new, |a| format!("`{}` or `{}`", a.name, a.code));
    if is_code(label) {
        return (
            format!("unknown area code `{}` in `{name}`", label.trim()),
            format!("`{}` has no area with this code; its areas are named like {example}", set.id),
        );
    }
    let hint = unknown_hint(label, shown.names(), format!("name areas as `{}` does, e.g. {example}", set.id));
    (format!("`{label}` in `{name}` is not an area of `{}`", set.id), hint)
}

/// Whether `s` looks like a GSS code: a letter and eight digits (`E09000033`).
fn is_code(s: &str) -> bool {
    let s = s.trim();
    s.len() == 9 && s.starts_with(|c: char| c.is_ascii_alphabetic()) && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The breaks for `values` and the number format of the legend, whose
/// decimals are the precision breaks were rounded to.
fn cut(values: &[f64], c: &Classing, format: Spec) -> (Vec<f64>, Spec) {
    let shift = format.suffix.shift() as i32;
    let wanted = format.decimals.map(|d| d as i32 - shift);
    let (breaks, places) = match &c.fixed {
        Some(fixed) => {
            let written = fixed.iter().map(|b| classes::written_places(*b)).max().unwrap_or(0);
            (fixed.clone(), wanted.unwrap_or(written))
        }
        None => classes::breaks(values, c.count, c.method, wanted),
    };
    let decimals = (places + shift).max(0) as usize;
    (breaks, Spec { decimals: Some(decimals), ..format })
}

/// Each class's range and its words in the legend. The lowest class runs
/// from the smallest value and the highest to the largest, so together
/// they cover the data; a class a fixed break leaves open reads "under 2"
/// or "8 and over".
fn class_ranges(values: &[f64], breaks: &[f64], spec: &Spec) -> Vec<Class> {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let n = |v: f64| format::number(v, spec);
    let span = |low: f64, high: f64| {
        if n(low) == n(high) { n(low) } else { format!("{} to {}", n(low), n(high)) }
    };
    if breaks.is_empty() {
        return vec![Class { label: span(min, max), low: min, high: max }];
    }
    let last = breaks.len();
    (0..=last)
        .map(|i| {
            let (low, high) = (if i == 0 { min } else { breaks[i - 1] }, if i == last { max } else { breaks[i] });
            let label = match i {
                0 if min >= breaks[0] => format!("under {}", n(breaks[0])),
                i if i == last && max < breaks[last - 1] => format!("{} and over", n(breaks[last - 1])),
                _ => span(low, high),
            };
            Class { label, low: low.min(high), high: high.max(low) }
        })
        .collect()
}

/// "Boundaries: who made them. The attribution their licence requires."
fn boundary_note(set: &Boundaries) -> String {
    if set.source.is_empty() {
        return format!("Boundaries: {}", set.id);
    }
    format!("Boundaries: {}. {}", set.source, set.attribution)
}

/// The map's data for the appendix: each area's value, highest first,
/// areas without a value last. (The legend gives the classes; the attached
/// CSV file has each area's code and class too.)
fn table(areas: &[MapArea], x_header: String, measure: String, format: Spec) -> TableData {
    let mut order: Vec<&MapArea> = areas.iter().collect();
    order.sort_by(|a, b| match (a.value, b.value) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
    TableData {
        x_header,
        columns: vec![Column { header: measure, format }],
        rows: order.into_iter().map(|a| Row { label: a.name.clone(), values: vec![a.value] }).collect(),
    }
}
