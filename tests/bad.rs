//! Bad input never panics, always ends in a located message, and never
//! costs the user a file.
//!
//! `tests/bad/<case>/` holds one broken manifest per folder, run through
//! `briefing check --diagnostic-format short --data-root tests/bad`; its
//! `expected.txt` gives the exit code on the first line (`exit: N`), then
//! lines that must appear in the report (file:line:column, JSON path or CSV
//! row and column, message and hint). Good data files are shared, in
//! `tests/bad/data/`, and named `../data/officers.csv` by the manifests; a
//! case whose CSV file is itself the problem keeps its own copy. A CSV
//! position in `expected.txt` names the file's folder too
//! (`non-numeric/officers.csv:3:2`, `data/officers.csv:1:1`), so that it
//! cannot match the wrong copy. Spreadsheet cases share two published Home
//! Office workbooks in `tests/bad/data/` (see its README) and are located
//! by sheet and cell (`data/police-workforce-sep18-tables.ods:
//! Table_1!A28`). Inputs too big to commit (a 50,000-word
//! paragraph, 10,000 points) and output paths that cannot be written are
//! made at run time by the tests below the corpus.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{briefing, stderr};

/// The examples build without a warning: each is dated on or after the
/// publication of every source it cites (the built-in 2018 briefing's data
/// come from the Home Office's July 2022 open data tables and the ONS's
/// June 2021 estimates, so it is dated 27 July 2022).
#[test]
fn builtin_briefing_checks_clean() {
    let out = briefing().arg("check").assert().success();
    let stderr = stderr(out.get_output());
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn example_briefings_check_clean() {
    for manifest in [
        "data/london-2018/briefing.json",
        "data/london-latest/briefing.json",
        "data/west-midlands/briefing.json",
        "data/london-crime/briefing.json",
        "data/england-wales/briefing.json",
    ] {
        let out = briefing().args(["check", manifest, "--data-root", "data"]).assert().success();
        let stderr = stderr(out.get_output());
        assert!(stderr.contains("0 errors, 0 warnings"), "{manifest}: {stderr}");
    }
}

#[test]
fn a_source_dated_after_the_briefing_and_two_lines_with_one_label_warn() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.csv"), "year,n\n2016,1\n2017,2\n").unwrap();
    let manifest = r#"{"format": 1, "title": "T", "date": "2019-06-27",
      "sources": {"later": {"publisher": "P", "title": "Published in 2022", "date": "2022"},
                  "same": {"publisher": "P", "title": "Published that month", "date": "2019-06"}},
      "data": {"a": {"file": "n.csv", "x": "year", "y": "n", "label": "Officers", "source": "later"},
               "b": {"file": "n.csv", "x": "year", "y": "n", "label": "Officers", "source": "same"}},
      "sections": [{"heading": "H", "blocks": [{"chart": {"kind": "line", "series": ["a", "b"], "title": "T", "alt": "A."}}]}]}"#;
    std::fs::write(dir.path().join("b.json"), manifest).unwrap();
    let out = briefing().arg("check").arg(dir.path().join("b.json")).assert().success();
    let stderr = stderr(out.get_output());
    assert!(stderr.contains("source dated 2022, after the briefing's date 2019-06-27"), "{stderr}");
    assert!(stderr.contains("$.sources.later.date"), "{stderr}");
    assert!(!stderr.contains("source dated 2019-06"), "{stderr}");
    assert!(stderr.contains("`b` has the same label as `a` in this chart"), "{stderr}");
    assert!(stderr.contains("0 errors, 2 warnings"), "{stderr}");
}

/// The corpus, and its folder of shared data files.
const CORPUS: &str = "tests/bad";
const SHARED: &str = "tests/bad/data";

/// Checks a corpus manifest as the corpus runs them, with the shared data within reach.
fn check_case(manifest: &str) -> assert_cmd::Command {
    let mut cmd = briefing();
    cmd.arg("check").arg(manifest).args(["--data-root", CORPUS]);
    cmd
}

