//! The Markdown front end: a briefing's prose written as a CommonMark file
//! (parsed with pulldown-cmark) instead of JSON strings.
//!
//! The file holds what an author edits most: summary points (a bullet list
//! before the first heading), sections (`#`) and subsections (`##`, `###`),
//! paragraphs, bullet lists, quotes with their attribution, and the places
//! of charts and tables (`![](figure:id)`, defined in the manifest). Inline
//! text keeps the manifest's syntax: `{series.stat:format}` values and
//! `[@id]` citations, beside Markdown emphasis and links.
//!
//! The result is plain data with byte offsets into the file, so `resolve`
//! can check every value and citation and point at it; anything the
//! briefing cannot render (HTML, images from files, footnotes, tables,
//! code, deeper headings) is an error here, never silently dropped.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::markup::Inline;
use super::typography;
use crate::diag::{Diagnostic, LineIndex, PathSeg, format_path, locate};
use crate::input::data::Files;
use crate::input::limits;
use crate::text::fonts::MISSING_CHARACTER_HINT;

/// The prose of a briefing, as written in its Markdown file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prose {
    /// Bullet points before the first heading.
    pub summary: Vec<Para>,
    pub sections: Vec<Section>,
}

/// A heading and what follows it up to the next heading of its level or higher.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: Para,
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Para),
    List(Vec<Para>),
    /// A block quote: its paragraphs, then the attribution line
    /// (`— Speaker, Role [@source]`, with the dash removed).
    Quote {
        paragraphs: Vec<Para>,
        attribution: Para,
    },
    /// `![](figure:id)`: a chart or table defined in the manifest.
    Figure {
        id: String,
        at: Range<usize>,
    },
}

/// A run of inline text with the byte range it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub inlines: Vec<Inline>,
    pub at: Range<usize>,
}

