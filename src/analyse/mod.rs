//! Resolving the manifest's `data` section into series, and evaluating the
//! `{series.stat:format}` values written in its prose.
//!
//! Series read from files come first; derived series (ratios, differences)
//! are computed from them in dependency order. The boundary sets that maps
//! are drawn on are read here too (`boundaries`), and `classes` cuts a
//! map's values into classes. Every problem is reported
//! with the file, line:column and JSON path (or CSV row and column, or
//! spreadsheet sheet and cell).

use std::collections::{BTreeMap, BTreeSet};

mod assemble;
mod boundaries;
pub mod classes;
mod fold;
pub mod format;
mod plan;
mod sheets;
pub mod stats;
mod tables;

use crate::analyse::stats::{POINT_STATISTICS, STATISTICS, Series, Value, X};
use crate::diag::{Diagnostic, PathSeg, format_path, locate, suggest};
use crate::input::boundaries::Boundaries;
use crate::input::data::{self, Files, Parsed};
use crate::input::manifest::{DataSpec, Edition, Manifest};
use crate::input::sheet;
use crate::input::x::{beyond, straddled};

/// Every series the manifest declares, resolved.
#[derive(Debug, Default)]
pub struct Analysis {
    pub series: BTreeMap<String, Series>,
    /// The boundary sets the maps are drawn on, by the name written in
    /// their `boundaries` (a shipped set's id or a GeoJSON file).
    pub boundaries: BTreeMap<String, Boundaries>,
    /// Declared series that could not be built (already reported), so that
    /// uses of them are not reported a second time.
    failed: BTreeSet<String>,
}

/// A computed value ready to print, with the sources it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub text: String,
    pub sources: Vec<String>,
}

/// Why a value could not be computed. `reported` is set when the cause (a
/// series that failed to load) has already been reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
    pub hint: String,
    pub reported: bool,
}

impl Analysis {
    /// Whether the manifest declares `name` (even if it failed to build).
    pub fn declared(&self, name: &str) -> bool {
        self.series.contains_key(name) || self.failed.contains(name)
    }

    /// Evaluates `series.stat` or `series.stat:format` (the text between braces).
    pub fn eval(&self, expr: &str) -> Result<Evaluated, EvalError> {
        let fail = |message: String, hint: String| EvalError { message, hint, reported: false };
        let (reference, spec) = match expr.split_once(':') {
            Some((r, s)) => (r.trim(), Some(s.trim())),
            None => (expr.trim(), None),
        };
        if reference == "area" {
            return Err(fail(
                "`{area}` is filled in only by `briefing batch`".into(),
                "run `briefing batch MANIFEST --each SERIES.COLUMN`, or write the area's name".into(),
            ));
        }
        let Some((name, key, stat)) = split_reference(reference) else {
            return Err(fail(
                format!("`{{{expr}}}` is not a computed value"),
                "write `{series.statistic}` or `{series.statistic:format}`, e.g. `{officers.latest:.0}`, or `{series[point].value}`; `\\{` for a literal brace".into(),
            ));
        };
        if self.failed.contains(name) {
            return Err(EvalError { message: String::new(), hint: String::new(), reported: true });
        }
        let Some(series) = self.series.get(name) else {
            let hint = match suggest(name, self.series.keys().map(String::as_str)) {
                Some(hint) => hint,
                None if self.series.is_empty() => "declare series in the manifest's `data` section".into(),
                None => format!("series: {}", self.series.keys().cloned().collect::<Vec<_>>().join(", ")),
            };
            return Err(fail(format!("unknown series `{name}`"), hint));
        };
        // `[from..to]` is a range of points, whose statistics are the series'.
        let range = key.and_then(|k| k.split_once(".."));
        let key = if range.is_some() { None } else { key };
        let known: &[&str] = if key.is_some() { &POINT_STATISTICS } else { &STATISTICS };
        if !known.contains(&stat) {
            let hint = match suggest(stat, known.iter().copied()) {
                Some(hint) => hint,
                None => format!("statistics: {}", known.join(", ")),
            };
            return Err(fail(format!("unknown statistic `{stat}`"), hint));
        }
        let value = match (key, range) {
            (Some(key), _) => series.point_stat(key, stat),
            (None, Some((from, to))) => series.between(from, to).and_then(|part| part.stat(stat)),
            (None, None) => series.stat(stat),
        };
        let shown = match (key, range) {
            (Some(k), _) => format!("{name}[{k}].{stat}"),
            (None, Some((from, to))) => format!("{name}[{from}..{to}].{stat}"),
            (None, None) => format!("{name}.{stat}"),
        };
        let value = value.map_err(|e| fail(format!("`{shown}`: {}", e.message), e.hint))?;
        let text = match (value, spec) {
            (Value::Number(n), _) if !n.is_finite() || n.abs() > 1e18 => {
                return Err(fail(
                    format!("`{shown}` is {n:e}, too large to print"),
                    "a percentage of a value close to zero explodes; use `change` instead".into(),
                ));
            }
            // `:th` reads a rank as "5th".
            (Value::Number(n), Some("th")) if n >= 1.0 && n.fract() == 0.0 => format::ordinal(n as u64),
            (Value::Number(n), spec) => {
                let spec = format::parse_spec(spec.unwrap_or(""))
                    .map_err(|e| fail(e, "formats look like `.1`, `+.0`, `.0%`, `£m`".into()))?;
                format::number(n, &spec)
            }
            (Value::X(x), None) => format::x_label(&x.to_string()),
            // `:year` reads "2010" where the full label would read "31 March 2010".
            (Value::X(x), Some("year")) => match x {
                X::Date { year, .. } | X::Year(year) => year.to_string(),
                other => format::x_label(&other.to_string()),
            },
            (Value::X(_), Some(_)) => {
                return Err(fail(
                    format!("`{shown}` is a date or category, so it takes no number format"),
                    format!("write `{{{shown}}}`, or `{{{shown}:year}}` for the year alone"),
                ));
            }
        };
        Ok(Evaluated { text, sources: series.sources.clone() })
    }
}

