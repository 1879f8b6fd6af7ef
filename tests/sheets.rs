//! Spreadsheets as data files: the five published Home Office ODS editions
//! read directly, several editions merged into one series with revisions
//! reported, and XLSX workbooks written here with rust_xlsxwriter to cover
//! header offsets, wide tables, date cells and numbers stored as text.
//!
//! The expected figures below were read from each ODS file's `content.xml`
//! with a separate Python script (zipfile and ElementTree, no spreadsheet
//! library), not from this crate's output.

// Expected values are copied digit for digit from the files' `office:value`
// attributes (`6558.8773000000101`), which say more than an f64 holds.
#![allow(clippy::excessive_precision)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use briefing::analyse::stats::{Series, X};
use briefing::diag::Diagnostic;
use briefing::input::data::Folder;
use common::{briefing, pdf_text, stderr};

/// The published workbooks, kept with the example briefing that reads them.
const ODS: &str = "data/west-midlands";

const SEP15: &str = "police-workforce-tabs-30sep15.ods";
const SEP16: &str = "police-workforce-tables-sep16.ods";
const SEP17: &str = "police-workforce-tables-jan17.ods";
const SEP18: &str = "police-workforce-sep18-tables.ods";
const SEP19: &str = "police-workforce-sep19-tables.ods";

/// Table 1 starts a row lower in the September 2017 edition (`jan17`).
fn range(file: &str) -> &'static str {
    if file == SEP17 { "A7:D64" } else { "A6:D63" }
}

fn date(s: &str) -> X {
    X::parse(s)
}

/// Analyses a manifest whose `data` is `data`, reading files from `dir`.
fn analyse(dir: &Path, data: serde_json::Value) -> (BTreeMap<String, Series>, Vec<Diagnostic>) {
    let manifest = serde_json::json!({
        "format": 1, "title": "T", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": data,
    });
    let src = serde_json::to_string_pretty(&manifest).unwrap();
    let m = briefing::input::manifest::parse("briefing.json", &src).unwrap();
    let (analysis, diags) = briefing::analyse::analyse("briefing.json", &src, &m, &Folder::new(dir.to_path_buf()));
    (analysis.series, diags)
}

fn points(series: &Series) -> Vec<(X, Option<f64>)> {
    series.points.clone()
}

/// A force's row of Table 1 in one edition: `occurrence` 2 picks the
/// West Midlands force, listed after the region of the same name.
fn force(file: &str, label: &str, occurrence: Option<u32>) -> serde_json::Value {
    let mut spec = serde_json::json!({
        "file": file, "sheet": "Table_1", "range": range(file), "row": {"A": label},
        "label": label, "source": "ho",
    });
    if let Some(n) = occurrence {
        spec["occurrence"] = n.into();
    }
    spec
}

/// An edition's file, its three dates, and three forces' figures at them.
type Edition = (&'static str, [&'static str; 3], [f64; 3], [f64; 3], [f64; 3]);

