//! `briefing check` on the built-in briefings and on a corpus of broken
//! manifests and CSV files under `tests/bad/`, one case per folder. Each
//! folder's `expected.txt` gives the exit code and lines that must appear in
//! the report (file:line:column, JSON path or CSV row, message and hint).

use std::path::Path;

use assert_cmd::Command;

fn briefing() -> Command {
    Command::cargo_bin("briefing").unwrap()
}

#[test]
fn builtin_briefing_checks_clean() {
    let out = briefing().arg("check").assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn example_briefings_check_clean() {
    for manifest in ["data/london-2018/briefing.json", "data/london-latest/briefing.json"] {
        let out = briefing().args(["check", manifest, "--data-root", "data"]).assert().success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("0 errors, 0 warnings"), "{manifest}: {stderr}");
    }
}

#[test]
fn broken_inputs_give_located_diagnostics() {
    let corpus = Path::new("tests/bad");
    let mut cases: Vec<_> = std::fs::read_dir(corpus).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 15, "corpus has only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let mut lines = expected.lines();
        let code: i32 = lines.next().and_then(|l| l.strip_prefix("exit: ")).unwrap().parse().unwrap();
        let output = briefing()
            .args(["check", "--diagnostic-format", "short"])
            .arg(case.join("briefing.json"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(code) {
            failures.push(format!("{}: exit {:?}, expected {code}\n{stderr}", case.display(), output.status.code()));
        }
        for line in lines.filter(|l| !l.is_empty()) {
            if !stderr.contains(line) {
                failures.push(format!("{}: missing `{line}` in:\n{stderr}", case.display()));
            }
        }
        // `check` never writes a PDF.
        assert!(!case.join("briefing.pdf").exists());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
