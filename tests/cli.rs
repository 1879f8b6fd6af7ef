//! The commands around `build`: init, schema, completions, man, and the
//! print and email options (--summary, --gray, --marking, --max-size, --watch).

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{briefing, pdf_text, stderr, stdout};

#[test]
fn init_writes_a_buildable_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    let out = briefing().arg("init").arg(&target).assert().success();
    let stderr = stderr(out.get_output());
    assert!(stderr.contains("briefing build") && stderr.contains("briefing.json"), "no next command: {stderr}");
    assert!(target.join("briefing.json").exists() && target.join("met-officers.csv").exists());
    // The copy builds from its own folder.
    let pdf = target.join("mine.pdf");
    briefing().arg("build").arg(target.join("briefing.json")).arg("-o").arg(&pdf).assert().success();
    assert!(pdf_text(&pdf).contains("30,390"));
    // A second init refuses and leaves an edited file alone.
    std::fs::write(target.join("briefing.json"), "edited").unwrap();
    briefing().arg("init").arg(&target).assert().code(1);
    assert_eq!(std::fs::read_to_string(target.join("briefing.json")).unwrap(), "edited");
}

#[test]
fn schema_is_json_schema_and_the_examples_follow_it() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(briefing().arg("schema"))).unwrap();
    assert_eq!(schema["title"], "Manifest");
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in
        ["data/london-2018/briefing.json", "data/london-latest/briefing.json", "tests/data/west-midlands/briefing.json"]
    {
        let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&manifest).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    // And the schema rejects what the tool rejects.
    let bad = serde_json::json!({"format": 1, "title": "T", "date": "2018-06-27", "sources": {}, "titel": "x"});
    assert!(!validator.is_valid(&bad));
    // `where` takes a value or `{"in": [...]}`; `aggregate` is `sum` or `mean`.
    let series = |filter: serde_json::Value, aggregate: &str| {
        serde_json::json!({"format": 1, "title": "T", "date": "2018-06-27", "sources": {},
            "data": {"p": {"label": "P", "file": "p.csv", "where": {"name": filter}, "aggregate": aggregate,
                           "encoding": "windows-1252"}}})
    };
    assert!(validator.is_valid(&series(serde_json::json!("Dudley"), "sum")));
    assert!(validator.is_valid(&series(serde_json::json!({"in": ["Dudley", "Walsall"]}), "mean")));
    assert!(!validator.is_valid(&series(serde_json::json!({"inn": ["Dudley"]}), "sum")));
    assert!(!validator.is_valid(&series(serde_json::json!(["Dudley"]), "sum")));
    assert!(!validator.is_valid(&series(serde_json::json!("Dudley"), "total")));
    // A page budget is a whole number of pages, at least one.
    let budget = |pages: serde_json::Value| serde_json::json!({"format": 1, "title": "T", "date": "2018-06-27", "sources": {}, "pages": pages});
    assert!(validator.is_valid(&budget(serde_json::json!(2))));
    for bad in [serde_json::json!(0), serde_json::json!("two"), serde_json::json!(2.5)] {
        assert!(!validator.is_valid(&budget(bad.clone())), "{bad}");
    }
}

#[test]
fn a_schema_reference_in_the_manifest_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut m: serde_json::Value = serde_json::from_str(briefing::BUILTIN_MANIFEST).unwrap();
    m.as_object_mut().unwrap().insert("$schema".into(), "briefing.schema.json".into());
    for (name, text) in briefing::BUILTIN_FILES.files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("b.json"), serde_json::to_string(&m).unwrap()).unwrap();
    briefing().arg("check").arg(dir.path().join("b.json")).assert().success();
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(briefing().args(["completions", shell]));
        assert!(script.contains("briefing") && script.contains("--max-size"), "{shell} completions lack options");
    }
    let man = stdout(briefing().arg("man"));
    assert!(man.contains(".TH briefing"));
    assert!(man.contains("Exit codes"), "the man page does not document exit codes");
    for flag in ["--help", "-h"] {
        let top = stdout(briefing().arg(flag));
        for code in ["0  success", "1  problems in the input", "2  usage errors", "3  I/O failures"] {
            assert!(top.contains(code), "`briefing {flag}` does not document exit code `{code}`");
        }
    }
    let help = stdout(briefing().args(["build", "--help"]));
    assert!(help.contains("--diagnostic-format"), "the global option is missing from build --help");
    assert!(help.contains("Examples:") && help.contains("--summary"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // The reading end is closed before the command starts, so every write fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let dir = tempfile::tempdir().unwrap();
    for args in [&["schema"][..], &["man"], &["build", "-o", "b.pdf", "--summary", "-"]] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
            .current_dir(dir.path())
            .args(args)
            .stdout(writer.try_clone().unwrap())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{args:?}: exit {status:?}");
    }
}