#[test]
fn each_home_office_edition_gives_the_published_figures() {
    // (edition, West Midlands force, Metropolitan Police, Greater Manchester), each
    // at the edition's three dates, as published.
    let editions: [Edition; 5] = [
        (
            SEP15,
            ["2014-09-30", "2015-03-31", "2015-09-30"],
            [7154.87, 7132.75, 7043.25],
            [31583.05, 31877.24, 31792.89],
            [6843.75, 6702.58, 6484.4500000000007],
        ),
        (
            SEP16,
            ["2015-09-30", "2016-03-31", "2016-09-30"],
            [7043.25, 6943.8, 6880.0],
            [32182.680000000004, 32125.180000000004, 31781.865099999988],
            [6484.4500000000007, 6296.93, 6238.68],
        ),
        (
            SEP17,
            ["2016-09-30", "2017-03-31", "2017-09-30"],
            [6880.0, 6755.96, 6534.5000000000082],
            [31781.865099999988, 31517.29, 30871.22],
            [6238.68, 6318.25, 6236.88],
        ),
        (
            SEP18,
            ["2017-09-30", "2018-03-31", "2018-09-30"],
            [6534.5000000000082, 6581.0199999999995, 6558.8773000000101],
            [30871.22, 30390.230000000003, 30136.169449999859],
            [6236.88, 6348.84, 6390.7599999999966],
        ),
        (
            SEP19,
            ["2018-09-30", "2019-03-31", "2019-09-30"],
            [6558.8773000000101, 6494.7, 6405.0635750000056],
            [30136.169449999859, 30435.489999999994, 30940.226789999928],
            [6390.7599999999966, 6443.59, 6539.39],
        ),
    ];
    for (file, dates, wm, met, gm) in editions {
        let data = serde_json::json!({
            "wm": force(file, "West Midlands", Some(2)),
            "met": force(file, "Metropolitan Police", None),
            "gm": force(file, "Greater Manchester", None),
        });
        let (series, diags) = analyse(Path::new(ODS), data);
        assert!(diags.is_empty(), "{file}: {diags:?}");
        for (name, values) in [("wm", wm), ("met", met), ("gm", gm)] {
            let want: Vec<(X, Option<f64>)> = dates.iter().zip(values).map(|(d, v)| (date(d), Some(v))).collect();
            assert_eq!(points(&series[name]), want, "{file}: {name}");
        }
    }
}

#[test]
fn the_issue_s_figure_west_midlands_at_31_march_2019_is_6494_7() {
    let (series, diags) = analyse(Path::new(ODS), serde_json::json!({"wm": force(SEP19, "West Midlands", Some(2))}));
    assert!(diags.is_empty(), "{diags:?}");
    let at = series["wm"].points.iter().find(|(x, _)| *x == date("2019-03-31")).unwrap();
    assert_eq!(at.1, Some(6494.7));
    // The region of the same name, four rows up, is a different figure.
    let (series, _) = analyse(Path::new(ODS), serde_json::json!({"region": force(SEP19, "West Midlands", Some(1))}));
    assert_eq!(series["region"].points[1], (date("2019-03-31"), Some(10867.57)));
}

/// A series over all five editions, the September 2017 table placed a row lower.
fn five_editions(label: &str, occurrence: Option<u32>) -> serde_json::Value {
    let mut spec = serde_json::json!({
        "files": [SEP15, SEP16, {"file": SEP17, "range": "A7:D64"}, SEP18, SEP19],
        "sheet": "Table_1", "range": "A6:D63", "row": {"A": label},
        "label": label, "source": "ho",
    });
    if let Some(n) = occurrence {
        spec["occurrence"] = n.into();
    }
    spec
}

#[test]
fn five_editions_make_one_series_from_2014_to_2019() {
    let (series, diags) = analyse(Path::new(ODS), serde_json::json!({"wm": five_editions("West Midlands", Some(2))}));
    // Where editions overlap, West Midlands' figures agree: no revisions.
    assert!(diags.is_empty(), "{diags:?}");
    let want = [
        ("2014-09-30", 7154.87),
        ("2015-03-31", 7132.75),
        ("2015-09-30", 7043.25),
        ("2016-03-31", 6943.8),
        ("2016-09-30", 6880.0),
        ("2017-03-31", 6755.96),
        ("2017-09-30", 6534.5000000000082),
        ("2018-03-31", 6581.0199999999995),
        ("2018-09-30", 6558.8773000000101),
        ("2019-03-31", 6494.7),
        ("2019-09-30", 6405.0635750000056),
    ];
    let want: Vec<(X, Option<f64>)> = want.iter().map(|(d, v)| (date(d), Some(*v))).collect();
    assert_eq!(points(&series["wm"]), want);
}

