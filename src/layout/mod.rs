//! Laying the document out on pages: blocks become rows of positioned items,
//! rows are paginated under keep rules, and every page gets its header and
//! footer.
//!
//! Pagination works on "rows" (one line of text, one row of key figures):
//! each row says whether a page break may come before it. Headings keep
//! their next row, paragraphs forbid breaks that would leave one line alone
//! (widows and orphans), and quotes and key-figure panels forbid all inner
//! breaks unless they are taller than a page. The result is plain data
//! (positioned glyph runs, rectangles, links, anchors) for the PDF writer.
//!
//! Blocks also build the document's logical structure (headings in their
//! sections, paragraphs, lists, quotes, tables, figures) as it is read, and
//! every row carries a tag naming the structure node its items belong to,
//! so that pagination can move rows without losing what they are.

use std::collections::BTreeMap;

pub mod chart;
mod fit;
pub mod map;
mod paginate;
pub mod ticks;

use crate::compose::{Block, Document, Figure, Graphic, KeyFigure, Reference, Table};
use crate::frame::{Anchor, Attachment, Item, Layout, Node, OutlineEntry, Page, Role, Tag};
use crate::resolve::ChartKind;
use crate::text::fonts::{Face, Glyph};
use crate::text::linebreak::{Align, Color, Line, Link, Span, Typesetter};
pub use fit::{Fit, fit};
use paginate::paginate;

/// Page furniture and type sizes, in points.
mod style {
    pub const MARGIN_X: f32 = 76.0;
    pub const MARGIN_TOP: f32 = 72.0;
    pub const MARGIN_BOTTOM: f32 = 72.0;
    pub const HEADER_BASELINE: f32 = 36.0;
    pub const FOOTER_BASELINE: f32 = 40.0;

    pub const BODY: f32 = 10.5;
    pub const BODY_LEADING: f32 = 15.0;
    pub const PARAGRAPH_GAP: f32 = 7.0;
    pub const SMALL: f32 = 8.0;
}
pub use style::MARGIN_X;
use style::*;

/// Something to record where a row lands.
#[derive(Debug, Clone)]
enum Mark {
    Reference(usize),
    Heading { title: String, level: usize },
}

/// The unit of pagination: items positioned relative to the row's top.
#[derive(Debug, Clone, Default)]
struct Row {
    height: f32,
    /// Space above the row, dropped at the top of a page.
    space_before: f32,
    /// No page break may come directly before this row.
    keep: bool,
    items: Vec<Item>,
    marks: Vec<Mark>,
    kind: RowKind,
    /// Inside a table: the index (into `Builder::headers`) of the header row
    /// to repeat when this row starts a page.
    repeat: Option<usize>,
    /// Part of a figure or table that may float to the next page: rows of
    /// one float share the number (its block's).
    float: Option<usize>,
    /// How many points the row may give up to fit a page: a chart whose
    /// author set no height can be drawn shorter.
    shrink: f32,
    /// Back matter starts here (the references, the appendix): every float
    /// waiting for a page is placed before it.
    barrier: bool,
    /// Part of an entry of the chart-data appendix: a float that a later
    /// entry may overtake to fill the room left on a page.
    packed: bool,
}

/// What a row is, for the keep rules (and for checking them in tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum RowKind {
    #[default]
    Other,
    Heading,
    /// Line `index` (0-based) of a paragraph of `count` lines.
    Line {
        index: usize,
        count: usize,
    },
}

/// A laid-out document, with the height each block took (in points,
/// before pagination), for fitting it to a page budget.
struct Laid {
    layout: Layout,
    block_heights: Vec<f32>,
}

/// Lays out a composed document. Charts whose author set no height give
/// up `give` of the room they may give (0: none, drawn at their natural
/// height; 1: all, drawn as short as they may be).
fn lay(doc: &Document, ts: &Typesetter, give: f32) -> Laid {
    let (width, height) = doc.paper.size_pt();
    let (mut b, block_heights) = rows(doc, ts, give);
    let body_height = height - MARGIN_TOP - MARGIN_BOTTOM;
    let pagination = paginate(&b.rows, &b.headers, body_height);
    // Charts that give up height to fit a page are drawn again at that height.
    for &(r, by) in &pagination.shrunk {
        if let Some(Block::Figure(f)) = b.rows[r].float.and_then(|n| doc.blocks.get(n)) {
            let height = b.chart_height(f).0 - by;
            // The row keeps its tag (the figure's structure node).
            let tag = b.rows[r].items.first().filter(|item| matches!(item, Item::Tag(_))).cloned();
            b.rows[r].items = tag.into_iter().chain(draw(&f.graphic, ts, b.measure, height)).collect();
            b.rows[r].height -= by;
        }
    }
    let breaks = pagination.pages;
    let references = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::References(refs) => Some(refs),
            _ => None,
        })
        .flatten()
        .map(|r| (r.number, format!("{}, {}", r.publisher, r.title)))
        .collect();
    let mut out = Layout {
        width,
        height,
        pages: Vec::new(),
        outline: Vec::new(),
        anchors: BTreeMap::new(),
        references,
        structure: std::mem::take(&mut b.nodes),
    };
    for (index, on_page) in breaks.iter().enumerate() {
        let mut page = Page::default();
        let mut y = MARGIN_TOP;
        // A table continued from the previous page starts with its header again.
        if let Some(h) = on_page.first().and_then(|&r| b.rows[r].repeat) {
            let header = &b.headers[h];
            page.items.extend(header.items.iter().map(|item| offset(item, MARGIN_X, y)));
            y += header.height;
        }
        for (i, row) in on_page.iter().map(|&r| &b.rows[r]).enumerate() {
            if i > 0 {
                y += row.space_before;
            }
            for mark in &row.marks {
                let anchor = Anchor { page: index, y };
                match mark {
                    Mark::Reference(n) => {
                        out.anchors.insert(*n, anchor);
                    }
                    Mark::Heading { title, level } => {
                        out.outline.push(OutlineEntry { title: title.clone(), level: *level, anchor })
                    }
                }
            }
            page.items.extend(row.items.iter().map(|item| offset(item, MARGIN_X, y)));
            y += row.height;
        }
        out.pages.push(page);
    }
    let total = out.pages.len();
    for (index, page) in out.pages.iter_mut().enumerate() {
        b.furniture(doc, page, index + 1, total, width, height);
    }
    Laid { layout: out, block_heights }
}

