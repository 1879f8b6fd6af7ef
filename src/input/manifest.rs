//! The briefing manifest (format 1) as written: a permissive serde tree of
//! plain structs, parsed with located errors (line:column and JSON path)
//! for bad JSON, unknown fields, wrong types and repeated keys.
//!
//! Whether the values make sense (sources that exist, dates, characters
//! the fonts lack, series and statistics, chart kinds) is decided later,
//! once, by `resolve`, which turns this tree into a typed `Briefing`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diag::{Diagnostic, PathSeg, format_path, index, key, suggest, with};
use crate::input::limits;

/// A briefing manifest (format 1): the text, sources, data series, charts
/// and tables of one PDF briefing.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The JSON Schema this file follows, for editors (`briefing schema`); ignored by the tool.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Always 1.
    pub format: u32,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub author: Option<String>,
    /// Protective marking shown in the header and footer, e.g. `OFFICIAL`.
    #[serde(default)]
    pub marking: Option<String>,
    #[serde(default = "default_lang")]
    pub lang: String,
    #[serde(default)]
    pub paper: Paper,
    /// Keywords for the PDF metadata.
    #[serde(default)]
    pub keywords: Vec<String>,
    pub sources: BTreeMap<String, Source>,
    /// Named data series, read from CSV files or derived from other series.
    #[serde(default)]
    pub data: BTreeMap<String, DataSpec>,
    #[serde(default)]
    pub summary: Vec<String>,
    #[serde(default)]
    pub key_figures: Vec<KeyFigure>,
    #[serde(default)]
    pub sections: Vec<Section>,
    /// Whether to end with the "Chart data" appendix: each figure's data as
    /// a table with its description, for readers who cannot see the charts.
    /// On by default; a one-page handout may leave it out.
    #[serde(default = "default_true")]
    pub chart_data: bool,
    /// The most pages the briefing may take, e.g. `2` for a two-page
    /// handout. To fit, charts without a `height` are drawn shorter first,
    /// then the chart-data appendix is left out (each figure's data stays
    /// attached to the PDF); when it still does not fit, a warning says how
    /// many pages it took and what takes the most room. `--pages` overrides it.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub pages: Option<u32>,
    /// The Markdown file holding the prose (summary points, sections,
    /// paragraphs, lists, quotes), relative to the manifest's folder, e.g.
    /// `"briefing.md"`. With it, `summary` and `sections` stay out of the
    /// manifest.
    #[serde(default)]
    pub text: Option<String>,
    /// Charts, tables and maps by id, placed in the Markdown text with
    /// `![](figure:id)`, e.g. `{"officers": {"chart": {...}}}`.
    #[serde(default)]
    pub figures: BTreeMap<String, Figure>,
}

impl Manifest {
    /// Every map with the JSON path of its spec: in `figures`, then in the
    /// sections' blocks, in the order written.
    pub fn maps(&self) -> Vec<(Vec<PathSeg>, &MapSpec)> {
        fn walk<'a>(sections: &'a [Section], path: &[PathSeg], out: &mut Vec<(Vec<PathSeg>, &'a MapSpec)>) {
            for (i, s) in sections.iter().enumerate() {
                let spath = with(path, index(i));
                for (j, block) in s.blocks.iter().enumerate() {
                    if let Block::Map(spec) = block {
                        out.push((with(&with(&with(&spath, key("blocks")), index(j)), key("map")), spec));
                    }
                }
                walk(&s.sections, &with(&spath, key("sections")), out);
            }
        }
        let mut out: Vec<(Vec<PathSeg>, &MapSpec)> = self
            .figures
            .iter()
            .filter_map(|(id, f)| match f {
                Figure::Map(spec) => Some((vec![key("figures"), key(id), key("map")], spec)),
                _ => None,
            })
            .collect();
        walk(&self.sections, &[key("sections")], &mut out);
        out
    }
}

fn default_true() -> bool {
    true
}

