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
        if let Some(x) = compact_month(s)
            .or_else(|| quarter(s))
            .or_else(|| year_ending(s))
            .or_else(|| partial(s))
            .or_else(|| mid_year(s))
            .or_else(|| named_month(s))
            .or_else(|| dashed_financial_year(s))
        {
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

/// The nearest x on each side of a bound that no x sits on, when there are
/// x on both sides: a `from` or `to` between two points cuts the series
/// somewhere the author did not name (`"from": "2015-03-31"` on a series
/// dated `2015-03-01` silently leaves out 2015). `None` when an x equals
/// the bound, or the bound lies outside the x (then it cuts nothing, or
/// everything, which is reported elsewhere).
pub fn straddled<'a>(xs: impl IntoIterator<Item = &'a X>, bound: &X) -> Option<(&'a X, &'a X)> {
    let (mut below, mut above): (Option<&X>, Option<&X>) = (None, None);
    for x in xs {
        match x.time_cmp(bound)? {
            Ordering::Equal => return None,
            Ordering::Less if below.is_none_or(|b| x.time_cmp(b).is_some_and(Ordering::is_gt)) => below = Some(x),
            Ordering::Greater if above.is_none_or(|a| x.time_cmp(a).is_some_and(Ordering::is_lt)) => above = Some(x),
            _ => {}
        }
    }
    Some((below?, above?))
}

/// Column headings that hold a year inside the same words, read as those
/// years: `Estimated population mid-2020`, `… mid-2019`. Used when no
/// heading of a wide table reads as a date. Each heading gets its year, or
/// `None` when it holds no year or other words; `None` overall unless at
/// least two headings share one pattern and no heading with a year follows
/// another pattern (population and density columns side by side stay as
/// they are, for the author to choose between).
pub fn years_in_headings(headings: &[&str]) -> Option<Vec<Option<i32>>> {
    let found: Vec<Option<(String, i32)>> = headings.iter().map(|h| year_inside(h)).collect();
    let mut patterns = found.iter().flatten().map(|(pattern, _)| pattern);
    let first = patterns.next()?;
    if !patterns.all(|p| p == first) || found.iter().flatten().count() < 2 {
        return None;
    }
    Some(found.into_iter().map(|f| f.map(|(_, year)| year)).collect())
}

/// The one four-digit year (1800–2200) standing alone in a heading, and
/// the heading with it replaced by `{year}`.
fn year_inside(heading: &str) -> Option<(String, i32)> {
    let bytes = heading.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let year: i32 = heading[start..i].parse().unwrap_or(0);
        if i - start == 4 && (1800..=2200).contains(&year) {
            if found.is_some() {
                return None;
            }
            found = Some((format!("{}{{year}}{}", &heading[..start], &heading[i..]), year));
        }
    }
    found
}

/// The x nearest a bound that lies beyond every x on the side it cuts
/// (a `from` before the first point, a `to` after the last): it cuts
/// nothing, and the author may believe the data reach it. `None` when some
/// x lies beyond it or the kinds differ.
pub fn beyond<'a>(xs: impl IntoIterator<Item = &'a X>, bound: &X, from: bool) -> Option<&'a X> {
    let mut nearest: Option<&X> = None;
    for x in xs {
        let order = x.time_cmp(bound)?;
        let inside = if from { order.is_gt() } else { order.is_lt() };
        if !inside {
            return None;
        }
        let nearer = |n: &X| x.time_cmp(n).is_some_and(|o| if from { o.is_lt() } else { o.is_gt() });
        if nearest.is_none_or(nearer) {
            nearest = Some(x);
        }
    }
    nearest
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

/// `Mid-2020` (also `mid 2020`, `Mid-year 2020`): a mid-year estimate, as
/// ONS population tables head their columns, stands for its year.
fn mid_year(s: &str) -> Option<X> {
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("mid")?;
    let year = rest.trim_start_matches("-year").trim_start_matches([' ', '-']);
    four_digit_year(year).map(X::Year)
}

/// `Mar 2019` or `March 2019` (also with a `-`): a month.
fn named_month(s: &str) -> Option<X> {
    let (month, year) = s.rsplit_once([' ', '-'])?;
    let month = month_number(month)?;
    four_digit_year(year).map(|year| X::Month { year, month })
}

/// `2020-21` or `2020-2021` (also `2020/2021`): a financial year written
/// with a dash or in full, as many tables head their columns.
fn dashed_financial_year(s: &str) -> Option<X> {
    let (a, b) = s.split_once(['-', '/', '–'])?;
    let start = four_digit_year(a)?;
    let end_ok = match b.len() {
        2 => b.parse::<i32>().ok() == Some((start + 1) % 100),
        4 => four_digit_year(b) == Some(start + 1),
        _ => false,
    };
    (end_ok && b.bytes().all(|c| c.is_ascii_digit())).then_some(X::FinancialYear(start))
}

fn four_digit_year(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
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
        // Column headings of ONS and Home Office tables.
        assert_eq!(X::parse("Mid-2020"), X::Year(2020));
        assert_eq!(X::parse("mid 2019"), X::Year(2019));
        assert_eq!(X::parse("2020-21"), X::FinancialYear(2020));
        assert_eq!(X::parse("2020-2021"), X::FinancialYear(2020));
        assert_eq!(X::parse("2020-22"), X::Category("2020-22".into()));
        assert_eq!(X::parse("Mar 2019"), X::Month { year: 2019, month: 3 });
        assert_eq!(X::parse("September-2019"), X::Month { year: 2019, month: 9 });
        assert_eq!(X::parse("Midlands 2019"), X::Category("Midlands 2019".into()));
    }

    #[test]
    fn headings_with_a_year_inside_the_same_words_are_years() {
        let years = |h: &[&str]| years_in_headings(h);
        assert_eq!(
            years(&["Code", "Estimated population mid-2020", "Estimated population mid-2019"]),
            Some(vec![None, Some(2020), Some(2019)])
        );
        // Two patterns: population and density columns, for the author to choose.
        assert_eq!(
            years(&["Population 2020", "2020 people per sq. km", "Population 2019", "2019 people per sq. km"]),
            None
        );
        assert_eq!(years(&["Population 2020"]), None);
        assert_eq!(years(&["Area 12345", "Area 2019 to 2020"]), None);
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
