//! The x value of a data point as read from a file or the manifest: a date,
//! a month, a quarter, a year, a financial year, a year ending in a month or
//! a category, with the order of time-like values.

use std::cmp::Ordering;
use std::fmt;

/// An x value of a series.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum X {
    /// `YYYY-MM-DD`.
    Date { year: i32, month: u32, day: u32 },
    /// `YYYY-MM` (also `YYYYMM`, as the Met's monthly tables head their columns).
    Month { year: i32, month: u32 },
    /// `YYYY Q1` to `YYYY Q4`: calendar quarters.
    Quarter { year: i32, quarter: u32 },
    /// `YYYY`.
    Year(i32),
    /// `YYYY/YY`, April to March; holds the starting year.
    FinancialYear(i32),
    /// `Year ending March 2024`: the twelve months to the end of `month`.
    YearEnding { year: i32, month: u32 },
    /// A period with fewer months of data than it spans, kept because the
    /// author asked to: printed `2023/24 (10 months)` wherever it shows.
    Partial { period: Box<X>, months: u32 },
    /// Anything else, e.g. a borough name.
    Category(String),
}

/// English month names, for `Year ending March 2024`.
pub use crate::text::linebreak::MONTHS;

/// The month (1–12) a name or its three-letter abbreviation stands for.
pub fn month_number(name: &str) -> Option<u32> {
    let name = name.trim().trim_end_matches('.');
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name) || (name.len() == 3 && m[..3].eq_ignore_ascii_case(name)))
        .map(|i| i as u32 + 1)
}