fn default_lang() -> String {
    "en-GB".to_string()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Width and height in PDF points.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.2756, 841.8898),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// A publication that figures and quotes are taken from.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub publisher: String,
    pub title: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`: publishers often give only a month or year.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// A series declaration: read from a CSV file, or derived from two other series.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    pub label: String,
    #[serde(default)]
    pub unit: Option<String>,
    /// Source id(s); a derived series also rests on its inputs' sources.
    #[serde(default)]
    pub source: Option<SourceIds>,
    /// The data file, relative to the manifest's folder: CSV (`.csv`,
    /// `.csv.gz`) or a spreadsheet (`.ods`, `.xlsx`, `.xls`, with `sheet`).
    /// A CSV name may be a glob matching many files of one layout, e.g.
    /// `"police-uk/*/*-metropolitan-street.csv"` (`*` and `?` within a
    /// folder or file name, `**` for any folders); each x must then come
    /// from one file only.
    #[serde(default)]
    pub file: Option<String>,
    /// The column of x values (dates, months, years, financial years or
    /// categories). In a wide table (`wide`), a label column: the series
    /// then has one value per label, summed over the dated columns from
    /// `from` to `to`.
    #[serde(default)]
    pub x: Option<String>,
    /// The column of y values. Leave it out with `"aggregate": "count"`
    /// (one row per incident) and in a wide table.
    #[serde(default)]
    pub y: Option<String>,
    /// A wide table: one column per date, month or year, named by its
    /// header (`201004`, `2010-04`, `2010`); the other columns are labels
    /// for `where` (and for `x`).
    #[serde(default)]
    pub wide: bool,
    /// For a category `x` in a long table: the column of each row's date
    /// or month, bounded by `from` and `to`, e.g. `"Month"` in police.uk
    /// street-level files.
    #[serde(default)]
    pub date: Option<String>,
    /// Group dated rows into periods: `month`, `quarter`, `year` (calendar),
    /// `financial-year` (April to March, printed `2023/24`) or
    /// `year-ending-<month>` (`year-ending-march`: the twelve months to
    /// March, printed `Year ending March 2024`). Needs `aggregate`.
    #[serde(default)]
    pub period: Option<String>,
    /// What to do with a period (or a `from`-`to` range) missing some of
    /// its months: `error` (the default), `drop` (leave it out, with a
    /// warning naming it) or `keep` (keep it, printed with its months:
    /// `2023/24 (10 months)`).
    #[serde(default)]
    pub partial: Option<String>,
    /// What first-of-month dates in the file stand for: `month-end` reads
    /// `2022-03-01` as 31 March 2022 (the Home Office open data dates its
    /// 31 March counts this way).
    #[serde(default)]
    pub as_at: Option<String>,
    /// Keep only rows whose columns have these values: one value, e.g.
    /// `{"area_name": "Croydon"}`, any of a list, e.g.
    /// `{"name": {"in": ["Birmingham", "Coventry"]}}`, or any value but
    /// those listed, e.g. `{"borough": {"not": ["London Heathrow and
    /// London City Airports"]}}`. Every value named must occur in the file.
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, Match>,
    /// Combine the rows that share an x (or a period) into one point:
    /// `sum` or `mean` of `y`, or `count` of the rows (no `y`). For sums
    /// and means every member of an `in` list must have a row at every x;
    /// an empty cell in any of them makes the point a gap.
    #[serde(default)]
    pub aggregate: Option<Aggregate>,
    /// The file's text encoding when it is not UTF-8, e.g. `windows-1252`
    /// (as spreadsheets on Windows save "CSV"); any WHATWG label.
    #[serde(default)]
    pub encoding: Option<String>,
    /// `[a, b]`: a / b × scale.
    #[serde(default)]
    pub ratio: Option<[String; 2]>,
    /// `[a, b]`: a / b × scale, for "per 1,000 residents" figures.
    #[serde(default)]
    pub per_capita: Option<[String; 2]>,
    /// `[a, b]`: a − b.
    #[serde(default)]
    pub difference: Option<[String; 2]>,
    #[serde(default)]
    pub scale: Option<f64>,
    /// How x values of derived inputs are paired: `exact` (the same x, the
    /// default), `year` (the same calendar year: 31 March 2019 with mid-2019
    /// population) or `year-1` (the second series' previous year: 31 March
    /// 2019 with mid-2018).
    #[serde(default)]
    pub align: Option<String>,
    /// First and last x to keep (inclusive), in the data's own form.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Spreadsheet files (`.ods`, `.xlsx`, `.xls`): the sheet (tab) the
    /// table is on, e.g. `"Table_1"`.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Spreadsheets: the table's cells, header row first, e.g. `"A6:D63"`.
    /// Leaves out titles above, notes below and change columns beside it.
    /// Give this or `header`.
    #[serde(default)]
    pub range: Option<String>,
    /// Spreadsheets: the sheet row of the table's header, numbered from 1
    /// as the spreadsheet shows it; the table runs to the sheet's last row.
    /// Give this or `range`.
    #[serde(default)]
    pub header: Option<u32>,
    /// Wide tables (one row per area, x values across the header): the row
    /// holding the y values, by its label in a column, `{"A": "West
    /// Midlands"}` (column letter: label, compared without surrounding
    /// spaces or footnote markers), or by its sheet row number, `32`.
    /// x values are the header cells of the other columns.
    #[serde(default)]
    pub row: Option<RowChoice>,
    /// Wide tables: when the labels in `row` match several rows, which one,
    /// counting from 1 down the sheet (`2`: the second "West Midlands").
    #[serde(default)]
    pub occurrence: Option<u32>,
    /// Wide tables: header cells that are not x values, such as change
    /// columns, e.g. `["number", "%"]`.
    #[serde(default)]
    pub skip: Vec<String>,
    /// Several files of one table, oldest first (CSV files, globs of them,
    /// or editions of a spreadsheet table read with the same `sheet` and
    /// selection), merged into one series: where files share an x, the
    /// later one's value is used and a different value is reported as a
    /// revision. Each is a file name, or `{"file": ..., "header": 7}` (or
    /// `"range"`) for a spreadsheet edition whose table sits elsewhere on
    /// the sheet. Use instead of `file`.
    #[serde(default)]
    pub files: Vec<Edition>,
}

/// How a wide table's row is chosen: by its sheet row number or by labels.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RowChoice {
    /// The sheet row number, e.g. `32`.
    Number(u32),
    /// Column letter to label, e.g. `{"A": "West Midlands"}`.
    Labels(BTreeMap<String, String>),
}

/// One edition of a spreadsheet table: its file, and where its table is
/// when that differs from the series' `range` or `header`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum Edition {
    File(String),
    Placed(PlacedEdition),
}

