//! Axis ticks for charts: value axes at "nice" numbers (1, 2, 2.5 or 5 times
//! a power of ten), never so many that gridlines crowd a short plot, and
//! time axes labelled at a regular step chosen so that no two labels
//! overlap, whatever the chart's width.
//!
//! Time axes are worked out from dates. Annual points (years, financial
//! years, or dates on the same day each year) get a tick at each point.
//! Points at different times of the year (half-yearly, quarterly,
//! monthly counts) get a tick at the start of every year that has data,
//! the first year included, and when that makes fewer than three ticks,
//! a tick at each month with data ("Mar 2018") instead.

use crate::input::x::{MONTHS, X};

const MONTH_ABBREVIATIONS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Where a value lies along a time axis, in years.
pub fn time_of(x: &X) -> f64 {
    match date_of(x) {
        Some((year, month, day)) => year as f64 + ((month as f64 - 1.0) * 30.5 + day as f64) / 366.0,
        None => match x {
            X::Year(y) => *y as f64,
            X::FinancialYear(y) => *y as f64 + 0.5,
            // Where the financial year of the same months would sit.
            X::YearEnding { year, month } => (*year * 12 + *month as i32 - 12) as f64 / 12.0 + 0.25,
            X::Partial { period, .. } => time_of(period),
            _ => 0.0,
        },
    }
}

/// The day a value of less than a year stands for: `(year, month, day)`.
/// Years and financial years are whole years, not days.
fn date_of(x: &X) -> Option<(i32, u32, u32)> {
    match x {
        X::Date { year, month, day } => Some((*year, *month, *day)),
        // A month or a quarter stands for its middle.
        X::Month { year, month } => Some((*year, *month, 15)),
        X::Quarter { year, quarter } => Some((*year, quarter * 3 - 1, 15)),
        X::Partial { period, .. } => date_of(period),
        _ => None,
    }
}

/// A tick of a time axis: where it stands (in years, as [`time_of`]) and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeTick {
    pub at: f64,
    pub label: String,
}

/// The ticks of a time axis through the points `xs` (of every series), and
/// the span of time the axis covers (it may start before the first point,
/// at the start of its year, so that year has its tick).
pub fn time_ticks(xs: &[&X]) -> (Vec<TimeTick>, (f64, f64)) {
    let times: Vec<f64> = xs.iter().map(|x| time_of(x)).collect();
    let (t0, t1) = times.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(*t), b.max(*t)));
    if !t0.is_finite() {
        return (Vec::new(), (0.0, 1.0));
    }
    if !sub_annual(xs) {
        // One point a year, at the same time of each: a tick on each point's year.
        let offset = times[0] - times[0].floor();
        let financial = xs.iter().all(|x| matches!(x.whole(), X::FinancialYear(_)));
        let label = |year: i32| match xs.iter().find(|x| x.year() == Some(year)) {
            // A partial period keeps its note ("2023/24 (10 months)") on the axis too.
            Some(x @ X::Partial { .. }) => x.to_string(),
            // Years ending in a month are named by the month they end: "Mar 2024".
            Some(X::YearEnding { year, month }) => format!("{} {year}", &MONTHS[*month as usize - 1][..3]),
            _ if financial => X::FinancialYear(year).to_string(),
            _ => year.to_string(),
        };
        let ticks = (t0.floor() as i32..=t1.floor() as i32)
            .map(|year| TimeTick { at: year as f64 + offset, label: label(year) })
            .filter(|t| t.at >= t0 - 1e-6 && t.at <= t1 + 1e-6)
            .collect();
        return (ticks, (t0, t1));
    }
    let mut years: Vec<i32> = xs.iter().filter_map(|x| x.year()).collect();
    years.sort_unstable();
    years.dedup();
    if years.len() >= 3 {
        let ticks = years.iter().map(|&y| TimeTick { at: y as f64, label: y.to_string() }).collect();
        return (ticks, (t0.min(years[0] as f64), t1));
    }
    // Two years or less: a tick at each month that has data, named.
    let mut months: Vec<(i32, u32)> = xs.iter().filter_map(|x| date_of(x)).map(|(y, m, _)| (y, m)).collect();
    months.sort_unstable();
    months.dedup();
    let ticks = months
        .iter()
        .map(|&(y, m)| {
            let first =
                xs.iter().filter_map(|x| date_of(x)).filter(|d| (d.0, d.1) == (y, m)).min().unwrap_or((y, m, 1));
            TimeTick {
                at: time_of(&X::Date { year: first.0, month: first.1, day: first.2 }),
                label: format!("{} {y}", MONTH_ABBREVIATIONS[m as usize - 1]),
            }
        })
        .collect();
    (ticks, (t0, t1))
}

