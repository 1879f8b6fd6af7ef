//! Drives the `briefing` binary as a user would and reads the PDFs back.

mod common;

use std::path::{Path, PathBuf};

use briefing::resolve::{Briefing, Inline, Section};
use briefing::text::fonts::Fonts;
use common::{briefing, grouped, squash, text};
use lopdf::{Document, Object};
use serde_json::Value;

const MANIFEST: &str = include_str!("../data/london-2018/briefing.json");

/// Builds the built-in briefing (no manifest argument) into `dir`.
fn build_default(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("briefing.pdf");
    briefing().arg("build").arg("-o").arg(&out).args(extra).assert().success();
    out
}

fn load(path: &Path) -> Document {
    common::keep_pdf(path);
    Document::load(path).unwrap()
}

fn manifest() -> Value {
    serde_json::from_str(MANIFEST).unwrap()
}

/// The built-in briefing as resolved: its prose (in Markdown) with values evaluated.
fn builtin() -> Briefing {
    let loaded = briefing::load(briefing::BUILTIN_NAME, MANIFEST, &Fonts::new(), &briefing::BUILTIN_FILES);
    loaded.unwrap_or_else(|d| panic!("{d:?}")).briefing
}

/// Every quote of a Markdown text as written there: (the quoted words, the
/// attribution after "— " without its citation). A quote is a run of `> `
/// lines whose last line is the attribution.
fn markdown_quotes(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for line in md.lines() {
        let Some(quoted) = line.strip_prefix('>').map(str::trim) else {
            words.clear();
            continue;
        };
        match quoted.strip_prefix("— ") {
            Some(attribution) => {
                let attribution = attribution.split(" [@").next().unwrap().to_string();
                out.push((words.join(" "), attribution));
                words.clear();
            }
            None => words.push(quoted),
        }
    }
    out
}

fn count_headings(sections: &[Section]) -> usize {
    sections.iter().map(|s| 1 + count_headings(&s.sections)).sum()
}

fn page_size(doc: &Document) -> (f32, f32) {
    let (_, id) = doc.get_pages().into_iter().next().unwrap();
    let page = doc.get_dictionary(id).unwrap();
    let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let n = |o: &Object| o.as_float().unwrap();
    (n(&mb[2]) - n(&mb[0]), n(&mb[3]) - n(&mb[1]))
}

/// Every link annotation on every page, as (subtype of action, URI if any).
fn links(doc: &Document) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        let annots = match annots {
            Object::Reference(r) => doc.get_object(*r).unwrap().as_array().unwrap().clone(),
            other => other.as_array().unwrap().clone(),
        };
        for a in annots {
            let dict = match &a {
                Object::Reference(r) => doc.get_dictionary(*r).unwrap().clone(),
                other => other.as_dict().unwrap().clone(),
            };
            assert_eq!(dict.get(b"Subtype").unwrap().as_name().unwrap(), b"Link");
            let action = dict.get(b"A").unwrap().as_dict().unwrap();
            let kind = String::from_utf8(action.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap();
            let uri = action.get(b"URI").ok().map(|u| String::from_utf8(u.as_str().unwrap().to_vec()).unwrap());
            out.push((kind, uri));
        }
    }
    out
}

#[test]
fn default_briefing_is_a4_with_its_title_quotes_and_source_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let doc = load(&build_default(dir.path(), &[]));
    let m = manifest();
    assert!(doc.get_pages().len() >= 2, "only {} pages", doc.get_pages().len());
    let (w, h) = page_size(&doc);
    assert!((w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5, "not A4: {w} x {h}");

    let all = squash(&text(&doc));
    assert!(all.contains(&squash(m["title"].as_str().unwrap())), "title missing");
    let qs = markdown_quotes(&std::fs::read_to_string("data/london-2018/briefing.md").unwrap());
    assert!(qs.len() >= 4, "the briefing quotes four passages: {qs:?}");
    for (paragraph, attribution) in &qs {
        assert!(all.contains(&squash(paragraph)), "quote missing: {paragraph}");
        assert!(all.contains(&squash(attribution)), "attribution missing: {attribution}");
    }
    for (id, source) in m["sources"].as_object().unwrap() {
        if let Some(url) = source["url"].as_str() {
            assert!(all.contains(&squash(url)), "URL of {id} missing from the text");
        }
    }
}