#[test]
fn broken_inputs_give_located_diagnostics() {
    let mut cases: Vec<_> =
        std::fs::read_dir(CORPUS).unwrap().map(|e| e.unwrap().path()).filter(|p| p != Path::new(SHARED)).collect();
    cases.sort();
    assert!(cases.len() >= 40, "corpus has only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let mut lines = expected.lines();
        let code: i32 = lines.next().and_then(|l| l.strip_prefix("exit: ")).unwrap().parse().unwrap();
        let output = check_case(&case.join("briefing.json").to_string_lossy())
            .args(["--diagnostic-format", "short"])
            .output()
            .unwrap();
        let stderr = stderr(&output);
        if output.status.code() != Some(code) {
            failures.push(format!("{}: exit {:?}, expected {code}\n{stderr}", case.display(), output.status.code()));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{}: panicked\n{stderr}", case.display()));
        }
        for line in lines.filter(|l| !l.is_empty()) {
            // `officers.csv:3:2` would match the shared file and the case's own alike.
            let file = line.split(':').next().unwrap_or_default();
            if (file.ends_with(".csv") || file.ends_with(".csv.gz")) && !file.contains('/') {
                failures.push(format!("{}: say whose `{file}` in `{line}` (`<case>/` or `data/`)", case.display()));
            }
            if !stderr.contains(line) {
                failures.push(format!("{}: missing `{line}` in:\n{stderr}", case.display()));
            }
        }
        // Every error names a file and a position in it (line and column,
        // or a spreadsheet's sheet and cell), or a JSON path.
        for line in stderr.lines().filter(|l| l.contains(": error: ")) {
            let located = line.split(": error: ").next().is_some_and(|head| {
                head.matches(':').count() >= 2 || head.rsplit(": ").next().is_some_and(|cell| cell.contains('!'))
            }) || line.contains(": error: $");
            if !located {
                failures.push(format!("{}: unlocated error `{line}`", case.display()));
            }
        }
        // `check` never writes a PDF.
        assert!(!case.join("briefing.pdf").exists());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_default_format_shows_the_offending_line() {
    let output = check_case("tests/bad/unknown-series/briefing.json").output().unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("error: unknown series `oficers`"), "{stderr}");
    // At the misspelt value inside the string, underlined alone.
    assert!(stderr.contains("tests/bad/unknown-series/briefing.json:50:20"), "{stderr}");
    assert!(stderr.contains("50 │           \"text\": \"{oficers.latest} [@ho]\""), "{stderr}");
    assert!(stderr.contains(&format!("│{}{} $.sections", " ".repeat(20), "^".repeat(16))), "{stderr}");
    assert!(stderr.contains("$.sections[0].blocks[0].text"), "{stderr}");
    assert!(stderr.contains("= hint: did you mean `officers`?"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "colour on a pipe: {stderr}");
    // CSV problems show the row.
    let output = check_case("tests/bad/non-numeric/briefing.json").output().unwrap();
    let csv = common::stderr(&output);
    assert!(csv.contains("3 │ 2017-03-31,\"31,517\""), "{csv}");
}

/// Regression: rows of CRLF files (as Excel and Python's csv module write
/// them) were reported one line too low, with the row above underlined.
#[test]
fn crlf_csv_files_report_and_underline_the_right_row() {
    let output = check_case("tests/bad/csv-crlf/briefing.json").output().unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("tests/bad/csv-crlf/officers.csv:4:12"), "{stderr}");
    assert!(stderr.contains("4 │ 2018-03-31,about 30k\n  │            ^^^^^^^^^\n"), "{stderr}");
}

/// Regression: a paragraph is one long JSON line (here about 450
/// characters); a bare `"` inside it gave a one-line error with no snippet
/// and a hint about commas.
#[test]
fn a_bare_quote_in_a_long_paragraph_is_shown_with_a_hint() {
    let dir = generated(|_| {}, None);
    let manifest = dir.path().join("briefing.json");
    let paragraph = format!(
        "{}The Mayor said \"we need more\" and the Commissioner agreed. {}[@ho]",
        "The Met had 30,390 officers in March 2018, the fewest since 2003. ".repeat(3),
        "Numbers fell by 3.7 per cent in a year. ".repeat(4),
    );
    let text = std::fs::read_to_string(&manifest).unwrap().replace("{officers.latest} officers [@ho].", &paragraph);
    let line = text.lines().find(|l| l.contains("The Mayor said")).unwrap();
    assert!(line.chars().count() > 400, "{line}");
    std::fs::write(&manifest, &text).unwrap();
    let output = briefing().arg("check").arg(&manifest).output().unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not valid JSON: this quotation mark ends the text"), "{stderr}");
    assert!(
        stderr.contains("2003. The Mayor said \"we need more\" and the Commissioner agreed. Numbers fell by"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("briefing.json:{}:", text.lines().position(|l| l == line).unwrap() + 1)),
        "{stderr}"
    );
    assert!(
        stderr.contains("= hint: write `\\\"` for a quotation mark inside text, or use typographic quotes “ ”"),
        "{stderr}"
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Regression: a `.csv.gz` data file was reported as "not UTF-8, perhaps
/// Windows-1252"; it is read decompressed, giving the very same PDF.
#[test]
fn a_gzip_csv_builds_the_same_pdf_as_the_plain_csv() {
    let dir = generated(|_| {}, None);
    let plain = dir.path().join("plain.pdf");
    let build = |out: &Path| {
        briefing().arg("build").arg(dir.path().join("briefing.json")).arg("-o").arg(out).assert().success()
    };
    build(&plain);
    let csv = std::fs::read(dir.path().join("officers.csv")).unwrap();
    std::fs::write(dir.path().join("officers.csv.gz"), gzip(&csv)).unwrap();
    std::fs::remove_file(dir.path().join("officers.csv")).unwrap();
    let manifest = std::fs::read_to_string(dir.path().join("briefing.json")).unwrap();
    std::fs::write(dir.path().join("briefing.json"), manifest.replace("\"officers.csv\"", "\"officers.csv.gz\""))
        .unwrap();
    let compressed = dir.path().join("compressed.pdf");
    build(&compressed);
    assert!(std::fs::read(&plain).unwrap() == std::fs::read(&compressed).unwrap(), "the PDFs differ");
    common::keep_pdf(&compressed);
    // A bad cell in a compressed file is shown and underlined in the decompressed text.
    let bad = String::from_utf8(csv).unwrap().replace("31517", "31517x");
    std::fs::write(dir.path().join("officers.csv.gz"), gzip(bad.as_bytes())).unwrap();
    let output = briefing().arg("check").arg(dir.path().join("briefing.json")).output().unwrap();
    let stderr = stderr(&output);
    assert!(stderr.contains("officers.csv.gz:3:12"), "{stderr}");
    assert!(stderr.contains("3 │ 2017-03-31,31517x\n  │            ^^^^^^\n"), "{stderr}");
}

/// A folder with the corpus's good manifest and its shared data beside it,
/// `edit` applied to the manifest, and `officers.csv` replaced when given.
fn generated(edit: impl FnOnce(&mut serde_json::Value), officers: Option<String>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["officers.csv", "population.csv"] {
        std::fs::copy(Path::new(SHARED).join(name), dir.path().join(name)).unwrap();
    }
    let manifest = Path::new(CORPUS).join("unknown-series").join("briefing.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    m["data"]["officers"]["file"] = "officers.csv".into();
    m["data"]["population"]["file"] = "population.csv".into();
    m["sections"][0]["blocks"][0]["text"] = "{officers.latest} officers [@ho].".into();
    edit(&mut m);
    std::fs::write(dir.path().join("briefing.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
    if let Some(csv) = officers {
        std::fs::write(dir.path().join("officers.csv"), csv).unwrap();
    }
    dir
}

/// Builds `dir/briefing.json` to `dir/out.pdf`: it must succeed well within
/// `limit` and give a PDF with at least `pages` pages. Returns stderr.
fn builds_in_time(dir: &Path, limit: Duration, pages: usize) -> String {
    let out = dir.join("out.pdf");
    let start = Instant::now();
    let output = briefing()
        .args(["build", "--diagnostic-format", "short"])
        .arg(dir.join("briefing.json"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let stderr = stderr(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(elapsed < limit, "took {elapsed:?}");
    let doc = lopdf::Document::load(&out).unwrap();
    assert!(doc.get_pages().len() >= pages, "only {} pages", doc.get_pages().len());
    common::keep_pdf(&out);
    stderr
}

fn push_block(m: &mut serde_json::Value, block: serde_json::Value) {
    m["sections"][0]["blocks"].as_array_mut().unwrap().push(block);
}

#[test]
fn a_paragraph_of_50000_words_builds_with_a_warning() {
    let words = ["police", "officers", "in", "London", "accountability", "the", "funding", "of"];
    let text: Vec<&str> = (0..50_000).map(|i| words[(i * 7 + i / 3) % words.len()]).collect();
    let dir = generated(|m| push_block(m, serde_json::json!({"text": text.join(" ")})), None);
    // Line breaking is linear: this takes about a second; quadratic would take minutes.
    let stderr = builds_in_time(dir.path(), Duration::from_secs(60), 50);
    assert!(stderr.contains("$.sections[0].blocks[1].text: this paragraph has 50000 words"), "{stderr}");
}

#[test]
fn absurdly_long_words_are_broken_and_warned_about() {
    let word = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(60);
    let dir = generated(
        |m| {
            m["title"] = word.clone().into();
            push_block(m, serde_json::json!({"text": format!("{word} {word} [@ho]")}));
            push_block(m, serde_json::json!({"quote": {"text": word, "speaker": word, "role": word, "source": "ho"}}));
        },
        None,
    );
    let stderr = builds_in_time(dir.path(), Duration::from_secs(60), 2);
    assert!(stderr.contains("$.title: the word \"Pneumonoultramicrosc...\" is 2700 characters long"), "{stderr}");
}

#[test]
fn five_hundred_quotes_build() {
    let quote = serde_json::json!({"quote": {"text": "We need more officers on London's streets.",
        "speaker": "A Member", "role": "London Assembly Member", "source": "ho"}});
    let dir = generated(
        |m| {
            for _ in 0..500 {
                push_block(m, quote.clone());
            }
        },
        None,
    );
    builds_in_time(dir.path(), Duration::from_secs(60), 20);
}

#[test]
fn a_chart_of_10000_points_builds_with_a_warning() {
    let mut csv = String::from("date,officers_fte\n");
    for i in 0..10_000 {
        // One point a day from 1 January 1990, with some movement.
        let (y, d) = (1990 + i / 336, i % 336);
        csv.push_str(&format!("{y}-{:02}-{:02},{}\n", d / 28 + 1, d % 28 + 1, 30_000 + (i * 37) % 900));
    }
    let dir = generated(
        |m| {
            let chart = serde_json::json!({"chart": {"kind": "line", "series": ["officers"],
                "title": "Officers", "alt": "A line of 10,000 points."}});
            push_block(m, chart);
            m["data"].as_object_mut().unwrap().remove("per_1000");
        },
        Some(csv),
    );
    let stderr = builds_in_time(dir.path(), Duration::from_secs(60), 10);
    assert!(stderr.contains("chart.series[0]: `officers` has 10000 points"), "{stderr}");
}

/// Builds the built-in briefing to `out`; returns the exit code and stderr.
fn build_to(out: &Path) -> (Option<i32>, String) {
    let output = briefing().arg("build").arg("-o").arg(out).output().unwrap();
    (output.status.code(), stderr(&output))
}

#[test]
fn an_output_folder_that_does_not_exist_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = build_to(&dir.path().join("missing").join("b.pdf"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("missing does not exist; create it first"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_output_folder_that_is_a_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes"), "keep me").unwrap();
    let (code, stderr) = build_to(&dir.path().join("notes").join("b.pdf"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("notes")).unwrap(), "keep me");
}

/// Makes a folder read-only for as long as it lives. As root, permission
/// bits do not stop writes, so the folder is made immutable instead.
struct ReadOnly(PathBuf, bool);

impl ReadOnly {
    fn new(dir: &Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = dir.join(".probe");
        if std::fs::write(&probe, "").is_err() {
            return Some(ReadOnly(dir.to_path_buf(), false));
        }
        std::fs::remove_file(&probe).unwrap();
        let immutable = std::process::Command::new("chattr").arg("+i").arg(dir).status();
        immutable.is_ok_and(|s| s.success()).then(|| ReadOnly(dir.to_path_buf(), true))
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
        }
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_read_only_folder_is_an_io_error_and_keeps_the_old_pdf() {
    // In target/ rather than /tmp: chattr needs a real file system, and /tmp may be tmpfs.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let out = dir.path().join("b.pdf");
    std::fs::write(&out, b"previous good PDF").unwrap();
    let Some(_guard) = ReadOnly::new(dir.path()) else {
        panic!("cannot make a read-only folder here (chattr is needed when running as root)");
    };
    let (code, stderr) = build_to(&out);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains(&format!("cannot write {}", out.display())), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), b"previous good PDF");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary file was left behind");
}

#[test]
fn the_output_cannot_be_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("briefing.json");
    std::fs::write(&manifest, briefing::BUILTIN_MANIFEST).unwrap();
    for out in [manifest.clone(), dir.path().join(".").join("briefing.json")] {
        let output = briefing().arg("build").arg(&manifest).arg("-o").arg(&out).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("is the input manifest"), "{}", stderr(&output));
    }
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), briefing::BUILTIN_MANIFEST);
}

#[test]
fn an_output_open_in_a_reader_is_replaced_and_the_reader_keeps_its_copy() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    std::fs::write(&out, b"the PDF the reader has open").unwrap();
    let mut open = std::fs::File::open(&out).unwrap();
    let (code, stderr) = build_to(&out);
    assert_eq!(code, Some(0), "{stderr}");
    // The reader's file is untouched (the new PDF is a new file renamed over it).
    let mut held = String::new();
    open.read_to_string(&mut held).unwrap();
    assert_eq!(held, "the PDF the reader has open");
    assert!(lopdf::Document::load(&out).is_ok());
    common::keep_pdf(&out);
}

/// Runs `briefing build -o out` in `dir` under a file-size limit of 4 KB
/// (far below a PDF), so the write fails for real half-way through.
/// `ignore_signal` makes the kernel return EFBIG instead of killing us.
#[cfg(unix)]
fn build_with_file_size_limit(dir: &Path, ignore_signal: bool) -> std::process::Output {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    let script = format!("{trap}ulimit -f 8; exec \"$0\" build -o b.pdf");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_briefing"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_write_failing_half_way_keeps_the_previous_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    std::fs::write(&out, b"previous good PDF").unwrap();
    // The write fails with "File too large": reported, cleaned up, old PDF kept.
    let output = build_with_file_size_limit(dir.path(), true);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot write b.pdf: File too large"), "{}", stderr(&output));
    assert!(!stderr(&output).contains(".briefing-"), "the temporary name leaked: {}", stderr(&output));
    assert_eq!(std::fs::read(&out).unwrap(), b"previous good PDF");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary file was left behind");
    // Killed outright half-way through the write: the old PDF is still whole.
    let output = build_with_file_size_limit(dir.path(), false);
    assert!(!output.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), b"previous good PDF");
}

/// Regression: a column with 20,000 bad cells gave 20,000 errors of the
/// same kind (and their report once took seconds: the snippets are
/// `diag::tests::twenty_thousand_snippets_of_one_file_render_quickly`); it
/// is one error naming the first cell, a few rows and the count.
#[test]
fn twenty_thousand_bad_cells_are_reported_as_one_error() {
    let mut csv = String::from("date,officers_fte\n");
    for i in 0..20_000 {
        csv.push_str(&format!("{},x{i}\n", 1000 + i));
    }
    let dir = generated(|_| {}, Some(csv));
    let output = briefing().arg("check").arg(dir.path().join("briefing.json")).output().unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
    let message = "`x0` in column `officers_fte` is not a number, and 19999 more cells have the same problem: \
                   rows 2, 3, 4, 5, 6 … (20000 rows)";
    assert!(stderr.contains(message), "{stderr}");
    assert!(stderr.contains("2 │ 1000,x0"), "{stderr}");
}

#[test]
fn a_slip_repeated_in_one_paragraph_is_reported_once() {
    let dir = generated(|m| push_block(m, serde_json::json!({"text": "Claim [@nope]. ".repeat(40)})), None);
    let output = briefing()
        .args(["check", "--diagnostic-format", "short"])
        .arg(dir.path().join("briefing.json"))
        .output()
        .unwrap();
    let stderr = stderr(&output);
    assert_eq!(stderr.matches("unknown source `nope`").count(), 1, "{stderr}");
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
}
