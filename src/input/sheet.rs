//! Reading tables from spreadsheets (`.ods`, `.xlsx`, `.xls`) as their
//! publishers made them: the sheet, where the table sits on it, and its
//! cells with their types (numbers stay numbers, date cells become dates).
//!
//! Two shapes of table are read:
//! - *long*: one row per observation under a header row of column names,
//!   handed on as a [`Csv`] so that the CSV rules (filters, number checks)
//!   apply unchanged;
//! - *wide*: one row per area, the x values across the header row; one row
//!   is chosen by its label or its row number, never by a guess.
//!
//! Every problem names the file, the sheet and the cell (`Table_1!C14`).
//! Workbooks are parsed once and kept (see [`open`]); a batch shares them
//! between its briefings.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Cell, Data, DataRef, Ods, Range, Reader, Xls, Xlsx, XlsxCellReader, XlsxError};

use crate::diag::{Diagnostic, suggest};
use crate::input::data::{Csv, Files, MAX_MAGNITUDE, Parsed, parse_number};
use crate::input::limits;
use crate::input::x::{X, years_in_headings};

/// Whether a data file is a spreadsheet, by its name.
pub fn is_spreadsheet(file: &str) -> bool {
    kind(file).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ods,
    Xlsx,
    Xls,
}

fn kind(file: &str) -> Option<Kind> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "ods" => Some(Kind::Ods),
        "xlsx" | "xlsm" => Some(Kind::Xlsx),
        "xls" => Some(Kind::Xls),
        _ => None,
    }
}

/// A spreadsheet file, every sheet read into cells.
pub struct Workbook {
    /// The file as diagnostics name it.
    pub name: String,
    sheets: Vec<NamedSheet>,
}

/// A sheet's name and its cells, or why they could not be read.
type NamedSheet = (String, Result<Range<Data>, String>);

/// Why a workbook could not be opened.
#[derive(Debug, Clone)]
pub enum OpenError {
    /// The file could not be read at all (missing, outside the folder).
    Read(String),
    /// The file was read but is not a spreadsheet of its kind (a damaged
    /// ZIP): what is wrong and how to fix it.
    Damaged { message: String, hint: String },
}

impl Workbook {
    /// Parses a workbook's bytes; `file` is the name as written (its
    /// extension says the format) and `display` names it in diagnostics.
    pub fn parse(file: &str, display: &str, bytes: Vec<u8>) -> Result<Workbook, OpenError> {
        let kind = kind(file).unwrap_or(Kind::Xlsx);
        // calamine reads untrusted bytes; should it ever fail by panicking,
        // the author still gets a message naming the file, not a crash.
        let parsed = std::panic::catch_unwind(|| read_sheets(kind, bytes))
            .unwrap_or_else(|_| Err(Unreadable::Damaged("the spreadsheet reader failed on it".to_string())));
        let sheets = parsed.map_err(|unreadable| match unreadable {
            Unreadable::Damaged(reason) => {
                let format = match kind {
                    Kind::Ods => "an OpenDocument spreadsheet (.ods)",
                    Kind::Xlsx => "an Excel workbook (.xlsx)",
                    Kind::Xls => "an Excel 97-2003 workbook (.xls)",
                };
                OpenError::Damaged {
                    message: format!("`{file}` is not a readable spreadsheet: {reason}"),
                    hint: format!(
                        "the file should be {format}; it may be damaged or cut short: download it again, or open and re-save it in a spreadsheet program"
                    ),
                }
            }
            Unreadable::TooLarge(reason) => OpenError::Damaged {
                message: format!("`{file}` is too large to read: {reason}"),
                hint: "a briefing reads tables, not whole databases: save the sheet it needs as a workbook of its own or as CSV (a workbook made by a spreadsheet program that is this large may also be a ZIP bomb)".into(),
            },
        })?;
        Ok(Workbook { name: display.to_string(), sheets })
    }

    /// The sheet called `name`, or why it cannot be had.
    pub fn sheet(&self, name: &str) -> Result<Sheet<'_>, SheetError> {
        let found = self.sheets.iter().find(|(n, _)| n == name).or_else(|| {
            // `Table 1 ` for `Table 1`: surrounding spaces are not part of a name anyone means.
            self.sheets.iter().find(|(n, _)| n.trim() == name.trim())
        });
        match found {
            Some((n, Ok(cells))) => Ok(Sheet { file: &self.name, name: n, cells }),
            Some((n, Err(reason))) => Err(SheetError::Damaged(
                Diagnostic::error(&self.name, format!("cannot read the sheet `{n}`: {reason}"))
                    .path(n.clone())
                    .hint("the sheet may be damaged; open and re-save the file in a spreadsheet program"),
            )),
            None => {
                let names = self.sheet_names();
                let hint = suggest(name, names.iter().copied())
                    .unwrap_or_else(|| format!("the sheets are {}", quoted_list(&names)));
                Err(SheetError::Missing { message: format!("there is no sheet `{name}` in {}", self.name), hint })
            }
        }
    }

    /// The names of the sheets, in the workbook's order.
    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().map(|(n, _)| n.as_str()).collect()
    }
}