/// Splits `series.stat` or `series[point].stat` (a point named by its x label,
/// e.g. `vap_by_borough[Croydon].rank` or `officers[2010].value`).
fn split_reference(r: &str) -> Option<(&str, Option<&str>, &str)> {
    let open = r.find('[').filter(|&open| r.find('.').is_none_or(|dot| open < dot));
    if let Some(open) = open {
        let close = open + r[open..].find(']')?;
        let stat = r[close + 1..].strip_prefix('.')?;
        return Some((&r[..open], Some(r[open + 1..close].trim()), stat));
    }
    let (name, stat) = r.split_once('.')?;
    Some((name, None, stat))
}

/// Builds every declared series, reporting all problems.
pub fn analyse(file: &str, src: &str, m: &Manifest, files: &dyn Files) -> (Analysis, Vec<Diagnostic>) {
    let mut r = Resolver {
        file,
        src,
        m,
        files,
        parsed: Parsed::default(),
        analysis: Analysis::default(),
        diags: Vec::new(),
        visiting: Vec::new(),
    };
    for name in m.data.keys() {
        r.resolve(name);
    }
    let (sets, diags) = boundaries::load(file, src, m, files);
    r.analysis.boundaries = sets;
    r.diags.extend(diags);
    (r.analysis, r.diags)
}

struct Resolver<'a> {
    file: &'a str,
    src: &'a str,
    m: &'a Manifest,
    files: &'a dyn Files,
    /// Spreadsheets parsed for this briefing alone, when `files` keeps none across briefings.
    parsed: Parsed,
    analysis: Analysis,
    diags: Vec<Diagnostic>,
    /// Series being resolved, to catch cycles (a = b / c, c = a - b).
    visiting: Vec<String>,
}