// `RowChoice` and `Edition` are read by hand rather than as untagged enums:
// serde's untagged error ("data did not match any variant") names neither
// the misspelt field nor what was expected, and a manifest error must.

impl<'de> Deserialize<'de> for RowChoice {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RowChoice;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sheet row number or labels by column letter, e.g. {\"A\": \"Kent\"}")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RowChoice, E> {
                u32::try_from(n)
                    .map(RowChoice::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RowChoice, A::Error> {
                BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RowChoice::Labels)
            }
        }
        de.deserialize_any(Visitor)
    }
}

impl<'de> Deserialize<'de> for Edition {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Edition;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a file name or {\"file\": ..., \"range\": ...}")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Edition, E> {
                Ok(Edition::File(s.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Edition, A::Error> {
                PlacedEdition::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Edition::Placed)
            }
        }
        de.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacedEdition {
    pub file: String,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub header: Option<u32>,
}

/// What a `where` column must hold: one value, or any value of a list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "expected a value in quotes, e.g. \"Croydon\", a list of values, e.g. {\"in\": [\"Croydon\", \"Sutton\"]}, or values to leave out, e.g. {\"not\": [\"Heathrow\"]}"
)]
pub enum Match {
    /// Rows whose cell is this value.
    Value(String),
    /// Rows whose cell is any of these values.
    Any(AnyOf),
    /// Rows whose cell is none of these values.
    Not(NoneOf),
}

/// `{"not": [...]}`: values a `where` column must not hold.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoneOf {
    #[serde(rename = "not")]
    pub values: Vec<String>,
}

/// `{"in": [...]}`: the values a `where` column may hold.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnyOf {
    #[serde(rename = "in")]
    pub values: Vec<String>,
}

impl Match {
    /// The values a row's cell may hold: one, or the list.
    pub fn values(&self) -> &[String] {
        match self {
            Match::Value(value) => std::slice::from_ref(value),
            Match::Any(any) => &any.values,
            Match::Not(none) => &none.values,
        }
    }

    /// Whether the filter leaves values out rather than naming those to keep.
    pub fn excludes(&self) -> bool {
        matches!(self, Match::Not(_))
    }

    /// Which of the values `cell` is (cells are compared trimmed).
    pub fn position(&self, cell: &str) -> Option<usize> {
        let cell = cell.trim();
        self.values().iter().position(|v| v == cell)
    }

    /// Whether a row whose cell is `cell` is kept.
    pub fn keeps(&self, cell: &str) -> bool {
        self.position(cell).is_some() != self.excludes()
    }
}

/// How the rows that share an x are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// The total of `y` over the rows, e.g. the population of several areas.
    Sum,
    /// The mean of `y` over the rows.
    Mean,
    /// The number of rows (one row per incident or victim); takes no `y`.
    Count,
}

/// One source id or several.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SourceIds {
    One(String),
    Many(Vec<String>),
}

impl SourceIds {
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        match self {
            SourceIds::One(id) => std::slice::from_ref(id).iter(),
            SourceIds::Many(ids) => ids.iter(),
        }
        .map(String::as_str)
    }
}

