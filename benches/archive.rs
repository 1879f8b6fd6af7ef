//! Reading a police.uk street-level archive at scale (`cargo bench --bench
//! archive`): 36 monthly files of the Met's size (about 110,000 rows and
//! 25 MB each, 0.92 GB in all) and one ten times smaller, written by the
//! generator the tests use, then counting "Violence and sexual offences"
//! by financial year with the release binary, `check` and `build`.
//!
//! Whole-process numbers, as a user sees them: wall time (median of five
//! runs) and peak resident memory, from `/usr/bin/time`. The archives are
//! written once under `target/archive-bench/` and kept between runs.
//! Results: `benches/RESULTS.md`.

#[path = "../tests/common/archive.rs"]
mod archive;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A manifest counting one crime type by financial year, with a chart.
const MANIFEST: &str = r#"{
  "format": 1,
  "title": "Violence and sexual offences reported in the Met's street-level data",
  "date": "2024-06-01",
  "sources": {"police-uk": {"publisher": "Home Office", "title": "police.uk street-level crime (synthetic archive)"}},
  "data": {
    "violence": {"file": "police-uk/*/*-metropolitan-street.csv", "x": "Month",
                 "where": {"Crime type": "Violence and sexual offences"}, "aggregate": "count",
                 "period": "financial-year", "label": "Violence and sexual offences", "unit": "crimes",
                 "source": "police-uk"}
  },
  "summary": ["{violence.latest:.0} crimes in {violence.latest_x} [@police-uk]."],
  "sections": [{"heading": "Violence", "blocks": [
    {"chart": {"kind": "column", "series": ["violence"], "title": "Violence by financial year",
               "subtitle": "Met, financial years", "alt": "Column chart of crimes by year."}}
  ]}]
}"#;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("cargo").args(["build", "--release", "--quiet"]).current_dir(root).status().unwrap();
    assert!(status.success(), "cargo build --release failed");
    let bin = root.join("target/release/briefing");
    println!("| archive | files | rows | bytes | command | median wall s | peak RSS MB |");
    println!("|---|---:|---:|---:|---|---:|---:|");
    for (label, rows) in [("a tenth of the Met's size", 11_000), ("the Met's size", 110_000)] {
        let dir = root.join(format!("target/archive-bench/{rows}"));
        let (files, total_rows, bytes) = ensure(&dir, rows);
        std::fs::write(dir.join("briefing.json"), MANIFEST).unwrap();
        for command in ["check", "build"] {
            let (wall, rss) = measure(&bin, &dir, command);
            println!(
                "| {label} | {files} | {total_rows} | {bytes} | `{command}` | {wall:.3} | {:.0} |",
                rss as f64 / 1024.0
            );
        }
    }
}

/// Writes the archive of `rows` rows a month unless it is there; returns
/// its files, rows and bytes.
fn ensure(dir: &Path, rows: usize) -> (usize, u64, u64) {
    let archive = dir.join("police-uk");
    if !archive.join("2023-03").exists() {
        let started = Instant::now();
        archive::Archive {
            force: "metropolitan",
            force_name: "Metropolitan Police Service",
            start: (2020, 4),
            months: 36,
            rows,
            missing: &[],
        }
        .write(&archive);
        eprintln!("wrote {} in {:.1} s", archive.display(), started.elapsed().as_secs_f64());
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for month in std::fs::read_dir(&archive).unwrap().flatten() {
        files.extend(std::fs::read_dir(month.path()).unwrap().flatten().map(|f| f.path()));
    }
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
    let rows: u64 =
        files.iter().map(|f| std::fs::read(f).unwrap().iter().filter(|&&b| b == b'\n').count() as u64 - 1).sum();
    (files.len(), rows, bytes)
}

/// Median wall time of five runs, and the largest peak RSS (KB).
fn measure(bin: &Path, dir: &Path, command: &str) -> (f64, u64) {
    let mut walls = Vec::new();
    let mut rss = 0;
    for _ in 0..5 {
        let mut cmd = Command::new("/usr/bin/time");
        cmd.args(["-f", "%e %M"]).arg(bin).arg(command).arg("briefing.json").current_dir(dir);
        if command == "build" {
            cmd.args(["-o", "out.pdf"]);
        }
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        let mut parts = last.split_whitespace();
        walls.push(parts.next().and_then(|w| w.parse::<f64>().ok()).unwrap_or(f64::NAN));
        rss = rss.max(parts.next().and_then(|r| r.parse().ok()).unwrap_or(0));
    }
    walls.sort_by(f64::total_cmp);
    (walls[walls.len() / 2], rss)
}
