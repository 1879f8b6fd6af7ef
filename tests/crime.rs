//! Crime data as the police publish it, read without reshaping: the Met's
//! monthly borough tables (wide, two files), the homicide dashboard (one
//! row per victim), the Home Office open data (31 March counts dated the
//! first of the month), and a police.uk-style street-level archive (a
//! folder per month, one row per incident, read by a glob).
//!
//! The expected figures for the real files were computed independently
//! with Python's csv and gzip modules from the raw files in
//! `../shared/research/raw/` (the same bytes as `data/london-crime/`):
//! - violence against the person, London: the sum of every row with
//!   `MajorText == "Violence Against the Person"` over the month columns of
//!   April 2010 to March 2011 (139,396) and April 2022 to March 2023 (241,248);
//! - Westminster 11,960 and Richmond upon Thames 2,993: that sum over
//!   `202302` … `202401` for the borough's rows;
//! - homicide victims: rows with `Year` 2003 (210), 2014 (84), 2022 (106);
//! - Met officers: `total_fte` summed over rows with `force_name ==
//!   "Metropolitan Police"`, `worker_type == "police officer"` and `date ==
//!   "2022-03-01"` (33,983.6467).
//!
//! The archive's expected counts come from the generator, which tallies
//! each row as it writes it (`tests/common/archive.rs`).

mod common;

use std::path::Path;

use briefing::analyse::{Analysis, analyse};
use briefing::diag::Diagnostic;
use briefing::input::data::Folder;
use briefing::input::manifest;
use common::archive::{Archive, Counts};
use common::{briefing, pdf_text, squash, stderr};
use serde_json::{Value, json};

const LONDON: &str = "data/london-crime";

fn manifest(data: Value) -> String {
    serde_json::to_string_pretty(&json!({
        "format": 1, "title": "T", "date": "2024-03-15",
        "sources": {"mps": {"publisher": "Metropolitan Police", "title": "Crime"}},
        "data": data
    }))
    .unwrap()
}

fn analysed(src: &str, dir: &Path) -> (Analysis, Vec<Diagnostic>) {
    let m = manifest::parse("m.json", src).unwrap_or_else(|d| panic!("{d:?}"));
    analyse("m.json", src, &m, &Folder::new(dir.to_path_buf()))
}

fn points(a: &Analysis, series: &str) -> Vec<(String, Option<f64>)> {
    let s = a.series.get(series).unwrap_or_else(|| panic!("no series {series}"));
    s.points.iter().map(|(x, y)| (x.to_string(), *y)).collect()
}

fn value(a: &Analysis, series: &str, x: &str) -> f64 {
    let found = points(a, series).into_iter().find(|(px, _)| px == x);
    found.unwrap_or_else(|| panic!("{series} has no {x}")).1.unwrap_or_else(|| panic!("{series} at {x} is a gap"))
}

fn errors(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().filter(|d| d.severity == briefing::diag::Severity::Error).map(|d| d.message.clone()).collect()
}

