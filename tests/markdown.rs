//! Prose written in Markdown: every construct a briefing prints, every one
//! it refuses (located in the `.md` file with a hint), typography with its
//! escape, and the conversion of JSON-prose manifests that must build to
//! the same PDF.

mod common;

use std::path::Path;

use briefing::compose::{Block, Document};
use briefing::diag::Diagnostic;
use briefing::input::data::Folder;
use briefing::text::fonts::Fonts;
use briefing::text::linebreak::Link;
use common::briefing;
use serde_json::{Value, json};

const OFFICERS_CSV: &str = "year,n\n2015,31000\n2016,30500\n2017,30000\n2018,29500\n";

/// A manifest whose prose is `briefing.md`, with a chart and a table to place.
fn manifest() -> Value {
    json!({
        "format": 1, "title": "Officers", "date": "2018-06-27", "text": "briefing.md",
        "sources": {
            "ho": {"publisher": "Home Office", "title": "Workforce", "url": "https://example.org/ho"},
            "ldrs": {"publisher": "LDRS", "title": "Story"}
        },
        "data": {"officers": {"file": "officers.csv", "x": "year", "y": "n", "label": "Officers", "source": "ho"}},
        "figures": {
            "officers": {"chart": {"kind": "line", "series": ["officers"], "title": "Numbers fell", "alt": "A falling line."}},
            "officers-table": {"table": {"series": ["officers"], "caption": "Officers by year"}}
        }
    })
}

const GOOD: &str = "\
- Summary with {officers.latest:.0} officers [@ho].
- A second point.

# Strength

A *paragraph* with **bold** words and a [link](https://example.org/page) [@ho].

- a bullet in a section
- another

![](figure:officers)

## Per head

Text of 1.1.

### Detail

Text of 1.1.1.

![](figure:officers-table)

# Voices

> We need more officers.
>
> And more funding.
> — Jane Doe AM, Assembly Member [@ldrs]
";

/// Writes the manifest, its data and `md` into a fresh folder.
fn folder(manifest: &Value, md: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("briefing.json"), serde_json::to_string_pretty(manifest).unwrap()).unwrap();
    std::fs::write(dir.path().join("officers.csv"), OFFICERS_CSV).unwrap();
    std::fs::write(dir.path().join("briefing.md"), md).unwrap();
    dir
}

fn load_dir(dir: &Path) -> Result<briefing::Loaded, Vec<Diagnostic>> {
    let src = std::fs::read_to_string(dir.join("briefing.json")).unwrap();
    briefing::load("briefing.json", &src, &Fonts::new(), &Folder::new(dir.to_path_buf()))
}

fn document(manifest: &Value, md: &str) -> Document {
    let dir = folder(manifest, md);
    let loaded = load_dir(dir.path()).unwrap_or_else(|d| panic!("{d:?}"));
    briefing::render(&loaded, &Fonts::new(), &briefing::Options::default()).document
}

/// Problems found in `md` (with the standard manifest), errors and warnings.
fn problems(md: &str) -> Vec<Diagnostic> {
    problems_with(&manifest(), md)
}

fn problems_with(manifest: &Value, md: &str) -> Vec<Diagnostic> {
    let dir = folder(manifest, md);
    match load_dir(dir.path()) {
        Ok(loaded) => loaded.warnings,
        Err(diags) => diags,
    }
}

