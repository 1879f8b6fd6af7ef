//! Executing a [`Plan`] over one table: its rows are streamed and folded
//! into one accumulator per group (an x, or a label and a month) as they
//! are read, so memory follows the number of groups, never the file's
//! size. Only the columns the plan uses are looked at.
//!
//! CSV files (read from a stream) and spreadsheet tables (rows in memory)
//! go through the same steps. Problems are kept with their place in the
//! table (a record's position and a column) for the caller to word as a
//! line or a cell.

use std::collections::{BTreeSet, HashMap};

use csv::ByteRecord;

use crate::analyse::plan::{Plan, Shape, month_of};
use crate::analyse::stats::X;
use crate::input::data::{BadNumber, parse_number};
use crate::input::manifest::{Aggregate, Match};
use crate::input::x::years_in_headings;

/// The position of the header row, among record positions.
pub const HEADER: u64 = u64::MAX;

/// A place in a table: a record (its byte offset in a CSV file, its row in
/// a spreadsheet table, or [`HEADER`]) and a 0-based column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub pos: u64,
    pub column: usize,
}

/// A problem found while reading a table.
#[derive(Debug, Clone)]
pub struct Issue {
    pub at: Option<At>,
    pub message: String,
    pub hint: String,
    /// The manifest field the problem is in (`x`, `where.force`) when the
    /// file is right and the declaration names something it lacks; empty
    /// when the problem is in the file.
    pub field: Vec<String>,
}

/// What rows of one group (an x, or a label in a month) add up to.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    pub sum: f64,
    /// Rows folded in (with a value or a gap).
    pub rows: u64,
    /// Rows whose value cell was empty.
    pub gaps: u64,
    /// The most decimals of any value: a sum is rounded to them, so that
    /// 0.1 + 0.2 shows as 0.3 as it would on paper.
    pub decimals: u8,
    /// The positions of the first few rows, for messages.
    pub first: Vec<u64>,
    /// For each tracked `in` filter, which of its members some row holds (a bit each).
    pub members: Vec<Vec<u64>>,
}

/// The message for a file that is not UTF-8, which the caller reports at
/// the manifest's `file` (the fix is there) with the line and column.
pub const NOT_UTF8: &str = "the file is not UTF-8 text";

/// How many row positions a group keeps for messages.
const POSITIONS_KEPT: usize = 5;

/// How many distinct values of a `where` column are kept for hints.
const DISTINCT_KEPT: usize = 2000;

/// A group's key: the series' x (a date, a period or a label) and, when
/// several dates fold into it, the row's own date (kept apart so that a
/// later file can replace a month, and missing months can be found).
pub type Key = (X, Option<X>);

/// One table, folded.
#[derive(Debug, Default)]
pub struct Folded {
    /// The header cells, trimmed.
    pub header: Vec<String>,
    /// Groups in the order their first row appears.
    pub groups: Vec<(Key, Acc)>,
    /// The months of the rows' dates (`year * 12 + month - 1`), for
    /// plans that check for missing months: every row counts, whatever `where` says.
    pub months: BTreeSet<i32>,
    /// For each filter, for each of its values, whether some row holds it.
    pub seen: Vec<Vec<bool>>,
    /// For each filter, the distinct values of its column (up to a limit), for hints.
    pub distinct: Vec<Vec<String>>,
    /// Cells that are not numbers: the kind, the first cell's text, its place, and every row's position.
    pub bad: Vec<(BadNumber, String, At, Vec<u64>, u64)>,
    /// Problems that stop the table being read.
    pub issues: Vec<Issue>,
    pub rows: u64,
}

/// Where the plan's columns are in a table's header.
struct Columns {
    /// Long: the x column (time or label). Wide: the label column, if any.
    x: Option<usize>,
    y: Option<usize>,
    /// Long tables with labels over a range: the date column.
    date: Option<usize>,
    filters: Vec<usize>,
    /// Wide tables: each dated column and its x.
    dated: Vec<(usize, X)>,
}