/// Whether the points fall at different times of the year: more than one a
/// year (half-yearly, quarterly, monthly), or dates on different days.
pub fn sub_annual(xs: &[&X]) -> bool {
    let Some(first) = xs.first() else { return false };
    let offset = |x: &X| date_of(x).map(|(_, m, d)| (m, d));
    xs.iter().any(|x| offset(x) != offset(first))
}

/// Whether points at these times (in order) are unevenly spaced: a gap more
/// than half as long again as the shortest, as when a year is missing or
/// a series turns from yearly to quarterly.
pub fn irregular(times: &[f64]) -> bool {
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).filter(|g| *g > 1e-9).collect();
    let shortest = gaps.iter().copied().fold(f64::INFINITY, f64::min);
    gaps.iter().any(|g| *g > shortest * 1.5)
}

/// Tick values covering `[min, max]`: about `target` steps of a nice size,
/// starting at or below `min` and ending at or above `max`.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    if !min.is_finite() || !max.is_finite() {
        return vec![0.0];
    }
    let (min, max) = if max - min < f64::EPSILON * max.abs().max(1.0) {
        // A flat series: open a range around it so the axis still has a scale.
        let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.1 };
        (min - pad, max + pad)
    } else {
        (min, max)
    };
    let step = nice_step((max - min) / target.max(1) as f64);
    let first = (min / step).floor();
    let last = (max / step).ceil();
    if !(last - first).is_finite() || last - first > 1000.0 {
        return vec![min, max];
    }
    (first as i64..=last as i64)
        .map(|i| {
            // Multiply rather than accumulate, so 0.1 steps do not drift.
            let v = i as f64 * step;
            if v.abs() < step * 1e-9 { 0.0 } else { v }
        })
        .collect()
}

/// Nice ticks covering `[min, max]` on an axis `length` points long: about
/// five steps, or fewer when five would set gridlines closer than `min_gap`
/// points (a short plot gets two or three, not six crammed together). On an
/// axis at least `2 × min_gap` long ticks are never closer than `min_gap`:
/// one step of the nicest size gives at most three ticks.
pub fn spaced_ticks(min: f64, max: f64, length: f64, min_gap: f64) -> Vec<f64> {
    let fits = |ticks: &Vec<f64>| ticks.len() < 2 || length / (ticks.len() - 1) as f64 >= min_gap;
    (1..=5).rev().map(|target| nice_ticks(min, max, target)).find(fits).unwrap_or_else(|| nice_ticks(min, max, 1))
}

/// The nice step nearest above `raw`: 1, 2, 2.5 or 5 times a power of ten.
pub fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|n| fraction <= *n + 1e-9).unwrap_or(10.0);
    nice * magnitude
}

/// Decimals needed to print every tick distinctly (0 for whole steps).
pub fn decimals(ticks: &[f64]) -> usize {
    let step = match ticks {
        [a, b, ..] => (b - a).abs(),
        _ => return 0,
    };
    (0..=4)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(4)
}