/// The London-wide series of the example, from both files.
fn violence(extra: Value) -> Value {
    let mut spec = json!({"files": ["APR2010-FEB2022.csv.gz", "FEB2022-FEB2024.csv.gz"], "wide": true,
        "where": {"MajorText": "Violence Against the Person"}, "aggregate": "sum",
        "period": "financial-year", "label": "Violence", "source": "mps"});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

#[test]
fn monthly_columns_in_two_files_sum_to_financial_years() {
    let (a, diags) = analysed(&manifest(json!({"v": violence(json!({"to": "2022/23"}))})), Path::new(LONDON));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(value(&a, "v", "2010/11"), 139_396.0);
    assert_eq!(value(&a, "v", "2022/23"), 241_248.0);
    let years: Vec<String> = points(&a, "v").into_iter().map(|p| p.0).collect();
    assert_eq!(years.first().map(String::as_str), Some("2010/11"));
    assert_eq!(years.len(), 13, "{years:?}");
}

#[test]
fn a_financial_year_lacking_months_is_refused_unless_the_author_chooses() {
    let (_, diags) = analysed(&manifest(json!({"v": violence(json!({}))})), Path::new(LONDON));
    let errors = errors(&diags);
    assert_eq!(errors, ["2023/24 has 10 of its 12 months: February 2024 and March 2024 are missing"], "{diags:?}");
    assert_eq!(diags[0].path, "$.data.v.period");
    // Left out, with a warning naming it.
    let (a, diags) = analysed(&manifest(json!({"v": violence(json!({"partial": "drop"}))})), Path::new(LONDON));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].message.starts_with("2023/24 is left out: it has 10 of its 12 months"), "{}", diags[0].message);
    assert_eq!(points(&a, "v").last().unwrap().0, "2022/23");
    // Kept, and marked wherever it is printed.
    let (a, diags) = analysed(&manifest(json!({"v": violence(json!({"partial": "keep"}))})), Path::new(LONDON));
    assert!(diags.is_empty(), "{diags:?}");
    let last = points(&a, "v").pop().unwrap();
    assert_eq!(last.0, "2023/24 (10 months)");
    assert_eq!(a.eval("v.latest_x").unwrap().text, "2023/24 (10 months)");
}

#[test]
fn each_borough_over_twelve_months_without_the_airports() {
    let spec = json!({"file": "FEB2022-FEB2024.csv.gz", "wide": true, "x": "LookUp_BoroughName",
        "where": {"MajorText": "Violence Against the Person",
                  "LookUp_BoroughName": {"not": ["London Heathrow and London City Airports"]}},
        "aggregate": "sum", "from": "2023-02", "to": "2024-01", "label": "Violence", "source": "mps"});
    let (a, diags) = analysed(&manifest(json!({"b": spec})), Path::new(LONDON));
    assert!(diags.is_empty(), "{diags:?}");
    let boroughs = points(&a, "b");
    assert_eq!(boroughs.len(), 32, "{boroughs:?}");
    assert!(!boroughs.iter().any(|(b, _)| b.contains("Airport")));
    assert_eq!(value(&a, "b", "Westminster"), 11_960.0);
    assert_eq!(value(&a, "b", "Richmond upon Thames"), 2_993.0);
    // A range reaching past the file's last month is incomplete.
    let mut late = spec.clone();
    late["to"] = json!("2024-03");
    let (_, diags) = analysed(&manifest(json!({"b": late})), Path::new(LONDON));
    assert_eq!(errors(&diags), ["the range February 2023 to March 2024 lacks February 2024 and March 2024"]);
}

#[test]
fn one_row_per_victim_is_counted_by_year() {
    let spec = json!({"file": "homicides.csv.gz", "x": "Year", "aggregate": "count", "to": "2022",
                      "label": "Victims", "source": "mps"});
    let (a, diags) = analysed(&manifest(json!({"h": spec.clone()})), Path::new(LONDON));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(value(&a, "h", "2003"), 210.0);
    assert_eq!(value(&a, "h", "2014"), 84.0);
    assert_eq!(value(&a, "h", "2022"), 106.0);
    let mut with_y = spec;
    with_y["y"] = json!("Year");
    let (_, diags) = analysed(&manifest(json!({"h": with_y})), Path::new(LONDON));
    assert_eq!(errors(&diags), ["`\"aggregate\": \"count\"` counts rows, so it takes no `y`"]);
    assert_eq!(diags[0].path, "$.data.h.y");
}

#[test]
fn first_of_month_dates_can_stand_for_the_month_end() {
    let spec = json!({"file": "police-uplift-2022-data.csv.gz", "x": "date", "y": "total_fte",
        "where": {"force_name": "Metropolitan Police", "worker_type": "police officer"},
        "aggregate": "sum", "as_at": "month-end", "label": "Officers", "source": "mps"});
    let (a, diags) = analysed(&manifest(json!({"o": spec})), Path::new(LONDON));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(a.eval("o.latest:.1").unwrap().text, "33,983.6");
    assert_eq!(a.eval("o.latest_x").unwrap().text, "31 March 2022");
    assert!((value(&a, "o", "2022-03-31") - 33_983.646_7).abs() < 1e-6);
}