#[test]
fn a_revised_figure_uses_the_later_edition_and_is_reported() {
    let (series, diags) =
        analyse(Path::new(ODS), serde_json::json!({"met": five_editions("Metropolitan Police", None)}));
    // The Met's 30 September 2015 count was revised from 31,792.89 (September
    // 2015 edition) to 32,182.68 (September 2016 edition); its other overlaps agree.
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert!(!d.is_error());
    assert!(d.file.ends_with(SEP16), "{}", d.file);
    assert_eq!(d.path, "Table_1!B42");
    assert!(d.message.contains("2015-09-30: 32182.68 here revises 31792.89 in"), "{}", d.message);
    assert!(d.message.contains(&format!("{SEP15} (Table_1!D42)")), "{}", d.message);
    let met = points(&series["met"]);
    assert_eq!(met.len(), 11);
    assert_eq!(met[2], (date("2015-09-30"), Some(32182.680000000004)));
    assert_eq!(met[10], (date("2019-09-30"), Some(30940.226789999928)));
}

#[test]
fn footnote_markers_on_labels_are_not_part_of_the_name() {
    // September 2015 labels its notes `Derbyshire1` and `Wiltshire2`; September 2016 `Wiltshire1`.
    let data = serde_json::json!({
        "wilts": five_editions("Wiltshire", None),
        "derbys": force(SEP15, "Derbyshire", None),
    });
    let (series, diags) = analyse(Path::new(ODS), data);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(series["wilts"].points[0], (date("2014-09-30"), Some(1027.8899999999999)));
    assert_eq!(series["wilts"].points.len(), 11);
    assert_eq!(series["derbys"].points[0], (date("2014-09-30"), Some(1770.85)));
}

#[test]
fn check_reports_revisions_as_warnings_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    for file in [SEP15, SEP16, SEP17, SEP18, SEP19] {
        std::fs::copy(Path::new(ODS).join(file), dir.path().join(file)).unwrap();
    }
    let manifest = serde_json::json!({
        "format": 1, "title": "T", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"met": five_editions("Metropolitan Police", None)},
        "summary": ["The Met had {met.latest:.0} officers [@ho]."],
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let out = briefing().arg("check").arg(dir.path().join("briefing.json")).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("{SEP16}: Table_1!B42: warning: `met` at 2015-09-30: 32182.68 here revises 31792.89 in")),
        "{err}"
    );
    assert!(err.contains("0 errors, 1 warning"), "{err}");
}

#[test]
fn the_west_midlands_example_builds_from_the_published_tables() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("wm.pdf");
    let out = briefing().args(["build", "data/west-midlands/briefing.json", "-o"]).arg(&pdf).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&pdf);
    // 6,494.7 at 31 March 2019 and 6,405.1 at 30 September 2019, rounded as the table shows them.
    assert!(text.contains("31 March 2019"), "{text}");
    assert!(text.contains("6,495") && text.contains("6,405"), "{text}");
    assert!(text.contains("7,155"), "the series starts in the September 2015 edition: {text}");
    // Officers per 1,000 residents with no step outside `briefing`: the
    // officers from the five ODS editions, the population summed from the
    // ONS local authority file (.csv.gz) over the force's seven boroughs.
    // Independently: the seven boroughs' mid-2019 rows of the ONS file sum
    // to 2,928,592 (Python over the raw file, as in tests/groups.rs), and
    // 6494.7 / 2928592 × 1000 = 2.2177.
    let squashed = common::squash(&text);
    assert!(squashed.contains(&common::squash("was 2,928,592 at mid-2019")), "{text}");
    assert!(
        squashed.contains(&common::squash("That gives 2.218 officers per 1,000 residents at 31 March 2019")),
        "{text}"
    );
}