#[test]
fn every_reference_url_is_a_web_link_and_citations_are_go_to_links() {
    let dir = tempfile::tempdir().unwrap();
    let doc = load(&build_default(dir.path(), &[]));
    let links = links(&doc);
    let uris: Vec<&str> = links.iter().filter_map(|(_, u)| u.as_deref()).collect();
    for (id, source) in manifest()["sources"].as_object().unwrap() {
        if let Some(url) = source["url"].as_str() {
            assert!(uris.contains(&url), "no link annotation for {id}: {url}");
        }
    }
    // Where each citation link lands is checked in tests/tagging.rs.
    let gotos = links.iter().filter(|(kind, _)| kind == "GoTo").count();
    assert!(gotos >= manifest()["sources"].as_object().unwrap().len(), "only {gotos} citation links");
}

#[test]
fn fonts_are_embedded_and_subset() {
    let dir = tempfile::tempdir().unwrap();
    let doc = load(&build_default(dir.path(), &[]));
    let mut fonts = 0;
    for (_, object) in doc.objects.iter() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        let name = String::from_utf8(dict.get(b"FontName").unwrap().as_name().unwrap().to_vec()).unwrap();
        let (tag, _) = name.split_once('+').unwrap_or_else(|| panic!("{name} is not subset"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "bad subset tag in {name}");
        assert!(dict.has(b"FontFile2"), "{name} is not embedded");
        let file = doc.get_object(dict.get(b"FontFile2").unwrap().as_reference().unwrap()).unwrap();
        let len = file.as_stream().unwrap().decompressed_content().unwrap().len();
        assert!(len < 40_000, "{name} embeds {len} bytes; subsetting failed");
    }
    assert!(fonts >= 3, "only {fonts} fonts");
}

#[test]
fn outline_has_an_entry_per_heading() {
    let dir = tempfile::tempdir().unwrap();
    let doc = load(&build_default(dir.path(), &[]));
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"PageMode").unwrap().as_name().unwrap(), b"UseOutlines");
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en-GB");
    let outlines = doc.get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap()).unwrap();
    let mut titles = Vec::new();
    fn walk(doc: &Document, first: Option<&Object>, titles: &mut Vec<String>) {
        let mut next = first.and_then(|o| o.as_reference().ok());
        while let Some(id) = next {
            let item = doc.get_dictionary(id).unwrap();
            let raw = item.get(b"Title").unwrap().as_str().unwrap();
            let units: Vec<u16> = raw[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            titles.push(String::from_utf16(&units).unwrap());
            assert!(item.has(b"Dest"));
            walk(doc, item.get(b"First").ok(), titles);
            next = item.get(b"Next").ok().and_then(|o| o.as_reference().ok());
        }
    }
    walk(&doc, outlines.get(b"First").ok(), &mut titles);
    // Numbered sections, plus "Summary", "References" and "Chart data".
    assert_eq!(titles.len(), count_headings(&builtin().sections) + 3, "{titles:?}");
    assert_eq!(titles[0], "Summary");
    assert!(titles[1].starts_with("1 "));
    // The references follow the text; the chart-data appendix comes after them.
    assert_eq!(titles[titles.len() - 2..], ["References", "Chart data"]);
}

#[test]
fn builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(build_default(dir.path(), &[])).unwrap();
    let b = std::fs::read(build_default(dir.path(), &[])).unwrap();
    assert!(a == b, "two builds differ");
}

#[test]
fn source_date_epoch_sets_the_creation_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    briefing().env("SOURCE_DATE_EPOCH", "1530000000").args(["build", "-o"]).arg(&out).assert().success();
    let doc = load(&out);
    let info = doc.get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap()).unwrap();
    let date = String::from_utf8_lossy(info.get(b"CreationDate").unwrap().as_str().unwrap()).into_owned();
    assert!(date.starts_with("D:20180626"), "{date}");
    // Without it, the manifest's date is used.
    let doc = load(&build_default(dir.path(), &[]));
    let info = doc.get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap()).unwrap();
    let date = String::from_utf8_lossy(info.get(b"CreationDate").unwrap().as_str().unwrap()).into_owned();
    let want = format!("D:{}", manifest()["date"].as_str().unwrap().replace('-', ""));
    assert!(date.starts_with(&want), "{date} vs {want}");
}

