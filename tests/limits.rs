//! Input of any size is refused, or read, in bounded time and memory: each
//! case below once aborted the process (out of memory) or took time that
//! grew with the square of the input. The inputs are made here (nothing
//! large is committed) and the binary runs under a 4 GB address-space limit
//! and a generous CPU-time limit, so a regression fails the test instead of
//! taking the machine. Timings are in benches/RESULTS.md, not asserted here.

mod common;

use std::path::Path;

use briefing::input::limits;
use common::inputs::{
    SHEET_END, SHEET_START, manifest, markdown, nested_list, officers_csv, sheet_series, text_labels, xlsx,
};
use common::{run_bounded, stderr};

/// The address space each run may use: a blow-up aborts well before the machine is short.
const MEMORY: u64 = 4 << 30;

/// CPU seconds before a run counts as hung: each case here takes well under
/// a second when linear, and minutes when quadratic.
const HANG: u64 = 30;

/// Runs `briefing check` (or `build`) on `dir/briefing.json` within the
/// limits, and asserts that it fails with exit 1, saying `wanted`, and
/// leaves no PDF.
fn refused(dir: &Path, command: &str, wanted: &[&str]) -> String {
    let mut args = vec![command, "briefing.json", "--diagnostic-format", "short"];
    if command == "build" {
        args.extend(["-o", "out.pdf"]);
    }
    let output = run_bounded(dir, &args, MEMORY, HANG);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{:?}: {stderr}", output.status);
    for w in wanted {
        assert!(stderr.contains(w), "no `{w}` in:\n{stderr}");
    }
    assert!(!dir.join("out.pdf").exists(), "a failed {command} wrote a PDF");
    stderr
}

#[test]
fn an_xlsx_cell_that_inflates_to_1_gib_is_refused_from_the_zip_directory() {
    let dir = tempfile::tempdir().unwrap();
    xlsx(&dir.path().join("t.xlsx"), |w| {
        write!(w, r#"{SHEET_START}<row r="1"><c r="A1" t="inlineStr"><is><t>"#).unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..1024 {
            w.write_all(&chunk).unwrap();
        }
        write!(w, "</t></is></c></row>{SHEET_END}").unwrap();
    });
    let size = std::fs::metadata(dir.path().join("t.xlsx")).unwrap().len();
    assert!(size < 2 << 20, "the bomb is small: {size} bytes");
    manifest(dir.path(), sheet_series(), |_| {});
    refused(
        dir.path(),
        "check",
        &[
            "`t.xlsx` is too large to read: its part `xl/worksheets/sheet1.xml` expands to 1,073,742,",
            &format!("over the limit of {} for one part of a workbook", limits::bytes(limits::WORKBOOK_PART_BYTES)),
            "$.data.o.file",
        ],
    );
}

#[test]
fn two_xlsx_cells_far_apart_are_refused_before_the_sheet_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("S").unwrap();
    sheet.write_string(0, 0, "x").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    book.save(dir.path().join("t.xlsx")).unwrap();
    manifest(dir.path(), sheet_series(), |_| {});
    refused(
        dir.path(),
        "check",
        &[&format!("its sheets span more than {} cells", limits::thousands(limits::WORKBOOK_CELLS)), "S!XFD1048576"],
    );
}

#[test]
fn an_xlsx_cell_over_excel_s_own_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    xlsx(&dir.path().join("t.xlsx"), |w| {
        let long = "a".repeat(limits::CELL_CHARS + 1);
        write!(w, r#"{SHEET_START}<row r="3"><c r="B3" t="inlineStr"><is><t>{long}</t></is></c></row>{SHEET_END}"#)
            .unwrap();
    });
    manifest(dir.path(), sheet_series(), |_| {});
    refused(dir.path(), "check", &["the cell S!B3 holds 32,768 characters, over the limit of 32,767 for one cell"]);
}

/// 200,000 rows whose x values are distinct text labels: lining them up
/// searched every earlier row (80,000 rows took 4.3 s, 200,000 about 30 s).
#[test]
fn a_long_xlsx_table_of_text_labels_is_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 200_000;
    xlsx(&dir.path().join("t.xlsx"), |w| text_labels(w, rows));
    manifest(dir.path(), sheet_series(), |_| {});
    let output = run_bounded(dir.path(), &["check", "briefing.json"], MEMORY, HANG);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{:?}: {stderr}", output.status);
    assert!(stderr.contains("0 errors"), "{stderr}");
}

/// A 10 MB `author` is refused with its manifest; one of 2.25 MB, under the
/// manifest's limit, at the field itself.
#[test]
fn a_10_mb_author_is_refused_and_a_long_one_is_located_at_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = officers_csv(dir.path());
    manifest(dir.path(), data.clone(), |m| m["author"] = "Research ".repeat(1_200_000).into());
    refused(dir.path(), "build", &["briefing.json:1:1: error: the manifest is 10,800,"]);
    manifest(dir.path(), data, |m| m["author"] = "Research ".repeat(250_000).into());
    refused(
        dir.path(),
        "build",
        &[": error: $.author: this text is 2,250,000 bytes, over the limit of 1 MiB for one text field"],
    );
}

