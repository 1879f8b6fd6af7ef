//! Property tests: generated manifests and CSV files (random structure,
//! any Unicode, random numbers) never make `load`, the diagnostics renderer
//! or `build` panic; every load that fails says why with at least one
//! error, and every build that succeeds gives a PDF that reads back with
//! its title.
//!
//! `cargo test` runs a few hundred cases from a fixed seed. The long run,
//! 10,000 cases, is a separate ignored test (see README, "Property tests"):
//!
//! ```sh
//! cargo test --test properties -- --ignored
//! PROPTEST_CASES=50000 BRIEFING_PROPTEST_SEED=7 cargo test --test properties -- --ignored
//! ```

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use briefing::diag::{self, Sources};
use briefing::input::data::Files;
use briefing::resolve::Text;
use briefing::text::fonts::Fonts;
use common::squash;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// Cases in `cargo test`: enough to cover every generator branch in about ten seconds.
const QUICK_CASES: u32 = 500;
/// Cases in the long run (`-- --ignored`).
const LONG_CASES: u32 = 10_000;
/// The seed both runs use unless `BRIEFING_PROPTEST_SEED` says otherwise, so a
/// failure seen once is seen again.
const SEED: u64 = 20_260_601;

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(Fonts::new)
}

/// Data files held in memory, named as the manifest names them.
#[derive(Debug, Clone)]
struct Mem(BTreeMap<String, String>);

impl Files for Mem {
    fn read(&self, name: &str) -> Result<String, String> {
        self.0.get(name).cloned().ok_or_else(|| "no such file".to_string())
    }

    fn display(&self, name: &str) -> String {
        name.to_string()
    }
}

/// Words that mean something to the tool, so that generated manifests get
/// past the parser often enough to exercise the later stages.
const NAMES: &[&str] = &["officers", "population", "per_1000", "a", "b", "oficers", ""];
const SOURCES: &[&str] = &["ho", "ons", "city", "hoo"];
const STATS: &[&str] =
    &["latest", "latest_x", "max", "min_x", "change_pct", "lowest_since", "count", "previous", "mean"];
const FORMATS: &[&str] = &["", ":.0", ":.1", ":+.0", ":.1%", ":£m", ":year", ":.x", ":.99"];

/// One generated case: manifest text, its data files, command-line options.
#[derive(Debug, Clone)]
struct Input {
    src: String,
    files: Mem,
    options: briefing::Options,
}

/// What a field accepts besides words: the three kinds of text field.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    /// Emphasis, computed values and citations (paragraphs, headings, captions).
    Prose,
    /// Emphasis and computed values (titles, key-figure values).
    Values,
    /// Words only, printed as written (quotes, speakers).
    Verbatim,
}

/// Prose. A tame case (`wild` false) gets text the tool accepts, so that
/// builds happen; a wild one mixes in anything at all.
fn text(wild: bool) -> BoxedStrategy<String> {
    field_text(wild, Field::Prose)
}

/// Text for a field of the given kind: tame text holds only what the field accepts.
fn field_text(wild: bool, field: Field) -> BoxedStrategy<String> {
    if wild { prop_oneof![1 => clean_text(field), 1 => wild_text()].boxed() } else { clean_text(field).boxed() }
}

/// Text the tool accepts in a field: words, Latin-1 letters and
/// punctuation, and (where the field takes them) a computed value,
/// emphasis and a citation that resolve in a tame manifest.
fn clean_text(field: Field) -> impl Strategy<Value = String> {
    let values = if field == Field::Verbatim { 0 } else { 1 };
    let cites: &[&str] = match field {
        Field::Prose => &["[@ho]", "[@ho; @ons]", "*in italic*", "**bold**"],
        Field::Values => &["*in italic*", "**bold**"],
        Field::Verbatim => &["*not italic*", "@ho", "[sic]"],
    };
    let piece = prop_oneof![
        6 => "[A-Za-z]{1,12}",
        3 => Just(" ".to_string()),
        1 => "[àéîõüçñßøåŵŷĳœ£€–—‘’“”…−,.;:!?()]{1,3}",
        values => pick(&["{officers.latest}", "{officers.max:.1}", "{officers.latest_x}", "{officers.count}"]).prop_map(str::to_string),
        1 => pick(cites).prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 1..12).prop_map(|pieces| format!("Text {}", pieces.concat()))
}

