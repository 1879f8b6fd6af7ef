//! Sums and means over groups of rows, read from published files as they
//! come: the West Midlands police force area's population summed from the
//! ONS local-authority estimates (a `.csv.gz`), officers per 1,000
//! residents with 31 March counts paired with mid-year population, files
//! in Windows-1252, and the errors for a group member that is missing.
//!
//! The expected figures were computed independently of `briefing`, with
//! Python from the raw file (see each test); none is copied from its output.

mod common;

use std::path::Path;

use briefing::analyse::{Analysis, analyse};
use briefing::diag::Diagnostic;
use briefing::input::data::Folder;
use briefing::input::manifest;
use briefing::text::fonts::Fonts;
use common::{briefing, pdf_text, squash, stderr};
use serde_json::{Value, json};

/// Real published data and the example manifest (provenance in its README).
const WEST_MIDLANDS: &str = "tests/data/west-midlands";
const POPULATION: &str = "ons-la-population-2001-2020.csv.gz";
const BOROUGHS: [&str; 7] = ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"];

/// A manifest around `data`, with the sources the series cite.
fn manifest(data: Value) -> String {
    serde_json::to_string_pretty(&json!({
        "format": 1, "title": "T", "date": "2020-02-01",
        "sources": {"ho": {"publisher": "Home Office", "title": "Workforce"},
                    "ons": {"publisher": "ONS", "title": "Population"}},
        "data": data
    }))
    .unwrap()
}

fn population(where_: Value, aggregate: Option<&str>) -> Value {
    let mut spec = json!({"file": POPULATION, "x": "year", "y": "population", "where": where_,
                          "label": "Residents", "source": "ons"});
    if let Some(a) = aggregate {
        spec["aggregate"] = json!(a);
    }
    spec
}

/// The series of a manifest whose data files are in `dir`, and every problem.
fn analysed(src: &str, dir: &Path) -> (Analysis, Vec<Diagnostic>) {
    let m = manifest::parse("m.json", src).unwrap_or_else(|d| panic!("{d:?}"));
    analyse("m.json", src, &m, &Folder::new(dir.to_path_buf()))
}

fn value(a: &Analysis, series: &str, x: &str) -> Option<f64> {
    let points = &a.series.get(series).unwrap_or_else(|| panic!("no series {series}")).points;
    points.iter().find(|(px, _)| px.to_string() == x).unwrap_or_else(|| panic!("{series} has no {x}")).1
}

/// Sums of the seven boroughs' populations, by year, computed with Python's
/// csv and gzip modules from the raw file (the same bytes as the test file):
/// `sum(int(r["population"]) for r in rows if r["name"] in BOROUGHS and r["year"] == y)`;
/// each year has exactly seven such rows.
const SUMS: [(&str, f64); 6] = [
    ("2001", 2_568_015.0),
    ("2010", 2_711_938.0),
    ("2011", 2_739_733.0),
    ("2018", 2_916_458.0),
    ("2019", 2_928_592.0),
    ("2020", 2_939_927.0),
];

#[test]
fn the_west_midlands_population_is_the_sum_of_its_seven_boroughs_read_from_gzip() {
    let data = json!({"wm": population(json!({"name": {"in": BOROUGHS}}), Some("sum")),
                      "mean": population(json!({"name": {"in": BOROUGHS}}), Some("mean"))});
    let (a, diags) = analysed(&manifest(data), Path::new(WEST_MIDLANDS));
    assert!(diags.is_empty(), "{diags:?}");
    let wm = &a.series["wm"];
    // One point per year, in time order although the file lists each borough newest first.
    let years: Vec<String> = wm.points.iter().map(|(x, _)| x.to_string()).collect();
    assert_eq!(years, (2001..=2020).map(|y| y.to_string()).collect::<Vec<_>>());
    for (year, sum) in SUMS {
        assert_eq!(value(&a, "wm", year), Some(sum), "{year}");
        assert_eq!(value(&a, "mean", year), Some(sum / 7.0), "{year}");
    }
    assert_eq!(a.eval("wm.latest:.0").unwrap().text, "2,939,927");
    // The plain string form still picks one borough: Birmingham at mid-2019, from the raw file.
    let data = json!({"b": population(json!({"name": "Birmingham", "year": "2019"}), None)});
    let (a, diags) = analysed(&manifest(data), Path::new(WEST_MIDLANDS));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(value(&a, "b", "2019"), Some(1_141_816.0));
}