/// A chart of one or more series.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// `line`, `column` or `bar`.
    pub kind: String,
    pub series: Vec<String>,
    /// A headline stating the finding.
    pub title: String,
    /// Measure, place and period.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The trend in words, for readers who cannot see the chart.
    pub alt: String,
    #[serde(default)]
    pub reference: Option<ReferenceLines>,
    /// Points to mark with their values: `max`, `min`, `latest`, `first`.
    #[serde(default)]
    pub annotate: Vec<String>,
    /// Where a line chart's value axis starts: fitted by default (`"auto"`) or a number; columns and bars start at 0.
    #[serde(default)]
    pub y_min: Option<serde_json::Value>,
    /// Height of the plot in points (80 to 600).
    #[serde(default)]
    pub height: Option<f32>,
    /// Categories drawn in the accent colour (bar charts).
    #[serde(default)]
    pub highlight: Vec<String>,
    /// Format of value labels, e.g. `.0`.
    #[serde(default)]
    pub format: Option<String>,
    /// How the chart's data table (in the appendix) lines up its series:
    /// `exact` (a row per x, the default), `year` (a row per calendar
    /// year, for dates beside years) or `year-1` (as `year`, with series of
    /// another kind of x than the first's shown in the following year's row).
    #[serde(default)]
    pub align: Option<String>,
    /// What the categories or times are, e.g. "Borough": the heading of
    /// the first column of the chart's data table (by default "Year",
    /// "Date", "Financial year" or "Category").
    #[serde(default)]
    pub x_label: Option<String>,
}

/// A choropleth map of one category series whose x are area names or
/// codes, drawn on a boundary set shipped with the tool or a GeoJSON file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MapSpec {
    /// One series of categories: area names (`Hammersmith and Fulham`) or codes (`E09000013`).
    pub series: Vec<String>,
    /// `london-boroughs`, `police-force-areas`, `local-authorities`, or a
    /// GeoJSON file of areas in longitude and latitude, relative to the
    /// manifest's folder (`"areas.geojson"`).
    pub boundaries: String,
    /// GeoJSON files: the feature property holding each area's name (by
    /// default `name`, or a key ending in `NM` such as `LAD23NM`).
    #[serde(default)]
    pub name_property: Option<String>,
    /// GeoJSON files: the feature property holding each area's code (by
    /// default `code`, or a key ending in `CD` such as `LAD23CD`).
    #[serde(default)]
    pub code_property: Option<String>,
    /// `local-authorities`: show only the districts of this police force
    /// area, by code or name (`"E23000029"`, `"Thames Valley"`).
    #[serde(default)]
    pub within: Option<String>,
    /// Areas of the set with no value: an error (`"error"`, the default),
    /// or drawn hatched and listed in the legend as no data (`"no-data"`).
    #[serde(default)]
    pub missing: Option<String>,
    /// How many classes of colour: 4 to 6 (default 5).
    #[serde(default)]
    pub classes: Option<u32>,
    /// How class breaks are found: `quantiles` (the default: about as many
    /// areas in each class) or `equal` (rounded equal steps).
    #[serde(default)]
    pub method: Option<String>,
    /// Class breaks fixed by the author, lowest first: 3 to 5 values
    /// making 4 to 6 classes; a value equal to a break is in the class above.
    #[serde(default)]
    pub breaks: Option<Vec<f64>>,
    /// Areas to outline (the area a briefing is about), by name or code.
    #[serde(default)]
    pub highlight: Vec<String>,
    /// Areas to name on the map (at most 8), by name or code. Labels that
    /// would overlap another are left out.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The most the map may be drawn tall, in points (100 to 330, the
    /// default); it is otherwise as large as its shape allows in the text width.
    #[serde(default)]
    pub height: Option<f32>,
    /// A headline stating the finding.
    pub title: String,
    /// Measure, place and period.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// What the map shows in words, for readers who cannot see it.
    pub alt: String,
    /// Format of the legend's numbers, e.g. `.1`.
    #[serde(default)]
    pub format: Option<String>,
    /// What the areas are, e.g. "Borough": the heading of the first column
    /// of the map's data table (by default "Area").
    #[serde(default)]
    pub x_label: Option<String>,
}

/// One reference line or several.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ReferenceLines {
    One(ReferenceLine),
    Many(Vec<ReferenceLine>),
}

