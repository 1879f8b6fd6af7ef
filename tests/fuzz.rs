//! A mutation fuzzer over the London example (`data/london-2018`): its
//! manifest, Markdown text and CSV files are damaged by a small
//! deterministic mutator (byte edits, and edits that keep the structure of
//! JSON, Markdown and CSV so that later stages are reached), and each case
//! is run through the binary under an address-space and a CPU-time limit.
//! Every case must end in exit 0 or 1, never a panic, an abort or a hang;
//! a failed build must leave no PDF, and a good one a whole PDF.
//!
//! `cargo test` runs a few hundred cases; `benches/fuzz.sh` runs thousands
//! (the ignored test below, in a release build). A failure names the case's
//! seed and mutations; `BRIEFING_FUZZ_KEEP=dir` keeps the failing inputs.

mod common;

use std::path::Path;

use common::run_bounded;

/// The example whose files are mutated.
const EXAMPLE: &str = "data/london-2018";

/// Address space per case: ten times what the example's build needs.
const MEMORY: u64 = 2 << 30;

/// CPU seconds per case: the example builds in well under a second.
const SECONDS: u64 = 20;

/// A small, fast generator (xorshift64*): the same seed gives the same
/// cases on every machine, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (which must not be 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text that has broken readers before: markup, numbers at the edges,
/// dates that do not exist, characters no font has, control characters.
const NASTY: &[&str] = &[
    "",
    " ",
    "{",
    "}",
    "{o.latest}",
    "{officers.latest:.99}",
    "[@",
    "[@nope]",
    "\\",
    "\"",
    "**",
    "*",
    "# ",
    "\u{0}",
    "\u{7}",
    "\u{feff}",
    "\u{202e}",
    "\u{1F600}",
    "€",
    "−1",
    "NaN",
    "inf",
    "-0",
    "1e309",
    "1e-320",
    "18446744073709551616",
    "2018-02-30",
    "2018/19",
    "0000-00-00",
    "9999-12-31",
    "..",
    "[x]",
    "31,517",
    "a,b",
    "\n",
    "\r\n",
];

/// One mutation of a file's bytes, described for the failure message.
fn mutate(rng: &mut Rng, name: &str, bytes: &mut Vec<u8>) -> String {
    let structural = rng.below(3) > 0;
    match (structural, name.rsplit('.').next()) {
        (true, Some("json")) => json(rng, bytes),
        (true, Some("md")) => {
            lines(rng, bytes, &["# ", "## ", "#### ", "- ", "  - ", "> ", "    ", "1. ", "<b>", "![](figure:x)", "— "])
        }
        (true, Some("csv")) => csv(rng, bytes),
        _ => raw(rng, bytes),
    }
}