/// 31 March counts of West Midlands Police officers over the force area's
/// population: `year` pairs 31 March 2019 with mid-2019, `year-1` with
/// mid-2018. Expected: 6494.7 / 2928592 × 1000 = 2.21768... and
/// 6494.7 / 2916458 × 1000 = 2.22691... (Python, from the figures above).
#[test]
fn officers_per_1000_residents_pair_31_march_with_the_mid_year_the_author_chooses() {
    let per =
        |align: &str| json!({"per_capita": ["officers", "wm"], "scale": 1000, "align": align, "label": "Per 1,000"});
    let data = json!({
        "officers": {"file": "west-midlands-officers.csv", "x": "date", "y": "officers_fte",
                     "label": "Officers", "source": "ho"},
        "wm": population(json!({"name": {"in": BOROUGHS}}), Some("sum")),
        "same_year": per("year"),
        "year_before": per("year-1"),
        "exact": per("exact")
    });
    let (a, diags) = analysed(&manifest(data), Path::new(WEST_MIDLANDS));
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    // Dates never equal years: `exact` pairs nothing, and says so.
    assert_eq!(errors.len(), 1, "{diags:?}");
    assert_eq!(errors[0].path, "$.data.exact.per_capita");
    let close = |got: Option<f64>, want: f64| assert!((got.unwrap() - want).abs() < 1e-9, "{got:?} != {want}");
    close(value(&a, "same_year", "2019-03-31"), 2.217_686_861_126_438_6);
    close(value(&a, "year_before", "2019-03-31"), 2.226_913_605_476_231_5);
    // 31 March 2010: 8626.17 officers over mid-2010 (2,711,938) or mid-2009 (2,687,116).
    close(value(&a, "same_year", "2010-03-31"), 3.180_813_868_163_652_6);
    close(value(&a, "year_before", "2010-03-31"), 3.210_196_359_219_327);
    assert_eq!(a.eval("same_year.latest:.2").unwrap().text, "2.22");
    assert_eq!(a.eval("same_year.latest").unwrap().sources, ["ho", "ons"]);
}

/// The tables of a manifest in the West Midlands folder, composed.
fn tables(src: &str) -> Vec<Vec<Vec<String>>> {
    let fonts = Fonts::new();
    let loaded =
        briefing::load("m.json", src, &fonts, &Folder::new(WEST_MIDLANDS.into())).unwrap_or_else(|d| panic!("{d:?}"));
    common::composed_tables(&loaded).into_iter().map(|t| t.rows).collect()
}

#[test]
fn a_table_shows_officers_population_and_per_head_paired_as_the_series_are() {
    let example = std::fs::read_to_string(Path::new(WEST_MIDLANDS).join("briefing.json")).unwrap();
    let row = |rows: &[Vec<String>], year: &str| rows.iter().find(|r| r[0] == year).cloned().unwrap();
    let same = &tables(&example)[0];
    assert_eq!(same.len(), 13, "{same:?}");
    assert_eq!(row(same, "2019"), ["2019", "6,495", "2,928,592", "2.22"]);
    assert_eq!(row(same, "2010"), ["2010", "8,626", "2,711,938", "3.18"]);
    // With `year-1` on both, the population shown in each row is the one the
    // per-head figure used: mid-2018 beside 31 March 2019.
    let before = example
        .replace("\"align\": \"year\"", "\"align\": \"year-1\"")
        .replace("\"from\": \"2007\"", "\"from\": \"2006\"");
    let before = &tables(&before)[0];
    assert_eq!(row(before, "2019"), ["2019", "6,495", "2,916,458", "2.23"]);
    assert_eq!(row(before, "2007")[2], "2,626,028", "mid-2006 beside 31 March 2007");
    // A year with population but no officers keeps its row, with a gap.
    assert_eq!(row(before, "2020"), ["2020", "[x]", "2,928,592", "[x]"]);
}