impl Resolver<'_> {
    fn error(&mut self, name: &str, field: Option<&str>, message: impl Into<String>, hint: impl Into<String>) {
        let field: Vec<PathSeg> = field.map(|f| PathSeg::Key(f.into())).into_iter().collect();
        self.error_at(name, &field, message, hint);
    }

    /// An error at `path` within the declaration of series `name`.
    fn error_at(&mut self, name: &str, path: &[PathSeg], message: impl Into<String>, hint: impl Into<String>) {
        let mut full = vec![PathSeg::Key("data".into()), PathSeg::Key(name.into())];
        full.extend_from_slice(path);
        let d = Diagnostic::error(self.file, message).at(locate(self.src, &full)).path(format_path(&full)).hint(hint);
        self.diags.push(d);
    }

    /// Resolves a series (and its inputs) once; returns whether it succeeded.
    fn resolve(&mut self, name: &str) -> bool {
        if self.analysis.series.contains_key(name) {
            return true;
        }
        if self.analysis.failed.contains(name) {
            return false;
        }
        let built = match self.m.data.get(name) {
            Some(spec) => self.build(name, spec),
            None => None,
        };
        match built {
            Some(series) => {
                self.analysis.series.insert(name.to_string(), series);
                true
            }
            None => {
                self.analysis.failed.insert(name.to_string());
                false
            }
        }
    }

    fn build(&mut self, name: &str, spec: &DataSpec) -> Option<Series> {
        let derived = [("ratio", &spec.ratio), ("per_capita", &spec.per_capita), ("difference", &spec.difference)];
        let chosen: Vec<_> = derived.iter().filter(|(_, v)| v.is_some()).collect();
        let mut series = match (chosen.as_slice(), &spec.file) {
            ([], _) if reads_sheets(spec) => self.sheet_series(name, spec)?,
            ([], _) if spec.file.is_some() || !spec.files.is_empty() => self.table_series(name, spec)?,
            ([(kind, Some(inputs))], None) => self.derived(name, spec, kind, inputs)?,
            ([], None) => {
                self.error(
                    name,
                    None,
                    "a series needs a `file` (with `x` and `y`) or a derivation",
                    "add `\"file\": \"data.csv\", \"x\": ..., \"y\": ...` or `\"ratio\": [\"a\", \"b\"]`",
                );
                return None;
            }
            _ => {
                self.error(name, None, "a series is either read from a `file` or derived (`ratio`, `per_capita` or `difference`), not both", "keep one of them");
                return None;
            }
        };
        series.label = spec.label.clone();
        series.unit = spec.unit.clone().unwrap_or_default();
        for id in spec.source.iter().flat_map(|s| s.ids()) {
            if !self.m.sources.contains_key(id) {
                let hint = suggest(id, self.m.sources.keys().map(String::as_str))
                    .unwrap_or_else(|| "add it to `sources`".to_string());
                self.error(name, Some("source"), format!("unknown source `{id}`"), hint);
                return None;
            }
            if !series.sources.iter().any(|s| s == id) {
                series.sources.push(id.to_string());
            }
        }
        if series.sources.is_empty() {
            self.error(
                name,
                None,
                "the series has no `source`",
                "name the source its figures come from, e.g. `\"source\": \"ho-workforce\"`",
            );
            return None;
        }
        // Tables apply `from` and `to` as they are read (to rows' dates, not only to x).
        let from_tables = !reads_sheets(spec) && (spec.file.is_some() || !spec.files.is_empty());
        if !from_tables {
            self.restrict(name, spec, &mut series)?;
        }
        if series.points.iter().all(|p| p.1.is_none()) {
            self.error(
                name,
                None,
                "the series has no values",
                "check the file, the `where` filter and the `from`/`to` range",
            );
            return None;
        }
        Some(series)
    }

    /// The encoding the series declares (UTF-8 by default).
    fn encoding(&mut self, name: &str, spec: &DataSpec) -> Option<&'static encoding_rs::Encoding> {
        let Some(label) = &spec.encoding else { return Some(encoding_rs::UTF_8) };
        let found = data::encoding(label);
        if found.is_none() {
            self.error(
                name,
                Some("encoding"),
                format!("unknown encoding `{label}`"),
                "write `windows-1252` for CSV saved by Excel on Windows (also `iso-8859-1`), `utf-16le`, or leave `encoding` out for UTF-8",
            );
        }
        found
    }

    fn derived(&mut self, name: &str, spec: &DataSpec, kind: &str, inputs: &[String; 2]) -> Option<Series> {
        if self.visiting.iter().any(|v| v == name) {
            self.error(
                name,
                Some(kind),
                format!("`{name}` is derived from itself"),
                "break the cycle between derived series",
            );
            return None;
        }
        self.visiting.push(name.to_string());
        let mut ok = true;
        for input in inputs {
            if !self.m.data.contains_key(input) {
                let hint = suggest(input, self.m.data.keys().map(String::as_str))
                    .unwrap_or_else(|| "declare it in `data`".to_string());
                self.error(name, Some(kind), format!("unknown series `{input}`"), hint);
                ok = false;
            } else if !self.resolve(input) {
                ok = false;
            }
        }
        self.visiting.pop();
        if !ok {
            return None;
        }
        let align = match spec.align.as_deref().unwrap_or("exact") {
            "exact" => stats::Align::Exact,
            "year" => stats::Align::Year,
            "year-1" => stats::Align::PreviousYear,
            other => {
                self.error(
                    name,
                    Some("align"),
                    format!("unknown alignment `{other}`"),
                    "use `exact` (same x), `year` (same calendar year) or `year-1` (the second series' previous year)",
                );
                return None;
            }
        };
        let scale = spec.scale.unwrap_or(1.0);
        if scale == 0.0 || scale.abs() > data::MAX_MAGNITUDE {
            self.error(
                name,
                Some("scale"),
                format!("the scale {scale} is out of range"),
                "a scale multiplies the result, e.g. 1000 for \"per 1,000\"; it cannot be zero or huge",
            );
            return None;
        }
        let op = match kind {
            "difference" => stats::Operation::Difference,
            _ => stats::Operation::Ratio { scale },
        };
        let (a, b) = (&self.analysis.series[&inputs[0]], &self.analysis.series[&inputs[1]]);
        // A per-head figure over a zero or negative population is nonsense
        // that would print as a confident number: refuse it.
        let bad_base = b.points.iter().find_map(|(x, y)| y.filter(|v| *v <= 0.0).map(|v| (x.clone(), v)));
        if kind == "per_capita"
            && let Some((x, v)) = bad_base
        {
            self.error(
                name,
                Some(kind),
                format!("`{}` is {v} at {x}; a per-capita base must be positive", inputs[1]),
                format!("check the data of `{}`: a number of people cannot be zero or negative", inputs[1]),
            );
            return None;
        }
        let series = stats::derive(a, b, op, align);
        let huge = series
            .points
            .iter()
            .find_map(|(x, y)| y.filter(|v| !v.is_finite() || v.abs() > data::MAX_MAGNITUDE).map(|v| (x.clone(), v)));
        if let Some((x, v)) = huge {
            self.error(
                name,
                Some(kind),
                format!("the result is {v:e} at {x}, too large to be a figure"),
                "check the `scale` and the inputs: a tiny divisor makes a huge ratio",
            );
            return None;
        }
        if series.points.iter().all(|p| p.1.is_none()) {
            self.error(
                name,
                Some(kind),
                format!("`{}` and `{}` have no x values in common", inputs[0], inputs[1]),
                "set `align` to `year` or `year-1` to pair dates with years",
            );
            return None;
        }
        Some(series)
    }

    /// Applies `from` and `to` (inclusive) to a time series.
    fn restrict(&mut self, name: &str, spec: &DataSpec, series: &mut Series) -> Option<()> {
        for (field, bound) in [("from", &spec.from), ("to", &spec.to)] {
            let Some(bound) = bound else { continue };
            let bound_x = X::parse(bound);
            let kind = series.points.first().map(|p| p.0.kind()).unwrap_or("date");
            if !bound_x.is_time() || bound_x.kind() != kind {
                self.error(
                    name,
                    Some(field),
                    format!("`{bound}` is not a {kind} like the series' x values"),
                    "write it the way the data file does, e.g. 2018-03-31, 2018 or 2016/17",
                );
                return None;
            }
            if let Some((below, above)) = straddled(series.points.iter().map(|(x, _)| x), &bound_x) {
                let (message, hint) = assemble::between_points(field, &bound_x, below, above);
                self.error(name, Some(field), message, hint);
                return None;
            }
            if let Some(nearest) = beyond(series.points.iter().map(|(x, _)| x), &bound_x, field == "from") {
                let (message, hint) = assemble::past_the_data(field, &bound_x, nearest);
                let path = [PathSeg::Key("data".into()), PathSeg::Key(name.into()), PathSeg::Key(field.into())];
                let d = Diagnostic::warning(self.file, message).at(locate(self.src, &path)).path(format_path(&path));
                self.diags.push(d.hint(hint));
            }
            series.points.retain(|(x, _)| match x.time_cmp(&bound_x) {
                Some(order) => {
                    if field == "from" {
                        order.is_ge()
                    } else {
                        order.is_le()
                    }
                }
                None => true,
            });
        }
        Some(())
    }
}

