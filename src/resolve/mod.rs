//! Resolving: the conversion of a parsed manifest and its analysed data
//! into a typed [`Briefing`], and the only place that decides whether a
//! briefing is valid.
//!
//! Every string that reaches the page is parsed here once, its values
//! evaluated and its citations checked; every setting becomes an enum or a
//! number. All problems are collected and returned together, each located
//! in the manifest. After this stage nothing the author wrote is parsed
//! again, and nothing falls back to a default silently: `compose` takes a
//! `Briefing` and cannot fail.
//!
//! One file per part of the briefing: `text` (strings), `section`
//! (sections, paragraphs and quotes), `chart`, `table`, `map`.

mod chart;
mod map;
mod model;
mod prose;
mod section;
mod table;
mod text;

use std::collections::{BTreeMap, BTreeSet};

pub use model::*;

use crate::analyse::Analysis;
use crate::diag::{Diagnostic, PathSeg, index, key, suggest, with};
use crate::input::date::{is_full_date, is_partial_date};
use crate::input::manifest::{KeyFigure as KeyFigureSpec, Manifest, Source};
use crate::input::markdown::Prose;
use text::{Markup, Origin};

/// The briefing's prose written in Markdown (the manifest's `text`): how
/// diagnostics name the file, its text, and what it holds.
pub struct MarkdownText<'a> {
    pub file: String,
    pub src: &'a str,
    pub prose: &'a Prose,
}

/// A resolved briefing and the warnings found on the way.
pub struct Resolved {
    pub briefing: Briefing,
    pub warnings: Vec<Diagnostic>,
}

/// Converts a manifest and its analysed data into a [`Briefing`].
///
/// `file` and `src` name and hold the manifest's text, for locating
/// problems; `md` is its Markdown text, when it has one; `covers` says
/// whether the bundled fonts can show a character. On failure returns every
/// problem found, errors and warnings.
pub fn resolve(
    file: &str,
    src: &str,
    m: &Manifest,
    analysis: &Analysis,
    md: Option<MarkdownText>,
    covers: &dyn Fn(char) -> bool,
) -> Result<Resolved, Vec<Diagnostic>> {
    let mut r = Resolver {
        file,
        src,
        md,
        m,
        analysis,
        covers,
        labels: BTreeMap::new(),
        cited: BTreeSet::new(),
        values: Values::default(),
        diags: Vec::new(),
    };
    let briefing = r.briefing();
    // The same slip repeated in one paragraph (`[@nope]` forty times) is
    // one problem to fix: reported once, at its first place.
    let mut seen = BTreeSet::new();
    let mut diags = r.diags;
    diags.retain(|d| seen.insert((d.path.clone(), d.message.clone())));
    if crate::diag::has_errors(&diags) {
        return Err(diags);
    }
    Ok(Resolved { briefing, warnings: diags })
}

/// The state of one conversion: the inputs, the sources cited so far and
/// the problems found.
struct Resolver<'a> {
    file: &'a str,
    src: &'a str,
    md: Option<MarkdownText<'a>>,
    m: &'a Manifest,
    analysis: &'a Analysis,
    covers: &'a dyn Fn(char) -> bool,
    /// Each series' label, resolved once (labels may hold computed values).
    labels: BTreeMap<String, String>,
    cited: BTreeSet<String>,
    /// The computed values met since it was last reset (for key figures).
    values: Values,
    diags: Vec<Diagnostic>,
}

/// How many computed values were written, and the sources of those that
/// evaluated, in order and without repeats.
#[derive(Default)]
struct Values {
    count: usize,
    sources: Vec<String>,
}

/// The hint for a name that is not among `known`.
fn unknown_hint<'a>(name: &str, known: impl IntoIterator<Item = &'a str>, otherwise: String) -> String {
    suggest(name, known).unwrap_or(otherwise)
}

