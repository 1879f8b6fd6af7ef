//! Loading and validating a briefing manifest (format 1).
//!
//! The manifest is deserialised into plain typed structs with serde; anything
//! serde cannot express (source ids that must exist, dates, characters the
//! fonts lack, features not built yet) is checked afterwards, and every
//! problem is reported with the file, line:column and JSON path.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::diag::{Diagnostic, PathSeg, did_you_mean, format_path, locate};
use crate::markup::{self, Inline};

/// A whole briefing manifest, as written by the author.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
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
    /// Data series; accepted by the parser so that the error can say it is not supported yet.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
    #[serde(default)]
    pub summary: Vec<String>,
    #[serde(default)]
    pub key_figures: Vec<KeyFigure>,
    #[serde(default)]
    pub sections: Vec<Section>,
}

fn default_lang() -> String {
    "en-GB".to_string()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub heading: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Subsections, numbered 1.1, 1.2, ... under this section.
    #[serde(default)]
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    Text(String),
    Quote(Quote),
    /// Accepted by the parser so that the error can say it is not supported yet.
    Chart(serde_json::Value),
    /// Accepted by the parser so that the error can say it is not supported yet.
    Table(serde_json::Value),
}

#[derive(Debug, Clone, Deserialize)]
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
    let de = &mut serde_json::Deserializer::from_str(src);
    let manifest: Manifest = serde_path_to_error::deserialize(de).map_err(|err| {
        let path = match err.path().to_string().as_str() {
            "." => "$".to_string(),
            p => format!("$.{p}"),
        };
        let inner = err.inner();
        let position = Some((inner.line(), inner.column()));
        let diag = if inner.is_syntax() || inner.is_eof() {
            Diagnostic::error(file, format!("not valid JSON: {}", strip_position(inner)))
                .hint("check for a missing comma, quote or bracket just before this point")
        } else {
            let message = strip_position(inner);
            let hint = field_hint(&message);
            let d = Diagnostic::error(file, message).path(path);
            match hint {
                Some(h) => d.hint(h),
                None => d,
            }
        };
        vec![diag.at(position)]
    })?;
    Ok(manifest)
}

/// serde_json appends " at line L column C" to its messages; we show the position ourselves.
fn strip_position(err: &serde_json::Error) -> String {
    let msg = err.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a hint.
fn field_hint(message: &str) -> Option<String> {
    let names: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (first, expected) = names.split_first()?;
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let what = if message.starts_with("unknown field") { "field" } else { "value" };
        return Some(match did_you_mean(first, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if expected.is_empty() => format!("no {what}s are allowed here"),
            None => format!("allowed: {}", expected.join(", ")),
        });
    }
    if message.starts_with("missing field") {
        return Some(format!("add the required field `{first}`"));
    }
    None
}

/// Checks everything serde could not: returns errors and warnings together.
///
/// `covers` says whether the bundled fonts can show a character.
pub fn validate(
    file: &str,
    src: &str,
    m: &Manifest,
    covers: &dyn Fn(char) -> bool,
) -> Vec<Diagnostic> {
    let mut v = Validator {
        file,
        src,
        sources: &m.sources,
        covers,
        cited: BTreeSet::new(),
        diags: Vec::new(),
    };
    v.check_top(m);
    let cited = std::mem::take(&mut v.cited);
    for id in m.sources.keys() {
        if !cited.contains(id.as_str()) {
            let path = vec![key("sources"), key(id)];
            v.diags.push(
                v.diag_warning(&path, format!("source `{id}` is never cited"))
                    .hint("cite it with `[@{id}]` or remove it from `sources`"),
            );
        }
    }
    v.diags
}

fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_string())
}

fn index(i: usize) -> PathSeg {
    PathSeg::Index(i)
}

fn with(path: &[PathSeg], seg: PathSeg) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

