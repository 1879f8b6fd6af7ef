//! Composing the document model from a validated manifest: numbered headings,
//! styled spans from the inline markup, citations numbered in order of first
//! use, and the reference list.
//!
//! Nothing here knows about pages or positions; that is the layout's job.

use std::cell::RefCell;

use crate::analyse::Analysis;
use crate::analyse::format;
use crate::analyse::stats::X;
use crate::input::manifest::{self, Manifest, Paper};
use crate::input::markup::{self, Inline};
use crate::text::fonts::Face;
use crate::text::linebreak::{Color, Link, Span};

/// A briefing ready to be laid out.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub subtitle: Option<String>,
    /// The date as readers see it, e.g. "27 June 2018".
    pub date: String,
    pub author: Option<String>,
    pub marking: Option<String>,
    pub lang: String,
    pub paper: Paper,
    pub keywords: Vec<String>,
    pub blocks: Vec<Block>,
}

/// One block of the document body, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    KeyFigures(Vec<KeyFigure>),
    /// `number` is "1", "1.2", ... or None for unnumbered headings ("Summary").
    Heading {
        number: Option<String>,
        level: usize,
        text: Vec<Span>,
    },
    Paragraph(Vec<Span>),
    Bullets(Vec<Vec<Span>>),
    Quote {
        paragraphs: Vec<Vec<Span>>,
        attribution: Vec<Span>,
    },
    Table(Table),
    Figure(Box<Figure>),
    References(Vec<Reference>),
}

/// A numbered chart with its title, subtitle and source line.
#[derive(Debug, Clone)]
pub struct Figure {
    pub number: usize,
    /// "Figure 1: ..." as styled spans.
    pub title: Vec<Span>,
    pub subtitle: Option<Vec<Span>>,
    pub chart: ChartData,
    /// Height of the chart itself, in points.
    pub height: f32,
    pub source: Vec<Span>,
    /// The trend in words; printed with the chart's data in the appendix.
    pub alt: Vec<Span>,
    /// The series shown, for the appendix table.
    pub series: Vec<String>,
    pub plain_title: String,
    /// The number format of the chart's labels, used for its data table too.
    pub format: Option<String>,
}

/// A table of series side by side: text cells, numbers already formatted.
#[derive(Debug, Clone)]
pub struct Table {
    /// "Table 1: ..." as styled spans.
    pub caption: Vec<Span>,
    /// Column headings; the first is the x column.
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// "Source: ..." with citations.
    pub source: Vec<Span>,
}

/// Shown in a table cell where a series has no value (GSS convention).
pub const NOT_AVAILABLE: &str = "[x]";

#[derive(Debug, Clone)]
pub struct KeyFigure {
    pub value: String,
    pub label: Vec<Span>,
}

/// An entry of the numbered reference list.
#[derive(Debug, Clone)]
pub struct Reference {
    pub number: usize,
    pub publisher: String,
    pub title: String,
    pub date: Option<String>,
    pub url: Option<String>,
}

/// What a chart shows, with values already taken from the data.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub kind: Kind,
    pub series: Vec<ChartSeries>,
    /// Horizontal reference lines: value and label.
    pub references: Vec<(f64, String)>,
    /// Points to mark and label: "max", "min", "latest", "first".
    pub annotate: Vec<String>,
    /// `None`: start the value axis at zero; `Some(None)`: fit it to the data
    /// (the axis then shows where it starts); `Some(Some(v))`: start at `v`.
    pub y_min: Option<Option<f64>>,
    /// Categories drawn in the accent colour (bar charts).
    pub highlight: Vec<String>,
    /// Format for value labels.
    pub format: format::Spec,
    /// The unit shown above the value axis.
    pub unit: String,
    /// Use the grey palette and strong dashes.
    pub gray: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Column,
    Bar,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    pub label: String,
    pub points: Vec<(X, Option<f64>)>,
}