/// How full each page is: how far down the text area its lowest line,
/// table row or chart reaches, from 0 (empty) to 1 (to the bottom margin).
/// Headers and footers are not counted. For tests and benchmarks of
/// pagination, measured on the frame itself.
pub fn page_fill(layout: &Layout) -> Vec<f32> {
    let body = layout.height - MARGIN_TOP - MARGIN_BOTTOM;
    let in_body = |top: f32| top >= MARGIN_TOP - 1.0 && top <= layout.height - MARGIN_BOTTOM + 1.0;
    layout
        .pages
        .iter()
        .map(|page| {
            let lowest = page
                .items
                .iter()
                .filter_map(|item| match item {
                    // A line reaches its baseline plus descenders.
                    Item::Text { y, size, .. } => in_body(*y - size).then_some(*y + size * 0.25),
                    Item::Rect { y, h, .. } | Item::Link { y, h, .. } => in_body(*y).then_some(*y + *h),
                    Item::Path { points, .. } => {
                        let top = points.iter().map(|p| p.1).fold(f32::INFINITY, f32::min);
                        in_body(top).then(|| points.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max))
                    }
                    Item::Shape { rings, .. } => {
                        let top = rings.iter().flatten().map(|p| p.1).fold(f32::INFINITY, f32::min);
                        in_body(top).then(|| rings.iter().flatten().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max))
                    }
                    Item::Tag(_) => None,
                })
                .fold(MARGIN_TOP, f32::max);
            ((lowest - MARGIN_TOP) / body).clamp(0.0, 1.0)
        })
        .collect()
}

/// Turns every block into rows, in reading order, with charts giving up
/// `give` of the room they may (see [`lay`]); also returns the height of
/// each block's rows.
fn rows<'a>(doc: &Document, ts: &'a Typesetter<'a>, give: f32) -> (Builder<'a>, Vec<f32>) {
    use rayon::prelude::*;
    let (width, _) = doc.paper.size_pt();
    let measure = width - 2.0 * MARGIN_X;
    let builder =
        || Builder { ts, measure, give, rows: Vec::new(), headers: Vec::new(), keep_next: false, nodes: Vec::new() };
    let mut b = builder();
    let document = b.node(Role::Document, None);
    b.title_block(doc, document);
    // Each block is set on its own, in parallel (line breaking and charts
    // are most of the layout time), then joined in order. A block only ever
    // touches its own rows; what crosses blocks is a heading's keep-with-next
    // and the table header indices, both carried over here.
    let parts: Vec<Builder> = doc
        .blocks
        .par_iter()
        .map(|block| {
            let mut part = builder();
            part.block(block);
            part
        })
        .collect();
    // Open sections, innermost last: (heading level, structure node).
    let mut sections: Vec<(usize, usize)> = Vec::new();
    let mut heights = Vec::with_capacity(doc.blocks.len());
    for (n, (mut part, block)) in parts.into_iter().zip(&doc.blocks).enumerate() {
        heights.push(part.rows.iter().map(|r| r.space_before + r.height).sum());
        // A heading opens a section (closing those at its level or deeper);
        // every block's top-level nodes go into the innermost open section.
        if let Block::Heading { level, .. } = block {
            while sections.last().is_some_and(|&(l, _)| l >= *level) {
                sections.pop();
            }
            let parent = sections.last().map_or(document, |s| s.1);
            sections.push((*level, b.node(Role::Sect, Some(parent))));
        }
        let container = sections.last().map_or(document, |s| s.1);
        let first = b.nodes.len();
        b.nodes.extend(
            part.nodes
                .drain(..)
                .map(|node| Node { parent: Some(node.parent.map_or(container, |p| p + first)), ..node }),
        );
        for row in part.rows.iter_mut().chain(&mut part.headers) {
            for item in &mut row.items {
                if let Item::Tag(Tag::Node(i)) = item {
                    *i += first;
                }
            }
        }
        let offset = b.headers.len();
        b.headers.extend(part.headers);
        let had_rows = !part.rows.is_empty();
        let (floats, packed) = match block {
            Block::Figure(_) => (true, false),
            Block::Table(t) => (t.floats, t.compact),
            _ => (false, false),
        };
        // An unnumbered heading ("References", "Chart data") starts back matter.
        let back_matter = matches!(block, Block::Heading { number: None, .. });
        for (k, row) in part.rows.into_iter().enumerate() {
            let barrier = back_matter && k == 0;
            let repeat = row.repeat.map(|h| h + offset);
            b.push(Row { repeat, float: floats.then_some(n), barrier, packed, ..row });
        }
        b.keep_next = part.keep_next || (b.keep_next && !had_rows);
    }
    (b, heights)
}

/// A figure on its own (title, subtitle, chart, source line), `width`
/// points wide, exactly as it appears on the page: for SVG and PNG previews.
/// Returns the items, with the origin at the top-left, and the height.
pub fn figure_items(f: &Figure, ts: &Typesetter, width: f32) -> (Vec<Item>, f32) {
    let mut b = Builder {
        ts,
        measure: width,
        give: 0.0,
        rows: Vec::new(),
        headers: Vec::new(),
        keep_next: false,
        nodes: Vec::new(),
    };
    let mut items = Vec::new();
    let mut y = 0.0;
    for (i, row) in b.figure_rows(f).iter().enumerate() {
        if i > 0 {
            y += row.space_before;
        }
        items.extend(
            row.items
                .iter()
                .filter(|item| !matches!(item, Item::Link { .. } | Item::Tag(_)))
                .map(|item| offset(item, 0.0, y)),
        );
        y += row.height;
    }
    (items, y)
}

fn offset(item: &Item, dx: f32, dy: f32) -> Item {
    let mut item = item.clone();
    match &mut item {
        Item::Text { x, y, .. } | Item::Rect { x, y, .. } | Item::Link { x, y, .. } => {
            *x += dx;
            *y += dy;
        }
        Item::Path { points, .. } => {
            for (x, y) in points {
                *x += dx;
                *y += dy;
            }
        }
        Item::Shape { rings, .. } => {
            for (x, y) in rings.iter_mut().flatten() {
                *x += dx;
                *y += dy;
            }
        }
        Item::Tag(_) => {}
    }
    item
}

struct Builder<'a> {
    ts: &'a Typesetter<'a>,
    measure: f32,
    /// How much of the room they may give charts without a set height give up (see [`lay`]).
    give: f32,
    rows: Vec<Row>,
    /// Table header rows (with a "(continued)" caption) repeated on later pages.
    headers: Vec<Row>,
    /// The next row must stay with the previous one (after a heading).
    keep_next: bool,
    /// Structure nodes made so far. A block's top-level nodes have no parent
    /// until the block is placed in its section.
    nodes: Vec<Node>,
}

