//! Axis ticks for charts: value axes at "nice" numbers (1, 2, 2.5 or 5 times
//! a power of ten), never so many that gridlines crowd a short plot, and
//! time axes labelled at a regular step chosen so that no two labels
//! overlap, whatever the chart's width.

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
}