/// Writes a workbook with the shapes official tables come in.
fn workbook(path: &Path, officers: &[(u16, u8, u8, &str, f64)], stored_as_text: &str) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    // A long table under a title and a blank row: header on row 3.
    let long = book.add_worksheet();
    long.set_name("Officers").unwrap();
    long.write_string(0, 0, "Table 1: Police officers (FTE), as at").unwrap();
    for (col, head) in ["As at", "Force ", "Officers (FTE)1"].iter().enumerate() {
        long.write_string(2, col as u16, *head).unwrap();
    }
    let mut row = 3;
    for (y, m, d, force, value) in officers {
        long.write_datetime_with_format(row, 0, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date_format).unwrap();
        long.write_string(row, 1, *force).unwrap();
        long.write_number(row, 2, *value).unwrap();
        row += 1;
    }
    long.write_datetime_with_format(row, 0, ExcelDateTime::from_ymd(2020, 3, 31).unwrap(), &date_format).unwrap();
    long.write_string(row, 1, "Coventry").unwrap();
    long.write_string(row, 2, stored_as_text).unwrap();
    long.write_datetime_with_format(row + 1, 0, ExcelDateTime::from_ymd(2021, 3, 31).unwrap(), &date_format).unwrap();
    long.write_string(row + 1, 1, "Coventry").unwrap();
    long.write_string(row + 1, 2, "[x]").unwrap();
    // A wide table: years across a header on row 5 (numbers), then a change column.
    let wide = book.add_worksheet();
    wide.set_name("By year").unwrap();
    wide.write_string(0, 0, "Table 2: Residents by area").unwrap();
    wide.write_string(4, 0, "Area").unwrap();
    for (i, year) in [2017.0, 2018.0, 2019.0].iter().enumerate() {
        wide.write_number(4, 1 + i as u16, *year).unwrap();
    }
    wide.write_string(4, 4, "Change 2017 to 2019").unwrap();
    for (r, (area, values)) in
        [("Birmingham", ["1137100", "1141400", ".."]), ("Coventry ", ["366785", "371521", "369127"])].iter().enumerate()
    {
        wide.write_string(5 + r as u32, 0, *area).unwrap();
        for (i, v) in values.iter().enumerate() {
            match v.parse::<f64>() {
                // Birmingham's figures are numbers stored as text, as some exports write them.
                Ok(n) if r == 0 => wide.write_string(5 + r as u32, 1 + i as u16, n.to_string()).map(|_| ()),
                Ok(n) => wide.write_number(5 + r as u32, 1 + i as u16, n).map(|_| ()),
                Err(_) => wide.write_string(5 + r as u32, 1 + i as u16, *v).map(|_| ()),
            }
            .unwrap();
        }
        wide.write_number(5 + r as u32, 4, 0.0).unwrap();
    }
    book.save(path).unwrap();
}

const OFFICERS: &[(u16, u8, u8, &str, f64)] = &[
    (2018, 3, 31, "Coventry", 610.5),
    (2018, 3, 31, "Solihull", 250.0),
    (2019, 3, 31, "Coventry", 598.25),
    (2019, 3, 31, "Solihull", 255.5),
];

#[test]
fn xlsx_long_and_wide_tables_keep_their_cell_types() {
    let dir = tempfile::tempdir().unwrap();
    workbook(&dir.path().join("tables.xlsx"), OFFICERS, " 602.75 ");
    let data = serde_json::json!({
        "coventry": {"file": "tables.xlsx", "sheet": "Officers", "header": 3, "x": "As at", "y": "Officers (FTE)",
                     "where": {"Force": "Coventry"}, "label": "Coventry", "source": "ho"},
        "birmingham": {"file": "tables.xlsx", "sheet": "By year", "header": 5, "row": {"A": "Birmingham"},
                       "skip": ["Change 2017 to 2019"], "label": "B", "source": "ho"},
        "coventry_people": {"file": "tables.xlsx", "sheet": "By year", "range": "A5:D7", "row": {"A": "Coventry"},
                            "label": "C", "source": "ho"},
    });
    let (series, diags) = analyse(dir.path(), data);
    assert!(diags.is_empty(), "{diags:?}");
    // Date cells are dates; the number stored as text is read as a number; `[x]` is a gap.
    assert_eq!(
        points(&series["coventry"]),
        vec![
            (date("2018-03-31"), Some(610.5)),
            (date("2019-03-31"), Some(598.25)),
            (date("2020-03-31"), Some(602.75)),
            (date("2021-03-31"), None),
        ]
    );
    // Year headers stored as numbers are years; `..` is a gap; the change column is skipped.
    assert_eq!(
        points(&series["birmingham"]),
        vec![(X::Year(2017), Some(1137100.0)), (X::Year(2018), Some(1141400.0)), (X::Year(2019), None)]
    );
    // A label with a trailing space matches; the range leaves the change column out.
    assert_eq!(
        points(&series["coventry_people"]),
        vec![(X::Year(2017), Some(366785.0)), (X::Year(2018), Some(371521.0)), (X::Year(2019), Some(369127.0))]
    );
}