/// Any text: ordinary prose, Latin-1 and beyond, markup (good and broken),
/// computed values, citations, control characters and arbitrary Unicode.
fn wild_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-z]{1,12}",
        2 => Just(" ".to_string()),
        1 => "[àéîõüçñßøåŵŷĳœ£€–—‘’“”…−]{1,4}",
        1 => pick(&["*", "**", "\\", "{", "}", "[@", "]", "\n", "\n\n", "\t", "%", "\u{ad}", "-"]).prop_map(str::to_string),
        2 => (pick(NAMES), pick(STATS), pick(FORMATS)).prop_map(|(n, s, f)| format!("{{{n}.{s}{f}}}")),
        2 => prop::collection::vec(pick(SOURCES), 1..3).prop_map(|ids| format!("[@{}]", ids.join("; @"))),
        1 => any::<String>(),
        1 => "[\\x00-\\x1f\\x7f]{1,2}",
        1 => "[A-Za-z]{61,90}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// A number as a CSV cell: plain, huge, tiny, negative, or not a number at all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0.0f64..1e6).prop_map(|v| format!("{v:.2}")),
        1 => any::<f64>().prop_map(|v| v.to_string()),
        1 => pick(&["", "NaN", "inf", "-0", "1e308", "-1e308", "30,390", "\"30,390\"", "n/a", "5e-324", "1e15", "-12"]).prop_map(str::to_string),
        1 => any::<String>().prop_map(|s| s.replace(['\n', '\r', ','], "")),
    ]
}

/// An x value: years, dates, financial years, categories, nonsense.
fn x_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1990i32..2030).prop_map(|y| y.to_string()),
        2 => (1990i32..2030, 1u32..14, 0u32..32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        1 => (1990i32..2030).prop_map(|y| format!("{y}/{:02}", (y + 1) % 100)),
        1 => pick(&["Camden", "Hackney", "Westminster", "", " 2018 ", "2018-2-3"]).prop_map(str::to_string),
        1 => "[^,\n\r\"]{0,8}",
    ]
}

/// A well-formed `year,n` file with increasing years and plain numbers (and gaps).
fn good_csv() -> impl Strategy<Value = String> {
    (1990i32..2020, prop::collection::vec(prop::option::weighted(0.9, 0.0f64..1e6), 1..40)).prop_map(|(start, ys)| {
        let mut out = String::from("year,n\n");
        for (i, y) in ys.iter().enumerate() {
            let cell = y.map(|v| format!("{v:.1}")).unwrap_or_default();
            out.push_str(&format!("{},{cell}\n", start + i as i32));
        }
        out
    })
}

/// A CSV file: usually a header and rows of x and y, sometimes ragged,
/// sorted or not, with odd delimiters or line endings; now and then any text.
fn any_csv() -> impl Strategy<Value = String> {
    let rows = prop::collection::vec((x_cell(), cell(), prop::option::weighted(0.05, "[a-z]{1,3}")), 0..25);
    let structured = (
        pick(&["year", "date", "x"]),
        pick(&["n", "population", "officers_fte"]),
        pick(&[",", ",", ",", ";", "\t"]),
        pick(&["\n", "\n", "\r\n"]),
        any::<bool>(),
        rows,
    )
        .prop_map(|(xh, yh, sep, nl, sorted, mut rows)| {
            if sorted {
                rows.sort_by(|a, b| a.0.cmp(&b.0));
                rows.dedup_by(|a, b| a.0 == b.0);
            }
            let mut out = format!("{xh}{sep}{yh}{nl}");
            for (x, y, extra) in rows {
                out.push_str(&format!("{x}{sep}{y}"));
                if let Some(e) = extra {
                    out.push_str(&format!("{sep}{e}"));
                }
                out.push_str(nl);
            }
            out
        });
    prop_oneof![9 => structured, 1 => any::<String>()]
}

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &[T]) -> impl Strategy<Value = T> + use<T> {
    prop::sample::select(items.to_vec())
}

/// Sources the tame parts of a manifest cite.
fn tame_sources() -> Value {
    json!({"ho": {"publisher": "Home Office", "title": "Police workforce", "url": "https://www.gov.uk/"},
           "ons": {"publisher": "ONS", "title": "Population", "date": "2018-06"}})
}

