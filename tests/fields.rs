//! Every field of the manifest that reaches the page either evaluates
//! `{series.stat}` values (and checks citations), or refuses them with a
//! located error: nothing the author writes is printed unchecked.
//!
//! For each field, a computed value is written into an otherwise fixed
//! briefing and the test checks the evaluated text where the field shows:
//! the page, the PDF metadata, every page's footer and the email summary.
//! A misspelt series and a misspelt statistic in the same field must then
//! be reported, located at the misspelling itself.

mod common;

use std::path::Path;

use briefing::diag::Diagnostic;
use briefing::export::summary::{Style, summary};
use briefing::input::data::Folder;
use briefing::text::fonts::Fonts;
use serde_json::{Value, json};

const OFFICERS_CSV: &str = "year,n\n2015,31000\n2016,30500\n2017,30000\n2018,29500\n";

/// What `{officers.latest:.0}` prints.
const EVALUATED: &str = "29,500";

/// A small briefing with one of every kind of text field.
fn base() -> Value {
    json!({
        "format": 1,
        "title": "Police officers in the force",
        "subtitle": "Officer strength, 2015 to 2018",
        "date": "2018-06-27",
        "author": "Research team",
        "marking": "OFFICIAL",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce", "url": "https://example.org/"}},
        "data": {"officers": {"file": "officers.csv", "x": "year", "y": "n", "label": "Officers", "unit": "FTE", "source": "ho"}},
        "summary": ["The force has fewer officers [@ho]."],
        "key_figures": [{"value": "{officers.latest:.0}", "label": "officers in 2018"}],
        "sections": [{"heading": "Strength", "blocks": [
            {"text": "Officer numbers fell [@ho]."},
            {"quote": {"text": "We need more officers.", "speaker": "Jane Doe AM", "role": "Assembly Member", "source": "ho"}},
            {"chart": {"kind": "line", "series": ["officers"], "title": "Numbers fell", "subtitle": "Officers at 31 March",
                       "alt": "A falling line.", "reference": {"y": 30000, "label": "Target"}}},
            {"table": {"series": ["officers"], "caption": "Officers by year", "x_label": "Year"}}
        ]}]
    })
}

/// A text field: where it is (a JSON pointer), and where its text shows.
struct Field {
    pointer: &'static str,
    /// Whether `{…}` is evaluated here (else it is refused).
    evaluates: bool,
    /// Shown in the PDF's /Title or /Subject.
    metadata: Option<&'static str>,
    /// Repeated in every page's footer.
    footer: bool,
    /// Shown in the plain-text summary.
    in_summary: bool,
}

const fn field(pointer: &'static str, evaluates: bool) -> Field {
    Field { pointer, evaluates, metadata: None, footer: false, in_summary: false }
}

const FIELDS: &[Field] = &[
    Field { metadata: Some("Title"), footer: true, in_summary: true, ..field("/title", true) },
    Field { metadata: Some("Subject"), in_summary: true, ..field("/subtitle", true) },
    Field { in_summary: true, ..field("/key_figures/0/value", true) },
    Field { in_summary: true, ..field("/key_figures/0/label", true) },
    Field { in_summary: true, ..field("/summary/0", true) },
    field("/sections/0/heading", true),
    field("/sections/0/blocks/0/text", true),
    field("/sections/0/blocks/2/chart/title", true),
    field("/sections/0/blocks/2/chart/subtitle", true),
    field("/sections/0/blocks/2/chart/alt", true),
    field("/sections/0/blocks/2/chart/reference/label", true),
    field("/sections/0/blocks/3/table/caption", true),
    field("/sections/0/blocks/3/table/x_label", true),
    field("/data/officers/label", true),
    field("/author", false),
    field("/marking", false),
    field("/sections/0/blocks/1/quote/text", false),
    field("/sections/0/blocks/1/quote/speaker", false),
    field("/sections/0/blocks/1/quote/role", false),
    field("/sources/ho/title", false),
    field("/sources/ho/publisher", false),
];