/// Why a workbook cannot be read: damage, or a size past the limits.
enum Unreadable {
    Damaged(String),
    TooLarge(String),
}

fn read_sheets(kind: Kind, bytes: Vec<u8>) -> Result<Vec<NamedSheet>, Unreadable> {
    fn all<R: Reader<Cursor<Vec<u8>>>>(mut book: R) -> Vec<NamedSheet>
    where
        R::Error: std::fmt::Display,
    {
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let cells = book.worksheet_range(&name).map_err(|e| e.to_string());
                (name, cells)
            })
            .collect()
    }
    if matches!(kind, Kind::Ods | Kind::Xlsx) {
        check_parts(&bytes)?;
    }
    let data = Cursor::new(bytes);
    let damaged = |e: &dyn std::fmt::Display| Unreadable::Damaged(e.to_string());
    match kind {
        Kind::Ods => calamine::open_workbook_from_rs::<Ods<_>, _>(data).map(all).map_err(|e| damaged(&e)),
        Kind::Xlsx => xlsx_sheets(calamine::open_workbook_from_rs::<Xlsx<_>, _>(data).map_err(|e| damaged(&e))?),
        Kind::Xls => calamine::open_workbook_from_rs::<Xls<_>, _>(data).map(all).map_err(|e| damaged(&e)),
    }
}

/// Refuses a workbook in a ZIP container (`.xlsx`, `.ods`) with a part
/// that would expand past [`limits::WORKBOOK_PART_BYTES`], from the sizes
/// in the ZIP directory, before any part is inflated. The directory cannot
/// understate a size to slip past: the ZIP reader stops every part at its
/// declared size. Bytes that are not a ZIP are left for calamine to report.
fn check_parts(bytes: &[u8]) -> Result<(), Unreadable> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else { continue };
        if part.size() > limits::WORKBOOK_PART_BYTES {
            return Err(Unreadable::TooLarge(format!(
                "its part `{}` expands to {} bytes, over the limit of {} for one part of a workbook",
                part.name().unwrap_or_default(),
                limits::thousands(part.size()),
                limits::bytes(limits::WORKBOOK_PART_BYTES)
            )));
        }
    }
    Ok(())
}

/// Every sheet of an `.xlsx` workbook, its cells streamed one by one so
/// that the limits are checked as they arrive: the cells the sheets span
/// ([`limits::WORKBOOK_CELLS`], before the rectangle is allocated) and the
/// characters in a cell ([`limits::CELL_CHARS`]).
fn xlsx_sheets(mut book: Xlsx<Cursor<Vec<u8>>>) -> Result<Vec<NamedSheet>, Unreadable> {
    let mut spare = limits::WORKBOOK_CELLS;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let cells = match book.worksheet_cells_reader(&name) {
            Ok(mut reader) => xlsx_cells(&mut reader, &name, &mut spare)?,
            // A chart sheet has no cells, as calamine's own reading has it.
            Err(XlsxError::NotAWorksheet(_)) => Ok(Range::default()),
            Err(e) => Err(e.to_string()),
        };
        sheets.push((name, cells));
    }
    Ok(sheets)
}

