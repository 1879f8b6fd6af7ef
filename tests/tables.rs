//! Tables line their series up by x: one row per x, never a year twice.
//! Series whose x values are of different kinds (dates at 31 March beside
//! plain years) are an error with a hint, unless the table (or chart, for
//! its appendix table) asks for rows by calendar year.

mod common;

use briefing::compose::Table;
use briefing::diag::Diagnostic;
use briefing::input::data::Folder;
use briefing::text::fonts::Fonts;
use serde_json::{Value, json};

const OFFICERS: &str = "date,n\n2015-03-31,31000\n2016-03-31,30500\n2017-03-31,\n2018-03-31,29500\n";
const PEOPLE: &str = "year,n\n2014,8500000\n2015,8600000\n2016,8700000\n2017,8800000\n";
/// Two counts in 2016: a row per year would have to choose.
const TWICE: &str = "date,n\n2015-03-31,1\n2016-03-31,2\n2016-09-30,3\n";

fn manifest(block: Value) -> Value {
    json!({
        "format": 1, "title": "Tables", "date": "2018-06-27",
        "sources": {"ho": {"publisher": "Home Office", "title": "Workforce"}},
        "data": {
            "officers": {"file": "officers.csv", "x": "date", "y": "n", "label": "Officers", "source": "ho"},
            "officers_again": {"file": "officers.csv", "x": "date", "y": "n", "label": "Officers again", "source": "ho"},
            "people": {"file": "people.csv", "x": "year", "y": "n", "label": "People", "source": "ho"},
            "twice": {"file": "twice.csv", "x": "date", "y": "n", "label": "Twice", "source": "ho"}
        },
        "sections": [{"heading": "H", "blocks": [block]}]
    })
}

fn load(m: &Value) -> (String, Result<briefing::Loaded, Vec<Diagnostic>>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("officers.csv", OFFICERS), ("people.csv", PEOPLE), ("twice.csv", TWICE)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let src = serde_json::to_string_pretty(m).unwrap();
    let loaded = briefing::load("t.json", &src, &Fonts::new(), &Folder::new(dir.path().to_path_buf()));
    (src, loaded)
}

/// The composed tables of a briefing that loads, in order (the appendix's included).
fn tables(m: &Value) -> Vec<Table> {
    let (_, loaded) = load(m);
    common::composed_tables(&loaded.unwrap_or_else(|d| panic!("{d:?}")))
}

fn errors(m: &Value) -> Vec<Diagnostic> {
    match load(m).1 {
        Ok(_) => Vec::new(),
        Err(diags) => diags.into_iter().filter(Diagnostic::is_error).collect(),
    }
}

#[test]
fn series_of_one_kind_share_rows() {
    let t = &tables(&manifest(json!({"table": {"series": ["officers", "officers_again"], "caption": "C"}})))[0];
    let labels: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(labels, ["31 March 2015", "31 March 2016", "31 March 2017", "31 March 2018"]);
    assert_eq!(t.rows[0], ["31 March 2015", "31,000", "31,000"]);
    // A gap is a gap in both columns of its row, not a row of its own.
    assert_eq!(t.rows[2], ["31 March 2017", "[x]", "[x]"]);
}

#[test]
fn dates_beside_years_are_an_error_with_a_hint() {
    let m = manifest(json!({"table": {"series": ["officers", "people"], "caption": "C"}}));
    let errs = errors(&m);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].path, "$.sections[0].blocks[0].table.series[1]");
    assert!(
        errs[0].message.contains("`people` has year values of x but `officers` has date values"),
        "{}",
        errs[0].message
    );
    assert!(errs[0].hint.as_deref().unwrap().contains("\"align\": \"year\""), "{:?}", errs[0].hint);
    assert!(errs[0].position.is_some());
}

#[test]
fn rows_by_year_put_dates_and_years_on_one_row_each() {
    let m = manifest(json!({"table": {"series": ["officers", "people"], "caption": "C", "align": "year"}}));
    let t = &tables(&m)[0];
    assert_eq!(t.header, ["Year", "Officers", "People"]);
    let rows: Vec<Vec<&str>> = t.rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    assert_eq!(
        rows,
        [
            vec!["2014", "[x]", "8,500,000"],
            vec!["2015", "31,000", "8,600,000"],
            vec!["2016", "30,500", "8,700,000"],
            vec!["2017", "[x]", "8,800,000"],
            vec!["2018", "29,500", "[x]"],
        ]
    );
}

/// `year-1` shows each plain year beside the next year's dates, as a
/// derived series with `"align": "year-1"` pairs them; a series with the
/// first one's kind of x stays in its own year.
#[test]
fn rows_by_previous_year_put_each_year_beside_the_next_years_dates() {
    let m = manifest(
        json!({"table": {"series": ["officers", "people", "officers_again"], "caption": "C", "align": "year-1"}}),
    );
    let t = &tables(&m)[0];
    assert_eq!(t.header, ["Year", "Officers", "People", "Officers again"]);
    let rows: Vec<Vec<&str>> = t.rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    assert_eq!(
        rows,
        [
            vec!["2015", "31,000", "8,500,000", "31,000"],
            vec!["2016", "30,500", "8,600,000", "30,500"],
            vec!["2017", "[x]", "8,700,000", "[x]"],
            vec!["2018", "29,500", "8,800,000", "29,500"],
        ]
    );
}