struct Validator<'a> {
    file: &'a str,
    src: &'a str,
    sources: &'a BTreeMap<String, Source>,
    covers: &'a dyn Fn(char) -> bool,
    cited: BTreeSet<String>,
    diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn diag_error(&self, path: &[PathSeg], message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, message)
            .at(locate(self.src, path))
            .path(format_path(path))
    }

    fn diag_warning(&self, path: &[PathSeg], message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(self.file, message)
            .at(locate(self.src, path))
            .path(format_path(path))
    }

    fn error(&mut self, path: &[PathSeg], message: impl Into<String>, hint: impl Into<String>) {
        let d = self.diag_error(path, message).hint(hint);
        self.diags.push(d);
    }

    fn check_top(&mut self, m: &Manifest) {
        if m.format != 1 {
            self.error(
                &[key("format")],
                format!("manifest format {} is not supported", m.format),
                "this version of briefing reads `\"format\": 1`",
            );
        }
        self.plain(&[key("title")], &m.title, true);
        if let Some(s) = &m.subtitle {
            self.plain(&[key("subtitle")], s, true);
        }
        if let Some(s) = &m.author {
            self.plain(&[key("author")], s, true);
        }
        if let Some(s) = &m.marking {
            self.plain(&[key("marking")], s, true);
        }
        for (i, k) in m.keywords.iter().enumerate() {
            self.plain(&[key("keywords"), index(i)], k, true);
        }
        if !is_full_date(&m.date) {
            self.error(
                &[key("date")],
                format!("`{}` is not a date", m.date),
                "dates are YYYY-MM-DD, e.g. 2018-06-27",
            );
        }
        if !is_language_tag(&m.lang) {
            self.error(
                &[key("lang")],
                format!("`{}` is not a language tag", m.lang),
                "use a BCP 47 tag such as `en-GB`",
            );
        }
        for (id, source) in self.sources {
            self.check_source(id, source);
        }
        if m.data.is_some() {
            self.error(
                &[key("data")],
                "data series are not supported yet",
                "remove `data`; figures must be literals with a cited source for now",
            );
        }
        for (i, s) in m.summary.iter().enumerate() {
            self.prose(&[key("summary"), index(i)], s);
        }
        for (i, kf) in m.key_figures.iter().enumerate() {
            let path = [key("key_figures"), index(i)];
            self.check_key_figure(&path, kf);
        }
        for (i, s) in m.sections.iter().enumerate() {
            self.check_section(&[key("sections"), index(i)], s, 1);
        }
    }

    fn check_source(&mut self, id: &str, s: &Source) {
        let path = [key("sources"), key(id)];
        self.plain(&with(&path, key("publisher")), &s.publisher, true);
        self.plain(&with(&path, key("title")), &s.title, true);
        if let Some(date) = &s.date
            && !is_partial_date(date)
        {
            self.error(
                &with(&path, key("date")),
                format!("`{date}` is not a date"),
                "source dates are YYYY-MM-DD, YYYY-MM or YYYY",
            );
        }
        if let Some(url) = &s.url {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() > "https://".len()
                && !url.chars().any(char::is_whitespace);
            if !ok {
                self.error(
                    &with(&path, key("url")),
                    format!("`{url}` is not a web address"),
                    "URLs start with https:// or http:// and contain no spaces",
                );
            }
        }
    }

    fn check_key_figure(&mut self, path: &[PathSeg], kf: &KeyFigure) {
        self.plain(&with(path, key("value")), &kf.value, true);
        if kf.value.contains('{') {
            self.error(
                &with(path, key("value")),
                "computed key figures (`{series.stat}`) are not supported yet",
                "give the figure as a literal with a `source`",
            );
        }
        self.prose(&with(path, key("label")), &kf.label);
        match &kf.source {
            Some(id) => self.source_ref(&with(path, key("source")), id),
            None => self.error(
                path,
                "a literal key figure needs a `source`",
                "add `\"source\": \"<source id>\"` so readers can check the figure",
            ),
        }
    }

    fn check_section(&mut self, path: &[PathSeg], s: &Section, depth: usize) {
        self.prose(&with(path, key("heading")), &s.heading);
        if s.heading.trim().is_empty() {
            self.error(&with(path, key("heading")), "the heading is empty", "give the section a heading");
        }
        for (i, block) in s.blocks.iter().enumerate() {
            let bpath = with(&with(path, key("blocks")), index(i));
            match block {
                Block::Text(t) => self.prose(&with(&bpath, key("text")), t),
                Block::Quote(q) => self.check_quote(&with(&bpath, key("quote")), q),
                Block::Chart(_) => self.error(
                    &with(&bpath, key("chart")),
                    "chart blocks are not supported yet",
                    "remove the chart block; charts arrive in a later version",
                ),
                Block::Table(_) => self.error(
                    &with(&bpath, key("table")),
                    "table blocks are not supported yet",
                    "remove the table block; tables arrive in a later version",
                ),
            }
        }
        if depth >= MAX_SECTION_DEPTH && !s.sections.is_empty() {
            self.error(
                &with(path, key("sections")),
                format!("sections nest at most {MAX_SECTION_DEPTH} deep (1.1.1)"),
                "move these subsections up a level",
            );
            return;
        }
        for (i, sub) in s.sections.iter().enumerate() {
            self.check_section(&with(&with(path, key("sections")), index(i)), sub, depth + 1);
        }
    }

    fn check_quote(&mut self, path: &[PathSeg], q: &Quote) {
        // Quote text is verbatim: no markup is interpreted, so only characters are checked.
        self.plain(&with(path, key("text")), &q.text, true);
        self.plain(&with(path, key("speaker")), &q.speaker, true);
        self.plain(&with(path, key("role")), &q.role, true);
        self.source_ref(&with(path, key("source")), &q.source);
    }

    fn source_ref(&mut self, path: &[PathSeg], id: &str) {
        if self.sources.contains_key(id) {
            self.cited.insert(id.to_string());
            return;
        }
        let hint = match did_you_mean(id, self.sources.keys().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "known sources: {}",
                self.sources.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        self.error(path, format!("unknown source `{id}`"), hint);
    }

    /// Text shown as written: must be non-empty (when required) and printable in the fonts.
    fn plain(&mut self, path: &[PathSeg], text: &str, required: bool) {
        if required && text.trim().is_empty() {
            self.error(path, "this text is empty", "write the text or remove the field");
        }
        for c in text.chars() {
            if c.is_control() && !matches!(c, '\n' | '\t') {
                self.error(
                    path,
                    format!("control character U+{:04X} in text", c as u32),
                    "remove it; use \\n only to separate quote paragraphs",
                );
                return;
            }
            if !c.is_whitespace() && !(self.covers)(c) {
                let context = context_around(text, c);
                self.error(
                    path,
                    format!(
                        "the character `{c}` (U+{:04X}) in \"{context}\" is not in the bundled fonts",
                        c as u32
                    ),
                    "the fonts cover Latin-1, Latin Extended-A, common punctuation, £ € and −; replace the character",
                );
                return;
            }
        }
    }

    /// Prose with inline markup: syntax, citations and computed values.
    fn prose(&mut self, path: &[PathSeg], text: &str) {
        self.plain(path, text, false);
        match markup::parse(text) {
            Err(e) => self.error(path, format!("{} (at character {})", e.message, text[..e.offset].chars().count() + 1), e.hint),
            Ok(inlines) => {
                for inline in &inlines {
                    match inline {
                        Inline::Cite(ids) => {
                            for id in ids {
                                self.source_ref(path, id);
                            }
                        }
                        Inline::Value(expr) => self.error(
                            path,
                            format!("computed values like `{{{expr}}}` are not supported yet"),
                            "write the figure as text and cite its source; write `\\{` for a literal brace",
                        ),
                        Inline::Text { .. } => {}
                    }
                }
            }
        }
    }
}

