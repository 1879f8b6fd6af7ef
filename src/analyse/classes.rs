//! Cutting a map's values into classes for its colours: breaks at
//! quantiles (about as many areas in each class) or at rounded equal
//! steps, each break rounded to the precision the legend prints, so that
//! the legend's numbers are exactly where classes change.
//!
//! A value equal to a break belongs to the class above it.

/// How breaks are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Quantiles,
    Equal,
}

impl Method {
    pub const NAMES: [&str; 2] = ["quantiles", "equal"];

    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "quantiles" => Some(Method::Quantiles),
            "equal" => Some(Method::Equal),
            _ => None,
        }
    }
}

/// The class of `value`: how many breaks are at or below it.
pub fn class_of(value: f64, breaks: &[f64]) -> usize {
    breaks.iter().filter(|b| **b <= value).count()
}

/// `value` rounded to a multiple of 10^-`places` (`places` may be negative).
pub fn round_to(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

/// Decimal places that show breaks `step` apart with two significant
/// figures: 0.25 apart needs two, 2.5 one, and 600 rounds to tens (−1).
pub fn places_for(step: f64) -> i32 {
    if step <= 0.0 || !step.is_finite() {
        return 0;
    }
    1 - step.log10().floor() as i32
}

/// The inner breaks cutting `values` (finite, not empty) into at most
/// `classes` classes by `method`, rounded to `places` decimal places
/// (`None`: enough for two significant figures of a class's width), and
/// the places used. Every break lies above the smallest value and at or
/// below the largest, so no class is empty at either end; fewer classes
/// come back when the values have too few distinct levels.
pub fn breaks(values: &[f64], classes: usize, method: Method, places: Option<i32>) -> (Vec<f64>, i32) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else { return (Vec::new(), 0) };
    let width = (max - min) / classes.max(1) as f64;
    if classes < 2 || min == max {
        return (Vec::new(), places.unwrap_or_else(|| places_for(min.abs())));
    }
    let (raw, places): (Vec<f64>, i32) = match method {
        Method::Quantiles => (
            (1..classes).map(|i| quantile(&sorted, i as f64 / classes as f64)).collect(),
            places.unwrap_or_else(|| places_for(width)),
        ),
        Method::Equal => {
            let step = nice_step(width, min, max, classes);
            let start = (min / step).floor() * step;
            ((1..classes).map(|i| start + step * i as f64).collect(), places.unwrap_or_else(|| places_for(step)))
        }
    };
    let mut out: Vec<f64> = Vec::new();
    for b in raw.into_iter().map(|b| round_to(b, places)) {
        if b > min && b <= max && out.last().is_none_or(|last| b > *last) {
            out.push(b);
        }
    }
    (out, places)
}

/// The fewest decimal places (up to six) that write `value` exactly.
pub fn written_places(value: f64) -> i32 {
    (0..6).find(|p| round_to(value, *p) == value).unwrap_or(6)
}

/// The `p` quantile of sorted values, interpolating between neighbours.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let at = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// The smallest step of 1, 2, 2.5 or 5 times a power of ten, at least
/// `rough`, with which `classes` steps from a multiple of the step at or
/// below `min` reach past `max`.
fn nice_step(rough: f64, min: f64, max: f64, classes: usize) -> f64 {
    let mut power = 10f64.powi(rough.log10().floor() as i32);
    loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * power;
            if step >= rough && (min / step).floor() * step + step * classes as f64 >= max {
                return step;
            }
        }
        power *= 10.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_breaks_put_as_many_values_in_each_class() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        let (b, _) = breaks(&values, 4, Method::Quantiles, Some(1));
        assert_eq!(b, [5.8, 10.5, 15.3]);
        let mut counts = [0; 4];
        for v in &values {
            counts[class_of(*v, &b)] += 1;
        }
        assert_eq!(counts, [5, 5, 5, 5]);
    }

    #[test]
    fn equal_steps_are_round_numbers_covering_the_values() {
        let values = [3.2, 4.9, 7.7, 11.8, 13.1];
        let (b, places) = breaks(&values, 5, Method::Equal, None);
        assert_eq!(places, 1);
        // A width of 1.98 rounds up to steps of 2.5 from 2.5.
        assert_eq!(b, [5.0, 7.5, 10.0, 12.5]);
        assert_eq!(class_of(3.2, &b), 0);
        assert_eq!(class_of(7.5, &b), 2, "a value on a break is in the class above");
        assert_eq!(class_of(13.1, &b), 4);
    }

    #[test]
    fn few_distinct_values_make_fewer_classes() {
        assert_eq!(breaks(&[1.0, 1.0, 1.0, 2.0, 3.0], 5, Method::Quantiles, Some(0)).0, [2.0]);
        assert!(breaks(&[4.0, 4.0], 5, Method::Quantiles, None).0.is_empty());
        assert!(breaks(&[], 5, Method::Equal, None).0.is_empty());
    }

    #[test]
    fn places_give_two_significant_figures_of_a_step() {
        assert_eq!(places_for(0.25), 2);
        assert_eq!(places_for(2.5), 1);
        assert_eq!(places_for(600.0), -1);
        assert_eq!(round_to(1234.0, -1), 1230.0);
        assert_eq!((written_places(2.0), written_places(2.5), written_places(0.125)), (0, 1, 3));
    }
}