#[test]
fn rows_by_year_refuse_two_points_in_one_year() {
    let m = manifest(json!({"table": {"series": ["people", "twice"], "caption": "C", "align": "year"}}));
    let errs = errors(&m);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].message.contains("two points in 2016"), "{}", errs[0].message);
    assert_eq!(errs[0].path, "$.sections[0].blocks[0].table.series[1]");
}

#[test]
fn an_unknown_alignment_is_located() {
    let m = manifest(json!({"table": {"series": ["officers"], "caption": "C", "align": "month"}}));
    let errs = errors(&m);
    assert_eq!(errs[0].message, "unknown alignment `month`");
    assert_eq!(errs[0].path, "$.sections[0].blocks[0].table.align");
}

#[test]
fn a_chart_of_dates_and_years_needs_rows_by_year_for_its_data_table() {
    let chart = |align: Option<&str>| {
        let mut c = json!({"kind": "line", "series": ["officers", "people"], "title": "T", "alt": "A"});
        if let Some(a) = align {
            c["align"] = json!(a);
        }
        manifest(json!({ "chart": c }))
    };
    let errs = errors(&chart(None));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].path, "$.sections[0].blocks[0].chart.series[1]");
    // With rows by year, the appendix table has one row per year.
    let appendix = &tables(&chart(Some("year")))[0];
    let labels: Vec<&str> = appendix.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(labels, ["2014", "2015", "2016", "2017", "2018"]);
}

#[test]
fn a_ranking_in_the_appendix_stays_ranked_under_its_x_label_in_blocks_side_by_side() {
    let src = std::fs::read_to_string("tests/data/appendix/briefing.json").unwrap();
    let fonts = Fonts::new();
    let files = Folder { base: "tests/data/appendix".into(), root: ".".into() };
    let loaded = briefing::load("appendix", &src, &fonts, &files).unwrap_or_else(|d| panic!("{d:#?}"));
    let tables = common::composed_tables(&loaded);
    let ranking = &tables[0];
    assert_eq!(ranking.header[0], "Borough");
    assert_eq!(ranking.rows.len(), 32);
    let values: Vec<f64> = ranking.rows.iter().map(|r| r[1].replace(',', "").parse().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "not largest first: {values:?}");
    assert_eq!(ranking.rows[0][0], "Westminster");
    // On the page, the 17th borough stands beside the 1st: two blocks of 16.
    let layout = briefing::render(&loaded, &fonts, &briefing::Options::default()).layout;
    let lines = common::frame_lines(&layout);
    let top = format!("{} {}", ranking.rows[0][0], ranking.rows[0][1]);
    // The last such line: the chart's bar label comes first.
    let first = lines.iter().rev().find(|l| l.starts_with(&top)).expect("Westminster's row");
    assert!(first.contains(&ranking.rows[16][0]), "the 17th borough is not beside the 1st: {first:?}");
}

#[test]
fn a_long_title_continued_on_the_next_page_wraps_inside_the_margins() {
    let dir = tempfile::tempdir().unwrap();
    // 130 years: too long for blocks side by side on one page, so the
    // appendix table runs over pages under its repeated title.
    let csv: String =
        std::iter::once("year,n\n".to_string()).chain((1900..2030).map(|y| format!("{y},{}\n", y * 3))).collect();
    std::fs::write(dir.path().join("n.csv"), csv).unwrap();
    let title =
        "Recorded offences of violence against the person in London rose in almost every year from 1900 to 2029";
    let m = json!({
        "format": 1, "title": "Long table", "date": "2030-06-27",
        "sources": {"ho": {"publisher": "Home Office", "title": "Workforce"}},
        "data": {"n": {"file": "n.csv", "x": "year", "y": "n", "label": "Offences", "source": "ho"}},
        "sections": [{"heading": "H", "blocks": [{"chart": {"kind": "line", "series": ["n"], "title": title, "alt": "A line."}}]}]
    });
    std::fs::write(dir.path().join("t.json"), m.to_string()).unwrap();
    let pdf = dir.path().join("long-title.pdf");
    common::briefing().arg("build").arg(dir.path().join("t.json")).arg("-o").arg(&pdf).assert().success();
    // The repeated title is there, and `pdf_text` fails the test if any
    // of it leaves the text block (it ran 40 pt past the margin on one line).
    let text = common::pdf_text(&pdf);
    assert!(common::squash(&text).contains(&common::squash(&format!("{title} (continued)"))), "{text}");
}