fn source() -> impl Strategy<Value = Value> {
    let date = prop::option::of(pick(&["2018-06-27", "2018-06", "2018", "June 2018", "2018-02-30"]));
    let url = prop::option::of(pick(&["https://www.gov.uk/", "ftp://x", "http://", "https://a b"]));
    (text(true), text(true), date, url).prop_map(|(publisher, title, date, url)| {
        let mut s = json!({"publisher": publisher, "title": title});
        if let Some(d) = date {
            s["date"] = json!(d);
        }
        if let Some(u) = url {
            s["url"] = json!(u);
        }
        s
    })
}

/// A series declaration: from a file or derived, with names that may or may not resolve.
fn series() -> impl Strategy<Value = Value> {
    let file = pick(&["a.csv", "b.csv", "c.csv", "../a.csv", "/etc/passwd"]);
    let range = (
        prop::option::of(x_cell()),
        prop::option::of(x_cell()),
        prop::option::weighted(0.2, (pick(&["year", "n", "area"]), x_cell())),
    );
    let from_file = (
        file,
        pick(&["year", "date", "x", "n"]),
        pick(&["n", "population", "officers_fte"]),
        pick(SOURCES),
        text(true),
        range,
    )
        .prop_map(|(file, x, y, source, label, (from, to, filter))| {
            let mut v = json!({"file": file, "x": x, "y": y, "source": source, "label": label});
            if let Some(f) = from {
                v["from"] = json!(f);
            }
            if let Some(t) = to {
                v["to"] = json!(t);
            }
            if let Some((column, value)) = filter {
                v["where"] = json!({column: value});
            }
            v
        });
    let scale = prop::option::of(prop_oneof![Just(1000.0), any::<f64>()]);
    let derived = (
        pick(&["ratio", "per_capita", "difference"]),
        pick(NAMES),
        pick(NAMES),
        pick(&["exact", "year", "year-1", "month"]),
        scale,
    )
        .prop_map(|(kind, a, b, align, scale)| {
            let mut v = json!({kind: [a, b], "align": align, "label": "Derived"});
            if let Some(s) = scale.filter(|s| s.is_finite()) {
                v["scale"] = json!(s);
            }
            v
        });
    prop_oneof![3 => from_file, 2 => derived]
}

/// The `data` section: one tame series, or several random ones.
fn data(wild: bool) -> BoxedStrategy<Value> {
    let tame = json!({"officers": {"file": "a.csv", "x": "year", "y": "n", "label": "Officers", "source": "ho"},
                      "people": {"file": "b.csv", "x": "year", "y": "n", "label": "People", "source": "ons"},
                      "per_head": {"per_capita": ["officers", "people"], "scale": 1000, "label": "Per head"}});
    if wild {
        prop::collection::btree_map(pick(NAMES), series(), 0..4).prop_map(|m| json!(m)).boxed()
    } else {
        Just(tame).boxed()
    }
}

fn series_names(wild: bool) -> BoxedStrategy<Vec<&'static str>> {
    if wild {
        prop::collection::vec(pick(NAMES), 0..3).boxed()
    } else {
        prop::collection::vec(pick(&["officers", "per_head"]), 1..2).boxed()
    }
}