impl Para {
    /// The words, without values or citations (for checks and messages).
    pub fn words(&self) -> String {
        self.inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Text { text, .. } | Inline::Link { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Deepest heading: `###`, a sub-subsection (1.1.1).
const DEEPEST_HEADING: usize = 3;

/// Parses a Markdown file; `file` names it in diagnostics.
pub fn parse(file: &str, src: &str) -> Result<Prose, Vec<Diagnostic>> {
    let mut p = Reader { file, src, lines: LineIndex::new(src), diags: Vec::new() };
    let blocks = p.blocks(src);
    let prose = p.structure(blocks);
    if p.diags.is_empty() { Ok(prose) } else { Err(p.diags) }
}

/// A top-level piece of the file before sections are formed.
enum Piece {
    Heading { level: usize, text: Para },
    Block(Block),
}

/// One character of inline text: where it came from, whether the author
/// escaped it, and its style (`link` indexes the paragraph's link targets).
#[derive(Clone, Copy)]
struct Char {
    c: char,
    at: usize,
    escaped: bool,
    bold: bool,
    italic: bool,
    link: Option<usize>,
}

struct Reader<'a> {
    file: &'a str,
    src: &'a str,
    /// Where lines start: a file with many problems is not rescanned for each.
    lines: LineIndex<'a>,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, at: &Range<usize>, message: impl Into<String>, hint: impl Into<String>) {
        let len = self.src.get(at.clone()).map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
        self.diags
            .push(Diagnostic::error(self.file, message).at(Some(self.lines.line_col(at.start))).len(len).hint(hint));
    }

    /// Reads the file into headings and blocks, in order.
    fn blocks(&mut self, src: &str) -> Vec<Piece> {
        let events: Vec<(Event, Range<usize>)> =
            Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES).into_offset_iter().collect();
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let end = block_end(&events, i);
            let (event, range) = &events[i];
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    let text = self.para(&events[i + 1..end], range.clone());
                    pieces.push(Piece::Heading { level: heading_level(*level), text });
                }
                Event::Start(Tag::Paragraph) => {
                    let inner = &events[i + 1..end];
                    match figure(inner) {
                        Some(Ok((id, alt))) => {
                            if alt {
                                self.error(
                                    range,
                                    "alt text here would not be used",
                                    format!("write `![](figure:{id})`; the figure's `alt` text is in the manifest, beside its data"),
                                );
                            }
                            pieces.push(Piece::Block(Block::Figure { id, at: range.clone() }));
                        }
                        Some(Err(url)) => self.error(
                            range,
                            format!("`{url}` is not a figure of this briefing"),
                            "place a chart or table defined in the manifest's `figures` as `![](figure:id)`; images from files cannot be printed",
                        ),
                        None => pieces.push(Piece::Block(Block::Paragraph(self.para(inner, range.clone())))),
                    }
                }
                Event::Start(Tag::List(None)) => {
                    let items = self.list(&events[i + 1..end]);
                    pieces.push(Piece::Block(Block::List(items)));
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    if let Some(quote) = self.quote(&events[i + 1..end], range.clone()) {
                        pieces.push(Piece::Block(quote));
                    }
                }
                _ => self.unsupported(event, range),
            }
            i = end + 1;
        }
        pieces
    }

    /// A construct the briefing cannot print, with what to write instead.
    fn unsupported(&mut self, event: &Event, range: &Range<usize>) {
        let (what, hint) = match event {
            // Top-level lists are read; this one is inside a list item or a quote.
            Event::Start(Tag::List(None)) => (
                "a nested list",
                "write the points as one list at the start of a line; lists inside lists or quotes are not printed",
            ),
            Event::Start(Tag::List(Some(_))) => {
                ("a numbered list", "write bullet points with `-`; numbered lists are not printed")
            }
            Event::Start(Tag::Table(_)) => (
                "a table written in Markdown",
                "define the table in the manifest's `figures` from data and place it with `![](figure:id)`",
            ),
            Event::Start(Tag::CodeBlock(_)) => ("a code block", "write the text as a paragraph"),
            Event::Start(Tag::HtmlBlock) | Event::Html(_) => {
                ("HTML", "write the text in Markdown; HTML is not printed")
            }
            Event::Start(Tag::FootnoteDefinition(_)) => {
                ("a footnote", "cite a source with `[@id]`; footnotes are not printed")
            }
            Event::Rule => ("a horizontal rule", "remove it: sections are separated by their headings"),
            _ => ("this Markdown", "write paragraphs, `-` bullet points, `>` quotes and `#` headings"),
        };
        self.error(range, format!("{what} cannot be printed in a briefing"), hint);
    }

    fn list(&mut self, events: &[(Event, Range<usize>)]) -> Vec<Para> {
        let mut items = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let end = block_end(events, i);
            if let (Event::Start(Tag::Item), range) = &events[i] {
                // A tight item holds its text directly; a loose one, a paragraph.
                let mut inner = &events[i + 1..end];
                if let [(Event::Start(Tag::Paragraph), _), rest @ .., (Event::End(TagEnd::Paragraph), _)] = inner
                    && block_end(inner, 0) == inner.len() - 1
                {
                    inner = rest;
                }
                items.push(self.para(inner, range.clone()));
            }
            i = end + 1;
        }
        items
    }

    /// A block quote: paragraphs, the last line of the last being the attribution.
    fn quote(&mut self, events: &[(Event, Range<usize>)], range: Range<usize>) -> Option<Block> {
        let mut paragraphs = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let end = block_end(events, i);
            match &events[i] {
                (Event::Start(Tag::Paragraph), r) => paragraphs.push((&events[i + 1..end], r.clone())),
                (event, r) => self.unsupported(event, r),
            }
            i = end + 1;
        }
        let Some((last, last_range)) = paragraphs.pop() else {
            self.error(&range, "the quote is empty", "write the words quoted, then `— Speaker, Role [@source]`");
            return None;
        };
        // The attribution starts after the last line break of the last paragraph.
        let split = last.iter().rposition(|(e, _)| matches!(e, Event::SoftBreak | Event::HardBreak));
        let (body, attribution) = match split {
            Some(at) => (Some(&last[..at]), &last[at + 1..]),
            None => (None, last),
        };
        let attribution = self.para(attribution, last_range.clone());
        let dash = attribution.inlines.first().and_then(|i| match i {
            Inline::Text { text, .. } => ["—", "--", "–"].iter().find(|d| text.starts_with(*d)).map(|d| d.len()),
            _ => None,
        });
        let Some(dash) = dash else {
            self.error(
                &last_range,
                "a quote ends with its attribution",
                "add a last line `— Speaker, Role [@source]` (or `-- Speaker, Role [@source]`)",
            );
            return None;
        };
        let mut attribution = attribution;
        if let Some(Inline::Text { text, .. }) = attribution.inlines.first_mut() {
            *text = text[dash..].trim_start().to_string();
        }
        let mut paragraphs: Vec<Para> = paragraphs.into_iter().map(|(e, r)| self.para(e, r)).collect();
        if let Some(body) = body {
            paragraphs.push(self.para(body, last_range));
        }
        if paragraphs.is_empty() {
            self.error(
                &range,
                "the quote has an attribution but no words",
                "write the words quoted above the `—` line",
            );
            return None;
        }
        Some(Block::Quote { paragraphs, attribution })
    }

    /// Inline events as text with values, citations, emphasis and links.
    /// A paragraph over [`limits::TEXT_BYTES`] is refused before its
    /// characters are gathered (each takes 40 bytes here, and more to set).
    fn para(&mut self, events: &[(Event, Range<usize>)], range: Range<usize>) -> Para {
        if range.len() > limits::TEXT_BYTES {
            self.error(
                &range,
                format!(
                    "this paragraph is {} bytes, over the limit of {} for one paragraph",
                    limits::thousands(range.len() as u64),
                    limits::bytes(limits::TEXT_BYTES as u64)
                ),
                "split it into paragraphs with blank lines between them",
            );
            return Para { inlines: Vec::new(), at: range };
        }
        let mut chars: Vec<Char> = Vec::new();
        let (mut bold, mut italic) = (0, 0);
        let mut link: Option<usize> = None;
        let mut links: Vec<String> = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let (event, r) = &events[i];
            i += 1;
            match event {
                Event::Text(text) => {
                    // Text that matches its source maps character by
                    // character; an escape or entity maps to where it starts.
                    let exact = self.src.get(r.clone()) == Some(text.as_ref());
                    let escaped = escaped_at(self.src, r.start);
                    for (j, (k, c)) in text.char_indices().enumerate() {
                        chars.push(Char {
                            c,
                            at: if exact { r.start + k } else { r.start },
                            escaped: escaped && j == 0,
                            bold: bold > 0,
                            italic: italic > 0,
                            link,
                        });
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    chars.push(Char { c: ' ', at: r.start, escaped: false, bold: bold > 0, italic: italic > 0, link })
                }
                Event::Start(Tag::Emphasis) => italic += 1,
                Event::End(TagEnd::Emphasis) => italic -= 1,
                Event::Start(Tag::Strong) => bold += 1,
                Event::End(TagEnd::Strong) => bold -= 1,
                Event::Start(Tag::Link { dest_url, .. }) => {
                    if dest_url.starts_with("https://") || dest_url.starts_with("http://") {
                        links.push(dest_url.to_string());
                        link = Some(links.len() - 1);
                    } else {
                        self.error(
                            r,
                            format!("`{dest_url}` is not a web address"),
                            "links go to https:// or http:// addresses; cite sources with `[@id]`",
                        );
                    }
                }
                Event::End(TagEnd::Link) => link = None,
                Event::Start(Tag::Image { .. }) => self.error(
                    r,
                    "an image inside text cannot be printed",
                    "place a chart or table on a line of its own as `![](figure:id)`",
                ),
                Event::Code(_) => {
                    self.error(r, "code cannot be printed in a briefing", "write the words without backticks")
                }
                Event::InlineHtml(_) | Event::Html(_) => self.error(
                    r,
                    "HTML cannot be printed in a briefing",
                    "write the text in Markdown; HTML is not printed",
                ),
                Event::FootnoteReference(_) => {
                    self.error(r, "a footnote cannot be printed in a briefing", "cite a source with `[@id]` instead")
                }
                Event::End(TagEnd::Image) => {}
                other => {
                    // One problem for a block inside the text (a nested
                    // list), not one for every event within it; skipping it
                    // also keeps deep nesting linear.
                    self.unsupported(other, r);
                    i = block_end(events, i - 1) + 1;
                }
            }
        }
        Para { inlines: self.inlines(&chars, &links), at: range }
    }

    /// Splits characters into text runs, `{values}` and `[@citations]`.
    fn inlines(&mut self, chars: &[Char], links: &[String]) -> Vec<Inline> {
        let mut out = Vec::new();
        // The current text run: `chars[run..i]`, all in one style.
        let mut run = 0;
        let mut i = 0;
        while i < chars.len() {
            let c = &chars[i];
            let opens_value = c.c == '{' && !c.escaped;
            let opens_cite = c.c == '[' && !c.escaped && chars.get(i + 1).is_some_and(|n| n.c == '@');
            if opens_value || opens_cite {
                let close = if opens_value { '}' } else { ']' };
                let Some(end) = chars[i..].iter().position(|x| x.c == close && !x.escaped).map(|e| i + e) else {
                    let at = c.at..c.at + 1;
                    let (what, hint) = if opens_value {
                        ("`{` starts a computed value but is not closed with `}`", "write `\\{` for a literal brace")
                    } else {
                        ("citation `[@` is not closed with `]`", "cite as `[@source-id]` or `[@a; @b]`")
                    };
                    self.error(&at, what, hint);
                    return out;
                };
                flush(&mut out, &chars[run..i], links);
                let inner: String = chars[i + 1..end].iter().map(|x| x.c).collect();
                let at = c.at..chars[end].at + 1;
                if opens_value {
                    out.push(Inline::Value { expr: inner.trim().to_string(), bold: c.bold, italic: c.italic, at });
                } else {
                    match super::markup::parse_cite(&inner, 0) {
                        Ok(ids) => out.push(Inline::Cite { ids, at }),
                        Err(e) => self.error(&at, e.message, e.hint),
                    }
                }
                i = end + 1;
                run = i;
                continue;
            }
            if i > run && (chars[run].bold, chars[run].italic, chars[run].link) != (c.bold, c.italic, c.link) {
                flush(&mut out, &chars[run..i], links);
                run = i;
            }
            i += 1;
        }
        flush(&mut out, &chars[run..], links);
        out
    }

    /// Nests headings and blocks into sections; a bullet list before the
    /// first heading is the summary.
    fn structure(&mut self, pieces: Vec<Piece>) -> Prose {
        let mut prose = Prose::default();
        // The open sections, outermost first.
        let mut open: Vec<Section> = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Heading { level, text } => {
                    if level > DEEPEST_HEADING {
                        self.error(
                            &text.at,
                            format!("a level-{level} heading is deeper than a briefing numbers (1.1.1)"),
                            "use `#` for a section, `##` for a subsection and `###` below that",
                        );
                        continue;
                    }
                    if level > open.len() + 1 {
                        let want = "#".repeat(open.len() + 1);
                        self.error(
                            &text.at,
                            format!("this `{}` heading has no `{want}` heading above it", "#".repeat(level)),
                            format!("start with `{want}`: sections are numbered 1, 1.1, 1.1.1"),
                        );
                        continue;
                    }
                    close_to(&mut open, level - 1, &mut prose.sections);
                    open.push(Section { heading: text, blocks: Vec::new(), sections: Vec::new() });
                }
                Piece::Block(block) => match open.last_mut() {
                    Some(section) => section.blocks.push(block),
                    None => match block {
                        Block::List(items) if prose.summary.is_empty() => prose.summary = items,
                        other => {
                            let at = match &other {
                                Block::Paragraph(p) => p.at.clone(),
                                Block::Quote { attribution, .. } => attribution.at.clone(),
                                Block::Figure { at, .. } => at.clone(),
                                Block::List(items) => items.first().map_or(0..1, |p| p.at.clone()),
                            };
                            self.error(
                                &at,
                                "text before the first heading",
                                "start a section with `# Heading`; before it, only a bullet list of summary points may stand",
                            );
                        }
                    },
                },
            }
        }
        close_to(&mut open, 0, &mut prose.sections);
        prose
    }
}

