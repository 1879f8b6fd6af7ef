//! One template, many briefings: the values a batch runs over, and the
//! template text for each of them.
//!
//! `briefing batch TEMPLATE --each SERIES.COLUMN` makes one briefing per
//! distinct value of COLUMN in the file behind SERIES (e.g. every borough
//! in the violence data). The template writes `{area}` wherever the value
//! belongs: in prose, titles, chart highlights and in series filters such as
//! `"where": {"area_name": "{area}"}`. Each briefing is then an ordinary
//! manifest, checked and rendered like any other.

use crate::diag::{Diagnostic, PathSeg, format_path, locate, suggest};
use crate::input::data::{self, Files};
use crate::input::manifest::{DataSpec, Manifest, Match};
use crate::input::sheet;

/// The placeholder filled in with each value.
pub const PLACEHOLDER: &str = "{area}";

/// The distinct values of `each` (`SERIES.COLUMN`), in the order the file
/// first lists them. Rows are narrowed by the series' own `where` filters,
/// except those that use `{area}`, so `"area_type": "London borough"` keeps
/// the MPS total and the airports out of a borough batch.
pub fn areas(
    file: &str,
    src: &str,
    manifest: &Manifest,
    each: &str,
    files: &dyn Files,
) -> Result<Vec<String>, Diagnostic> {
    let usage = |message: String| Diagnostic::error(file, message);
    let Some((series, column)) = each.split_once('.') else {
        return Err(usage(format!("--each `{each}` names no column"))
            .hint("write SERIES.COLUMN, e.g. `--each borough.area_name`"));
    };
    let Some(spec) = manifest.data.get(series) else {
        let hint = match suggest(series, manifest.data.keys().map(String::as_str)) {
            Some(hint) => hint,
            None => format!("series: {}", manifest.data.keys().cloned().collect::<Vec<_>>().join(", ")),
        };
        return Err(usage(format!("--each: the manifest declares no series `{series}`")).hint(hint));
    };
    let segs = [PathSeg::Key("data".into()), PathSeg::Key(series.into())];
    let spreadsheet = spec.sheet.is_some() || spec.file.as_deref().is_some_and(sheet::is_spreadsheet);
    if spreadsheet && spec.row.is_some() {
        return Err(at_field(
            file,
            src,
            &segs,
            format!("--each: series `{series}` reads one row of a wide table; --each needs a column"),
        )
        .hint("name a series that reads a long table (with `x` and `y`), e.g. one listing the areas"));
    }
    let named: Vec<&str> = spec
        .file
        .iter()
        .map(String::as_str)
        .chain(spec.files.iter().map(|e| match e {
            crate::input::manifest::Edition::File(f) => f.as_str(),
            crate::input::manifest::Edition::Placed(p) => p.file.as_str(),
        }))
        .collect();
    if named.is_empty() {
        return Err(at_field(file, src, &segs, format!("--each: series `{series}` is derived, not read from a file"))
            .hint("name a series with a `file`; its column supplies the values"));
    }
    // A spreadsheet's editions: the areas of the latest. CSV files (a list
    // or an archive's glob): the areas of them all, in the order first met.
    let mut names: Vec<String> = Vec::new();
    for name in if spreadsheet { &named[named.len() - 1..] } else { &named[..] } {
        if crate::input::stream::is_glob(name) {
            names.extend(files.glob(name).map_err(|m| at_field(file, src, &segs, m))?);
        } else {
            names.push(name.to_string());
        }
    }
    let mut values: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut last = None;
    for name in &names {
        let csv = if spreadsheet {
            sheet_table(file, src, &segs, spec, name, files)?
        } else {
            csv_table(file, src, &segs, spec, name, files)?
        };
        let index = csv.column(column)?;
        let filters: Vec<(usize, &Match)> = spec
            .filter
            .iter()
            .filter(|(_, m)| !m.values().iter().any(|v| v.contains(PLACEHOLDER)))
            .map(|(col, m)| csv.column(col).map(|i| (i, m)))
            .collect::<Result<_, _>>()?;
        for (_, row) in &csv.rows {
            let value = row[index].trim();
            if filters.iter().all(|(i, m)| m.keeps(&row[*i])) && !value.is_empty() && !seen.contains(value) {
                seen.insert(value.to_string());
                values.push(value.to_string());
            }
        }
        last = Some(csv);
    }
    let Some(csv) = last else {
        return Err(at_field(file, src, &segs, format!("--each: no file matches the files of series `{series}`"))
            .hint("check the pattern against the folder"));
    };
    if values.is_empty() {
        // Say which filter keeps no row: a misspelt value is the usual cause.
        for (col, m) in spec.filter.iter().filter(|(_, m)| !m.values().iter().any(|v| v.contains(PLACEHOLDER))) {
            let Ok(i) = csv.column(col) else { continue };
            if csv.rows.iter().any(|(_, row)| m.keeps(&row[i])) {
                continue;
            }
            let mut held: Vec<&str> = csv.rows.iter().map(|(_, row)| row[i].trim()).collect();
            held.sort_unstable();
            held.dedup();
            let wanted = m.values().first().cloned().unwrap_or_default();
            let hint = suggest(&wanted, held.iter().copied()).unwrap_or_else(|| {
                format!("the column holds {}", held.iter().take(6).copied().collect::<Vec<_>>().join(", "))
            });
            let mut where_path = segs.to_vec();
            where_path.extend([PathSeg::Key("where".into()), PathSeg::Key(col.clone())]);
            return Err(at_field(file, src, &where_path, format!("column `{col}` of {} has no `{wanted}`", csv.name))
                .hint(hint));
        }
        return Err(Diagnostic::error(
            &csv.name,
            format!("column `{column}` has no values in the rows `{series}` reads"),
        )
        .hint("check the series' `where` filters"));
    }
    Ok(values)
}

