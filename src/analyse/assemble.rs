//! From folded tables to a series' points: files merged (a later file's
//! value replaces an earlier one's; in an archive read by a glob, a month
//! in two files is an error), `from`/`to` applied, periods checked for
//! missing months, members of a sum checked at every x, groups combined
//! (sum, mean or count), and points put in order.
//!
//! Pure: no files are read here. Problems come back as [`Finding`]s that
//! say where they are (a manifest field, a table cell, a file) for the
//! caller to word as a located diagnostic.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analyse::fold::{At, Folded, Issue, Key, holds_all, lacking};
use crate::analyse::plan::{Partial, Plan, Shape, month_of};
use crate::analyse::stats::X;
use crate::diag::PathSeg;
use crate::input::manifest::{Aggregate, Match};
use crate::input::x::{MONTHS, beyond, straddled};

/// Where a finding is.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A field of the series' declaration, e.g. `["where", "borough", "in", 2]`.
    Field(Vec<PathSeg>),
    /// A cell of a table: the file (its index) and the place in it.
    Table(usize, At),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub error: bool,
    pub place: Place,
    pub message: String,
    pub hint: String,
    /// Rows with the same problem, in the finding's file: the first few
    /// positions and how many in all, for the message to list by line.
    pub rows: Option<(Vec<u64>, u64)>,
}

/// A series' point and the first row it came from (file index and position).
pub type Point = (X, Option<f64>, Option<(usize, u64)>);

/// What the tables of one series give.
#[derive(Debug)]
pub struct Assembled {
    pub points: Vec<Point>,
    /// Problems that do not stop the series (revisions, periods left out).
    pub warnings: Vec<Finding>,
}

fn field(path: &[&str]) -> Place {
    Place::Field(path.iter().map(|s| PathSeg::Key(s.to_string())).collect())
}

fn error(place: Place, message: impl Into<String>, hint: impl Into<String>) -> Finding {
    Finding { error: true, place, message: message.into(), hint: hint.into(), rows: None }
}

fn warning(place: Place, message: impl Into<String>, hint: impl Into<String>) -> Finding {
    Finding { error: false, place, message: message.into(), hint: hint.into(), rows: None }
}

/// How the files of a series relate: one file, editions listed oldest
/// first (a later value replaces an earlier), or an archive matched by a
/// glob (each x from one file only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    One,
    Editions,
    Archive,
}