/// Chooses which labels of a time axis to show: every `step`-th position,
/// with `step` from 1, 2, 5, 10, 20, ... the smallest for which labels of the
/// given widths, centred on their positions, keep at least `gap` apart.
/// Positions are in points along the axis; returns the indices to label.
pub fn spaced_labels(positions: &[f32], widths: &[f32], gap: f32) -> Vec<usize> {
    if positions.is_empty() {
        return Vec::new();
    }
    let steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    for step in steps {
        let chosen: Vec<usize> =
            (0..positions.len()).rev().step_by(step).collect::<Vec<_>>().into_iter().rev().collect();
        let fits = chosen.windows(2).all(|w| {
            let (a, b) = (w[0], w[1]);
            positions[b] - positions[a] >= (widths[a] + widths[b]) / 2.0 + gap
        });
        if fits {
            return chosen;
        }
    }
    vec![positions.len() - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_nice() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(6.0), 10.0);
        assert_eq!(nice_step(4_300.0), 5_000.0);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn ticks_cover_the_range_from_zero() {
        assert_eq!(nice_ticks(0.0, 33_367.0, 5), vec![0.0, 10_000.0, 20_000.0, 30_000.0, 40_000.0]);
        let t = nice_ticks(0.0, 4.14, 5);
        assert_eq!(t, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let t = nice_ticks(3.3, 4.2, 5);
        assert_eq!(t.first(), Some(&3.2));
        assert_eq!(t.last(), Some(&4.2));
        assert!(t.windows(2).all(|w| ((w[1] - w[0]) - 0.2).abs() < 1e-12), "{t:?}");
        assert_eq!(decimals(&t), 1);
        assert_eq!(decimals(&[0.0, 2.5, 5.0]), 1);
        assert_eq!(decimals(&[0.0, 10_000.0]), 0);
        // Steps that land just below a whole number after scaling.
        assert_eq!(decimals(&nice_ticks(3.40, 4.14, 5)), 1);
        assert_eq!(decimals(&[0.30000000000000004, 0.6000000000000001]), 1);
    }

    #[test]
    fn negative_flat_and_degenerate_ranges() {
        assert_eq!(nice_ticks(-20.0, 15.0, 4), vec![-20.0, -10.0, 0.0, 10.0, 20.0]);
        let flat = nice_ticks(5.0, 5.0, 4);
        assert!(flat.first().unwrap() < &5.0 && flat.last().unwrap() > &5.0);
        assert_eq!(nice_ticks(0.0, 0.0, 4).first(), Some(&-1.0));
        assert_eq!(nice_ticks(f64::NAN, 1.0, 4), vec![0.0]);
        assert!(nice_ticks(0.0, 1e308, 5).len() <= 7);
    }

    #[test]
    fn short_axes_get_fewer_ticks_never_closer_than_the_gap() {
        // 6,000 to 9,000 from zero on a 90 pt plot: five steps of 2,000 would be 18 pt apart.
        let t = spaced_ticks(0.0, 9_000.0, 90.0, 20.0);
        assert_eq!(t, vec![0.0, 2_500.0, 5_000.0, 7_500.0, 10_000.0]);
        for length in [30.0, 40.0, 50.0, 61.0, 90.0, 160.0, 570.0] {
            for (lo, hi) in [(0.0, 9_000.0), (6_000.0, 9_000.0), (3.41, 4.14), (-20.0, 15.0)] {
                let t = spaced_ticks(lo, hi, length, 20.0);
                assert!(t[0] <= lo && *t.last().unwrap() >= hi, "{t:?} does not cover {lo}..{hi}");
                let gap = length / (t.len() - 1) as f64;
                // An axis at least twice the gap long (a chart's plot is 50 pt
                // or more) never has ticks closer than the gap; a shorter one
                // keeps the two or three ticks that cover the range.
                if length >= 40.0 {
                    assert!(gap >= 20.0, "{length} pt: {t:?} ({gap} pt apart)");
                } else {
                    assert!(t.len() <= 3, "{length} pt: {t:?}");
                }
            }
        }
        // A tall axis keeps about five steps.
        assert_eq!(spaced_ticks(0.0, 9_000.0, 300.0, 20.0), nice_ticks(0.0, 9_000.0, 5));
    }

    #[test]
    fn time_labels_never_overlap_and_keep_the_last() {
        // 19 years, labels 20 pt wide.
        let widths = vec![20.0; 19];
        for axis in [80.0_f32, 150.0, 300.0, 600.0] {
            let positions: Vec<f32> = (0..19).map(|i| i as f32 * axis / 18.0).collect();
            let chosen = spaced_labels(&positions, &widths, 4.0);
            assert_eq!(*chosen.last().unwrap(), 18, "the latest year is always labelled");
            for w in chosen.windows(2) {
                assert!(positions[w[1]] - positions[w[0]] >= 24.0, "overlap at {axis} pt: {chosen:?}");
            }
        }
        let wide: Vec<f32> = (0..19).map(|i| i as f32 * 40.0).collect();
        assert_eq!(spaced_labels(&wide, &widths, 4.0).len(), 19);
        // Financial-year labels are wider and get a bigger step.
        let positions: Vec<f32> = (0..13).map(|i| i as f32 * 30.0).collect();
        let chosen = spaced_labels(&positions, &[38.0; 13], 4.0);
        assert_eq!(chosen, vec![0, 2, 4, 6, 8, 10, 12]);
    }

    fn date(year: i32, month: u32, day: u32) -> X {
        X::Date { year, month, day }
    }

    fn labels(ticks: &[TimeTick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn half_yearly_points_get_a_tick_for_every_year_the_first_included() {
        // March and September counts, starting in September 2015.
        let mut xs = vec![date(2015, 9, 30)];
        for y in 2016..=2019 {
            xs.push(date(y, 3, 31));
            xs.push(date(y, 9, 30));
        }
        let refs: Vec<&X> = xs.iter().collect();
        let (ticks, (from, to)) = time_ticks(&refs);
        assert_eq!(labels(&ticks), ["2015", "2016", "2017", "2018", "2019"]);
        // Each at the start of its year, inside the axis, which starts at 2015's start.
        assert!(ticks.iter().all(|t| t.at == t.at.floor() && t.at >= from && t.at <= to), "{ticks:?}");
        assert_eq!(from, 2015.0);
        assert_eq!(to, time_of(&date(2019, 9, 30)));
    }

    #[test]
    fn annual_points_keep_a_tick_on_each_point() {
        let xs: Vec<X> = (2007..=2018).map(|y| date(y, 3, 31)).collect();
        let refs: Vec<&X> = xs.iter().collect();
        let (ticks, range) = time_ticks(&refs);
        assert_eq!(ticks.len(), 12);
        assert!(ticks.iter().zip(&xs).all(|(t, x)| (t.at - time_of(x)).abs() < 1e-9));
        assert_eq!(range, (time_of(&xs[0]), time_of(&xs[11])));
        let fy: Vec<X> = (2010..=2013).map(X::FinancialYear).collect();
        let refs: Vec<&X> = fy.iter().collect();
        assert_eq!(labels(&time_ticks(&refs).0), ["2010/11", "2011/12", "2012/13", "2013/14"]);
    }

    #[test]
    fn a_short_run_of_sub_annual_points_names_its_months() {
        let xs = [date(2023, 3, 31), date(2023, 9, 30), date(2024, 3, 31), date(2024, 9, 30)];
        let refs: Vec<&X> = xs.iter().collect();
        let (ticks, _) = time_ticks(&refs);
        assert_eq!(labels(&ticks), ["Mar 2023", "Sep 2023", "Mar 2024", "Sep 2024"]);
        assert!(ticks.iter().zip(&xs).all(|(t, x)| (t.at - time_of(x)).abs() < 1e-9));
    }

    #[test]
    fn uneven_spacing_is_irregular() {
        assert!(!irregular(&[2010.0, 2011.0, 2012.0, 2013.0]));
        assert!(irregular(&[2010.0, 2011.0, 2013.0]));
        assert!(!irregular(&[2010.25, 2010.75, 2011.25, 2011.75]));
        assert!(irregular(&[2010.0, 2011.0, 2011.25, 2011.5]));
    }
}
