//! Choosing page breaks. Rows go onto pages in reading order under the keep
//! rules (a heading stays with what follows, no paragraph leaves one line
//! alone, a table keeps three rows either side of a break). A figure or a
//! table that does not fit in the space left on a page floats to the top of
//! the next page, and the text after it fills the gap, as LaTeX and
//! InDesign place figures: floats keep their order, never come before the
//! text they follow, and land at most one page later.

use std::collections::VecDeque;
use std::ops::Range;

use super::{Row, RowKind};

/// Rounding slack when adding heights.
const EPSILON: f32 = 0.01;

/// The rows on each page, in the order they are drawn.
pub(super) fn paginate(rows: &[Row], headers: &[Row], body: f32) -> Vec<Vec<usize>> {
    let units = float_units(rows, body);
    // The height `range` takes on a page: its first row's space counts
    // unless it opens the page.
    let height = |range: Range<usize>, opens_page: bool| -> f32 {
        range
            .enumerate()
            .map(|(n, r)| rows[r].height + if n == 0 && opens_page { 0.0 } else { rows[r].space_before })
            .sum()
    };
    let mut pages = Vec::new();
    // Floats waiting for the next page, in order.
    let mut waiting: VecDeque<Range<usize>> = VecDeque::new();
    let mut i = 0;
    while i < rows.len() || !waiting.is_empty() {
        let mut page: Vec<usize> = Vec::new();
        let mut y = 0.0;
        while let Some(unit) = waiting.front() {
            let h = height(unit.clone(), page.is_empty());
            if !page.is_empty() && y + h > body + EPSILON {
                break;
            }
            page.extend(unit.clone());
            y += h;
            waiting.pop_front();
        }
        if !waiting.is_empty() {
            pages.push(page);
            continue;
        }
        while i < rows.len() {
            if let Some(end) = units[i] {
                let h = height(i..end, page.is_empty());
                // A later float never overtakes one that is waiting.
                if waiting.is_empty() && (page.is_empty() || y + h <= body + EPSILON) {
                    page.extend(i..end);
                    y += h;
                } else {
                    waiting.push_back(i..end);
                }
                i = end;
                continue;
            }
            let row = &rows[i];
            if page.is_empty() {
                // A table continued from the previous page repeats its header.
                y = row.repeat.map_or(0.0, |h| headers[h].height) + row.height;
                page.push(i);
                i += 1;
                continue;
            }
            if y + row.space_before + row.height <= body + EPSILON {
                y += row.space_before + row.height;
                page.push(i);
                i += 1;
                continue;
            }
            // The row does not fit: break before it, or move back to the
            // last place a break is allowed. Only text rows after the last
            // float on the page move; floats that were waiting behind them
            // wait again.
            if let Some(k) = (1..=page.len()).rev().find(|&k| allowed(rows, &page, k, i))
                && k < page.len()
            {
                i = page[k];
                page.truncate(k);
                waiting.retain(|unit| unit.start < i);
            }
            break;
        }
        pages.push(page);
    }
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    pages
}

/// Whether a page may end before position `k` of `page` (`k == page.len()`
/// would be before row `next`): the row there does not keep with the one
/// before, the one before is no heading, and no float would move.
fn allowed(rows: &[Row], page: &[usize], k: usize, next: usize) -> bool {
    let at = page.get(k).copied().unwrap_or(next);
    !rows[at].keep && rows[page[k - 1]].kind != RowKind::Heading && page[k..].iter().all(|&r| rows[r].float.is_none())
}

/// For each row that starts a float (a figure or table no taller than a
/// page), where the float ends. Taller ones flow and split like text.
fn float_units(rows: &[Row], body: f32) -> Vec<Option<usize>> {
    let mut units = vec![None; rows.len()];
    let mut i = 0;
    while i < rows.len() {
        let Some(id) = rows[i].float else {
            i += 1;
            continue;
        };
        let end = rows[i..].iter().position(|r| r.float != Some(id)).map_or(rows.len(), |n| i + n);
        let height: f32 = rows[i..end].iter().skip(1).map(|r| r.space_before).sum::<f32>()
            + rows[i..end].iter().map(|r| r.height).sum::<f32>();
        if height <= body + EPSILON {
            units[i] = Some(end);
        }
        i = end;
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(height: f32, keep: bool) -> Row {
        Row { height, keep, ..Row::default() }
    }

    fn float(height: f32, id: usize) -> Row {
        Row { height, float: Some(id), ..Row::default() }
    }

    #[test]
    fn breaks_move_back_to_an_allowed_row() {
        // Rows 2..4 are one unit (keep); the page holds 3 rows.
        let rows = vec![row(10.0, false), row(10.0, false), row(10.0, false), row(10.0, true), row(10.0, true)];
        assert_eq!(paginate(&rows, &[], 30.0), vec![vec![0, 1], vec![2, 3, 4]]);
    }

    #[test]
    fn a_unit_taller_than_a_page_is_cut() {
        let rows = vec![row(10.0, false), row(10.0, true), row(10.0, true), row(10.0, true)];
        assert_eq!(paginate(&rows, &[], 25.0), vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let mut rows = vec![row(10.0, false), row(10.0, false)];
        rows[1].space_before = 100.0;
        assert_eq!(paginate(&rows, &[], 15.0), vec![vec![0], vec![1]]);
        assert_eq!(paginate(&rows, &[], 200.0), vec![vec![0, 1]]);
    }

    #[test]
    fn a_figure_that_does_not_fit_floats_and_text_fills_the_gap() {
        // Text, a 30-high figure, then text: the figure floats to page 2's
        // top and the text after it fills page 1.
        let rows = vec![row(10.0, false), float(15.0, 1), float(15.0, 1), row(10.0, false), row(10.0, false)];
        assert_eq!(paginate(&rows, &[], 30.0), vec![vec![0, 3, 4], vec![1, 2]]);
    }

    #[test]
    fn floats_keep_their_order() {
        let rows =
            vec![row(10.0, false), float(25.0, 1), float(5.0, 2), row(10.0, false), row(10.0, false), row(10.0, false)];
        let pages = paginate(&rows, &[], 30.0);
        let order: Vec<usize> = pages.concat().into_iter().filter(|&r| rows[r].float.is_some()).collect();
        assert_eq!(order, [1, 2], "{pages:?}");
        assert_eq!(pages[0], [0, 3, 4]);
    }

    #[test]
    fn a_heading_never_ends_a_page_above_a_floated_figure() {
        let mut heading = row(10.0, false);
        heading.kind = RowKind::Heading;
        let rows = vec![row(10.0, false), row(5.0, false), heading, float(20.0, 1), row(10.0, false), row(10.0, false)];
        let pages = paginate(&rows, &[], 30.0);
        // The heading goes over with its figure, which comes after it.
        assert_eq!(pages[0], [0, 1], "{pages:?}");
        assert_eq!(pages[1][..2], [2, 3], "{pages:?}");
    }
}