/// Closes open sections until `depth` remain, attaching each to its parent.
fn close_to(open: &mut Vec<Section>, depth: usize, top: &mut Vec<Section>) {
    while open.len() > depth {
        let done = open.pop().expect("open is longer than depth");
        match open.last_mut() {
            Some(parent) => parent.sections.push(done),
            None => top.push(done),
        }
    }
}

/// A text run in one style; an escaped quote or dash is kept as typed.
fn flush(out: &mut Vec<Inline>, run: &[Char], links: &[String]) {
    let Some(first) = run.first() else { return };
    let text: String = run.iter().map(|c| if c.escaped { typography::literal(c.c) } else { c.c }).collect();
    out.push(match first.link {
        Some(n) => Inline::Link { text, url: links[n].clone(), bold: first.bold, italic: first.italic },
        None => Inline::Text { text, bold: first.bold, italic: first.italic },
    });
}

/// Whether the character at `at` is escaped: preceded by an odd number of
/// backslashes (`\\{` is a backslash, then a brace that opens a value).
fn escaped_at(src: &str, at: usize) -> bool {
    let backslashes = src.as_bytes()[..at].iter().rev().take_while(|&&b| b == b'\\').count();
    backslashes % 2 == 1
}

/// The index of the event that closes the one at `start` (itself, if it opens nothing).
fn block_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    if !matches!(events[start].0, Event::Start(_)) {
        return start;
    }
    let mut depth = 0;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// A paragraph holding only `![](figure:id)`: the id, or the URL of any other image.