impl X {
    /// Reads an x value from a CSV cell or a manifest string.
    pub fn parse(s: &str) -> X {
        let s = s.trim();
        if let Some((y, m, d)) = super::date::parse_date(s) {
            match (m, d) {
                (Some(month), Some(day)) => return X::Date { year: y, month, day },
                (Some(month), None) => return X::Month { year: y, month },
                _ => {}
            }
        }
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return X::Year(s.parse().unwrap_or_default());
        }
        if let Some(x) = compact_month(s).or_else(|| quarter(s)).or_else(|| year_ending(s)).or_else(|| partial(s)) {
            return x;
        }
        if let Some((a, b)) = s.split_once('/')
            && a.len() == 4
            && b.len() == 2
            && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        {
            let start: i32 = a.parse().unwrap_or_default();
            let end: i32 = b.parse().unwrap_or_default();
            if (start + 1) % 100 == end {
                return X::FinancialYear(start);
            }
        }
        X::Category(s.to_string())
    }

    /// The kind of x, for checking that a series is consistent.
    pub fn kind(&self) -> &'static str {
        match self {
            X::Date { .. } => "date",
            X::Month { .. } => "month",
            X::Quarter { .. } => "quarter",
            X::Year(_) => "year",
            X::FinancialYear(_) => "financial year",
            X::YearEnding { .. } => "year ending",
            X::Partial { period, .. } => period.kind(),
            X::Category(_) => "category",
        }
    }

    pub fn is_time(&self) -> bool {
        !matches!(self, X::Category(_))
    }

    /// The period itself, without the note that it is partial.
    pub fn whole(&self) -> &X {
        match self {
            X::Partial { period, .. } => period,
            other => other,
        }
    }

    /// The calendar year this x falls in (a financial year, or a year
    /// ending in a month, counts as the year it starts in).
    pub fn year(&self) -> Option<i32> {
        match self {
            X::Date { year, .. } | X::Month { year, .. } | X::Quarter { year, .. } | X::Year(year) => Some(*year),
            X::FinancialYear(year) => Some(*year),
            X::YearEnding { year, month } => Some(if *month == 12 { *year } else { year - 1 }),
            X::Partial { period, .. } => period.year(),
            X::Category(_) => None,
        }
    }

    /// The months a period spans, as `year * 12 + month - 1` from first to
    /// last; `None` for dates and categories.
    pub fn month_span(&self) -> Option<(i32, i32)> {
        let m = |year: i32, month: u32| year * 12 + month as i32 - 1;
        match self {
            X::Month { year, month } => Some((m(*year, *month), m(*year, *month))),
            X::Quarter { year, quarter } => Some((m(*year, quarter * 3 - 2), m(*year, quarter * 3))),
            X::Year(year) => Some((m(*year, 1), m(*year, 12))),
            X::FinancialYear(year) => Some((m(*year, 4), m(year + 1, 3))),
            X::YearEnding { year, month } => Some((m(*year, *month) - 11, m(*year, *month))),
            X::Partial { period, .. } => period.month_span(),
            X::Date { .. } | X::Category(_) => None,
        }
    }

    /// Order of two time-like values of the same kind.
    pub fn time_cmp(&self, other: &X) -> Option<Ordering> {
        match (self.whole(), other.whole()) {
            (X::Date { year: a, month: b, day: c }, X::Date { year: d, month: e, day: f }) => {
                Some((a, b, c).cmp(&(d, e, f)))
            }
            (X::Month { year: a, month: b }, X::Month { year: c, month: d })
            | (X::Quarter { year: a, quarter: b }, X::Quarter { year: c, quarter: d })
            | (X::YearEnding { year: a, month: b }, X::YearEnding { year: c, month: d }) => Some((a, b).cmp(&(c, d))),
            (X::Year(a), X::Year(b)) | (X::FinancialYear(a), X::FinancialYear(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// `YYYYMM`, as monthly tables head their columns (`201004`).
fn compact_month(s: &str) -> Option<X> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, month): (i32, u32) = (s[..4].parse().ok()?, s[4..].parse().ok()?);
    ((1800..=2200).contains(&year) && (1..=12).contains(&month)).then_some(X::Month { year, month })
}

/// `2023 Q1`, `2023-Q1` or `Q1 2023`.
fn quarter(s: &str) -> Option<X> {
    let upper = s.to_ascii_uppercase();
    let (year, q) = match upper.split_once('Q') {
        Some(("", rest)) => (rest.get(1..)?.trim(), rest.get(..1)?),
        Some((year, q)) => (year.trim_end_matches(['-', ' ']), q),
        None => return None,
    };
    let quarter: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
        .then(|| X::Quarter { year: year.parse().unwrap_or_default(), quarter })
}

/// `Year ending March 2024` (also `year ending Mar 2024`, `YE Mar 2024`).
fn year_ending(s: &str) -> Option<X> {
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("year ending ").or_else(|| lower.strip_prefix("ye "))?;
    let (month, year) = rest.trim().rsplit_once(' ')?;
    let month = month_number(month)?;
    let year: i32 = year.parse().ok().filter(|_| year.len() == 4)?;
    Some(X::YearEnding { year, month })
}

/// `2023/24 (10 months)`: a partial period as the tool prints it.
fn partial(s: &str) -> Option<X> {
    let (period, note) = s.strip_suffix(" months)")?.rsplit_once(" (")?;
    let months: u32 = note.parse().ok()?;
    let period = X::parse(period);
    period.month_span().map(|_| X::Partial { period: Box::new(period), months })
}

impl fmt::Display for X {
    /// The form used in data files, which `X::parse` reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            X::Date { year, month, day } => write!(f, "{year:04}-{month:02}-{day:02}"),
            X::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            X::Quarter { year, quarter } => write!(f, "{year:04} Q{quarter}"),
            X::Year(y) => write!(f, "{y}"),
            X::FinancialYear(y) => write!(f, "{y}/{:02}", (y + 1) % 100),
            X::YearEnding { year, month } => write!(f, "Year ending {} {year}", MONTHS[*month as usize - 1]),
            X::Partial { period, months } => write!(f, "{period} ({months} months)"),
            X::Category(c) => f.write_str(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_print_back() {
        for (text, x) in [
            ("2024-01", X::Month { year: 2024, month: 1 }),
            ("2023 Q4", X::Quarter { year: 2023, quarter: 4 }),
            ("Year ending March 2024", X::YearEnding { year: 2024, month: 3 }),
            ("2023/24 (10 months)", X::Partial { period: Box::new(X::FinancialYear(2023)), months: 10 }),
        ] {
            assert_eq!(X::parse(text), x, "{text}");
            assert_eq!(x.to_string(), text);
        }
        assert_eq!(X::parse("201004"), X::Month { year: 2010, month: 4 });
        assert_eq!(X::parse("201013"), X::Category("201013".into()));
        assert_eq!(X::parse("Q2 2019"), X::Quarter { year: 2019, quarter: 2 });
        assert_eq!(X::parse("2019-Q2"), X::Quarter { year: 2019, quarter: 2 });
        assert_eq!(X::parse("year ending Sep 2020"), X::YearEnding { year: 2020, month: 9 });
        assert_eq!(X::parse("Queens Park"), X::Category("Queens Park".into()));
    }

    #[test]
    fn periods_span_their_months_and_order_within_a_kind() {
        let span = |s: &str| X::parse(s).month_span().map(|(a, b)| (a / 12, a % 12 + 1, b / 12, b % 12 + 1));
        assert_eq!(span("2023/24"), Some((2023, 4, 2024, 3)));
        assert_eq!(span("Year ending March 2024"), Some((2023, 4, 2024, 3)));
        assert_eq!(span("2023 Q1"), Some((2023, 1, 2023, 3)));
        assert_eq!(span("2023"), Some((2023, 1, 2023, 12)));
        assert_eq!(span("2023-03-31"), None);
        let partial = X::parse("2023/24 (10 months)");
        assert_eq!(partial.time_cmp(&X::FinancialYear(2022)), Some(Ordering::Greater));
        assert_eq!(partial.kind(), "financial year");
        assert_eq!(X::parse("2024-01").time_cmp(&X::parse("2023-12")), Some(Ordering::Greater));
        assert_eq!(X::parse("2024-01").time_cmp(&X::parse("2024")), None);
    }
}
