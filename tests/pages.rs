//! No half-empty pages: every page but the last is at least 80% full,
//! measured on the laid-out frame, for the example briefings, every borough
//! of the batch and generated documents of paragraphs, figures, tables and
//! quotes in random mixes.

mod common;

use briefing::input::data::{Files, Folder};
use briefing::layout::page_fill;
use briefing::text::fonts::Fonts;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// The least a page other than the last may be filled.
const FULL: f32 = 0.8;

/// Lays out a manifest and returns each page's fill.
fn fills(name: &str, src: &str, files: &dyn Files) -> Vec<f32> {
    let fonts = Fonts::new();
    let loaded = briefing::load(name, src, &fonts, files).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    page_fill(&briefing::render(&loaded, &fonts, &briefing::Options::default()).layout)
}

fn assert_full(what: &str, fills: &[f32]) {
    for (i, fill) in fills[..fills.len() - 1].iter().enumerate() {
        assert!(*fill >= FULL, "{what}: page {} of {} is {:.0}% full: {fills:?}", i + 1, fills.len(), fill * 100.0);
    }
}

#[test]
fn the_example_briefings_have_no_short_pages_and_fewer_pages() {
    let builtin = fills(briefing::BUILTIN_NAME, briefing::BUILTIN_MANIFEST, &briefing::BUILTIN_FILES);
    assert_full("built-in", &builtin);
    // 11 pages before figures floated.
    assert!(builtin.len() <= 10, "built-in: {} pages", builtin.len());
    let src = std::fs::read_to_string("data/london-latest/briefing.json").unwrap();
    let files = Folder { base: "data/london-latest".into(), root: "data".into() };
    let latest = fills("london-latest", &src, &files);
    assert_full("london-latest", &latest);
    // 7 pages before.
    assert!(latest.len() <= 6, "london-latest: {} pages", latest.len());
}

#[test]
fn every_borough_briefing_has_no_short_page() {
    let template = std::fs::read_to_string("data/borough/briefing.json").unwrap();
    let manifest = briefing::input::manifest::parse("borough", &template).unwrap();
    let files = Folder { base: "data/borough".into(), root: "data".into() };
    let areas = briefing::input::template::areas("borough", &template, &manifest, "borough.area_name", &files).unwrap();
    assert_eq!(areas.len(), 32);
    for area in areas {
        let src = briefing::input::template::substitute(&template, &area);
        assert_full(&area, &fills(&area, &src, &files));
    }
}

const CSV: &str = "year,n\n2008,31000\n2009,32500\n2010,33400\n2011,32400\n2012,32100\n2013,30400\n2014,30900\n2015,32200\n2016,32100\n2017,31500\n2018,30400\n";

/// A block of a generated document.
fn block() -> impl Strategy<Value = Value> {
    let words = "Recorded violence rose while officer numbers fell and the population grew. ";
    prop_oneof![
        5 => (1usize..14).prop_map(move |n| json!({"text": format!("{}[@ho]", words.repeat(n))})),
        2 => (prop::sample::select(vec!["line", "column"]), prop::option::weighted(0.2, 120.0f32..260.0)).prop_map(|(kind, height)| {
            let mut c = json!({"kind": kind, "series": ["n"], "title": "Officer numbers by year", "alt": "A chart."});
            if let Some(h) = height {
                c["height"] = json!(h);
            }
            json!({"chart": c})
        }),
        1 => Just(json!({"table": {"series": ["n"], "caption": "Officers by year"}})),
        1 => (1usize..4).prop_map(move |n| json!({"quote": {"text": words.repeat(n), "speaker": "A Member", "role": "Assembly Member", "source": "ho"}})),
    ]
}

/// A document of sections of random blocks, ending with text (a last page
/// may be short, and so may the page before a document that ends on floats
/// with nothing to fill around them).
fn document() -> impl Strategy<Value = Value> {
    let section = (prop::collection::vec(block(), 1..7), 1usize..6).prop_map(|(mut blocks, n)| {
        blocks.push(json!({"text": "Recorded violence rose while officer numbers fell. ".repeat(n * 3)}));
        json!({"heading": "A section", "blocks": blocks})
    });
    (prop::collection::vec(section, 2..7), any::<bool>()).prop_map(|(sections, chart_data)| {
        json!({
            "format": 1, "title": "Generated", "date": "2018-06-27", "chart_data": chart_data,
            "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
            "data": {"n": {"file": "n.csv", "x": "year", "y": "n", "label": "Officers", "source": "ho"}},
            "summary": ["A point [@ho]."],
            "sections": sections
        })
    })
}

#[test]
fn generated_documents_have_no_short_pages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.csv"), CSV).unwrap();
    let files = Folder::new(dir.path().to_path_buf());
    let config = Config { cases: 60, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let pages = std::cell::Cell::new(0);
    runner
        .run(&document(), |m| {
            let src = serde_json::to_string(&m).unwrap();
            let fills = fills("generated", &src, &files);
            pages.set(pages.get() + fills.len());
            for (i, fill) in fills[..fills.len() - 1].iter().enumerate() {
                prop_assert!(
                    *fill >= FULL,
                    "page {} of {} is {:.0}% full: {fills:?}",
                    i + 1,
                    fills.len(),
                    fill * 100.0
                );
            }
            Ok(())
        })
        .unwrap();
    // The documents run to several pages each, or the test proves little.
    assert!(pages.get() > 60 * 3, "only {} pages in all", pages.get());
}

/// Pages from the "Chart data" heading to the end, and each page's fill.
fn appendix(name: &str, src: &str, files: &dyn briefing::input::data::Files) -> (usize, Vec<f32>) {
    let fonts = Fonts::new();
    let loaded = briefing::load(name, src, &fonts, files).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    let layout = briefing::render(&loaded, &fonts, &briefing::Options::default()).layout;
    let start = layout.outline.iter().find(|e| e.title == "Chart data").expect("a Chart data appendix").anchor.page;
    (layout.pages.len() - start, page_fill(&layout))
}

#[test]
fn the_chart_data_appendix_takes_fewer_pages_all_but_the_last_full() {
    // The built-in briefing's appendix took 3 pages (8 to 10), the last 88%
    // full, when every table ran down the page in one block; its ranking
    // now takes half the height (the last page is 55% full).
    let (pages, fills) = appendix(briefing::BUILTIN_NAME, briefing::BUILTIN_MANIFEST, &briefing::BUILTIN_FILES);
    assert!(pages <= 3, "built-in: the appendix takes {pages} pages");
    assert!(*fills.last().unwrap() < 0.7, "built-in: the last page is {:.0}% full", fills.last().unwrap() * 100.0);
    assert_full("built-in", &fills);
    // A London-update-sized briefing (a 32-borough ranking and four series
    // over time): its appendix took 5 pages (3 to 7), the last 19% full.
    // (A page of its appendix may still be under 80% full: a table in
    // blocks side by side cannot split and does not yet let a later,
    // smaller one fill the gap.)
    let src = std::fs::read_to_string("tests/data/appendix/briefing.json").unwrap();
    let files = Folder { base: "tests/data/appendix".into(), root: ".".into() };
    let (pages, fills) = appendix("appendix", &src, &files);
    assert!(pages <= 3, "London-update-sized: the appendix takes {pages} pages: {fills:?}");
}
