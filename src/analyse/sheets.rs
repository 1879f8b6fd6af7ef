//! Series read from spreadsheet tables, one edition or several.
//!
//! Each edition (file) is read with the same sheet and selection; their
//! points are merged by x, oldest edition first. Where two editions give
//! the same x the later one's value is used; a value that differs is a
//! revision, reported as a warning naming both values, files and cells,
//! so that a changed figure is never taken in silently.

use std::collections::{BTreeSet, HashMap};

use crate::analyse::stats::{Series, X};
use crate::analyse::{Resolver, assemble, fold, order_problem, plan, tables};
use crate::diag::{Diagnostic, PathSeg};
use crate::input::manifest::{DataSpec, Edition, RowChoice};
use crate::input::sheet::{self, Choice, OpenError, Place, Point, SheetError, Table};

/// One edition as the manifest names it: its file, and where its table is
/// when it overrides the series' own `range` or `header`.
struct EditionSpec<'a> {
    file: &'a str,
    range: Option<&'a str>,
    header: Option<u32>,
    /// Where in the series the edition is named (`file`, `files[2]`), for errors about it.
    field: Vec<PathSeg>,
}

/// Two values from different editions that agree to this relative
/// precision are the same figure: editions store sums such as 6534.5 as
/// 6534.5000000000082.
const SAME_VALUE: f64 = 1e-9;

