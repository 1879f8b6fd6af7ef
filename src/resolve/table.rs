//! Resolving tables, and lining series up by x into rows: for a table in
//! the text and for each chart's table in the chart-data appendix.
//!
//! A row is one x. Series whose x values are of different kinds (dates at
//! 31 March beside plain years) have no x in common, so lining them up
//! exactly would print every year twice with half the cells empty; that is
//! an error unless the author asks for rows by calendar year.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{Column, Row, RowAlign, Table, TableData};
use super::text::Markup;
use super::{Resolver, index, key, unknown_hint, with};
use crate::analyse::format::{self, Spec};
use crate::analyse::stats::Series;
use crate::diag::PathSeg;
use crate::input::manifest::TableSpec;
use crate::input::x::X;

/// The hint for a number format that does not parse.
pub(super) const FORMAT_HINT: &str = "formats look like `.1`, `+.0`, `.0%`, `£m`";

impl<'a> Resolver<'a> {
    pub(super) fn table(&mut self, path: &[PathSeg], t: &TableSpec) -> Table {
        let caption = self.text(&with(path, key("caption")), &t.caption, Markup::Prose, false);
        let x_label =
            t.x_label.as_ref().map(|x| self.text(&with(path, key("x_label")), x, Markup::Values, true).plain());
        let year_only = match t.x_format.as_deref() {
            None => false,
            Some("year") => true,
            Some(f) => {
                self.error(
                    &with(path, key("x_format")),
                    format!("unknown x format `{f}`"),
                    "the only x format is `year`; leave it out for full dates",
                );
                false
            }
        };
        if t.series.is_empty() {
            self.error(
                &with(path, key("series")),
                "a table needs at least one series",
                "list series names from `data`",
            );
        }
        let series = self.series_refs(path, &t.series);
        if t.formats.len() > t.series.len() {
            self.error(
                &with(path, key("formats")),
                "more formats than series",
                "give one format per series column, in order",
            );
        }
        let formats: Vec<Spec> = (0..t.series.len())
            .map(|i| match t.formats.get(i) {
                Some(f) => self.format_spec(&with(&with(path, key("formats")), index(i)), f),
                None => Spec::default(),
            })
            .collect();
        let align = self.row_align(path, t.align.as_deref());
        let data = self.table_data(path, &series, x_label, year_only, &formats, align);
        let sources = series_sources(series.iter().map(|(_, s)| *s));
        Table { caption, data, sources }
    }

    /// A number format written in the manifest, parsed once.
    pub(super) fn format_spec(&mut self, path: &[PathSeg], f: &str) -> Spec {
        format::parse_spec(f).unwrap_or_else(|e| {
            self.error(path, e, FORMAT_HINT);
            Spec::default()
        })
    }

    /// `align` of a table or chart: exact x (the default) or calendar year.
    pub(super) fn row_align(&mut self, path: &[PathSeg], align: Option<&str>) -> RowAlign {
        match align {
            None | Some("exact") => RowAlign::Exact,
            Some("year") => RowAlign::Year,
            Some("year-1") => RowAlign::PreviousYear,
            Some(other) => {
                self.error(
                    &with(path, key("align")),
                    format!("unknown alignment `{other}`"),
                    "use `exact` (a row per x, the default), `year` (a row per calendar year) or `year-1` (other kinds of x from the year before the first series')",
                );
                RowAlign::Exact
            }
        }
    }

