//! Issue 22: inputs that used to give a wrong figure with `check` clean, and
//! mistakes that used to give a wall of errors. Each case is written as a
//! user would write it: a folder with a manifest and a data file, run
//! through the `briefing` binary.

mod common;

use std::path::Path;

use common::{briefing, pdf_text, squash, stderr};
use serde_json::json;

/// Writes `briefing.json` with the series `data` and one paragraph `text`
/// citing source `s`.
fn manifest(dir: &Path, data: serde_json::Value, text: &str) {
    let m = json!({
        "format": 1, "title": "Trust", "date": "2024-06-01",
        "sources": {"s": {"publisher": "ONS", "title": "Population estimates"}},
        "data": data,
        "sections": [{"heading": "Figures", "blocks": [{"text": format!("{text} [@s].")}]}],
    });
    std::fs::write(dir.join("briefing.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

/// `briefing check` in `dir`: (succeeded, stderr).
fn check(dir: &Path) -> (bool, String) {
    let out = briefing().current_dir(dir).args(["check", "briefing.json"]).output().unwrap();
    (out.status.success(), stderr(&out))
}

/// `briefing build` in `dir` to `out.pdf`: the PDF's text, or stderr.
fn build(dir: &Path) -> Result<String, String> {
    let out = briefing().current_dir(dir).args(["build", "briefing.json", "-o", "out.pdf"]).output().unwrap();
    if out.status.success() { Ok(squash(&pdf_text(&dir.join("out.pdf")))) } else { Err(stderr(&out)) }
}

fn officers(dir: &Path) {
    std::fs::write(
        dir.join("officers.csv"),
        "date,officers\n2014-03-01,120\n2015-03-01,158\n2016-03-01,250\n2017-03-01,330\n2018-03-01,398\n",
    )
    .unwrap();
}

#[test]
fn a_from_between_two_points_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    officers(dir.path());
    let series = |from: &str| {
        json!({"o": {"file": "officers.csv", "x": "date", "y": "officers", "from": from,
                      "label": "Officers", "unit": "officers", "source": "s"}})
    };
    // The file dates each year's count on the 1st; 31 March lies after it.
    manifest(dir.path(), series("2015-03-31"), "Officers rose from {o.first:.0} to {o.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok, "{err}");
    assert!(err.contains("`2015-03-31` falls between the points 2015-03-01 and 2016-03-01"), "{err}");
    assert!(err.contains("$.data.o.from"), "{err}");
    assert!(build(dir.path()).is_err());
    assert!(!dir.path().join("out.pdf").exists());
    // On a point it cuts there: 2015 is the first figure.
    manifest(dir.path(), series("2015-03-01"), "Officers rose from {o.first:.0} to {o.latest:.0}");
    let text = build(dir.path()).unwrap();
    assert!(text.contains("Officersrosefrom158to398"), "{text}");
}

#[test]
fn a_to_between_points_of_a_derived_series_is_an_error_too() {
    let dir = tempfile::tempdir().unwrap();
    officers(dir.path());
    let data = json!({
        "o": {"file": "officers.csv", "x": "date", "y": "officers", "label": "Officers", "unit": "officers", "source": "s"},
        "same": {"ratio": ["o", "o"], "to": "2017-06-30", "label": "Ratio", "unit": "ratio"},
    });
    manifest(dir.path(), data, "{same.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok, "{err}");
    assert!(err.contains("`2017-06-30` falls between the points 2017-03-01 and 2018-03-01"), "{err}");
    assert!(err.contains("$.data.same.to"), "{err}");
}

/// A workbook whose sheet `MYE` has a title row, then a header of `headings`
/// after `Code` and `Name` in row 3, then one row per area.
fn population_workbook(path: &Path, headings: &[&str], rows: &[(&str, &str, &[f64])]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("MYE").unwrap();
    sheet.write_string(0, 0, "Population estimates, local authorities").unwrap();
    sheet.write_string(2, 0, "Code").unwrap();
    sheet.write_string(2, 1, "Name").unwrap();
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string(2, c as u16 + 2, *h).unwrap();
    }
    for (r, (code, name, values)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        sheet.write_string(r, 0, *code).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        for (c, v) in values.iter().enumerate() {
            sheet.write_number(r, c as u16 + 2, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn ons_columns_newest_first_give_the_newest_year_as_latest() {
    let dir = tempfile::tempdir().unwrap();
    population_workbook(
        &dir.path().join("pop.xlsx"),
        &["Mid-2020", "Mid-2019", "Mid-2018"],
        &[("E08000012", "Liverpool", &[498042.0, 498042.0 - 1520.0, 494814.0])],
    );
    let data = json!({"pop": {"file": "pop.xlsx", "sheet": "MYE", "range": "B3:E4", "row": {"B": "Liverpool"},
                              "label": "Residents", "unit": "people", "source": "s"}});
    manifest(
        dir.path(),
        data,
        "Liverpool had {pop.latest:.0} residents in {pop.latest_x}, {pop.first:.0} in {pop.first_x}",
    );
    let text = build(dir.path()).unwrap();
    assert!(text.contains("Liverpoolhad498,042residentsin2020,494,814in2018"), "{text}");
}

#[test]
fn years_inside_the_same_words_are_years_and_put_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pop.csv"),
        "Code,Name,Estimated population mid-2021,Estimated population mid-2020,Estimated population mid-2019\n\
         E09000033,Westminster,204236,211365,261317\n",
    )
    .unwrap();
    let data = json!({"pop": {"file": "pop.csv", "wide": true, "where": {"Name": "Westminster"},
                              "label": "Residents", "unit": "people", "source": "s"}});
    manifest(dir.path(), data, "{pop.latest:.0} in {pop.latest_x}, down {pop.fall:.0} since {pop.first_x}");
    let text = build(dir.path()).unwrap();
    assert!(text.contains("204,236in2021,down57,081since2019"), "{text}");
}

#[test]
fn time_statistics_of_categories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Two patterns side by side (residents and density): the tool cannot
    // know which are the years, so the headings stay categories.
    population_workbook(
        &dir.path().join("pop.xlsx"),
        &["Population 2020", "2020 people per sq km", "Population 2019", "2019 people per sq km"],
        &[("E08000012", "Liverpool", &[498042.0, 4447.0, 496522.0, 4433.0])],
    );
    let data = json!({"pop": {"file": "pop.xlsx", "sheet": "MYE", "range": "B3:F4", "row": {"B": "Liverpool"},
                              "label": "Residents", "unit": "people", "source": "s"}});
    manifest(dir.path(), data, "{pop.latest:.0} in {pop.latest_x}");
    let (ok, err) = check(dir.path());
    assert!(!ok, "{err}");
    assert!(err.contains("`pop.latest`: `latest` is a statistic of time, but the x values are categories"), "{err}");
    assert!(err.contains("`Population 2020`"), "{err}");
    // What does not depend on order still works on categories.
    manifest(
        dir.path(),
        json!({"pop": {"file": "pop.xlsx", "sheet": "MYE", "range": "B3:F4", "row": {"B": "Liverpool"},
        "label": "Residents", "unit": "people", "source": "s"}}),
        "the largest column is {pop.max_x}",
    );
    let text = build(dir.path()).unwrap();
    assert!(text.contains("thelargestcolumnisPopulation2020"), "{text}");
}

#[test]
fn headings_the_way_tables_write_periods_are_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fy.csv"), "year,n\n2018-19,10\n2019-20,12\n2020-21,15\n").unwrap();
    std::fs::write(dir.path().join("m.csv"), "Force,Mar 2019,Sep 2019,Mar 2020\nMerseyside,3500,3550,3620\n").unwrap();
    let data = json!({
        "fy": {"file": "fy.csv", "x": "year", "y": "n", "label": "Cases", "unit": "cases", "source": "s"},
        "m": {"file": "m.csv", "wide": true, "where": {"Force": "Merseyside"}, "label": "Officers", "unit": "officers", "source": "s"},
    });
    manifest(dir.path(), data, "{fy.latest:.0} in {fy.latest_x} and {m.latest:.0} in {m.latest_x}");
    let text = build(dir.path()).unwrap();
    assert!(text.contains("15in2020/21and3,620inMarch2020"), "{text}");
}

/// A batch template over three areas: one paragraph per area with a
/// misspelt statistic (wrong in every area) and `previous`, which needs two
/// points (B has one).
fn areas_template(dir: &Path, stat: &str) {
    std::fs::write(dir.join("areas.csv"), "area,year,n\nA,2019,5\nA,2020,7\nB,2020,4\nC,2019,8\nC,2020,9\n").unwrap();
    let data = json!({"s": {"file": "areas.csv", "x": "year", "y": "n", "where": {"area": "{area}"},
                            "label": "Offences, {area}", "unit": "offences", "source": "s"}});
    manifest(dir, data, &format!("{{area}}: {{s.latest:.0}}, {{s.previous:.0}} a year before, {{s.{stat}:.0}}"));
}

#[test]
fn check_on_a_template_checks_every_area_and_reports_each_problem_once() {
    let dir = tempfile::tempdir().unwrap();
    areas_template(dir.path(), "mx");
    let (ok, err) = check(dir.path());
    assert!(!ok, "{err}");
    assert_eq!(err.matches("unknown statistic `mx`").count(), 1, "{err}");
    assert!(err.contains("unknown statistic `mx` (in all 3 areas)"), "{err}");
    assert_eq!(err.matches("the series has only one value").count(), 1, "{err}");
    assert!(err.contains("the series has only one value (in B)"), "{err}");
    assert!(!err.contains("filled in only by"), "{err}");
    assert!(err.contains("3 areas checked, 2 errors"), "{err}");
    // --area narrows the check to the areas named.
    let out = briefing().current_dir(dir.path()).args(["check", "briefing.json", "--area", "C"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("unknown statistic `mx` (in C)") && !err.contains("only one value"), "{err}");
    // Fixed, it is clean.
    areas_template(dir.path(), "max");
    let out = briefing()
        .current_dir(dir.path())
        .args(["check", "briefing.json", "--area", "A", "--area", "C"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_borough_template_checks_clean_for_all_32_boroughs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out =
        briefing().arg("check").arg(root.join("borough/briefing.json")).arg("--data-root").arg(&root).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("32 areas checked, 0 errors"), "{err}");
}

#[test]
fn a_template_without_a_column_for_its_areas_says_how_to_name_them() {
    let dir = tempfile::tempdir().unwrap();
    officers(dir.path());
    let data = json!({"o": {"file": "officers.csv", "x": "date", "y": "officers", "label": "Officers", "unit": "officers", "source": "s"}});
    manifest(dir.path(), data, "In {area}, {o.latest:.0} officers");
    let (ok, err) = check(dir.path());
    assert!(!ok && err.contains("so it is a batch template") && err.contains("--area NAME"), "{err}");
}

#[test]
fn build_and_check_without_a_manifest_use_the_one_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    officers(dir.path());
    let data = json!({"o": {"file": "officers.csv", "x": "date", "y": "officers", "label": "Officers", "unit": "officers", "source": "s"}});
    manifest(dir.path(), data, "There were {o.latest:.0} officers");
    let out = briefing().current_dir(dir.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("building briefing.json in this folder"), "{}", stderr(&out));
    let text = squash(&pdf_text(&dir.path().join("briefing.pdf")));
    assert!(text.contains("Therewere398officers"), "{text}");
    let out = briefing().current_dir(dir.path()).arg("check").output().unwrap();
    assert!(out.status.success() && stderr(&out).contains("checking briefing.json in this folder"));
    // --builtin builds the London briefing all the same.
    let out = briefing().current_dir(dir.path()).args(["build", "--builtin", "-o", "london.pdf"]).output().unwrap();
    assert!(out.status.success() && stderr(&out).contains("building the built-in London briefing"));
    let london = squash(&pdf_text(&dir.path().join("london.pdf")));
    assert!(london.contains("London") && !london.contains("Therewere398officers"));
    // With no manifest here it is the built-in one, and it says so.
    let empty = tempfile::tempdir().unwrap();
    let out = briefing().current_dir(empty.path()).arg("check").output().unwrap();
    assert!(
        stderr(&out).contains("the built-in London briefing (no briefing.json in this folder)"),
        "{}",
        stderr(&out)
    );
}

/// The Home Office workforce tables, five editions, as the example reads them.
const EDITIONS: [&str; 5] = [
    "police-workforce-tabs-30sep15.ods",
    "police-workforce-tables-sep16.ods",
    "police-workforce-tables-jan17.ods",
    "police-workforce-sep18-tables.ods",
    "police-workforce-sep19-tables.ods",
];

/// A series over the five editions in `dir` (copied there), Table 1 placed
/// a row lower in the January 2017 edition, with `sheet` and `label`.
fn five_editions(dir: &Path, sheet: &str, label: &str) -> serde_json::Value {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/west-midlands");
    for file in EDITIONS {
        std::fs::copy(from.join(file), dir.join(file)).unwrap();
    }
    json!({"m": {"files": [EDITIONS[0], EDITIONS[1], {"file": EDITIONS[2], "range": "A7:D64"}, EDITIONS[3], EDITIONS[4]],
                 "sheet": sheet, "range": "A6:D63", "row": {"A": label}, "label": "Officers", "unit": "officers", "source": "s"}})
}

#[test]
fn a_misnamed_row_label_in_five_editions_is_one_error_at_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    manifest(dir.path(), five_editions(dir.path(), "Table_1", "Merseyside Police"), "{m.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok);
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("no row has `Merseyside Police` in column A (sheet `Table_1` of all 5 editions:"), "{err}");
    // Shown at the manifest line that names it, with the closest label.
    assert!(err.contains("$.data.m.row") && err.contains(r#""row": {"#), "{err}");
    assert!(err.contains("did you mean `Merseyside`?"), "{err}");
}

#[test]
fn a_misnamed_sheet_in_every_edition_is_one_error_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    manifest(dir.path(), five_editions(dir.path(), "Tabel_1", "Merseyside"), "{m.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok);
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(
        err.contains("there is no sheet `Tabel_1` in all 5 editions: `police-workforce-tabs-30sep15.ods`"),
        "{err}"
    );
    assert!(err.contains("did you mean `Table_1`?"), "{err}");
}

fn workforce(dir: &Path) {
    std::fs::write(
        dir.join("workforce.csv"),
        "force,rank,year,n\nMetropolitan Police,police officer,2019,30000\nMetropolitan Police,police officer,2020,31000\n\
         Merseyside,police officer,2019,3500\nMerseyside,police officer,2020,3600\nMerseyside,police staff,2020,2000\n\
         Cheshire,police officer,2020,2100\nCleveland,police officer,2020,1300\nCumbria,police officer,2020,1200\n\
         Dorset,police officer,2020,1300\nDurham,police officer,2020,1200\nEssex,police officer,2020,3300\n",
    )
    .unwrap();
}

#[test]
fn a_misspelt_where_value_is_one_error_with_the_closest_values() {
    let dir = tempfile::tempdir().unwrap();
    workforce(dir.path());
    let series = |force: &str| {
        json!({"m": {"file": "workforce.csv", "x": "year", "y": "n", "where": {"force": force, "rank": "police officer"},
                     "label": "Officers", "unit": "officers", "source": "s"}})
    };
    for (wrong, right) in [("Metropolitan Police Service", "Metropolitan Police"), ("Merseyside Police", "Merseyside")]
    {
        manifest(dir.path(), series(wrong), "{m.latest:.0}");
        let (ok, err) = check(dir.path());
        assert!(!ok);
        assert_eq!(err.matches("error:").count(), 1, "the correct `rank` filter is not blamed: {err}");
        assert!(err.contains(&format!("has no `{wrong}`")) && err.contains("$.data.m.where.force"), "{err}");
        assert!(err.contains(&format!("did you mean `{right}`?")), "{err}");
    }
    // Nothing close: the nearest values, not the first alphabetically.
    manifest(dir.path(), series("Merseysde Constabulary"), "{m.latest:.0}");
    let (_, err) = check(dir.path());
    let hint = err.lines().find(|l| l.contains("hint:")).unwrap();
    assert!(hint.contains("the column holds Merseyside,"), "{hint}");
}

#[test]
fn a_misnamed_column_is_reported_at_the_manifest_line_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    workforce(dir.path());
    let data = json!({"m": {"file": "workforce.csv", "x": "yaer", "y": "n", "where": {"force": "Merseyside", "rank": "police officer"},
                            "label": "Officers", "unit": "officers", "source": "s"}});
    manifest(dir.path(), data, "{m.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok);
    assert!(err.contains("no column `yaer`") && err.contains("$.data.m.x"), "{err}");
    assert!(err.contains(r#""x": "yaer""#), "the manifest line is shown: {err}");
    assert!(err.contains("did you mean `year`? The header has `force`, `rank`, `year`, `n`"), "{err}");
}

#[test]
fn statistics_between_two_chosen_points_and_from_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    officers(dir.path());
    let data = json!({"o": {"file": "officers.csv", "x": "date", "y": "officers", "label": "Officers", "unit": "officers", "source": "s"}});
    manifest(
        dir.path(),
        data.clone(),
        "From {o[2015-03-01..2017-03-01].first_x} to {o[2015-03-01..2017-03-01].latest_x} officers rose by \
         {o[2015-03-01..2017-03-01].change_pct:.0}%; since 2016 by {o[2016-03-01..].change:.0}; \
         up to 2016 the lowest was {o[..2016-03-01].min:.0}; last year {o.change_from_previous_pct:+.1}%",
    );
    let text = build(dir.path()).unwrap();
    // (330 − 158) / 158 = 108.9%; 398 − 250 = 148; (398 − 330) / 330 = 20.6%.
    assert!(text.contains("From1March2015to1March2017officersroseby109%"), "{text}");
    assert!(text.contains("since2016by148;upto2016thelowestwas120;lastyear+20.6%"), "{text}");
    // An end that is not a point names the points either side.
    manifest(dir.path(), data, "{o[2015-03-31..2018-03-01].change_pct:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok);
    assert!(err.contains("no point at `2015-03-31`: it falls between 2015-03-01 and 2016-03-01"), "{err}");
}

#[test]
fn a_spreadsheet_long_table_reports_misnamed_columns_and_values_once_at_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Officers").unwrap();
    let rows: [(&str, &str, f64, f64); 3] = [
        ("Merseyside", "police officer", 2019.0, 3500.0),
        ("Merseyside", "police officer", 2020.0, 3600.0),
        ("Merseyside", "police staff", 2020.0, 2000.0),
    ];
    for (c, h) in ["force", "rank", "year", "n"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (force, rank, year, n)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *force).unwrap();
        sheet.write_string(r, 1, *rank).unwrap();
        sheet.write_number(r, 2, *year).unwrap();
        sheet.write_number(r, 3, *n).unwrap();
    }
    book.save(dir.path().join("t.xlsx")).unwrap();
    let series = |x: &str, force: &str| {
        json!({"m": {"file": "t.xlsx", "sheet": "Officers", "header": 1, "x": x, "y": "n",
                     "where": {"force": force, "rank": "police officer"}, "label": "Officers", "unit": "officers", "source": "s"}})
    };
    manifest(dir.path(), series("yaer", "Merseyside"), "{m.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok && err.matches("error:").count() == 1, "{err}");
    assert!(
        err.contains("no column `yaer`") && err.contains("$.data.m.x") && err.contains("did you mean `year`?"),
        "{err}"
    );
    manifest(dir.path(), series("year", "Merseyside Police"), "{m.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(!ok && err.matches("error:").count() == 1, "{err}");
    assert!(err.contains("$.data.m.where.force") && err.contains("did you mean `Merseyside`?"), "{err}");
    manifest(dir.path(), series("year", "Merseyside"), "{m.latest:.0} in {m.latest_x}");
    assert!(build(dir.path()).unwrap().contains("3,600in2020"));
}

#[test]
fn a_from_before_the_data_is_a_warning_naming_the_first_point() {
    let dir = tempfile::tempdir().unwrap();
    officers(dir.path());
    let data = json!({"o": {"file": "officers.csv", "x": "date", "y": "officers", "from": "2009-03-01", "to": "2018-03-01",
                            "label": "Officers", "unit": "officers", "source": "s"}});
    manifest(dir.path(), data, "Since {o.first_x}, officers rose to {o.latest:.0}");
    let (ok, err) = check(dir.path());
    assert!(ok, "{err}");
    assert!(
        err.contains("warning: `2009-03-01` is before the series' first point, 2014-03-01: it cuts nothing"),
        "{err}"
    );
    assert!(err.contains("$.data.o.from") && !err.contains("$.data.o.to"), "{err}");
}

#[test]
fn financial_years_written_with_a_dash_that_read_as_months_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    // `2010-11` and `2011-12` are also November 2010 and December 2011.
    std::fs::write(dir.path().join("fy.csv"), "year,n\n2010-11,10\n2011-12,12\n2012-13,15\n").unwrap();
    let data =
        json!({"fy": {"file": "fy.csv", "x": "year", "y": "n", "label": "Cases", "unit": "cases", "source": "s"}});
    manifest(dir.path(), data, "{fy.latest:.0} in {fy.latest_x}");
    let (ok, err) = check(dir.path());
    assert!(!ok);
    assert!(err.contains("`2011-12` reads as a month; write financial years with a slash (`2011/12`)"), "{err}");
}
