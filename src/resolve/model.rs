//! The typed briefing that `resolve` produces and `compose` consumes: every
//! string already parsed into inlines with its values evaluated and its
//! citations known, every setting an enum or a number. Nothing here is a
//! raw string from the manifest that still needs checking.

use std::collections::BTreeMap;

use crate::analyse::format::Spec;
use crate::input::manifest::{Paper, Source};
use crate::input::x::X;

/// A briefing that passed every check, ready to compose.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub title: Text,
    pub subtitle: Option<Text>,
    /// The publication date as written, `YYYY-MM-DD` (checked).
    pub date: String,
    pub author: Option<String>,
    /// Protective marking; `None` when absent or blank.
    pub marking: Option<String>,
    pub lang: String,
    pub paper: Paper,
    pub keywords: Vec<String>,
    /// Every source by id; all of them exist and their fields are checked.
    pub sources: BTreeMap<String, Source>,
    pub summary: Vec<Text>,
    pub key_figures: Vec<KeyFigure>,
    pub sections: Vec<Section>,
    /// Whether to end with the chart-data appendix.
    pub chart_data: bool,
    /// The most pages the briefing may take (1 or more), if the author set a budget.
    pub pages: Option<usize>,
}

/// Prose parsed into inlines, values already evaluated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub inlines: Vec<Inline>,
}

/// One piece of resolved prose.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Literal text in the given emphasis.
    Text { text: String, bold: bool, italic: bool },
    /// A computed value, already formatted ("30,390"), in the emphasis around it.
    Value { text: String, bold: bool, italic: bool },
    /// A citation of sources that exist, in the order written.
    Cite(Vec<String>),
    /// Words that link to a web address (from Markdown `[text](https://…)`).
    Link { text: String, url: String, bold: bool, italic: bool },
}

impl Text {
    /// Text written as is, with no markup.
    pub fn literal(text: impl Into<String>) -> Text {
        Text { inlines: vec![Inline::Text { text: text.into(), bold: false, italic: false }] }
    }

    /// The words a reader sees, without emphasis or citation numbers, with
    /// runs of white space collapsed: for PDF metadata, the outline,
    /// footers and the plain-text summary.
    pub fn plain(&self) -> String {
        let joined: String = self
            .inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Text { text, .. } | Inline::Value { text, .. } | Inline::Link { text, .. } => {
                    Some(text.as_str())
                }
                Inline::Cite(_) => None,
            })
            .collect();
        joined.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A figure in the key-figures panel.
#[derive(Debug, Clone)]
pub struct KeyFigure {
    pub value: Text,
    pub label: Text,
    /// Cited after the label: the literal's `source`, or the sources of the
    /// series its value is computed from.
    pub sources: Vec<String>,
}

/// A numbered section and its subsections.
#[derive(Debug, Clone)]
pub struct Section {
    pub heading: Text,
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
}

/// One block of a section, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Text),
    /// Bullet points (from the Markdown text).
    List(Vec<Text>),
    Quote(Quote),
    Chart(Box<Chart>),
    Table(Table),
    Map(Box<Map>),
}

/// A quotation, printed verbatim.
#[derive(Debug, Clone)]
pub struct Quote {
    /// Paragraphs as written, line breaks inside a paragraph turned into spaces.
    pub paragraphs: Vec<String>,
    pub speaker: String,
    pub role: String,
    pub source: String,
}

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Line,
    Column,
    Bar,
}

impl ChartKind {
    pub const NAMES: [&str; 3] = ["line", "column", "bar"];

    pub fn parse(s: &str) -> Option<ChartKind> {
        match s {
            "line" => Some(ChartKind::Line),
            "column" => Some(ChartKind::Column),
            "bar" => Some(ChartKind::Bar),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Line => "line",
            ChartKind::Column => "column",
            ChartKind::Bar => "bar",
        }
    }
}

/// A point of a chart to mark with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    Max,
    Min,
    Latest,
    First,
}

impl Annotation {
    pub const NAMES: [&str; 4] = ["max", "min", "latest", "first"];