/// One sheet's cells, from its reader; `spare` is what is left of the
/// workbook's cell limit, and the sheet's rectangle is taken from it.
fn xlsx_cells(
    reader: &mut XlsxCellReader<'_, Cursor<Vec<u8>>>,
    name: &str,
    spare: &mut u64,
) -> Result<Result<Range<Data>, String>, Unreadable> {
    let mut cells = Vec::new();
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0, 0));
    let mut area = 0;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let value = cell.get_value();
        let (row, col) = cell.get_position();
        let text = match value {
            DataRef::Empty => continue,
            DataRef::SharedString(s) => Some(*s),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.as_str()),
            _ => None,
        };
        // Counting characters only past the byte count that could exceed it.
        if let Some(text) = text.filter(|t| t.len() > limits::CELL_CHARS && t.chars().count() > limits::CELL_CHARS) {
            return Err(Unreadable::TooLarge(format!(
                "the cell {} holds {} characters, over the limit of {} for one cell (Excel's own)",
                cell_ref(name, row, col),
                limits::thousands(text.chars().count() as u64),
                limits::thousands(limits::CELL_CHARS as u64)
            )));
        }
        first = (first.0.min(row), first.1.min(col));
        last = (last.0.max(row), last.1.max(col));
        area = u64::from(last.0 - first.0 + 1) * u64::from(last.1 - first.1 + 1);
        if area > *spare {
            return Err(Unreadable::TooLarge(format!(
                "its sheets span more than {} cells, the limit for a workbook (the sheet `{name}` has cells from {} to {})",
                limits::thousands(limits::WORKBOOK_CELLS),
                cell_ref(name, first.0, first.1),
                cell_ref(name, last.0, last.1),
            )));
        }
        cells.push(Cell::new((row, col), Data::from(value.clone())));
    }
    *spare -= area;
    Ok(Ok(Range::from_sparse(cells)))
}

/// Why a sheet cannot be read: a name that is not in the workbook (a
/// mistake in the manifest, reported there), or damage in the file.
#[derive(Debug, Clone)]
pub enum SheetError {
    Missing { message: String, hint: String },
    Damaged(Diagnostic),
}

/// The workbook `file` (as named in the manifest), read through `files`
/// and parsed the first time it is asked for; kept in `parsed`, which a
/// batch shares so that each spreadsheet is parsed once for all its briefings.
pub fn open(parsed: &Parsed, files: &dyn Files, file: &str) -> Arc<Result<Workbook, OpenError>> {
    parsed.get_or_make(file, || match files.read_bytes(file) {
        Ok(bytes) => Workbook::parse(file, &files.display(file), bytes),
        Err(reason) => Err(OpenError::Read(reason)),
    })
}

/// One sheet of a workbook.
#[derive(Clone, Copy)]
pub struct Sheet<'a> {
    pub file: &'a str,
    pub name: &'a str,
    cells: &'a Range<Data>,
}

/// Where a table is on its sheet (0-based rows and columns): its header
/// row and first column, and its last row and column when a range gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub header: u32,
    pub first_col: u32,
    pub last: Option<(u32, u32)>,
}

impl Place {
    /// Parses a cell range such as `A6:D63` (the header row first).
    pub fn range(text: &str) -> Result<Place, String> {
        let bad =
            || format!("`{text}` is not a cell range; write it as the top-left and bottom-right cells, e.g. `A6:D63`");
        let (from, to) = text.trim().split_once(':').ok_or_else(bad)?;
        let (r0, c0) = parse_cell(from).ok_or_else(bad)?;
        let (r1, c1) = parse_cell(to).ok_or_else(bad)?;
        if r1 <= r0 || c1 < c0 {
            return Err(format!(
                "the range `{text}` must run down and to the right from its top-left cell, with rows under the header"
            ));
        }
        Ok(Place { header: r0, first_col: c0, last: Some((r1, c1)) })
    }

    /// The table whose header is on sheet row `row` (numbered from 1).
    pub fn header_row(row: u32) -> Result<Place, String> {
        match row {
            0 => Err("sheet rows are numbered from 1".into()),
            n => Ok(Place { header: n - 1, first_col: 0, last: None }),
        }
    }
}

/// `C14` as (row 13, column 2), 0-based.
fn parse_cell(cell: &str) -> Option<(u32, u32)> {
    let cell = cell.trim().replace('$', "");
    let split = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = cell.split_at(split);
    let col = parse_column(letters)?;
    let row: u32 = digits.parse().ok().filter(|r| (1..=1_048_576).contains(r))?;
    Some((row - 1, col))
}

/// `A` as 0, `AB` as 27; at most `XFD` (16,384 columns), as in Excel.
pub fn parse_column(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let n = letters.bytes().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    (n <= 16_384).then(|| n - 1)
}

/// Column 0 as `A`, 27 as `AB`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

impl<'a> Sheet<'a> {
    /// `Table_1!C14` for 0-based row 13, column 2; a name with spaces or
    /// punctuation is quoted as spreadsheets write it (`'Table 1'!C14`).
    pub fn cell(&self, row: u32, col: u32) -> String {
        cell_ref(self.name, row, col)
    }

    /// `Table_1!A6:D6`.
    fn span(&self, row: u32, first: u32, last: u32) -> String {
        format!("{}!{}{}:{}{}", quoted(self.name), column_name(first), row + 1, column_name(last), row + 1)
    }