/// A few characters either side of `c` so the user can find it.
fn context_around(text: &str, c: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = chars.iter().position(|&x| x == c).unwrap_or(0);
    let start = at.saturating_sub(12);
    let end = (at + 13).min(chars.len());
    chars[start..end].iter().collect()
}

/// `YYYY-MM-DD` with a real month and day.
pub fn is_full_date(s: &str) -> bool {
    parse_date(s).is_some_and(|(_, m, d)| m.is_some() && d.is_some())
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn is_partial_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// Parses `YYYY[-MM[-DD]]`, checking month and day ranges (with leap years).
pub fn parse_date(s: &str) -> Option<(i32, Option<u32>, Option<u32>)> {
    let mut parts = s.split('-');
    let num = |p: Option<&str>, len: usize| -> Option<Option<u32>> {
        match p {
            None => Some(None),
            Some(p) if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok().map(Some),
            Some(_) => None,
        }
    };
    let year = num(parts.next(), 4)??;
    let month = num(parts.next(), 2)?;
    let day = num(parts.next(), 2)?;
    if parts.next().is_some() || (month.is_none() && day.is_some()) {
        return None;
    }
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return None;
    }
    if let (Some(m), Some(d)) = (month, day) {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if d == 0 || d > days[m as usize - 1] {
            return None;
        }
    }
    Some((year as i32, month, day))
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// All ids a parsed manifest string cites, for numbering references in order.
pub fn cited_ids(text: &str) -> Vec<String> {
    markup::parse(text)
        .map(|i| markup::citations(&i).map(str::to_string).collect())
        .unwrap_or_default()
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

    fn all(_: char) -> bool {
        true
    }

    #[test]
    fn minimal_manifest_is_clean() {
        let m = parse("m.json", MINIMAL).unwrap();
        assert_eq!(m.paper, Paper::A4);
        assert_eq!(m.lang, "en-GB");
        assert!(validate("m.json", MINIMAL, &m, &all).is_empty());
    }

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
    fn unknown_source_is_located() {
        let src = MINIMAL.replace("One [@a].", "One [@b].");
        let m = parse("m.json", &src).unwrap();
        let diags = validate("m.json", &src, &m, &all);
        let d = diags.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(d.message, "unknown source `b`");
        assert_eq!(d.path, "$.summary[0]");
        assert_eq!(d.position, Some((6, 15)));
        // and the uncited source is a warning, not an error
        assert!(diags.iter().any(|d| !d.is_error() && d.message.contains("never cited")));
    }

    #[test]
    fn unsupported_features_are_errors() {
        let src = MINIMAL.replace(
            "\"summary\": [\"One [@a].\"]",
            "\"summary\": [\"{x.latest} [@a]\"], \"sections\": [{\"heading\": \"H\", \"blocks\": [{\"chart\": {}}]}]",
        );
        let m = parse("m.json", &src).unwrap();
        let msgs: Vec<String> = validate("m.json", &src, &m, &all).into_iter().map(|d| d.message).collect();
        assert!(msgs.iter().any(|m| m.contains("not supported yet") && m.contains("{x.latest}")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m == "chart blocks are not supported yet"), "{msgs:?}");
    }

    #[test]
    fn missing_glyphs_name_the_character() {
        let src = MINIMAL.replace("\"T\"", "\"Tokyo 東京\"");
        let m = parse("m.json", &src).unwrap();
        let diags = validate("m.json", &src, &m, &|c| c.is_ascii());
        assert!(diags[0].message.contains("`東` (U+6771)"), "{}", diags[0].message);
        assert_eq!(diags[0].path, "$.title");
    }

    #[test]
    fn syntax_errors_are_located() {
        let d = &parse("m.json", "{\n  \"format\": 1,\n  \"title\" \"x\"\n}").unwrap_err()[0];
        assert!(d.message.starts_with("not valid JSON"));
        assert_eq!(d.position, Some((3, 11)));
    }

    #[test]
    fn dates() {
        assert!(is_full_date("2016-02-29"));
        assert!(!is_full_date("2018-02-29"));
        assert!(!is_full_date("2018-13-01"));
        assert!(!is_full_date("2018-6-27"));
        assert!(!is_full_date("2018-06"));
        assert!(is_partial_date("2018-06"));
        assert!(is_partial_date("2018"));
        assert!(!is_partial_date("18"));
    }
}
