//! Resolving prose written in Markdown: its sections, paragraphs, lists and
//! quotes, and the charts and tables it places by id from the manifest's
//! `figures`. Problems are located in the Markdown file.

use std::collections::BTreeMap;
use std::ops::Range;

use super::model::{Block, Quote, Section, Text};
use super::text::{Markup, Origin};
use super::{Resolver, key, unknown_hint, with};
use crate::diag::line_col;
use crate::input::manifest::Figure;
use crate::input::markdown::{self, Para};
use crate::input::markup;
use crate::input::typography;

impl Resolver<'_> {
    /// A Markdown section and its subsections.
    pub(super) fn md_section(&mut self, s: &markdown::Section, placed: &mut BTreeMap<String, usize>) -> Section {
        let heading = self.md_text(&s.heading, Markup::Prose);
        let blocks = s.blocks.iter().filter_map(|b| self.md_block(b, placed)).collect();
        let sections = s.sections.iter().map(|sub| self.md_section(sub, placed)).collect();
        Section { heading, blocks, sections }
    }

    pub(super) fn md_text(&mut self, para: &Para, markup: Markup) -> Text {
        self.inlines(Origin::Markdown, para.inlines.clone(), markup)
    }

    fn md_block(&mut self, block: &markdown::Block, placed: &mut BTreeMap<String, usize>) -> Option<Block> {
        Some(match block {
            markdown::Block::Paragraph(p) => Block::Paragraph(self.md_text(p, Markup::Prose)),
            markdown::Block::List(items) => Block::List(items.iter().map(|p| self.md_text(p, Markup::Prose)).collect()),
            markdown::Block::Quote { paragraphs, attribution } => Block::Quote(self.md_quote(paragraphs, attribution)?),
            markdown::Block::Figure { id, at } => return self.place(id, at, placed),
        })
    }

    /// A quote: its words printed as written (no values, citations, links or
    /// emphasis: quotes are set in italic), and `Speaker, Role [@source]`.
    fn md_quote(&mut self, paragraphs: &[Para], attribution: &Para) -> Option<Quote> {
        let mut words = Vec::new();
        for p in paragraphs {
            for inline in &p.inlines {
                let refused = match inline {
                    markup::Inline::Text { bold: false, italic: false, .. } => None,
                    markup::Inline::Text { .. } => Some(("emphasis", p.at.clone())),
                    markup::Inline::Value { at, .. } => Some(("a computed value", at.clone())),
                    markup::Inline::Cite { at, .. } => Some(("a citation", at.clone())),
                    markup::Inline::Link { .. } => Some(("a link", p.at.clone())),
                };
                if let Some((what, at)) = refused {
                    self.error_at(
                        Origin::Markdown,
                        Some(at),
                        format!("{what} cannot stand inside a quote, which is printed as said"),
                        "quote the words as said; cite the source at the end of the `—` line",
                    );
                }
            }
            words.push(typography::smarten(&p.words(), None));
        }
        let mut ids = Vec::new();
        let mut said = String::new();
        for inline in &attribution.inlines {
            match inline {
                markup::Inline::Text { text, .. } => said.push_str(text),
                markup::Inline::Cite { ids: cited, at } => {
                    for id in cited {
                        self.source_at(Origin::Markdown, Some(at.clone()), id);
                    }
                    ids.extend(cited.iter().cloned());
                }
                _ => self.error_at(
                    Origin::Markdown,
                    Some(attribution.at.clone()),
                    "the attribution is a speaker, a role and a citation",
                    "write `— Speaker, Role [@source]`",
                ),
            }
        }
        let said = typography::smarten(said.trim(), None);
        let Some((speaker, role)) =
            said.split_once(',').map(|(s, r)| (s.trim(), r.trim())).filter(|(s, r)| !s.is_empty() && !r.is_empty())
        else {
            self.error_at(
                Origin::Markdown,
                Some(attribution.at.clone()),
                "the attribution needs the speaker and their role",
                "write `— Speaker, Role [@source]`, e.g. `— Jennette Arnold OBE AM, London Assembly Member for North East [@ldrs-2018]`",
            );
            return None;
        };
        let source = match ids.as_slice() {
            [one] => one.clone(),
            _ => {
                self.error_at(
                    Origin::Markdown,
                    Some(attribution.at.clone()),
                    "a quote cites the one source it was said in",
                    "end the attribution with one citation, e.g. `[@ldrs-2018]`",
                );
                return None;
            }
        };
        Some(Quote { paragraphs: words, speaker: speaker.to_string(), role: role.to_string(), source })
    }

    /// A chart or table placed by id: resolved from the manifest, once.
    fn place(&mut self, id: &str, at: &Range<usize>, placed: &mut BTreeMap<String, usize>) -> Option<Block> {
        let m = self.m;
        let Some(figure) = m.figures.get(id) else {
            let hint = unknown_hint(
                id,
                m.figures.keys().map(String::as_str),
                "define it in the manifest's `figures`, e.g. `\"figures\": {\"officers\": {\"chart\": {...}}}`"
                    .to_string(),
            );
            self.error_at(Origin::Markdown, Some(at.clone()), format!("unknown figure `{id}`"), hint);
            return None;
        };
        if let Some(first) = placed.get(id) {
            let line = self.md.as_ref().map_or(0, |md| line_col(md.src, *first).0);
            self.error_at(
                Origin::Markdown,
                Some(at.clone()),
                format!("figure `{id}` is placed twice"),
                format!("each figure appears once; it is first placed on line {line}"),
            );
            return None;
        }
        placed.insert(id.to_string(), at.start);
        let path = [key("figures"), key(id)];
        Some(match figure {
            Figure::Chart(c) => Block::Chart(Box::new(self.chart(&with(&path, key("chart")), c))),
            Figure::Table(t) => Block::Table(self.table(&with(&path, key("table")), t)),
            Figure::Map(m) => Block::Map(Box::new(self.map(&with(&path, key("map")), m))),
        })
    }

    /// Figures defined but never placed: a warning each, at the definition.
    pub(super) fn unplaced(&mut self, placed: &BTreeMap<String, usize>) {
        let text = self.m.text.clone().unwrap_or_else(|| "the Markdown text".to_string());
        for id in self.m.figures.keys().filter(|id| !placed.contains_key(*id)) {
            self.warning(
                &[key("figures"), key(id)],
                format!("figure `{id}` is never placed"),
                format!("place it in {text} on a line of its own as `![](figure:{id})`, or remove it"),
            );
        }
    }
}