/// Byte edits: a flipped bit, a nasty string, a cut, a copied range, a truncation.
fn raw(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    if bytes.is_empty() {
        bytes.extend_from_slice(rng.pick(NASTY).as_bytes());
        return "filled an empty file".into();
    }
    let at = rng.below(bytes.len());
    match rng.below(5) {
        0 => {
            let bit = rng.below(8);
            bytes[at] ^= 1 << bit;
            format!("flipped bit {bit} of byte {at}")
        }
        1 => {
            let nasty = rng.pick(NASTY);
            bytes.splice(at..at, nasty.bytes());
            format!("inserted {nasty:?} at byte {at}")
        }
        2 => {
            let end = (at + 1 + rng.below(64)).min(bytes.len());
            bytes.drain(at..end);
            format!("cut bytes {at}..{end}")
        }
        3 => {
            let end = (at + 1 + rng.below(256)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let to = rng.below(bytes.len());
            bytes.splice(to..to, copy);
            format!("copied bytes {at}..{end} to {to}")
        }
        _ => {
            bytes.truncate(at);
            format!("truncated at byte {at}")
        }
    }
}

/// A JSON edit that keeps the file valid JSON: a value replaced by another
/// kind (or by text that is markup, huge or empty), removed, or repeated.
fn json(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let Ok(mut root) = serde_json::from_slice::<serde_json::Value>(bytes) else { return raw(rng, bytes) };
    // Walk down from the root, stopping at a random depth.
    let mut path = String::from("$");
    let mut node = &mut root;
    loop {
        let children = match node {
            serde_json::Value::Object(map) => map.len(),
            serde_json::Value::Array(items) => items.len(),
            _ => 0,
        };
        if children == 0 || rng.below(4) == 0 {
            break;
        }
        let i = rng.below(children);
        node = match node {
            serde_json::Value::Object(map) => {
                let (key, value) = map.iter_mut().nth(i).unwrap();
                path.push_str(&format!(".{key}"));
                value
            }
            serde_json::Value::Array(items) => {
                path.push_str(&format!("[{i}]"));
                &mut items[i]
            }
            _ => unreachable!(),
        };
    }
    let nasty = rng.pick(NASTY).to_string();
    let (replacement, what) = match rng.below(8) {
        0 => (serde_json::Value::Null, "null".to_string()),
        1 => (serde_json::json!(-1e308), "-1e308".into()),
        2 => (serde_json::json!([]), "[]".into()),
        3 => (serde_json::json!({}), "{}".into()),
        4 => (nasty.clone().into(), format!("{nasty:?}")),
        5 => (nasty.repeat(1 + rng.below(5_000)).into(), format!("{nasty:?} repeated")),
        6 => match &*node {
            serde_json::Value::Array(items) if !items.is_empty() => {
                let copy = items[rng.below(items.len())].clone();
                let mut more = items.clone();
                more.extend(std::iter::repeat_n(copy, 1 + rng.below(50)));
                (serde_json::Value::Array(more), "with an element repeated".into())
            }
            other => (serde_json::Value::String(other.to_string()), "its JSON as text".into()),
        },
        _ => match &*node {
            serde_json::Value::Object(map) if !map.is_empty() => {
                let mut fewer = map.clone();
                let key = fewer.keys().nth(rng.below(map.len())).unwrap().clone();
                fewer.shift_remove(&key);
                (serde_json::Value::Object(fewer), format!("without `{key}`"))
            }
            _ => (serde_json::json!(0), "0".into()),
        },
    };
    *node = replacement;
    *bytes = serde_json::to_vec_pretty(&root).unwrap();
    format!("set {path} to {what}")
}

/// A line edit: a line repeated, removed, moved or given a Markdown prefix.
fn lines(rng: &mut Rng, bytes: &mut Vec<u8>, prefixes: &[&str]) -> String {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return raw(rng, bytes);
    }
    let at = rng.below(lines.len());
    let what = match rng.below(4) {
        0 => {
            let times = 1 + rng.below(200);
            let line = lines[at].clone();
            lines.splice(at..at, std::iter::repeat_n(line, times));
            format!("repeated line {} {times} times", at + 1)
        }
        1 => {
            lines.remove(at);
            format!("removed line {}", at + 1)
        }
        2 => {
            let to = rng.below(lines.len());
            lines.swap(at, to);
            format!("swapped lines {} and {}", at + 1, to + 1)
        }
        _ => {
            let prefix = rng.pick(prefixes);
            lines[at].insert_str(0, prefix);
            format!("put {prefix:?} before line {}", at + 1)
        }
    };
    *bytes = (lines.join("\n") + "\n").into_bytes();
    what
}

/// A CSV edit: a cell made nasty, a column dropped, or a row repeated or moved.
fn csv(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut rows: Vec<Vec<String>> = text.lines().map(|l| l.split(',').map(str::to_string).collect()).collect();
    if rows.len() < 2 {
        return raw(rng, bytes);
    }
    let r = rng.below(rows.len());
    let what = match rng.below(3) {
        0 => {
            let c = rng.below(rows[r].len());
            let nasty = rng.pick(NASTY);
            rows[r][c] = nasty.to_string();
            format!("set row {} column {} to {nasty:?}", r + 1, c + 1)
        }
        1 => {
            let c = rng.below(rows[0].len());
            for row in &mut rows {
                if c < row.len() {
                    row.remove(c);
                }
            }
            format!("dropped column {}", c + 1)
        }
        _ => return lines(rng, bytes, &["", ",", "\""]),
    };
    *bytes = rows.iter().map(|r| r.join(",") + "\n").collect::<String>().into_bytes();
    what
}

