//! Resolving the strings of a manifest: each is parsed once into inlines,
//! its `{series.stat}` values evaluated and its `[@id]` citations checked,
//! or, in a field printed as written, any such syntax refused. Problems are
//! located at the offending part of the string, not the whole string.

use std::ops::Range;

use super::Resolver;
use super::model::{Inline, Text};
use crate::diag::{Diagnostic, PathSeg, format_path, line_col, locate_offset, string_offset};
use crate::input::{markup, typography};
use crate::text::fonts::MISSING_CHARACTER_HINT;

/// What a field of the manifest may contain besides words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Emphasis, computed values and citations: paragraphs, headings, captions.
    Prose,
    /// Emphasis and computed values, no citations: titles, labels, headers.
    Values,
    /// Nothing: printed exactly as written (quotes, names, the marking).
    Verbatim,
}

/// Where inline text was written: a string of the manifest (by its path),
/// or the Markdown file (positions are byte offsets into it).
#[derive(Debug, Clone, Copy)]
pub enum Origin<'p> {
    Json(&'p [PathSeg]),
    Markdown,
}

impl Origin<'_> {
    /// The field, for messages: `title`, or "Markdown text".
    fn field(&self) -> &str {
        match self {
            Origin::Json(path) => last_key(path),
            Origin::Markdown => "this text",
        }
    }
}

/// Longer words draw a warning: the longest English words in use have about 45 letters.
const LONGEST_WORD: usize = 60;

