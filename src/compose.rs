//! Composing the document model from a validated manifest: numbered headings,
//! styled spans from the inline markup, citations numbered in order of first
//! use, and the reference list.
//!
//! Nothing here knows about pages or positions; that is the layout's job.

use std::collections::BTreeMap;

use crate::fonts::Face;
use crate::linebreak::{Color, Link, Span};
use crate::manifest::{self, Manifest, Paper};
use crate::markup::{self, Inline};

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
    Heading { number: Option<String>, level: usize, text: Vec<Span> },
    Paragraph(Vec<Span>),
    Bullets(Vec<Vec<Span>>),
    Quote { paragraphs: Vec<Vec<Span>>, attribution: Vec<Span> },
    References(Vec<Reference>),
}

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

/// Builds the document model. The manifest must have passed validation.
pub fn compose(m: &Manifest) -> Document {
    let numbers = number_sources(m);
    let c = Composer { numbers: &numbers };
    let mut blocks = Vec::new();
    if !m.key_figures.is_empty() {
        blocks.push(Block::KeyFigures(
            m.key_figures
                .iter()
                .map(|kf| {
                    let mut label = c.spans(&kf.label, Family::Sans);
                    if let Some(id) = &kf.source {
                        c.cite(&mut label, std::slice::from_ref(id), Face::Sans);
                    }
                    KeyFigure { value: kf.value.clone(), label }
                })
                .collect(),
        ));
    }
    if !m.summary.is_empty() {
        blocks.push(Block::Heading { number: None, level: 1, text: vec![Span::new("Summary", Face::SansBold)] });
        blocks.push(Block::Bullets(m.summary.iter().map(|s| c.spans(s, Family::Serif)).collect()));
    }
    for (i, section) in m.sections.iter().enumerate() {
        c.section(section, &[i + 1], &mut blocks);
    }
    let mut references: Vec<Reference> = numbers
        .iter()
        .map(|(id, &number)| {
            let s = &m.sources[id];
            Reference {
                number,
                publisher: s.publisher.clone(),
                title: s.title.clone(),
                date: s.date.as_deref().map(format_date),
                url: s.url.clone(),
            }
        })
        .collect();
    references.sort_by_key(|r| r.number);
    if !references.is_empty() {
        blocks.push(Block::Heading { number: None, level: 1, text: vec![Span::new("References", Face::SansBold)] });
        blocks.push(Block::References(references));
    }
    Document {
        title: m.title.clone(),
        subtitle: m.subtitle.clone(),
        date: format_date(&m.date),
        author: m.author.clone(),
        marking: m.marking.clone().filter(|s| !s.trim().is_empty()),
        lang: m.lang.clone(),
        paper: m.paper,
        keywords: m.keywords.clone(),
        blocks,
    }
}

/// Numbers sources in order of first citation; uncited sources follow in id order.
fn number_sources(m: &Manifest) -> BTreeMap<String, usize> {
    let mut order: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        if m.sources.contains_key(id) && !order.iter().any(|o| o == id) {
            order.push(id.to_string());
        }
    };
    for s in &m.summary {
        manifest::cited_ids(s).iter().for_each(|id| add(id));
    }
    for kf in &m.key_figures {
        manifest::cited_ids(&kf.label).iter().for_each(|id| add(id));
        if let Some(id) = &kf.source {
            add(id);
        }
    }
    fn walk(section: &manifest::Section, add: &mut dyn FnMut(&str)) {
        manifest::cited_ids(&section.heading).iter().for_each(|id| add(id));
        for block in &section.blocks {
            match block {
                manifest::Block::Text(t) => manifest::cited_ids(t).iter().for_each(|id| add(id)),
                manifest::Block::Quote(q) => add(&q.source),
                _ => {}
            }
        }
        for sub in &section.sections {
            walk(sub, add);
        }
    }
    for section in &m.sections {
        walk(section, &mut add);
    }
    for id in m.sources.keys() {
        add(id);
    }
    order.into_iter().enumerate().map(|(i, id)| (id, i + 1)).collect()
}

#[derive(Clone, Copy)]
enum Family {
    Serif,
    Sans,
}

struct Composer<'a> {
    numbers: &'a BTreeMap<String, usize>,
}

impl Composer<'_> {
    /// Adds a section's heading and blocks; `number` is its position, e.g. [1, 2] for 1.2.
    fn section(&self, s: &manifest::Section, number: &[usize], blocks: &mut Vec<Block>) {
        let label = number.iter().map(usize::to_string).collect::<Vec<_>>().join(".");
        blocks.push(Block::Heading { number: Some(label), level: number.len(), text: self.spans(&s.heading, Family::Sans) });
        for block in &s.blocks {
            match block {
                manifest::Block::Text(t) => blocks.push(Block::Paragraph(self.spans(t, Family::Serif))),
                manifest::Block::Quote(q) => blocks.push(self.quote(q)),
                // Rejected by validation until charts and tables exist.
                manifest::Block::Chart(_) | manifest::Block::Table(_) => {}
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
        let mut attribution = vec![Span::new(format!("— {}, {}", q.speaker.trim(), q.role.trim()), Face::Sans).color(Color::GREY)];
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
        let inlines = markup::parse(text).unwrap_or_else(|_| vec![Inline::Text { text: text.to_string(), bold: false, italic: false }]);
        for inline in inlines {
            match inline {
                Inline::Text { text, bold, italic } => spans.push(Span::new(text, face_for(bold, italic))),
                Inline::Cite(ids) => self.cite(&mut spans, &ids, face_for(false, false)),
                Inline::Value(expr) => spans.push(Span::new(format!("{{{expr}}}"), face_for(false, false))),
            }
        }
        spans
    }

    /// Appends "[1, 3]" with each number linked to its reference. The space
    /// before the citation becomes non-breaking so a line never starts with it.
    fn cite(&self, spans: &mut Vec<Span>, ids: &[String], face: Face) {
        let numbers: Vec<usize> = ids.iter().filter_map(|id| self.numbers.get(id).copied()).collect();
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

const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
];

/// "2018-06-27" → "27 June 2018"; "2018-06" → "June 2018"; "2018" → "2018".
pub fn format_date(date: &str) -> String {
    match manifest::parse_date(date) {
        Some((y, Some(m), Some(d))) => format!("{d} {} {y}", MONTHS[m as usize - 1]),
        Some((y, Some(m), None)) => format!("{} {y}", MONTHS[m as usize - 1]),
        Some((y, None, _)) => y.to_string(),
        None => date.to_string(),
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
        assert_eq!(spans[2].link, Some(Link::Reference(2)));
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(format_date("2018-06-27"), "27 June 2018");
        assert_eq!(format_date("2018-07"), "July 2018");
        assert_eq!(format_date("2018"), "2018");
    }
}
