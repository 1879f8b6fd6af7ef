//! Series and the statistics computed on them.
//!
//! A series is a list of points (x, y) where y may be missing: a gap in the
//! data is kept as a gap, never interpolated. x is either time-like (dates,
//! years, financial years), then strictly increasing, or a category (a
//! borough, say), then unique and in file order.

pub use crate::input::x::X;

/// A named series of points; `None` is a gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub unit: String,
    /// Source ids the figures come from.
    pub sources: Vec<String>,
    pub points: Vec<(X, Option<f64>)>,
}

/// The statistics of one point, available as `{series[point].stat}`:
/// its value, and its rank among the series' values (1 for the largest).
pub const POINT_STATISTICS: [&str; 2] = ["value", "rank"];

/// The statistics available as `{series.stat}`.
pub const STATISTICS: [&str; 24] = [
    "latest",
    "latest_x",
    "first",
    "first_x",
    "min",
    "min_x",
    "max",
    "max_x",
    "change",
    "change_pct",
    "fall",
    "fall_pct",
    "change_from_max",
    "change_from_max_pct",
    "below_max",
    "below_max_pct",
    "change_from_min",
    "lowest_since",
    "highest_since",
    "count",
    "previous",
    "previous_x",
    "change_from_previous",
    "change_from_previous_pct",
];

/// The statistics that mean the same whatever the order of the points, so
/// they apply to categories; every other statistic needs time.
pub const CATEGORY_STATISTICS: [&str; 5] = ["min", "min_x", "max", "max_x", "count"];

/// The result of a statistic: a number, or an x value (a year, a date, a borough).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    X(X),
}

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatError {
    pub message: String,
    pub hint: String,
}

fn err(message: impl Into<String>, hint: impl Into<String>) -> StatError {
    StatError { message: message.into(), hint: hint.into() }
}

impl Series {
    /// Points with a value, in order.
    fn values(&self) -> impl DoubleEndedIterator<Item = (&X, f64)> + Clone {
        self.points.iter().filter_map(|(x, y)| y.map(|y| (x, y)))
    }

    /// A statistic of the point whose x label is `key` (see [`POINT_STATISTICS`]).
    pub fn point_stat(&self, key: &str, name: &str) -> Result<Value, StatError> {
        let labels = || self.points.iter().map(|(x, _)| x.to_string());
        let Some((x, y)) = self.points.iter().find(|(x, _)| x.to_string() == key) else {
            let message = format!("the series has no point `{key}`");
            let categories = self.points.first().is_some_and(|(x, _)| !x.is_time());
            let best =
                labels().min_by_key(|l| strsim::levenshtein(l, key)).filter(|l| strsim::levenshtein(l, key) <= 3);
            return Err(match (categories, best, self.points.first(), self.points.last()) {
                (true, Some(best), _, _) => err(message, format!("did you mean `{best}`?")),
                (_, _, Some((first, _)), Some((last, _))) => {
                    err(message, format!("points are named by their x label, from `{first}` to `{last}`"))
                }
                _ => err(message, "the series has no points"),
            });
        };
        let Some(y) = *y else {
            return Err(err(format!("the series has no value at `{x}`"), "the data have a gap there"));
        };
        match name {
            "value" => Ok(Value::Number(y)),
            "rank" => Ok(Value::Number(1.0 + self.values().filter(|&(_, v)| v > y).count() as f64)),
            _ => Err(err(
                format!("unknown statistic `{name}`"),
                format!("point statistics: {}", POINT_STATISTICS.join(", ")),
            )),
        }
    }

