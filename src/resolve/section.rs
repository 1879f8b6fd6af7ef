//! Resolving sections: headings, paragraphs and quotes, and the nesting of
//! subsections. Charts, tables and maps are resolved in their own files.

use super::model::{Block, Quote, Section};
use super::text::Markup;
use super::{Resolver, index, key, with};
use crate::diag::PathSeg;
use crate::input::manifest::{self, MAX_SECTION_DEPTH};
use crate::input::typography;

/// Longer paragraphs draw a warning: this is ten pages of unbroken text.
const LONGEST_PARAGRAPH: usize = 5_000;

impl Resolver<'_> {
    /// A section at `depth` (1 for a top-level section) and its subsections.
    pub(super) fn section(&mut self, path: &[PathSeg], s: &manifest::Section, depth: usize) -> Section {
        let heading = self.text(&with(path, key("heading")), &s.heading, Markup::Prose, false);
        if s.heading.trim().is_empty() {
            self.error(&with(path, key("heading")), "the heading is empty", "give the section a heading");
        }
        let blocks = s
            .blocks
            .iter()
            .enumerate()
            .map(|(i, block)| self.block(&with(&with(path, key("blocks")), index(i)), block))
            .collect();
        if depth >= MAX_SECTION_DEPTH && !s.sections.is_empty() {
            self.error(
                &with(path, key("sections")),
                format!("sections nest at most {MAX_SECTION_DEPTH} deep (1.1.1)"),
                "move these subsections up a level",
            );
            return Section { heading, blocks, sections: Vec::new() };
        }
        let sections = s
            .sections
            .iter()
            .enumerate()
            .map(|(i, sub)| self.section(&with(&with(path, key("sections")), index(i)), sub, depth + 1))
            .collect();
        Section { heading, blocks, sections }
    }

    fn block(&mut self, path: &[PathSeg], block: &manifest::Block) -> Block {
        match block {
            manifest::Block::Text(t) => {
                let tpath = with(path, key("text"));
                let words = t.split_whitespace().count();
                if words > LONGEST_PARAGRAPH {
                    self.warning(
                        &tpath,
                        format!("this paragraph has {words} words"),
                        "it builds, but a reader needs breaks: split it into paragraphs of a few hundred words",
                    );
                }
                Block::Paragraph(self.text(&tpath, t, Markup::Prose, false))
            }
            manifest::Block::Quote(q) => Block::Quote(self.quote(&with(path, key("quote")), q)),
            manifest::Block::Chart(c) => Block::Chart(Box::new(self.chart(&with(path, key("chart")), c))),
            manifest::Block::Table(t) => Block::Table(self.table(&with(path, key("table")), t)),
            manifest::Block::Map(m) => Block::Map(Box::new(self.map(&with(path, key("map")), m))),
        }
    }

    /// Quote text is verbatim: no markup is interpreted, so only characters
    /// are checked. Like all prose it gets typographic quotes and dashes,
    /// which change no word.
    fn quote(&mut self, path: &[PathSeg], q: &manifest::Quote) -> Quote {
        self.verbatim(&with(path, key("text")), &q.text, true);
        let paragraphs = q
            .text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| typography::smarten(&p.replace('\n', " "), None))
            .collect();
        let speaker = typography::smarten(&self.verbatim(&with(path, key("speaker")), &q.speaker, true), None);
        let role = typography::smarten(&self.verbatim(&with(path, key("role")), &q.role, true), None);
        self.source_ref(&with(path, key("source")), &q.source);
        Quote { paragraphs, speaker, role, source: q.source.clone() }
    }
}
