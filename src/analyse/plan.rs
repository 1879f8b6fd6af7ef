//! A series declaration read from tables, made into a typed plan once:
//! which files, which shape (long or wide), which rows (`where`), what x is
//! (a column, or the dated header cells of a wide table, and what its dates
//! stand for), which periods, how rows combine, and what to do with a
//! period that lacks months. Every contradiction in the declaration is
//! reported here, at the manifest field that causes it; the reader
//! (`fold`) then only executes the plan.

use crate::analyse::stats::X;
use crate::input::manifest::{Aggregate, DataSpec, Match};

/// What a series asks of its tables.
#[derive(Debug, Clone)]
pub struct Plan {
    pub shape: Shape,
    /// `where`, in the manifest's (sorted) order.
    pub filters: Vec<(String, Match)>,
    pub aggregate: Option<Aggregate>,
    pub period: Option<Period>,
    pub partial: Partial,
    /// First-of-month dates stand for the month's last day.
    pub month_end: bool,
    /// `from`/`to` as x values, when given.
    pub from: Option<X>,
    pub to: Option<X>,
}

/// Where x and y are in a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// One row per x (or per incident): x and y are columns; `date` is the
    /// column of each row's date when x is a category over a range.
    Long { x: String, y: Option<String>, date: Option<String> },
    /// One column per date: x values are the dated header cells, or, with
    /// `x`, a label column (one value per label over the dated columns).
    Wide { x: Option<String> },
}

/// How dated x values are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
    Year,
    FinancialYear,
    /// The twelve months to the end of this month (1–12).
    YearEnding(u32),
}

/// What to do with a period lacking some of its months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partial {
    Error,
    Drop,
    Keep,
}

/// A problem with the declaration: the field it is in, a message and a hint.
pub type Problem = (&'static str, String, String);

impl Period {
    /// The period holding month `index` (`year * 12 + month - 1`).
    pub fn of_month(self, index: i32) -> X {
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        match self {
            Period::Month => X::Month { year, month },
            Period::Quarter => X::Quarter { year, quarter: (month - 1) / 3 + 1 },
            Period::Year => X::Year(year),
            Period::FinancialYear => X::FinancialYear(if month >= 4 { year } else { year - 1 }),
            Period::YearEnding(end) => X::YearEnding { year: if month > end { year + 1 } else { year }, month: end },
        }
    }

    fn parse(s: &str) -> Option<Period> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Some(match s.as_str() {
            "month" => Period::Month,
            "quarter" => Period::Quarter,
            "year" | "calendar-year" => Period::Year,
            "financial-year" => Period::FinancialYear,
            other => Period::YearEnding(crate::input::x::month_number(other.strip_prefix("year-ending-")?)?),
        })
    }
}

/// The month index (`year * 12 + month - 1`) a raw dated x falls in.
pub fn month_of(x: &X) -> Option<i32> {
    match x {
        X::Date { year, month, .. } | X::Month { year, month } => Some(year * 12 + *month as i32 - 1),
        _ => None,
    }
}

