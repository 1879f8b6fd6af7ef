//! Resolving charts: kind, series, axis settings, annotations, reference
//! lines and highlights become typed values, and the chart's data is lined
//! up into the table the chart-data appendix prints.

use super::model::{Annotation, AxisStart, Chart, ChartKind, ReferenceLine, SeriesData, Text};
use super::table::series_sources;
use super::text::Markup;
use super::{Resolver, index, key, unknown_hint, with};
use crate::analyse::format::{self, Spec};
use crate::analyse::stats::Series;
use crate::diag::PathSeg;
use crate::input::data::MAX_MAGNITUDE;
use crate::input::manifest::{ChartSpec, ReferenceLines};

/// Longer charted series draw a warning: their appendix table fills pages.
const MOST_CHART_POINTS: usize = 1_000;

impl Resolver<'_> {
    pub(super) fn chart(&mut self, path: &[PathSeg], c: &ChartSpec) -> Chart {
        let kind = ChartKind::parse(&c.kind).unwrap_or_else(|| {
            let hint = unknown_hint(&c.kind, ChartKind::NAMES, "kinds: line, column, bar".to_string());
            self.error(&with(path, key("kind")), format!("unknown chart kind `{}`", c.kind), hint);
            ChartKind::Line
        });
        let (title, subtitle, alt) = self.captions(path, &c.title, c.subtitle.as_deref(), &c.alt, "chart");
        let found = self.series_refs(path, &c.series);
        let series = self.chart_series(path, c, kind, &found);
        let annotate = c
            .annotate
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let parsed = Annotation::parse(a);
                if parsed.is_none() {
                    self.error(
                        &with(&with(path, key("annotate")), index(i)),
                        format!("unknown annotation `{a}`"),
                        "annotate `max`, `min`, `latest` or `first`",
                    );
                }
                parsed
            })
            .collect();
        let axis_start = match &c.y_min {
            // A line need not start at zero (GSS guidance): by default its
            // axis shows the variation. Columns and bars always start at zero.
            None if kind == ChartKind::Line => AxisStart::Auto,
            None => AxisStart::Zero,
            Some(serde_json::Value::String(s)) if s == "auto" => AxisStart::Auto,
            Some(serde_json::Value::Number(n)) if n.as_f64().is_some_and(|v| v.abs() <= MAX_MAGNITUDE) => {
                AxisStart::At(n.as_f64().unwrap_or_default())
            }
            Some(other) => {
                self.error(
                    &with(path, key("y_min")),
                    format!("`{other}` is not a y_min"),
                    "give a number, or `\"auto\"` to fit the axis to the data",
                );
                AxisStart::Zero
            }
        };
        // A column's or bar's length is its value, so an axis that does not
        // start at zero would cut every bar short and mislead.
        let off_zero = axis_start != AxisStart::Zero && axis_start != AxisStart::At(0.0);
        let axis_start = if kind != ChartKind::Line && off_zero {
            let kind = kind.name();
            let hint = format!(
                "remove `y_min`: a {kind}'s length shows its value, so an axis starting elsewhere cuts the {kind}s short; to show variation, use `\"kind\": \"line\"`"
            );
            self.error(&with(path, key("y_min")), format!("a {kind} chart's axis always starts at zero"), hint);
            AxisStart::Zero
        } else {
            axis_start
        };
        if let Some(h) = c.height
            && !(80.0..=600.0).contains(&h)
        {
            self.error(
                &with(path, key("height")),
                format!("height {h} is out of range"),
                "chart heights are 80 to 600 points",
            );
        }
        let format = match &c.format {
            Some(f) => self.format_spec(&with(path, key("format")), f),
            None => Spec::default(),
        };
        self.highlights(path, c, &series);
        let references = self.references(path, c);
        let align = self.row_align(path, c.align.as_deref());
        let x_label =
            c.x_label.as_ref().map(|x| self.text(&with(path, key("x_label")), x, Markup::Values, true).plain());
        let data = self.table_data(path, &found, x_label, false, &vec![format; found.len()], align);
        Chart {
            kind,
            series,
            title,
            subtitle,
            alt,
            references,
            annotate,
            axis_start,
            height: c.height,
            highlight: c.highlight.clone(),
            format,
            sources: series_sources(found.iter().map(|(_, s)| *s)),
            data,
        }
    }

    /// A figure's headline, subtitle and alt text: `what` (a chart, a map)
    /// needs a title and alt text; the subtitle is optional.
    pub(super) fn captions(
        &mut self,
        path: &[PathSeg],
        title: &str,
        subtitle: Option<&str>,
        alt: &str,
        what: &str,
    ) -> (Text, Option<Text>, Text) {
        let title_text = self.text(&with(path, key("title")), title, Markup::Prose, false);
        if title.trim().is_empty() {
            self.error(
                &with(path, key("title")),
                format!("a {what} needs a title"),
                "state the finding, e.g. \"Officer numbers have fallen since 2010\"",
            );
        }
        let subtitle = subtitle.map(|s| self.text(&with(path, key("subtitle")), s, Markup::Prose, false));
        let alt_text = self.text(&with(path, key("alt")), alt, Markup::Prose, false);
        if alt.trim().is_empty() {
            self.error(
                &with(path, key("alt")),
                format!("a {what} needs alt text"),
                format!("describe what the {what} shows in words for readers who cannot see it"),
            );
        }
        (title_text, subtitle, alt_text)
    }

    /// The chart's series, checked against its kind.
    fn chart_series(
        &mut self,
        path: &[PathSeg],
        c: &ChartSpec,
        kind: ChartKind,
        found: &[(String, &Series)],
    ) -> Vec<SeriesData> {
        if c.series.is_empty() {
            self.error(
                &with(path, key("series")),
                "a chart needs at least one series",
                "list series names from `data`",
            );
        }
        let most = if kind == ChartKind::Line { 6 } else { 1 };
        if c.series.len() > most {
            let hint = if most == 1 {
                "use one series, or a line chart to compare several over time"
            } else {
                "split the chart: more than six lines cannot be told apart"
            };
            self.error(&with(path, key("series")), format!("a {} chart shows at most {most} series", c.kind), hint);
        }
        let mut out = Vec::new();
        for (name, series) in found {
            let i = c.series.iter().position(|n| n == name).unwrap_or_default();
            let spath = with(&with(path, key("series")), index(i));
            let time = series.points.iter().all(|p| p.0.is_time());
            if kind == ChartKind::Line && !time {
                self.error(
                    &spath,
                    format!("`{name}` has categories, not dates or years, so it cannot be a line"),
                    "use `\"kind\": \"bar\"` for categories",
                );
            }
            if series.points.len() > MOST_CHART_POINTS {
                self.warning(
                    &spath,
                    format!("`{name}` has {} points", series.points.len()),
                    "the chart draws them, but its table in the \"Chart data\" appendix runs to many pages; narrow it with `from`/`to`",
                );
            }
            let values = series.points.iter().filter(|p| p.1.is_some()).count();
            if kind == ChartKind::Line && time && values < 2 {
                self.warning(
                    &spath,
                    format!("`{name}` has a single value, so its line is a lone point"),
                    "a line needs two or more points; show one value as a key figure or a column",
                );
            }
            let label = self.labels.get(name).cloned().unwrap_or_default();
            // Direct labels are how a reader tells the lines apart.
            if let Some(same) = out.iter().position(|s: &SeriesData| s.label == label) {
                self.warning(
                    &spath,
                    format!("`{name}` has the same label as `{}` in this chart: \"{label}\"", found[same].0),
                    "give each series of a chart its own `label`, or readers cannot tell the lines apart",
                );
            }
            out.push(SeriesData { label, unit: series.unit.clone(), points: series.points.clone() });
        }
        out
    }

    /// Each highlighted category must be one of the chart's.
    fn highlights(&mut self, path: &[PathSeg], c: &ChartSpec, series: &[SeriesData]) {
        let Some(first) = series.first() else { return };
        let categories: Vec<String> = first.points.iter().map(|p| p.0.to_string()).collect();
        for (i, h) in c.highlight.iter().enumerate() {
            if !categories.contains(h) {
                let hint = unknown_hint(
                    h,
                    categories.iter().map(String::as_str),
                    "highlight one of the chart's categories".to_string(),
                );
                self.error(&with(&with(path, key("highlight")), index(i)), format!("`{h}` is not in the chart"), hint);
            }
        }
    }

    /// Reference lines, their labels resolved (a number when none is given).
    fn references(&mut self, path: &[PathSeg], c: &ChartSpec) -> Vec<ReferenceLine> {
        let Some(r) = &c.reference else { return Vec::new() };
        let one = matches!(r, ReferenceLines::One(_));
        let mut lines = Vec::new();
        for (i, line) in r.lines().iter().enumerate() {
            let rpath = with(path, key("reference"));
            let lpath = if one { rpath } else { with(&rpath, index(i)) };
            if !line.y.is_finite() || line.y.abs() > MAX_MAGNITUDE {
                self.error(
                    &lpath,
                    format!("the reference line at {:e} is too large", line.y),
                    "reference lines mark a value on the chart's scale, e.g. `{\"y\": 30000}`",
                );
            }
            let label = match &line.label {
                Some(label) => self.text(&with(&lpath, key("label")), label, Markup::Values, true).plain(),
                None => format::number(line.y, &Spec::default()),
            };
            lines.push(ReferenceLine { y: line.y, label });
        }
        lines
    }
}