#[test]
fn letter_paper_from_the_flag_and_from_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let doc = load(&build_default(dir.path(), &["--paper", "letter"]));
    assert_eq!(page_size(&doc), (612.0, 792.0));

    let mut m = manifest();
    m["paper"] = Value::from("Letter");
    copy_data(dir.path());
    let path = dir.path().join("letter.json");
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let out = dir.path().join("letter.pdf");
    briefing().arg("build").arg(&path).arg("-o").arg(&out).assert().success();
    assert_eq!(page_size(&load(&out)), (612.0, 792.0));
}

#[test]
fn build_without_arguments_writes_briefing_pdf_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    briefing().current_dir(dir.path()).arg("build").assert().success();
    let bytes = std::fs::read(dir.path().join("briefing.pdf")).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
}

/// Copies the built-in briefing's data files and Markdown text into `dir`,
/// so a modified copy of the manifest written there can be built.
fn copy_data(dir: &Path) {
    for entry in std::fs::read_dir("data/london-2018").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv" || e == "md") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// Writes `src` as a manifest, builds it over an existing "good" output and
/// returns stderr; asserts exit code 1 and that the good file is untouched.
fn failing_build(src: &str) -> String {
    failing_build_with_text(src, None)
}

/// As [`failing_build`], with the Markdown text replaced by `text` when given.
fn failing_build_with_text(src: &str, text: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    copy_data(dir.path());
    if let Some(text) = text {
        std::fs::write(dir.path().join("briefing.md"), text).unwrap();
    }
    let path = dir.path().join("bad.json");
    std::fs::write(&path, src).unwrap();
    let out = dir.path().join("out.pdf");
    std::fs::write(&out, b"previous good PDF").unwrap();
    let assert =
        briefing().args(["build", "--diagnostic-format", "short"]).arg(&path).arg("-o").arg(&out).assert().code(1);
    assert_eq!(std::fs::read(&out).unwrap(), b"previous good PDF");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".csv") && !name.ends_with(".md"))
        .collect();
    assert_eq!(leftovers.len(), 2, "temporary files left behind: {leftovers:?}");
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn unknown_field_is_a_located_error() {
    let src = MANIFEST.replacen("\"subtitle\"", "\"subtitel\"", 1);
    let line = src.lines().position(|l| l.contains("\"subtitel\"")).unwrap() + 1;
    let err = failing_build(&src);
    assert!(err.contains(&format!("bad.json:{line}:")), "{err}");
    assert!(err.contains("$.subtitel: unknown field `subtitel`"), "{err}");
    assert!(err.contains("did you mean `subtitle`?"), "{err}");
}

#[test]
fn unknown_source_is_a_located_error() {
    // In the Markdown text: at the citation, line and column in the .md file.
    let md = std::fs::read_to_string("data/london-2018/briefing.md").unwrap();
    let md = md.replacen("[@ldrs-2018-06; @city-hall-blog-2018]", "[@no-such-source]", 1);
    let line = md.lines().position(|l| l.contains("no-such-source")).unwrap() + 1;
    let column = md.lines().nth(line - 1).unwrap().split("[@no-such").next().unwrap().chars().count() + 1;
    let err = failing_build_with_text(MANIFEST, Some(&md));
    assert!(err.contains(&format!("briefing.md:{line}:{column}: error: unknown source `no-such-source`")), "{err}");
    // In a manifest string: at the citation inside the string.
    let mut m = manifest();
    m["key_figures"][0]["label"] = Value::from("officers per 1,000 [@no-such-source]");
    let src = serde_json::to_string_pretty(&m).unwrap();
    let line = src.lines().position(|l| l.contains("no-such-source")).unwrap() + 1;
    let err = failing_build(&src);
    assert!(err.contains(&format!("bad.json:{line}:")), "{err}");
    assert!(err.contains("$.key_figures[0].label: unknown source `no-such-source`"), "{err}");
}

#[test]
fn malformed_json_is_a_located_error() {
    let err = failing_build("{\n  \"format\": 1,\n  \"title\": \"x\"\n  \"date\": \"2018-06-27\"\n}\n");
    assert!(err.contains("bad.json:4:3: error: not valid JSON"), "{err}");
}