#[test]
fn summary_for_email_in_markdown_text_and_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("london.pdf");
    briefing().arg("build").arg("-o").arg(&pdf).args(["--summary", "md"]).assert().success();
    let md = std::fs::read_to_string(dir.path().join("london.md")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(briefing::BUILTIN_MANIFEST).unwrap();
    assert!(md.starts_with(&format!("# {}", manifest["title"].as_str().unwrap())));
    for expected in ["## Key figures", "**30,390**", "## Summary", "## Quotes", "> “", "## Sources", "<https://"] {
        assert!(md.contains(expected), "no `{expected}` in the Markdown summary");
    }
    assert!(md.contains("Jennette Arnold OBE AM, London Assembly Member for North East"));
    assert!(!md.contains('{'), "a template leaked into the summary");

    briefing().arg("build").arg("-o").arg(&pdf).args(["--summary", "txt"]).assert().success();
    let txt = std::fs::read_to_string(dir.path().join("london.txt")).unwrap();
    assert!(txt.contains("Key figures\n-----------") && !txt.contains("**"));

    let printed = stdout(briefing().arg("build").arg("-o").arg(&pdf).args(["--summary", "-"]));
    assert_eq!(printed, txt);
}

/// Every page's size in points, from its /MediaBox, rounded to the point.
fn page_sizes(doc: &lopdf::Document) -> Vec<(i32, i32)> {
    doc.get_pages()
        .values()
        .map(|&id| {
            let page = doc.get_dictionary(id).unwrap();
            let b: Vec<f32> =
                page.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|o| o.as_float().unwrap()).collect();
            ((b[2] - b[0]).round() as i32, (b[3] - b[1]).round() as i32)
        })
        .collect()
}

/// The colours every chart is painted in: for each painting or text
/// operation inside `Figure` marked content, the fill or stroke colour in
/// force (set by `rg`/`RG`, or by `g`/`G` as a grey), as 0–1 RGB.
fn chart_colours(doc: &lopdf::Document) -> (usize, Vec<[f32; 3]>) {
    let mut figures = 0;
    let mut out = Vec::new();
    for &page in doc.get_pages().values() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        let (mut fill, mut stroke) = ([0.0; 3], [0.0; 3]);
        let mut saved = Vec::new();
        // Open marked content, innermost last: whether each is a figure.
        let mut open: Vec<bool> = Vec::new();
        for op in &content.operations {
            let n = |i: usize| op.operands[i].as_float().unwrap();
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    let figure = op.operands[0].as_name().is_ok_and(|tag| tag == b"Figure");
                    figures += usize::from(figure);
                    open.push(figure);
                }
                "EMC" => {
                    open.pop();
                }
                "q" => saved.push((fill, stroke)),
                "Q" => (fill, stroke) = saved.pop().unwrap(),
                "rg" => fill = [n(0), n(1), n(2)],
                "RG" => stroke = [n(0), n(1), n(2)],
                "g" => fill = [n(0); 3],
                "G" => stroke = [n(0); 3],
                "k" | "K" | "sc" | "scn" | "SC" | "SCN" | "cs" | "CS" => {
                    panic!("a colour operator the test does not read: {op:?}")
                }
                "f" | "f*" | "F" | "Tj" | "TJ" if open.contains(&true) => out.push(fill),
                "S" | "s" if open.contains(&true) => out.push(stroke),
                "B" | "B*" | "b" | "b*" if open.contains(&true) => out.extend([fill, stroke]),
                _ => {}
            }
        }
    }
    (figures, out)
}

fn is_grey(c: &[f32; 3]) -> bool {
    c[0] == c[1] && c[1] == c[2]
}

