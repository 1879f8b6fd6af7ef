//! Composing the document model from a resolved briefing: numbered
//! headings, figures and tables, styled spans from the resolved inlines,
//! citations numbered in order of first use, and the reference list.
//!
//! Everything here was checked by `resolve`, so composing cannot fail.
//! Nothing here knows about pages or positions; that is the layout's job.

use crate::analyse::format;
use crate::input::manifest::Paper;
use crate::input::x::X;
use crate::resolve::{self, Annotation, AxisStart, Briefing, ChartKind, Inline, MapArea, TableData, Text};
use crate::text::fonts::Face;
use crate::text::linebreak::{Color, Link as LinkTarget, Span};

/// A briefing ready to be laid out.
#[derive(Debug, Clone)]
pub struct Document {
    /// The title as readers see it, values filled in (also for the PDF
    /// metadata, the footer and the summary).
    pub title: String,
    pub subtitle: Option<String>,
    /// The date as readers see it, e.g. "27 June 2018".
    pub date: String,
    /// The date as written, `YYYY-MM-DD`, for the PDF's dates.
    pub iso_date: String,
    pub author: Option<String>,
    pub marking: Option<String>,
    pub lang: String,
    pub paper: Paper,
    pub keywords: Vec<String>,
    pub blocks: Vec<Block>,
    /// Where the chart-data appendix starts in `blocks` (its heading), if
    /// there is one: it always runs to the end, and a page budget may leave
    /// it out, as each figure's data is also attached to the PDF.
    pub appendix: Option<usize>,
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

/// A numbered chart or map with its title, subtitle and source line.
#[derive(Debug, Clone)]
pub struct Figure {
    pub number: usize,
    /// "Figure 1: ..." as styled spans.
    pub title: Vec<Span>,
    pub subtitle: Option<Vec<Span>>,
    pub graphic: Graphic,
    /// Height of the chart itself in points, when the author set one;
    /// otherwise layout sizes the chart by its content and the page.
    pub height: Option<f32>,
    pub source: Vec<Span>,
    /// The trend in words; printed with the chart's data in the appendix.
    pub alt: Vec<Span>,
    /// The title without the "Figure N: " label or citations.
    pub plain_title: String,
    /// The chart's data lined up by x, and its sources, for the appendix.
    pub data: TableData,
    pub source_ids: Vec<String>,
    /// The values drawn, as CSV text (x, then one column per series), to
    /// attach to the PDF for readers who want the numbers.
    pub csv: String,
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
    /// Whether the table may float to the next page when it does not fit
    /// where it stands, the text after it filling the gap.
    pub floats: bool,
    /// A table of the chart-data appendix: a long, narrow one may be set
    /// in blocks side by side (it is for looking values up), and it goes
    /// with its figure's description, where a later entry may overtake it.
    pub compact: bool,
    /// The figure's description set above an appendix table ("Figure 1.
    /// Line chart of ..."); empty for other tables.
    pub description: Vec<Span>,
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

/// What a figure draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Graphic {
    Chart(ChartData),
    Map(MapData),
}

impl Graphic {
    /// Draws in greys for black-and-white printing (`--gray`).
    pub fn set_gray(&mut self, gray: bool) {
        match self {
            Graphic::Chart(c) => c.gray = gray,
            Graphic::Map(m) => m.gray = gray,
        }
    }
}

/// What a map shows: its areas with their classes, and the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct MapData {
    /// In drawing order, each with its outline in National Grid metres.
    pub areas: Vec<MapArea>,
    /// The legend's words for each class, lowest first ("4.3 to 5.1").
    pub classes: Vec<String>,
    /// The legend's heading: what the values are.
    pub measure: String,
    /// The most the map may be drawn tall (points), when the author set it.
    pub height: Option<f32>,
    /// Use the grey steps.
    pub gray: bool,
}