/// One block of a section.
fn block(wild: bool) -> BoxedStrategy<Value> {
    let kinds: &[&str] = if wild { &["line", "column", "bar", "pie"] } else { &["line", "column"] };
    let chart = (
        pick(kinds),
        series_names(wild),
        text(wild),
        text(wild),
        any::<bool>(),
        prop::option::of(-1e6f64..1e6),
        prop::option::of(if wild { 0.0f32..700.0 } else { 80.0f32..600.0 }),
    )
        .prop_map(move |(kind, series, title, alt, annotate, reference, height)| {
            let mut c = json!({"kind": kind, "series": series, "title": title, "alt": alt});
            if annotate {
                c["annotate"] = if wild { json!(["max", "latest", "peak"]) } else { json!(["max", "latest"]) };
            }
            if let Some(y) = reference {
                c["reference"] = json!({"y": y, "label": "ref"});
            }
            if let Some(h) = height {
                c["height"] = json!(h);
            }
            json!({"chart": c})
        });
    // Wild charts also get the rarer options, with values good and bad.
    let extras = (
        prop::option::of(prop_oneof![Just(json!("auto")), Just(json!("low")), any::<f64>().prop_map(|v| json!(v))]),
        prop::option::of(prop::collection::vec(pick(&["Camden", "2018", "x"]), 0..3)),
        prop::option::of(pick(FORMATS).prop_map(|f| f.trim_start_matches(':').to_string())),
        prop::option::of(any::<f64>()),
    );
    let chart = (chart, extras).prop_map(move |(mut c, (y_min, highlight, format, reference))| {
        if wild {
            let chart = c["chart"].as_object_mut().unwrap();
            if let Some(v) = y_min {
                chart.insert("y_min".into(), v);
            }
            if let Some(h) = highlight {
                chart.insert("highlight".into(), json!(h));
            }
            if let Some(f) = format {
                chart.insert("format".into(), json!(f));
            }
            if let Some(y) = reference.filter(|y| y.is_finite()) {
                chart.insert("reference".into(), json!([{"y": y}, {"y": 0, "label": "zero"}]));
            }
        }
        c
    });
    let verbatim = || field_text(wild, Field::Verbatim);
    let quote = (verbatim(), verbatim(), verbatim(), if wild { pick(SOURCES).boxed() } else { Just("ho").boxed() })
        .prop_map(|(t, s, r, src)| json!({"quote": {"text": t, "speaker": s, "role": r, "source": src}}));
    let table = (
        series_names(wild),
        text(wild),
        prop::option::of(pick(if wild { &["year", "month"][..] } else { &["year"][..] })),
    )
        .prop_map(|(series, caption, x_format)| {
            let mut t = json!({"series": series, "caption": caption});
            if let Some(f) = x_format {
                t["x_format"] = json!(f);
            }
            json!({"table": t})
        });
    let unknown = if wild { 1 } else { 0 };
    prop_oneof![4 => text(wild).prop_map(|t| json!({"text": t})), 2 => chart, 1 => quote, 1 => table, unknown => Just(json!({"image": "x.png"}))].boxed()
}

fn section(wild: bool) -> impl Strategy<Value = Value> {
    let leaf =
        (text(wild), prop::collection::vec(block(wild), 0..4)).prop_map(|(h, b)| json!({"heading": h, "blocks": b}));
    leaf.prop_recursive(3, 8, 2, move |inner| {
        (text(wild), prop::collection::vec(block(wild), 0..3), prop::collection::vec(inner, 0..2))
            .prop_map(|(h, b, s)| json!({"heading": h, "blocks": b, "sections": s}))
    })
}

/// A whole manifest as JSON. A wild one has fields dropped, mistyped or unknown.
fn manifest(wild: bool) -> impl Strategy<Value = Value> {
    let format = if wild {
        prop_oneof![8 => Just(json!(1)), 1 => any::<i64>().prop_map(|v| json!(v)), 1 => Just(json!("1"))].boxed()
    } else {
        Just(json!(1)).boxed()
    };
    let date =
        if wild { pick(&["2018-06-27", "2018-02-29", "27/06/2018", ""]).boxed() } else { Just("2018-06-27").boxed() };
    let lang = if wild { pick(&["en-GB", "en-US", "cy", "en GB"]).boxed() } else { pick(&["en-GB", "en-US"]).boxed() };
    let sources = if wild {
        prop::collection::btree_map(pick(SOURCES), source(), 0..4).prop_map(|m| json!(m)).boxed()
    } else {
        Just(tame_sources()).boxed()
    };
    let figure_source = if wild { prop::option::of(pick(SOURCES)).boxed() } else { Just(Some("ho")).boxed() };
    let damage = if wild {
        (
            prop::option::of(pick(&["title", "date", "sources", "format"])),
            prop::option::of(pick(&["titel", "colour", "$schema"])),
        )
            .boxed()
    } else {
        Just((None, None)).boxed()
    };
    (
        (format, field_text(wild, Field::Values), date, prop::option::of(field_text(wild, Field::Values)), lang),
        sources,
        data(wild),
        prop::collection::vec(text(wild), 0..3),
        prop::collection::vec((field_text(wild, Field::Values), text(wild), figure_source), 0..3),
        prop::collection::vec(section(wild), 0..3),
        damage,
    )
        .prop_map(
            |((format, title, date, subtitle, lang), sources, data, summary, figures, sections, (drop, extra))| {
                let figures: Vec<Value> = figures
                    .into_iter()
                    .map(|(value, label, source)| match source {
                        Some(s) => json!({"value": value, "label": label, "source": s}),
                        None => json!({"value": value, "label": label}),
                    })
                    .collect();
                let mut m = json!({"format": format, "title": title, "date": date, "lang": lang, "sources": sources,
                "data": data, "summary": summary, "key_figures": figures, "sections": sections});
                if let Some(s) = subtitle {
                    m["subtitle"] = json!(s);
                }
                let obj = m.as_object_mut().unwrap();
                if let Some(d) = drop {
                    obj.remove(d);
                }
                if let Some(e) = extra {
                    obj.insert(e.to_string(), json!("x"));
                }
                m
            },
        )
}