#[test]
fn marking_is_printed_paper_sets_the_page_size_and_gray_charts_have_no_colour() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.pdf");
    briefing().arg("build").arg("-o").arg(&plain).assert().success();
    common::keep_pdf(&plain);
    let plain = lopdf::Document::load(&plain).unwrap();
    let marked = dir.path().join("marked.pdf");
    briefing().arg("build").arg("-o").arg(&marked).args(["--marking", "OFFICIAL-SENSITIVE"]).assert().success();
    assert!(pdf_text(&marked).contains("OFFICIAL-SENSITIVE"));
    assert!(!common::text(&plain).contains("OFFICIAL-SENSITIVE"));

    // Paper: A4 by default (595 x 842 pt), Letter when asked (612 x 792 pt), on every page.
    let sizes = page_sizes(&plain);
    assert!(sizes.len() > 1 && sizes.iter().all(|s| *s == (595, 842)), "not A4: {sizes:?}");
    let letter = dir.path().join("letter.pdf");
    briefing().arg("build").arg("-o").arg(&letter).args(["--paper", "letter"]).assert().success();
    common::keep_pdf(&letter);
    let sizes = page_sizes(&lopdf::Document::load(&letter).unwrap());
    assert!(sizes.len() > 1 && sizes.iter().all(|s| *s == (612, 792)), "not Letter: {sizes:?}");

    // Gray: the charts are painted in greys only, where they had colour.
    let (figures, colours) = chart_colours(&plain);
    assert!(figures >= 4 && colours.iter().any(|c| !is_grey(c)), "{figures} charts, colours {colours:?}");
    let gray = dir.path().join("gray.pdf");
    briefing().arg("build").arg("-o").arg(&gray).arg("--gray").assert().success();
    common::keep_pdf(&gray);
    let (figures, colours) = chart_colours(&lopdf::Document::load(&gray).unwrap());
    assert!(figures >= 4 && colours.len() > 100, "{figures} charts, {} painting operations", colours.len());
    let coloured: Vec<&[f32; 3]> = colours.iter().filter(|c| !is_grey(c)).collect();
    assert!(coloured.is_empty(), "colours in --gray charts: {coloured:?}");

    // A marking the fonts cannot show is a usage error, before anything is written.
    briefing().arg("build").arg("-o").arg(dir.path().join("x.pdf")).args(["--marking", "機密"]).assert().code(2);
    assert!(!dir.path().join("x.pdf").exists());
}

#[test]
fn max_size_warns_and_exits_1_but_keeps_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("b.pdf");
    let out = briefing().arg("build").arg("-o").arg(&pdf).args(["--max-size", "10KB"]).assert().code(1);
    let stderr = stderr(out.get_output());
    assert!(stderr.contains("over the --max-size budget of 10000 bytes"), "{stderr}");
    assert!(pdf.exists());
    briefing().arg("build").arg("-o").arg(&pdf).args(["--max-size", "2MB"]).assert().success();
    briefing().arg("build").arg("-o").arg(&pdf).args(["--max-size", "lots"]).assert().code(2);
}

#[test]
fn watch_rebuilds_when_the_manifest_changes() {
    let dir = tempfile::tempdir().unwrap();
    briefing().arg("init").arg(dir.path()).assert().success();
    let manifest = dir.path().join("briefing.json");
    let pdf = dir.path().join("watched.pdf");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .arg(&manifest)
        .arg("-o")
        .arg(&pdf)
        .arg("--watch")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |what: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !what() {
            assert!(start.elapsed() < Duration::from_secs(30), "timed out");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for(&|| pdf.exists());
    let first = std::fs::read(&pdf).unwrap();
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("London policing research briefing", "Watched briefing", 1)).unwrap();
    wait_for(&|| std::fs::read(&pdf).is_ok_and(|b| b != first));
    // A broken edit is reported and watching goes on; the good PDF stays.
    let good = std::fs::read(&pdf).unwrap();
    std::fs::write(&manifest, "{ not json").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(child.try_wait().unwrap().is_none(), "the watcher exited on a bad edit");
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
    child.kill().unwrap();
    let _ = child.wait();
    assert!(pdf_text(&pdf).contains("Watched briefing"));
}