#[test]
fn the_west_midlands_example_builds_from_the_published_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wm.pdf");
    let manifest = Path::new(WEST_MIDLANDS).join("briefing.json");
    briefing().arg("build").arg(&manifest).arg("-o").arg(&out).assert().success();
    let text = squash(&pdf_text(&out));
    for expected in ["2.22officersper1,000residentsin2019", "6,495officers", "2,928,592residents", "2,916,458"] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
}

/// A copy of the population file with some boroughs' rows taken out.
fn without(dir: &Path, drop: &[(&str, &str)]) {
    use std::io::{Read, Write};
    let mut text = String::new();
    let raw = std::fs::read(Path::new(WEST_MIDLANDS).join(POPULATION)).unwrap();
    flate2::read::GzDecoder::new(&raw[..]).read_to_string(&mut text).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !drop.iter().any(|(name, year)| line.contains(&format!(",{name},{year},"))))
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all((kept.join("\n") + "\n").as_bytes()).unwrap();
    std::fs::write(dir.join(POPULATION), gz.finish().unwrap()).unwrap();
}

#[test]
fn a_member_missing_from_some_years_is_named_with_those_years_never_summed_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    without(dir.path(), &[("Dudley", "2005"), ("Dudley", "2006"), ("Walsall", "2019")]);
    let src = manifest(json!({"wm": population(json!({"name": {"in": BOROUGHS}}), Some("sum"))}));
    let (a, diags) = analysed(&src, dir.path());
    assert!(a.eval("wm.latest").unwrap_err().reported);
    let got: Vec<(&str, &str)> = diags.iter().map(|d| (d.path.as_str(), d.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                "$.data.wm.where.name.in[2]",
                "`Dudley` has no row in ons-la-population-2001-2020.csv.gz for 2005 and 2006"
            ),
            ("$.data.wm.where.name.in[5]", "`Walsall` has no row in ons-la-population-2001-2020.csv.gz for 2019"),
        ]
    );
    // Located at the member in the manifest.
    let (line, column) = diags[0].position.unwrap();
    assert!(src.lines().nth(line - 1).unwrap()[column - 1..].starts_with("\"Dudley\""), "{:?}", diags[0].position);
    assert!(diags[0].hint.as_deref().unwrap().contains("`from`/`to`"), "{:?}", diags[0].hint);
    // Years outside `from`/`to` are not summed, so a gap there does not matter.
    let mut spec = population(json!({"name": {"in": BOROUGHS}}), Some("sum"));
    spec["from"] = json!("2007");
    spec["to"] = json!("2018");
    let (a, diags) = analysed(&manifest(json!({ "wm": spec })), dir.path());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(value(&a, "wm", "2018"), Some(2_916_458.0));
    // A range that holds no rows at all is reported at the range.
    let mut spec = population(json!({"name": {"in": BOROUGHS}}), Some("sum"));
    spec["from"] = json!("2030");
    let (_, diags) = analysed(&manifest(json!({ "wm": spec })), dir.path());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        (diags[0].path.as_str(), diags[0].message.as_str()),
        ("$.data.wm.from", "no rows of ons-la-population-2001-2020.csv.gz lie between `from` and `to`")
    );
}

#[test]
fn a_member_never_in_the_file_gets_a_did_you_mean() {
    let mut members = BOROUGHS.to_vec();
    members[6] = "Wolverhamton";
    let src = manifest(json!({"wm": population(json!({"name": {"in": members}}), Some("sum"))}));
    let (_, diags) = analysed(&src, Path::new(WEST_MIDLANDS));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].path, "$.data.wm.where.name.in[6]");
    assert_eq!(diags[0].message, "column `name` of ons-la-population-2001-2020.csv.gz has no `Wolverhamton`");
    assert_eq!(diags[0].hint.as_deref(), Some("did you mean `Wolverhampton`?"));
    // The plain form is checked the same way.
    let src = manifest(json!({"b": population(json!({"name": "Birmingam"}), None)}));
    let (_, diags) = analysed(&src, Path::new(WEST_MIDLANDS));
    assert_eq!(diags[0].path, "$.data.b.where.name");
    assert_eq!(diags[0].hint.as_deref(), Some("did you mean `Birmingham`?"));
    let src = manifest(json!({"b": population(json!({"name": {"in": []}}), Some("sum"))}));
    let (_, diags) = analysed(&src, Path::new(WEST_MIDLANDS));
    assert_eq!(
        (diags[0].path.as_str(), diags[0].message.as_str()),
        ("$.data.b.where.name.in", "the `in` list is empty, so no row matches")
    );
}