    fn get(&self, row: u32, col: u32) -> &'a Data {
        self.cells.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    /// An error located at a cell (or span) of this sheet.
    fn error(&self, at: String, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, message).path(at)
    }

    /// The table at `place`, checked against the sheet's extent.
    pub fn table(&self, place: Place) -> Result<Table<'a>, Diagnostic> {
        let (Some(_), Some((end_row, end_col))) = (self.cells.start(), self.cells.end()) else {
            return Err(self
                .error(quoted(self.name), "the sheet is empty")
                .hint("check the `sheet`: the table may be on another one"));
        };
        let extent = format!("{}:{}{}", "A1", column_name(end_col), end_row + 1);
        let (last_row, last_col) = match place.last {
            Some((row, col)) if row > end_row || col > end_col => {
                let range =
                    format!("{}{}:{}{}", column_name(place.first_col), place.header + 1, column_name(col), row + 1);
                return Err(self
                    .error(format!("{}!{range}", quoted(self.name)), format!("the range {range} reaches outside the sheet, whose cells end at {}", self.cell(end_row, end_col).rsplit('!').next().unwrap_or_default()))
                    .hint(format!("the sheet's cells are {extent}; check the range against the table (has the table moved in this edition?)")));
            }
            Some(last) => last,
            None if place.header >= end_row => {
                return Err(self
                    .error(
                        self.cell(place.header, 0),
                        format!("row {} has no rows under it: the sheet ends at row {}", place.header + 1, end_row + 1),
                    )
                    .hint("`header` is the sheet row of the table's column names, numbered from 1"));
            }
            None => (end_row, end_col),
        };
        Ok(Table { sheet: *self, header: place.header, first_col: place.first_col, last_row, last_col })
    }
}

/// A table on a sheet: a header row, and rows under it to `last_row`, in
/// columns `first_col..=last_col` (all 0-based).
pub struct Table<'a> {
    pub sheet: Sheet<'a>,
    pub header: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// A value read from a sheet, with the cell it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: X,
    pub y: Option<f64>,
    /// The cell of the y value.
    pub cell: String,
    /// The cell of the x value: a header cell in a wide table.
    pub x_cell: String,
}

/// How a wide table's row is chosen, with column letters already parsed.
#[derive(Debug, Clone)]
pub enum Choice {
    /// A 0-based sheet row.
    Row(u32),
    /// 0-based column and label; a row matches when every label does.
    Labels(Vec<(u32, String)>),
}