#[test]
fn a_paragraph_over_the_limit_in_the_manifest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = officers_csv(dir.path());
    let paragraph = "Officer numbers fell. ".repeat(100_000);
    manifest(dir.path(), data, |m| m["sections"][0]["blocks"][0]["text"] = paragraph.into());
    refused(dir.path(), "build", &["$.sections[0].blocks[0].text: this text is 2,200,000 bytes, over the limit"]);
}

#[test]
fn fifty_mb_of_markdown_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"# Officers\n\n".to_vec();
    while text.len() < 50 << 20 {
        text.extend_from_slice(b"Officer numbers fell by {o.latest} in the year to March [@s].\n\n");
    }
    markdown(dir.path(), &text);
    refused(
        dir.path(),
        "build",
        &[
            "$.text: the text file `briefing.md` is 52,428,",
            &format!("over the limit of {} for a briefing's text", limits::bytes(limits::MARKDOWN_BYTES as u64)),
        ],
    );
}

#[test]
fn one_paragraph_of_50_mb_is_refused_and_one_over_the_paragraph_limit_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "Officer numbers fell in the year to March. ";
    markdown(dir.path(), format!("# Officers\n\n{}\n", sentence.repeat((50 << 20) / sentence.len())).as_bytes());
    refused(dir.path(), "build", &["$.text: the text file `briefing.md` is 52,428,"]);
    // Under the file's limit, one paragraph over its own is refused where it starts.
    markdown(dir.path(), format!("# Officers\n\nFirst [@s].\n\n{}\n", sentence.repeat(50_000)).as_bytes());
    refused(
        dir.path(),
        "build",
        &[
            "briefing.md:5:1",
            &format!(
                "this paragraph is 2,150,001 bytes, over the limit of {}",
                limits::bytes(limits::TEXT_BYTES as u64)
            ),
        ],
    );
}

/// A bullet list nested one level deeper on each line: 4,000 levels are
/// 16 MB of indentation, over the file limit; 1,000 levels (1 MB) are
/// read, with one error for the nested list rather than one per level.
#[test]
fn deeply_nested_lists_are_refused_quickly_with_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let deep = nested_list(4_000);
    markdown(dir.path(), deep.as_bytes());
    refused(
        dir.path(),
        "check",
        &[&format!("$.text: the text file `briefing.md` is {} bytes", limits::thousands(deep.len() as u64))],
    );
    markdown(dir.path(), nested_list(1_000).as_bytes());
    let stderr =
        refused(dir.path(), "check", &["briefing.md:4:3: error: a nested list cannot be printed in a briefing"]);
    assert_eq!(stderr.matches(": error: ").count(), 1, "{stderr}");
}

#[test]
fn a_data_file_outside_the_folder_is_named_by_its_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("briefing");
    std::fs::create_dir(&inner).unwrap();
    let data = officers_csv(dir.path());
    manifest(&inner, data, |m| m["data"]["o"]["file"] = "../o.csv".into());
    let stderr = refused(&inner, "check", &["`../o.csv` is outside the folder "]);
    let real = inner.canonicalize().unwrap();
    assert!(stderr.contains(&format!("outside the folder {};", real.display())), "{stderr}");
}

#[test]
fn a_manifest_over_its_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let data = officers_csv(dir.path());
    manifest(dir.path(), data, |m| m["keywords"] = vec!["police officer numbers"; 250_000].into());
    let size = std::fs::metadata(dir.path().join("briefing.json")).unwrap().len();
    assert!(size > limits::MANIFEST_BYTES as u64, "{size}");
    refused(
        dir.path(),
        "build",
        &[&format!(
            "briefing.json:1:1: error: the manifest is {} bytes, over the limit of {} for a manifest",
            limits::thousands(size),
            limits::bytes(limits::MANIFEST_BYTES as u64)
        )],
    );
}

/// 80,000 one-word paragraphs lay out to some 2,500 pages: refused once
/// laid out, before any page is written.
#[test]
fn a_briefing_over_the_page_limit_is_refused_before_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    markdown(
        dir.path(),
        format!("# Officers\n\n{{o.latest}} officers [@s].\n\n{}", "Fell.\n\n".repeat(80_000)).as_bytes(),
    );
    let stderr = refused(dir.path(), "build", &["briefing.json: error: the briefing runs to 2,"]);
    assert!(
        stderr.contains(&format!("pages, over the limit of {} pages", limits::thousands(limits::PAGES as u64))),
        "{stderr}"
    );
}

/// A gzip file of 2 GiB of zeros (2,048 copies of one member of 1 MiB
/// zeros after a header member, 2 MB on disk) is refused as it streams,
/// after about a megabyte, within a 1 GB address space (the old reader
/// held the whole decompressed file: 3.16 GB).
#[test]
fn a_gzip_bomb_is_refused_as_it_streams_in_bounded_memory() {
    use std::io::Write;
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let member = gzip(&vec![b'0'; 1 << 20]);
    let mut bomb = gzip(b"year,n\n2017,");
    for _ in 0..2048 {
        bomb.extend_from_slice(&member);
    }
    std::fs::write(dir.path().join("bomb.csv.gz"), &bomb).unwrap();
    manifest(dir.path(), serde_json::json!({"file": "bomb.csv.gz", "x": "year", "y": "n"}), |_| {});
    let output = run_bounded(dir.path(), &["check", "briefing.json", "--diagnostic-format", "short"], 1 << 30, HANG);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{:?}: {err}", output.status);
    assert!(err.contains("longer than 1 MiB, so it is not a table of rows"), "{err}");
}