#[test]
fn several_rows_for_one_x_without_an_aggregate_are_located_in_the_file_and_suggest_one() {
    let src = manifest(json!({"wm": population(json!({"name": {"in": ["Coventry", "Dudley"]}}), None)}));
    let (_, diags) = analysed(&src, Path::new(WEST_MIDLANDS));
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert!(d.file.ends_with(POPULATION), "{}", d.file);
    // Coventry's rows are lines 2502 to 2521 of the file (2020 first), Dudley's the next 20:
    // `zcat ... | grep -n ',Coventry,2020,'` gives 2502, `',Dudley,2020,'` 2522.
    assert_eq!(d.message, "2 rows have the x value `2020` (rows 2502 and 2522)");
    assert_eq!(d.position, Some((2522, 3)));
    assert!(d.hint.as_deref().unwrap().contains("\"aggregate\": \"sum\""), "{:?}", d.hint);
}

#[test]
fn a_windows_1252_file_is_read_when_the_series_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // "Ynys Môn" and "£" in Windows-1252: ô is 0xF4, £ is 0xA3.
    let bytes = b"area,year,spend\nYnys M\xf4n,2018,1\nYnys M\xf4n,2019,2\nConwy,2019,5\n";
    std::fs::write(dir.path().join("spend.csv"), bytes).unwrap();
    let spec = |encoding: Option<&str>| {
        let mut s = json!({"file": "spend.csv", "x": "year", "y": "spend", "where": {"area": "Ynys Môn"},
                           "label": "Spend", "source": "ons"});
        if let Some(e) = encoding {
            s["encoding"] = json!(e);
        }
        s
    };
    let (a, diags) = analysed(&manifest(json!({ "s": spec(Some("windows-1252")) })), dir.path());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(a.series["s"].points.len(), 2);
    assert_eq!(value(&a, "s", "2019"), Some(2.0));
    // Undeclared: today's clear error, now pointing at `encoding`.
    let (_, diags) = analysed(&manifest(json!({ "s": spec(None) })), dir.path());
    assert_eq!(diags[0].path, "$.data.s.file");
    assert!(diags[0].message.contains("is not UTF-8 text (line 2, column 7)"), "{}", diags[0].message);
    assert!(diags[0].hint.as_deref().unwrap().contains("\"encoding\": \"windows-1252\""), "{:?}", diags[0].hint);
    let (_, diags) = analysed(&manifest(json!({ "s": spec(Some("cp-1252")) })), dir.path());
    assert_eq!(
        (diags[0].path.as_str(), diags[0].message.as_str()),
        ("$.data.s.encoding", "unknown encoding `cp-1252`")
    );
}

#[test]
fn build_reports_a_missing_group_member_at_the_manifest_and_writes_no_pdf() {
    let dir = tempfile::tempdir().unwrap();
    without(dir.path(), &[("Sandwell", "2012")]);
    let src = std::fs::read_to_string(Path::new(WEST_MIDLANDS).join("briefing.json")).unwrap();
    std::fs::write(dir.path().join("briefing.json"), &src).unwrap();
    std::fs::copy(
        Path::new(WEST_MIDLANDS).join("west-midlands-officers.csv"),
        dir.path().join("west-midlands-officers.csv"),
    )
    .unwrap();
    let out = dir.path().join("out.pdf");
    let output = briefing()
        .arg("build")
        .arg(dir.path().join("briefing.json"))
        .arg("-o")
        .arg(&out)
        .args(["--diagnostic-format", "short"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("briefing.json:14:") && stderr.contains("$.data.population.where.name.in[3]: `Sandwell` has no row in ons-la-population-2001-2020.csv.gz for 2012"),
        "{stderr}"
    );
    assert!(!out.exists());
}
