//! Dates as authors write them: `YYYY-MM-DD` in the manifest, and `YYYY-MM`
//! or `YYYY` for a source's publication date, checked against the calendar.

/// `YYYY-MM-DD` with a real month and day.
pub fn is_full_date(s: &str) -> bool {
    parse_date(s).is_some_and(|(_, m, d)| m.is_some() && d.is_some())
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn is_partial_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// Parses `YYYY[-MM[-DD]]`, checking month and day ranges (with leap years).
pub fn parse_date(s: &str) -> Option<(i32, Option<u32>, Option<u32>)> {
    let mut parts = s.split('-');
    let num = |p: Option<&str>, len: usize| -> Option<Option<u32>> {
        match p {
            None => Some(None),
            Some(p) if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok().map(Some),
            Some(_) => None,
        }
    };
    let year = num(parts.next(), 4)??;
    let month = num(parts.next(), 2)?;
    let day = num(parts.next(), 2)?;
    if parts.next().is_some() || (month.is_none() && day.is_some()) {
        return None;
    }
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return None;
    }
    if let (Some(m), Some(d)) = (month, day) {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if d == 0 || d > days[m as usize - 1] {
            return None;
        }
    }
    Some((year as i32, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_full_date("2016-02-29"));
        assert!(!is_full_date("2018-02-29"));
        assert!(!is_full_date("2018-13-01"));
        assert!(!is_full_date("2018-6-27"));
        assert!(!is_full_date("2018-06"));
        assert!(is_partial_date("2018-06"));
        assert!(is_partial_date("2018"));
        assert!(!is_partial_date("18"));
    }
}