    /// Computes the statistic `name` (one of [`STATISTICS`]).
    pub fn stat(&self, name: &str) -> Result<Value, StatError> {
        let values = self.values();
        let first = values.clone().next();
        let last = values.clone().next_back();
        let (Some((first_x, first_y)), Some((last_x, last_y))) = (first, last) else {
            return if name == "count" {
                Ok(Value::Number(0.0))
            } else {
                Err(err("the series has no values", "check the file, its filters and the from/to range"))
            };
        };
        // Extremes: the earliest point wins a tie, so `max_x` names the first time the peak was reached.
        let extreme = |better: fn(f64, f64) -> bool| {
            values.clone().fold((first_x, first_y), |best, (x, y)| if better(y, best.1) { (x, y) } else { best })
        };
        let (min_x, min_y) = extreme(|a, b| a < b);
        let (max_x, max_y) = extreme(|a, b| a > b);
        if !first_x.is_time() && !CATEGORY_STATISTICS.contains(&name) && STATISTICS.contains(&name) {
            // The order of categories is the file's: the last is not the
            // latest, and a wide table headed `Mid-2020, Mid-2019, …` read
            // as categories would state the oldest year as the latest.
            let shown: Vec<String> = self.points.iter().take(3).map(|(x, _)| format!("`{x}`")).collect();
            let more = if self.points.len() > 3 { ", …" } else { "" };
            return Err(err(
                format!(
                    "`{name}` is a statistic of time, but the x values are categories ({}{more}), in the file's order, not time's",
                    shown.join(", ")
                ),
                format!(
                    "of categories only {} work; if the x are years or dates, head them as dates (`2020`, `2020-03-31`, `2020/21`, `Mar 2020`, `Mid-2020`, `Year ending March 2020`)",
                    CATEGORY_STATISTICS.join(", ")
                ),
            ));
        }
        let number = |v: f64| Ok(Value::Number(v));
        let x = |x: &X| Ok(Value::X(x.clone()));
        match name {
            "latest" => number(last_y),
            "latest_x" => x(last_x),
            "first" => number(first_y),
            "first_x" => x(first_x),
            "min" => number(min_y),
            "min_x" => x(min_x),
            "max" => number(max_y),
            "max_x" => x(max_x),
            "count" => number(values.count() as f64),
            "change" => number(last_y - first_y),
            "change_pct" => percent(last_y - first_y, first_y, "first"),
            // "fell by 9%" reads better than "changed by −9%".
            "fall" => number(first_y - last_y),
            "fall_pct" => percent(first_y - last_y, first_y, "first"),
            "change_from_max" => number(last_y - max_y),
            "change_from_max_pct" => percent(last_y - max_y, max_y, "maximum"),
            "below_max" => number(max_y - last_y),
            "below_max_pct" => percent(max_y - last_y, max_y, "maximum"),
            "change_from_min" => number(last_y - min_y),
            "previous" | "previous_x" | "change_from_previous" | "change_from_previous_pct" => {
                let (px, py) = values
                    .rev()
                    .nth(1)
                    .ok_or_else(|| err("the series has only one value", format!("`{name}` needs at least two")))?;
                match name {
                    "previous" => number(py),
                    "previous_x" => x(px),
                    "change_from_previous" => number(last_y - py),
                    _ => percent(last_y - py, py, "previous"),
                }
            }
            "lowest_since" => self.since(|y| y <= last_y, "lowest", "at or below"),
            "highest_since" => self.since(|y| y >= last_y, "highest", "at or above"),
            _ => Err(err(format!("unknown statistic `{name}`"), format!("statistics: {}", STATISTICS.join(", ")))),
        }
    }

    /// The series from `from` to `to` (both included), for statistics
    /// between two chosen points: `{officers[2010..2018].change_pct}`. An
    /// end left empty is the series' own; an end that is not one of its
    /// points is an error naming the points either side, never a silent cut.
    pub fn between(&self, from: &str, to: &str) -> Result<Series, StatError> {
        let end = |text: &str| -> Result<Option<X>, StatError> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            let x = X::parse(text);
            if self.points.iter().any(|(p, _)| p.time_cmp(&x).is_some_and(|o| o.is_eq())) {
                return Ok(Some(x));
            }
            let kind = self.points.first().map_or("date", |(p, _)| p.kind());
            Err(match crate::input::x::straddled(self.points.iter().map(|(p, _)| p), &x) {
                Some((below, above)) => err(
                    format!("the series has no point at `{text}`: it falls between {below} and {above}"),
                    format!("write `{below}` or `{above}`, as the data file dates them"),
                ),
                None if x.kind() != kind || !x.is_time() => err(
                    format!("`{text}` is not a {kind} like the series' x values"),
                    "a range runs between two of the series' points, e.g. `[2010..2018]`",
                ),
                None => match (self.points.first(), self.points.last()) {
                    (Some((first, _)), Some((last, _))) => err(
                        format!("the series has no point at `{text}`"),
                        format!("its points run from {first} to {last}"),
                    ),
                    _ => err("the series has no points", "check the file, its filters and the from/to range"),
                },
            })
        };
        if self.points.first().is_some_and(|(x, _)| !x.is_time()) {
            return Err(err(
                "a range `[from..to]` needs a time series, but the x values are categories",
                "name one point instead, e.g. `{series[Camden].value}`",
            ));
        }
        let (from, to) = (end(from)?, end(to)?);
        let within = |x: &X, bound: &Option<X>, keep: fn(std::cmp::Ordering) -> bool| {
            bound.as_ref().is_none_or(|b| x.time_cmp(b).is_some_and(keep))
        };
        let points: Vec<(X, Option<f64>)> = self
            .points
            .iter()
            .filter(|(x, _)| within(x, &from, |o| o.is_ge()) && within(x, &to, |o| o.is_le()))
            .cloned()
            .collect();
        if points.is_empty() {
            return Err(err("the range holds no points", "write the earlier point first: `[2010..2018]`"));
        }
        Ok(Series { points, ..self.clone() })
    }

    /// The x of the last point before the latest whose value passes `test`.
    fn since(&self, test: impl Fn(f64) -> bool, word: &str, relation: &str) -> Result<Value, StatError> {
        let mut earlier = self.values().rev().skip(1);
        match earlier.find(|(_, y)| test(*y)) {
            Some((x, _)) => Ok(Value::X(x.clone())),
            None => Err(err(
                format!("no earlier value is {relation} the latest: it is the {word} in the whole series"),
                format!("say \"the {word} on record\" (or since the series starts, {{series.first_x}}) instead"),
            )),
        }
    }
}