impl Table<'_> {
    fn columns(&self) -> std::ops::RangeInclusive<u32> {
        self.first_col..=self.last_col
    }

    fn rows(&self) -> std::ops::RangeInclusive<u32> {
        self.header + 1..=self.last_row
    }

    /// The header names, cleaned as labels are.
    pub fn header_names(&self) -> Vec<String> {
        self.columns().map(|c| label(&text(self.sheet.get(self.header, c)))).collect()
    }

    /// `Table_1!A6:H6`, the header row.
    pub fn header_span(&self) -> String {
        self.sheet.span(self.header, self.first_col, self.last_col)
    }

    /// A long table as CSV rows, each numbered by its sheet row so that
    /// problems can be traced back to cells ([`Table::cell_of`]). Cells keep
    /// their values: numbers are written in full (they read back exactly),
    /// date cells as `YYYY-MM-DD`, and "not available" markers as empty
    /// cells. Rows with no cells at all are left out.
    pub fn long(&self) -> Csv {
        let header = self.header_names();
        let mut rows = Vec::new();
        for row in self.rows() {
            let cells: Vec<String> = self.columns().map(|c| value_text(self.sheet.get(row, c))).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            rows.push((row as usize + 1, csv::StringRecord::from(cells)));
        }
        Csv { name: self.sheet.file.to_string(), header, rows }
    }

    /// The cell of a long table's CSV position: sheet row (from 1) and field (from 1).
    pub fn cell_of(&self, row: usize, field: usize) -> String {
        let row = u32::try_from(row.max(1) - 1).unwrap_or(u32::MAX);
        let col = self.first_col + u32::try_from(field.max(1) - 1).unwrap_or(0);
        self.sheet.cell(row, col)
    }

    /// Reads a wide table: the x values from the header cells of every
    /// column with one, except the label columns and those in `skip`; the
    /// y values from the chosen row.
    pub fn wide(
        &self,
        choice: &Choice,
        occurrence: Option<u32>,
        skip: &[String],
    ) -> Result<Vec<Point>, Vec<Diagnostic>> {
        let row = self.choose(choice, occurrence).map_err(|d| vec![d])?;
        let label_cols: Vec<u32> = match choice {
            Choice::Row(_) => Vec::new(),
            Choice::Labels(labels) => labels.iter().map(|(c, _)| *c).collect(),
        };
        let skip: Vec<String> = skip.iter().map(|s| label(s)).collect();
        let mut points = Vec::new();
        let mut diags = Vec::new();
        for col in self.columns().filter(|c| !label_cols.contains(c)) {
            let head = self.sheet.get(self.header, col);
            if is_empty(head) || skip.contains(&label(&text(head))) {
                continue;
            }
            let cell = self.sheet.cell(row, col);
            match number(self.sheet.get(row, col)) {
                Ok(y) => points.push(Point { x: header_x(head), y, cell, x_cell: self.sheet.cell(self.header, col) }),
                Err((shown, problem, hint)) => {
                    diags.push(self.sheet.error(cell, format!("`{shown}` {problem}")).hint(hint));
                }
            }
        }
        if points.is_empty() && diags.is_empty() {
            return Err(vec![self.no_x_values()]);
        }
        if !points.iter().any(|p| p.x.is_time()) {
            // `Population mid-2020`, `Population mid-2019`: years inside words.
            let headings: Vec<String> = points.iter().map(|p| p.x.to_string()).collect();
            if let Some(years) = years_in_headings(&headings.iter().map(String::as_str).collect::<Vec<_>>()) {
                for (point, year) in points.iter_mut().zip(years) {
                    if let Some(year) = year {
                        point.x = X::Year(year);
                    }
                }
            }
        }
        if diags.is_empty() { Ok(points) } else { Err(diags) }
    }

    /// The header row has no x values: in another edition the table may
    /// sit a row higher or lower, so the nearest row with dates or years
    /// is named in the hint (for the author to check; it is never used).
    fn no_x_values(&self) -> Diagnostic {
        let span = self.header_span();
        let timed = |r: u32| self.columns().filter(|c| header_x(self.sheet.get(r, *c)).is_time()).count() >= 2;
        let near = (1..=5u32)
            .flat_map(|d| [self.header.checked_sub(d), Some(self.header + d)])
            .flatten()
            .find(|&r| r <= self.last_row && timed(r));
        let hint = match near {
            Some(r) => format!(
                "row {} has dates or years across it: has the table moved in this edition? Give this edition its own `header` or `range`",
                r + 1
            ),
            None => "`header` or `range` must start at the row of column headings (dates or years across a wide table)"
                .into(),
        };
        self.sheet.error(span, "the header row has no x values: its cells are empty or skipped").hint(hint)
    }

    /// The one row a choice selects, or why there is not exactly one.
    fn choose(&self, choice: &Choice, occurrence: Option<u32>) -> Result<u32, Diagnostic> {
        let labels = match choice {
            Choice::Row(row) if self.rows().contains(row) => return Ok(*row),
            Choice::Row(row) => {
                return Err(self
                    .sheet
                    .error(
                        self.sheet.cell(*row, self.first_col),
                        format!(
                            "row {} is not in the table, which has rows {} to {}",
                            row + 1,
                            self.header + 2,
                            self.last_row + 1
                        ),
                    )
                    .hint("`row` is a sheet row number under the header, as the spreadsheet shows it"));
            }
            Choice::Labels(labels) => labels,
        };
        let matching: Vec<u32> = self
            .rows()
            .filter(|&r| labels.iter().all(|(c, want)| same_label(&text(self.sheet.get(r, *c)), want)))
            .collect();
        let wanted = labels
            .iter()
            .map(|(c, l)| format!("`{l}` in column {}", column_name(*c)))
            .collect::<Vec<_>>()
            .join(" and ");
        let (first_col, first_label) = &labels[0];
        match (matching.as_slice(), occurrence) {
            ([], _) => {
                let present: Vec<String> = self
                    .rows()
                    .map(|r| label(&text(self.sheet.get(r, *first_col))))
                    .filter(|l| !l.is_empty())
                    .collect();
                let hint = suggest(&label(first_label), present.iter().map(String::as_str)).unwrap_or_else(|| {
                    format!(
                        "check the label and the column letter; the nearest labels in column {} are {}",
                        column_name(*first_col),
                        quoted_list(&crate::diag::nearest(&label(first_label), present.iter().map(String::as_str), 4))
                    )
                });
                let span = format!(
                    "{}!{}{}:{}{}",
                    quoted(self.sheet.name),
                    column_name(*first_col),
                    self.header + 2,
                    column_name(*first_col),
                    self.last_row + 1
                );
                Err(self.sheet.error(span, format!("no row has {wanted}")).hint(hint))
            }
            ([row], None | Some(1)) => Ok(*row),
            (rows, Some(n)) if n >= 1 && (n as usize) <= rows.len() => Ok(rows[n as usize - 1]),
            (rows, occurrence) => {
                let cells: Vec<String> = rows.iter().map(|r| self.sheet.cell(*r, *first_col)).collect();
                let choices: Vec<String> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| format!("`\"occurrence\": {}` for row {}", i + 1, r + 1))
                    .collect();
                let message = match occurrence {
                    Some(n) => {
                        format!("`occurrence` is {n}, but {} rows have {wanted}: {}", rows.len(), cells.join(", "))
                    }
                    None => format!("{} rows have {wanted}: {}; which one is meant?", rows.len(), cells.join(", ")),
                };
                Err(self.sheet.error(cells[0].clone(), message).hint(format!(
                    "choose one with {}, or give its sheet row, e.g. `\"row\": {}`",
                    choices.join(" or "),
                    rows[rows.len() - 1] + 1
                )))
            }
        }
    }
}