/// The `--each` a template implies: the first series (by name) with a
/// `where` filter whose value is `{area}` alone, and that filter's column.
pub fn each_of(manifest: &Manifest) -> Option<String> {
    manifest.data.iter().find_map(|(name, spec)| {
        let (column, _) = spec.filter.iter().find(|(_, m)| m.values().iter().any(|v| v.trim() == PLACEHOLDER))?;
        Some(format!("{name}.{column}"))
    })
}

/// A template whose areas cannot be worked out: where it writes `{area}`,
/// and what to say instead.
pub fn no_areas(file: &str, src: &str) -> Diagnostic {
    let at = src.find(PLACEHOLDER).map(|offset| crate::diag::line_col(src, offset));
    Diagnostic::error(file, "this manifest writes `{area}`, so it is a batch template, but no series has `\"COLUMN\": \"{area}\"` in its `where` to list the areas")
        .at(at)
        .len(PLACEHOLDER.len())
        .hint("name them: `--each SERIES.COLUMN` (as for `briefing batch`) or `--area NAME`; in a single briefing, write the area's name instead")
}

/// What makes two areas' problems the same problem: everything but the
/// area's own name (and the column, which shifts with the name's length).
pub fn problem_key(diag: &Diagnostic, area: &str) -> String {
    let general = |s: &str| s.replace(area, PLACEHOLDER);
    format!(
        "{:?}|{}|{:?}|{}|{}|{}",
        diag.severity,
        diag.file,
        diag.position.map(|p| p.0),
        general(&diag.path),
        general(&diag.message),
        general(diag.hint.as_deref().unwrap_or(""))
    )
}

/// `in all 32 areas`, `in Camden`, `in Camden, Ealing and 3 more areas`.
pub fn in_areas(found: &[&str], total: usize) -> String {
    const SHOWN: usize = 4;
    match found.len() {
        2 if total == 2 => "in both areas".into(),
        n if n == total && n > 1 => format!("in all {n} areas"),
        1 => format!("in {}", found[0]),
        n if n <= SHOWN + 1 => {
            let (last, rest) = found.split_last().unwrap_or((&"", &[]));
            format!("in {} and {last}", rest.join(", "))
        }
        n => format!("in {} and {} more areas", found[..SHOWN].join(", "), n - SHOWN),
    }
}

/// An error at the manifest field `segs` points to (a series'
/// declaration, or its `where`), in the manifest `file`.
fn at_field(file: &str, src: &str, segs: &[PathSeg], message: String) -> Diagnostic {
    Diagnostic::error(file, message).at(locate(src, segs)).path(format_path(segs))
}

/// A CSV file as a table. An unknown encoding falls back to UTF-8 here;
/// checking each briefing reports it.
fn csv_table(
    file: &str,
    src: &str,
    segs: &[PathSeg],
    spec: &DataSpec,
    name: &str,
    files: &dyn Files,
) -> Result<data::Csv, Diagnostic> {
    let encoding = spec.encoding.as_deref().and_then(data::encoding).unwrap_or(encoding_rs::UTF_8);
    let text = files
        .read_in(name, encoding)
        .map_err(|reason| at_field(file, src, segs, format!("cannot read `{name}`: {reason}")))?;
    data::parse_csv(&files.display(name), &text)
}