impl ReferenceLines {
    pub fn lines(&self) -> &[ReferenceLine] {
        match self {
            ReferenceLines::One(line) => std::slice::from_ref(line),
            ReferenceLines::Many(lines) => lines,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceLine {
    pub y: f64,
    #[serde(default)]
    pub label: Option<String>,
}

/// A table of one or more series side by side, by x.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub series: Vec<String>,
    pub caption: String,
    /// Header of the first column; by default "Year", "Date", "Financial year" or "Category".
    #[serde(default)]
    pub x_label: Option<String>,
    /// `"year"` shows dates in the first column as their year alone
    /// (with an `x_label` such as "31 March" saying which day).
    #[serde(default)]
    pub x_format: Option<String>,
    /// Number formats per series column, e.g. `[".0", ".2"]`.
    #[serde(default)]
    pub formats: Vec<String>,
    /// How rows line up the series: `exact` (a row per x, the default),
    /// `year` (a row per calendar year, for dates beside years: 31 March
    /// 2019 beside mid-2019) or `year-1` (as `year`, with series of another
    /// kind of x than the first's shown in the following year's row: 31
    /// March 2019 beside mid-2018), to match a derived series' `align`.
    #[serde(default)]
    pub align: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub heading: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Subsections, numbered 1.1, 1.2, ... under this section.
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// A chart, a table or a map defined once in the manifest and placed in the
/// Markdown text by its id.
// Specs are parsed once per manifest and read in place; boxing the chart
// would only add indirection to every match on them.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Figure {
    Chart(ChartSpec),
    Table(TableSpec),
    Map(MapSpec),
}

#[allow(clippy::large_enum_variant)] // as for `Figure`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    Text(String),
    Quote(Quote),
    Chart(ChartSpec),
    Table(TableSpec),
    Map(MapSpec),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    /// Verbatim; paragraphs separated by a blank line (`\n\n`).
    pub text: String,
    pub speaker: String,
    pub role: String,
    pub source: String,
}

/// Deepest section nesting (1.1.1).
pub const MAX_SECTION_DEPTH: usize = 3;

/// Parses manifest text. `file` is the name used in diagnostics.
pub fn parse(file: &str, src: &str) -> Result<Manifest, Vec<Diagnostic>> {
    if src.starts_with('\u{feff}') {
        return Err(vec![
            Diagnostic::error(file, "the file starts with a byte-order mark")
                .at(Some((1, 1)))
                .hint("JSON requires UTF-8 without a byte-order mark; save the file as plain UTF-8"),
        ]);
    }
    if src.len() > limits::MANIFEST_BYTES {
        return Err(vec![too_large(file, src.len() as u64)]);
    }
    let (mut diags, long) = walk(file, src);
    if !long.is_empty() {
        // Refused before the typed parse copies them, or anything sets them.
        return Err(long);
    }
    let de = &mut serde_json::Deserializer::from_str(src);
    let manifest: Result<Manifest, _> = serde_path_to_error::deserialize(de).map_err(|err| {
        let path = match err.path().to_string().as_str() {
            "." => "$".to_string(),
            p => format!("$.{p}"),
        };
        let inner = err.inner();
        let at = byte_offset(src, inner.line(), inner.column());
        let mut position = Some(crate::diag::line_col(src, at));
        let diag = if inner.is_syntax() || inner.is_eof() {
            let message = strip_position(inner);
            match bare_quote(src, at).filter(|_| !message.starts_with("expected `:`")) {
                Some(quote) => {
                    position = Some(crate::diag::line_col(src, quote));
                    Diagnostic::error(file, "not valid JSON: this quotation mark ends the text, and more text follows")
                        .hint("write `\\\"` for a quotation mark inside text, or use typographic quotes “ ”")
                }
                None => Diagnostic::error(file, format!("not valid JSON: {message}"))
                    .hint("check for a missing comma, quote or bracket just before this point"),
            }
        } else {
            let message = plain_types(strip_position(inner));
            let hint = field_hint(&message).or_else(|| type_hint(&message).map(str::to_string));
            let d = Diagnostic::error(file, message).path(path);
            match hint {
                Some(h) => d.hint(h),
                None => d,
            }
        };
        diag.at(position)
    });
    match manifest {
        Ok(manifest) if diags.is_empty() => Ok(manifest),
        Ok(_) => Err(diags),
        // serde also stops at a repeated struct field: already reported above.
        Err(diag) if !diags.is_empty() && diag.message.starts_with("duplicate field") => Err(diags),
        Err(diag) => {
            diags.push(diag);
            Err(diags)
        }
    }
}

/// The error for a manifest of `size` bytes, over [`limits::MANIFEST_BYTES`].
pub fn too_large(file: &str, size: u64) -> Diagnostic {
    Diagnostic::error(
        file,
        format!(
            "the manifest is {} bytes, over the limit of {} for a manifest",
            limits::thousands(size),
            limits::bytes(limits::MANIFEST_BYTES as u64)
        ),
    )
    .at(Some((1, 1)))
    .hint("a manifest holds prose and declarations; put data in CSV or spreadsheet files and long prose in a Markdown `text` file")
}

/// One walk over the JSON, building nothing: every key repeated within
/// one object, as errors located at the repeat, and every string longer
/// than [`limits::TEXT_BYTES`]. serde silently keeps the last value of a
/// repeated key, so an author who pasted a second `"officers"` series
/// would lose the first without a word. Invalid JSON yields nothing past
/// the error here: the typed parse reports it.
fn walk(file: &str, src: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let found = Found::default();
    let de = &mut serde_json::Deserializer::from_str(src);
    // Only the problems collected so far matter; errors are the typed parse's to report.
    let _ = serde::de::DeserializeSeed::deserialize(Unique { path: Vec::new(), found: &found }, de);
    let repeated = found
        .repeated
        .into_inner()
        .into_iter()
        .map(|(path, key, n)| {
            let mut full = path.clone();
            full.push(PathSeg::Key(key.clone()));
            Diagnostic::error(file, format!("the key `{key}` appears more than once in this object"))
                .at(crate::diag::locate_key(src, &path, &key, n))
                .path(format_path(&full))
                .hint("JSON keeps only the last value of a repeated key; remove or rename one of them")
        })
        .collect();
    let long = found
        .long
        .into_inner()
        .into_iter()
        .map(|(path, len)| {
            Diagnostic::error(
                file,
                format!(
                    "this text is {} bytes, over the limit of {} for one text field",
                    limits::thousands(len as u64),
                    limits::bytes(limits::TEXT_BYTES as u64)
                ),
            )
            .at(crate::diag::locate(src, &path))
            .path(format_path(&path))
            .hint("split long prose into paragraphs (`blocks`), or write it in a Markdown `text` file")
        })
        .collect();
    (repeated, long)
}

/// What [`walk`] finds: repeated keys (object path, key, which occurrence)
/// and strings over the length limit (path, length in bytes).
#[derive(Default)]
struct Found {
    repeated: std::cell::RefCell<Vec<(Vec<PathSeg>, String, usize)>>,
    long: std::cell::RefCell<Vec<(Vec<PathSeg>, usize)>>,
}

/// A serde visitor that walks any JSON value and records what [`Found`]
/// holds instead of building anything.
struct Unique<'a> {
    path: Vec<PathSeg>,
    found: &'a Found,
}