fn spans_text(spans: &[briefing::text::linebreak::Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

#[test]
fn every_construct_reaches_the_document() {
    let doc = document(&manifest(), GOOD);
    let headings: Vec<(Option<String>, String)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { number, text, .. } => Some((number.clone(), spans_text(text))),
            _ => None,
        })
        .collect();
    let numbered: Vec<String> = headings.iter().filter_map(|(n, t)| n.as_ref().map(|n| format!("{n} {t}"))).collect();
    assert_eq!(numbered, ["1 Strength", "1.1 Per head", "1.1.1 Detail", "2 Voices"]);
    // The summary: the list before the first heading, values evaluated.
    let Some(Block::Bullets(summary)) = doc.blocks.iter().find(|b| matches!(b, Block::Bullets(_))) else {
        panic!("no summary")
    };
    assert_eq!(spans_text(&summary[0]), "Summary with 29,500 officers\u{a0}[1].");
    // Emphasis, strong, a clickable link and a citation in one paragraph.
    let paragraph = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph(spans) if spans_text(spans).starts_with("A paragraph") => Some(spans),
            _ => None,
        })
        .unwrap();
    assert_eq!(spans_text(paragraph), "A paragraph with bold words and a link\u{a0}[1].");
    let face = |word: &str| paragraph.iter().find(|s| s.text == word).unwrap().face;
    assert_eq!(face("paragraph"), briefing::text::fonts::Face::SerifItalic);
    assert_eq!(face("bold"), briefing::text::fonts::Face::SerifBold);
    let link = paragraph.iter().find(|s| s.text == "link").unwrap();
    assert_eq!(link.link, Some(Link::Uri("https://example.org/page".into())));
    // A bullet list inside a section.
    let lists = doc.blocks.iter().filter(|b| matches!(b, Block::Bullets(_))).count();
    assert_eq!(lists, 2);
    // The chart and the table, placed where the text puts them.
    assert!(doc.blocks.iter().any(|b| matches!(b, Block::Figure(f) if f.plain_title == "Numbers fell")));
    assert!(
        doc.blocks
            .iter()
            .any(|b| matches!(b, Block::Table(t) if spans_text(&t.caption) == "Table 1: Officers by year"))
    );
    // The quote: two paragraphs, attribution split into speaker and role, cited.
    let Some(Block::Quote { paragraphs, attribution }) = doc.blocks.iter().find(|b| matches!(b, Block::Quote { .. }))
    else {
        panic!("no quote")
    };
    let paragraphs: Vec<String> = paragraphs.iter().map(|p| spans_text(p)).collect();
    assert_eq!(paragraphs, ["We need more officers.", "And more funding."]);
    assert_eq!(spans_text(attribution), "— Jane Doe AM, Assembly Member\u{a0}[2]");
}

#[test]
fn the_pdf_of_a_markdown_briefing_has_its_text_and_link() {
    let dir = folder(&manifest(), GOOD);
    let out = dir.path().join("out.pdf");
    briefing().arg("build").arg(dir.path().join("briefing.json")).arg("-o").arg(&out).assert().success();
    let text = common::squash(&common::pdf_text(&out));
    assert!(text.contains(&common::squash("1.1.1 Detail")), "{text}");
    assert!(text.contains(&common::squash("We need more officers.")), "{text}");
    // The link is a clickable annotation on the page whose action opens the address.
    let doc = lopdf::Document::load(&out).unwrap();
    let resolve = |o: &lopdf::Object| match o {
        lopdf::Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
        other => other.clone(),
    };
    let mut uris = Vec::new();
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).unwrap();
        let Ok(annots) = page.get(b"Annots") else { continue };
        for annot in resolve(annots).as_array().unwrap() {
            let annot = resolve(annot);
            let action = annot.as_dict().unwrap().get(b"A").unwrap().as_dict().unwrap().clone();
            if let Ok(uri) = action.get(b"URI") {
                uris.push(String::from_utf8_lossy(uri.as_str().unwrap()).into_owned());
            }
        }
    }
    let uri = uris.iter().any(|u| u == "https://example.org/page");
    assert!(uri, "the link is not in the PDF: {uris:?}");
}

/// The first problem whose message contains `message` (a construct written
/// twice in one line, such as `<b>` and `</b>`, is reported at each).
fn one(diags: &[Diagnostic], message: &str) -> Diagnostic {
    let found = diags.iter().find(|d| d.message.contains(message));
    found.unwrap_or_else(|| panic!("`{message}` not in {diags:#?}")).clone()
}

/// `md` with `line` as its Strength section's first paragraph.
fn with_line(line: &str) -> String {
    GOOD.replace("A *paragraph* with **bold** words and a [link](https://example.org/page) [@ho].", line)
}