/// Whether a series is read from spreadsheet tables rather than CSV files.
fn reads_sheets(spec: &DataSpec) -> bool {
    let spreadsheet = |e: &Edition| match e {
        Edition::File(f) => sheet::is_spreadsheet(f),
        Edition::Placed(_) => true,
    };
    spec.sheet.is_some()
        || spec.row.is_some()
        || spec.files.iter().any(spreadsheet)
        || spec.file.as_deref().is_some_and(sheet::is_spreadsheet)
}

/// A category shaped like `YYYY-MM-DD` (or `YYYY-M-D`): a date that does not exist or is mistyped.
fn looks_like_date(x: &X) -> bool {
    let X::Category(c) = x else { return false };
    let parts: Vec<&str> = c.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Time series must have one kind of x, strictly increasing (categories,
/// already unique, keep file order). Returns the index of the offending
/// point, a message and a hint.
fn order_problem(points: &[(usize, X, Option<f64>)]) -> Option<(usize, String, String)> {
    if !points[0].1.is_time() {
        return None;
    }
    for (i, pair) in points.windows(2).enumerate() {
        let (a, b) = (&pair[0].1, &pair[1].1);
        match a.time_cmp(b) {
            // 2018-02-30 reads as a category; say what is really wrong.
            None if looks_like_date(b) => {
                return Some((
                    i + 1,
                    format!("`{b}` is not a real date"),
                    "dates are YYYY-MM-DD, with a month from 01 to 12 and a day that exists in it".into(),
                ));
            }
            None => {
                let message = format!("x values mix kinds: `{a}` ({}) then `{b}` ({})", a.kind(), b.kind());
                // `2010-11` is November 2010 as police.uk writes months, so a
                // run of `2010-11, 2011-12, 2012-13` starts as months.
                let month_or_year = |x: &X, y: &X| match (x, y) {
                    (X::Month { year, month }, X::FinancialYear(_)) if *month as i32 == (year + 1) % 100 => {
                        Some(x.to_string())
                    }
                    _ => None,
                };
                let hint = match month_or_year(a, b).or_else(|| month_or_year(b, a)) {
                    Some(shown) => format!(
                        "`{shown}` reads as a month; write financial years with a slash (`{}/{}`) so that none is taken for one",
                        &shown[..4],
                        &shown[5..]
                    ),
                    None => "use one form for every x value: dates, years or financial years".into(),
                };
                return Some((i + 1, message, hint));
            }
            Some(o) if !o.is_lt() => {
                let message = format!("x values are not strictly increasing: `{b}` comes after `{a}`");
                return Some((i + 1, message, "sort the rows by x".into()));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::manifest;

    struct Mem(&'static [(&'static str, &'static str)]);

    impl Files for Mem {
        fn read(&self, name: &str) -> Result<String, String> {
            self.0.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()).ok_or_else(|| "no such file".into())
        }
        fn display(&self, name: &str) -> String {
            name.to_string()
        }
    }

    const FILES: Mem = Mem(&[
        ("officers.csv", "date,n\n2016-03-31,32125.1\n2017-03-31,31517\n2018-03-31,30390.23\n"),
        ("people.csv", "year,n\n2016,8769659\n2017,8825001\n2018,8908081\n"),
        ("unsorted.csv", "year,n\n2017,1\n2016,2\n"),
    ]);

    fn analysed(data: &str) -> (Analysis, Vec<Diagnostic>) {
        let src = format!(
            r#"{{"format": 1, "title": "T", "date": "2018-06-27",
              "sources": {{"ho": {{"publisher": "HO", "title": "W"}}, "ons": {{"publisher": "ONS", "title": "P"}}}},
              "data": {data}}}"#
        );
        let m = manifest::parse("m.json", &src).unwrap();
        analyse("m.json", &src, &m, &FILES)
    }

    const DATA: &str = r#"{
        "officers": {"file": "officers.csv", "x": "date", "y": "n", "label": "Officers", "source": "ho"},
        "people": {"file": "people.csv", "x": "year", "y": "n", "label": "People", "source": "ons"},
        "per_1000": {"per_capita": ["officers", "people"], "scale": 1000, "align": "year", "label": "Per 1,000"}
    }"#;

    fn text(a: &Analysis, expr: &str) -> String {
        a.eval(expr).unwrap().text
    }

    #[test]
    fn values_are_computed_and_formatted() {
        let (a, diags) = analysed(DATA);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(text(&a, "officers.latest"), "30,390");
        assert_eq!(text(&a, "officers.latest:.1"), "30,390.2");
        assert_eq!(text(&a, "officers.change:+.0"), "\u{2212}1,735");
        assert_eq!(text(&a, "officers.latest_x"), "31 March 2018");
        assert_eq!(text(&a, "officers.max_x:year"), "2016");
        assert_eq!(text(&a, "per_1000.latest:.2"), format!("{:.2}", 30390.23 / 8908081.0 * 1000.0));
        assert_eq!(a.eval("per_1000.latest").unwrap().sources, vec!["ho".to_string(), "ons".to_string()]);
    }

    #[test]
    fn points_are_selected_by_their_x_label() {
        let (a, diags) = analysed(DATA);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(text(&a, "people[2017].value"), "8,825,001");
        // Ranked from the largest: 2018 has the most people, 2016 the fewest.
        assert_eq!(text(&a, "people[2018].rank"), "1");
        assert_eq!(text(&a, "people[2016].rank:th"), "3rd");
        let e = a.eval("people[2019].value").unwrap_err();
        assert!(e.message.contains("no point `2019`") && e.hint.contains("2018"), "{e:?}");
        let e = a.eval("people[2017].latest").unwrap_err();
        assert_eq!(e.message, "unknown statistic `latest`");
        assert!(a.eval("area").unwrap_err().message.contains("briefing batch"));
    }

    #[test]
    fn bad_references_are_explained() {
        let (a, _) = analysed(DATA);
        let e = a.eval("oficers.latest").unwrap_err();
        assert_eq!((e.message.as_str(), e.hint.as_str()), ("unknown series `oficers`", "did you mean `officers`?"));
        let e = a.eval("officers.lastest").unwrap_err();
        assert_eq!((e.message.as_str(), e.hint.as_str()), ("unknown statistic `lastest`", "did you mean `latest`?"));
        assert!(a.eval("officers.latest:.x").unwrap_err().message.contains("unknown format"));
        assert!(a.eval("officers.latest_x:.1").unwrap_err().message.contains("takes no number format"));
        assert!(a.eval("officers").unwrap_err().message.contains("is not a computed value"));
    }

    #[test]
    fn derived_series_need_overlapping_x() {
        let data = DATA.replace(r#""align": "year""#, r#""align": "exact""#);
        let (_, diags) = analysed(&data);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].path, "$.data.per_1000.per_capita");
        assert!(diags[0].message.contains("no x values in common"));
    }

    #[test]
    fn unsorted_x_and_missing_columns_are_reported() {
        let (a, diags) = analysed(
            r#"{"u": {"file": "unsorted.csv", "x": "year", "y": "n", "label": "U", "source": "ho"},
                                     "c": {"file": "people.csv", "x": "year", "y": "people", "label": "C", "source": "ho"}}"#,
        );
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("not strictly increasing: `2016` comes after `2017`")),
            "{messages:?}"
        );
        let unsorted = diags.iter().find(|d| d.file == "unsorted.csv").unwrap();
        assert_eq!(unsorted.position, Some((3, 1)));
        assert!(messages.contains(&"the data file has no column `people`"), "{messages:?}");
        // Uses of a series that failed are not reported twice.
        assert!(a.eval("u.latest").unwrap_err().reported);
    }

    #[test]
    fn per_capita_needs_a_positive_base_and_scales_are_sane() {
        let data = DATA.replace("people.csv", "negative.csv");
        let files = Mem(&[
            ("officers.csv", "date,n\n2016-03-31,32125.1\n2017-03-31,31517\n2018-03-31,30390.23\n"),
            ("negative.csv", "year,n\n2016,8769659\n2017,-8825001\n2018,8908081\n"),
        ]);
        let src = format!(
            r#"{{"format": 1, "title": "T", "date": "2018-06-27",
              "sources": {{"ho": {{"publisher": "HO", "title": "W"}}, "ons": {{"publisher": "ONS", "title": "P"}}}},
              "data": {data}}}"#
        );
        let m = manifest::parse("m.json", &src).unwrap();
        let (_, diags) = analyse("m.json", &src, &m, &files);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].path, "$.data.per_1000.per_capita");
        assert!(diags[0].message.contains("`people` is -8825001 at 2017"), "{}", diags[0].message);
        let (_, diags) = analysed(&DATA.replace("\"scale\": 1000", "\"scale\": 1e300"));
        assert_eq!(diags[0].path, "$.data.per_1000.scale");
    }

    #[test]
    fn from_and_to_restrict_the_range() {
        let data = DATA.replace(r#""source": "ho"}"#, r#""source": "ho", "to": "2017-03-31"}"#);
        let (a, diags) = analysed(&data);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(text(&a, "officers.latest"), "31,517");
        assert_eq!(text(&a, "officers.count"), "2");
    }
}