impl Resolver<'_> {
    /// A located error or warning about the part `at` (byte range) of the
    /// string at `path`, or about the whole value when `at` is `None`.
    pub(super) fn diag_in(
        &self,
        error: bool,
        path: &[PathSeg],
        at: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let d = if error { Diagnostic::error(self.file, message) } else { Diagnostic::warning(self.file, message) };
        let d = d.path(format_path(path));
        let Some(start) = locate_offset(self.src, path) else { return d };
        match at {
            Some(at) if self.src.as_bytes().get(start) == Some(&b'"') => {
                let from = string_offset(self.src, start, at.start);
                let to = string_offset(self.src, start, at.end);
                let len = self.src[from..to].chars().count().max(1);
                d.at(Some(line_col(self.src, from))).len(len)
            }
            _ => d.at(Some(line_col(self.src, start))),
        }
    }

    /// A located problem at part (`at`) of a manifest string or of the Markdown text.
    pub(super) fn diag_at(
        &self,
        error: bool,
        origin: Origin,
        at: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        match (origin, &self.md) {
            (Origin::Markdown, Some(md)) => {
                let d =
                    if error { Diagnostic::error(&md.file, message) } else { Diagnostic::warning(&md.file, message) };
                let at = at.unwrap_or(0..0);
                let len = md.src.get(at.clone()).map_or(1, |s| s.chars().count().max(1));
                d.at(Some(line_col(md.src, at.start))).len(len)
            }
            (Origin::Json(path), _) => self.diag_in(error, path, at, message),
            // Markdown positions come only with a Markdown text; without one, the manifest as a whole.
            (Origin::Markdown, None) => self.diag_in(error, &[], None, message),
        }
    }

    pub(super) fn error_at(
        &mut self,
        origin: Origin,
        at: Option<Range<usize>>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let d = self.diag_at(true, origin, at, message).hint(hint);
        self.diags.push(d);
    }

    /// Records an error at part of a string (or the whole value).
    pub(super) fn error_in(
        &mut self,
        path: &[PathSeg],
        at: Option<Range<usize>>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let d = self.diag_in(true, path, at, message).hint(hint);
        self.diags.push(d);
    }

    /// Resolves a string of the manifest that reaches the page; `required`
    /// refuses an empty one.
    pub(super) fn text(&mut self, path: &[PathSeg], raw: &str, markup: Markup, required: bool) -> Text {
        self.characters(path, raw, required);
        if markup == Markup::Verbatim {
            self.refuse_markup(path, raw);
            return Text::literal(raw);
        }
        match markup::parse(raw) {
            Ok(parsed) => self.inlines(Origin::Json(path), parsed, markup),
            Err(e) => {
                let end = raw[e.offset..].chars().next().map_or(e.offset, |c| e.offset + c.len_utf8());
                self.error_in(path, Some(e.offset..end), e.message, e.hint);
                Text::default()
            }
        }
    }

    /// Evaluates the values of parsed inlines and checks their citations,
    /// reporting problems where they were written.
    pub(super) fn inlines(&mut self, origin: Origin, parsed: Vec<markup::Inline>, markup: Markup) -> Text {
        let mut inlines = Vec::with_capacity(parsed.len());
        for inline in parsed {
            match inline {
                markup::Inline::Text { text, bold, italic } => inlines.push(Inline::Text { text, bold, italic }),
                markup::Inline::Link { text, url, bold, italic } => inlines.push(Inline::Link { text, url, bold, italic }),
                markup::Inline::Value { expr, bold, italic, at } => {
                    if let Some(text) = self.value(origin, &expr, at) {
                        inlines.push(Inline::Value { text, bold, italic });
                    }
                }
                markup::Inline::Cite { ids, at } if markup == Markup::Prose => {
                    for id in &ids {
                        self.source_at(origin, Some(at.clone()), id);
                    }
                    inlines.push(Inline::Cite(ids));
                }
                markup::Inline::Cite { at, .. } => self.error_at(
                    origin,
                    Some(at),
                    format!("`{}` cannot cite a source", origin.field()),
                    "cite it in the text, where the reader meets the claim; key figures, charts and tables name their own sources",
                ),
            }
        }
        smarten(&mut inlines);
        Text { inlines }
    }

    /// A plain string printed as written (an author, a marking): checked
    /// for characters and refused markup, returned trimmed.
    pub(super) fn verbatim(&mut self, path: &[PathSeg], raw: &str, required: bool) -> String {
        self.characters(path, raw, required);
        self.refuse_markup(path, raw);
        raw.trim().to_string()
    }

    /// Evaluates `{expr}` found at `at`, recording the sources it rests on.
    fn value(&mut self, origin: Origin, expr: &str, at: Range<usize>) -> Option<String> {
        self.values.count += 1;
        match self.analysis.eval(expr) {
            Ok(value) => {
                for id in &value.sources {
                    if !self.values.sources.contains(id) {
                        self.values.sources.push(id.clone());
                    }
                }
                self.cited.extend(value.sources);
                Some(value.text)
            }
            // The series failed to build and has been reported at its declaration.
            Err(e) if e.reported => None,
            Err(e) => {
                self.error_at(origin, Some(at), e.message, e.hint);
                None
            }
        }
    }

    /// In a verbatim field, `{…}` and `[@…]` would print as typed: refuse them.
    fn refuse_markup(&mut self, path: &[PathSeg], raw: &str) {
        let field = last_key(path);
        if let Some(open) = raw.find("[@") {
            let end = raw[open..].find(']').map_or(raw.len(), |e| open + e + 1);
            self.error_in(
                path,
                Some(open..end),
                format!("`{field}` is printed as written, so `{}` would not become a citation", &raw[open..end]),
                "remove it: this field names its source with `source`, or cite in the text",
            );
        }
        if let Some(open) = raw.find('{')
            && let Some(close) = raw[open..].find('}')
        {
            let end = open + close + 1;
            self.error_in(
                path,
                Some(open..end),
                format!("`{field}` is printed as written, so `{}` would not be computed", &raw[open..end]),
                "write the words themselves here; computed values work in titles, labels, headings and text",
            );
        }
    }

    /// Text shown as written must be non-empty (when required) and printable in the fonts.
    fn characters(&mut self, path: &[PathSeg], text: &str, required: bool) {
        if required && text.trim().is_empty() {
            self.error_in(path, None, "this text is empty", "write the text or remove the field");
        }
        // Builds anyway (the word is broken without a hyphen), but it is
        // almost always a paste gone wrong, so the author hears of it.
        if let Some(word) = text.split_whitespace().find(|w| w.chars().count() > LONGEST_WORD) {
            let start: String = word.chars().take(20).collect();
            let offset = word.as_ptr() as usize - text.as_ptr() as usize;
            let d = self
                .diag_in(
                    false,
                    path,
                    Some(offset..offset + word.len()),
                    format!("the word \"{start}...\" is {} characters long", word.chars().count()),
                )
                .hint(format!(
                    "words over {LONGEST_WORD} characters cannot fit a line and are broken without a hyphen"
                ));
            self.diags.push(d);
        }
        for (i, c) in text.char_indices() {
            // Printable ASCII is in every bundled font: most text needs no lookup.
            if c.is_ascii_graphic() || c == ' ' {
                continue;
            }
            let at = Some(i..i + c.len_utf8());
            if c.is_control() && !matches!(c, '\n' | '\t') {
                self.error_in(
                    path,
                    at,
                    format!("control character U+{:04X} in text", c as u32),
                    "remove it; use \\n only to separate quote paragraphs",
                );
                return;
            }
            if !c.is_whitespace() && !(self.covers)(c) {
                let context = context_around(text, i);
                self.error_in(
                    path,
                    at,
                    format!("the character `{c}` (U+{:04X}) in \"{context}\" is not in the bundled fonts", c as u32),
                    MISSING_CHARACTER_HINT,
                );
                return;
            }
        }
    }
}

/// Typographic quotes, dashes and ellipses in the words of `inlines`; a
/// quote after a computed value or a citation closes.
pub(super) fn smarten(inlines: &mut [Inline]) {
    let mut prev = None;
    for inline in inlines {
        match inline {
            Inline::Text { text, .. } | Inline::Link { text, .. } => {
                *text = typography::smarten(text, prev);
                prev = text.chars().next_back().or(prev);
            }
            Inline::Value { text, .. } => prev = text.chars().next_back().or(prev),
            Inline::Cite(_) => prev = Some(']'),
        }
    }
}

/// The field a path ends in, for messages: `title`, `label`, `heading`.
fn last_key(path: &[PathSeg]) -> &str {
    path.iter()
        .rev()
        .find_map(|seg| match seg {
            PathSeg::Key(k) => Some(k.as_str()),
            PathSeg::Index(_) => None,
        })
        .unwrap_or("this field")
}

/// A few characters either side of byte `at` so the user can find it.
fn context_around(text: &str, at: usize) -> String {
    let before: Vec<char> = text[..at].chars().rev().take(12).collect();
    let after: String = text[at..].chars().take(13).collect();
    before.into_iter().rev().collect::<String>() + &after
}