/// What a chart shows, with values already taken from the data.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub kind: ChartKind,
    pub series: Vec<ChartSeries>,
    /// Horizontal reference lines: value and label.
    pub references: Vec<(f64, String)>,
    /// Points to mark and label.
    pub annotate: Vec<Annotation>,
    /// Where the value axis starts.
    pub axis_start: AxisStart,
    /// Categories drawn in the accent colour (bar charts).
    pub highlight: Vec<String>,
    /// Format for value labels.
    pub format: format::Spec,
    /// The unit shown above the value axis.
    pub unit: String,
    /// Use the grey palette and strong dashes.
    pub gray: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    pub label: String,
    pub points: Vec<(X, Option<f64>)>,
}

/// Builds the document model. Cannot fail: `resolve` checked everything.
pub fn compose(b: &Briefing) -> Document {
    let mut c = Composer { b, cited: Vec::new(), tables: 0, figures: Vec::new() };
    let mut blocks = Vec::new();
    if !b.key_figures.is_empty() {
        let figures = b.key_figures.iter().map(|kf| c.key_figure(kf)).collect();
        blocks.push(Block::KeyFigures(figures));
    }
    if !b.summary.is_empty() {
        blocks.push(unnumbered("Summary"));
        blocks.push(Block::Bullets(b.summary.iter().map(|s| c.spans(s, Family::Serif)).collect()));
    }
    for (i, section) in b.sections.iter().enumerate() {
        c.section(section, &[i + 1], &mut blocks);
    }
    // The chart-data appendix cites sources too, so it is composed before
    // the references are numbered, and placed after them: the list the
    // citations link to comes right after the text, not after pages of tables.
    let mut appendix = Vec::new();
    if b.chart_data {
        c.chart_data(&mut appendix);
    }
    // Sources never cited still appear, after the cited ones.
    for id in b.sources.keys() {
        c.number(id);
    }
    let references: Vec<Reference> = c
        .cited
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let s = &b.sources[id];
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
        blocks.push(unnumbered("References"));
        blocks.push(Block::References(references));
    }
    let appendix_start = (!appendix.is_empty()).then_some(blocks.len());
    blocks.extend(appendix);
    Document {
        title: b.title.plain(),
        subtitle: b.subtitle.as_ref().map(Text::plain),
        date: format::date(&b.date),
        iso_date: b.date.clone(),
        author: b.author.clone(),
        marking: b.marking.clone(),
        lang: b.lang.clone(),
        paper: b.paper,
        keywords: b.keywords.clone(),
        blocks,
        appendix: appendix_start,
    }
}

