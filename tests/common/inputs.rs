//! Inputs for the resource tests (`tests/limits.rs`) and the scaling
//! benchmark (`benches/scaling.rs`, which includes this file): briefings
//! of one series, workbooks whose sheet XML streams straight into the ZIP,
//! and Markdown of any size, made at run time so nothing large is committed.

use std::io::Write;
use std::path::Path;

/// A manifest with one series `o` declared by `data` and a paragraph citing
/// its largest value (a statistic of categories as well as of time),
/// written to `dir/briefing.json` with `edit` applied.
pub fn manifest(dir: &Path, data: serde_json::Value, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut data = data;
    data["label"] = "Officers".into();
    data["source"] = "s".into();
    let mut m = serde_json::json!({
        "format": 1, "title": "Limits", "date": "2020-02-01",
        "sources": {"s": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"o": data},
        "sections": [{"heading": "Officers", "blocks": [{"text": "{o.max} officers [@s]."}]}],
    });
    edit(&mut m);
    std::fs::write(dir.join("briefing.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

pub fn officers_csv(dir: &Path) -> serde_json::Value {
    std::fs::write(dir.join("o.csv"), "year,n\n2018,30390\n2019,30700\n").unwrap();
    serde_json::json!({"file": "o.csv", "x": "year", "y": "n"})
}

/// A workbook of one sheet `S` whose XML is written by `sheet` (everything
/// else as rust_xlsxwriter writes it), so that a sheet too large to build
/// in memory streams straight into the ZIP.
pub fn xlsx(path: &Path, sheet: impl FnOnce(&mut dyn Write)) {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("S").unwrap().write_string(0, 0, "x").unwrap();
    let small = book.save_to_buffer().unwrap();
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(small)).unwrap();
    let mut to = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let mut sheet = Some(sheet);
    for i in 0..from.len() {
        let part = from.by_index_raw(i).unwrap();
        let name = part.name().unwrap().into_owned();
        if name == "xl/worksheets/sheet1.xml" {
            drop(part);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(9))
                .large_file(true);
            to.start_file(name, options).unwrap();
            if let Some(write) = sheet.take() {
                write(&mut to);
            }
        } else {
            to.raw_copy_file(part).unwrap();
        }
    }
    to.finish().unwrap();
}

pub const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
pub const SHEET_END: &str = "</sheetData></worksheet>";

pub fn sheet_series() -> serde_json::Value {
    serde_json::json!({"file": "t.xlsx", "sheet": "S", "header": 1, "x": "x", "y": "y"})
}

/// The manifest of a Markdown briefing whose text is `text`.
pub fn markdown(dir: &Path, text: &[u8]) {
    let data = officers_csv(dir);
    manifest(dir, data, |m| {
        m.as_object_mut().unwrap().remove("sections");
        m["text"] = "briefing.md".into();
    });
    std::fs::write(dir.join("briefing.md"), text).unwrap();
}

/// A long table of `rows` rows under the header `x`, `y`, each x a
/// distinct text label (`Area 2`, `Area 3`, ...), as a sheet's XML.
pub fn text_labels(w: &mut dyn Write, rows: usize) {
    write!(w, r#"{SHEET_START}<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1" t="inlineStr"><is><t>y</t></is></c></row>"#).unwrap();
    for r in 2..rows + 2 {
        write!(
            w,
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Area {r}</t></is></c><c r="B{r}"><v>{r}</v></c></row>"#
        )
        .unwrap();
    }
    write!(w, "{SHEET_END}").unwrap();
}

/// A section holding a bullet list nested one level deeper on each line.
pub fn nested_list(levels: usize) -> String {
    let mut text = String::from("# Officers\n\n");
    for level in 0..levels {
        text.push_str(&" ".repeat(2 * level));
        text.push_str("- point\n");
    }
    text
}