#[test]
fn constructs_a_briefing_cannot_print_are_located_errors() {
    // Each case replaces line 6 of the text; the expected line and column
    // (in characters, from 1) of the construct are counted by hand.
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("<div>boxed</div>", (6, 1), "HTML cannot be printed"),
        ("Inline <b>bold</b> here.", (6, 8), "HTML cannot be printed"),
        // Columns count characters, not bytes: `ï` is two bytes.
        ("Naïve <b>bold</b> here.", (6, 7), "HTML cannot be printed"),
        ("![a map](map.png)", (6, 1), "`map.png` is not a figure"),
        ("Text with an ![image](x.png) inside.", (6, 14), "an image inside text"),
        ("A note[^1].\n\n[^1]: The note.", (6, 7), "a footnote cannot be printed"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", (6, 1), "a table written in Markdown"),
        ("```\ncode\n```", (6, 1), "a code block"),
        ("Some `code` here.", (6, 6), "code cannot be printed"),
        ("1. first\n2. second", (6, 1), "a numbered list"),
        ("#### Too deep", (6, 1), "a level-4 heading"),
        ("***", (6, 1), "a horizontal rule"),
        ("A [link](ftp://example.org) here.", (6, 3), "`ftp://example.org` is not a web address"),
        ("![alt text](figure:nowhere)", (6, 1), "alt text here would not be used"),
    ];
    for (line, position, message) in cases {
        let md = with_line(line);
        let diags = problems(&md);
        let d = one(&diags, message);
        assert!(d.is_error(), "{line}: {d:?}");
        assert!(d.file.ends_with("briefing.md"), "{line}: {}", d.file);
        assert_eq!(d.position, Some(*position), "{line}: {d:?}");
        assert!(d.hint.is_some(), "{line}: no hint");
    }
}

#[test]
fn a_figure_placed_twice_is_an_error_at_the_second_place() {
    let md = with_line("![](figure:officers-table)");
    let d = one(&problems(&md), "figure `officers-table` is placed twice");
    // Placed first on line 6, the figure's own placement on line 21 is the second.
    assert_eq!(d.position, Some((21, 1)));
    assert_eq!(d.hint.as_deref(), Some("each figure appears once; it is first placed on line 6"));
}

#[test]
fn heading_structure_is_checked() {
    let md = "## No section above\n\nText.\n";
    let d = one(&problems(md), "has no `#` heading above it");
    assert_eq!(d.position, Some((1, 1)));
    let md = "Text before any heading.\n\n# Section\n";
    let d = one(&problems(md), "text before the first heading");
    assert_eq!(d.position, Some((1, 1)));
}

#[test]
fn values_citations_and_figures_are_checked_where_written() {
    // On line 6 of the text, at the column where the slip starts.
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("Count {oficers.latest}.", (6, 7), "unknown series `oficers`"),
        ("Count {officers.lates}.", (6, 7), "unknown statistic `lates`"),
        ("A claim [@hoo].", (6, 9), "unknown source `hoo`"),
        ("![](figure:oficers)", (6, 1), "unknown figure `oficers`"),
        ("An open {brace.", (6, 9), "is not closed"),
    ];
    for (line, position, message) in cases {
        let md = with_line(line);
        let diags = problems(&md);
        let d = one(&diags, message);
        assert_eq!(d.position, Some(*position), "{line}: {d:?}");
    }
    // The misspelt figure is offered the right one.
    let d = one(&problems(&with_line("![](figure:oficers)")), "unknown figure");
    assert_eq!(d.hint.as_deref(), Some("did you mean `officers`?"));
}

#[test]
fn a_figure_never_placed_is_a_warning_at_its_definition() {
    let md = GOOD.replace("![](figure:officers-table)\n", "");
    let diags = problems(&md);
    let d = one(&diags, "figure `officers-table` is never placed");
    assert!(!d.is_error());
    assert_eq!(d.path, "$.figures.officers-table");
    assert!(d.file.ends_with("briefing.json"));
}

#[test]
fn quotes_need_an_attribution_with_a_role_and_one_source() {
    let quote = "> We need more officers.\n>\n> And more funding.\n> — Jane Doe AM, Assembly Member [@ldrs]";
    let cases = [
        ("> Words without a speaker.", "a quote ends with its attribution"),
        ("> Words.\n> — Jane Doe AM [@ldrs]", "the speaker and their role"),
        ("> Words.\n> — Jane Doe AM, Member", "cites the one source"),
        ("> Words {officers.latest}.\n> — Jane Doe AM, Member [@ldrs]", "cannot stand inside a quote"),
    ];
    for (q, message) in cases {
        let md = GOOD.replace(quote, q);
        let d = one(&problems(&md), message);
        assert!(d.is_error(), "{q}");
        assert!(d.position.is_some(), "{q}");
    }
    // `--` works as the dash too.
    let md = GOOD.replace("> — Jane", "> -- Jane");
    assert!(problems(&md).iter().all(|d| !d.is_error()), "{:?}", problems(&md));
}

