//! Series read from CSV tables: one file, a list of files, or a glob over
//! an archive. The declaration becomes a plan (`plan`), each file is
//! streamed and folded in parallel (`fold`), and the folded tables are
//! assembled into points (`assemble`); this module reads the files and
//! words what those steps found as diagnostics located in the manifest or
//! in the file (row and column).

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::analyse::assemble::{self, Files as Relation, Finding, Place, X_COLUMN};
use crate::analyse::fold::{self, Folded, HEADER};
use crate::analyse::plan::{self, Plan, Shape};
use crate::analyse::stats::Series;
use crate::analyse::{Resolver, order_problem};
use crate::diag::{Diagnostic, PathSeg};
use crate::input::data::rows_list;
use crate::input::manifest::{DataSpec, Edition};
use crate::input::stream;

/// A file as the series reads it, with the manifest field naming it.
type Named = (String, Vec<PathSeg>);

impl Resolver<'_> {
    /// A series read from CSV files.
    pub(super) fn table_series(&mut self, name: &str, spec: &DataSpec) -> Option<Series> {
        let plan = self.plan(name, spec, false)?;
        let encoding = self.encoding(name, spec)?;
        let (names, relation) = self.file_names(name, spec)?;
        let files = self.files;
        let folded: Vec<Result<Folded, String>> = names
            .par_iter()
            .map(|(file, _)| {
                let stream = files.open(file)?;
                let stream: Box<dyn std::io::Read + Send> = if encoding == encoding_rs::UTF_8 {
                    stream
                } else {
                    Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).build(stream))
                };
                Ok(fold::fold_csv(&plan, stream))
            })
            .collect();
        let mut tables = Vec::new();
        for ((file, field), result) in names.iter().zip(folded) {
            match result {
                Ok(table) => tables.push(table),
                Err(reason) => {
                    let hint = if reason.contains("gzip") {
                        "download the file again, or decompress it yourself and name the plain CSV file"
                    } else {
                        "data files are named relative to the manifest's folder"
                    };
                    self.error_at(name, field, format!("cannot read the data file `{file}`: {reason}"), hint);
                }
            }
        }
        if tables.len() < names.len() {
            return None;
        }
        let headers: Vec<Vec<String>> = tables.iter().map(|t| t.header.clone()).collect();
        let displays: Vec<String> = names.iter().map(|(f, _)| self.files.display(f)).collect();
        let shown: Vec<String> = names.iter().map(|(f, _)| f.clone()).collect();
        let located = |findings: Vec<Finding>, r: &mut Self| {
            r.report(name, &plan, findings, &names, &displays, &headers);
        };
        let assembled = match assemble::assemble(&plan, tables, &shown, relation) {
            Ok(a) => a,
            Err(findings) => {
                located(findings, self);
                return None;
            }
        };
        located(assembled.warnings, self);
        let mut points = assembled.points;
        if relation == Relation::One
            && let Some((at, message, hint)) =
                order_problem(&points.iter().map(|p| (0, p.0.clone(), p.1)).collect::<Vec<_>>())
        {
            let pos = points[at].2.map_or(0, |p| p.1);
            let finding = Finding {
                error: true,
                place: Place::Table(0, fold::At { pos, column: X_COLUMN }),
                message,
                hint,
                rows: None,
            };
            located(vec![finding], self);
            return None;
        }
        let points = points.drain(..).map(|(x, y, _)| (x, y)).collect();
        Some(Series { label: String::new(), unit: String::new(), sources: Vec::new(), points })
    }

    /// The series' plan, or its problems reported at their fields.
    pub(super) fn plan(&mut self, name: &str, spec: &DataSpec, spreadsheet: bool) -> Option<Plan> {
        match plan::plan(spec, spreadsheet) {
            Ok(plan) => Some(plan),
            Err(problems) => {
                for (field, message, hint) in problems {
                    self.error(name, Some(field), message, hint);
                }
                None
            }
        }
    }

    /// The CSV files a series reads, each with the manifest field naming
    /// it, and how they relate. A glob that matches nothing is an error.
    fn file_names(&mut self, name: &str, spec: &DataSpec) -> Option<(Vec<Named>, Relation)> {
        let written: Vec<(&str, Vec<PathSeg>)> = match (&spec.file, spec.files.as_slice()) {
            (Some(file), []) => vec![(file.as_str(), vec![PathSeg::Key("file".into())])],
            (None, files) if !files.is_empty() => files
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let file = match e {
                        Edition::File(f) => f.as_str(),
                        Edition::Placed(p) => p.file.as_str(),
                    };
                    (file, vec![PathSeg::Key("files".into()), PathSeg::Index(i)])
                })
                .collect(),
            _ => {
                self.error(
                    name,
                    Some("files"),
                    "a series has one `file` or several `files`, not both",
                    "move the `file` into the `files` list, oldest first",
                );
                return None;
            }
        };
        if let Some((_, field)) = spec.files.iter().zip(&written).find(|(e, _)| matches!(e, Edition::Placed(_))) {
            self.error_at(
                name,
                &field.1,
                "`range` and `header` place a table on a spreadsheet's sheet; a CSV file has one table",
                "name the CSV file alone",
            );
            return None;
        }
        let mut names = Vec::new();
        let mut globbed = false;
        for (file, field) in written {
            if !stream::is_glob(file) {
                names.push((file.to_string(), field));
                continue;
            }
            globbed = true;
            match self.files.glob(file) {
                Ok(found) if found.is_empty() => {
                    self.error_at(
                        name,
                        &field,
                        format!("no file matches `{file}`"),
                        "patterns are relative to the manifest's folder; `*` matches within one folder or file name, `**` any folders",
                    );
                    return None;
                }
                Ok(found) => names.extend(found.into_iter().map(|f| (f, field.clone()))),
                Err(reason) => {
                    self.error_at(name, &field, format!("cannot search for `{file}`: {reason}"), "check the pattern");
                    return None;
                }
            }
        }
        let relation = match (globbed, names.len()) {
            (true, _) => Relation::Archive,
            (false, 1) => Relation::One,
            (false, _) => Relation::Editions,
        };
        Some((names, relation))
    }

    /// Words findings as diagnostics: at the manifest field, or at the row
    /// and column of the file (lines found by reading the file again, only
    /// when there is something to report).
    fn report(
        &mut self,
        name: &str,
        plan: &Plan,
        findings: Vec<Finding>,
        names: &[Named],
        displays: &[String],
        headers: &[Vec<String>],
    ) {
        // The positions whose lines are needed, by file.
        let mut wanted: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
        for f in &findings {
            if let Place::Table(file, at) = &f.place {
                let entry = wanted.entry(*file).or_default();
                entry.push(at.pos);
                entry.extend(f.rows.iter().flat_map(|(rows, _)| rows.iter().copied()));
            }
        }
        let mut lines: BTreeMap<(usize, u64), usize> = BTreeMap::new();
        for (file, mut offsets) in wanted {
            offsets.retain(|&p| p != HEADER);
            offsets.sort_unstable();
            offsets.dedup();
            lines.insert((file, HEADER), 1);
            if offsets.is_empty() {
                continue;
            }
            let Ok(stream) = self.files.open(&names[file].0) else { continue };
            for (offset, line) in offsets.iter().zip(stream::lines_at(stream, &offsets)) {
                lines.insert((file, *offset), line);
            }
        }
        for f in findings {
            let Finding { error, place, mut message, hint, rows } = f;
            match place {
                Place::Field(path) => {
                    if error {
                        self.error_at(name, &path, message, hint);
                    } else {
                        let mut full = vec![PathSeg::Key("data".into()), PathSeg::Key(name.into())];
                        full.extend(path);
                        let d = Diagnostic::warning(self.file, message)
                            .at(crate::diag::locate(self.src, &full))
                            .path(crate::diag::format_path(&full))
                            .hint(hint);
                        self.diags.push(d);
                    }
                }
                Place::Table(file, at) if message == fold::NOT_UTF8 => {
                    let line = lines.get(&(file, at.pos)).copied().unwrap_or(1);
                    let shown = &names[file].0;
                    let message = format!(
                        "cannot read the data file `{shown}`: {message} (line {line}, column {})",
                        at.column + 1
                    );
                    self.error_at(name, &names[file].1, message, hint);
                }
                Place::Table(file, at) => {
                    let line = lines.get(&(file, at.pos)).copied().unwrap_or(1);
                    let column = if at.column == X_COLUMN { x_column(plan, &headers[file]) } else { at.column };
                    if let Some((positions, total)) = rows {
                        let shown: Vec<usize> =
                            positions.iter().filter_map(|p| lines.get(&(file, *p)).copied()).collect();
                        let list = rows_of(&shown, total);
                        if message.contains("rows have the x value") {
                            message.push_str(&format!(" ({list})"));
                        } else {
                            message.push_str(&format!(": {list}"));
                        }
                    }
                    let d = if error {
                        Diagnostic::error(&displays[file], message)
                    } else {
                        Diagnostic::warning(&displays[file], message)
                    };
                    self.diags.push(d.at(Some((line, column + 1))).hint(hint));
                }
            }
        }
    }
}