/// A spreadsheet's long table (its `sheet`, at its `range` or `header`) as a table.
fn sheet_table(
    file: &str,
    src: &str,
    segs: &[PathSeg],
    spec: &DataSpec,
    name: &str,
    files: &dyn Files,
) -> Result<data::Csv, Diagnostic> {
    let fail = |message: String| at_field(file, src, segs, message);
    let parsed = data::Parsed::default();
    let book = sheet::open(files.parsed().unwrap_or(&parsed), files, name);
    let book = match book.as_ref() {
        Ok(book) => book,
        Err(sheet::OpenError::Read(reason)) => return Err(fail(format!("cannot read `{name}`: {reason}"))),
        Err(sheet::OpenError::Damaged { message, .. }) => return Err(fail(message.clone())),
    };
    let Some(sheet_name) = &spec.sheet else {
        return Err(fail(format!("--each: `{name}` is a spreadsheet: the series needs a `sheet`")));
    };
    let sheet = book.sheet(sheet_name).map_err(|e| match e {
        sheet::SheetError::Missing { message, .. } => fail(message),
        sheet::SheetError::Damaged(d) => d,
    })?;
    let place = match (&spec.range, spec.header) {
        (Some(range), None) => sheet::Place::range(range),
        (None, Some(row)) => sheet::Place::header_row(row),
        _ => Err("the series needs one of `range` or `header`".to_string()),
    }
    .map_err(|m| fail(format!("--each: {m}")))?;
    Ok(sheet.table(place)?.long())
}

/// The template's text with every `{area}` replaced by `area`, escaped for
/// a JSON string. The placeholder can only stand inside strings, and the
/// value never contains a line break, so line numbers in diagnostics still
/// point at the template's lines.
pub fn substitute(template: &str, area: &str) -> String {
    let quoted = serde_json::to_string(area).unwrap_or_default();
    let escaped = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default();
    template.replace(PLACEHOLDER, escaped)
}

/// A file name for a value: lower case ASCII letters and digits joined by
/// hyphens ("Hammersmith and Fulham" -> "hammersmith-and-fulham").
pub fn slug(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() { "area".to_string() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::data::Embedded;
    use crate::input::manifest;

    const FILES: Embedded = Embedded {
        folder: "mem",
        files: &[(
            "v.csv",
            "area,type,year,n\nCroydon,borough,2017,5\nMPS,total,2017,9\nSt. Helier's \"Isle\",borough,2017,2\nCroydon,borough,2018,6\n",
        )],
    };

    fn template(filter: &str) -> String {
        format!(
            r#"{{"format": 1, "title": "Violence in {{area}}", "date": "2018-06-27",
              "sources": {{"s": {{"publisher": "P", "title": "T"}}}},
              "data": {{"v": {{"file": "v.csv", "x": "year", "y": "n", "label": "L", "source": "s", "where": {filter}}}}}}}"#
        )
    }

    fn areas_of(src: &str, each: &str) -> Result<Vec<String>, Diagnostic> {
        let m = manifest::parse("t.json", src).unwrap();
        areas("t.json", src, &m, each, &FILES)
    }

    #[test]
    fn values_come_in_file_order_narrowed_by_fixed_filters() {
        let src = template(r#"{"type": "borough", "area": "{area}"}"#);
        assert_eq!(areas_of(&src, "v.area").unwrap(), ["Croydon", "St. Helier's \"Isle\""]);
        let all = template(r#"{"area": "{area}"}"#);
        assert_eq!(areas_of(&all, "v.area").unwrap(), ["Croydon", "MPS", "St. Helier's \"Isle\""]);
    }

    #[test]
    fn bad_each_is_explained() {
        let src = template("{}");
        assert!(areas_of(&src, "v").unwrap_err().hint.unwrap().contains("SERIES.COLUMN"));
        assert_eq!(areas_of(&src, "vv.area").unwrap_err().hint.unwrap(), "did you mean `v`?");
        let e = areas_of(&src, "v.aera").unwrap_err();
        assert_eq!((e.message.as_str(), e.hint.as_deref()), ("no column `aera`", Some("did you mean `area`?")));
    }

    #[test]
    fn substitution_escapes_for_json_and_keeps_lines() {
        let src = template(r#"{"area": "{area}"}"#);
        let filled = substitute(&src, "St. Helier's \"Isle\"");
        let m = manifest::parse("t.json", &filled).unwrap();
        assert_eq!(m.title, "Violence in St. Helier's \"Isle\"");
        assert_eq!(m.data["v"].filter["area"], Match::Value("St. Helier's \"Isle\"".into()));
        assert_eq!(filled.lines().count(), src.lines().count());
    }

    #[test]
    fn slugs_are_plain_file_names() {
        assert_eq!(slug("Hammersmith and Fulham"), "hammersmith-and-fulham");
        assert_eq!(slug("Kingston upon Thames"), "kingston-upon-thames");
        assert_eq!(slug("  St. Helier's (Isle)  "), "st-helier-s-isle");
        assert_eq!(slug("Ynys Môn"), "ynys-m-n");
        assert_eq!(slug("!!!"), "area");
    }
}