    /// The series named at `path.series`, each checked; unknown names are
    /// reported and left out. Their sources count as cited.
    pub(super) fn series_refs(&mut self, path: &[PathSeg], names: &[String]) -> Vec<(String, &'a Series)> {
        let analysis = self.analysis;
        let mut found = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match analysis.series.get(name) {
                Some(series) => {
                    self.cited.extend(series.sources.iter().cloned());
                    found.push((name.clone(), series));
                }
                // Declared but failed to build: reported at its declaration.
                None if analysis.declared(name) => {}
                None => {
                    let hint = unknown_hint(
                        name,
                        analysis.series.keys().map(String::as_str),
                        "declare it in `data`".to_string(),
                    );
                    self.error(&with(&with(path, key("series")), index(i)), format!("unknown series `{name}`"), hint);
                }
            }
        }
        found
    }

    /// The series lined up by x into rows, with column headings from their
    /// resolved labels. Mixed kinds of x under exact alignment are reported
    /// at the first series that differs.
    pub(super) fn table_data(
        &mut self,
        path: &[PathSeg],
        series: &[(String, &Series)],
        x_label: Option<String>,
        year_only: bool,
        formats: &[Spec],
        align: RowAlign,
    ) -> TableData {
        let columns = series
            .iter()
            .zip(formats.iter().copied().chain(std::iter::repeat(Spec::default())))
            .map(|((name, s), format)| {
                let label = self.labels.get(name).cloned().unwrap_or_default();
                let header = format::with_unit(&label, &s.unit);
                Column { header, format }
            })
            .collect();
        let rows = match align {
            RowAlign::Exact => self.rows_by_x(path, series, year_only),
            RowAlign::Year => self.rows_by_year(path, series, 0),
            RowAlign::PreviousYear => self.rows_by_year(path, series, 1),
        };
        let default_header = match (align, series.first().and_then(|(_, s)| s.points.first())) {
            (RowAlign::Year | RowAlign::PreviousYear, _) => "Year",
            (_, Some((x, _))) if x.kind() == "date" => "Date",
            (_, Some((x, _))) if x.kind() == "month" => "Month",
            (_, Some((x, _))) if x.kind() == "quarter" => "Quarter",
            (_, Some((x, _))) if x.kind() == "year" => "Year",
            (_, Some((x, _))) if x.kind() == "financial year" => "Financial year",
            (_, Some((x, _))) if x.kind() == "year ending" => "Year ending",
            _ => "Category",
        };
        TableData { x_header: x_label.unwrap_or_else(|| default_header.to_string()), columns, rows }
    }

    /// A row per distinct x, in time order (or file order for categories).
    fn rows_by_x(&mut self, path: &[PathSeg], series: &[(String, &Series)], year_only: bool) -> Vec<Row> {
        let kind = |s: &Series| s.points.first().map(|p| p.0.kind());
        if let Some(((first, a), (i, (name, b)))) = series
            .first()
            .and_then(|f| series.iter().enumerate().find(|(_, (_, s))| kind(s) != kind(f.1)).map(|d| (f, d)))
        {
            let (ka, kb) = (kind(a).unwrap_or("no"), kind(b).unwrap_or("no"));
            let hint = if a.points.iter().chain(&b.points).all(|p| p.0.is_time()) {
                "add `\"align\": \"year\"` to give each calendar year one row, or derive one series onto the other's x"
            } else {
                "show categories and time series in separate tables"
            };
            self.error(
                &with(&with(path, key("series")), index(i)),
                format!("`{name}` has {kb} values of x but `{first}` has {ka} values, so no row can hold both"),
                hint,
            );
            return Vec::new();
        }
        // Each x's row found by hashing, not by searching the rows: a
        // table of 10,000 points is lined up in milliseconds, not a second.
        let mut rows: Vec<(&X, Vec<Option<f64>>)> = Vec::new();
        let mut row_of: HashMap<&X, usize> = HashMap::new();
        for (i, (_, s)) in series.iter().enumerate() {
            let mut seen: HashSet<&X> = HashSet::new();
            for (x, y) in &s.points {
                let row = *row_of.entry(x).or_insert_with(|| {
                    rows.push((x, vec![None; series.len()]));
                    rows.len() - 1
                });
                // A series' first point at an x is its value there.
                if seen.insert(x) {
                    rows[row].1[i] = *y;
                }
            }
        }
        if rows.iter().all(|(x, _)| x.is_time()) {
            rows.sort_by(|(a, _), (b, _)| a.time_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        }
        rows.into_iter()
            .map(|(x, values)| Row {
                label: match x {
                    X::Date { year, .. } if year_only => year.to_string(),
                    _ => format::x_label(&x.to_string()),
                },
                values,
            })
            .collect()
    }

    /// A row per calendar year, for time series of different kinds; a
    /// series whose x are of another kind than the first's is moved `shift`
    /// years later (1 for `year-1`). A series with two points in one year
    /// would make a row ambiguous.
    fn rows_by_year(&mut self, path: &[PathSeg], series: &[(String, &Series)], shift: i32) -> Vec<Row> {
        let kind = |s: &Series| s.points.first().map(|p| p.0.kind());
        let first_kind = series.first().and_then(|(_, s)| kind(s));
        let mut years: BTreeMap<i32, Vec<Option<f64>>> = BTreeMap::new();
        for (i, (name, s)) in series.iter().enumerate() {
            let spath = with(&with(path, key("series")), index(i));
            let shift = if kind(s) == first_kind { 0 } else { shift };
            let mut seen: BTreeMap<i32, &X> = BTreeMap::new();
            for (x, y) in &s.points {
                let Some(own) = x.year() else {
                    self.error(
                        &spath,
                        format!("`{name}` has categories, which have no year"),
                        "rows by year need dates, years or financial years",
                    );
                    return Vec::new();
                };
                let year = own + shift;
                if let Some(before) = seen.insert(year, x) {
                    self.error(
                        &spath,
                        format!(
                            "`{name}` has two points in {own} ({before} and {x}), so a row for {year} is ambiguous"
                        ),
                        "leave out `\"align\": \"year\"`, or narrow the series with `from`/`to`",
                    );
                    return Vec::new();
                }
                years.entry(year).or_insert_with(|| vec![None; series.len()])[i] = *y;
            }
        }
        years.into_iter().map(|(year, values)| Row { label: year.to_string(), values }).collect()
    }
}

/// Every source behind some series, in order, without repeats.
pub(super) fn series_sources<'a>(series: impl Iterator<Item = &'a Series>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for s in series {
        for id in &s.sources {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    ids
}