/// The whole example builds, and the PDF prints what the tests above check.
#[test]
fn the_london_crime_example_builds_from_the_raw_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crime.pdf");
    briefing().args(["build", "data/london-crime/briefing.json", "-o"]).arg(&out).assert().success();
    let text = squash(&pdf_text(&out));
    for expected in [
        "139,396 offences in 2010/11",
        "241,248 in 2022/23",
        "Westminster recorded the most",
        "(11,960)",
        "(2,993)",
        "106 victims",
        "33,983.6 full-time equivalent officers on 31 March 2022",
    ] {
        assert!(text.contains(&squash(expected)), "{expected:?} not in {text}");
    }
}

fn archive(dir: &Path, missing: &[(i32, u32)]) -> Counts {
    Archive {
        force: "metropolitan",
        force_name: "Metropolitan Police Service",
        start: (2021, 4),
        months: 24,
        rows: 400,
        missing,
    }
    .write(&dir.join("police-uk"))
}

fn street(extra: Value) -> Value {
    let mut spec = json!({"file": "police-uk/*/*-metropolitan-street.csv", "x": "Month",
        "where": {"Crime type": "Violence and sexual offences"}, "aggregate": "count",
        "period": "financial-year", "label": "Violence", "source": "mps"});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

#[test]
fn a_street_level_archive_is_counted_by_financial_year() {
    let dir = tempfile::tempdir().unwrap();
    let counts = archive(dir.path(), &[]);
    let (a, diags) = analysed(&manifest(json!({"v": street(json!({}))})), dir.path());
    assert!(diags.is_empty(), "{diags:?}");
    for (fy, start) in [("2021/22", 2021), ("2022/23", 2022)] {
        let expected: u64 = counts
            .iter()
            .filter(|(month, _)| {
                let (y, m): (i32, u32) = (month[..4].parse().unwrap(), month[5..].parse().unwrap());
                (y == start && m >= 4) || (y == start + 1 && m <= 3)
            })
            .map(|(_, types)| types.get("Violence and sexual offences").copied().unwrap_or(0))
            .sum();
        assert!(expected > 0);
        assert_eq!(value(&a, "v", fy), expected as f64, "{fy}");
    }
    // Monthly, anti-social behaviour (whose rows have no crime ID) counts too.
    let (a, diags) = analysed(
        &manifest(json!({"m": street(json!({"period": "month", "where": {"Crime type": "Anti-social behaviour"}}))})),
        dir.path(),
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(value(&a, "m", "2022-01"), counts["2022-01"]["Anti-social behaviour"] as f64);
}

#[test]
fn a_missing_month_in_the_archive_names_the_period_and_the_file_expected() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), &[(2022, 7)]);
    let (_, diags) = analysed(&manifest(json!({"v": street(json!({}))})), dir.path());
    assert_eq!(
        errors(&diags),
        [
            "2022/23 has 11 of its 12 months: July 2022 is missing (expected in police-uk/2022-07/2022-07-metropolitan-street.csv)"
        ]
    );
    let (a, diags) = analysed(&manifest(json!({"v": street(json!({"partial": "drop"}))})), dir.path());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(points(&a, "v").into_iter().map(|p| p.0).collect::<Vec<_>>(), ["2021/22"]);
}