/// Builds the document model. The manifest and its values must have passed validation.
pub fn compose(m: &Manifest, analysis: &Analysis) -> Document {
    let c = Composer {
        m,
        analysis,
        cited: RefCell::new(Vec::new()),
        tables: RefCell::new(0),
        figures_count: RefCell::new(0),
        figures: RefCell::new(Vec::new()),
    };
    let mut blocks = Vec::new();
    if !m.key_figures.is_empty() {
        blocks.push(Block::KeyFigures(m.key_figures.iter().map(|kf| c.key_figure(kf)).collect()));
    }
    if !m.summary.is_empty() {
        blocks.push(Block::Heading { number: None, level: 1, text: vec![Span::new("Summary", Face::SansBold)] });
        blocks.push(Block::Bullets(m.summary.iter().map(|s| c.spans(s, Family::Serif)).collect()));
    }
    for (i, section) in m.sections.iter().enumerate() {
        c.section(section, &[i + 1], &mut blocks);
    }
    if m.chart_data {
        c.chart_data(&c.figures.borrow(), &mut blocks);
    }
    // Sources never cited still appear, after the cited ones.
    for id in m.sources.keys() {
        c.number(id);
    }
    let references: Vec<Reference> = c
        .cited
        .borrow()
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let s = &m.sources[id];
            Reference {
                number: i + 1,
                publisher: s.publisher.clone(),
                title: s.title.clone(),
                date: s.date.as_deref().map(format::date),
                url: s.url.clone(),
            }
        })
        .collect();
    if !references.is_empty() {
        blocks.push(Block::Heading { number: None, level: 1, text: vec![Span::new("References", Face::SansBold)] });
        blocks.push(Block::References(references));
    }
    Document {
        title: m.title.clone(),
        subtitle: m.subtitle.clone(),
        date: format::date(&m.date),
        author: m.author.clone(),
        marking: m.marking.clone().filter(|s| !s.trim().is_empty()),
        lang: m.lang.clone(),
        paper: m.paper,
        keywords: m.keywords.clone(),
        blocks,
    }
}

#[derive(Clone, Copy)]
enum Family {
    Serif,
    Sans,
}

struct Composer<'a> {
    m: &'a Manifest,
    analysis: &'a Analysis,
    /// Source ids in order of first citation: reference n is `cited[n - 1]`.
    cited: RefCell<Vec<String>>,
    /// Tables numbered so far.
    tables: RefCell<usize>,
    /// Figures numbered so far, and the figures themselves for the chart-data appendix.
    figures_count: RefCell<usize>,
    figures: RefCell<Vec<Figure>>,
}