/// Rows for a message: `rows 3, 4 and 9`, or the first few and the
/// count when only those were kept: `rows 3, 5, 7, 9, 11 … (26 rows)`.
pub fn rows_of(lines: &[usize], total: u64) -> String {
    if total as usize > lines.len() {
        let shown: Vec<String> = lines.iter().map(usize::to_string).collect();
        format!("rows {} … ({total} rows)", shown.join(", "))
    } else {
        rows_list(lines)
    }
}

/// The 0-based column of the plan's x in a header (0 if absent).
pub(super) fn x_column(plan: &Plan, header: &[String]) -> usize {
    let x = match &plan.shape {
        Shape::Long { x, .. } => Some(x.as_str()),
        Shape::Wide { x } => x.as_deref(),
    };
    x.and_then(|x| header.iter().position(|h| h == x)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::analyse::analyse;
    use crate::analyse::stats::X;
    use crate::diag::Diagnostic;
    use crate::input::data::Files;
    use crate::input::manifest;

    /// One CSV file in memory, `d.csv`.
    struct One(String);

    impl Files for One {
        fn read(&self, name: &str) -> Result<String, String> {
            if name == "d.csv" { Ok(self.0.clone()) } else { Err("no such file".into()) }
        }
        fn display(&self, name: &str) -> String {
            name.to_string()
        }
    }

    /// The points of a series read from `csv` by `spec` (its file, label
    /// and source added), or every diagnostic.
    fn read(csv: &str, spec: serde_json::Value) -> Result<Vec<(X, Option<f64>)>, Vec<Diagnostic>> {
        let mut spec = spec;
        spec["file"] = "d.csv".into();
        spec["label"] = "L".into();
        spec["source"] = "s".into();
        let src = serde_json::json!({"format": 1, "title": "T", "date": "2020-01-01",
            "sources": {"s": {"publisher": "P", "title": "T"}}, "data": {"d": spec}})
        .to_string();
        let m = manifest::parse("m.json", &src).unwrap();
        let (a, diags) = analyse("m.json", &src, &m, &One(csv.into()));
        match a.series.get("d") {
            Some(s) if diags.is_empty() => Ok(s.points.clone()),
            _ => Err(diags),
        }
    }

    fn points(csv: &str, x: &str, y: &str, filter: &[(&str, &str)]) -> Result<Vec<(X, Option<f64>)>, Vec<Diagnostic>> {
        let filter: serde_json::Map<String, serde_json::Value> =
            filter.iter().map(|(a, b)| (a.to_string(), serde_json::Value::from(*b))).collect();
        read(csv, serde_json::json!({"x": x, "y": y, "where": filter}))
    }

    #[test]
    fn reads_points_with_gaps_and_filters() {
        let csv = "year,area,n\n2017,A,1\n2017,B,2\n2018,A,\n2019,A,3.5\n2019,B,1\n";
        let got = points(csv, "year", "n", &[("area", "A")]).unwrap();
        assert_eq!(got, vec![(X::Year(2017), Some(1.0)), (X::Year(2018), None), (X::Year(2019), Some(3.5))]);
    }

    #[test]
    fn bad_cells_are_located_by_row_and_column() {
        let csv = "year,n\n2017,1\n2018,\"30,390\"\n2019,lots\n";
        let diags = points(csv, "year", "n", &[]).unwrap_err();
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].position, Some((3, 2)));
        assert!(diags[0].hint.as_deref().unwrap().contains("thousands separators"));
        assert_eq!(diags[1].position, Some((4, 2)));
        assert_eq!(diags[1].message, "`lots` in column `n` is not a number");
    }

    #[test]
    fn nan_infinite_and_huge_values_are_refused() {
        let csv = "year,n\n2016,NaN\n2017,inf\n2018,1e308\n2019,-2e15\n2020,1e15\n";
        let diags = points(csv, "year", "n", &[]).unwrap_err();
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`NaN` in column `n` is not a number",
                "`inf` in column `n` is too large to be a figure, and 2 more cells have the same problem: rows 3, 4 and 5",
            ]
        );
        assert_eq!(diags[1].position, Some((3, 2)));
    }

    /// Regression: a column written with thousands separators gave one
    /// identical error per row (26 for a short file).
    #[test]
    fn the_same_problem_in_many_cells_of_a_column_is_one_error() {
        let mut csv = String::from("year,area,n\n2000,B,lots\n");
        for (i, year) in (1990..2016).enumerate() {
            csv.push_str(&format!("{year},A,\"{},{:03}\"\n", 31 + i, i));
            csv.push_str(&format!("{year},B,{}\n", if i % 10 == 0 { "x" } else { "1" }));
        }
        csv.push_str("2016,A,about 30k\n");
        let diags = points(&csv, "year", "n", &[]).unwrap_err();
        let at: Vec<_> = diags.iter().map(|d| (d.message.as_str(), d.position, d.hint.as_deref().unwrap())).collect();
        assert_eq!(
            at,
            [
                (
                    "`lots` in column `n` is not a number, and 4 more cells have the same problem: rows 2, 4, 24, 44 and 55",
                    Some((2, 3)),
                    "write a plain number such as 30390.5, or leave the cell empty for a missing value"
                ),
                (
                    "`31,000` in column `n` is not a number, and 25 more cells have the same problem: rows 3, 5, 7, 9, 11 … (26 rows)",
                    Some((3, 3)),
                    "remove the thousands separators (write 31000, not 31,000)"
                ),
            ]
        );
        let diags = points("year,n\n2017,x\n2018,y\n", "year", "n", &[]).unwrap_err();
        assert_eq!(
            diags[0].message,
            "`x` in column `n` is not a number, and 1 more cell has the same problem: rows 2 and 3"
        );
        // Filtered to one area, each problem is counted in its rows only.
        let diags = points(&csv, "year", "n", &[("area", "B")]).unwrap_err();
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.ends_with("rows 2, 4, 24 and 44"), "{}", diags[0].message);
    }

    #[test]
    fn missing_columns_suggest_the_closest() {
        let diags = points("year,officers\n2017,1\n", "year", "oficers", &[]).unwrap_err();
        assert_eq!(diags[0].message, "the data file has no column `oficers`");
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `officers`? The header has `year`, `officers`"));
        // Two columns equally close are both named: picking one could chart the wrong force.
        let csv = "year,wmp_officers_fte,ew_officers_fte\n2017,1,2\n";
        let diags = points(csv, "year", "we_officers_fte", &[]).unwrap_err();
        assert_eq!(
            diags[0].hint.as_deref(),
            Some(
                "did you mean `ew_officers_fte` or `wmp_officers_fte`? The header has `year`, `wmp_officers_fte`, `ew_officers_fte`"
            )
        );
        let diags = points("year;officers\n2017;1\n", "year", "officers", &[]).unwrap_err();
        assert!(
            diags[0].hint.as_deref().unwrap().contains("separated by something other than commas"),
            "{:?}",
            diags[0]
        );
    }

    /// Regression: rows of CRLF files (as Excel and Python's csv module
    /// write them) and rows after blank lines were reported a line too low.
    #[test]
    fn crlf_files_and_blank_lines_report_the_right_line() {
        for csv in ["year,n\r\n2017,1\r\n2018,x\r\n2019,1e400\r\n", "year,n\n2017,1\n2018,x\n2019,1e400\n"] {
            let diags = points(csv, "year", "n", &[]).unwrap_err();
            let at: Vec<_> = diags.iter().map(|d| d.position).collect();
            assert_eq!(at, [Some((3, 2)), Some((4, 2))], "{csv:?}");
        }
        for csv in ["year,n\r\n\r\n2017,1\r\n\r\n\r\n2018,x\r\n", "year,n\n\n2017,1\n\n\n2018,x"] {
            let diags = points(csv, "year", "n", &[]).unwrap_err();
            assert_eq!(diags[0].position, Some((6, 2)), "{csv:?}");
        }
        let diags = points("year,n\r\n2017,1\r\n2018,1,2\r\n", "year", "n", &[]).unwrap_err();
        assert_eq!(diags[0].position, Some((3, 1)));
    }

    #[test]
    fn ragged_rows_and_empty_files_are_errors() {
        let diags = points("year,n\n2017,1,9\n", "year", "n", &[]).unwrap_err();
        assert_eq!(diags[0].position, Some((2, 1)));
        assert!(diags[0].message.contains("3 fields but the header has 2"), "{}", diags[0].message);
        let diags = points("", "year", "n", &[]).unwrap_err();
        assert_eq!(diags[0].message, "the file is empty");
        let diags = points("year,n\n", "year", "n", &[]).unwrap_err();
        assert_eq!(diags[0].message, "the file has a header row but no data rows");
    }

    #[test]
    fn repeated_x_and_unsorted_rows_are_located() {
        let diags = points("year,n\n2017,1\n2018,2\n2017,3\n", "year", "n", &[]).unwrap_err();
        assert_eq!(diags[0].message, "2 rows have the x value `2017` (rows 2 and 4)");
        assert_eq!(diags[0].position, Some((4, 1)));
        let diags = points("n,year\n1,2018\n2,2017\n", "year", "n", &[]).unwrap_err();
        assert_eq!(diags[0].message, "x values are not strictly increasing: `2017` comes after `2018`");
        assert_eq!(diags[0].position, Some((3, 2)));
    }

    /// Periods from months in a long table, counts, means and rounding.
    #[test]
    fn months_group_into_quarters_and_years_ending() {
        let mut csv = String::from("month,type,n\n");
        for m in 1..=12 {
            csv.push_str(&format!("2023-{m:02},a,0.1\n2023-{m:02},b,0.5\n2023-{m:02},a,1\n"));
        }
        let q =
            read(&csv, serde_json::json!({"x": "month", "y": "n", "aggregate": "sum", "period": "quarter"})).unwrap();
        assert_eq!(q.len(), 4);
        assert_eq!(q[0], (X::Quarter { year: 2023, quarter: 1 }, Some(4.8)));
        let ye = read(
            &csv,
            serde_json::json!({"x": "month", "aggregate": "count", "where": {"type": "a"},
            "period": "year-ending-december"}),
        )
        .unwrap();
        assert_eq!(ye, [(X::YearEnding { year: 2023, month: 12 }, Some(24.0))]);
        let mean = read(
            &csv,
            serde_json::json!({"x": "month", "y": "n", "aggregate": "mean", "period": "year",
            "where": {"type": "b"}}),
        )
        .unwrap();
        assert_eq!(mean, [(X::Year(2023), Some(0.5))]);
        // A year ending in March from January to December lacks months at both ends.
        let diags = read(&csv, serde_json::json!({"x": "month", "aggregate": "count", "period": "year-ending-march"}))
            .unwrap_err();
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Year ending March 2023 has 3 of its 12 months: April 2022, May 2022, June 2022, July 2022, August 2022, September 2022, October 2022, November 2022 and December 2022 are missing",
                "Year ending March 2024 has 9 of its 12 months: January 2024, February 2024 and March 2024 are missing",
            ]
        );
    }
}