/// The series' points from its folded tables, named `names` (as shown in
/// messages), or every problem found.
pub fn assemble(plan: &Plan, tables: Vec<Folded>, names: &[String], files: Files) -> Result<Assembled, Vec<Finding>> {
    let mut findings = Vec::new();
    // Problems reading a table stop it; every table's are reported.
    for (i, table) in tables.iter().enumerate() {
        for Issue { at, message, hint, field: keys } in &table.issues {
            // A column that no file has is the declaration's mistake, shown
            // at its field; one that only some files lack is theirs.
            let everywhere =
                || tables.iter().all(|t| t.issues.iter().any(|o| o.field == *keys && o.message == *message));
            let place = match at {
                _ if !keys.is_empty() && everywhere() => field(&keys.iter().map(String::as_str).collect::<Vec<_>>()),
                Some(at) => Place::Table(i, *at),
                None => Place::Table(i, At { pos: 0, column: 0 }),
            };
            let finding = error(place, message.clone(), hint.clone());
            // Files of one series share a header: a misnamed column is one mistake.
            if !findings.contains(&finding) {
                findings.push(finding);
            }
        }
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    same_layout(plan, &tables, names, &mut findings);
    filter_values(plan, &tables, names, &mut findings);
    bad_numbers(&tables, &mut findings);
    if !findings.is_empty() {
        return Err(findings);
    }
    let mut warnings = Vec::new();
    let mut cells = merge(tables.iter().map(|t| &t.groups).collect(), names, files, &mut findings, &mut warnings);
    let mut months: BTreeSet<i32> = tables.iter().flat_map(|t| t.months.iter().copied()).collect();
    bounds(plan, &mut cells, &mut months, &mut findings, &mut warnings);
    if !findings.is_empty() {
        return Err(findings);
    }
    members(plan, &cells, names, &mut findings);
    if plan.aggregate.is_none() {
        duplicates(&cells, &mut findings);
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    let mut points = combine(plan, &cells);
    if plan.checks_months() {
        points = complete(plan, points, &months, names, files, &mut findings, &mut warnings);
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    if points.is_empty() {
        let of = match names {
            [one] => one.clone(),
            many => format!("the {} files", many.len()),
        };
        let which =
            if plan.from.is_some() || plan.to.is_some() { "between `from` and `to`" } else { "that `where` keeps" };
        let f = if plan.from.is_some() {
            "from"
        } else if plan.to.is_some() {
            "to"
        } else {
            "where"
        };
        return Err(vec![error(
            field(&[f]),
            format!("no rows of {of} lie {which}"),
            "check the range and the filters against the x values in the file",
        )]);
    }
    order(plan, &mut points, files);
    Ok(Assembled { points, warnings })
}

/// Every file of a series has the same columns as the first (in a wide
/// table, the same label columns: its dated columns may differ).
fn same_layout(plan: &Plan, tables: &[Folded], names: &[String], findings: &mut Vec<Finding>) {
    let labels = |t: &Folded| -> Vec<String> {
        match plan.shape {
            Shape::Wide { .. } => t.header.iter().filter(|h| !X::parse(h).is_time()).cloned().collect(),
            Shape::Long { .. } => t.header.clone(),
        }
    };
    let Some(first) = tables.first().map(labels) else { return };
    for (i, table) in tables.iter().enumerate().skip(1) {
        let own = labels(table);
        if own != first {
            let missing: Vec<&String> = first.iter().filter(|h| !own.contains(h)).collect();
            let extra: Vec<&String> = own.iter().filter(|h| !first.contains(h)).collect();
            let detail = match (missing.first(), extra.first()) {
                (Some(m), _) => format!("it has no column `{m}`"),
                (None, Some(e)) => format!("it has a column `{e}` that {} lacks", names[0]),
                (None, None) => "its columns are in another order".to_string(),
            };
            findings.push(error(
                Place::Table(i, At { pos: crate::analyse::fold::HEADER, column: 0 }),
                format!("the header differs from the first file's ({}): {detail}", names[0]),
                "files read as one table need the same columns; leave this file out, or declare it as a series of its own",
            ));
        }
    }
}

/// Every value a `where` filter names occurs in the files; one that does
/// not is reported at the value, with the closest values the column holds.
fn filter_values(plan: &Plan, tables: &[Folded], names: &[String], findings: &mut Vec<Finding>) {
    let of = match names {
        [one] => one.clone(),
        many => format!("the {} files", many.len()),
    };
    for (f, (column, m)) in plan.filters.iter().enumerate() {
        let mut path = vec![PathSeg::Key("where".into()), PathSeg::Key(column.clone())];
        match m {
            Match::Value(_) => {}
            Match::Any(_) => path.push(PathSeg::Key("in".into())),
            Match::Not(_) => path.push(PathSeg::Key("not".into())),
        }
        if m.values().is_empty() {
            let example =
                if m.excludes() { "{\"not\": [\"Heathrow\"]}" } else { "{\"in\": [\"Birmingham\", \"Coventry\"]}" };
            let message = if m.excludes() {
                "the `not` list is empty, so it leaves nothing out"
            } else {
                "the `in` list is empty, so no row matches"
            };
            findings.push(error(Place::Field(path), message, format!("list the values, e.g. `{example}`")));
            continue;
        }
        let distinct: BTreeSet<&str> = tables.iter().flat_map(|t| t.distinct[f].iter().map(String::as_str)).collect();
        for (i, value) in m.values().iter().enumerate() {
            if tables.iter().any(|t| t.seen[f][i]) {
                continue;
            }
            let hint = crate::diag::suggest(value, distinct.iter().copied()).unwrap_or_else(|| {
                let shown = crate::diag::nearest(value, distinct.iter().copied(), 6);
                let more = if distinct.len() > shown.len() { " (the nearest of its values)" } else { "" };
                format!("the column holds {}{more}", shown.join(", "))
            });
            let mut at = path.clone();
            if !matches!(m, Match::Value(_)) {
                at.push(PathSeg::Index(i));
            }
            findings.push(error(Place::Field(at), format!("column `{column}` of {of} has no `{value}`"), hint));
        }
    }
}

/// Cells that are not numbers, one finding per kind of problem per file.
fn bad_numbers(tables: &[Folded], findings: &mut Vec<Finding>) {
    for (i, table) in tables.iter().enumerate() {
        for (kind, cell, at, positions, count) in &table.bad {
            let column = table.header.get(at.column).map_or("", String::as_str);
            let mut message = format!("`{cell}` in column `{column}` {}", kind.problem());
            match count {
                1 => {}
                2 => message.push_str(", and 1 more cell has the same problem"),
                n => message.push_str(&format!(", and {} more cells have the same problem", n - 1)),
            }
            let mut finding = error(Place::Table(i, *at), message, kind.hint(cell));
            if *count > 1 {
                finding.rows = Some((positions.clone(), *count));
            }
            findings.push(finding);
        }
    }
}

/// A group of the merged tables: its accumulated rows and the file they are from.
pub struct Cell {
    pub key: Key,
    pub acc: crate::analyse::fold::Acc,
    pub file: usize,
}

/// The groups of every file in one list, in order of first appearance. A
/// group in two files: in an archive, an error; among editions, the later
/// file's value is used (a gap keeps the earlier value) and a different
/// value is reported as a revision.
fn merge(
    groups: Vec<&Vec<(Key, crate::analyse::fold::Acc)>>,
    names: &[String],
    files: Files,
    findings: &mut Vec<Finding>,
    warnings: &mut Vec<Finding>,
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    let mut index: HashMap<&Key, usize> = HashMap::new();
    // In an archive, the dates each file holds: a date in two files is one error, not one per group.
    let mut dates: BTreeMap<String, usize> = BTreeMap::new();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for (file, groups) in groups.into_iter().enumerate() {
        for (key, acc) in groups {
            if files == Files::Archive {
                let date = key.1.as_ref().unwrap_or(&key.0).to_string();
                match dates.get(&date) {
                    Some(&other) if other != file => {
                        if reported.insert(date.clone()) {
                            findings.push(error(
                                Place::Table(file, At { pos: acc.first[0], column: 0 }),
                                format!("{} is in two files of the archive: {} and this one", crate::analyse::format::x_label(&date), names[other]),
                                "each month of an archive comes from one file; remove the copy (or list the files oldest first in `files` to let the later replace the earlier)",
                            ));
                        }
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        dates.insert(date, file);
                    }
                }
            }
            let value = |a: &crate::analyse::fold::Acc| (a.gaps == 0 && a.rows > 0).then_some(a.sum);
            match index.get(key) {
                None => {
                    index.insert(key, cells.len());
                    cells.push(Cell { key: key.clone(), acc: acc.clone(), file });
                }
                Some(&i) => {
                    let old = &cells[i];
                    if files == Files::One || old.file == file {
                        continue;
                    }
                    match (value(&old.acc), value(acc)) {
                        (_, None) => {}
                        (Some(a), Some(b)) if (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0) => {
                            let shown = key.1.as_ref().map_or_else(
                                || crate::analyse::format::x_label(&key.0.to_string()),
                                |d| format!("{} in {}", key.0, crate::analyse::format::x_label(&d.to_string())),
                            );
                            warnings.push(warning(
                                Place::Table(file, At { pos: acc.first[0], column: 0 }),
                                format!("at {shown}: {b} here revises {a} in {}; the later file's value is used", names[old.file]),
                                "check the publisher's notes on revisions; files are listed oldest first, so the latest figure wins",
                            ));
                            cells[i].acc = acc.clone();
                            cells[i].file = file;
                        }
                        _ => {
                            cells[i].acc = acc.clone();
                            cells[i].file = file;
                        }
                    }
                }
            }
        }
    }
    cells
}

/// Applies `from` and `to`: to the series' x when they are of its kind, or
/// to the rows' dates when those are grouped (into periods or labels).
fn bounds(
    plan: &Plan,
    cells: &mut Vec<Cell>,
    months: &mut BTreeSet<i32>,
    findings: &mut Vec<Finding>,
    warnings: &mut Vec<Finding>,
) {
    for (name, bound) in [("from", &plan.from), ("to", &plan.to)] {
        let Some(bound) = bound else { continue };
        let keep = |x: &X| match x.time_cmp(bound).or_else(|| month_cmp(x, bound)) {
            Some(o) => {
                if name == "from" {
                    o.is_ge()
                } else {
                    o.is_le()
                }
            }
            None => true,
        };
        let key_kind = cells.first().map(|c| c.key.0.kind());
        let date_kind = cells.iter().find_map(|c| c.key.1.as_ref()).map(X::kind);
        let fits = |kind: Option<&str>, x: Option<&X>| {
            kind == Some(bound.kind()) || x.is_some_and(|x| month_cmp(x, bound).is_some())
        };
        if fits(key_kind, cells.first().map(|c| &c.key.0)) && !plan.over_range() {
            if let Some((below, above)) = straddled(cells.iter().map(|c| &c.key.0), bound) {
                let (message, hint) = between_points(name, bound, below, above);
                findings.push(error(field(&[name]), message, hint));
                return;
            }
            if let Some(nearest) = beyond(cells.iter().map(|c| &c.key.0), bound, name == "from") {
                let (message, hint) = past_the_data(name, bound, nearest);
                warnings.push(warning(field(&[name]), message, hint));
            }
            cells.retain(|c| keep(&c.key.0));
        } else if fits(date_kind, cells.iter().find_map(|c| c.key.1.as_ref())) {
            cells.retain(|c| c.key.1.as_ref().is_none_or(keep));
            if let Some(b) = bound_month(bound, name == "to") {
                months.retain(|m| if name == "from" { *m >= b } else { *m <= b });
            }
        } else {
            let kind = if plan.over_range() { date_kind } else { key_kind }.unwrap_or("date");
            findings.push(error(
                field(&[name]),
                format!("`{bound}` is not a {kind} like the series' x values"),
                "write it the way the data file does, e.g. 2018-03-31, 2024-01, 2018 or 2016/17",
            ));
            return;
        }
    }
}

/// Why a `from` or `to` between two points is refused, and what to write.
pub(super) fn between_points(field: &str, bound: &X, below: &X, above: &X) -> (String, String) {
    let cut = if field == "from" { "before" } else { "after" };
    (
        format!("`{bound}` falls between the points {below} and {above}: no point is at it"),
        format!(
            "points {cut} it would be left out without a word; write `{below}` or `{above}`, as the data file dates them"
        ),
    )
}

/// Why a `from` before the first point (or `to` after the last) is worth a
/// word: the text may say "since 2009" of data that start in 2010.
pub(super) fn past_the_data(field: &str, bound: &X, nearest: &X) -> (String, String) {
    let (side, which) = if field == "from" { ("before", "first") } else { ("after", "last") };
    (
        format!("`{bound}` is {side} the series' {which} point, {nearest}: it cuts nothing"),
        format!("the data reach only {nearest}; write `{nearest}`, or leave `{field}` out"),
    )
}

/// Order of a date or month against a month bound (a date in January 2024 lies within `2024-01`).
fn month_cmp(x: &X, bound: &X) -> Option<std::cmp::Ordering> {
    match (x, bound) {
        (X::Date { .. } | X::Month { .. }, X::Month { .. }) => Some(month_of(x)?.cmp(&month_of(bound)?)),
        _ => None,
    }
}

/// The month a bound stands for, when it is a date or a month; a period
/// bound stands for its first (`from`) or last (`to`) month.
fn bound_month(bound: &X, to: bool) -> Option<i32> {
    month_of(bound).or_else(|| bound.month_span().map(|(a, b)| if to { b } else { a }))
}

/// Members of an `in` list summed at one x must all have a row there.
fn members(plan: &Plan, cells: &[Cell], names: &[String], findings: &mut Vec<Finding>) {
    let tracked: Vec<(usize, &String, usize)> = plan
        .filters
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| matches!(m, Match::Any(_)))
        .map(|(f, (c, m))| (f, c, m.values().len()))
        .collect();
    let Some(first) = cells.first() else { return };
    // Only the filters the fold tracked (not the x column's) have bits.
    let tracked: Vec<_> = tracked.into_iter().take(first.acc.members.len()).collect();
    for (t, (f, column, size)) in tracked.into_iter().enumerate() {
        let mut missing: BTreeMap<usize, Vec<&X>> = BTreeMap::new();
        let mut files = BTreeSet::new();
        for cell in cells.iter().filter(|c| !holds_all(&c.acc, t, size)) {
            files.insert(cell.file);
            for member in lacking(&cell.acc, t, size) {
                missing.entry(member).or_default().push(cell.key.1.as_ref().unwrap_or(&cell.key.0));
            }
        }
        let within = match (names, files.len()) {
            ([one], _) => format!(" in {one}"),
            (_, 1) => format!(" in {}", names[*files.first().unwrap_or(&0)]),
            _ => String::new(),
        };
        for (member, mut xs) in missing {
            xs.sort_by(|a, b| a.time_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            let shown: Vec<String> = xs.iter().take(8).map(|x| x.to_string()).collect();
            let more = if xs.len() > shown.len() { format!(" … ({} in all)", xs.len()) } else { String::new() };
            let value = &plan.filters[f].1.values()[member];
            findings.push(error(
                Place::Field(vec![PathSeg::Key("where".into()), PathSeg::Key(column.clone()), PathSeg::Key("in".into()), PathSeg::Index(member)]),
                format!("`{value}` has no row{within} for {}{more}", and_list(&shown)),
                "a sum or mean needs a row for every member at every x; add the missing rows, leave the member out, or narrow the x range with `from`/`to`",
            ));
        }
    }
}

/// The column of a finding that is about the x column, wherever it is.
pub const X_COLUMN: usize = usize::MAX;

/// Without `aggregate`, each x has one row.
fn duplicates(cells: &[Cell], findings: &mut Vec<Finding>) {
    if let Some(cell) = cells.iter().filter(|c| c.acc.rows > 1).min_by_key(|c| (c.file, c.acc.first[1])) {
        let mut finding = error(
            Place::Table(cell.file, At { pos: cell.acc.first[1], column: X_COLUMN }),
            format!("{} rows have the x value `{}`", cell.acc.rows, cell.key.0),
            "a series has one value per x: remove a repeated row, narrow the rows with `where`, or add `\"aggregate\": \"sum\"` (or `\"mean\"`, or `\"count\"`) to combine them",
        );
        finding.rows = Some((cell.acc.first.clone(), cell.acc.rows));
        findings.push(finding);
    }
}

/// One point per x: the groups of each x combined. A gap in any row of a
/// sum or mean makes the point a gap (a partial sum would look like a real fall).
fn combine(plan: &Plan, cells: &[Cell]) -> Vec<Point> {
    // Each point with the most decimals of its terms.
    let mut points: Vec<(Point, u8)> = Vec::new();
    let mut totals: Vec<(f64, u64, bool)> = Vec::new();
    let mut index: HashMap<&X, usize> = HashMap::new();
    for cell in cells {
        let i = *index.entry(&cell.key.0).or_insert_with(|| {
            points.push(((cell.key.0.clone(), None, Some((cell.file, cell.acc.first[0]))), 0));
            totals.push((0.0, 0, false));
            points.len() - 1
        });
        let (sum, rows, gap) = &mut totals[i];
        *sum += cell.acc.sum;
        *rows += cell.acc.rows;
        *gap |= cell.acc.gaps > 0;
        points[i].1 = points[i].1.max(cell.acc.decimals);
    }
    points
        .into_iter()
        .zip(totals)
        .map(|(((x, _, at), decimals), (sum, rows, gap))| {
            let value = match plan.aggregate {
                Some(Aggregate::Count) => Some(sum),
                _ if gap => None,
                Some(Aggregate::Mean) => Some(sum / rows as f64),
                _ => Some(round(sum, decimals)),
            };
            (x, value, at)
        })
        .collect()
}

/// A sum rounded to the most decimals of its terms.
fn round(v: f64, decimals: u8) -> f64 {
    if decimals > 9 {
        return v;
    }
    let scale = 10f64.powi(decimals as i32);
    let rounded = (v * scale).round() / scale;
    if rounded.is_finite() { rounded } else { v }
}

/// Checks that each period (or the `from`-`to` range of labels) has all
/// its months in the data; one lacking some is an error naming them, left
/// out with a warning, or kept and marked, as the plan says.
fn complete(
    plan: &Plan,
    points: Vec<Point>,
    months: &BTreeSet<i32>,
    names: &[String],
    files: Files,
    findings: &mut Vec<Finding>,
    warnings: &mut Vec<Finding>,
) -> Vec<Point> {
    let expected_file = |month: i32| -> String {
        if files != Files::Archive {
            return String::new();
        }
        // An archive's file names carry their month: name the one expected.
        let Some((present, name)) = months.iter().find_map(|m| {
            let tag = month_tag(*m);
            names.iter().find(|n| n.contains(&tag)).map(|n| (tag, n))
        }) else {
            return String::new();
        };
        format!(" (expected in {})", name.replace(&present, &month_tag(month)))
    };
    if plan.over_range() {
        let (Some(&first), Some(&last)) = (months.first(), months.last()) else { return points };
        let first = plan.from.as_ref().and_then(|b| bound_month(b, false)).unwrap_or(first);
        let last = plan.to.as_ref().and_then(|b| bound_month(b, true)).unwrap_or(last);
        let missing: Vec<i32> = (first..=last).filter(|m| !months.contains(m)).collect();
        if !missing.is_empty() && plan.partial != Partial::Keep {
            findings.push(error(
                field(&[if plan.to.is_some() { "to" } else { "from" }]),
                format!(
                    "the range {} to {} lacks {}{}",
                    month_name(first),
                    month_name(last),
                    and_list(&missing.iter().map(|m| month_name(*m)).collect::<Vec<_>>()),
                    expected_file(missing[0])
                ),
                "narrow `from`/`to` to months the data holds, or add `\"partial\": \"keep\"` to sum what there is",
            ));
        } else if !missing.is_empty() {
            warnings.push(warning(
                field(&["partial"]),
                format!(
                    "each value sums {} of the range's {} months",
                    last - first + 1 - missing.len() as i32,
                    last - first + 1
                ),
                "say so wherever the figure is quoted",
            ));
        }
        return points;
    }
    let mut kept = Vec::new();
    for (x, y, at) in points {
        let Some((a, b)) = x.month_span() else {
            kept.push((x, y, at));
            continue;
        };
        let missing: Vec<i32> = (a..=b).filter(|m| !months.contains(m)).collect();
        if missing.is_empty() {
            kept.push((x, y, at));
            continue;
        }
        let total = b - a + 1;
        let have = total - missing.len() as i32;
        let lacks = and_list(&missing.iter().map(|m| month_name(*m)).collect::<Vec<_>>());
        let shown = crate::analyse::format::x_label(&x.to_string());
        match plan.partial {
            Partial::Error => findings.push(error(
                field(&["period"]),
                format!("{shown} has {have} of its {total} months: {lacks} {} missing{}", if missing.len() == 1 { "is" } else { "are" }, expected_file(missing[0])),
                "a period summed without all its months shows a fall that is not real: narrow `from`/`to`, or add `\"partial\": \"drop\"` to leave it out (or `\"keep\"` to show it marked)",
            )),
            Partial::Drop => warnings.push(warning(
                field(&["partial"]),
                format!("{shown} is left out: it has {have} of its {total} months ({lacks} missing)"),
                "it returns when the data holds all its months",
            )),
            Partial::Keep => kept.push((X::Partial { period: Box::new(x), months: have as u32 }, y, at)),
        }
    }
    kept
}

/// `2024-02`: how archives name a month's folder and files.
fn month_tag(m: i32) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// `February 2024`.
fn month_name(m: i32) -> String {
    format!("{} {}", MONTHS[m.rem_euclid(12) as usize], m.div_euclid(12))
}

/// Points in order: time-like x by time; labels (and x of mixed kinds,
/// left for the order check to report) as they first appear.
fn order(plan: &Plan, points: &mut [Point], files: Files) {
    let kind = points.first().map(|p| p.0.kind());
    let sortable = points.iter().all(|p| p.0.is_time() && Some(p.0.kind()) == kind);
    // One plain long file keeps its order, so that rows out of order are
    // reported; a wide table's columns are headings, often newest first
    // (as ONS tables have them), and are put in time order.
    let wide = matches!(plan.shape, Shape::Wide { .. });
    let plain = files == Files::One && plan.aggregate.is_none() && plan.period.is_none() && !wide;
    if sortable && !plain {
        points.sort_by(|a, b| a.0.time_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    }
}

/// `2005`, `2005 and 2006`, `2005, 2006 and 2019`.
pub fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