/// `Table_1!C14` for 0-based row 13, column 2 of the sheet `sheet`.
fn cell_ref(sheet: &str, row: u32, col: u32) -> String {
    format!("{}!{}{}", quoted(sheet), column_name(col), row + 1)
}

/// A sheet's name as formulas write it: quoted when it has spaces or punctuation.
fn quoted(sheet: &str) -> String {
    if sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

/// A cell as text: trimmed strings, numbers in full, dates as `YYYY-MM-DD`.
fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => date(cell).map_or_else(|| cell.to_string(), |x| x.to_string()),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn is_empty(cell: &Data) -> bool {
    text(cell).is_empty()
}

/// A number as written in CSV: Rust prints the shortest text that reads
/// back as the same number, so nothing is lost on the way.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// A cell of a long table as CSV text; a "not available" marker is an empty cell.
fn value_text(cell: &Data) -> String {
    let text = text(cell);
    if is_missing_marker(&text) { String::new() } else { text }
}

/// A date cell (or an ISO date string from an `.ods` file) as a date, when
/// it has no time of day.
fn date(cell: &Data) -> Option<X> {
    let (y, m, d) = match cell {
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, h, min, s, ms) = dt.to_ymd_hms_milli();
            if (h, min, s, ms) != (0, 0, 0, 0) {
                return None;
            }
            (i32::from(y), u32::from(m), u32::from(d))
        }
        Data::DateTimeIso(iso) => {
            let (day, time) = iso.split_once('T').unwrap_or((iso, "00:00:00"));
            if !time.trim_start_matches(['0', ':', '.']).trim_end_matches('Z').is_empty() {
                return None;
            }
            match crate::input::date::parse_date(day)? {
                (y, Some(m), Some(d)) => (y, m, d),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(X::Date { year: y, month: m, day: d })
}

/// The x value of a wide table's header cell: a date cell is a date, a
/// whole number from 1000 to 9999 a year, text is read as in CSV files
/// after any footnote marker (`2019 [r]`, `2019*`).
fn header_x(cell: &Data) -> X {
    if let Some(x) = date(cell) {
        return x;
    }
    match cell {
        Data::Float(f) if f.fract() == 0.0 && (1000.0..=9999.0).contains(f) => X::Year(*f as i32),
        Data::Int(i) if (1000..=9999).contains(i) => X::Year(*i as i32),
        _ => X::parse(&without_markers(&text(cell), false)),
    }
}

/// A y cell: a number, or a gap (empty, or a "not available" marker). Else
/// what the cell shows, what is wrong and how to fix it.
fn number(cell: &Data) -> Result<Option<f64>, (String, &'static str, String)> {
    match cell {
        Data::Float(f) if !f.is_finite() || f.abs() > MAX_MAGNITUDE => Err((
            number_text(*f),
            "is too large to be a figure",
            "values are limited to ±1,000,000,000,000,000; is the column in the wrong unit?".into(),
        )),
        Data::Float(f) => Ok(Some(*f)),
        Data::Int(i) => Ok(Some(*i as f64)).and_then(|v| match v {
            Some(v) if v.abs() > MAX_MAGNITUDE => Err((
                i.to_string(),
                "is too large to be a figure",
                "values are limited to ±1,000,000,000,000,000".into(),
            )),
            v => Ok(v),
        }),
        Data::Empty => Ok(None),
        Data::String(s) if is_missing_marker(s) => Ok(None),
        // Numbers stored as text read as the same text in a CSV file would.
        Data::String(s) => parse_number(s).map_err(|bad| (s.trim().to_string(), bad.problem(), bad.hint(s.trim()))),
        Data::Error(e) => Err((
            e.to_string(),
            "is a spreadsheet error, not a number",
            "fix the formula in the spreadsheet, or leave the cell empty for a gap".into(),
        )),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Err((
            text(cell),
            "is a date or time, not a number",
            "check the row and columns: a number was expected here".into(),
        )),
        Data::Bool(_) => {
            Err((text(cell), "is not a number", "write a number, or leave the cell empty for a gap".into()))
        }
    }
}

/// Text that marks a value as not available: `..`, `:`, `-`, `x`, `*`,
/// `n/a` or a bracketed code alone (`[x]`, `[c]`, `[z]`, `[low]`), as
/// official statistics write them. Such cells are gaps, never zeros.
pub fn is_missing_marker(text: &str) -> bool {
    let t = text.trim();
    let bracketed = t.len() >= 3 && t.starts_with('[') && t.ends_with(']') && !t[1..t.len() - 1].contains(['[', ']']);
    bracketed || matches!(t.to_ascii_lowercase().as_str(), ".." | "." | ":" | "-" | "–" | "—" | "*" | "x" | "n/a")
}

/// A label (a row's name or a column heading) as compared: surrounding
/// white space trimmed, inner runs of spaces as one, footnote markers
/// removed from the end.
pub fn label(text: &str) -> String {
    without_markers(&text.split_whitespace().collect::<Vec<_>>().join(" "), true)
}

/// Whether a cell's text is the label an author wrote.
fn same_label(cell: &str, wanted: &str) -> bool {
    let wanted = wanted.split_whitespace().collect::<Vec<_>>().join(" ");
    let cell_spaced = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    cell_spaced == wanted || label(cell) == label(&wanted)
}

/// Removes footnote markers from the end of a label: bracketed notes
/// (`[x]`, `[note 1]`), `(r)` and `(p)` (revised, provisional), `*`, `†`,
/// `‡`, superscript digits, and, in labels, one or two digits straight
/// after a letter or a closing bracket (`Wiltshire2`, `Officers (FTE)1`),
/// as the Home Office marks its notes.
fn without_markers(text: &str, digits_after_letters: bool) -> String {
    let mut t = text.trim_end();
    loop {
        let before = t.len();
        if t.ends_with(']')
            && let Some(open) = t.rfind('[')
            && open > 0
        {
            t = &t[..open];
        }
        for marker in ["(r)", "(p)", "(R)", "(P)"] {
            if t.len() > marker.len() {
                t = t.strip_suffix(marker).unwrap_or(t);
            }
        }
        t = t.trim_end_matches(['*', '†', '‡', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '⁰']);
        if digits_after_letters {
            let stem = t.trim_end_matches(|c: char| c.is_ascii_digit());
            if (1..=2).contains(&(t.len() - stem.len()))
                && stem.chars().next_back().is_some_and(|c| c.is_alphabetic() || c == ')')
            {
                t = stem;
            }
        }
        t = t.trim_end();
        if t.len() == before || t.is_empty() {
            break;
        }
    }
    if t.is_empty() { text.trim().to_string() } else { t.to_string() }
}

/// `` `a`, `b` and `c` ``.
fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => "none".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_read_and_write() {
        assert_eq!(parse_column("A"), Some(0));
        assert_eq!(parse_column("z"), Some(25));
        assert_eq!(parse_column("AB"), Some(27));
        assert_eq!(parse_column("XFD"), Some(16_383));
        assert_eq!(parse_column("XFE"), None);
        assert_eq!(parse_column("A1"), None);
        for col in [0, 25, 26, 27, 701, 702, 16_383] {
            assert_eq!(parse_column(&column_name(col)), Some(col));
        }
        assert_eq!(Place::range("A6:D63"), Ok(Place { header: 5, first_col: 0, last: Some((62, 3)) }));
        assert_eq!(Place::range("$B$2:$C$9").map(|p| (p.header, p.first_col)), Ok((1, 1)));
        assert!(Place::range("A6").is_err());
        assert!(Place::range("D6:A63").unwrap_err().contains("down and to the right"));
        assert!(Place::range("A6:D6").is_err(), "a header with no rows under it");
        assert!(Place::header_row(0).is_err());
    }

    #[test]
    fn footnote_markers_are_left_out_of_labels() {
        for (cell, want) in [
            ("West Midlands ", "West Midlands"),
            ("Derbyshire1", "Derbyshire"),
            ("Officers (FTE)1", "Officers (FTE)"),
            ("Wiltshire2", "Wiltshire"),
            ("Kent [note 3]", "Kent"),
            ("Essex (r)", "Essex"),
            ("Surrey*", "Surrey"),
            ("Dorset²", "Dorset"),
            ("Total 43 forces", "Total 43 forces"),
            ("Area  51", "Area 51"),
            ("[x]", "[x]"),
        ] {
            assert_eq!(label(cell), want, "{cell:?}");
        }
        assert!(same_label("West Midlands ", "West Midlands"));
        assert!(!same_label("West Mercia", "West Midlands"));
        // Header x values keep digits that belong to them.
        assert_eq!(header_x(&Data::String("2019 [r]".into())), X::Year(2019));
        assert_eq!(header_x(&Data::String("2016/17".into())), X::FinancialYear(2016));
        assert_eq!(header_x(&Data::Float(2019.0)), X::Year(2019));
        assert_eq!(
            header_x(&Data::DateTimeIso("2019-03-31T00:00:00".into())),
            X::Date { year: 2019, month: 3, day: 31 }
        );
    }

    #[test]
    fn markers_are_gaps_and_other_text_is_reported() {
        for gap in ["", "..", "[x]", "[c]", ":", "-", "x", "n/a", " .. "] {
            assert_eq!(number(&Data::String(gap.into())), Ok(None), "{gap:?}");
        }
        assert_eq!(number(&Data::String(" 6494.7 ".into())), Ok(Some(6494.7)));
        assert_eq!(number(&Data::Float(6494.7)), Ok(Some(6494.7)));
        let (shown, problem, hint) = number(&Data::String("6,494.7".into())).unwrap_err();
        assert_eq!((shown.as_str(), problem), ("6,494.7", "is not a number"));
        assert!(hint.contains("thousands separators"), "{hint}");
        assert!(number(&Data::String("6494.7 (r)".into())).is_err(), "a marked number is reported, not guessed at");
        assert!(number(&Data::Float(1e300)).is_err());
        assert!(number(&Data::Bool(true)).is_err());
    }

    struct Counting(std::sync::atomic::AtomicUsize, Vec<u8>);

    impl Files for Counting {
        fn read(&self, name: &str) -> Result<String, String> {
            Err(format!("{name} is binary"))
        }
        fn read_bytes(&self, _: &str) -> Result<Vec<u8>, String> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(self.1.clone())
        }
        fn display(&self, name: &str) -> String {
            format!("dir/{name}")
        }
    }

    #[test]
    fn workbooks_are_read_once_and_damage_is_explained() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().set_name("Table 1").unwrap().write_string(0, 0, "x").unwrap();
        let files = Counting(Default::default(), book.save_to_buffer().unwrap());
        let parsed = Parsed::default();
        for _ in 0..3 {
            let book = open(&parsed, &files, "t.xlsx");
            let book = book.as_ref().as_ref().map_err(|_| "unreadable").unwrap();
            assert_eq!(book.name, "dir/t.xlsx");
            assert_eq!(book.sheet_names(), ["Table 1"]);
        }
        assert_eq!(files.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        let book = open(&parsed, &files, "t.xlsx");
        let Err(SheetError::Missing { message, hint }) =
            book.as_ref().as_ref().map_err(|_| ()).unwrap().sheet("Table_1")
        else {
            panic!("a missing sheet is reported as missing");
        };
        assert_eq!(message, "there is no sheet `Table_1` in dir/t.xlsx");
        assert_eq!(hint, "did you mean `Table 1`?");
        let cut = Counting(Default::default(), files.1[..files.1.len() / 2].to_vec());
        match open(&Parsed::default(), &cut, "cut.xlsx").as_ref() {
            Err(OpenError::Damaged { message, hint }) => {
                assert!(message.starts_with("`cut.xlsx` is not a readable spreadsheet"), "{message}");
                assert!(hint.contains("Excel workbook (.xlsx)"), "{hint}");
            }
            _ => panic!("a cut-short workbook is reported as damaged"),
        }
    }

    #[test]
    fn numbers_written_for_csv_read_back_exactly() {
        for f in [6494.7, 1.0 / 3.0, 0.1 + 0.2, 2019.0, -3.5e-7] {
            assert_eq!(number_text(f).parse::<f64>().unwrap(), f);
        }
        assert_eq!(number_text(2019.0), "2019");
    }
}