impl Builder<'_> {
    fn block(&mut self, block: &Block) {
        match block {
            Block::KeyFigures(figures) => self.key_figures(figures),
            Block::Heading { number, level, text } => self.heading(number.as_deref(), *level, text),
            Block::Paragraph(spans) => {
                let p = self.node(Role::P, None);
                self.paragraph(spans, p, 0.0, BODY_LEADING, PARAGRAPH_GAP);
            }
            Block::Bullets(items) => self.bullets(items),
            Block::Quote { paragraphs, attribution } => self.quote(paragraphs, attribution),
            Block::Table(table) => self.table(table),
            Block::Figure(figure) => self.figure(figure),
            Block::References(refs) => self.references(refs),
        }
    }

    /// A new structure node, child of `parent` (or of the block's section).
    fn node(&mut self, role: Role, parent: Option<usize>) -> usize {
        self.nodes.push(Node { role, parent, alt: None, attachment: None });
        self.nodes.len() - 1
    }

    fn push(&mut self, mut row: Row) {
        // Every row says what it is part of: rows moved by pagination
        // (floats, a page break) must not take on the tag of a neighbour.
        if !matches!(row.items.first(), None | Some(Item::Tag(_))) {
            row.items.insert(0, Item::Tag(Tag::Artifact));
        }
        if self.keep_next {
            row.keep = true;
            self.keep_next = false;
        }
        self.rows.push(row);
    }

    /// Items for one set line: glyph runs at baseline `y`, plus link areas.
    fn line_items(&self, line: &Line, x: f32, y: f32, size: f32) -> Vec<Item> {
        let mut items = Vec::new();
        let last = line.runs.len().saturating_sub(1);
        for (i, run) in line.runs.iter().enumerate() {
            let mut glyphs = run.glyphs.clone();
            // A line that ends between words ends in a space that takes no
            // room: text read on from line to line (copied, or read aloud
            // from the structure tree) keeps its words apart.
            if i == last && line.space_after {
                glyphs.push(Glyph {
                    id: self.ts.fonts.space_glyph(run.face),
                    advance: 0.0,
                    cluster: 0,
                    text: " ".into(),
                });
            }
            items.push(Item::Text { x: x + run.x, y, size, face: run.face, color: run.color, glyphs });
            if let Some(link) = &run.link {
                let ascent = self.ts.fonts.vmetrics(run.face).ascent * size / 1000.0;
                items.push(Item::Link {
                    x: x + run.x,
                    y: y - ascent,
                    w: run.width,
                    h: ascent + size * 0.3,
                    link: link.clone(),
                });
            }
        }
        items
    }

    /// Rows for a block of lines, one per line, with the baseline placed in the leading.
    fn line_rows(&self, lines: &[Line], x: f32, size: f32, leading: f32) -> Vec<Row> {
        let baseline = leading * 0.5 + size * 0.36;
        lines
            .iter()
            .map(|line| Row { height: leading, items: self.line_items(line, x, baseline, size), ..Row::default() })
            .collect()
    }

    fn title_block(&mut self, doc: &Document, document: usize) {
        let title = self.node(Role::H(1), Some(document));
        let mut rows = self.text_rows(&[Span::new(&doc.title, Face::SansBold).color(Color::ACCENT)], 22.0, 27.0, 0.0);
        tagged(&mut rows, title);
        if let Some(subtitle) = &doc.subtitle {
            let p = self.node(Role::P, Some(document));
            let mut sub = self.text_rows(&[Span::new(subtitle, Face::Sans).color(Color::GREY)], 13.0, 17.0, 6.0);
            tagged(&mut sub, p);
            rows.extend(sub);
        }
        let meta: Vec<&str> = [Some(doc.date.as_str()), doc.author.as_deref()].into_iter().flatten().collect();
        let p = self.node(Role::P, Some(document));
        let mut meta = self.text_rows(&[Span::new(meta.join("  ·  "), Face::Sans).color(Color::GREY)], 9.5, 13.0, 8.0);
        tagged(&mut meta, p);
        rows.extend(meta);
        rows.push(Row {
            height: 1.0,
            space_before: 10.0,
            items: vec![Item::Rect { x: 0.0, y: 0.0, w: self.measure, h: 1.0, color: Color::ACCENT }],
            ..Row::default()
        });
        for (i, row) in rows.into_iter().enumerate() {
            self.push(Row { keep: i > 0, ..row });
        }
    }

    fn key_figures(&mut self, figures: &[KeyFigure]) {
        const GAP: f32 = 10.0;
        const PAD: f32 = 9.0;
        let columns = match figures.len() {
            1..=3 => figures.len(),
            4 => 2,
            _ => 3,
        };
        let cell = (self.measure - GAP * (columns - 1) as f32) / columns as f32;
        let inner = cell - 2.0 * PAD;
        // Read as one paragraph per figure: "31,063 officers in March 2018".
        let group = self.node(Role::Div, None);
        for (r, chunk) in figures.chunks(columns).enumerate() {
            let cells: Vec<(Vec<Line>, Vec<Line>)> = chunk
                .iter()
                .map(|kf| {
                    let value = self.ts.paragraph(
                        &[Span::new(&kf.value, Face::SansBold).color(Color::ACCENT).whole()],
                        20.0,
                        inner,
                        Align::Left,
                    );
                    let label = self.ts.paragraph(&kf.label, 8.5, inner, Align::Left);
                    (value, label)
                })
                .collect();
            let height = cells.iter().map(|(v, l)| 24.0 * v.len() as f32 + 11.5 * l.len() as f32).fold(0.0, f32::max)
                + 2.0 * PAD
                + 6.0;
            let mut items = Vec::new();
            for (c, (value, label)) in cells.iter().enumerate() {
                let x = c as f32 * (cell + GAP);
                let p = self.node(Role::P, Some(group));
                items.push(Item::Tag(Tag::Node(p)));
                items.push(Item::Rect { x, y: 0.0, w: cell, h: height, color: Color::PANEL });
                items.push(Item::Rect { x, y: 0.0, w: cell, h: 3.0, color: Color::ACCENT });
                let mut y = PAD + 3.0;
                for line in value {
                    items.extend(self.line_items(line, x + PAD, y + 19.0, 20.0));
                    y += 24.0;
                }
                y += 4.0;
                for line in label {
                    items.extend(self.line_items(line, x + PAD, y + 8.5, 8.5));
                    y += 11.5;
                }
            }
            self.push(Row {
                height,
                space_before: if r == 0 { 16.0 } else { GAP },
                keep: r > 0,
                items,
                ..Row::default()
            });
        }
    }

    fn heading(&mut self, number: Option<&str>, level: usize, text: &[Span]) {
        let (size, leading, space) = match level {
            1 => (14.0, 18.0, 18.0),
            2 => (11.5, 15.0, 12.0),
            _ => (10.5, 14.0, 10.0),
        };
        let color = if level == 1 { Color::ACCENT } else { Color::TEXT };
        let text: Vec<Span> = text.iter().map(|s| Span { face: Face::SansBold, color, ..s.clone() }).collect();
        // Heading text starts at a fixed indent per level so that headings
        // line up, unless the number is unusually long.
        let indent = match number {
            Some(n) => {
                (self.ts.fonts.width(Face::SansBold, size, n) + size * 0.6).max(size * (1.2 + 0.8 * level as f32))
            }
            None => 0.0,
        };
        let lines = self.ts.paragraph(&text, size, self.measure - indent, Align::Left);
        let mut rows = self.line_rows(&lines, indent, size, leading);
        // The title is H1, so a level-1 section heading is H2.
        let h = self.node(Role::H(level.min(3) as u8 + 1), None);
        if let Some(n) = number {
            let baseline = leading * 0.5 + size * 0.36;
            let line = self.ts.line(&[Span::new(n, Face::SansBold).color(color)], size);
            let items = self.line_items(&line, 0.0, baseline, size);
            prepend(&mut rows[0], items);
        }
        tagged(&mut rows, h);
        let plain: String = text.iter().map(|s| s.text.as_str()).collect::<String>().replace('\u{a0}', " ");
        let title = match number {
            Some(n) => format!("{n} {plain}"),
            None => plain,
        };
        rows[0].marks.push(Mark::Heading { title, level });
        for row in &mut rows {
            row.kind = RowKind::Heading;
        }
        rows[0].space_before = space;
        // A heading is one unit and stays with what follows it.
        for (i, row) in rows.into_iter().enumerate() {
            self.push(Row { keep: i > 0, ..row });
        }
        if let Some(last) = self.rows.last_mut() {
            last.height += 3.0;
        }
        self.keep_next = true;
    }

    /// A paragraph whose lines may break across pages, but never leaving a
    /// single line at the foot (orphan) or head (widow) of a page.
    fn paragraph(&mut self, spans: &[Span], node: usize, indent: f32, leading: f32, space: f32) -> usize {
        let lines = self.ts.paragraph(spans, BODY, self.measure - indent, Align::Justify);
        self.push_lines(&lines, node, indent, leading, space)
    }

    /// Pushes a paragraph's lines as rows tagged with `node`; returns the first row's index.
    fn push_lines(&mut self, lines: &[Line], node: usize, indent: f32, leading: f32, space: f32) -> usize {
        let n = lines.len();
        let first = self.rows.len();
        let mut rows = self.line_rows(lines, indent, BODY, leading);
        tagged(&mut rows, node);
        for (k, mut row) in rows.into_iter().enumerate() {
            row.keep = k > 0 && (k < 2 || n - k < 2);
            row.kind = RowKind::Line { index: k, count: n };
            if k == 0 {
                row.space_before = space;
            }
            self.push(row);
        }
        first
    }

    fn bullets(&mut self, items: &[Vec<Span>]) {
        const INDENT: f32 = 16.0;
        let list = self.node(Role::L, None);
        for (i, spans) in items.iter().enumerate() {
            let (label, body) = self.list_item(list);
            let lines = self.ts.paragraph(spans, BODY, self.measure - INDENT, Align::Left);
            let first = self.push_lines(&lines, body, INDENT, BODY_LEADING, if i == 0 { 4.0 } else { 5.0 });
            if first < self.rows.len() {
                let bullet = self.ts.line(&[Span::new("•", Face::Serif).color(Color::ACCENT)], BODY);
                let baseline = BODY_LEADING * 0.5 + BODY * 0.36;
                let mut items = vec![Item::Tag(Tag::Node(label))];
                items.extend(self.line_items(&bullet, 4.0, baseline, BODY));
                prepend(&mut self.rows[first], items);
            }
        }
    }

    /// A list item of `list`: its label and body nodes.
    fn list_item(&mut self, list: usize) -> (usize, usize) {
        let item = self.node(Role::LI, Some(list));
        (self.node(Role::Lbl, Some(item)), self.node(Role::LBody, Some(item)))
    }

    fn quote(&mut self, paragraphs: &[Vec<Span>], attribution: &[Span]) {
        const INDENT: f32 = 22.0;
        let measure = self.measure - 2.0 * INDENT;
        let quote = self.node(Role::BlockQuote, None);
        let mut rows = Vec::new();
        for (i, p) in paragraphs.iter().enumerate() {
            let lines = self.ts.paragraph(p, BODY, measure, Align::Justify);
            let mut prows = self.line_rows(&lines, INDENT, BODY, BODY_LEADING);
            let node = self.node(Role::P, Some(quote));
            tagged(&mut prows, node);
            if i > 0 {
                prows[0].space_before = 5.0;
            }
            rows.extend(prows);
        }
        let text_rows = rows.len();
        let lines = self.ts.paragraph(attribution, 9.0, measure, Align::Left);
        let mut arows = self.line_rows(&lines, INDENT, 9.0, 13.0);
        let node = self.node(Role::P, Some(quote));
        tagged(&mut arows, node);
        if let Some(first) = arows.first_mut() {
            first.space_before = 4.0;
        }
        rows.extend(arows);
        // The rule beside the quote is drawn per row (covering the space
        // above it too), so it stays continuous however the rows are placed.
        for (i, mut row) in rows.into_iter().enumerate() {
            let above = if i == 0 { 0.0 } else { row.space_before };
            row.items.push(Item::Rect { x: 0.0, y: -above, w: 2.5, h: row.height + above, color: Color::ACCENT });
            // A long quote may break between its lines, never leaving one
            // line alone or its attribution without two lines above it.
            row.keep = i < 2 || i + 2 > text_rows;
            if i == 0 {
                row.keep = false;
                row.space_before = 12.0;
            }
            self.push(row);
        }
        // Space after the quote before the next paragraph.
        if let Some(next_gap) = self.rows.last_mut() {
            next_gap.height += 6.0;
        }
    }

    /// A table: caption, header row, one row per x, source line. Numbers are
    /// right-aligned; the header repeats under "(continued)" on later pages.
    /// A long, narrow table that may be compacted is set in two or three
    /// blocks side by side, read down the first block and on into the next.
    fn table(&mut self, t: &Table) {
        const SIZE: f32 = 9.0;
        const HEAD: f32 = 8.5;
        const ROW: f32 = 15.0;
        const PAD: f32 = 6.0;
        let columns = t.header.len();
        let blocks = self.table_blocks(t, SIZE, HEAD, PAD);
        let block_width = (self.measure - TABLE_BLOCK_GAP * (blocks - 1) as f32) / blocks as f32;
        // The x column is as wide as its widest cell; the others share the rest.
        let widest_x = t.rows.iter().map(|r| self.ts.fonts.width(Face::Sans, SIZE, &r[0])).fold(0.0, f32::max);
        let first = (widest_x + 2.0 * PAD).clamp(block_width * 0.2, block_width * 0.45);
        let other = (block_width - first) / (columns - 1).max(1) as f32;
        // Column `c` of block `b` is column `b * columns + c` of the whole.
        let lefts: Vec<f32> = (0..columns * blocks)
            .map(|i| {
                let (b, c) = (i / columns, i % columns);
                b as f32 * (block_width + TABLE_BLOCK_GAP) + if c == 0 { 0.0 } else { first + (c - 1) as f32 * other }
            })
            .collect();
        let width = |c: usize| if c.is_multiple_of(columns) { first } else { other };
        // Cell text: left-aligned in the x column, right-aligned elsewhere.
        let cell = |b: &Self, lines: &[Line], c: usize, y: f32, size: f32, leading: f32| -> Vec<Item> {
            let mut items = Vec::new();
            for (k, line) in lines.iter().enumerate() {
                let x = if c.is_multiple_of(columns) { lefts[c] + PAD } else { lefts[c] + width(c) - PAD - line.width };
                items.extend(b.line_items(line, x, y + k as f32 * leading, size));
            }
            items
        };
        let header_lines: Vec<Vec<Line>> = t
            .header
            .iter()
            .enumerate()
            .map(|(c, h)| self.ts.paragraph(&[Span::new(h, Face::SansBold)], HEAD, width(c) - 2.0 * PAD, Align::Left))
            .collect();
        let header_height = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * 11.0 + 2.0 * PAD;
        let table = self.node(Role::Table, None);
        let caption_node = self.node(Role::Caption, Some(table));
        let head = self.node(Role::THead, Some(table));
        let head_row = self.node(Role::TR, Some(head));
        let mut header = Row { height: header_height, keep: true, ..Row::default() };
        for b in 0..blocks {
            let x = b as f32 * (block_width + TABLE_BLOCK_GAP);
            header.items.push(Item::Rect { x, y: 0.0, w: block_width, h: header_height, color: Color::PANEL });
            header.items.push(Item::Rect { x, y: header_height - 0.8, w: block_width, h: 0.8, color: Color::TEXT });
        }
        for (c, lines) in header_lines.iter().enumerate() {
            let th = self.node(Role::TH { column: true }, Some(head_row));
            header.items.push(Item::Tag(Tag::Node(th)));
            header.items.extend(cell(self, lines, c, PAD + HEAD, HEAD, 11.0));
        }
        // The header over each further block repeats the first: read once.
        if blocks > 1 {
            header.items.push(Item::Tag(Tag::Artifact));
            for b in 1..blocks {
                for (c, lines) in header_lines.iter().enumerate() {
                    header.items.extend(cell(self, lines, b * columns + c, PAD + HEAD, HEAD, 11.0));
                }
            }
        }
        // Caption above the table; the repeated header carries a short "(continued)" one.
        let caption = self.ts.paragraph(&t.caption, 10.0, self.measure, Align::Left);
        let mut caption_rows = self.line_rows(&caption, 0.0, 10.0, 14.0);
        tagged(&mut caption_rows, caption_node);
        caption_rows[0].space_before = 12.0;
        let last_caption = caption_rows.len() - 1;
        caption_rows[last_caption].height += 4.0;
        let label: String =
            t.caption.first().map(|s| s.text.trim_end_matches([':', ' ']).to_string()).unwrap_or_default();
        // A long caption's "(continued)" line wraps like the caption itself.
        let continued = self.ts.paragraph(
            &[Span::new(format!("{label} (continued)"), Face::SansBold)],
            10.0,
            self.measure,
            Align::Left,
        );
        let above = 18.0 + 14.0 * continued.len().saturating_sub(1) as f32;
        // The repeated header is page furniture: the table's header is read once.
        let mut repeat = Row { height: above + header_height, ..Row::default() };
        repeat.items.push(Item::Tag(Tag::Artifact));
        for (k, line) in continued.iter().enumerate() {
            repeat.items.extend(self.line_items(line, 0.0, 10.0 + 14.0 * k as f32, 10.0));
        }
        repeat.items.extend(
            header.items.iter().filter(|item| !matches!(item, Item::Tag(_))).map(|item| offset(item, 0.0, above)),
        );
        self.headers.push(repeat);
        let repeat_index = self.headers.len() - 1;
        // An appendix table goes with the description of its figure above it.
        if !t.description.is_empty() {
            let p = self.node(Role::P, None);
            self.paragraph(&t.description, p, 0.0, BODY_LEADING, PARAGRAPH_GAP);
        }
        for (i, row) in caption_rows.into_iter().enumerate() {
            self.push(Row { keep: i > 0 || t.compact, ..row });
        }
        self.push(header);
        let body = self.node(Role::TBody, Some(table));
        // Rows are read (and tagged) in order, down each block in turn.
        let mut cells: Vec<Vec<usize>> = Vec::new();
        for values in &t.rows {
            let tr = self.node(Role::TR, Some(body));
            // The x column heads its row ("2018"), the others are data.
            cells.push(
                (0..values.len())
                    .map(|c| self.node(if c == 0 { Role::TH { column: false } } else { Role::TD }, Some(tr)))
                    .collect(),
            );
        }
        let per_block = t.rows.len().div_ceil(blocks);
        for r in 0..per_block {
            let mut row = Row { height: ROW, repeat: Some(repeat_index), ..Row::default() };
            // At least three rows stay with the header, and three end the
            // table. Blocks side by side never break: the second block
            // would go on before the first had ended.
            row.keep = r < 3 || r + 3 > per_block || blocks > 1;
            for b in 0..blocks {
                let Some(values) = t.rows.get(b * per_block + r) else { continue };
                for (c, value) in values.iter().enumerate() {
                    row.items.push(Item::Tag(Tag::Node(cells[b * per_block + r][c])));
                    let line = self.ts.line(&[Span::new(value, Face::Sans)], SIZE);
                    row.items.extend(cell(self, &[line], b * columns + c, ROW / 2.0 + SIZE * 0.36, SIZE, 0.0));
                }
            }
            // A rule under each row of each block; the last block may end
            // sooner, and an empty row there is left unruled.
            for b in (0..blocks).filter(|b| b * per_block + r < t.rows.len()) {
                let x = b as f32 * (block_width + TABLE_BLOCK_GAP);
                row.items.push(Item::Rect { x, y: ROW - 0.4, w: block_width, h: 0.4, color: Color::RULE });
            }
            self.push(row);
        }
        let source = self.ts.paragraph(&t.source, SMALL, self.measure, Align::Left);
        let mut source_rows = self.line_rows(&source, 0.0, SMALL, 11.0);
        let source_node = self.node(Role::P, None);
        tagged(&mut source_rows, source_node);
        source_rows[0].space_before = 4.0;
        let count = source_rows.len();
        for (i, mut row) in source_rows.into_iter().enumerate() {
            row.keep = true;
            row.repeat = Some(repeat_index);
            if i + 1 == count {
                row.height += 6.0;
            }
            self.push(row);
        }
    }

    /// How many blocks side by side a table is set in: one, unless it may
    /// be compacted and is long and narrow, so that two or three copies of
    /// its columns at their natural widths fit across the measure and the
    /// blocks still fit on one page (a block continued on the next page
    /// would read out of order).
    fn table_blocks(&self, t: &Table, size: f32, head: f32, pad: f32) -> usize {
        let columns = t.header.len();
        if !t.compact || columns > 3 || t.rows.len() < 2 * MIN_BLOCK_ROWS {
            return 1;
        }
        // A column is as wide as its widest cell, or its heading set on up to three lines.
        let natural: f32 = (0..columns)
            .map(|c| {
                let cells = t.rows.iter().map(|r| self.ts.fonts.width(Face::Sans, size, &r[c])).fold(0.0, f32::max);
                let heading = self.ts.fonts.width(Face::SansBold, head, &t.header[c]) / 3.0;
                cells.max(heading).max(30.0) + 2.0 * pad
            })
            .sum();
        (2..=3)
            .rev()
            .find(|&k| {
                let fits = natural * k as f32 + TABLE_BLOCK_GAP * (k - 1) as f32 <= self.measure;
                let rows = t.rows.len().div_ceil(k);
                fits && (MIN_BLOCK_ROWS..=MAX_BLOCK_ROWS).contains(&rows)
            })
            .unwrap_or(1)
    }

    /// A figure: title, subtitle, the chart, and its source line, never split.
    fn figure(&mut self, f: &Figure) {
        let mut rows = self.figure_rows(f);
        rows[0].space_before = 14.0;
        if let Some(last) = rows.last_mut() {
            last.height += 8.0;
        }
        for (i, row) in rows.into_iter().enumerate() {
            self.push(Row { keep: i > 0, ..row });
        }
    }

    /// A figure's rows, tagged as a group of its caption (title, subtitle
    /// and source line) and the chart, a `Figure` with the alt text and the
    /// chart's data attached.
    fn figure_rows(&mut self, f: &Figure) -> Vec<Row> {
        let group = self.node(Role::Div, None);
        let caption = self.node(Role::Caption, Some(group));
        let chart_node = self.node(Role::Figure, Some(group));
        let alt: String = f.alt.iter().map(|s| s.text.as_str()).collect();
        self.nodes[chart_node].alt = Some(alt.replace('\u{a0}', " "));
        self.nodes[chart_node].attachment = Some(Attachment {
            name: format!("figure-{}-data.csv", f.number),
            description: format!("Data for Figure {}: {}", f.number, f.plain_title),
            mime: "text/csv",
            bytes: f.csv.clone().into_bytes(),
        });
        let mut rows = self.text_rows(&f.title, 10.0, 14.0, 0.0);
        if let Some(subtitle) = &f.subtitle {
            let spans: Vec<Span> = subtitle.iter().map(|s| Span { color: Color::GREY, ..s.clone() }).collect();
            rows.extend(self.text_rows(&spans, 9.0, 12.5, 0.0));
        }
        tagged(&mut rows, caption);
        let (height, shrink) = self.chart_height(f);
        let mut items = vec![Item::Tag(Tag::Node(chart_node))];
        items.extend(draw(&f.graphic, self.ts, self.measure, height));
        rows.push(Row { height: height + 8.0, space_before: 6.0, items, shrink, ..Row::default() });
        let mut source = self.text_rows(&f.source, SMALL, 11.0, 4.0);
        tagged(&mut source, caption);
        rows.extend(source);
        rows
    }

    /// How tall a figure's chart is drawn (as set by its author, or its
    /// natural height less `give` of what it may give up), and how much
    /// shorter it may still become.
    fn chart_height(&self, f: &Figure) -> (f32, f32) {
        let (natural, least) = plot_heights(f, self.ts, self.measure);
        match least {
            Some(least) => {
                let height = natural - self.give * (natural - least);
                (height, height - least)
            }
            None => (natural, 0.0),
        }
    }

    /// Ragged-right text across the measure as rows, the first with `space` above it.
    fn text_rows(&self, spans: &[Span], size: f32, leading: f32, space: f32) -> Vec<Row> {
        let lines = self.ts.paragraph(spans, size, self.measure, Align::Left);
        let mut rows = self.line_rows(&lines, 0.0, size, leading);
        if let Some(first) = rows.first_mut() {
            first.space_before = space;
        }
        rows
    }

    fn references(&mut self, refs: &[Reference]) {
        const INDENT: f32 = 26.0;
        const SIZE: f32 = 9.0;
        const LEADING: f32 = 12.5;
        let list = self.node(Role::L, None);
        for r in refs {
            let (label, body) = self.list_item(list);
            let mut spans =
                vec![Span::new(format!("{}, ", r.publisher), Face::Serif), Span::new(&r.title, Face::SerifItalic)];
            if let Some(date) = &r.date {
                spans.push(Span::new(format!(", {date}"), Face::Serif));
            }
            spans.push(Span::new(".", Face::Serif));
            if let Some(url) = &r.url {
                spans.push(Span::new(" ", Face::Serif));
                spans.push(Span::new(url, Face::Sans).color(Color::ACCENT).link(Link::Uri(url.clone())));
            }
            let lines = self.ts.paragraph(&spans, SIZE, self.measure - INDENT, Align::Left);
            let mut rows = self.line_rows(&lines, INDENT, SIZE, LEADING);
            tagged(&mut rows, body);
            let number = self.ts.line(&[Span::new(format!("[{}]", r.number), Face::Serif)], SIZE);
            let baseline = LEADING * 0.5 + SIZE * 0.36;
            let mut items = vec![Item::Tag(Tag::Node(label))];
            items.extend(self.line_items(&number, INDENT - 6.0 - number.width, baseline, SIZE));
            prepend(&mut rows[0], items);
            rows[0].marks.push(Mark::Reference(r.number));
            rows[0].space_before = 4.0;
            for (i, row) in rows.into_iter().enumerate() {
                self.push(Row { keep: i > 0, ..row });
            }
        }
    }

    /// Header (marking) and footer (title, marking, "Page N of M").
    fn furniture(&self, doc: &Document, page: &mut Page, number: usize, total: usize, width: f32, height: f32) {
        let x0 = MARGIN_X;
        let x1 = width - MARGIN_X;
        let centre = |line: &Line| width / 2.0 - line.width / 2.0;
        let footer_y = height - FOOTER_BASELINE;
        page.items.push(Item::Tag(Tag::Artifact));
        page.items.push(Item::Rect { x: x0, y: footer_y - 13.0, w: x1 - x0, h: 0.5, color: Color::RULE });
        let page_label =
            self.ts.line(&[Span::new(format!("Page {number} of {total}"), Face::Sans).color(Color::GREY)], SMALL);
        page.items.extend(self.line_items(&page_label, x1 - page_label.width, footer_y, SMALL));
        let mut title_room = x1 - x0 - page_label.width - 16.0;
        if let Some(marking) = &doc.marking {
            let header = self.ts.line(&[Span::new(marking, Face::SansBold)], 9.0);
            page.items.extend(self.line_items(&header, centre(&header), HEADER_BASELINE, 9.0));
            let footer = self.ts.line(&[Span::new(marking, Face::SansBold)], SMALL);
            page.items.extend(self.line_items(&footer, centre(&footer), footer_y, SMALL));
            title_room = (width / 2.0 - footer.width / 2.0) - x0 - 16.0;
        }
        let title = ellipsize(self.ts, &doc.title, Face::Sans, SMALL, title_room);
        let title_line = self.ts.line(&[Span::new(title, Face::Sans).color(Color::GREY)], SMALL);
        page.items.extend(self.line_items(&title_line, x0, footer_y, SMALL));
    }
}

