//! Helpers shared by the integration tests.
//!
//! Each test binary compiles this module and uses only part of it, hence
//! the `dead_code` allowance below.
//!
//! `.ci/run` sets `BRIEFING_TEST_PDF_DIR` and checks every PDF the tests
//! leave there with qpdf, pdftotext and mutool, so each test that writes a
//! PDF hands it to [`keep_pdf`] (as [`pdf_text`] does). Every PDF handed in
//! is also checked, with or without that folder, for text outside the text
//! block ([`margins`]): the invariant holds for every PDF the suite writes.

#![allow(dead_code)]

pub mod archive;
pub mod inputs;
pub mod margins;

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// The `briefing` binary as a user would run it from a pipe: no
/// `SOURCE_DATE_EPOCH` leaking in from the caller's environment (PDF dates
/// come from the manifest unless a test sets it) and no colour, so that
/// messages compare as plain text.
pub fn briefing() -> Command {
    let mut cmd = Command::cargo_bin("briefing").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

/// Runs `briefing args...` in `dir` as a user would, under an
/// address-space limit of `memory` bytes and a CPU-time limit of `seconds`
/// set in the child before it starts (`setrlimit`): an allocation past the
/// limit aborts the child (exit 134, as on a machine out of memory), and a
/// run past the time is killed by SIGXCPU, so a blow-up fails the test
/// instead of taking the machine or hanging the suite.
pub fn run_bounded(dir: &Path, args: &[&str], memory: u64, seconds: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefing"));
    cmd.args(args).current_dir(dir).env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    let limit = |resource, value: u64| {
        let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
        // SAFETY: setrlimit only reads `limit`; it is async-signal-safe, as pre_exec requires.
        if unsafe { libc::setrlimit(resource, &limit) } == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
    };
    // SAFETY: the closure calls only setrlimit, which is safe between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            limit(libc::RLIMIT_AS, memory)?;
            limit(libc::RLIMIT_CPU, seconds)
        });
    }
    cmd.output().unwrap()
}

/// What a run printed on stderr, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `cmd`, asserts that it succeeds and returns its stdout.
pub fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// All text of a PDF document, in page order.
pub fn text(doc: &lopdf::Document) -> String {
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

/// All text of the PDF file at `path`, which is kept for `.ci/run`.
pub fn pdf_text(path: &Path) -> String {
    keep_pdf(path);
    text(&lopdf::Document::load(path).unwrap())
}

/// Text without white space or hyphens: the PDF breaks and hyphenates
/// lines, so words broken across lines still match the source.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}')).collect()
}

/// en-GB grouping for a whole number ("30,390"), written independently of
/// the tool's formatter.
pub fn grouped(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Copies a PDF a test produced into `$BRIEFING_TEST_PDF_DIR`, if set, under
/// a name unique across test binaries and threads.
pub fn keep_pdf(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    keep_pdf_bytes(path.file_stem().and_then(|s| s.to_str()).unwrap_or("out"), &bytes);
}

/// As [`keep_pdf`], for a PDF held in memory; `name` says where it came from.
/// Fails the test if any of its text leaves the text block.
pub fn keep_pdf_bytes(name: &str, bytes: &[u8]) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    margins::assert_inside(name, bytes);
    let Some(dir) = std::env::var_os("BRIEFING_TEST_PDF_DIR") else { return };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let exe = std::env::current_exe().unwrap();
    let binary = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("test");
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    std::fs::write(dir.join(format!("{binary}-{}-{n}-{safe}.pdf", std::process::id())), bytes).unwrap();
}

/// The tables of a loaded briefing, composed, in order (the chart-data
/// appendix's included).
pub fn composed_tables(loaded: &briefing::Loaded) -> Vec<briefing::compose::Table> {
    let fonts = briefing::text::fonts::Fonts::new();
    let rendered = briefing::render(loaded, &fonts, &briefing::Options::default());
    rendered
        .document
        .blocks
        .into_iter()
        .filter_map(|b| match b {
            briefing::compose::Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// The lines of a laid-out briefing as a reader sees them: the glyph runs
/// on each baseline of each page, left to right, with a space where the
/// pen skips ahead. Chart text is included (each label on its own line
/// when labels share no baseline). Hyphens added at line ends are dropped,
/// no-break spaces read as spaces.
pub fn frame_lines(layout: &briefing::frame::Layout) -> Vec<String> {
    use briefing::frame::Item;
    use briefing::text::linebreak::LINE_END_HYPHEN;
    let mut lines = Vec::new();
    for page in &layout.pages {
        let mut runs: Vec<(f32, f32, f32, String)> = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Text { x, y, size, glyphs, .. } => {
                    let end = x + briefing::text::fonts::advance_sum(glyphs) * size / 1000.0;
                    Some((*y, *x, end, glyphs.iter().map(|g| g.text.as_str()).collect()))
                }
                _ => None,
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for same in runs.chunk_by(|a, b| (a.0 - b.0).abs() < 0.01) {
            let mut line = String::new();
            let mut end: Option<f32> = None;
            for (_, x, e, text) in same {
                if end.is_some_and(|prev| *x > prev + 0.5) {
                    line.push(' ');
                }
                line.push_str(text);
                end = Some(*e);
            }
            lines.push(line.replace('\u{a0}', " ").replace(LINE_END_HYPHEN, "").trim().to_string());
        }
    }
    lines
}