/// Manifest text and its data files. Half the cases are tame (a coherent
/// manifest of accepted prose, well-formed CSV) so that builds happen; the
/// other half are wild: random structure and text, any CSV, and the JSON
/// itself sometimes damaged (cut short, a byte-order mark, a character dropped in).
fn input() -> impl Strategy<Value = Input> {
    any::<bool>().prop_flat_map(|wild| {
        let damage = if wild {
            let insert = prop_oneof![
                Just(String::new()),
                any::<char>().prop_map(String::from),
                Just("\u{feff}".to_string()),
                Just("\"x\": 1,".to_string()),
                Just("1e400".to_string()),
                Just(format!("{}{}", "[".repeat(300), "]".repeat(300))),
                Just(format!("\"{}\"", "word ".repeat(20_000))),
            ];
            prop_oneof![3 => Just(None), 1 => (any::<prop::sample::Index>(), insert).prop_map(Some)].boxed()
        } else {
            Just(None).boxed()
        };
        let csv = if wild {
            prop_oneof![1 => good_csv().boxed(), 2 => any_csv().boxed()].boxed()
        } else {
            good_csv().boxed()
        };
        let raw = if wild { prop::option::weighted(0.03, any::<String>()).boxed() } else { Just(None).boxed() };
        let options = (any::<bool>(), any::<bool>()).prop_map(|(gray, letter)| briefing::Options {
            gray,
            paper: letter.then_some(briefing::input::manifest::Paper::Letter),
            ..Default::default()
        });
        (manifest(wild), any::<bool>(), damage, csv.clone(), csv, raw, options).prop_map(
            |(m, pretty, damage, a, b, raw, options)| {
                let mut src = if pretty { serde_json::to_string_pretty(&m).unwrap() } else { m.to_string() };
                if let Some(raw) = raw {
                    src = raw;
                }
                if let Some((at, insert)) = damage {
                    let mut cut = at.index(src.len() + 1);
                    while !src.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    if insert.is_empty() {
                        src.truncate(cut);
                    } else {
                        src.insert_str(cut, &insert);
                    }
                }
                Input { src, files: Mem(BTreeMap::from([("a.csv".to_string(), a), ("b.csv".to_string(), b)])), options }
            },
        )
    })
}

/// Every heading, short paragraph and chart title, in document order.
/// Paragraphs of two lines at most are taken: longer ones may break across
/// a page, with the running footer in between.
/// Headings and short paragraphs, in reading order, into `out`; chart
/// titles into `floats` (a figure may float past the text after it).
fn headings<'a>(sections: &'a [briefing::resolve::Section], out: &mut Vec<&'a Text>, floats: &mut Vec<&'a Text>) {
    use briefing::resolve::Block;
    for s in sections {
        out.push(&s.heading);
        for block in &s.blocks {
            match block {
                Block::Paragraph(t) if t.plain().chars().count() <= 120 => out.push(t),
                Block::Chart(c) => floats.push(&c.title),
                _ => {}
            }
        }
        headings(&s.sections, out, floats);
    }
}