/// Alt text written in the Markdown (`![alt](figure:id)`) counts as given:
/// the caller refuses it, since a figure's alt text lives in the manifest.
fn figure(events: &[(Event, Range<usize>)]) -> Option<Result<(String, bool), String>> {
    match events {
        [(Event::Start(Tag::Image { dest_url, .. }), _), alt @ .., (Event::End(TagEnd::Image), _)]
            if alt.iter().all(|(e, _)| matches!(e, Event::Text(_))) =>
        {
            let id = dest_url.strip_prefix("figure:").map(|id| id.trim().to_string());
            Some(id.map(|id| (id, !alt.is_empty())).ok_or_else(|| dest_url.to_string()))
        }
        _ => None,
    }
}

fn heading_level(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The Markdown text a manifest names in `text`, read through `files` and
/// parsed: its display name, its text and its prose. `manifest` and `src`
/// name and hold the manifest, to locate a file that cannot be read;
/// `covers` says whether the bundled fonts can show a character.
pub fn read(
    manifest: &str,
    src: &str,
    name: &str,
    files: &dyn Files,
    covers: &dyn Fn(char) -> bool,
) -> Result<(String, String, Prose), Vec<Diagnostic>> {
    let display = files.display(name);
    let path = [PathSeg::Key("text".into())];
    let refuse = |message: String, hint: &str| {
        vec![Diagnostic::error(manifest, message).at(locate(src, &path)).path(format_path(&path)).hint(hint)]
    };
    let text = files.read(name).map_err(|reason| {
        refuse(
            format!("cannot read the text file `{name}`: {reason}"),
            "`text` names the Markdown file relative to the manifest's folder, e.g. \"briefing.md\"",
        )
    })?;
    if text.len() > limits::MARKDOWN_BYTES {
        return Err(refuse(
            format!(
                "the text file `{name}` is {} bytes, over the limit of {} for a briefing's text",
                limits::thousands(text.len() as u64),
                limits::bytes(limits::MARKDOWN_BYTES as u64)
            ),
            "a briefing's prose is a few thousand words; check that the file is the briefing's text and holds nothing twice",
        ));
    }
    let lines = LineIndex::new(&text);
    let mut diags = Vec::new();
    for (i, c) in text.char_indices() {
        // Printable ASCII is in every bundled font: most text needs no lookup.
        if c.is_ascii_graphic() || c == ' ' || c == '\n' {
            continue;
        }
        let problem = if c.is_control() && !matches!(c, '\n' | '\t' | '\r') {
            Some((format!("control character U+{:04X} in text", c as u32), "remove it"))
        } else if !c.is_whitespace() && !covers(c) {
            Some((
                format!("the character `{c}` (U+{:04X}) is not in the bundled fonts", c as u32),
                MISSING_CHARACTER_HINT,
            ))
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            diags.push(Diagnostic::error(&display, message).at(Some(lines.line_col(i))).len(1).hint(hint));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let prose = parse(&display, &text)?;
    Ok((display, text, prose))
}