#[test]
fn a_text_cell_in_a_number_column_is_located_and_no_pdf_is_written() {
    let dir = tempfile::tempdir().unwrap();
    workbook(&dir.path().join("tables.xlsx"), OFFICERS, "n/k 602");
    let manifest = serde_json::json!({
        "format": 1, "title": "T", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"coventry": {"file": "tables.xlsx", "sheet": "Officers", "header": 3, "x": "As at",
                              "y": "Officers (FTE)", "where": {"Force": "Coventry"}, "label": "C", "source": "ho"}},
        "summary": ["{coventry.latest:.0} officers [@ho]."],
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let pdf = dir.path().join("out.pdf");
    let out = briefing()
        .args(["build", "--diagnostic-format", "short"])
        .arg(dir.path().join("briefing.json"))
        .arg("-o")
        .arg(&pdf)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Row 8 of the sheet, column C: the sheet's own numbering, not the CSV the table passes through.
    assert!(
        err.contains("tables.xlsx: Officers!C8: error: `n/k 602` in column `Officers (FTE)` is not a number"),
        "{err}"
    );
    assert!(err.contains("hint: write a plain number"), "{err}");
    assert!(!pdf.exists(), "a PDF was written");
}

#[test]
fn bad_spreadsheet_cases_write_no_pdf() {
    let dir = tempfile::tempdir().unwrap();
    for case in
        ["sheet-missing", "sheet-range-outside", "sheet-ambiguous-row", "sheet-edition-layout", "sheet-corrupt-zip"]
    {
        let pdf = dir.path().join(format!("{case}.pdf"));
        let out = briefing()
            .args(["build", "--data-root", "tests/bad"])
            .arg(format!("tests/bad/{case}/briefing.json"))
            .arg("-o")
            .arg(&pdf)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{case}: {err}");
        assert!(err.contains("no PDF written"), "{case}: {err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
        assert!(!pdf.exists(), "{case}: a PDF was written");
    }
}

#[test]
fn a_batch_makes_each_area_from_one_spreadsheet() {
    // Three areas from one workbook, read once (counted in the unit tests of
    // the command's shared file reader); here, that every area gets its own row.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(Path::new(ODS).join(SEP19), dir.path().join(SEP19)).unwrap();
    std::fs::write(dir.path().join("forces.csv"), "force,n\nGreater Manchester,1\nMetropolitan Police,2\nKent,3\n")
        .unwrap();
    let manifest = serde_json::json!({
        "format": 1, "title": "Officers in {area}", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {
            "forces": {"file": "forces.csv", "x": "force", "y": "n", "label": "F", "source": "ho"},
            "officers": {"file": SEP19, "sheet": "Table_1", "range": "A6:D63", "row": {"A": "{area}"},
                         "label": "Officers", "source": "ho"},
        },
        "summary": ["{area} had {officers.latest:.1} officers [@ho]."],
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let out_dir = dir.path().join("out");
    let out = briefing()
        .args(["batch", "--each", "forces.force", "--quiet", "-o"])
        .arg(&out_dir)
        .arg(dir.path().join("briefing.json"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // 30 September 2019 as published: Kent 3,547.5841, the Met 30,940.22679, Greater Manchester 6,539.39.
    assert!(pdf_text(&out_dir.join("kent.pdf")).contains("Kent had 3,547.6 officers"));
    assert!(pdf_text(&out_dir.join("metropolitan-police.pdf")).contains("Metropolitan Police had 30,940.2 officers"));
    assert!(pdf_text(&out_dir.join("greater-manchester.pdf")).contains("Greater Manchester had 6,539.4 officers"));
}

#[test]
fn a_batch_over_one_row_of_a_wide_table_asks_for_a_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(Path::new(ODS).join(SEP19), dir.path().join(SEP19)).unwrap();
    let manifest = serde_json::json!({
        "format": 1, "title": "Officers in {area}", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"officers": {"file": SEP19, "sheet": "Table_1", "range": "A6:D63", "row": {"A": "{area}"},
                              "label": "Officers", "source": "ho"}},
        "summary": ["{officers.latest:.1} officers [@ho]."],
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let out = briefing()
        .args(["batch", "--each", "officers.A", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("briefing.json"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--each: series `officers` reads one row of a wide table; --each needs a column"), "{err}");
    assert!(!dir.path().join("out").exists() || std::fs::read_dir(dir.path().join("out")).unwrap().next().is_none());
}

#[test]
fn a_batch_takes_its_areas_from_a_spreadsheet_column() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Forces").unwrap();
    sheet.write_string(0, 0, "Forces in this batch").unwrap();
    sheet.write_string(2, 0, "force").unwrap();
    sheet.write_string(2, 1, "region").unwrap();
    for (row, (force, region)) in
        [("Kent", "South East"), ("Essex", "East"), ("Surrey", "South East"), ("Kent", "South East")].iter().enumerate()
    {
        sheet.write_string(row as u32 + 3, 0, *force).unwrap();
        sheet.write_string(row as u32 + 3, 1, *region).unwrap();
    }
    book.save(dir.path().join("forces.xlsx")).unwrap();
    std::fs::copy(Path::new(ODS).join(SEP19), dir.path().join(SEP19)).unwrap();
    let manifest = serde_json::json!({
        "format": 1, "title": "Officers in {area}", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {
            "forces": {"file": "forces.xlsx", "sheet": "Forces", "header": 3, "x": "force", "aggregate": "count",
                       "where": {"region": "South East"}, "label": "F", "source": "ho"},
            "officers": {"file": SEP19, "sheet": "Table_1", "range": "A6:D63", "row": {"A": "{area}"},
                         "label": "Officers", "source": "ho"},
        },
        "summary": ["{area} had {officers.latest:.1} officers [@ho]."],
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let out_dir = dir.path().join("out");
    let out = briefing()
        .args(["batch", "--each", "forces.force", "--quiet", "-o"])
        .arg(&out_dir)
        .arg(dir.path().join("briefing.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The rows the series' `where` keeps, each area once: Kent and Surrey, not Essex.
    let mut made: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    made.sort();
    assert_eq!(made, ["kent.pdf", "surrey.pdf"]);
    // 30 September 2019 as published: Kent 3,547.5841.
    assert!(pdf_text(&out_dir.join("kent.pdf")).contains("Kent had 3,547.6 officers"));
}

/// An edition of a long table of officers by year: a value, or a gap
/// written as the publisher writes one ("..").
fn edition(path: &Path, rows: &[(u16, Option<f64>)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Officers").unwrap();
    sheet.write_string(0, 0, "Year").unwrap();
    sheet.write_string(0, 1, "Officers").unwrap();
    for (i, (year, value)) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_number(row, 0, *year).unwrap();
        match value {
            Some(v) => sheet.write_number(row, 1, *v).map(|_| ()),
            None => sheet.write_string(row, 1, "..").map(|_| ()),
        }
        .unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_gap_in_a_later_edition_keeps_the_earlier_value() {
    let dir = tempfile::tempdir().unwrap();
    edition(&dir.path().join("2018.xlsx"), &[(2016, Some(1100.0)), (2017, Some(1210.0)), (2018, Some(1320.0))]);
    // The later edition has no figure for 2017 and revises 2018.
    edition(&dir.path().join("2019.xlsx"), &[(2017, None), (2018, Some(1340.0)), (2019, Some(1450.0))]);
    let manifest = serde_json::json!({
        "format": 1, "title": "Officers by year", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"officers": {"files": ["2018.xlsx", "2019.xlsx"], "sheet": "Officers", "header": 1, "x": "Year",
                              "y": "Officers", "label": "Officers", "source": "ho"}},
        "sections": [{"heading": "Officers", "blocks": [
            {"text": "Officers were counted in {officers.count:.0} years, {officers.first:.0} in {officers.first_x} [@ho]."},
            {"table": {"series": ["officers"], "caption": "Officers by year"}}
        ]}]
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let pdf = dir.path().join("b.pdf");
    let out = briefing().arg("build").arg(dir.path().join("briefing.json")).arg("-o").arg(&pdf).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&pdf);
    // Four years, 2017 among them with the earlier edition's figure; the
    // revised 2018 figure is the later edition's.
    assert!(text.contains("counted in 4 years, 1,100 in 2016"), "{text}");
    // The table's cells, in reading order: each year followed by its value.
    let words: Vec<&str> = text.split_whitespace().collect();
    let rows: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
    for row in ["2016 1,100", "2017 1,210", "2018 1,340", "2019 1,450"] {
        assert!(rows.iter().any(|r| r == row), "no table row `{row}` in {text}");
    }
}

/// A long table on sheet `S` of `t.xlsx` in `dir`: x values (text) and y values.
fn long_table(path: &Path, xs: &[&str]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("S").unwrap();
    sheet.write_string(0, 0, "x").unwrap();
    sheet.write_string(0, 1, "y").unwrap();
    for (i, x) in xs.iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, *x).unwrap();
        sheet.write_number(i as u32 + 1, 1, i as f64).unwrap();
    }
    book.save(path).unwrap();
}

/// Regressions: years after categories in one file were reported as "this
/// edition's" x values, and categories in another edition as "categorys".
#[test]
fn x_values_of_two_kinds_are_reported_in_words_for_one_file_and_for_editions() {
    let dir = tempfile::tempdir().unwrap();
    long_table(&dir.path().join("mixed.xlsx"), &["Kent", "2018"]);
    let (_, diags) = analyse(
        dir.path(),
        serde_json::json!({"o": {"file": "mixed.xlsx", "sheet": "S", "header": 1, "x": "x", "y": "y", "label": "O", "source": "ho"}}),
    );
    let messages: Vec<(&str, &str)> = diags.iter().map(|d| (d.path.as_str(), d.message.as_str())).collect();
    assert_eq!(messages, [("S!A3", "x values mix kinds: `Kent` (category) at S!A2 then `2018` (year)")]);
    long_table(&dir.path().join("areas.xlsx"), &["Kent", "Essex"]);
    long_table(&dir.path().join("years.xlsx"), &["2017", "2018"]);
    let (_, diags) = analyse(
        dir.path(),
        serde_json::json!({"o": {"files": ["areas.xlsx", "years.xlsx"], "sheet": "S", "header": 1, "x": "x", "y": "y", "label": "O", "source": "ho"}}),
    );
    let messages: Vec<(&str, &str)> = diags.iter().map(|d| (d.path.as_str(), d.message.as_str())).collect();
    assert_eq!(
        messages,
        [("S!A2", "this edition's x values are years, but the first edition's are categories (`Kent` at S!A2)")]
    );
    assert!(diags[0].file.ends_with("years.xlsx"), "{}", diags[0].file);
}