#[test]
fn prose_in_the_manifest_beside_markdown_is_an_error() {
    let mut m = manifest();
    m["summary"] = json!(["A point."]);
    let d = one(&problems_with(&m, GOOD), "`summary` is given here");
    assert_eq!(d.path, "$.summary");
    let mut m = manifest();
    m["text"] = json!("missing.md");
    let d = one(&problems_with(&m, GOOD), "cannot read the text file `missing.md`");
    assert_eq!(d.path, "$.text");
}

#[test]
fn typography_in_markdown_and_json_with_a_backslash_to_keep_a_character() {
    let md = with_line("It's the \"new\" plan -- 2010--2018 --- and so... A 12\\\" screen, \\-\\- kept.");
    let doc = document(&manifest(), &md);
    let para = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph(s) if spans_text(s).starts_with("It") => Some(spans_text(s)),
            _ => None,
        })
        .unwrap();
    assert_eq!(para, "It’s the “new” plan – 2010–2018 — and so… A 12\" screen, -- kept.");
    // The same rules in a manifest string, and in a title (also the PDF's /Title).
    let mut m = manifest();
    m["title"] = json!("Police's \"cuts\" -- 2010--2018, a 12\\\" gap");
    let doc = document(&m, GOOD);
    assert_eq!(doc.title, "Police’s “cuts” – 2010–2018, a 12\" gap");
}

#[test]
fn the_readme_example_builds() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = &readme[readme.find("## Writing the prose in Markdown").unwrap()..];
    let block = |fence: &str| {
        let start = section.find(fence).unwrap() + fence.len();
        section[start..start + section[start..].find("```").unwrap()].to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("briefing.json"), block("```json\n")).unwrap();
    std::fs::write(dir.path().join("briefing.md"), block("```markdown\n")).unwrap();
    std::fs::copy("data/london-2018/met-officers.csv", dir.path().join("met-officers.csv")).unwrap();
    let out = dir.path().join("example.pdf");
    let assert = briefing().arg("build").arg(dir.path().join("briefing.json")).arg("-o").arg(&out).assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("warning"), "{stderr}");
    let text = common::squash(&common::pdf_text(&out));
    for want in ["The Met had 30,390 officers in 2018", "1 Officer strength", "2 What members said", "It’s now clear"]
    {
        assert!(text.contains(&common::squash(want)), "`{want}` not in {text}");
    }
}

/// Converts a JSON-prose manifest in `dir` and checks the Markdown form
/// builds to the same PDF, byte for byte.
fn round_trip(dir: &Path, manifest: &str, root: &Path) {
    let fonts = Fonts::new();
    let options = briefing::Options::default();
    let files = Folder { base: dir.to_path_buf(), root: root.to_path_buf() };
    let build = |name: &str| {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        let loaded = briefing::load(name, &src, &fonts, &files).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        briefing::build(&loaded, &fonts, &options).unwrap()
    };
    let json = build(manifest);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(manifest)).unwrap()).unwrap();
    let (converted, md) = briefing::input::convert::to_markdown(&value, "converted.md").unwrap();
    std::fs::write(dir.join("converted.json"), serde_json::to_string_pretty(&converted).unwrap()).unwrap();
    std::fs::write(dir.join("converted.md"), &md).unwrap();
    assert!(converted.get("sections").is_none() && converted.get("summary").is_none());
    let markdown = build("converted.json");
    common::keep_pdf_bytes("round-trip", &markdown);
    assert!(json == markdown, "{manifest}: the Markdown form builds a different PDF\n{md}");
}