/// Every source behind some series, in order, without repeats.
fn series_sources(series: &[&crate::analyse::stats::Series]) -> Vec<String> {
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

impl Composer<'_> {
    /// The reference number of a source, numbering it on first use.
    fn number(&self, id: &str) -> Option<usize> {
        if !self.m.sources.contains_key(id) {
            return None;
        }
        let mut cited = self.cited.borrow_mut();
        match cited.iter().position(|c| c == id) {
            Some(i) => Some(i + 1),
            None => {
                cited.push(id.to_string());
                Some(cited.len())
            }
        }
    }

    fn key_figure(&self, kf: &manifest::KeyFigure) -> KeyFigure {
        let value: String = self.spans(&kf.value, Family::Sans).into_iter().map(|s| s.text).collect();
        let mut label = self.spans(&kf.label, Family::Sans);
        // A literal cites its source; a computed figure cites the sources of its series.
        let ids: Vec<String> = match &kf.source {
            Some(id) => vec![id.clone()],
            None => self.value_sources(&kf.value),
        };
        self.cite(&mut label, &ids, Face::Sans);
        KeyFigure { value, label }
    }

    /// Sources of every computed value in a string, in order, without repeats.
    fn value_sources(&self, text: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for inline in markup::parse(text).unwrap_or_default() {
            if let Inline::Value { expr, .. } = inline
                && let Ok(v) = self.analysis.eval(&expr)
            {
                ids.extend(v.sources.into_iter().filter(|s| !ids.contains(s)).collect::<Vec<_>>());
            }
        }
        ids
    }

    fn table(&self, t: &manifest::TableSpec) -> Block {
        *self.tables.borrow_mut() += 1;
        let label = format!("Table {}: ", *self.tables.borrow());
        let caption = self.caption(&label, &t.caption);
        let year_only = t.x_format.as_deref() == Some("year");
        Block::Table(self.table_of(caption, &t.series, t.x_label.as_deref(), year_only, &t.formats))
    }

    /// "Table 1: " or "Figure 1: " in bold, then the caption text.
    fn caption(&self, label: &str, text: &str) -> Vec<Span> {
        let mut caption = vec![Span::new(label, Face::SansBold)];
        caption.extend(self.spans(text, Family::Sans).into_iter().map(|s| Span { face: Face::SansBold, ..s }));
        caption
    }

    /// A table of the named series side by side, by x, with its source line.
    fn table_of(
        &self,
        caption: Vec<Span>,
        names: &[String],
        x_label: Option<&str>,
        year_only: bool,
        formats: &[String],
    ) -> Table {
        let series: Vec<_> = names.iter().filter_map(|name| self.analysis.series.get(name)).collect();
        // Rows: every x of every series, in the order first seen (time series are sorted).
        let mut xs: Vec<&X> = Vec::new();
        for s in &series {
            for (x, _) in &s.points {
                if !xs.contains(&x) {
                    xs.push(x);
                }
            }
        }
        if xs.iter().all(|x| x.is_time()) {
            xs.sort_by(|a, b| a.time_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        }
        let specs: Vec<format::Spec> = (0..series.len())
            .map(|i| formats.get(i).and_then(|f| format::parse_spec(f).ok()).unwrap_or_default())
            .collect();
        let rows: Vec<Vec<String>> = xs
            .iter()
            .map(|x| {
                let label = match x {
                    X::Date { year, .. } if year_only => year.to_string(),
                    _ => format::x_label(&x.to_string()),
                };
                let mut row = vec![label];
                for (s, spec) in series.iter().zip(&specs) {
                    let value = s.points.iter().find(|(px, _)| px == *x).and_then(|p| p.1);
                    row.push(value.map_or(NOT_AVAILABLE.to_string(), |v| format::number(v, spec)));
                }
                row
            })
            .collect();
        let default_label = match xs.first() {
            Some(X::Date { .. }) => "Date",
            Some(X::Year(_)) => "Year",
            Some(X::FinancialYear(_)) => "Financial year",
            _ => "Category",
        };
        let mut header = vec![x_label.unwrap_or(default_label).to_string()];
        header.extend(
            series
                .iter()
                .map(|s| if s.unit.is_empty() { s.label.clone() } else { format!("{} ({})", s.label, s.unit) }),
        );
        let mut source = self.source_line(&series_sources(&series));
        if rows.iter().flatten().any(|c| c == NOT_AVAILABLE) {
            source.push(Span::new(format!(". {NOT_AVAILABLE} = not available."), Face::Sans).color(Color::GREY));
        }
        Table { caption, header, rows, source }
    }

    /// "Source: Publisher, Title; ... [1, 2]" for tables and figures.
    fn source_line(&self, ids: &[String]) -> Vec<Span> {
        let publishers: Vec<String> =
            ids.iter().map(|id| format!("{}, {}", self.m.sources[id].publisher, self.m.sources[id].title)).collect();
        let mut source = vec![Span::new(format!("Source: {}", publishers.join("; ")), Face::Sans).color(Color::GREY)];
        self.cite(&mut source, ids, Face::Sans);
        source
    }

    fn figure(&self, c: &manifest::ChartSpec) -> Figure {
        *self.figures_count.borrow_mut() += 1;
        let number = *self.figures_count.borrow();
        let series: Vec<_> = c.series.iter().filter_map(|name| self.analysis.series.get(name)).collect();
        let kind = match c.kind.as_str() {
            "column" => Kind::Column,
            "bar" => Kind::Bar,
            _ => Kind::Line,
        };
        let y_min = match &c.y_min {
            Some(serde_json::Value::String(_)) => Some(None),
            Some(serde_json::Value::Number(n)) => Some(n.as_f64()),
            _ => None,
        };
        let references = c
            .reference
            .iter()
            .flat_map(|r| r.lines())
            .map(|r| (r.y, r.label.clone().unwrap_or_else(|| format::number(r.y, &format::Spec::default()))))
            .collect();
        // The value axis says what is measured: the series and its unit when
        // there is one series, the shared unit when there are several.
        let unit = match series.as_slice() {
            [one] if one.unit.is_empty() => one.label.clone(),
            [one] => format!("{} ({})", one.label, one.unit),
            many => many.first().map(|s| s.unit.clone()).unwrap_or_default(),
        };
        let data = ChartData {
            kind,
            series: series.iter().map(|s| ChartSeries { label: s.label.clone(), points: s.points.clone() }).collect(),
            references,
            annotate: c.annotate.clone(),
            y_min,
            highlight: c.highlight.clone(),
            format: c.format.as_deref().and_then(|f| format::parse_spec(f).ok()).unwrap_or_default(),
            unit: if kind == Kind::Bar { String::new() } else { unit },
            gray: false,
        };
        let default_height = match kind {
            Kind::Bar => 14.0 * series.first().map_or(1, |s| s.points.len()) as f32,
            _ => 190.0,
        };
        Figure {
            number,
            title: self.caption(&format!("Figure {number}: "), &c.title),
            subtitle: c.subtitle.as_deref().map(|s| self.spans(s, Family::Sans)),
            chart: data,
            height: c.height.unwrap_or(default_height).clamp(80.0, 600.0),
            source: self.source_line(&series_sources(&series)),
            alt: self.spans(&c.alt, Family::Serif),
            series: c.series.clone(),
            plain_title: self.spans(&c.title, Family::Sans).into_iter().map(|s| s.text).collect(),
            format: c.format.clone(),
        }
    }

    /// The appendix: every figure's data as a table, with its description.
    fn chart_data(&self, figures: &[Figure], blocks: &mut Vec<Block>) {
        if figures.is_empty() {
            return;
        }
        blocks.push(Block::Heading { number: None, level: 1, text: vec![Span::new("Chart data", Face::SansBold)] });
        for f in figures {
            let caption = vec![Span::new(format!("Figure {}: {}", f.number, f.plain_title), Face::SansBold)];
            let mut description = vec![Span::new(format!("Figure {}. ", f.number), Face::SerifBold)];
            description.extend(f.alt.iter().cloned());
            blocks.push(Block::Paragraph(description));
            // The same format as the chart's labels, so the table reads like the chart.
            let formats = vec![f.format.clone().unwrap_or_default(); f.series.len()];
            blocks.push(Block::Table(self.table_of(caption, &f.series, None, false, &formats)));
        }
    }

    /// Adds a section's heading and blocks; `number` is its position, e.g. [1, 2] for 1.2.
    fn section(&self, s: &manifest::Section, number: &[usize], blocks: &mut Vec<Block>) {
        let label = number.iter().map(usize::to_string).collect::<Vec<_>>().join(".");
        blocks.push(Block::Heading {
            number: Some(label),
            level: number.len(),
            text: self.spans(&s.heading, Family::Sans),
        });
        for block in &s.blocks {
            match block {
                manifest::Block::Text(t) => blocks.push(Block::Paragraph(self.spans(t, Family::Serif))),
                manifest::Block::Quote(q) => blocks.push(self.quote(q)),
                manifest::Block::Table(t) => blocks.push(self.table(t)),
                manifest::Block::Chart(c) => {
                    let figure = self.figure(c);
                    self.figures.borrow_mut().push(figure.clone());
                    blocks.push(Block::Figure(Box::new(figure)));
                }
            }
        }
        for (i, sub) in s.sections.iter().enumerate() {
            self.section(sub, &[number, &[i + 1]].concat(), blocks);
        }
    }

    fn quote(&self, q: &manifest::Quote) -> Block {
        // Quote text is verbatim: no markup is interpreted.
        let paragraphs = q
            .text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| vec![Span::new(p.replace('\n', " "), Face::SerifItalic)])
            .collect();
        let mut attribution =
            vec![Span::new(format!("— {}, {}", q.speaker.trim(), q.role.trim()), Face::Sans).color(Color::GREY)];
        self.cite(&mut attribution, std::slice::from_ref(&q.source), Face::Sans);
        Block::Quote { paragraphs, attribution }
    }

    /// Turns marked-up prose into styled spans.
    fn spans(&self, text: &str, family: Family) -> Vec<Span> {
        let face_for = |bold: bool, italic: bool| match family {
            Family::Serif => Face::body(bold, italic),
            Family::Sans => Face::sans(bold),
        };
        let mut spans = Vec::new();
        // Validation has already reported syntax errors; fall back to literal text.
        let inlines = markup::parse(text)
            .unwrap_or_else(|_| vec![Inline::Text { text: text.to_string(), bold: false, italic: false }]);
        for inline in inlines {
            match inline {
                Inline::Text { text, bold, italic } => spans.push(Span::new(text, face_for(bold, italic))),
                Inline::Cite(ids) => self.cite(&mut spans, &ids, face_for(false, false)),
                Inline::Value { expr, bold, italic } => {
                    // Validation has evaluated every value; the reader never sees a template.
                    let text = self.analysis.eval(&expr).map(|v| v.text).unwrap_or_default();
                    spans.push(Span::new(text, face_for(bold, italic)));
                }
            }
        }
        spans
    }

    /// Appends "[1, 3]" with each number linked to its reference. The space
    /// before the citation becomes non-breaking so a line never starts with it.
    fn cite(&self, spans: &mut Vec<Span>, ids: &[String], face: Face) {
        let numbers: Vec<usize> = ids.iter().filter_map(|id| self.number(id)).collect();
        if numbers.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.text.ends_with(' ') => {
                let trimmed = last.text.trim_end().to_string();
                last.text = trimmed + "\u{a0}";
            }
            Some(_) => spans.push(Span::new("\u{a0}", face)),
            None => {}
        }
        spans.push(Span::new("[", face));
        for (i, n) in numbers.iter().enumerate() {
            if i > 0 {
                spans.push(Span::new(",\u{a0}", face));
            }
            spans.push(Span::new(n.to_string(), face).color(Color::ACCENT).link(Link::Reference(*n)));
        }
        spans.push(Span::new("]", face));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(src: &str) -> Manifest {
        manifest::parse("t.json", src).unwrap()
    }

    const SRC: &str = r#"{"format": 1, "title": "T", "date": "2018-06-27",
      "sources": {"a": {"publisher": "P", "title": "A"}, "b": {"publisher": "P", "title": "B"}, "z": {"publisher": "P", "title": "Z"}},
      "summary": ["First [@b]."],
      "sections": [
        {"heading": "One", "blocks": [{"text": "x [@a; @b]"}],
         "sections": [{"heading": "One.one"}, {"heading": "One.two", "sections": [{"heading": "Deep"}]}]},
        {"heading": "Two", "sections": [{"heading": "Two.one"}]}
      ]}"#;

    #[test]
    fn headings_are_numbered_by_level() {
        let doc = compose(&manifest(SRC), &Analysis::default());
        let numbers: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { number: Some(n), .. } => Some(n.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]);
    }

    #[test]
    fn references_are_numbered_in_order_of_first_citation() {
        let doc = compose(&manifest(SRC), &Analysis::default());
        let Some(Block::References(refs)) = doc.blocks.last() else { panic!("no references") };
        let titles: Vec<&str> = refs.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["B", "A", "Z"]);
        let Block::Paragraph(spans) = &doc.blocks[3] else { panic!("{:?}", doc.blocks[3]) };
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(text, "x\u{a0}[2,\u{a0}1]");
        assert_eq!(spans[2].link, Some(Link::Reference(2)));
    }
}