    pub fn parse(s: &str) -> Option<Annotation> {
        match s {
            "max" => Some(Annotation::Max),
            "min" => Some(Annotation::Min),
            "latest" => Some(Annotation::Latest),
            "first" => Some(Annotation::First),
            _ => None,
        }
    }
}

/// Where the value axis starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AxisStart {
    /// At zero: always for columns and bars, or when a line chart asks.
    Zero,
    /// Fitted to the data (the default for line charts); the axis then shows where it starts.
    Auto,
    /// At a given value.
    At(f64),
}

/// How the rows of a table (or a chart's data table) line up series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowAlign {
    /// A row per distinct x; every series must have the same kind of x.
    #[default]
    Exact,
    /// A row per calendar year, for series of dates and of years together.
    Year,
    /// A row per calendar year, with each series whose x are of another
    /// kind than the first series' shown one row later: its year Y beside
    /// the first series' year Y + 1 (mid-2018 population beside officers at
    /// 31 March 2019), as `year-1` pairs them for derived series.
    PreviousYear,
}

/// A series as a chart or table shows it: its label as resolved, its unit
/// and its points.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    pub label: String,
    pub unit: String,
    pub points: Vec<(X, Option<f64>)>,
}

/// A horizontal reference line.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceLine {
    pub y: f64,
    pub label: String,
}

/// A chart with its data, checked and typed.
#[derive(Debug, Clone)]
pub struct Chart {
    pub kind: ChartKind,
    pub series: Vec<SeriesData>,
    pub title: Text,
    pub subtitle: Option<Text>,
    pub alt: Text,
    pub references: Vec<ReferenceLine>,
    pub annotate: Vec<Annotation>,
    pub axis_start: AxisStart,
    /// Height of the plot in points, when the author set one (80 to 600).
    pub height: Option<f32>,
    /// Categories drawn in the accent colour; each is in the chart.
    pub highlight: Vec<String>,
    /// Format of value labels and of the chart's data table.
    pub format: Spec,
    /// Sources of the series, in order, without repeats.
    pub sources: Vec<String>,
    /// The chart's data, lined up by x, for the chart-data appendix.
    pub data: TableData,
}

/// A table of series side by side, checked and typed.
#[derive(Debug, Clone)]
pub struct Table {
    pub caption: Text,
    pub data: TableData,
    /// Sources of the series, in order, without repeats.
    pub sources: Vec<String>,
}

/// Rows of values lined up by x: the first column's heading and labels, one
/// column per series with its heading and number format.
#[derive(Debug, Clone, PartialEq)]
pub struct TableData {
    pub x_header: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub format: Spec,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The x as readers see it ("31 March 2018", "2018", "Croydon").
    pub label: String,
    /// One value per column; `None` where the series has no value.
    pub values: Vec<Option<f64>>,
}

/// A choropleth map, checked and typed: every area of its boundary set (or
/// of the part it shows) with its value and class, and the classes'
/// ranges for the legend.
#[derive(Debug, Clone)]
pub struct Map {
    pub title: Text,
    pub subtitle: Option<Text>,
    pub alt: Text,
    /// The areas in drawing order (the set's order), each once.
    pub areas: Vec<MapArea>,
    /// The classes, lowest first.
    pub classes: Vec<Class>,
    /// What the values are, for the legend's heading: the series' label and unit.
    pub measure: String,
    /// The most the map may be drawn tall, when the author set it (points).
    pub height: Option<f32>,
    /// Sources of the series, in order, without repeats.
    pub sources: Vec<String>,
    /// "Boundaries: ..." with the licence's attribution, for the source line.
    pub boundaries: String,
    /// Every area's value, highest first, for the chart-data appendix.
    pub data: TableData,
}

/// An area of a map: who it is, its outline in National Grid metres, and
/// what the map shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea {
    pub code: String,
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
    /// `None` where the area has no value (drawn hatched, "no data").
    pub value: Option<f64>,
    /// Index into the map's classes; `None` with no value.
    pub class: Option<usize>,
    /// Outlined: the area the briefing is about.
    pub highlight: bool,
    /// Named on the map.
    pub label: bool,
}

/// A class of a map's values: the legend's words for it ("4.3–5.1") and
/// the range of values it holds, `low` inclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub label: String,
    pub low: f64,
    pub high: f64,
}