#[test]
fn archive_mistakes_are_located_errors_and_no_pdf_is_written() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), &[]);
    let root = dir.path();
    // A month copied into a second file.
    let copy = root.join("police-uk/2022-05/2022-05-metropolitan-street-copy.csv");
    std::fs::copy(root.join("police-uk/2022-05/2022-05-metropolitan-street.csv"), &copy).unwrap();
    let (_, diags) =
        analysed(&manifest(json!({"v": street(json!({"file": "police-uk/*/*-metropolitan-street*.csv"}))})), root);
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{diags:?}");
    assert!(e[0].starts_with("May 2022 is in two files of the archive:"), "{e:?}");
    std::fs::remove_file(&copy).unwrap();
    // A file whose header differs.
    let other = root.join("police-uk/2022-06/2022-06-metropolitan-street.csv");
    let original = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, original.replacen("Crime type", "Crime category", 1)).unwrap();
    let (_, diags) = analysed(&manifest(json!({"v": street(json!({}))})), root);
    assert!(errors(&diags).iter().any(|e| e.contains("no column `Crime type`")), "{diags:?}");
    assert!(diags.iter().any(|d| d.file.ends_with("2022-06-metropolitan-street.csv")), "{diags:?}");
    std::fs::write(&other, original).unwrap();
    // An unknown crime type, with the closest value; an empty glob.
    let src = manifest(json!({
        "v": street(json!({"where": {"Crime type": "Violence and sexual offence"}, "file": "police-uk/*/*-city-of-london-street.csv"})),
        "w": street(json!({"where": {"Crime type": "Violence and sexual offence"}, "to": "2021/22"})),
    }));
    let manifest_path = root.join("briefing.json");
    std::fs::write(&manifest_path, &src).unwrap();
    let out = root.join("out.pdf");
    let output = briefing().arg("build").arg(&manifest_path).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
    let err = stderr(&output);
    assert!(err.contains("no file matches `police-uk/*/*-city-of-london-street.csv`"), "{err}");
    assert!(err.contains("$.data.v.file"), "{err}");
    assert!(err.contains("did you mean `Violence and sexual offences`?"), "{err}");
    assert!(err.contains("$.data.w.where[\"Crime type\"]") || err.contains("$.data.w.where.Crime type"), "{err}");
}

#[test]
fn a_sum_of_members_is_checked_only_where_members_are_summed() {
    // Leaving the airports out of a borough ranking by an `in` list on the
    // x column never fires the check for members missing at an x.
    let boroughs = ["Westminster", "Camden", "Croydon"];
    let spec = json!({"file": "FEB2022-FEB2024.csv.gz", "wide": true, "x": "LookUp_BoroughName",
        "where": {"MajorText": "Violence Against the Person", "LookUp_BoroughName": {"in": boroughs}},
        "aggregate": "sum", "from": "2023-02", "to": "2024-01", "label": "Violence", "source": "mps"});
    let (a, diags) = analysed(&manifest(json!({"b": spec})), Path::new(LONDON));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(points(&a, "b").len(), 3);
    assert_eq!(value(&a, "b", "Westminster"), 11_960.0);
}

/// A batch over an archive takes its areas from every file the glob
/// matches, not the last alone: a crime type seen only in early months is
/// one of them.
#[test]
fn a_batch_template_over_an_archive_takes_its_areas_from_every_file() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), &[]);
    let root = dir.path();
    // An early month gains a row of a crime type no later month has.
    let early = root.join("police-uk/2021-04/2021-04-metropolitan-street.csv");
    let text = std::fs::read_to_string(&early).unwrap();
    let row = ",2021-04,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near Strand,E01004734,Westminster 018A,Early type,,";
    std::fs::write(&early, format!("{text}{row}\n")).unwrap();
    let mut src: Value = serde_json::from_str(&manifest(json!({"v": street(json!({"where": {"Crime type": "{area}"},
        "label": "{area}", "partial": "drop"}))})))
    .unwrap();
    src["sections"] = json!([{"heading": "{area}", "blocks": [{"text": "{v.max:.0} at most [@mps]."}]}]);
    std::fs::write(root.join("briefing.json"), serde_json::to_string_pretty(&src).unwrap()).unwrap();
    let out = briefing().current_dir(root).args(["check", "briefing.json"]).output().unwrap();
    let err = stderr(&out);
    let types = common::archive::CRIME_TYPES.len();
    assert!(out.status.success() && err.contains(&format!("{} areas checked, 0 errors", types + 1)), "{err}");
}