/// The property: whatever the input, no panic; a failure is explained; a
/// success builds a PDF that reads back.
fn check(Input { src, files, options }: Input) -> Result<(), TestCaseError> {
    let fonts = fonts();
    match briefing::load("m.json", &src, fonts, &files) {
        Err(diags) => {
            FAILED_LOADS.fetch_add(1, Ordering::Relaxed);
            if std::env::var_os("PROPTEST_SHOW").is_some() {
                eprintln!("{}", diag::render(&diags, &Sources::default(), diag::Format::Short, false));
            }
            prop_assert!(diags.iter().any(|d| d.is_error()), "load failed without an error: {diags:?}");
            // Rendering the report must not panic either, wherever it points.
            let mut sources = Sources::default();
            sources.add("m.json", src.as_str());
            for (name, text) in &files.0 {
                sources.add(name.as_str(), text.as_str());
            }
            for format in [diag::Format::Human, diag::Format::Short] {
                let report = diag::render(&diags, &sources, format, true);
                prop_assert!(!report.is_empty());
            }
        }
        Ok(loaded) => {
            let mut sources = Sources::default();
            sources.add("m.json", src.as_str());
            prop_assert!(
                diag::render(&loaded.warnings, &sources, diag::Format::Human, false).len() >= loaded.warnings.len()
            );
            let pdf = briefing::build(&loaded, fonts, &options);
            let pdf = pdf.map_err(|e| TestCaseError::fail(format!("a loaded manifest failed to build: {e}")))?;
            let doc =
                lopdf::Document::load_mem(&pdf).map_err(|e| TestCaseError::fail(format!("unreadable PDF: {e}")))?;
            let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
            prop_assert!(!pages.is_empty());
            let text = doc.extract_text(&pages).map_err(|e| TestCaseError::fail(format!("no text: {e}")))?;
            // The title, the summary points, every heading and short
            // paragraph are in the text, in order, values evaluated, and so
            // is every chart title (figures float, so not in order); those
            // with citations are left out, as the numbers print where the ids were.
            let text = squash(&text);
            let b = &loaded.briefing;
            let mut expected = vec![&b.title];
            expected.extend(&b.summary);
            let mut floats = Vec::new();
            headings(&b.sections, &mut expected, &mut floats);
            let cites = |t: &Text| t.inlines.iter().any(|i| matches!(i, briefing::resolve::Inline::Cite(_)));
            for title in floats.into_iter().filter(|t| !cites(t)) {
                let want = squash(&title.plain());
                prop_assert!(text.contains(&want), "chart title {want:?} is not in the PDF text");
            }
            let mut from = 0;
            for want in expected.into_iter().filter(|t| !cites(t)) {
                let want = squash(&want.plain());
                match text[from..].find(&want) {
                    Some(at) => from += at + want.len(),
                    None => prop_assert!(false, "{want:?} is not in the PDF text (in order)"),
                }
            }
            if BUILT.fetch_add(1, Ordering::Relaxed) < 20 {
                common::keep_pdf_bytes("property", &pdf);
            }
        }
    }
    Ok(())
}

/// Outcomes, to show the run exercised both paths. The first successful
/// builds are also handed to CI's PDF checks (a sample: all would be thousands).
static BUILT: AtomicUsize = AtomicUsize::new(0);
static FAILED_LOADS: AtomicUsize = AtomicUsize::new(0);

fn run(default_cases: u32) {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default_cases);
    let seed = std::env::var("BRIEFING_PROPTEST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(SEED);
    eprintln!("property run: {cases} cases, seed {seed} (PROPTEST_CASES, BRIEFING_PROPTEST_SEED)");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 2_000, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    if let Err(e) = runner.run(&input(), check) {
        panic!("seed {seed}: {e}");
    }
    let (built, failed) = (BUILT.load(Ordering::Relaxed), FAILED_LOADS.load(Ordering::Relaxed));
    eprintln!("property run: {built} built and read back, {failed} refused with errors, no panic");
    // A generator that never gets past the parser would prove little.
    assert!(built * 5 >= built + failed, "only {built} of {} cases built", built + failed);
}

#[test]
fn generated_inputs_never_panic_and_good_builds_read_back() {
    run(QUICK_CASES);
}

#[test]
#[ignore = "the long run, 10,000 cases: cargo test --test properties -- --ignored"]
fn ten_thousand_generated_inputs() {
    run(LONG_CASES);
}