/// Reads records into the accumulators of a plan. `next` fills the record
/// and gives its position, `Ok(None)` at the end.
pub fn fold(
    plan: &Plan,
    header: Vec<String>,
    next: &mut dyn FnMut(&mut ByteRecord) -> Result<Option<u64>, Issue>,
) -> Folded {
    let mut out = Folded {
        seen: plan.filters.iter().map(|(_, m)| vec![false; m.values().len()]).collect(),
        distinct: vec![Vec::new(); plan.filters.len()],
        ..Folded::default()
    };
    let columns = match columns(plan, &header) {
        Ok(columns) => columns,
        Err(issues) => {
            out.header = header;
            out.issues = issues;
            return out;
        }
    };
    out.header = header;
    let mut state = State::new(plan, &columns);
    if let Shape::Wide { .. } = plan.shape {
        out.months.extend(columns.dated.iter().filter_map(|(_, x)| month_of(x)));
    }
    let mut record = ByteRecord::new();
    loop {
        let pos = match next(&mut record) {
            Ok(Some(pos)) => pos,
            Ok(None) => break,
            Err(issue) => {
                out.issues.push(issue);
                break;
            }
        };
        out.rows += 1;
        if let Err(issue) = state.row(plan, &columns, &record, pos, &mut out) {
            out.issues.push(issue);
            break;
        }
    }
    out.groups = state.into_groups();
    out
}

/// The columns the plan names, found in the header, or an issue for each missing one.
fn columns(plan: &Plan, header: &[String]) -> Result<Columns, Vec<Issue>> {
    let mut issues = Vec::new();
    // A column the header lacks is reported at the manifest field that
    // names it, with the header in the hint.
    let mut find = |name: &str, field: &[&str]| -> Option<usize> {
        let found = header.iter().position(|h| h == name);
        if found.is_none() {
            let hint = match crate::diag::suggest(name, header.iter().map(String::as_str)) {
                _ if header.len() == 1 => format!(
                    "the file has a single column `{}`: is it separated by something other than commas?",
                    header[0]
                ),
                Some(hint) => format!("{hint} The header has {}", shown_list(header)),
                None => format!("the header has {}", shown_list(header)),
            };
            let message = format!("the data file has no column `{name}`");
            let field = field.iter().map(|s| s.to_string()).collect();
            issues.push(Issue { at: Some(At { pos: HEADER, column: 0 }), message, hint, field });
        }
        found
    };
    let (x, y, date) = match &plan.shape {
        Shape::Long { x, y, date } => (
            find(x, &["x"]),
            y.as_deref().and_then(|y| find(y, &["y"])),
            date.as_deref().and_then(|d| find(d, &["date"])),
        ),
        Shape::Wide { x } => (x.as_deref().and_then(|x| find(x, &["x"])), None, None),
    };
    let filters: Vec<usize> = plan.filters.iter().filter_map(|(c, _)| find(c, &["where", c])).collect();
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut dated = Vec::new();
    if let Shape::Wide { .. } = plan.shape {
        for (i, h) in header.iter().enumerate() {
            let parsed = date_x(plan, h);
            if parsed.as_ref().is_ok_and(X::is_time) && Some(i) != x && !filters.contains(&i) {
                dated.push((i, parsed.unwrap_or(X::Year(0))));
            }
        }
        if dated.is_empty() {
            // `Population mid-2020`, `Population mid-2019`: years inside words.
            let open: Vec<usize> = (0..header.len()).filter(|i| Some(*i) != x && !filters.contains(i)).collect();
            let headings: Vec<&str> = open.iter().map(|&i| header[i].as_str()).collect();
            if let Some(years) = years_in_headings(&headings) {
                dated = open.iter().zip(years).filter_map(|(&i, y)| Some((i, X::Year(y?)))).collect();
            }
        }
        if dated.is_empty() {
            return Err(vec![Issue {
                field: Vec::new(),
                at: Some(At { pos: HEADER, column: 0 }),
                message: "no column of this wide table is headed by a date, month or year".into(),
                hint: format!(
                    "a wide table has one column per date, headed `2024-01`, `202401` or `2024`; the header has {}",
                    shown_list(header)
                ),
            }]);
        }
    }
    Ok(Columns { x, y, date, filters, dated })
}

