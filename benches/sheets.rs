//! Reading a large spreadsheet (`cargo bench --bench sheets`).
//!
//! Writes a 100,000-row XLSX workbook with rust_xlsxwriter (a long table:
//! a date cell, an area and a number per row, under a title and a blank
//! row), then times, as the median of repeated runs:
//! - parsing the workbook with calamine (what a batch does once per file);
//! - the whole `analyse` stage for one series read from it, filtered to one
//!   of ten areas (10,000 points), which parses the workbook, turns the
//!   table into rows and checks every cell.
//!
//! Also prints the file's size. Results: `benches/RESULTS.md`.

use std::time::{Duration, Instant};

use briefing::input::data::Files;
use briefing::input::sheet::Workbook;

/// Rows of data under the header.
const ROWS: u32 = 100_000;
const AREAS: u32 = 10;

/// The workbook in memory.
struct Memory(Vec<u8>);

impl Files for Memory {
    fn read(&self, name: &str) -> Result<String, String> {
        Err(format!("{name} is binary"))
    }
    fn read_bytes(&self, _: &str) -> Result<Vec<u8>, String> {
        Ok(self.0.clone())
    }
    fn display(&self, name: &str) -> String {
        name.to_string()
    }
}

fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Data").unwrap();
    sheet.write_string(0, 0, "Table 1: synthetic daily counts").unwrap();
    for (col, head) in ["date", "area", "count"].iter().enumerate() {
        sheet.write_string(2, col as u16, *head).unwrap();
    }
    let format = Format::new().set_num_format("yyyy-mm-dd");
    // One date per ten rows (one per area), from 1 January 1990.
    let start = ExcelDateTime::from_ymd(1990, 1, 1).unwrap().to_excel();
    for i in 0..ROWS {
        let row = 3 + i;
        let day = ExcelDateTime::from_serial_datetime(start + f64::from(i / AREAS)).unwrap();
        sheet.write_datetime_with_format(row, 0, day, &format).unwrap();
        sheet.write_string(row, 1, format!("Area {}", i % AREAS)).unwrap();
        sheet.write_number(row, 2, f64::from(i % 997) * 1.25).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let start = Instant::now();
    let bytes = workbook();
    println!("wrote a {ROWS}-row XLSX of {} bytes in {:.0} ms", bytes.len(), ms(start.elapsed()));
    let runs = 7;
    let parse: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let book = Workbook::parse("big.xlsx", "big.xlsx", bytes.clone()).unwrap_or_else(|_| panic!("unreadable"));
            assert_eq!(book.sheet_names(), ["Data"]);
            start.elapsed()
        })
        .collect();
    println!("parse the workbook (calamine): median {:.0} ms of {runs}", ms(median(parse)));

    let src = r#"{"format": 1, "title": "T", "date": "2020-01-01",
        "sources": {"s": {"publisher": "P", "title": "T"}},
        "data": {"count": {"file": "big.xlsx", "sheet": "Data", "header": 3, "x": "date", "y": "count",
                           "where": {"area": "Area 3"}, "label": "Count", "source": "s"}}}"#;
    let manifest = briefing::input::manifest::parse("big.json", src).unwrap();
    let files = Memory(bytes);
    let analyse: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let (analysis, diags) = briefing::analyse::analyse("big.json", src, &manifest, &files);
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(analysis.series["count"].points.len(), (ROWS / AREAS) as usize);
            start.elapsed()
        })
        .collect();
    println!(
        "analyse one series from it ({} points after `where`): median {:.0} ms of {runs}",
        ROWS / AREAS,
        ms(median(analyse))
    );
}