impl<'de> serde::de::DeserializeSeed<'de> for Unique<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Unique<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        if s.len() > limits::TEXT_BYTES {
            self.found.long.borrow_mut().push((self.path, s.len()));
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq.next_element_seed(Unique { path: with(&self.path, index(i)), found: self.found })?.is_some() {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(k) = map.next_key::<String>()? {
            let count = seen.entry(k.clone()).or_default();
            if *count == 1 {
                self.found.repeated.borrow_mut().push((self.path.clone(), k.clone(), 1));
            }
            *count += 1;
            map.next_value_seed(Unique { path: with(&self.path, key(&k)), found: self.found })?;
        }
        Ok(())
    }
}

/// serde_json appends " at line L column C" to its messages; we show the position ourselves.
fn strip_position(err: &serde_json::Error) -> String {
    let msg = err.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

/// The byte offset of serde_json's 1-based line and column. serde counts
/// columns in bytes, and diagnostics in characters: after a `£` or a `“` on
/// the same line the two differ, so positions go through the offset.
fn byte_offset(src: &str, line: usize, column: usize) -> usize {
    let start = match line {
        0 | 1 => 0,
        n => src.match_indices('\n').nth(n - 2).map_or(src.len(), |(i, _)| i + 1),
    };
    let end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    src.floor_char_boundary((start + column.saturating_sub(1)).min(end))
}

/// The quotation mark that ended a string early, when the syntax error at
/// byte `at` is text running on after it, as in `"He said "no" to cuts"`.
/// serde points at the text after the quote, or (inside an enum such as a
/// block) at the quote itself.
fn bare_quote(src: &str, at: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let (quote, next) = if bytes.get(at) == Some(&b'"') {
        (at, at + 1)
    } else {
        let before = src[..at].trim_end_matches([' ', '\t']);
        (before.len().checked_sub(1).filter(|&q| bytes[q] == b'"')?, at)
    };
    let next = next + bytes[next.min(bytes.len())..].iter().take_while(|b| blank(b)).count();
    // Text, not the next value or punctuation a mistyped structure would
    // have, and the string's real closing quote still to come on the line.
    if bytes.get(next).is_none_or(|b| b"\",:{}[]\r\n".contains(b)) {
        return None;
    }
    let rest = src[next..].split('\n').next().unwrap_or_default();
    let word = rest.split([' ', '\t', ',', ']', '}']).next().unwrap_or_default();
    let after = rest[word.len()..].trim_start_matches([' ', '\t', '\r']);
    let value = serde_json::from_str::<serde_json::Value>(word).is_ok()
        && (after.is_empty() || after.starts_with([',', ']', '}']));
    if value || !rest.contains('"') {
        return None;
    }
    // The quote must close a string opened on its line (strings cannot span lines).
    let line_start = src[..quote].rfind('\n').map_or(0, |i| i + 1);
    let (mut open, mut escaped) = (false, false);
    for &b in &bytes[line_start..quote] {
        match b {
            _ if escaped => escaped = false,
            b'\\' if open => escaped = true,
            b'"' => open = !open,
            _ => {}
        }
    }
    open.then_some(quote)
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a hint.
fn field_hint(message: &str) -> Option<String> {
    let names: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (first, expected) = names.split_first()?;
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let what = if message.starts_with("unknown field") { "field" } else { "value" };
        return Some(match suggest(first, expected.iter().copied()) {
            Some(hint) => hint,
            None if expected.is_empty() => format!("no {what}s are allowed here"),
            None => format!("allowed: {}", expected.join(", ")),
        });
    }
    if message.starts_with("missing field") {
        return Some(format!("add the required field `{first}`"));
    }
    None
}

/// A hint for serde's "invalid type: ..., expected ..." by what was expected.
fn type_hint(message: &str) -> Option<&'static str> {
    let expected = message.strip_prefix("invalid type: ")?.split(", expected ").nth(1)?;
    Some(match expected {
        "a string" => "text is written in double quotes, e.g. \"2018-06-27\"",
        "f64" | "f32" | "u32" | "a number" => "write a number without quotes, e.g. 1000",
        e if e.starts_with("a sequence") || e.starts_with("an array") => {
            "write a list in brackets, e.g. [\"officers\"]"
        }
        e if e.starts_with("a map") || e.starts_with("struct") => {
            "write an object in braces, e.g. { \"label\": \"...\" }"
        }
        _ => "`briefing schema` prints every field with its type",
    })
}