impl Resolver<'_> {
    /// A series read from one spreadsheet (`file` and `sheet`) or from
    /// several editions (`files`).
    pub(super) fn sheet_series(&mut self, name: &str, spec: &DataSpec) -> Option<Series> {
        // Fields of CSV series that spreadsheet tables do not take: an
        // error, never silently ignored.
        let unsupported = [
            ("encoding", spec.encoding.is_some(), "leave it out: a spreadsheet's text is always Unicode"),
            ("wide", spec.wide, "a spreadsheet's wide table is read with `row`, e.g. `{\"A\": \"West Midlands\"}`"),
        ];
        for (field, set, hint) in unsupported {
            if set {
                self.error(name, Some(field), format!("`{field}` applies to CSV files, not spreadsheet tables"), hint);
            }
        }
        if unsupported.iter().any(|u| u.1) {
            return None;
        }
        let editions = self.editions(name, spec)?;
        let Some(sheet_name) = &spec.sheet else {
            let spreadsheet = editions.iter().find(|e| sheet::is_spreadsheet(e.file)).map(|e| e.file);
            let (message, hint) = match spreadsheet {
                Some(file) => {
                    let names = self.sheet_names(file);
                    (
                        format!("`{file}` is a spreadsheet: name the sheet the table is on"),
                        format!("add `\"sheet\": ...`; its sheets are {names}"),
                    )
                }
                None => (
                    "several editions (`files`) are read from spreadsheets only".to_string(),
                    "give one CSV file as `file`, or spreadsheet files with a `sheet`".to_string(),
                ),
            };
            self.error(name, None, message, hint);
            return None;
        };
        if let Some(csv) = editions.iter().find(|e| !sheet::is_spreadsheet(e.file)) {
            self.error(
                name,
                Some("sheet"),
                format!("`{}` is not a spreadsheet, so it has no sheets", csv.file),
                "`sheet` is for .ods, .xlsx and .xls files; leave it out for CSV",
            );
            return None;
        }
        let shape = self.shape(name, spec)?;
        let mut read: Vec<(String, Vec<Point>)> = Vec::new();
        let mut ok = true;
        let before = self.diags.len();
        for edition in &editions {
            let Some(place) = self.place(name, spec, edition) else {
                ok = false;
                continue;
            };
            match self.edition_points(name, spec, &shape, edition, sheet_name, place) {
                Some(points) => read.push((edition.file.to_string(), points)),
                None => ok = false,
            }
        }
        let files: Vec<&str> = editions.iter().map(|e| e.file).collect();
        self.one_error_per_mistake(before, &files);
        if !ok {
            return None;
        }
        let points = self.merge(name, read)?;
        Some(Series { label: String::new(), unit: String::new(), sources: Vec::new(), points })
    }

    /// The same mistake in several editions (a misnamed sheet or row label)
    /// is one error naming the editions, not one error per file: the
    /// diagnostics from `from` on that differ only in the file are merged.
    fn one_error_per_mistake(&mut self, from: usize, files: &[&str]) {
        let fresh = self.diags.split_off(from.min(self.diags.len()));
        let named = |d: &Diagnostic| files.iter().copied().find(|f| d.message.contains(*f));
        let mut merged: Vec<(Diagnostic, Vec<&str>)> = Vec::new();
        for d in fresh {
            let Some(file) = named(&d) else {
                merged.push((d, Vec::new()));
                continue;
            };
            let key = d.message.replace(file, "");
            let same = merged.iter_mut().find(|(m, f)| {
                !f.is_empty() && m.severity == d.severity && m.file == d.file && m.message.replace(f[0], "") == key
            });
            match same {
                Some((_, f)) => f.push(file),
                None => merged.push((d, vec![file])),
            }
        }
        for (mut d, found) in merged {
            if found.len() > 1 {
                let list =
                    crate::analyse::assemble::and_list(&found.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>());
                let all = if found.len() == files.len() { "all " } else { "" };
                d.message = d.message.replace(found[0], &format!("{all}{} editions: {list}", found.len()));
                // `./name` as files are displayed: the folder prefix no longer fits.
                d.message = d
                    .message
                    .replace(&format!("./{all}{} editions", found.len()), &format!("{all}{} editions", found.len()));
            }
            self.diags.push(d);
        }
    }

    /// The editions a series reads: `file`, or each of `files`.
    fn editions<'s>(&mut self, name: &str, spec: &'s DataSpec) -> Option<Vec<EditionSpec<'s>>> {
        match (&spec.file, spec.files.as_slice()) {
            (Some(file), []) => {
                Some(vec![EditionSpec { file, range: None, header: None, field: vec![PathSeg::Key("file".into())] }])
            }
            (None, []) => {
                self.error(
                    name,
                    None,
                    "a series with a `sheet` needs the spreadsheet `file` (or several editions as `files`)",
                    "add `\"file\": \"tables.ods\"`, relative to the manifest's folder",
                );
                None
            }
            (None, files) => Some(
                files
                    .iter()
                    .enumerate()
                    .map(|(i, e)| match e {
                        Edition::File(file) => EditionSpec { file, range: None, header: None, field: files_at(i) },
                        Edition::Placed(p) => EditionSpec {
                            file: &p.file,
                            range: p.range.as_deref(),
                            header: p.header,
                            field: files_at(i),
                        },
                    })
                    .collect(),
            ),
            (Some(_), _) => {
                self.error(
                    name,
                    Some("files"),
                    "a series has one `file` or several `files`, not both",
                    "move the `file` into the `files` list, oldest edition first",
                );
                None
            }
        }
    }

    /// The sheets of a spreadsheet, for a hint.
    fn sheet_names(&mut self, file: &str) -> String {
        let book = self.workbook(file);
        match book.as_ref() {
            Ok(book) => book.sheet_names().iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            Err(_) => "unknown (the file cannot be read)".into(),
        }
    }

    fn workbook(&self, file: &str) -> std::sync::Arc<Result<sheet::Workbook, OpenError>> {
        sheet::open(self.files.parsed().unwrap_or(&self.parsed), self.files, file)
    }

    /// Long (`x` and `y` columns) or wide (`row`), checked against the other fields.
    fn shape(&mut self, name: &str, spec: &DataSpec) -> Option<Shape> {
        match (&spec.row, &spec.x, &spec.y) {
            (None, Some(_), _) => {
                if spec.occurrence.is_some() || !spec.skip.is_empty() {
                    let field = if spec.occurrence.is_some() { "occurrence" } else { "skip" };
                    self.error(
                        name,
                        Some(field),
                        format!("`{field}` is for wide tables, read with `row`"),
                        "a long table chooses its rows with `where`",
                    );
                    return None;
                }
                Some(Shape::Long)
            }
            (None, _, _) => {
                self.error(
                    name,
                    None,
                    "a spreadsheet series needs `x` and `y` columns (a long table) or a `row` (a wide table)",
                    "for one row per area with dates across the header, write `\"row\": {\"A\": \"West Midlands\"}`",
                );
                None
            }
            (Some(_), None, None) if !spec.filter.is_empty() => {
                self.error(
                    name,
                    Some("where"),
                    "`where` is for long tables; a wide table's row is chosen with `row`",
                    "put the row's label in `row`, e.g. `{\"A\": \"West Midlands\"}`",
                );
                None
            }
            (Some(row), None, None) => {
                let choice = match row {
                    RowChoice::Number(0) => {
                        self.error(
                            name,
                            Some("row"),
                            "sheet rows are numbered from 1",
                            "give the row number the spreadsheet shows",
                        );
                        return None;
                    }
                    RowChoice::Number(n) => Choice::Row(n - 1),
                    RowChoice::Labels(labels) if labels.is_empty() => {
                        self.error(
                            name,
                            Some("row"),
                            "`row` names no label",
                            "write `{\"A\": \"West Midlands\"}`: the column letter and the row's label",
                        );
                        return None;
                    }
                    RowChoice::Labels(labels) => {
                        let mut parsed = Vec::new();
                        for (column, label) in labels {
                            let Some(col) = sheet::parse_column(column) else {
                                self.error(
                                    name,
                                    Some("row"),
                                    format!("`{column}` is not a column letter"),
                                    format!("a wide table's labels are found by column letter, as the spreadsheet shows it: `{{\"A\": \"{label}\"}}`"),
                                );
                                return None;
                            };
                            parsed.push((col, label.clone()));
                        }
                        Choice::Labels(parsed)
                    }
                };
                if spec.occurrence == Some(0) {
                    self.error(
                        name,
                        Some("occurrence"),
                        "occurrences are counted from 1",
                        "`1` is the first matching row from the top",
                    );
                    return None;
                }
                Some(Shape::Wide { choice })
            }
            (Some(_), _, _) => {
                self.error(
                    name,
                    Some("row"),
                    "a wide table takes its x values from the header and its y values from `row`, so it has no `x` or `y`",
                    "leave out `x` and `y`, or leave out `row` to read a long table",
                );
                None
            }
        }
    }

    /// Where an edition's table is: its own `range`/`header` or the series'.
    fn place(&mut self, name: &str, spec: &DataSpec, edition: &EditionSpec) -> Option<Place> {
        let own = edition.range.is_some() || edition.header.is_some();
        let (range, header) = if own { (edition.range, edition.header) } else { (spec.range.as_deref(), spec.header) };
        let placed = match (range, header) {
            (Some(range), None) => Place::range(range),
            (None, Some(row)) => Place::header_row(row),
            (None, None) => Err("say where the table is on the sheet: `\"range\": \"A6:D63\"` (header row first) or `\"header\": 6` (the header's row)".into()),
            (Some(_), Some(_)) => Err("give `range` or `header`, not both".into()),
        };
        placed
            .map_err(|message| {
                let field = match (own, range, header) {
                    (true, _, _) => edition.field.clone(),
                    (false, Some(_), _) => vec![PathSeg::Key("range".into())],
                    (false, None, Some(_)) => vec![PathSeg::Key("header".into())],
                    (false, None, None) => Vec::new(),
                };
                self.error_at(
                    name,
                    &field,
                    message,
                    "rows are numbered from 1 and columns lettered from A, as the spreadsheet shows them",
                );
            })
            .ok()
    }

    /// The points of one edition, or `None` with its problems reported.
    fn edition_points(
        &mut self,
        name: &str,
        spec: &DataSpec,
        shape: &Shape,
        edition: &EditionSpec,
        sheet_name: &str,
        place: Place,
    ) -> Option<Vec<Point>> {
        let file = edition.file;
        let book = self.workbook(file);
        let book = match book.as_ref() {
            Ok(book) => book,
            Err(OpenError::Read(reason)) => {
                self.error_at(
                    name,
                    &edition.field,
                    format!("cannot read the data file `{file}`: {reason}"),
                    "data files are named relative to the manifest's folder",
                );
                return None;
            }
            Err(OpenError::Damaged { message, hint }) => {
                self.error_at(name, &edition.field, message.clone(), hint.clone());
                return None;
            }
        };
        let sheet = match book.sheet(sheet_name) {
            Ok(sheet) => sheet,
            Err(SheetError::Missing { message, hint }) => {
                self.error(name, Some("sheet"), message, hint);
                return None;
            }
            Err(SheetError::Damaged(diag)) => {
                self.diags.push(diag);
                return None;
            }
        };
        let table = sheet.table(place).map_err(|d| self.diags.push(d)).ok()?;
        let points = match shape {
            Shape::Wide { choice } => match table.wide(choice, spec.occurrence, &spec.skip) {
                Ok(points) => points,
                Err(diags) => {
                    for d in diags {
                        self.row_error(name, d, file);
                    }
                    return None;
                }
            },
            Shape::Long => self.long_points(name, spec, &table)?,
        };
        let mut points = points;
        if let Shape::Wide { .. } = shape {
            // Columns headed by dates may run newest first (as ONS tables
            // do): time order is the x values', not the sheet's. Ties and
            // mixed kinds are left in place for the check below.
            let kind = points.first().map(|p| p.x.kind());
            if points.iter().all(|p| p.x.is_time() && Some(p.x.kind()) == kind) {
                points.sort_by(|a, b| a.x.time_cmp(&b.x).unwrap_or(std::cmp::Ordering::Equal));
            }
        }
        let numbered: Vec<(usize, X, Option<f64>)> =
            points.iter().enumerate().map(|(i, p)| (i, p.x.clone(), p.y)).collect();
        if let Some((at, message, hint)) = order_problem(&numbered) {
            // In a wide table the x values are header cells: a text heading
            // among dates is a column that is not an x value at all.
            let hint = match shape {
                Shape::Wide { .. } if message.contains("mix kinds") => {
                    "a wide table's x values are its header cells: leave out other columns (such as change columns) with `range` or `skip`, e.g. `\"skip\": [\"number\", \"%\"]`".to_string()
                }
                _ => hint,
            };
            self.diags.push(Diagnostic::error(&book.name, message).path(points[at].x_cell.clone()).hint(hint));
            return None;
        }
        Some(points)
    }

    /// A problem choosing a wide table's row (no row has the label, or
    /// several do) is a mistake in `row` or `occurrence`: it is reported
    /// there, with the file and cells in the message. Others stay at the cell.
    fn row_error(&mut self, name: &str, d: Diagnostic, file: &str) {
        let field = if d.message.starts_with("`occurrence`") {
            "occurrence"
        } else if d.message.starts_with("no row has")
            || d.message.contains("which one is meant")
            || d.message.contains("is not in the table")
        {
            "row"
        } else {
            self.diags.push(d);
            return;
        };
        // The sheet, not its cells: a table placed a row lower in one
        // edition is still the same mistake.
        let sheet = d.path.split_once('!').map_or(d.path.as_str(), |(sheet, _)| sheet);
        let message = format!("{} (sheet `{sheet}` of {file})", d.message);
        self.error(name, Some(field), message, d.hint.unwrap_or_default());
    }

    /// A long table's points, read by the same plan and fold as CSV files.
    fn long_points(&mut self, name: &str, spec: &DataSpec, table: &Table) -> Option<Vec<Point>> {
        let plan = self.plan(name, spec, true)?;
        let csv = table.long();
        let mut rows = csv.rows.iter();
        let mut next = |record: &mut csv::ByteRecord| {
            Ok(rows.next().map(|(line, row)| {
                record.clone_from(row.as_byte_record());
                *line as u64
            }))
        };
        let folded = fold::fold(&plan, csv.header.clone(), &mut next);
        let cell = |at: fold::At| {
            if at.pos == fold::HEADER {
                table.header_span()
            } else {
                let column =
                    if at.column == assemble::X_COLUMN { tables::x_column(&plan, &csv.header) } else { at.column };
                table.cell_of(at.pos as usize, column + 1)
            }
        };
        let assembled =
            match assemble::assemble(&plan, vec![folded], std::slice::from_ref(&csv.name), assemble::Files::One) {
                Ok(a) => a,
                Err(findings) => {
                    self.sheet_findings(name, &csv.name, findings, &cell);
                    return None;
                }
            };
        self.sheet_findings(name, &csv.name, assembled.warnings, &cell);
        let x_field = tables::x_column(&plan, &csv.header);
        let y_field = match &plan.shape {
            plan::Shape::Long { y: Some(y), .. } => csv.header.iter().position(|h| h == y).unwrap_or(0),
            _ => x_field,
        };
        Some(
            assembled
                .points
                .into_iter()
                .map(|(x, y, at)| {
                    let pos = at.map_or(0, |a| a.1 as usize);
                    Point { x, y, cell: table.cell_of(pos, y_field + 1), x_cell: table.cell_of(pos, x_field + 1) }
                })
                .collect(),
        )
    }

    /// Reports findings in a spreadsheet table at their cells (or fields).
    fn sheet_findings(
        &mut self,
        name: &str,
        file: &str,
        findings: Vec<assemble::Finding>,
        cell: &dyn Fn(fold::At) -> String,
    ) {
        for f in findings {
            match f.place {
                assemble::Place::Field(path) => self.error_at(name, &path, f.message, f.hint),
                assemble::Place::Table(_, at) => {
                    let mut message = f.message;
                    if let Some((positions, total)) = &f.rows {
                        let cells: Vec<String> =
                            positions.iter().map(|p| cell(fold::At { pos: *p, column: at.column })).collect();
                        let more =
                            if *total as usize > cells.len() { format!(" … ({total} cells)") } else { String::new() };
                        message.push_str(&format!(": {}{more}", cells.join(", ")));
                    }
                    let d = if f.error { Diagnostic::error(file, message) } else { Diagnostic::warning(file, message) };
                    self.diags.push(d.path(cell(at)).hint(f.hint));
                }
            }
        }
    }

    /// Merges editions, oldest first, into one series sorted by x. A later
    /// edition's value replaces an earlier one; when they differ the
    /// revision is reported as a warning. A gap in a later edition keeps
    /// the earlier value: a missing figure is not a revision.
    fn merge(&mut self, name: &str, editions: Vec<(String, Vec<Point>)>) -> Option<Vec<(X, Option<f64>)>> {
        let mut merged: Vec<(Point, usize)> = Vec::new();
        let displays: Vec<String> = editions.iter().map(|(file, _)| self.files.display(file)).collect();
        let kinds: BTreeSet<&'static str> = editions.iter().flat_map(|(_, p)| p.iter().map(|p| p.x.kind())).collect();
        if kinds.len() > 1 {
            let first = editions.iter().find_map(|(_, points)| points.first())?;
            let (index, other) = editions
                .iter()
                .enumerate()
                .find_map(|(i, (_, p))| p.iter().find(|p| p.x.kind() != first.x.kind()).map(|p| (i, p)))?;
            let (message, hint) = if editions.len() == 1 {
                (
                    format!(
                        "x values mix kinds: `{}` ({}) at {} then `{}` ({})",
                        first.x,
                        first.x.kind(),
                        first.x_cell,
                        other.x,
                        other.x.kind()
                    ),
                    "use one form for every x value: dates, years, financial years or categories; check that `x` names the right column",
                )
            } else {
                (
                    format!(
                        "this edition's x values are {}, but the first edition's are {} (`{}` at {})",
                        plural(other.x.kind()),
                        plural(first.x.kind()),
                        first.x,
                        first.x_cell
                    ),
                    "the editions' tables must have the same layout; give this edition its own `range` or `header`",
                )
            };
            self.diags.push(Diagnostic::error(&displays[index], message).path(other.x_cell.clone()).hint(hint));
            return None;
        }
        // Where each x is in `merged`: hashed, since searching `merged` for
        // every point made a long table's reading quadratic.
        let mut slots: HashMap<X, usize> = HashMap::new();
        for (index, (_, points)) in editions.into_iter().enumerate() {
            for point in points {
                let Some(&at) = slots.get(&point.x) else {
                    slots.insert(point.x.clone(), merged.len());
                    merged.push((point, index));
                    continue;
                };
                let slot = &mut merged[at];
                match (slot.0.y, point.y) {
                    (_, None) => {}
                    (Some(old), Some(new)) if !same(old, new) => {
                        self.diags.push(
                            Diagnostic::warning(
                                &displays[index],
                                format!(
                                    "`{name}` at {}: {} here revises {} in {} ({}); the later edition's value is used",
                                    point.x,
                                    shown(new),
                                    shown(old),
                                    displays[slot.1],
                                    slot.0.cell
                                ),
                            )
                            .path(point.cell.clone())
                            .hint("check the publisher's notes on revisions; editions are listed oldest first, so the latest figure wins"),
                        );
                        *slot = (point, index);
                    }
                    _ => *slot = (point, index),
                }
            }
        }
        if merged.first().is_some_and(|(p, _)| p.x.is_time()) {
            merged.sort_by(|(a, _), (b, _)| a.x.time_cmp(&b.x).unwrap_or(std::cmp::Ordering::Equal));
        }
        Some(merged.into_iter().map(|(p, _)| (p.x, p.y)).collect())
    }
}

