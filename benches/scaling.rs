//! How each reader's cost grows with its input (`cargo bench --bench
//! scaling`): for each, the release binary checks (or builds) inputs of
//! doubling size, made here as `tests/limits.rs` makes them, and the wall
//! time and peak memory of each run are printed as a Markdown table
//! (`/usr/bin/time`). Linear cost shows as a flat time per unit down each
//! reader's rows. `BRIEFING_BIN=path` measures another build of the binary
//! instead (an older commit, for comparison); arguments choose the readers
//! whose names contain them (`cargo bench --bench scaling -- XLSX`).
//! Results: `benches/RESULTS.md`.

#[path = "../tests/common/inputs.rs"]
#[allow(dead_code)]
mod inputs;

use std::path::Path;
use std::process::Command;

use inputs::{manifest, markdown, nested_list, officers_csv, text_labels, xlsx};

/// Runs `briefing command briefing.json` in `dir` under `/usr/bin/time`:
/// wall seconds and peak RSS in MB. A run must end in exit 0 or 1.
fn measure(dir: &Path, command: &str) -> (f64, f64) {
    let bin = std::env::var_os("BRIEFING_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_briefing").into());
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%e %M"]).arg(bin).args([command, "briefing.json"]).current_dir(dir);
    if command == "build" {
        cmd.args(["-o", "out.pdf"]);
    }
    let output = cmd.output().expect("/usr/bin/time is needed: apt-get install time");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    let mut fields = last.split(' ').map(|f| f.parse::<f64>().unwrap_or(f64::NAN));
    (fields.next().unwrap_or(f64::NAN), fields.next().unwrap_or(f64::NAN) / 1024.0)
}

/// Prints one reader's rows: `make` writes the input of size `n` into a folder.
fn reader(name: &str, unit: &str, command: &str, sizes: &[usize], make: impl Fn(&Path, usize) -> usize) {
    let chosen: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if !chosen.is_empty() && !chosen.iter().any(|c| name.contains(c.as_str())) {
        return;
    }
    for &n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let units = make(dir.path(), n);
        // The median of three runs: the machine is shared.
        let mut runs: Vec<(f64, f64)> = (0..3).map(|_| measure(dir.path(), command)).collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (seconds, rss) = runs[1];
        let per = seconds * 1e6 / units as f64;
        println!("| {name} | {units} {unit} | `{command}` | {seconds:.2} s | {rss:.0} MB | {per:.2} µs |");
    }
}

fn main() {
    println!("| reader | input | command | wall time | peak RSS | time per unit |");
    println!("|---|---:|---|---:|---:|---:|");
    reader("CSV, text labels as x", "rows", "check", &[100_000, 200_000, 400_000, 800_000], |dir, rows| {
        let mut csv = String::from("area,n\n");
        for r in 0..rows {
            csv.push_str(&format!("Area {r},{r}\n"));
        }
        std::fs::write(dir.join("o.csv"), csv).unwrap();
        manifest(dir, serde_json::json!({"file": "o.csv", "x": "area", "y": "n"}), |_| {});
        rows
    });
    reader("XLSX, text labels as x", "rows", "check", &[50_000, 100_000, 200_000, 400_000], |dir, rows| {
        xlsx(&dir.join("t.xlsx"), |w| text_labels(w, rows));
        manifest(dir, inputs::sheet_series(), |_| {});
        rows
    });
    reader("Markdown paragraphs", "bytes", "build", &[256 << 10, 512 << 10, 1 << 20, 2 << 20], |dir, bytes| {
        let mut text = String::from("# Officers\n\n");
        while text.len() < bytes {
            text.push_str("Officer numbers fell by {o.latest} in the year to March, the fewest since 2003 [@s].\n\n");
        }
        markdown(dir, text.as_bytes());
        text.len()
    });
    reader("Markdown nested list", "bytes", "check", &[250, 500, 1_000, 1_400], |dir, levels| {
        let text = nested_list(levels);
        markdown(dir, text.as_bytes());
        text.len()
    });
    reader("manifest text field", "bytes", "build", &[128 << 10, 256 << 10, 512 << 10, 1_000_000], |dir, bytes| {
        let data = officers_csv(dir);
        let text = "Officer numbers fell. ".repeat(bytes / 22);
        let len = text.len();
        manifest(dir, data, |m| m["sections"][0]["blocks"][0]["text"] = text.into());
        len
    });
    reader("table lined up by x", "points", "build", &[2_000, 4_000, 8_000, 16_000], |dir, points| {
        let mut csv = String::from("area,n\n");
        for r in 0..points {
            csv.push_str(&format!("Area {r},{r}\n"));
        }
        std::fs::write(dir.join("o.csv"), csv).unwrap();
        manifest(dir, serde_json::json!({"file": "o.csv", "x": "area", "y": "n"}), |m| {
            m["sections"][0]["blocks"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"table": {"series": ["o"], "caption": "Every area"}}));
        });
        points
    });
}