/// Writes the manifest (pretty-printed, so fields sit on lines of their
/// own) and its data into a fresh folder.
fn folder(manifest: &Value) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let src = serde_json::to_string_pretty(manifest).unwrap();
    std::fs::write(dir.path().join("briefing.json"), &src).unwrap();
    std::fs::write(dir.path().join("officers.csv"), OFFICERS_CSV).unwrap();
    (dir, src)
}

fn with_text(pointer: &str, text: &str) -> Value {
    let mut m = base();
    *m.pointer_mut(pointer).unwrap_or_else(|| panic!("no field {pointer}")) = json!(text);
    m
}

fn load(dir: &Path, src: &str) -> Result<briefing::Loaded, Vec<Diagnostic>> {
    let files = Folder::new(dir.to_path_buf());
    briefing::load("briefing.json", src, &Fonts::new(), &files)
}

/// Text of every page of a PDF, and its document information dictionary.
fn read_pdf(bytes: &[u8]) -> (Vec<String>, lopdf::Dictionary) {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<String> = doc
        .get_pages()
        .keys()
        .map(|&n| doc.extract_text(&[n]).unwrap().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let info = doc.trailer.get(b"Info").and_then(|r| r.as_reference()).unwrap();
    let info = doc.get_dictionary(info).unwrap().clone();
    (pages, info)
}

fn info_text(info: &lopdf::Dictionary, key: &str) -> String {
    let bytes = info.get(key.as_bytes()).unwrap().as_str().unwrap();
    // UTF-16BE with a byte-order mark, or PDFDocEncoding (ASCII here).
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn the_base_briefing_builds_cleanly() {
    let (dir, src) = folder(&base());
    let loaded = load(dir.path(), &src).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn values_are_evaluated_wherever_the_field_is_shown() {
    let fonts = Fonts::new();
    for f in FIELDS.iter().filter(|f| f.evaluates) {
        let (dir, src) = folder(&with_text(f.pointer, "Count {officers.latest:.0} now"));
        let loaded = load(dir.path(), &src).unwrap_or_else(|d| panic!("{}: {d:?}", f.pointer));
        let options = briefing::Options::default();
        let (rendered, pdf) = briefing::produce(&loaded, &fonts, &options, &mut Default::default()).unwrap();
        common::keep_pdf_bytes("fields", &pdf);
        let (pages, info) = read_pdf(&pdf);
        let want = format!("Count {EVALUATED} now");
        let all = pages.join(" ");
        assert!(all.contains(&want), "{}: `{want}` not on the page:\n{all}", f.pointer);
        assert!(!all.contains("{officers"), "{}: template printed:\n{all}", f.pointer);
        if let Some(key) = f.metadata {
            assert_eq!(info_text(&info, key), want, "{}: /{key}", f.pointer);
        }
        if f.footer {
            assert!(pages.len() > 1, "{}: one page only", f.pointer);
            for (i, page) in pages.iter().enumerate().skip(1) {
                assert!(page.contains(&want), "{}: footer of page {} lacks the title: {page}", f.pointer, i + 1);
            }
        }
        if f.in_summary {
            for style in [Style::Text, Style::Markdown] {
                let text = summary(&rendered.document, style);
                assert!(text.contains(&want), "{}: not in the summary:\n{text}", f.pointer);
            }
        }
    }
}

/// Line and column (from 1, in characters) of the byte offset `at` in
/// `src`, counted here rather than by the crate, whose count is under test.
fn position(src: &str, at: usize) -> (usize, usize) {
    let before = &src[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.split('\n').count(), before[line_start..].chars().count() + 1)
}

/// Where a few fields' slips are, counted by hand in the pretty-printed
/// manifest: (pointer, line, column of the text after `"…": "Count ` or `"Words `).
const KNOWN: &[(&str, (usize, usize))] = &[
    ("/title", (3, 19)),
    ("/summary/0", (26, 12)),
    ("/sections/0/blocks/2/chart/alt", (57, 27)),
    ("/author", (6, 20)),
    ("/sections/0/blocks/1/quote/speaker", (44, 31)),
];

/// Asserts that `d` is at byte `at` of `src`, and, for a field in [`KNOWN`],
/// at its position counted by hand.
fn assert_at(d: &Diagnostic, src: &str, at: usize, pointer: &str) {
    assert_eq!(d.position, Some(position(src, at)), "{pointer}");
    if let Some((_, known)) = KNOWN.iter().find(|(p, _)| *p == pointer) {
        assert_eq!(d.position, Some(*known), "{pointer}");
    }
}

/// `/sections/0/heading` as diagnostics write it: `$.sections[0].heading`.
fn json_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for part in pointer.split('/').skip(1) {
        match part.parse::<usize>() {
            Ok(i) => out.push_str(&format!("[{i}]")),
            Err(_) => out.push_str(&format!(".{part}")),
        }
    }
    out
}

/// The located diagnostics for manifest text, as `check` prints them.
fn problems(manifest: &Value) -> (String, Vec<Diagnostic>) {
    let (dir, src) = folder(manifest);
    match load(dir.path(), &src) {
        Ok(loaded) => (src, loaded.warnings),
        Err(diags) => (src, diags),
    }
}

#[test]
fn misspelt_series_and_statistics_are_located_in_every_field() {
    for f in FIELDS.iter().filter(|f| f.evaluates) {
        for (slip, message) in
            [("{oficers.latest}", "unknown series `oficers`"), ("{officers.lates}", "unknown statistic `lates`")]
        {
            let (src, diags) = problems(&with_text(f.pointer, &format!("Count {slip} now")));
            let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
            assert_eq!(errors.len(), 1, "{}: {diags:?}", f.pointer);
            let d = errors[0];
            assert_eq!(d.message, message, "{}", f.pointer);
            assert_eq!(d.path, json_path(f.pointer), "{}", f.pointer);
            // At the misspelt value, not the start of the string.
            assert_at(d, &src, src.find(slip).unwrap(), f.pointer);
            assert_eq!(d.len, Some(slip.chars().count()), "{}", f.pointer);
            assert!(d.hint.as_deref().is_some_and(|h| h.contains("did you mean")), "{}: {:?}", f.pointer, d.hint);
        }
    }
}

#[test]
fn fields_printed_as_written_refuse_values_and_citations() {
    for f in FIELDS.iter().filter(|f| !f.evaluates) {
        for slip in ["{officers.latest}", "[@ho]"] {
            let (src, diags) = problems(&with_text(f.pointer, &format!("Words {slip} here")));
            let d = diags.iter().find(|d| d.is_error()).unwrap_or_else(|| panic!("{} accepted {slip}", f.pointer));
            assert!(d.message.contains("is printed as written"), "{}: {}", f.pointer, d.message);
            let at = src.find(&format!("Words {slip}")).unwrap() + "Words ".len();
            assert_at(d, &src, at, f.pointer);
        }
    }
}

#[test]
fn titles_and_labels_refuse_citations_where_they_cannot_show() {
    for pointer in
        ["/title", "/subtitle", "/key_figures/0/value", "/sections/0/blocks/3/table/x_label", "/data/officers/label"]
    {
        let (src, diags) = problems(&with_text(pointer, "Words [@ho] here"));
        let d = diags.iter().find(|d| d.is_error()).unwrap_or_else(|| panic!("{pointer} accepted a citation"));
        assert!(d.message.contains("cannot cite a source"), "{pointer}: {}", d.message);
        let at = src.find("Words [@ho]").unwrap() + "Words ".len();
        assert_at(d, &src, at, pointer);
    }
}

#[test]
fn an_unknown_citation_is_located_at_the_citation() {
    let (src, diags) = problems(&with_text(
        "/sections/0/blocks/0/text",
        "A long opening sentence of a paragraph, then a claim [@hoo].",
    ));
    let d = diags.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(d.message, "unknown source `hoo`");
    // Line 39, after `      "text": "A long opening … a claim ` (72 characters).
    assert_eq!(d.position, Some((39, 73)));
    assert_eq!(d.position, Some(position(&src, src.find("[@hoo]").unwrap())));
    assert_eq!(d.len, Some(6));
}