/// serde names Rust types (`f64`, `u32`); an author knows numbers.
fn plain_types(message: String) -> String {
    ["f64", "f32", "u32"].iter().fold(message, |m, t| m.replace(&format!("expected {t}"), "expected a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "format": 1,
  "title": "T",
  "date": "2018-06-27",
  "sources": { "a": { "publisher": "P", "title": "S", "url": "https://example.org/" } },
  "summary": ["One [@a]."]
}"#;

    #[test]
    fn unknown_field_is_located_with_a_hint() {
        let src = MINIMAL.replace("\"title\": \"T\"", "\"titel\": \"T\"");
        let d = &parse("m.json", &src).unwrap_err()[0];
        assert_eq!(d.position, Some((3, 9)));
        assert_eq!(d.path, "$.titel");
        assert!(d.message.contains("unknown field `titel`"), "{}", d.message);
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let d = &parse("m.json", "{\n  \"format\": 1,\n  \"title\" \"x\"\n}").unwrap_err()[0];
        assert!(d.message.starts_with("not valid JSON"));
        assert_eq!(d.position, Some((3, 11)));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_repeat() {
        let src = MINIMAL.replace(
            "\"a\": { \"publisher\"",
            "\"a\": { \"publisher\": \"Q\", \"title\": \"R\" },\n    \"a\": { \"publisher\"",
        );
        let diags = parse("m.json", &src).unwrap_err();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].path, "$.sources.a");
        assert_eq!(diags[0].position, Some((6, 5)));
        assert!(diags[0].message.contains("`a` appears more than once"), "{}", diags[0].message);
        // A repeated field of a struct is found too, with the typed parse's own complaint.
        let src = MINIMAL.replace("\"title\": \"T\",", "\"title\": \"T\", \"title\": \"U\",");
        let diags = parse("m.json", &src).unwrap_err();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].path, "$.title");
        assert_eq!(diags[0].position, Some((3, 17)));
    }

    /// Regression: a bare `"` inside text got the generic "missing comma" hint.
    #[test]
    fn a_bare_quote_inside_text_is_pointed_at_with_a_hint() {
        let cases = [
            ("\"summary\": [\"He said \"no\" to cuts\"]", (6, 24)),
            ("\"summary\": [\"5\" tall\"]", (6, 17)),
            ("\"summary\": [\"He said \"5 times\" more\"]", (6, 24)),
            ("\"summary\": [\"\"Quoted\" first\"]", (6, 16)),
            // A block is an enum: serde stops at the quote rather than after it.
            (
                "\"summary\": [\"S\"], \"sections\": [{\"heading\": \"H\", \"blocks\": [{\"text\": \"a \"b\" c\"}]}]",
                (6, 74),
            ),
        ];
        for (summary, at) in cases {
            let src = MINIMAL.replace("\"summary\": [\"One [@a].\"]", summary);
            let d = &parse("m.json", &src).unwrap_err()[0];
            assert_eq!(d.position, Some(at), "{summary}");
            assert_eq!(src.lines().nth(at.0 - 1).unwrap().chars().nth(at.1 - 1), Some('"'), "{summary}");
            assert!(d.message.contains("this quotation mark ends the text"), "{summary}: {}", d.message);
            assert_eq!(
                d.hint.as_deref(),
                Some("write `\\\"` for a quotation mark inside text, or use typographic quotes “ ”"),
                "{summary}"
            );
        }
        let src = MINIMAL.replace("\"title\": \"T\"", "\"title\": \"He said \"no\" to cuts\"");
        assert_eq!(parse("m.json", &src).unwrap_err()[0].position, Some((3, 21)));
        // Missing commas and colons are not quotes inside text.
        for broken in [
            "\"summary\": [\"a\" \"b\"]",
            "\"summary\": [\"a\"\n \"b\"]",
            "\"summary\" [\"a\"]",
            "\"summary\": [\"a\" 1]",
        ] {
            let src = MINIMAL.replace("\"summary\": [\"One [@a].\"]", broken);
            let d = &parse("m.json", &src).unwrap_err()[0];
            assert!(d.hint.as_deref().unwrap().starts_with("check for a missing comma"), "{broken}: {d:?}");
        }
    }

    /// Regression: serde counts columns in bytes, so an error after a `£`
    /// or a typographic quote on the same line was placed too far right.
    #[test]
    fn json_columns_count_characters() {
        let src = MINIMAL.replace("\"title\": \"T\",", "\"title\": \"“£” x\" \"y\",");
        let d = &parse("m.json", &src).unwrap_err()[0];
        assert_eq!(d.position, Some((3, 20)));
        assert_eq!(src.lines().nth(2).unwrap().chars().nth(19), Some('"'));
        let src = MINIMAL
            .replace("\"format\": 1", "\"format\": \"£1\"")
            .replace("\"title\": \"T\"", "\"title\": \"££\", \"paper\": 5");
        let d = &parse("m.json", &src).unwrap_err()[0];
        // serde places type errors at the end of the value: its closing quote.
        assert!(d.message.contains("invalid type"), "{d:?}");
        assert_eq!(d.position, Some((2, 16)));
        assert_eq!(src.lines().nth(1).unwrap().chars().nth(15), Some('"'));
    }

    /// An edition or a row written wrongly is named with what was expected,
    /// not serde's "did not match any variant".
    #[test]
    fn spreadsheet_editions_and_rows_are_explained() {
        let series = |fields: &str| {
            MINIMAL.replace(
                "\"summary\"",
                &format!("\"data\": {{\"o\": {{\"label\": \"O\", \"sheet\": \"T\", {fields}}}}},\n  \"summary\""),
            )
        };
        let src = series(r#""files": ["a.ods", {"file": "b.ods", "rnage": "A7:D64"}], "row": {"A": "Kent"}"#);
        let d = &parse("m.json", &src).unwrap_err()[0];
        assert_eq!(d.path, "$.data.o.files[1].rnage");
        assert_eq!(d.hint.as_deref(), Some("did you mean `range`?"));
        let src = series(r#""file": "a.ods", "row": "Kent""#);
        let d = &parse("m.json", &src).unwrap_err()[0];
        assert_eq!(d.path, "$.data.o.row");
        assert!(d.message.contains("expected a sheet row number or labels by column letter"), "{}", d.message);
        let src = series(r#""files": ["a.ods", {"file": "b.ods", "header": 7}], "row": 32"#);
        let m = parse("m.json", &src).unwrap();
        assert!(matches!(m.data["o"].row, Some(RowChoice::Number(32))));
        assert!(matches!(&m.data["o"].files[1], Edition::Placed(PlacedEdition { header: Some(7), .. })));
    }

    /// Regression: of two fields equally close to a misspelt one, the hint
    /// named whichever serde listed first.
    #[test]
    fn equally_close_fields_are_all_suggested() {
        let hint = field_hint("unknown field `form`, expected one of `from`, `format`, `to`");
        assert_eq!(hint.as_deref(), Some("did you mean `format` or `from`?"));
        let hint = field_hint("unknown field `titel`, expected one of `title`, `date`");
        assert_eq!(hint.as_deref(), Some("did you mean `title`?"));
    }
}