impl Resolver<'_> {
    /// Records an error about the value at `path` as a whole.
    fn error(&mut self, path: &[PathSeg], message: impl Into<String>, hint: impl Into<String>) {
        self.error_in(path, None, message, hint);
    }

    /// Records a warning about the value at `path` as a whole.
    fn warning(&mut self, path: &[PathSeg], message: impl Into<String>, hint: impl Into<String>) {
        let d = self.diag_in(false, path, None, message).hint(hint);
        self.diags.push(d);
    }

    fn briefing(&mut self) -> Briefing {
        let m = self.m;
        if m.format != 1 {
            self.error(
                &[key("format")],
                format!("manifest format {} is not supported", m.format),
                "this version of briefing reads `\"format\": 1`",
            );
        }
        self.series_labels();
        let title = self.text(&[key("title")], &m.title, Markup::Values, true);
        let subtitle = m.subtitle.as_ref().map(|s| self.text(&[key("subtitle")], s, Markup::Values, true));
        let author = m.author.as_ref().map(|s| self.verbatim(&[key("author")], s, true));
        let marking = m.marking.as_ref().map(|s| self.verbatim(&[key("marking")], s, true));
        let keywords =
            m.keywords.iter().enumerate().map(|(i, k)| self.verbatim(&[key("keywords"), index(i)], k, true)).collect();
        if !is_full_date(&m.date) {
            self.error(&[key("date")], format!("`{}` is not a date", m.date), "dates are YYYY-MM-DD, e.g. 2018-06-27");
        }
        if !is_language_tag(&m.lang) {
            self.error(
                &[key("lang")],
                format!("`{}` is not a language tag", m.lang),
                "use a BCP 47 tag such as `en-GB`",
            );
        }
        let sources = m.sources.iter().map(|(id, s)| (id.clone(), self.source(id, s))).collect();
        let key_figures = m
            .key_figures
            .iter()
            .enumerate()
            .map(|(i, kf)| self.key_figure(&[key("key_figures"), index(i)], kf))
            .collect();
        let (summary, sections) = match self.md.as_ref().map(|md| md.prose) {
            Some(prose) => self.markdown_prose(prose),
            None => self.json_prose(),
        };
        for id in m.sources.keys() {
            if !self.cited.contains(id.as_str()) {
                self.warning(
                    &[key("sources"), key(id)],
                    format!("source `{id}` is never cited"),
                    format!("cite it with `[@{id}]` or remove it from `sources`"),
                );
            }
        }
        let pages = self.page_budget();
        Briefing {
            title,
            subtitle,
            date: m.date.clone(),
            author,
            marking: marking.filter(|s| !s.is_empty()),
            lang: m.lang.clone(),
            paper: m.paper,
            keywords,
            sources,
            summary,
            key_figures,
            sections,
            chart_data: m.chart_data,
            pages,
        }
    }

    /// The page budget, `"pages": N`: a whole number of pages, at least one
    /// and no more than one briefing may have.
    fn page_budget(&mut self) -> Option<usize> {
        let pages = self.m.pages? as usize;
        if (1..=crate::input::limits::PAGES).contains(&pages) {
            return Some(pages);
        }
        self.error(
            &[key("pages")],
            format!("a budget of {pages} pages is out of range"),
            format!(
                "give the most pages the briefing may take, from 1 to {}, e.g. `\"pages\": 2`; leave `pages` out for no budget",
                crate::input::limits::thousands(crate::input::limits::PAGES as u64)
            ),
        );
        None
    }

    /// Summary points and sections written in the manifest's JSON.
    fn json_prose(&mut self) -> (Vec<Text>, Vec<Section>) {
        let m = self.m;
        let summary = m
            .summary
            .iter()
            .enumerate()
            .map(|(i, s)| self.text(&[key("summary"), index(i)], s, Markup::Prose, false))
            .collect();
        let sections =
            m.sections.iter().enumerate().map(|(i, s)| self.section(&[key("sections"), index(i)], s, 1)).collect();
        let placed = BTreeMap::new();
        self.unplaced(&placed);
        (summary, sections)
    }

    /// Summary points and sections written in Markdown; the manifest then
    /// holds none of its own.
    fn markdown_prose(&mut self, prose: &Prose) -> (Vec<Text>, Vec<Section>) {
        let m = self.m;
        let file = m.text.clone().unwrap_or_default();
        for (field, given) in [("summary", !m.summary.is_empty()), ("sections", !m.sections.is_empty())] {
            if given {
                self.error(
                    &[key(field)],
                    format!("`{field}` is given here and the prose is in {file}"),
                    format!("move it into {file}, or remove `text` to keep the prose in the manifest"),
                );
            }
        }
        let summary = prose.summary.iter().map(|p| self.md_text(p, Markup::Prose)).collect();
        let mut placed = BTreeMap::new();
        let sections = prose.sections.iter().map(|s| self.md_section(s, &mut placed)).collect();
        self.unplaced(&placed);
        (summary, sections)
    }

    /// Resolves every series label once: charts and tables print them, and
    /// a label may carry a computed value ("Officers at {officers.latest_x}").
    fn series_labels(&mut self) {
        for (name, spec) in &self.m.data {
            let path = [key("data"), key(name), key("label")];
            let label = self.text(&path, &spec.label, Markup::Values, true).plain();
            if let Some(unit) = &spec.unit {
                self.verbatim(&[key("data"), key(name), key("unit")], unit, false);
            }
            self.labels.insert(name.clone(), label);
        }
    }

    fn source(&mut self, id: &str, s: &Source) -> Source {
        let path = [key("sources"), key(id)];
        let publisher = self.verbatim(&with(&path, key("publisher")), &s.publisher, true);
        let title = self.verbatim(&with(&path, key("title")), &s.title, true);
        if let Some(date) = &s.date
            && !is_partial_date(date)
        {
            self.error(
                &with(&path, key("date")),
                format!("`{date}` is not a date"),
                "source dates are YYYY-MM-DD, YYYY-MM or YYYY",
            );
        }
        if let Some(date) = &s.date
            && is_partial_date(date)
            && is_full_date(&self.m.date)
            && date.as_str() > &self.m.date[..date.len()]
        {
            // A briefing cannot cite what was published after it: the
            // source's date or the briefing's is probably wrong.
            self.warning(
                &with(&path, key("date")),
                format!("source dated {date}, after the briefing's date {}", self.m.date),
                "check the source's date and the briefing's `date`",
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
        Source { publisher, title, date: s.date.clone(), url: s.url.clone() }
    }

    fn key_figure(&mut self, path: &[PathSeg], kf: &KeyFigureSpec) -> KeyFigure {
        self.values = Values::default();
        let value = self.text(&with(path, key("value")), &kf.value, Markup::Values, false);
        let computed = std::mem::take(&mut self.values);
        if kf.value.trim().is_empty() {
            self.error(
                &with(path, key("value")),
                "the value is empty",
                "give the figure, e.g. `£700m` or `{officers.latest:.0}`",
            );
        }
        let label = self.text(&with(path, key("label")), &kf.label, Markup::Prose, false);
        let sources = match &kf.source {
            Some(id) => {
                self.source_ref(&with(path, key("source")), id);
                vec![id.clone()]
            }
            // A computed figure is cited from the sources of its series.
            None if computed.count > 0 => computed.sources,
            None => {
                self.error(
                    path,
                    "a literal key figure needs a `source`",
                    "add `\"source\": \"<source id>\"`, or compute the figure from data as `{series.statistic}`",
                );
                Vec::new()
            }
        };
        KeyFigure { value, label, sources }
    }

    /// Checks a source id named by a field of the manifest and records the citation.
    fn source_ref(&mut self, path: &[PathSeg], id: &str) {
        self.source_at(Origin::Json(path), None, id);
    }

    /// Checks a source id (in a field, or inside text at `at`) and records the citation.
    fn source_at(&mut self, origin: Origin, at: Option<std::ops::Range<usize>>, id: &str) {
        if self.m.sources.contains_key(id) {
            self.cited.insert(id.to_string());
            return;
        }
        let known = self.m.sources.keys().map(String::as_str);
        let hint = unknown_hint(id, known.clone(), format!("known sources: {}", known.collect::<Vec<_>>().join(", ")));
        self.error_at(origin, at, format!("unknown source `{id}`"), hint);
    }
}

/// Resolves manifest text that uses no data, for unit tests of later stages.
#[cfg(test)]
pub(crate) fn from_json(src: &str) -> Briefing {
    let m = crate::input::manifest::parse("test.json", src).expect("test manifest parses");
    match resolve("test.json", src, &m, &Analysis::default(), None, &|_| true) {
        Ok(resolved) => resolved.briefing,
        Err(diags) => panic!("test manifest does not resolve: {diags:?}"),
    }
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty() && s.split('-').all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::manifest::{Paper, parse};

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

    /// Every problem resolving `src` (with no data) finds, errors and warnings.
    fn problems(src: &str, covers: &dyn Fn(char) -> bool) -> Vec<Diagnostic> {
        let m = parse("m.json", src).unwrap();
        match resolve("m.json", src, &m, &Analysis::default(), None, covers) {
            Ok(resolved) => resolved.warnings,
            Err(diags) => diags,
        }
    }

    #[test]
    fn minimal_manifest_is_clean() {
        let m = parse("m.json", MINIMAL).unwrap();
        assert_eq!(m.paper, Paper::A4);
        assert_eq!(m.lang, "en-GB");
        assert!(problems(MINIMAL, &all).is_empty());
    }

    #[test]
    fn unknown_source_is_located() {
        let src = MINIMAL.replace("One [@a].", "One [@b].");
        let diags = problems(&src, &all);
        let d = diags.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(d.message, "unknown source `b`");
        assert_eq!(d.path, "$.summary[0]");
        // At the citation itself, not the start of the string.
        assert_eq!(d.position, Some((6, 20)));
        assert_eq!(d.len, Some(4));
        // and the uncited source is a warning, not an error
        assert!(diags.iter().any(|d| !d.is_error() && d.message.contains("never cited")));
    }

    #[test]
    fn unknown_series_and_charts_are_errors() {
        let src = MINIMAL.replace(
            "\"summary\": [\"One [@a].\"]",
            "\"summary\": [\"{x.latest} [@a]\"], \"sections\": [{\"heading\": \"H\", \"blocks\": [{\"chart\": {\"kind\": \"pie\", \"series\": [\"y\"], \"title\": \"T\", \"alt\": \"\"}}]}]",
        );
        let msgs: Vec<String> = problems(&src, &all).into_iter().map(|d| d.message).collect();
        assert!(msgs.iter().any(|m| m == "unknown series `x`"), "{msgs:?}");
        assert!(msgs.iter().any(|m| m == "unknown chart kind `pie`"), "{msgs:?}");
        assert!(msgs.iter().any(|m| m == "a chart needs alt text"), "{msgs:?}");
        assert!(msgs.iter().any(|m| m == "unknown series `y`"), "{msgs:?}");
    }

    #[test]
    fn missing_glyphs_name_the_character() {
        let src = MINIMAL.replace("\"T\"", "\"Tokyo 東京\"");
        let diags = problems(&src, &|c| c.is_ascii());
        assert!(diags[0].message.contains("`東` (U+6771)"), "{}", diags[0].message);
        assert_eq!(diags[0].path, "$.title");
    }
}