/// The header's cells for a message: the first few, then how many.
fn shown_list(header: &[String]) -> String {
    let shown: Vec<String> = header.iter().take(8).map(|h| format!("`{h}`")).collect();
    let more = if header.len() > shown.len() { format!(" … ({} columns)", header.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// A date cell read as x, with first-of-month dates moved to the month's
/// end when the plan says they stand for it.
fn date_x(plan: &Plan, cell: &str) -> Result<X, String> {
    let x = X::parse(cell);
    if !plan.month_end {
        return Ok(x);
    }
    match x {
        X::Date { year, month, day: 1 } => Ok(X::Date { year, month, day: days_in(year, month) }),
        X::Date { .. } => {
            Err(format!("`{cell}` is not the first of a month, so `\"as_at\": \"month-end\"` cannot read it"))
        }
        other => Ok(other),
    }
}

fn days_in(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1]
}

/// The folding state of one table: groups, and caches that spare parsing
/// the same date or label again on the next row (police archives repeat
/// one month a file).
struct State {
    index: HashMap<Key, usize>,
    groups: Vec<(Key, Acc)>,
    /// The last row's date cell and its x (or the reason it is not one).
    last_date: (Vec<u8>, Result<X, String>),
    /// The last row's key cells and the group they led to.
    last_key: (Vec<u8>, Vec<u8>, usize),
    /// Indices of the filters whose members are checked at every x.
    tracked: Vec<usize>,
    /// For the row being read: which value of each filter it holds.
    held: Vec<usize>,
    /// The month of the last row's date, already recorded.
    last_month: Option<i32>,
    count: bool,
}

impl State {
    fn new(plan: &Plan, columns: &Columns) -> Self {
        // Members summed at one x must all be there; a filter on the x
        // column itself (a ranking of boroughs) picks x values, not members.
        let sums = matches!(plan.aggregate, Some(Aggregate::Sum | Aggregate::Mean));
        let tracked = plan
            .filters
            .iter()
            .enumerate()
            .filter(|(i, (_, m))| sums && matches!(m, Match::Any(_)) && Some(columns.filters[*i]) != columns.x)
            .map(|(i, _)| i)
            .collect();
        State {
            index: HashMap::new(),
            groups: Vec::new(),
            last_date: (Vec::new(), Err(String::new())),
            last_key: (Vec::new(), Vec::new(), usize::MAX),
            tracked,
            held: Vec::new(),
            last_month: None,
            count: plan.aggregate == Some(Aggregate::Count),
        }
    }

    fn into_groups(self) -> Vec<(Key, Acc)> {
        self.groups
    }

    /// Folds one record in.
    fn row(
        &mut self,
        plan: &Plan,
        columns: &Columns,
        record: &ByteRecord,
        pos: u64,
        out: &mut Folded,
    ) -> Result<(), Issue> {
        let cell = |i: usize| -> Result<&str, Issue> {
            let bytes = record.get(i).unwrap_or_default();
            std::str::from_utf8(bytes).map(str::trim).map_err(|e| {
                // The character column of the first bad byte, counted over the fields before it.
                let before: usize =
                    (0..i).map(|j| String::from_utf8_lossy(record.get(j).unwrap_or_default()).chars().count() + 1).sum();
                let within = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).chars().count();
                Issue {
                    field: Vec::new(),
                    at: Some(At { pos, column: before + within }),
                    message: NOT_UTF8.into(),
                    hint: "spreadsheets often save CSV as Windows-1252: say so on the series with `\"encoding\": \"windows-1252\"`, or save the file as \"CSV UTF-8\"".into(),
                }
            })
        };
        // Which filter values the row holds, and whether it is kept.
        let mut kept = true;
        self.held.clear();
        for (f, ((_, m), &column)) in plan.filters.iter().zip(&columns.filters).enumerate() {
            // Most rows hold one of the values exactly: compare bytes first,
            // and read the cell as text only when they do not.
            let raw = record.get(column).unwrap_or_default().trim_ascii();
            let quick = m.values().iter().position(|v| v.as_bytes() == raw);
            let value = if quick.is_some() { "" } else { cell(column)? };
            let position = quick.or_else(|| m.position(value));
            if let Some(p) = position {
                out.seen[f][p] = true;
            } else if out.distinct[f].len() < DISTINCT_KEPT
                // Rows come in runs of one value: compare with the last one kept first.
                && out.distinct[f].last().is_none_or(|d| d != value)
                && !out.distinct[f].iter().any(|d| d == value)
            {
                out.distinct[f].push(value.to_string());
            }
            self.held.push(position.unwrap_or(usize::MAX));
            kept &= position.is_some() != m.excludes();
        }
        let members: Vec<usize> = self.tracked.iter().map(|&f| self.held[f]).collect();
        match &plan.shape {
            Shape::Long { .. } => {
                // The row's date: its x, or its `date` column.
                let date_column = columns.date.or(if plan.checks_months() { columns.x } else { None });
                let date = match date_column {
                    Some(i) => {
                        let x = self.date(plan, cell(i)?.as_bytes()).map_err(|message| Issue {
                            field: Vec::new(),
                            at: Some(At { pos, column: i }),
                            message,
                            hint: "write first-of-month dates, or leave out `as_at`".into(),
                        })?;
                        if let Some(month) = month_of(&x)
                            && self.last_month != Some(month)
                        {
                            out.months.insert(month);
                            self.last_month = Some(month);
                        }
                        Some(x)
                    }
                    None => None,
                };
                if !kept {
                    return Ok(());
                }
                let x_index = columns.x.unwrap_or(0);
                let value = match columns.y {
                    Some(y) => Some((y, cell(y)?)),
                    None => None,
                };
                let x_bytes = record.get(x_index).unwrap_or_default();
                let date_bytes = date_column.and_then(|i| record.get(i)).unwrap_or_default();
                let group =
                    if self.last_key.2 != usize::MAX && self.last_key.0 == x_bytes && self.last_key.1 == date_bytes {
                        self.last_key.2
                    } else {
                        // Checked as text once per run of equal cells.
                        cell(x_index)?;
                        let key = if columns.date.is_some() {
                            (X::Category(cell(x_index)?.to_string()), date.clone())
                        } else if let (Some(period), Some(date)) = (plan.period, &date) {
                            match month_of(date) {
                                Some(month) => (period.of_month(month), Some(date.clone())),
                                None => return Err(not_dated(date, At { pos, column: x_index })),
                            }
                        } else {
                            (
                                self.date(plan, x_bytes).map_err(|message| Issue {
                                    field: Vec::new(),
                                    at: Some(At { pos, column: x_index }),
                                    message,
                                    hint: "write first-of-month dates, or leave out `as_at`".into(),
                                })?,
                                None,
                            )
                        };
                        let group = self.group(key);
                        self.last_key = (x_bytes.to_vec(), date_bytes.to_vec(), group);
                        group
                    };
                self.add(group, value, pos, &members, out);
            }
            Shape::Wide { .. } => {
                if !kept {
                    return Ok(());
                }
                let label = match columns.x {
                    Some(i) => Some(cell(i)?.to_string()),
                    None => None,
                };
                for (column, x) in &columns.dated {
                    let key = match (&label, plan.period) {
                        (Some(label), _) => (X::Category(label.clone()), Some(x.clone())),
                        (None, Some(period)) => match month_of(x) {
                            Some(month) => (period.of_month(month), Some(x.clone())),
                            None => return Err(not_dated(x, At { pos: HEADER, column: *column })),
                        },
                        (None, None) => (x.clone(), None),
                    };
                    let group = self.group(key);
                    self.add(group, Some((*column, cell(*column)?)), pos, &members, out);
                }
            }
        }
        Ok(())
    }

    /// A date cell as x, parsed once for a run of rows with the same cell.
    fn date(&mut self, plan: &Plan, bytes: &[u8]) -> Result<X, String> {
        if self.last_date.0 != bytes || self.last_date.1.as_ref().is_err_and(String::is_empty) {
            let text = std::str::from_utf8(bytes).unwrap_or_default();
            self.last_date = (bytes.to_vec(), date_x(plan, text));
        }
        self.last_date.1.clone()
    }

    fn group(&mut self, key: Key) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let members = vec![Vec::new(); self.tracked.len()];
        self.groups.push((key.clone(), Acc { members, ..Acc::default() }));
        self.index.insert(key, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Adds a row's value (a `(column, cell)`, or one row for a count) to a group.
    fn add(&mut self, group: usize, value: Option<(usize, &str)>, pos: u64, members: &[usize], out: &mut Folded) {
        let acc = &mut self.groups[group].1;
        acc.rows += 1;
        if acc.first.len() < POSITIONS_KEPT {
            acc.first.push(pos);
        }
        for (bits, &member) in acc.members.iter_mut().zip(members) {
            if member != usize::MAX {
                let (word, bit) = (member / 64, member % 64);
                if bits.len() <= word {
                    bits.resize(word + 1, 0);
                }
                bits[word] |= 1 << bit;
            }
        }
        let Some((column, text)) = value else {
            if self.count {
                acc.sum += 1.0;
            }
            return;
        };
        match parse_number(text) {
            Ok(Some(v)) => {
                acc.sum += v;
                acc.decimals = acc.decimals.max(decimals(text));
            }
            Ok(None) => acc.gaps += 1,
            Err(kind) => match out.bad.iter_mut().find(|b| b.0 == kind) {
                Some(bad) => {
                    if bad.3.len() < POSITIONS_KEPT {
                        bad.3.push(pos);
                    }
                    bad.4 += 1;
                }
                None => out.bad.push((kind, text.to_string(), At { pos, column }, vec![pos], 1)),
            },
        }
    }
}

fn not_dated(x: &X, at: At) -> Issue {
    Issue {
        field: Vec::new(),
        at: Some(at),
        message: format!("`{x}` is a {}, so it cannot be grouped into periods", x.kind()),
        hint:
            "periods group dates (`2024-01-31`) and months (`2024-01`, `202401`); leave out `period` for other x values"
                .into(),
    }
}

/// The digits after the decimal point of a number as written (none for `1e3`).
fn decimals(text: &str) -> u8 {
    match text.split_once('.') {
        Some((_, after)) if after.bytes().all(|b| b.is_ascii_digit()) => after.len().min(12) as u8,
        _ => 0,
    }
}

/// Whether a group holds every member of tracked filter `t`, of `members` values.
pub fn holds_all(acc: &Acc, t: usize, members: usize) -> bool {
    let bits = &acc.members[t];
    (0..members).all(|m| bits.get(m / 64).is_some_and(|w| w & (1 << (m % 64)) != 0))
}

/// Which members of tracked filter `t` a group lacks.
pub fn lacking(acc: &Acc, t: usize, members: usize) -> Vec<usize> {
    let bits = &acc.members[t];
    (0..members).filter(|m| bits.get(m / 64).is_none_or(|w| w & (1 << (m % 64)) == 0)).collect()
}

/// Reads a CSV stream's header and then folds its records. Positions are
/// byte offsets; the caller turns them into lines only for messages.
pub fn fold_csv(plan: &Plan, stream: Box<dyn std::io::Read + Send>) -> Folded {
    let mut records = crate::input::records::Records::new(stream);
    let mut first = ByteRecord::new();
    let header: Vec<String> = match records.next(&mut first) {
        Ok(Some(_)) => first
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let cell = if i == 0 { cell.strip_prefix(b"\xef\xbb\xbf").unwrap_or(cell) } else { cell };
                String::from_utf8_lossy(cell).trim().to_string()
            })
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => return Folded { issues: vec![io_issue(&e, 0)], ..Folded::default() },
    };
    if header.iter().all(String::is_empty) {
        let issue = Issue {
            field: Vec::new(),
            at: Some(At { pos: HEADER, column: 0 }),
            message: "the file is empty".into(),
            hint: "a data file starts with a header row naming its columns".into(),
        };
        return Folded { issues: vec![issue], header, ..Folded::default() };
    }
    let width = header.len();
    let mut last = 0;
    let mut next = |record: &mut ByteRecord| match records.next(record) {
        Ok(Some(pos)) if record.len() != width => Err(Issue {
            field: Vec::new(),
            at: Some(At { pos, column: 0 }),
            message: format!("this row has {} fields but the header has {width}", record.len()),
            hint: "every row needs one value per column; quote values that contain commas".into(),
        }),
        Ok(Some(pos)) => {
            last = pos;
            Ok(Some(pos))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(io_issue(&e, last)),
    };
    let mut folded = fold(plan, header, &mut next);
    if folded.rows == 0 && folded.issues.is_empty() {
        folded.issues.push(Issue {
            field: Vec::new(),
            at: Some(At { pos: HEADER, column: 0 }),
            message: "the file has a header row but no data rows".into(),
            hint: "add one row per x value under the header".into(),
        });
    }
    folded
}

/// A problem reading the stream (damaged gzip, a limit passed, a quoted
/// record the CSV reader refuses), placed after the last record read.
fn io_issue(e: &std::io::Error, pos: u64) -> Issue {
    let message = crate::input::stream::describe(e);
    let hint = if message.contains("gzip") || message.contains("GiB") || message.contains("MiB") {
        "check the file, or download it again"
    } else {
        "data files are comma-separated with one header row"
    };
    Issue { at: Some(At { pos, column: 0 }), message, hint: hint.into(), field: Vec::new() }
}