/// Shortens `text` at a word boundary, adding "…", until it fits `max` points.
fn ellipsize(ts: &Typesetter, text: &str, face: Face, size: f32, max: f32) -> String {
    if ts.fonts.width(face, size, text) <= max {
        return text.to_string();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for n in (1..words.len()).rev() {
        let candidate = format!("{}…", words[..n].join(" ").trim_end_matches([',', ':', ';']));
        if ts.fonts.width(face, size, &candidate) <= max {
            return candidate;
        }
    }
    let mut out = String::new();
    for c in text.chars() {
        let candidate = format!("{out}{c}…");
        if ts.fonts.width(face, size, &candidate) > max {
            break;
        }
        out.push(c);
    }
    format!("{out}…")
}

/// Space between the blocks of a table set side by side.
const TABLE_BLOCK_GAP: f32 = 18.0;
/// Fewer rows than this to a block is not worth splitting a table for.
const MIN_BLOCK_ROWS: usize = 6;
/// Blocks longer than this would not fit on a page with their caption.
const MAX_BLOCK_ROWS: usize = 36;

/// Height over width of a line or column chart whose author set no height:
/// 190 points on A4's text width, a shape that reads well.
const PLOT_SHAPE: f32 = 190.0 / 443.2756;

/// Height of a bar chart's row for each category, when the author set no height.
const BAR_PITCH: f32 = 14.0;

/// How tall a chart or map is drawn across `measure`, and the least height
/// it may give way to, to fit a page or a page budget (`None` when its
/// author set the height). A map is as tall as its shape, and is drawn
/// smaller with its shape kept; a chart is as its author set it, a bar
/// chart as its number of bars (80 to 600 points), a line or column chart
/// in proportion to the width.
fn plot_heights(f: &Figure, ts: &Typesetter, measure: f32) -> (f32, Option<f32>) {
    match (&f.graphic, f.height) {
        (Graphic::Map(m), _) => {
            let (natural, least) = map::heights(m, ts, measure);
            (natural, m.height.is_none().then_some(least))
        }
        (Graphic::Chart(_), Some(height)) => (height, None),
        (Graphic::Chart(c), None) => {
            let natural = if c.kind == ChartKind::Bar {
                let bars = c.series.first().map_or(1, |s| s.points.len());
                (BAR_PITCH * bars as f32).clamp(80.0, 600.0)
            } else {
                (measure * PLOT_SHAPE).round()
            };
            (natural, Some(shortest_plot(natural, c.kind)))
        }
    }
}

/// A figure's chart or map, `width` × `height` points.
fn draw(graphic: &Graphic, ts: &Typesetter, width: f32, height: f32) -> Vec<Item> {
    match graphic {
        Graphic::Chart(c) => chart::draw(c, ts, width, height),
        Graphic::Map(m) => map::draw(m, ts, width, height),
    }
}

/// The shortest a chart drawn `height` tall may become to fit the space
/// left on a page: bars keep most of their spacing, lines and columns a
/// readable shape.
fn shortest_plot(height: f32, kind: ChartKind) -> f32 {
    let share = if kind == ChartKind::Bar { 0.7 } else { 0.6 };
    (height * share).max(80.0).min(height)
}

/// Puts a marker drawn in the margin (a section number, a bullet, a
/// reference number) before its row's text in the content stream: that is
/// the order text is copied, searched and read aloud in ("1 Officer
/// strength", not "Officer strength 1").
fn prepend(row: &mut Row, mut items: Vec<Item>) {
    items.append(&mut row.items);
    row.items = items;
}

/// Tags every row as part of the structure node `node`.
fn tagged(rows: &mut [Row], node: usize) {
    for row in rows {
        row.items.insert(0, Item::Tag(Tag::Node(node)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::Fonts;

    /// A long manifest with paragraphs of every length, nested sections and
    /// quotes, generated from a fixed seed.
    fn long_manifest(seed: u64) -> String {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let sentence = "Recorded violence rose while the number of officers per head of population fell to its lowest level in two decades. ";
        let mut sections = Vec::new();
        for s in 0..14 {
            let mut blocks = Vec::new();
            for _ in 0..1 + next(5) {
                if next(6) == 0 {
                    let text = sentence.repeat(1 + next(3) as usize);
                    blocks.push(serde_json::json!({"quote": {"text": text, "speaker": "A Member", "role": "London Assembly Member", "source": "a"}}));
                } else {
                    blocks.push(serde_json::json!({"text": format!("{}[@a]", sentence.repeat(1 + next(9) as usize))}));
                }
            }
            let subs: Vec<_> = (0..next(3))
                .map(|i| serde_json::json!({"heading": format!("Part {i} of section {s}"), "blocks": [{"text": sentence.repeat(1 + next(6) as usize)}]}))
                .collect();
            sections.push(serde_json::json!({"heading": format!("Section {s}"), "blocks": blocks, "sections": subs}));
        }
        serde_json::json!({
            "format": 1, "title": "Pagination", "date": "2018-06-27",
            "sources": {"a": {"publisher": "P", "title": "T", "url": "https://example.org/"}},
            "summary": ["A summary point [@a]."],
            "sections": sections
        })
        .to_string()
    }

    #[test]
    fn headings_are_never_last_and_no_line_is_left_alone() {
        let fonts = Fonts::new();
        let hyph = crate::text::linebreak::Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyph);
        for seed in 1..=6 {
            let src = long_manifest(seed);
            let doc = crate::compose::compose(&crate::resolve::from_json(&src));
            let (b, _) = rows(&doc, &ts, 0.0);
            let (_, height) = doc.paper.size_pt();
            let pages = paginate(&b.rows, &b.headers, height - MARGIN_TOP - MARGIN_BOTTOM).pages;
            assert!(pages.len() >= 8, "seed {seed}: only {} pages", pages.len());
            let mut checked_splits = 0;
            for page in &pages[..pages.len() - 1] {
                let last_index = *page.last().unwrap();
                let last = &b.rows[last_index];
                let next = &b.rows[last_index + 1];
                assert_ne!(last.kind, RowKind::Heading, "seed {seed}: heading last on a page");
                if let RowKind::Line { index, count } = next.kind
                    && index > 0
                {
                    checked_splits += 1;
                    assert!(index >= 2, "seed {seed}: orphan (1 line of {count} before the break)");
                    assert!(count - index >= 2, "seed {seed}: widow (1 line of {count} after the break)");
                }
                let used: f32 = page
                    .iter()
                    .map(|&r| &b.rows[r])
                    .enumerate()
                    .map(|(i, r)| r.height + if i > 0 { r.space_before } else { 0.0 })
                    .sum();
                assert!(used <= height - MARGIN_TOP - MARGIN_BOTTOM + 0.01, "seed {seed}: page overflows");
            }
            assert!(checked_splits > 0, "seed {seed}: no paragraph was split, the test proves nothing");
        }
    }

    /// A document of a table of `n` years and values (`compact`: set in
    /// blocks side by side when it is long and narrow), after `before`.
    fn with_table(n: usize, compact: bool, before: Option<Block>) -> Document {
        let table = Table {
            caption: vec![Span::new("Table 1: Years", Face::SansBold)],
            header: vec!["Year".into(), "Value".into()],
            rows: (0..n).map(|i| vec![format!("{}", 1900 + i), format!("{i}")]).collect(),
            source: vec![Span::new("Source: a", Face::Sans)],
            floats: true,
            compact,
            description: Vec::new(),
        };
        Document {
            title: "T".into(),
            subtitle: None,
            date: "27 June 2018".into(),
            iso_date: "2018-06-27".into(),
            author: None,
            marking: None,
            lang: "en-GB".into(),
            paper: crate::input::manifest::Paper::A4,
            keywords: Vec::new(),
            blocks: before.into_iter().chain([Block::Table(table)]).collect(),
            appendix: None,
        }
    }

    #[test]
    fn a_long_table_keeps_three_rows_either_side_of_every_break() {
        let fonts = Fonts::new();
        let hyph = crate::text::linebreak::Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyph);
        let mut split = 0;
        for n in 40..=140 {
            let before = Block::Paragraph(vec![Span::new("Text before. ".repeat(40), Face::Serif)]);
            let doc = with_table(n, false, Some(before));
            let (b, _) = rows(&doc, &ts, 0.0);
            let (_, height) = doc.paper.size_pt();
            let pages = paginate(&b.rows, &b.headers, height - MARGIN_TOP - MARGIN_BOTTOM).pages;
            // Rows of the table's body on each page (15 pt rows that repeat the header).
            let body = |r: usize| b.rows[r].repeat.is_some() && b.rows[r].height == 15.0;
            let counts: Vec<usize> =
                pages.iter().map(|p| p.iter().filter(|&&r| body(r)).count()).filter(|&c| c > 0).collect();
            if counts.len() > 1 {
                split += 1;
                assert!(counts.iter().all(|&c| c >= 3), "{n} rows: {counts:?}");
            }
        }
        // Tables that fit a page float whole; the longer ones must split.
        assert!(split > 50, "only {split} tables were split");
    }

    #[test]
    fn a_table_in_blocks_rules_only_the_rows_it_has() {
        let fonts = Fonts::new();
        let hyph = crate::text::linebreak::Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyph);
        let mut blocked = 0;
        for n in 12..=60 {
            let doc = with_table(n, true, None);
            let (b, _) = rows(&doc, &ts, 0.0);
            let body: Vec<&Row> = b.rows.iter().filter(|r| r.repeat.is_some() && r.height == 15.0).collect();
            let rules = |r: &Row| r.items.iter().filter(|i| matches!(i, Item::Rect { color: Color::RULE, .. })).count();
            // The rules under the body's rows: one for each row of the table,
            // however the rows fall into blocks.
            assert_eq!(body.iter().map(|r| rules(r)).sum::<usize>(), n, "{n} rows");
            if body.len() < n {
                blocked += 1;
            }
        }
        assert!(blocked > 20, "only {blocked} tables were set in blocks");
    }

    #[test]
    fn ellipsize_shortens_with_an_ellipsis() {
        let fonts = Fonts::new();
        let hyph = crate::text::linebreak::Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyph);
        let long = "Police numbers in London are at their lowest per head in twenty years";
        let short = ellipsize(&ts, long, Face::Sans, 8.0, 120.0);
        assert!(short.ends_with('…'));
        assert!(fonts.width(Face::Sans, 8.0, &short) <= 120.0);
        assert_eq!(ellipsize(&ts, "Short", Face::Sans, 8.0, 120.0), "Short");
    }
}
