//! `briefing batch`: one briefing per area from a template, in parallel,
//! with failures reported per area and the rest still written.

mod common;

use common::{briefing, grouped, pdf_text, stderr};

#[test]
fn the_borough_template_makes_one_briefing_per_borough() {
    let dir = tempfile::tempdir().unwrap();
    let out = briefing()
        .args(["batch", "data/borough/briefing.json", "--each", "borough.area_name", "--data-root", "data", "-o"])
        .arg(dir.path())
        .args(["--jobs", "2", "--timings"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    // The 32 boroughs in the Met's data (the City of London has its own force), no totals or airports.
    assert_eq!(names.len(), 32, "{names:?}");
    assert!(names.contains(&"hammersmith-and-fulham.pdf".to_string()) && names.contains(&"croydon.pdf".to_string()));
    assert!(err.contains("32 briefings, 0 failed"), "{err}");
    for stage in ["load", "analyse", "layout", "render", "write", "total"] {
        assert!(err.contains(&format!("  {stage} ")), "no `{stage}` timing in {err}");
    }
    // Each briefing is about its own borough, with its rank computed from the data:
    // Westminster recorded the most violence in 2023 and Croydon the second most.
    let westminster = pdf_text(&dir.path().join("westminster.pdf"));
    assert!(westminster.contains("Violence against the person in Westminster"), "{westminster}");
    assert!(westminster.contains("ranked 1st of 32 boroughs"), "{westminster}");
    let croydon = pdf_text(&dir.path().join("croydon.pdf"));
    assert!(croydon.contains("ranked 2nd of 32 boroughs") && !croydon.contains("Westminster ranked"), "{croydon}");
    // And its share of the Met's total, a ratio at `scale: 100` (a percentage),
    // computed here from the CSV file.
    let met = violence_2023("Metropolitan Police Service total");
    for (area, text) in [("Westminster", &westminster), ("Croydon", &croydon)] {
        let offences = violence_2023(area);
        let share = offences / met * 100.0;
        let want = format!("with {} offences or {share:.1}% of the Met’s total", grouped(offences.round() as i64));
        assert!(common::squash(text).contains(&common::squash(&want)), "{area}: no `{want}` in {text}");
    }
    for name in &names {
        common::keep_pdf(&dir.path().join(name));
        let doc = lopdf::Document::load(dir.path().join(name)).unwrap();
        // The violence trend, the ranking, the map of rates, officer strength.
        assert_eq!(doc.get_pages().len(), 3, "{name} is not three pages");
    }
}

/// Violence against the person recorded in `area` in calendar year 2023,
/// read from the CSV file the borough template uses.
fn violence_2023(area: &str) -> f64 {
    let csv = std::fs::read_to_string("data/london-2018/violence-by-borough.csv").unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[column("period_type")] == "calendar_year" && r[column("period")] == "2023")
        .filter(|r| r[column("area_name")] == area)
        .collect();
    assert_eq!(rows.len(), 1, "{area} in 2023: {rows:?}");
    rows[0][column("vap_total")].parse().unwrap()
}

#[test]
fn one_failing_area_is_reported_and_the_rest_are_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("v.csv"),
        "area,year,n\nAlpha,2017,5\nAlpha,2018,6\nBeta,2017,\nBeta,2018,\nGamma,2017,1\nGamma,2018,2\n",
    )
    .unwrap();
    let template = r#"{
  "format": 1,
  "title": "Briefing for {area}",
  "date": "2018-06-27",
  "sources": {"s": {"publisher": "P", "title": "T"}},
  "data": {"v": {"file": "v.csv", "x": "year", "y": "n", "label": "N", "source": "s", "where": {"area": "{area}"}}},
  "sections": [{"heading": "{area}", "blocks": [{"text": "{area} had {v.latest} in {v.latest_x} [@s]."}]}]
}"#;
    std::fs::write(dir.path().join("t.json"), template).unwrap();
    let out_dir = dir.path().join("out");
    let out = briefing()
        .arg("batch")
        .arg(dir.path().join("t.json"))
        .args(["--each", "v.area", "-o"])
        .arg(&out_dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Beta: failed"), "{err}");
    // The snippet quotes the template as filled in for the failing area.
    assert!(err.contains("t.json:6:17") && err.contains("the series has no values"), "{err}");
    assert!(err.contains(r#""where": {"area": "Beta"}"#), "{err}");
    assert!(err.contains("3 briefings, 1 failed"), "{err}");
    assert!(out_dir.join("alpha.pdf").exists() && out_dir.join("gamma.pdf").exists());
    assert!(!out_dir.join("beta.pdf").exists());
    common::keep_pdf(&out_dir.join("gamma.pdf"));
    assert!(pdf_text(&out_dir.join("gamma.pdf")).contains("Gamma had 2 in 2018"));
}

#[test]
fn a_mistake_in_the_template_is_reported_once_with_the_areas_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("v.csv"),
        "area,year,n\nAlpha,2017,5\nAlpha,2018,6\nBeta,2017,3\nBeta,2018,4\nGamma,2017,1\nGamma,2018,2\n",
    )
    .unwrap();
    // `count` is not a column: the same mistake in every area.
    let template = r#"{
  "format": 1,
  "title": "Briefing for {area}",
  "date": "2018-06-27",
  "sources": {"s": {"publisher": "P", "title": "T"}},
  "data": {"v": {"file": "v.csv", "x": "year", "y": "count", "label": "N", "source": "s", "where": {"area": "{area}"}}},
  "sections": [{"heading": "{area}", "blocks": [{"text": "{area} had {v.latest} in {v.latest_x} [@s]."}]}]
}"#;
    std::fs::write(dir.path().join("t.json"), template).unwrap();
    let out_dir = dir.path().join("out");
    // No `--each`: the areas come from the series filtered by `{area}`.
    let out = briefing().arg("batch").arg(dir.path().join("t.json")).arg("-o").arg(&out_dir).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("no column `count`").count(), 1, "{err}");
    assert!(err.contains("(in all 3 areas)"), "{err}");
    for area in ["Alpha", "Beta", "Gamma"] {
        assert_eq!(err.matches(&format!("{area}: failed")).count(), 1, "{err}");
    }
    assert!(err.contains("3 briefings, 3 failed"), "{err}");
    assert!(!out_dir.join("alpha.pdf").exists());

    // Mended, and still without `--each`: every area is written.
    std::fs::write(dir.path().join("t.json"), template.replace(r#""y": "count""#, r#""y": "n""#)).unwrap();
    let out = briefing().arg("batch").arg(dir.path().join("t.json")).arg("-o").arg(&out_dir).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("3 briefings, 0 failed"), "{err}");
    assert!(pdf_text(&out_dir.join("beta.pdf")).contains("Beta had 4 in 2018"));
}

#[test]
fn a_bad_each_is_a_located_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = briefing()
        .args(["batch", "data/borough/briefing.json", "--each", "borough.area", "--data-root", "data"])
        .args(["--diagnostic-format", "short", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("violence-by-borough.csv:1:1: error: no column `area`") && err.contains("area_name,"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn build_prints_stage_timings() {
    let dir = tempfile::tempdir().unwrap();
    let out = briefing().args(["build", "--timings", "-o"]).arg(dir.path().join("b.pdf")).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for stage in ["load", "analyse", "layout", "render", "write", "total"] {
        assert!(err.contains(&format!("  {stage} ")), "no `{stage}` timing in {err}");
    }
    let total: f64 = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("total"))
        .and_then(|rest| rest.trim().strip_suffix("ms"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap_or_else(|| panic!("no total in {err}"));
    assert!(total > 0.0, "{err}");
}
