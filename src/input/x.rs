//! The x value of a data point as read from a file or the manifest: a date,
//! a year, a financial year or a category, with the order of time-like values.

use std::cmp::Ordering;
use std::fmt;

/// An x value of a series.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum X {
    /// `YYYY-MM-DD`.
    Date { year: i32, month: u32, day: u32 },
    /// `YYYY`.
    Year(i32),
    /// `YYYY/YY`, April to March; holds the starting year.
    FinancialYear(i32),
    /// Anything else, e.g. a borough name.
    Category(String),
}

impl X {
    /// Reads an x value from a CSV cell or a manifest string.
    pub fn parse(s: &str) -> X {
        let s = s.trim();
        if let Some((y, Some(m), Some(d))) = super::date::parse_date(s) {
            return X::Date { year: y, month: m, day: d };
        }
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return X::Year(s.parse().unwrap_or_default());
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
            X::Year(_) => "year",
            X::FinancialYear(_) => "financial year",
            X::Category(_) => "category",
        }
    }

    pub fn is_time(&self) -> bool {
        !matches!(self, X::Category(_))
    }

    /// The calendar year this x falls in (a financial year counts as its starting year).
    pub fn year(&self) -> Option<i32> {
        match self {
            X::Date { year, .. } | X::Year(year) | X::FinancialYear(year) => Some(*year),
            X::Category(_) => None,
        }
    }

    /// Order of two time-like values of the same kind.
    pub fn time_cmp(&self, other: &X) -> Option<Ordering> {
        match (self, other) {
            (X::Date { year: a, month: b, day: c }, X::Date { year: d, month: e, day: f }) => {
                Some((a, b, c).cmp(&(d, e, f)))
            }
            (X::Year(a), X::Year(b)) | (X::FinancialYear(a), X::FinancialYear(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

impl fmt::Display for X {
    /// The form used in data files, which `X::parse` reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            X::Date { year, month, day } => write!(f, "{year:04}-{month:02}-{day:02}"),
            X::Year(y) => write!(f, "{y}"),
            X::FinancialYear(y) => write!(f, "{y}/{:02}", (y + 1) % 100),
            X::Category(c) => f.write_str(c),
        }
    }
}