#[test]
fn json_prose_converts_to_markdown_that_builds_the_same_pdf() {
    // The latest London briefing, reading the 2018 briefing's data files.
    let root = tempfile::tempdir().unwrap();
    for folder in ["london-latest", "london-2018"] {
        std::fs::create_dir(root.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(Path::new("data").join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv" || e == "json") {
                std::fs::copy(&path, root.path().join(folder).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    round_trip(&root.path().join("london-latest"), "briefing.json", root.path());

    // Prose with every character Markdown would misread, nested sections,
    // quotes with markup characters, and escapes.
    let tricky = json!({
        "format": 1, "title": "Tricky", "date": "2018-06-27",
        "sources": {"ho": {"publisher": "Home Office", "title": "Workforce"}},
        "data": {"officers": {"file": "officers.csv", "x": "year", "y": "n", "label": "Officers", "source": "ho"}},
        "summary": ["A point_with_underscores and `ticks` <b> & [sic] [@ho].", "# not a heading. - Not a list either."],
        "sections": [
            {"heading": "One *emphasised* heading", "blocks": [
                {"text": "First sentence. 2018. Second sentence with {officers.latest:.0} [@ho]. A \\{literal\\} brace and 5 \\* 3! It's \"quoted\" -- fine..."},
                {"chart": {"kind": "line", "series": ["officers"], "title": "T", "alt": "A."}},
                {"quote": {"text": "Said *with* stars, [sic] brackets, a_b & <tags>.\n\nSecond paragraph.", "speaker": "A Person", "role": "Role", "source": "ho"}},
                {"table": {"series": ["officers"], "caption": "C"}}
            ], "sections": [{"heading": "Sub", "blocks": [{"text": "- Starts like a list. + And this. 3. And this."}],
                            "sections": [{"heading": "Subsub", "blocks": [{"chart": {"kind": "column", "series": ["officers"], "title": "U", "alt": "B."}}]}]}]}
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tricky.json"), serde_json::to_string_pretty(&tricky).unwrap()).unwrap();
    std::fs::write(dir.path().join("officers.csv"), OFFICERS_CSV).unwrap();
    round_trip(dir.path(), "tricky.json", dir.path());
}

#[test]
fn the_markdown_command_writes_both_files_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let m = json!({
        "format": 1, "title": "T", "date": "2018-06-27",
        "sources": {"ho": {"publisher": "P", "title": "S"}},
        "summary": ["One [@ho]."], "sections": [{"heading": "H", "blocks": [{"text": "Words."}]}]
    });
    let old = dir.path().join("briefing.json");
    std::fs::write(&old, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let new = dir.path().join("text.json");
    briefing().arg("markdown").arg(&old).arg("-o").arg(&new).assert().success();
    assert_eq!(std::fs::read_to_string(dir.path().join("text.md")).unwrap(), "- One [@ho].\n\n# H\n\nWords.\n");
    let converted: Value = serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    assert_eq!(converted["text"], "text.md");
    briefing().arg("build").arg(&new).arg("-o").arg(dir.path().join("t.pdf")).assert().success();
    // A second run would overwrite: refused, files untouched.
    let before = std::fs::read(&new).unwrap();
    briefing().arg("markdown").arg(&old).arg("-o").arg(&new).assert().code(1);
    assert_eq!(std::fs::read(&new).unwrap(), before);
    // Another folder would break the data paths: refused.
    let other = tempfile::tempdir().unwrap();
    briefing().arg("markdown").arg(&old).arg("-o").arg(other.path().join("x.json")).assert().code(2);
}

#[test]
fn init_writes_the_markdown_form() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    briefing().arg("init").arg(&target).assert().success();
    let m: Value = serde_json::from_str(&std::fs::read_to_string(target.join("briefing.json")).unwrap()).unwrap();
    assert_eq!(m["text"], "briefing.md");
    assert!(m.get("sections").is_none());
    let md = std::fs::read_to_string(target.join("briefing.md")).unwrap();
    assert!(md.contains("# Officer strength"), "{md}");
    briefing().arg("check").arg(target.join("briefing.json")).assert().success();
}

#[test]
fn the_schema_describes_text_and_figures() {
    let schema = common::stdout(briefing().arg("schema"));
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let props = &schema["properties"];
    assert!(props["text"]["description"].as_str().unwrap().contains("Markdown"), "{}", props["text"]);
    assert!(props["figures"].is_object(), "{props}");
}