/// The plan for a series read from tables, or every problem with its declaration.
pub fn plan(spec: &DataSpec, spreadsheet: bool) -> Result<Plan, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut problem = |field: &'static str, message: String, hint: &str| problems.push((field, message, hint.into()));
    let count = spec.aggregate == Some(Aggregate::Count);
    let shape = match (spec.wide, &spec.x, &spec.y) {
        (true, x, None) => {
            if spec.date.is_some() {
                problem(
                    "date",
                    "a wide table's dates are its header cells, so it has no `date` column".into(),
                    "leave out `date`",
                );
            }
            Shape::Wide { x: x.clone() }
        }
        (true, _, Some(_)) => {
            problem(
                "y",
                "a wide table's values are in its dated columns, so it has no `y`".into(),
                "leave out `y`; choose rows with `where` and add `\"aggregate\": \"sum\"` to add them up",
            );
            Shape::Wide { x: None }
        }
        (false, Some(x), Some(_)) if count => {
            problem(
                "y",
                "`\"aggregate\": \"count\"` counts rows, so it takes no `y`".into(),
                "leave out `y` to count the rows, or use `sum` to add up the `y` column",
            );
            Shape::Long { x: x.clone(), y: None, date: spec.date.clone() }
        }
        (false, Some(x), y) if y.is_some() || count => {
            Shape::Long { x: x.clone(), y: y.clone(), date: spec.date.clone() }
        }
        (false, x, _) => {
            let (field, message) = match x {
                None => ("x", "a series read from a file needs an `x` column"),
                Some(_) => {
                    ("y", "a series read from a file needs a `y` column, or `\"aggregate\": \"count\"` to count rows")
                }
            };
            let hint = if spreadsheet {
                "add `\"x\": ..., \"y\": ...` for a long table, or `\"row\": {\"A\": \"West Midlands\"}` for one row of a wide table"
            } else {
                "add `\"x\": \"date\", \"y\": \"officers_fte\"`; for one column per month, add `\"wide\": true`"
            };
            problem(field, message.into(), hint);
            return Err(problems);
        }
    };
    if count && matches!(shape, Shape::Wide { .. }) {
        problem(
            "aggregate",
            "a wide table's cells are already values, so its rows cannot be counted".into(),
            "use `sum` to add up the rows `where` chooses",
        );
    }
    let period = spec.period.as_deref().and_then(|p| {
        let parsed = Period::parse(p);
        if parsed.is_none() {
            problem(
                "period",
                format!("unknown period `{p}`"),
                "use `month`, `quarter`, `year`, `financial-year` or `year-ending-<month>`, e.g. `year-ending-march`",
            );
        }
        parsed
    });
    let category_x =
        matches!(&shape, Shape::Wide { x: Some(_) }) || matches!(&shape, Shape::Long { date: Some(_), .. });
    if period.is_some() && category_x {
        problem(
            "period",
            "`period` groups dated x values, but this series' x are labels".into(),
            "for one value per label over a span of months, give `from` and `to` instead",
        );
    }
    if period.is_some() && spec.aggregate.is_none() {
        problem(
            "period",
            "a period holds several rows: say how they combine".into(),
            "add `\"aggregate\": \"sum\"` (or `\"count\"` for one row per incident, `\"mean\"` for an average)",
        );
    }
    let partial = match spec.partial.as_deref() {
        None | Some("error") => Partial::Error,
        Some("drop") => Partial::Drop,
        Some("keep") => Partial::Keep,
        Some(other) => {
            problem("partial", format!("unknown choice `{other}`"), "use `error` (the default), `drop` or `keep`");
            Partial::Error
        }
    };
    if spec.partial.is_some() && period.is_none() && !category_x {
        problem(
            "partial",
            "`partial` is about periods lacking months, and this series has no `period`".into(),
            "add a `period`, or leave out `partial`",
        );
    }
    let month_end = match spec.as_at.as_deref() {
        None => false,
        Some("month-end") => true,
        Some(other) => {
            problem(
                "as_at",
                format!("unknown choice `{other}`"),
                "`month-end` reads first-of-month dates as the month's last day (2022-03-01 as 31 March 2022)",
            );
            false
        }
    };
    let bound = |b: &Option<String>| b.as_deref().map(X::parse);
    let (from, to) = (bound(&spec.from), bound(&spec.to));
    for (field, b) in [("from", &from), ("to", &to)] {
        if let Some(b) = b
            && !b.is_time()
        {
            let shown = if field == "from" { &spec.from } else { &spec.to };
            problem(
                field,
                format!("`{}` is not a date, month, year or period", shown.as_deref().unwrap_or_default()),
                "write it the way the data file does, e.g. 2018-03-31, 2024-01, 2018 or 2016/17",
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Plan {
        shape,
        filters: spec.filter.iter().map(|(c, m)| (c.clone(), m.clone())).collect(),
        aggregate: spec.aggregate,
        period,
        partial,
        month_end,
        from,
        to,
    })
}

impl Plan {
    /// Whether the series has one value per label, summed over dated
    /// columns or rows between `from` and `to`.
    pub fn over_range(&self) -> bool {
        matches!(&self.shape, Shape::Wide { x: Some(_) } | Shape::Long { date: Some(_), .. })
    }

    /// Whether the rows' dates are checked for months missing: periods, and
    /// labels over a range.
    pub fn checks_months(&self) -> bool {
        self.period.is_some() || self.over_range()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_fall_in_their_periods() {
        let at = |y: i32, m: i32| y * 12 + m - 1;
        assert_eq!(Period::FinancialYear.of_month(at(2024, 3)), X::FinancialYear(2023));
        assert_eq!(Period::FinancialYear.of_month(at(2024, 4)), X::FinancialYear(2024));
        assert_eq!(Period::YearEnding(3).of_month(at(2023, 4)), X::YearEnding { year: 2024, month: 3 });
        assert_eq!(Period::YearEnding(3).of_month(at(2024, 3)), X::YearEnding { year: 2024, month: 3 });
        assert_eq!(Period::YearEnding(12).of_month(at(2024, 12)), X::YearEnding { year: 2024, month: 12 });
        assert_eq!(Period::Quarter.of_month(at(2024, 6)), X::Quarter { year: 2024, quarter: 2 });
        assert_eq!(Period::Year.of_month(at(2024, 1)), X::Year(2024));
        assert_eq!(Period::parse("year ending March"), Some(Period::YearEnding(3)));
        assert_eq!(Period::parse("fiscal"), None);
        // Every month of a period lies in the period's own span.
        for period in [Period::Quarter, Period::FinancialYear, Period::YearEnding(9), Period::Year] {
            for m in at(2020, 1)..at(2022, 1) {
                let (a, b) = period.of_month(m).month_span().unwrap();
                assert!(a <= m && m <= b, "{period:?} {m}");
            }
        }
    }
}