/// An unnumbered heading of the document's own ("Summary", "References").
/// A chart's series side by side as CSV: the x values in the data's own
/// form (`2018-03-31`, `2017/18`), in order of time when they are times, and
/// each value as read or as computed, to the data's precision (without
/// the noise of binary arithmetic), with an empty cell where a series has
/// no value.
fn chart_csv(x_header: &str, series: &[ChartSeries]) -> String {
    let mut xs: Vec<&X> = Vec::new();
    for s in series {
        for (x, _) in &s.points {
            if !xs.contains(&x) {
                xs.push(x);
            }
        }
    }
    if xs.iter().all(|x| x.is_time()) {
        xs.sort_by(|a, b| a.time_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once(x_header).chain(series.iter().map(|s| s.label.as_str()));
    // Writing to memory cannot fail.
    let _ = out.write_record(header);
    for x in xs {
        let value = |s: &ChartSeries| {
            s.points.iter().find(|(px, _)| px == x).and_then(|p| p.1).map_or_else(String::new, format::plain)
        };
        let row = std::iter::once(x.to_string()).chain(series.iter().map(value));
        let _ = out.write_record(row);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A map's areas as CSV: code, name, value (to the data's precision; empty
/// where the area has none) and class (the legend's words, or "no data").
fn map_csv(areas: &[MapArea], classes: &[String]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = out.write_record(["code", "name", "value", "class"]);
    for a in areas {
        let value = a.value.map_or_else(String::new, format::plain);
        let class = a.class.and_then(|c| classes.get(c)).map_or("no data", String::as_str);
        let _ = out.write_record([a.code.as_str(), a.name.as_str(), value.as_str(), class]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The order a bar chart draws its categories in, as indices into the
/// table's rows: largest first (by the first series), ties and missing
/// values in file order.
fn chart_order(data: &TableData) -> Vec<usize> {
    let value = |i: usize| data.rows[i].values.first().copied().flatten();
    let mut order: Vec<usize> = (0..data.rows.len()).collect();
    order.sort_by(|&a, &b| match (value(a), value(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    order
}

/// The parts every figure has, made by `Composer::captions`.
struct Captions {
    number: usize,
    title: Vec<Span>,
    subtitle: Option<Vec<Span>>,
    alt: Vec<Span>,
    plain_title: String,
}

fn unnumbered(text: &str) -> Block {
    Block::Heading { number: None, level: 1, text: vec![Span::new(text, Face::SansBold)] }
}

#[derive(Clone, Copy)]
enum Family {
    Serif,
    Sans,
}

struct Composer<'a> {
    b: &'a Briefing,
    /// Source ids in order of first citation: reference n is `cited[n - 1]`.
    cited: Vec<String>,
    /// Tables numbered so far.
    tables: usize,
    /// Figures numbered so far, kept for the chart-data appendix.
    figures: Vec<Figure>,
}

impl Composer<'_> {
    /// The reference number of a source, numbering it on first use.
    fn number(&mut self, id: &str) -> usize {
        match self.cited.iter().position(|c| c == id) {
            Some(i) => i + 1,
            None => {
                self.cited.push(id.to_string());
                self.cited.len()
            }
        }
    }

    fn key_figure(&mut self, kf: &resolve::KeyFigure) -> KeyFigure {
        let value: String = self.spans(&kf.value, Family::Sans).into_iter().map(|s| s.text).collect();
        let mut label = self.spans(&kf.label, Family::Sans);
        self.cite(&mut label, &kf.sources, Face::Sans);
        KeyFigure { value, label }
    }

    fn table(&mut self, t: &resolve::Table) -> Block {
        self.tables += 1;
        let caption = self.caption(&format!("Table {}: ", self.tables), &t.caption);
        Block::Table(Table { floats: true, ..self.table_of(caption, &t.data, &t.sources) })
    }

    /// "Table 1: " or "Figure 1: " in bold, then the caption text.
    fn caption(&mut self, label: &str, text: &Text) -> Vec<Span> {
        let mut caption = vec![Span::new(label, Face::SansBold)];
        caption.extend(self.spans(text, Family::Sans).into_iter().map(|s| Span { face: Face::SansBold, ..s }));
        caption
    }

    /// A table of lined-up series, numbers formatted, with its source line.
    fn table_of(&mut self, caption: Vec<Span>, data: &TableData, sources: &[String]) -> Table {
        let rows: Vec<Vec<String>> = data
            .rows
            .iter()
            .map(|row| {
                let cells = row.values.iter().zip(&data.columns).map(|(value, column)| {
                    value.map_or(NOT_AVAILABLE.to_string(), |v| format::number(v, &column.format))
                });
                std::iter::once(row.label.clone()).chain(cells).collect()
            })
            .collect();
        let header =
            std::iter::once(data.x_header.clone()).chain(data.columns.iter().map(|c| c.header.clone())).collect();
        let mut source = self.source_line(sources);
        if rows.iter().flatten().any(|c| c == NOT_AVAILABLE) {
            source.push(Span::new(format!(". {NOT_AVAILABLE} = not available."), Face::Sans).color(Color::GREY));
        }
        Table { caption, header, rows, source, floats: false, compact: false, description: Vec::new() }
    }

    /// "Source: Publisher, Title; ... [1, 2]" for tables and figures.
    fn source_line(&mut self, ids: &[String]) -> Vec<Span> {
        let sources = &self.b.sources;
        let publishers: Vec<String> =
            ids.iter().map(|id| format!("{}, {}", sources[id].publisher, sources[id].title)).collect();
        let mut source = vec![Span::new(format!("Source: {}", publishers.join("; ")), Face::Sans).color(Color::GREY)];
        self.cite(&mut source, ids, Face::Sans);
        source
    }

    /// What every figure has: its number, "Figure N: title", the subtitle,
    /// the alt text, and the title without its label.
    fn captions(&mut self, title: &Text, subtitle: Option<&Text>, alt: &Text) -> Captions {
        let number = self.figures.len() + 1;
        let title = self.caption(&format!("Figure {number}: "), title);
        let subtitle = subtitle.map(|s| self.spans(s, Family::Sans));
        let alt = self.spans(alt, Family::Serif);
        // The caption's text without its "Figure N: " label.
        let plain_title = title.iter().skip(1).map(|s| s.text.as_str()).collect();
        Captions { number, title, subtitle, alt, plain_title }
    }

    fn figure(&mut self, c: &resolve::Chart) -> Figure {
        let Captions { number, title, subtitle, alt, plain_title } =
            self.captions(&c.title, c.subtitle.as_ref(), &c.alt);
        // The value axis says what is measured: the series and its unit when
        // there is one series, the shared unit when there are several.
        let unit = match c.series.as_slice() {
            _ if c.kind == ChartKind::Bar => String::new(),
            [one] => format::with_unit(&one.label, &one.unit),
            [first, ..] => first.unit.clone(),
            [] => String::new(),
        };
        let chart = ChartData {
            kind: c.kind,
            series: c.series.iter().map(|s| ChartSeries { label: s.label.clone(), points: s.points.clone() }).collect(),
            references: c.references.iter().map(|r| (r.y, r.label.clone())).collect(),
            annotate: c.annotate.clone(),
            axis_start: c.axis_start,
            highlight: c.highlight.clone(),
            format: c.format,
            unit,
            gray: false,
        };
        let source = self.source_line(&c.sources);
        Figure {
            number,
            title,
            subtitle,
            height: c.height,
            source,
            alt,
            plain_title,
            data: c.data.clone(),
            source_ids: c.sources.clone(),
            csv: chart_csv(&c.data.x_header, &chart.series),
            graphic: Graphic::Chart(chart),
        }
    }

    /// A map as a figure: its source line names the boundaries and carries
    /// the attribution their licence requires.
    fn map_figure(&mut self, m: &resolve::Map) -> Figure {
        let Captions { number, title, subtitle, alt, plain_title } =
            self.captions(&m.title, m.subtitle.as_ref(), &m.alt);
        let mut source = self.source_line(&m.sources);
        source.push(Span::new(format!(". {}", m.boundaries), Face::Sans).color(Color::GREY));
        let map = MapData {
            areas: m.areas.clone(),
            classes: m.classes.iter().map(|c| c.label.clone()).collect(),
            measure: m.measure.clone(),
            height: m.height,
            gray: false,
        };
        Figure {
            number,
            title,
            subtitle,
            height: None,
            source,
            alt,
            plain_title,
            data: m.data.clone(),
            source_ids: m.sources.clone(),
            csv: map_csv(&m.areas, &map.classes),
            graphic: Graphic::Map(map),
        }
    }

    /// The appendix: every figure's data as a table, with its description.
    fn chart_data(&mut self, blocks: &mut Vec<Block>) {
        if self.figures.is_empty() {
            return;
        }
        blocks.push(unnumbered("Chart data"));
        for f in std::mem::take(&mut self.figures) {
            let caption = vec![Span::new(format!("Figure {}: {}", f.number, f.plain_title), Face::SansBold)];
            let mut description = vec![Span::new(format!("Figure {}. ", f.number), Face::SerifBold)];
            description.extend(f.alt.iter().cloned());
            let mut table = self.table_of(caption, &f.data, &f.source_ids);
            // A ranking stays ranked: rows in the order the chart draws them.
            if matches!(&f.graphic, Graphic::Chart(c) if c.kind == ChartKind::Bar) {
                let order = chart_order(&f.data);
                table.rows = order.into_iter().map(|i| table.rows[i].clone()).collect();
            }
            blocks.push(Block::Table(Table { compact: true, floats: true, description, ..table }));
        }
    }

    /// Adds a section's heading and blocks; `number` is its position, e.g. [1, 2] for 1.2.
    fn section(&mut self, s: &resolve::Section, number: &[usize], blocks: &mut Vec<Block>) {
        let label = number.iter().map(usize::to_string).collect::<Vec<_>>().join(".");
        let text = self.spans(&s.heading, Family::Sans);
        blocks.push(Block::Heading { number: Some(label), level: number.len(), text });
        for block in &s.blocks {
            match block {
                resolve::Block::Paragraph(t) => {
                    let spans = self.spans(t, Family::Serif);
                    blocks.push(Block::Paragraph(spans));
                }
                resolve::Block::List(items) => {
                    let items = items.iter().map(|item| self.spans(item, Family::Serif)).collect();
                    blocks.push(Block::Bullets(items));
                }
                resolve::Block::Quote(q) => blocks.push(self.quote(q)),
                resolve::Block::Table(t) => blocks.push(self.table(t)),
                resolve::Block::Chart(c) => {
                    let figure = self.figure(c);
                    self.figures.push(figure.clone());
                    blocks.push(Block::Figure(Box::new(figure)));
                }
                resolve::Block::Map(m) => {
                    let figure = self.map_figure(m);
                    self.figures.push(figure.clone());
                    blocks.push(Block::Figure(Box::new(figure)));
                }
            }
        }
        for (i, sub) in s.sections.iter().enumerate() {
            self.section(sub, &[number, &[i + 1]].concat(), blocks);
        }
    }

    fn quote(&mut self, q: &resolve::Quote) -> Block {
        let paragraphs = q.paragraphs.iter().map(|p| vec![Span::new(p, Face::SerifItalic)]).collect();
        let mut attribution = vec![Span::new(format!("— {}, {}", q.speaker, q.role), Face::Sans).color(Color::GREY)];
        self.cite(&mut attribution, std::slice::from_ref(&q.source), Face::Sans);
        Block::Quote { paragraphs, attribution }
    }

    /// Turns resolved prose into styled spans, numbering citations.
    fn spans(&mut self, text: &Text, family: Family) -> Vec<Span> {
        let face_for = |bold: bool, italic: bool| match family {
            Family::Serif => Face::body(bold, italic),
            Family::Sans => Face::sans(bold),
        };
        let mut spans = Vec::new();
        for inline in &text.inlines {
            match inline {
                Inline::Text { text, bold, italic } => spans.push(Span::new(text, face_for(*bold, *italic))),
                // A computed value is one thing to the reader: "2013/14", "31 March 2018".
                Inline::Value { text, bold, italic } => spans.push(Span::new(text, face_for(*bold, *italic)).whole()),
                Inline::Cite(ids) => self.cite(&mut spans, ids, face_for(false, false)),
                Inline::Link { text, url, bold, italic } => spans.push(
                    Span::new(text, face_for(*bold, *italic)).color(Color::ACCENT).link(LinkTarget::Uri(url.clone())),
                ),
            }
        }
        spans
    }

    /// Appends "[1, 3]" with each number linked to its reference. The space
    /// before the citation becomes non-breaking so a line never starts with it.
    fn cite(&mut self, spans: &mut Vec<Span>, ids: &[String], face: Face) {
        if ids.is_empty() {
            return;
        }
        let numbers: Vec<usize> = ids.iter().map(|id| self.number(id)).collect();
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
            spans.push(Span::new(n.to_string(), face).color(Color::ACCENT).link(LinkTarget::Reference(*n)));
        }
        spans.push(Span::new("]", face));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(src: &str) -> Briefing {
        resolve::from_json(src)
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
        let doc = compose(&manifest(SRC));
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
        let doc = compose(&manifest(SRC));
        let Some(Block::References(refs)) = doc.blocks.last() else { panic!("no references") };
        let titles: Vec<&str> = refs.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["B", "A", "Z"]);
        let Block::Paragraph(spans) = &doc.blocks[3] else { panic!("{:?}", doc.blocks[3]) };
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(text, "x\u{a0}[2,\u{a0}1]");
        assert_eq!(spans[2].link, Some(LinkTarget::Reference(2)));
    }
}