/// Runs case `seed`: one to three mutations of the example's files, then
/// `build` (every fourth case) or `check`. Returns whether it passed (exit
/// 0), and a failure, if any.
fn case(seed: u64, work: &Path) -> (bool, Option<String>) {
    let mut rng = Rng::new(seed);
    let dir = work.join(format!("case-{seed}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(EXAMPLE)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "md" || e == "csv"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    let mut done = Vec::new();
    for _ in 0..1 + rng.below(3) {
        // The manifest is mutated most: it reaches every stage.
        let i = if rng.below(2) == 0 {
            files.iter().position(|(n, _)| n == "briefing.json").unwrap()
        } else {
            rng.below(files.len())
        };
        let (name, bytes) = &mut files[i];
        done.push(format!("{name}: {}", mutate(&mut rng, name, bytes)));
    }
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let build = seed.is_multiple_of(4);
    let args: &[&str] = if build {
        &["build", "briefing.json", "-o", "out.pdf", "--diagnostic-format", "short"]
    } else {
        &["check", "briefing.json", "--diagnostic-format", "short"]
    };
    let output = run_bounded(&dir, args, MEMORY, SECONDS);
    let stderr = common::stderr(&output);
    let pdf = std::fs::read(dir.join("out.pdf")).ok();
    let problem = match (output.status.code(), &pdf) {
        (Some(0), Some(pdf)) if build && !(pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF")) => {
            Some("exit 0 with a broken PDF".to_string())
        }
        (Some(0), None) if build => Some("exit 0 without a PDF".into()),
        (Some(0 | 1), _) if stderr.contains("panicked") => Some("a panic".into()),
        (Some(0), _) => None,
        (Some(1), Some(_)) => Some("exit 1, and a PDF was written".into()),
        (Some(1), None) => None,
        (code, _) => Some(format!("{:?} (exit {code:?})", output.status)),
    };
    let failure = problem.map(|p| {
        if let Some(keep) = std::env::var_os("BRIEFING_FUZZ_KEEP") {
            let kept = Path::new(&keep).join(format!("case-{seed}"));
            std::fs::create_dir_all(&kept).unwrap();
            for (name, bytes) in &files {
                std::fs::write(kept.join(name), bytes).unwrap();
            }
        }
        format!("case {seed} ({}): {p}\n{}\n{stderr}", if build { "build" } else { "check" }, done.join("\n"))
    });
    std::fs::remove_dir_all(&dir).unwrap();
    (output.status.code() == Some(0), failure)
}

/// Runs cases `seeds` on two threads; panics with every failure, or if
/// the mutations leave too few cases that pass, or too few that fail, for
/// both the building and the refusing paths to be tried.
fn run(seeds: std::ops::Range<u64>) {
    let work = tempfile::tempdir().unwrap();
    let next = std::sync::atomic::AtomicU64::new(seeds.start);
    let passed = std::sync::atomic::AtomicU64::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if seed >= seeds.end {
                        break;
                    }
                    let (ok, failure) = case(seed, work.path());
                    passed.fetch_add(u64::from(ok), std::sync::atomic::Ordering::Relaxed);
                    if let Some(failure) = failure {
                        failures.lock().unwrap().push(failure);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let (cases, passed) = (seeds.end - seeds.start, passed.into_inner());
    assert!(passed * 10 >= cases && passed * 10 <= cases * 9, "{passed} of {cases} cases passed");
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        seeds.end - seeds.start,
        failures.join("\n\n")
    );
}

#[test]
fn mutated_examples_end_in_exit_0_or_1_within_bounds() {
    run(0..240);
}

/// Thousands of cases, for `benches/fuzz.sh`: `BRIEFING_FUZZ_CASES` sets
/// how many (5,000 by default), after the ones `cargo test` runs.
#[test]
#[ignore = "thousands of cases; run by benches/fuzz.sh"]
fn many_mutated_examples_end_in_exit_0_or_1_within_bounds() {
    let cases = std::env::var("BRIEFING_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    run(240..240 + cases);
}

#[test]
fn the_mutator_is_deterministic_and_changes_the_input() {
    let original = std::fs::read(Path::new(EXAMPLE).join("briefing.json")).unwrap();
    let mutated = |seed| {
        let mut bytes = original.clone();
        let what = mutate(&mut Rng::new(seed), "briefing.json", &mut bytes);
        (bytes, what)
    };
    let mut changed = 0;
    for seed in 0..100 {
        let (bytes, what) = mutated(seed);
        assert_eq!((bytes.clone(), what), mutated(seed), "seed {seed}");
        changed += usize::from(bytes != original);
    }
    // A few edits may happen to leave the bytes as they were (a line swapped with itself).
    assert!(changed >= 90, "only {changed} of 100 mutations changed the manifest");
}