/// `category` as `categories`, `year` as `years`: a kind of x in the plural.
fn plural(kind: &str) -> String {
    match kind.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{kind}s"),
    }
}

fn files_at(i: usize) -> Vec<PathSeg> {
    vec![PathSeg::Key("files".into()), PathSeg::Index(i)]
}

/// How a spreadsheet table is read.
enum Shape {
    /// Read with the plan of a CSV table (`x`, `y`, `where`, `aggregate`).
    Long,
    Wide {
        choice: Choice,
    },
}

/// A value in a message: at most six decimals, so that 32182.680000000004
/// (a sum stored in binary) reads as the 32182.68 the table shows.
fn shown(v: f64) -> String {
    let text = format!("{v:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_VALUE * a.abs().max(b.abs())
}

#[cfg(test)]
mod tests {
    use crate::analyse::analyse;
    use crate::diag::Diagnostic;
    use crate::input::data::Files;
    use crate::input::manifest;

    /// `t.xlsx` (a wide table on sheet `S`: areas in A, years across row 1)
    /// and `t.csv`.
    struct Book(Vec<u8>);

    impl Files for Book {
        fn read(&self, name: &str) -> Result<String, String> {
            match name {
                "t.csv" => Ok("year,n\n2018,1\n".into()),
                _ => Err("no such file".into()),
            }
        }
        fn read_bytes(&self, name: &str) -> Result<Vec<u8>, String> {
            if name.ends_with(".xlsx") { Ok(self.0.clone()) } else { self.read(name).map(String::into_bytes) }
        }
        fn display(&self, name: &str) -> String {
            name.to_string()
        }
    }

    fn book() -> Book {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("S").unwrap();
        sheet.write_string(0, 0, "Area").unwrap();
        sheet.write_number(0, 1, 2018.0).unwrap();
        sheet.write_number(0, 2, 2019.0).unwrap();
        for (row, area) in ["Kent", "Essex", "Kent"].iter().enumerate() {
            sheet.write_string(row as u32 + 1, 0, *area).unwrap();
            sheet.write_number(row as u32 + 1, 1, row as f64).unwrap();
            sheet.write_number(row as u32 + 1, 2, row as f64 + 0.5).unwrap();
        }
        Book(book.save_to_buffer().unwrap())
    }

    /// The problems with one series `o` declared with `fields`.
    fn problems(fields: &str) -> Vec<Diagnostic> {
        let src = format!(
            r#"{{"format": 1, "title": "T", "date": "2020-01-01", "sources": {{"s": {{"publisher": "P", "title": "T"}}}},
                "data": {{"o": {{"label": "O", "source": "s", {fields}}}}}}}"#
        );
        let m = manifest::parse("m.json", &src).unwrap();
        analyse("m.json", &src, &m, &book()).1
    }

    fn messages(fields: &str) -> Vec<(String, String)> {
        problems(fields).into_iter().map(|d| (d.path, d.message)).collect()
    }

    #[test]
    fn the_declaration_is_checked_before_any_cell_is_read() {
        let one = |fields: &str| {
            let all = messages(fields);
            assert_eq!(all.len(), 1, "{fields}: {all:?}");
            all.into_iter().next().unwrap()
        };
        let (path, message) = one(r#""sheet": "S", "header": 1, "row": {"A": "Essex"}"#);
        assert_eq!(path, "$.data.o");
        assert!(message.contains("needs the spreadsheet `file`"), "{message}");
        let (_, message) = one(r#""file": "t.xlsx", "header": 1, "row": {"A": "Essex"}"#);
        assert_eq!(message, "`t.xlsx` is a spreadsheet: name the sheet the table is on");
        let (path, _) = one(r#""file": "t.csv", "sheet": "S", "x": "year", "y": "n""#);
        assert_eq!(path, "$.data.o.sheet");
        let (_, message) = one(r#""file": "t.xlsx", "sheet": "S", "row": {"A": "Essex"}"#);
        assert!(message.starts_with("say where the table is"), "{message}");
        let (path, message) = one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"Area": "Essex"}"#);
        assert_eq!((path.as_str(), message.as_str()), ("$.data.o.row", "`Area` is not a column letter"));
        let (path, _) = one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Essex"}, "x": "Area""#);
        assert_eq!(path, "$.data.o.row");
        let (path, _) = one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Essex"}, "occurrence": 0"#);
        assert_eq!(path, "$.data.o.occurrence");
        let (path, _) = one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "x": "Area", "y": "2018", "skip": ["x"]"#);
        assert_eq!(path, "$.data.o.skip");
        let (path, _) = one(r#""file": "t.xlsx", "files": ["t.xlsx"], "sheet": "S", "header": 1, "row": 2"#);
        assert_eq!(path, "$.data.o.files");
        // CSV-only fields are refused, not ignored.
        let (path, message) = one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "wide": true"#);
        assert_eq!(path, "$.data.o.wide");
        assert!(message.contains("applies to CSV files"), "{message}");
        // A long table is read by the same plan as a CSV file: a count takes no `y`.
        let (path, message) =
            one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "x": "Area", "y": "2018", "aggregate": "count""#);
        assert_eq!(path, "$.data.o.y");
        assert!(message.contains("counts rows"), "{message}");
        let (path, _) = one(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": 2, "encoding": "latin1""#);
        assert_eq!(path, "$.data.o.encoding");
    }

    #[test]
    fn rows_are_chosen_by_label_occurrence_or_number() {
        assert!(problems(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Essex"}"#).is_empty());
        let all = messages(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Kent"}"#);
        assert_eq!(
            all,
            [(
                "$.data.o.row".to_string(),
                "2 rows have `Kent` in column A: S!A2, S!A4; which one is meant? (sheet `S` of t.xlsx)".to_string()
            )]
        );
        assert!(
            problems(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Kent"}, "occurrence": 2"#)
                .is_empty()
        );
        let all = messages(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Kent"}, "occurrence": 3"#);
        assert_eq!(
            all[0],
            (
                "$.data.o.occurrence".to_string(),
                "`occurrence` is 3, but 2 rows have `Kent` in column A: S!A2, S!A4 (sheet `S` of t.xlsx)".to_string()
            )
        );
        let all = messages(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": 9"#);
        assert_eq!(all[0].1, "row 9 is not in the table, which has rows 2 to 4 (sheet `S` of t.xlsx)");
        let all = messages(r#""file": "t.xlsx", "sheet": "S", "header": 1, "row": {"A": "Esex"}"#);
        assert_eq!(
            all[0],
            ("$.data.o.row".to_string(), "no row has `Esex` in column A (sheet `S` of t.xlsx)".to_string())
        );
    }
}
