//! The page budget (`"pages": N`, `--pages N`) and the short last page:
//! charts without a set height give way first, then the chart-data
//! appendix goes (its data stays attached to the PDF), and a briefing that
//! still does not fit is built with a warning saying how many pages it took
//! and what is largest. Page counts are read back from the PDFs the binary
//! writes; the searches over document lengths use the library's layout.

mod common;

use std::path::Path;

use briefing::input::data::Folder;
use briefing::text::fonts::Fonts;
use briefing::{Options, Rendered};
use common::{briefing, keep_pdf, stderr};
use serde_json::{Value, json};

const CSV: &str = "year,n\n2008,31000\n2009,32500\n2010,33400\n2011,32400\n2012,32100\n2013,30400\n2014,30900\n2015,32200\n2016,32100\n2017,31500\n2018,30400\n";

/// A briefing of `charts` line charts between paragraphs, `sentences`
/// long each, with the chart-data appendix.
fn manifest(sentences: usize, charts: usize) -> Value {
    let text = "Recorded violence rose while officer numbers fell and the population grew. ".repeat(sentences);
    let mut blocks = Vec::new();
    for n in 0..charts {
        blocks.push(json!({"text": format!("{text}[@ho]")}));
        let chart = json!({"kind": "line", "series": ["n"], "title": format!("Officers by year {n}"), "alt": "A line chart of officers by year."});
        blocks.push(json!({"chart": chart}));
    }
    blocks.push(json!({"text": text}));
    json!({
        "format": 1, "title": "Officer numbers", "date": "2018-06-27",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"n": {"file": "n.csv", "x": "year", "y": "n", "label": "Officers", "source": "ho"}},
        "summary": ["Officer numbers fell [@ho]."],
        "sections": [{"heading": "Officers", "blocks": blocks}]
    })
}

/// A folder holding the data of [`manifest`].
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.csv"), CSV).unwrap();
    dir
}

/// Lays `manifest` out as `build` would, with a budget of `pages` from the command line.
fn render(manifest: &Value, dir: &Path, pages: Option<usize>) -> (Rendered, Vec<String>) {
    let fonts = Fonts::new();
    let src = manifest.to_string();
    let loaded = briefing::load("b.json", &src, &fonts, &Folder::new(dir.to_path_buf())).unwrap();
    let options = Options { pages, ..Options::default() };
    let rendered = briefing::render(&loaded, &fonts, &options);
    let warnings = briefing::fit_warnings("b.json", &src, &rendered, &options).iter().map(|d| d.to_string()).collect();
    (rendered, warnings)
}

/// A PDF's page count and the files attached to it.
fn pages_and_attachments(pdf: &Path) -> (usize, usize) {
    keep_pdf(pdf);
    let doc = lopdf::Document::load(pdf).unwrap();
    let names = doc.catalog().unwrap().get(b"Names").and_then(|n| doc.dereference(n)).map(|(_, n)| n.clone());
    let attached = names.ok().map_or(0, |names| {
        let tree = names.as_dict().unwrap().get(b"EmbeddedFiles").unwrap();
        let tree = doc.dereference(tree).unwrap().1.as_dict().unwrap();
        tree.get(b"Names").unwrap().as_array().unwrap().len() / 2
    });
    (doc.get_pages().len(), attached)
}

#[test]
fn a_budget_shrinks_charts_then_leaves_out_the_appendix_or_warns() {
    let dir = data_dir();
    let (mut by_charts, mut by_appendix) = (0, 0);
    for (charts, sentences) in (2..=3).flat_map(|c| (1..30).map(move |s| (c, s))) {
        let m = manifest(sentences, charts);
        let (natural, _) = render(&m, dir.path(), None);
        let budget = natural.layout.pages.len() - 1;
        if budget == 0 {
            continue;
        }
        let (fitted, warnings) = render(&m, dir.path(), Some(budget));
        let pages = fitted.layout.pages.len();
        let case = format!("{charts} charts, {sentences} sentences: {warnings:?}");
        if pages > budget {
            let expected = format!("the briefing takes {pages} pages, over the budget of {budget} page");
            assert!(warnings.iter().any(|w| w.contains(&expected)), "{case}");
            continue;
        }
        if fitted.document.appendix.is_some() {
            // Charts gave way, and nothing had to be left out.
            assert!(fitted.fit.give > 0.0 && warnings.is_empty(), "{case}");
            by_charts += 1;
        } else {
            let rendered = common::frame_lines(&fitted.layout).join("\n");
            assert!(!rendered.contains("Chart data"), "{case}");
            assert!(warnings.iter().any(|w| w.contains("the chart-data appendix is left out")), "{case}");
            by_appendix += 1;
        }
    }
    // Both ways of fitting were needed over these lengths.
    assert!(by_charts > 0 && by_appendix > 0, "by charts {by_charts}, by leaving out the appendix {by_appendix}");
}