fn percent(change: f64, base: f64, what: &str) -> Result<Value, StatError> {
    if base == 0.0 {
        return Err(err(
            format!("the {what} value is zero, so a percentage change is undefined"),
            "use `change` instead",
        ));
    }
    Ok(Value::Number(change / base.abs() * 100.0))
}

/// How the x values of two series are matched when deriving one from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Identical x values.
    Exact,
    /// The same calendar year (e.g. 31 March 2018 with mid-2018 population).
    Year,
    /// The second series' previous year (e.g. 31 March 2018 with mid-2017 population).
    PreviousYear,
}

/// How two series combine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operation {
    /// a / b × scale.
    Ratio { scale: f64 },
    /// a − b.
    Difference,
}

/// Derives a series from `a` and `b`; the result keeps `a`'s x values, and a
/// point is a gap where either input is missing or has no aligned value.
pub fn derive(a: &Series, b: &Series, op: Operation, align: Align) -> Series {
    let partner = |x: &X| -> Option<f64> {
        let found = b.points.iter().find(|(bx, _)| match align {
            Align::Exact => bx == x,
            Align::Year => x.year().is_some() && bx.year() == x.year(),
            Align::PreviousYear => x.year().is_some() && bx.year() == x.year().map(|y| y - 1),
        });
        found.and_then(|(_, y)| *y)
    };
    let points = a
        .points
        .iter()
        .map(|(x, ay)| {
            let y = match (ay, partner(x)) {
                (Some(ay), Some(by)) => match op {
                    Operation::Ratio { .. } if by == 0.0 => None,
                    Operation::Ratio { scale } => Some(ay / by * scale),
                    Operation::Difference => Some(ay - by),
                },
                _ => None,
            };
            (x.clone(), y)
        })
        .collect();
    let mut sources = a.sources.clone();
    sources.extend(b.sources.iter().filter(|s| !a.sources.contains(s)).cloned());
    Series { label: String::new(), unit: String::new(), sources, points }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(&str, Option<f64>)]) -> Series {
        Series {
            label: "s".into(),
            unit: String::new(),
            sources: vec!["src".into()],
            points: points.iter().map(|(x, y)| (X::parse(x), *y)).collect(),
        }
    }

    fn num(s: &Series, stat: &str) -> f64 {
        match s.stat(stat).unwrap() {
            Value::Number(n) => n,
            v => panic!("{stat} gave {v:?}"),
        }
    }

    fn x(s: &Series, stat: &str) -> String {
        match s.stat(stat).unwrap() {
            Value::X(x) => x.to_string(),
            v => panic!("{stat} gave {v:?}"),
        }
    }

    #[test]
    fn parses_x_kinds() {
        assert_eq!(X::parse("2018-03-31"), X::Date { year: 2018, month: 3, day: 31 });
        assert_eq!(X::parse("2018"), X::Year(2018));
        assert_eq!(X::parse("2016/17"), X::FinancialYear(2016));
        assert_eq!(X::parse("1999/00"), X::FinancialYear(1999));
        assert_eq!(X::parse("2016/18"), X::Category("2016/18".into()));
        assert_eq!(X::parse("Croydon"), X::Category("Croydon".into()));
        assert_eq!(X::parse("2018-02-30"), X::Category("2018-02-30".into()));
        for s in ["2018-03-31", "2018", "2016/17", "1999/00", "Croydon"] {
            assert_eq!(X::parse(s).to_string(), s);
        }
    }

    #[test]
    fn statistics_skip_gaps() {
        // A rise to a peak, a gap, a fall, and a last year in between.
        let s = series(&[
            ("2003", Some(28.0)),
            ("2004", None),
            ("2010", Some(33.0)),
            ("2015", Some(31.0)),
            ("2017", Some(30.0)),
            ("2018", Some(30.5)),
        ]);
        assert_eq!(num(&s, "latest"), 30.5);
        assert_eq!(x(&s, "latest_x"), "2018");
        assert_eq!(num(&s, "first"), 28.0);
        assert_eq!(x(&s, "first_x"), "2003");
        assert_eq!((num(&s, "min"), x(&s, "min_x")), (28.0, "2003".into()));
        assert_eq!((num(&s, "max"), x(&s, "max_x")), (33.0, "2010".into()));
        assert_eq!(num(&s, "count"), 5.0);
        assert_eq!(num(&s, "change"), 2.5);
        assert!((num(&s, "change_pct") - 2.5 / 28.0 * 100.0).abs() < 1e-12);
        assert_eq!(num(&s, "change_from_max"), -2.5);
        assert!((num(&s, "change_from_max_pct") + 2.5 / 33.0 * 100.0).abs() < 1e-12);
        assert_eq!(num(&s, "below_max"), 2.5);
        assert!((num(&s, "below_max_pct") - 2.5 / 33.0 * 100.0).abs() < 1e-12);
        assert_eq!(num(&s, "fall"), -2.5);
        assert!((num(&s, "fall_pct") + 2.5 / 28.0 * 100.0).abs() < 1e-12);
        assert_eq!(num(&s, "change_from_previous"), 0.5);
        assert_eq!(num(&s, "change_from_min"), 2.5);
        assert_eq!((num(&s, "previous"), x(&s, "previous_x")), (30.0, "2017".into()));
        // 30.5: the last earlier value at or below it is 2017's 30.
        assert_eq!(x(&s, "lowest_since"), "2017");
        // The last earlier value at or above 30.5 is 2015's 31.
        assert_eq!(x(&s, "highest_since"), "2015");
    }

    #[test]
    fn lowest_since_with_no_lower_value_is_an_error() {
        let s = series(&[("2016", Some(3.0)), ("2017", Some(2.0)), ("2018", Some(1.0))]);
        let e = s.stat("lowest_since").unwrap_err();
        assert!(e.message.contains("lowest in the whole series"), "{}", e.message);
        assert_eq!(x(&s, "highest_since"), "2017");
    }

    #[test]
    fn equal_values_count_as_at_or_below() {
        let s = series(&[("2015", Some(2.0)), ("2016", Some(1.0)), ("2017", Some(3.0)), ("2018", Some(1.0))]);
        assert_eq!(x(&s, "lowest_since"), "2016");
        // Ties for the minimum: the earliest is reported.
        assert_eq!(x(&s, "min_x"), "2016");
    }

    #[test]
    fn negative_values() {
        let s = series(&[("2016", Some(-4.0)), ("2017", Some(-1.0)), ("2018", Some(-2.0))]);
        assert_eq!(num(&s, "min"), -4.0);
        assert_eq!(num(&s, "max"), -1.0);
        assert_eq!(num(&s, "change"), 2.0);
        // Percentage change is relative to the size of the base: up 50%.
        assert_eq!(num(&s, "change_pct"), 50.0);
        assert_eq!(x(&s, "lowest_since"), "2016");
    }

    #[test]
    fn one_point_and_empty_series() {
        let s = series(&[("2018", Some(5.0))]);
        assert_eq!(num(&s, "latest"), 5.0);
        assert_eq!(num(&s, "change"), 0.0);
        assert_eq!(num(&s, "change_pct"), 0.0);
        assert!(s.stat("previous").is_err());
        assert!(s.stat("lowest_since").is_err());
        let empty = series(&[("2018", None)]);
        assert_eq!(num(&empty, "count"), 0.0);
        assert!(empty.stat("latest").unwrap_err().message.contains("no values"));
        let zero = series(&[("2017", Some(0.0)), ("2018", Some(3.0))]);
        assert!(zero.stat("change_pct").is_err());
        assert!(series(&[("2018", Some(1.0))]).stat("median").is_err());
    }

    #[test]
    fn derived_series_align_by_year() {
        let officers =
            series(&[("2017-03-31", Some(31_000.0)), ("2018-03-31", Some(30_390.0)), ("2019-03-31", Some(30_000.0))]);
        let population =
            series(&[("2016", Some(8_769_659.0)), ("2017", Some(8_825_001.0)), ("2018", Some(8_908_081.0))]);
        let same = derive(&officers, &population, Operation::Ratio { scale: 1000.0 }, Align::Year);
        assert_eq!(same.points[1].0, X::parse("2018-03-31"));
        assert!((same.points[1].1.unwrap() - 30_390.0 / 8_908_081.0 * 1000.0).abs() < 1e-12);
        // No 2019 population: a gap, not an invented value.
        assert_eq!(same.points[2].1, None);
        let previous = derive(&officers, &population, Operation::Ratio { scale: 1000.0 }, Align::PreviousYear);
        assert!((previous.points[1].1.unwrap() - 30_390.0 / 8_825_001.0 * 1000.0).abs() < 1e-12);
        assert!((previous.points[0].1.unwrap() - 31_000.0 / 8_769_659.0 * 1000.0).abs() < 1e-12);
        let exact = derive(&officers, &population, Operation::Difference, Align::Exact);
        assert!(exact.points.iter().all(|p| p.1.is_none()));
        assert_eq!(same.sources, vec!["src".to_string()]);
    }
}
