//! Rows that share an x made into one point: the sum or mean of a group of
//! rows, such as the populations of the seven local authorities of a police
//! force area. Every member of an `in` list is checked at every x first, so
//! an area missing from a year is reported, never counted as zero.

use std::collections::BTreeMap;

use crate::input::data::{Points, Row};
use crate::input::manifest::Aggregate;
use crate::input::x::X;

/// The rows of a file that share one x.
pub struct Group<'r> {
    pub x: &'r X,
    pub rows: Vec<&'r Row>,
}

/// Rows grouped by x: in time order for time-like x, since the rows of a
/// long table come in whatever order its publisher chose (area by area,
/// newest first); categories in the order each first appears.
pub fn by_x(rows: &[Row]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        let i = *index.entry(row.x.to_string()).or_insert_with(|| {
            groups.push(Group { x: &row.x, rows: Vec::new() });
            groups.len() - 1
        });
        groups[i].rows.push(row);
    }
    // Mixed kinds cannot be ordered; they are left as they are for the
    // series' order check to report.
    let kind = groups.first().map(|g| g.x.kind());
    if groups.iter().all(|g| g.x.is_time() && Some(g.x.kind()) == kind) {
        groups.sort_by(|a, b| a.x.time_cmp(b.x).unwrap_or(std::cmp::Ordering::Equal));
    }
    groups
}

/// For the `where` filter at `filter` (with `members` values), each member
/// that some group lacks, with the x values of those groups.
pub fn missing<'r>(groups: &[Group<'r>], filter: usize, members: usize) -> Vec<(usize, Vec<&'r X>)> {
    (0..members)
        .filter_map(|member| {
            let xs: Vec<&X> = groups
                .iter()
                .filter(|g| !g.rows.iter().any(|r| r.members.get(filter) == Some(&member)))
                .map(|g| g.x)
                .collect();
            (!xs.is_empty()).then_some((member, xs))
        })
        .collect()
}

/// One point per group, at the line of its first row: the sum or mean of
/// its values, or a gap when any row's value is missing (a partial sum
/// would look like a real fall).
pub fn combine(groups: &[Group], how: Aggregate) -> Points {
    groups
        .iter()
        .map(|g| {
            let values: Option<Vec<f64>> = g.rows.iter().map(|r| r.y).collect();
            let value = values.map(|v| {
                let sum: f64 = v.iter().sum();
                match how {
                    Aggregate::Sum => sum,
                    Aggregate::Mean => sum / v.len() as f64,
                }
            });
            (g.rows[0].line, g.x.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, x: &str, y: Option<f64>, member: usize) -> Row {
        Row { line, x: X::parse(x), y, members: vec![member] }
    }

    #[test]
    fn groups_are_summed_or_averaged_and_put_in_time_order() {
        let rows = [
            row(2, "2019", Some(1.5), 0),
            row(3, "2018", Some(2.0), 0),
            row(4, "2019", Some(10.0), 1),
            row(5, "2018", Some(20.0), 1),
        ];
        let groups = by_x(&rows);
        assert_eq!(groups.iter().map(|g| g.rows.len()).collect::<Vec<_>>(), [2, 2]);
        assert_eq!(
            combine(&groups, Aggregate::Sum),
            vec![(3, X::Year(2018), Some(22.0)), (2, X::Year(2019), Some(11.5))]
        );
        assert_eq!(
            combine(&groups, Aggregate::Mean),
            vec![(3, X::Year(2018), Some(11.0)), (2, X::Year(2019), Some(5.75))]
        );
        assert!(missing(&groups, 0, 2).is_empty());
    }

    #[test]
    fn a_missing_member_is_named_with_its_x_values_and_a_gap_is_not_summed() {
        let rows = [
            row(2, "2017", Some(1.0), 0),
            row(3, "2018", Some(1.0), 0),
            row(4, "2018", None, 1),
            row(5, "2019", Some(1.0), 0),
        ];
        let groups = by_x(&rows);
        let missing: Vec<(usize, Vec<String>)> =
            missing(&groups, 0, 3).into_iter().map(|(m, xs)| (m, xs.iter().map(|x| x.to_string()).collect())).collect();
        assert_eq!(
            missing,
            [(1, vec!["2017".to_string(), "2019".to_string()]), (2, vec!["2017".into(), "2018".into(), "2019".into()])]
        );
        // 2018 has an empty cell: a gap, not 1.
        assert_eq!(combine(&groups, Aggregate::Sum)[1], (3, X::Year(2018), None));
    }

    #[test]
    fn categories_keep_file_order() {
        let rows = [row(2, "Sutton", Some(1.0), 0), row(3, "Croydon", Some(2.0), 0), row(4, "Sutton", Some(3.0), 0)];
        let points = combine(&by_x(&rows), Aggregate::Sum);
        assert_eq!(
            points,
            vec![(2, X::Category("Sutton".into()), Some(4.0)), (3, X::Category("Croydon".into()), Some(2.0))]
        );
    }
}