#[test]
fn a_three_page_briefing_fits_its_budget_of_two_and_the_command_line_wins() {
    let dir = data_dir();
    // The longest of the three-page briefings that fit in two.
    let sentences = (1..30)
        .rev()
        .find(|&s| {
            let m = manifest(s, 2);
            render(&m, dir.path(), None).0.layout.pages.len() == 3
                && render(&m, dir.path(), Some(2)).0.layout.pages.len() == 2
        })
        .expect("a three-page briefing that fits in two");
    let mut m = manifest(sentences, 2);
    m["pages"] = json!(2);
    let path = dir.path().join("b.json");
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let pdf = dir.path().join("b.pdf");
    let out = briefing().arg("build").arg(&path).arg("-o").arg(&pdf).assert().success();
    let (pages, attached) = pages_and_attachments(&pdf);
    assert_eq!(pages, 2, "{}", stderr(out.get_output()));
    // Every chart's data is still attached, with or without the appendix.
    assert_eq!(attached, 2);
    // `--pages` overrides the manifest's budget: three pages, as without one.
    briefing().arg("build").arg(&path).arg("-o").arg(&pdf).args(["--pages", "3"]).assert().success();
    assert_eq!(pages_and_attachments(&pdf).0, 3);
}

#[test]
fn a_budget_that_cannot_be_kept_warns_with_the_pages_taken_and_the_largest_part() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("b.pdf");
    let build = || {
        let out = briefing().args(["build", "--pages", "2", "-o"]).arg(&pdf).assert().success();
        (stderr(out.get_output()), std::fs::read(&pdf).unwrap())
    };
    let (err, first) = build();
    let (pages, attached) = pages_and_attachments(&pdf);
    assert!(pages > 2, "the built-in briefing in {pages} pages");
    let expected = format!(
        "warning: the briefing takes {pages} pages, over the budget of 2 pages set by --pages 2; the largest: section 1 “Officer strength” ("
    );
    assert!(err.contains(&expected), "{err}");
    assert!(err.contains("warning: the chart-data appendix is left out to keep to --pages 2"), "{err}");
    assert!(!common::pdf_text(&pdf).contains("Chart data"));
    assert_eq!(attached, 4, "the four figures' data");
    // The same input gives the same bytes.
    assert!(build().1 == first, "two builds differ");
}

#[test]
fn check_weighs_the_manifests_budget_and_points_at_it() {
    let dir = data_dir();
    let mut m = manifest(12, 4);
    m["pages"] = json!(1);
    let path = dir.path().join("b.json");
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let out = briefing().arg("check").arg(&path).args(["--diagnostic-format", "short"]).assert().success();
    let err = stderr(out.get_output());
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().position(|l| l.trim_start().starts_with("\"pages\"")).unwrap();
    let column = text.lines().nth(line).unwrap().find('1').unwrap();
    let at = format!("b.json:{}:{}: warning: $.pages: the briefing takes ", line + 1, column + 1);
    assert!(err.contains(&at) && err.contains("over the budget of 1 page set by `pages` (1)"), "{err}");
    // `check` writes nothing.
    assert!(!dir.path().join("briefing.pdf").exists());
}

#[test]
fn a_budget_of_no_pages_is_an_error_and_no_pdf_is_written() {
    let dir = data_dir();
    for (pages, message) in [
        (json!(0), "$.pages: a budget of 0 pages is out of range"),
        (json!("two"), "$.pages: invalid type: string \"two\", expected a number"),
    ] {
        let mut m = manifest(2, 4);
        m["pages"] = pages;
        let path = dir.path().join("b.json");
        std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
        let pdf = dir.path().join("b.pdf");
        let out =
            briefing().arg("build").arg(&path).args(["--diagnostic-format", "short", "-o"]).arg(&pdf).assert().code(1);
        let err = stderr(out.get_output());
        assert!(err.contains(message) && !err.contains("panicked"), "{err}");
        assert!(!pdf.exists());
    }
    let out = briefing().args(["build", "--pages", "0"]).assert().code(2);
    assert!(stderr(out.get_output()).contains("--pages"));
}

/// The borough briefings (three figures of set height, text and a map)
/// take three pages: a budget of two is met where it can be and warned
/// about, with the pages taken, for every briefing that cannot; a budget of
/// three is met by all without a word.
#[test]
fn the_borough_briefings_fit_a_budget_or_warn_with_the_pages_they_take() {
    for budget in [2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let out = briefing()
            .args(["batch", "data/borough/briefing.json", "--each", "borough.area_name", "--data-root", "data"])
            .args(["--pages", &budget.to_string(), "--quiet", "-o"])
            .arg(dir.path())
            .assert()
            .success();
        let err = stderr(out.get_output());
        let mut over = 0;
        let mut made = 0;
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let pages = pages_and_attachments(&entry.unwrap().path()).0;
            if pages > budget {
                over += 1;
                let said = format!("takes {pages} pages, over the budget of {budget} pages set by --pages {budget}");
                assert!(err.contains(&said), "{said}: {err}");
            }
            made += 1;
        }
        assert_eq!(made, 32);
        // Each warning is given once, with the areas it applies to (the
        // same pages and largest part in every area: one warning for all).
        let warnings = err.matches("over the budget").count();
        assert!((over > 0) == (warnings > 0) && warnings <= over, "{over} over: {err}");
        if over == 32 {
            assert!(err.contains("(in all 32 areas)"), "{err}");
        }
        if budget == 3 {
            assert_eq!(over, 0, "{err}");
        }
    }
}