#[test]
fn a_chart_without_alt_text_is_a_located_error() {
    let mut m = manifest();
    m["figures"]["officers"]["chart"]["alt"] = Value::from(" ");
    let err = failing_build(&serde_json::to_string_pretty(&m).unwrap());
    assert!(err.contains("$.figures.officers.chart.alt: a chart needs alt text"), "{err}");
}

#[test]
fn a_missing_manifest_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    briefing().current_dir(dir.path()).args(["build", "nope.json"]).assert().code(3);
    assert!(!dir.path().join("briefing.pdf").exists());
}

#[test]
fn check_passes_the_built_in_briefing_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    briefing().current_dir(dir.path()).arg("check").assert().success();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A number from a simple CSV file: the row whose first cell is `x`, the
/// column named `column` (no quoted commas before it).
fn csv_value(path: &str, x: &str, column: &str) -> f64 {
    let text = std::fs::read_to_string(path).unwrap();
    let index = text.lines().next().unwrap().split(',').position(|h| h == column).unwrap();
    let line = text.lines().find(|l| l.split(',').next() == Some(x)).unwrap();
    line.split(',').nth(index).unwrap().parse().unwrap()
}

#[test]
fn figures_in_the_pdf_equal_figures_computed_from_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = text(&load(&build_default(dir.path(), &[])));
    let officers = csv_value("data/london-2018/met-officers.csv", "2018-03-31", "officers_fte");
    let population = csv_value("data/london-2018/london-population.csv", "2018", "london_population");
    let per_1000 = officers / population * 1000.0;
    let officers_text = grouped(officers.round() as i64);
    assert!(text.contains(&format!("{officers_text} full-time equivalent")), "no {officers_text} in the text");
    assert!(text.contains(&format!("({per_1000:.3})")), "no per-1,000 value {per_1000:.3} in the text");
    // The peak and the fall from it, computed here from every 31 March from 2007 to 2018.
    let peak = (2007..=2018)
        .map(|y| csv_value("data/london-2018/met-officers.csv", &format!("{y}-03-31"), "officers_fte"))
        .fold(0.0, f64::max);
    let below = grouped((peak - officers).round() as i64);
    let pct = (peak - officers) / peak * 100.0;
    assert!(text.contains(&format!("{below} ({pct:.1}%) fewer")), "no `{below} ({pct:.1}%) fewer` in the text");
    // The reader never sees a template.
    assert!(!text.contains('{') && !text.contains('}'), "a template leaked into the PDF");
}

#[test]
fn the_readme_example_builds() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme.find("## A short manifest").unwrap();
    let block = &readme[start..];
    let json = &block[block.find("```json").unwrap() + 7..];
    let json = &json[..json.find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    copy_data(dir.path());
    let path = dir.path().join("briefing.json");
    std::fs::write(&path, json).unwrap();
    let out = dir.path().join("example.pdf");
    briefing().arg("build").arg(&path).arg("-o").arg(&out).assert().success();
    let text = text(&load(&out));
    assert!(text.contains("30,390"), "the example's computed value is missing");
}

/// Regression (found by the property tests): a section's number, a bullet
/// and a reference's number were drawn after the first line they mark, so
/// copying, searching or reading the PDF aloud gave "Officer strength 1"
/// instead of "1 Officer strength".
#[test]
fn margin_markers_come_before_their_text_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let all = squash(&text(&load(&build_default(dir.path(), &[]))));
    let b = builtin();
    for (i, section) in b.sections.iter().enumerate() {
        let numbered = squash(&format!("{} {}", i + 1, section.heading.plain()));
        assert!(all.contains(&numbered), "`{numbered}` is not in the text in reading order");
    }
    for point in &b.summary {
        let Some(Inline::Text { text: start, .. }) = point.inlines.first() else { panic!("{point:?}") };
        let start = squash(start);
        assert!(all.contains(&format!("•{start}")), "no bullet before `{start}`");
    }
    // Reference 1 is the source cited first: the first key figure and the
    // summary's first point both cite `ldrs-2018-06` before any other.
    let first = &manifest()["sources"]["ldrs-2018-06"];
    let entry = squash(&format!("[1] {}, {}", first["publisher"].as_str().unwrap(), first["title"].as_str().unwrap()));
    assert!(all.contains(&entry), "reference [1] is not `{entry}`, or not before its text");
}
