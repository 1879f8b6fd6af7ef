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

/// Where the rows go.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pagination {
    /// The rows on each page, in the order they are drawn.
    pub pages: Vec<Vec<usize>>,
    /// Rows drawn shorter than set, and by how much: a chart made to fit
    /// the end of a page when no text is left to fill the gap it would leave.
    pub shrunk: Vec<(usize, f32)>,
}

/// Places rows on pages `body` points tall.
pub(super) fn paginate(rows: &[Row], headers: &[Row], body: f32) -> Pagination {
    let units = float_units(rows, body);
    // Rows inside a float; a figure or table too tall to float is text here.
    let mut floating = vec![false; rows.len()];
    for (start, end) in units.iter().enumerate().filter_map(|(s, e)| e.map(|e| (s, e))) {
        floating[start..end].fill(true);
    }
    let mut p = Paginator { rows, headers, units, floating, body, shrunk: Vec::new() };
    let mut pages = Vec::new();
    // Floats waiting for the next page, in order.
    let mut waiting: VecDeque<Range<usize>> = VecDeque::new();
    let mut i = 0;
    while i < rows.len() || !waiting.is_empty() {
        let mut page: Vec<usize> = Vec::new();
        let mut y = 0.0;
        // Floats that waited go first; one that no longer fits may be drawn
        // shorter rather than wait another page. Appendix entries are packed.
        if waiting.front().is_some_and(|unit| rows[unit.start].packed) {
            i = p.pack(i, &mut waiting, &mut page, &mut y);
        }
        while let Some(unit) = waiting.front().cloned() {
            if !p.place(unit, &mut page, &mut y, true) {
                break;
            }
            waiting.pop_front();
        }
        while i < rows.len() {
            if rows[i].packed && p.units[i].is_some() {
                i = p.pack(i, &mut waiting, &mut page, &mut y);
                // A heading ("Chart data") never ends a page above the entries.
                if page.last().is_some_and(|&r| rows[r].kind == RowKind::Heading) && !waiting.is_empty() {
                    while page.len() > 1 && page.last().is_some_and(|&r| rows[r].kind == RowKind::Heading) {
                        i = page.pop().unwrap_or(i);
                    }
                    waiting.retain(|unit| unit.start < i);
                    break;
                }
                continue;
            }
            if let Some(end) = p.units[i] {
                // A later float never overtakes one that is waiting. One that
                // does not fit waits, unless too little text follows to fill
                // the gap it leaves: then it is drawn shorter if it can be.
                let shrink = p.text_until_float(end) < body - y;
                if !(waiting.is_empty() && p.place(i..end, &mut page, &mut y, shrink)) {
                    waiting.push_back(i..end);
                }
                i = end;
                continue;
            }
            let row = &rows[i];
            // Back matter (references, appendix) comes after every float.
            if row.barrier && !waiting.is_empty() && !page.is_empty() {
                break;
            }
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
            if let Some(k) = (1..=page.len()).rev().find(|&k| allowed(rows, &p.floating, &page, k, i))
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
    Pagination { pages, shrunk: p.shrunk }
}

struct Paginator<'a> {
    rows: &'a [Row],
    headers: &'a [Row],
    /// Where the float starting at each row ends.
    units: Vec<Option<usize>>,
    /// Whether each row is part of a float.
    floating: Vec<bool>,
    body: f32,
    shrunk: Vec<(usize, f32)>,
}

impl Paginator<'_> {
    /// Puts the float `unit` on the page if it fits (drawn shorter, when
    /// `shrink` allows and that makes it fit); returns whether it did.
    fn place(&mut self, unit: Range<usize>, page: &mut Vec<usize>, y: &mut f32, shrink: bool) -> bool {
        let h = self.height(unit.clone(), page.is_empty());
        let gap = self.body - *y;
        if page.is_empty() || h <= gap + EPSILON {
            page.extend(unit);
            *y += h;
            return true;
        }
        match shrink.then(|| self.shrink_to_fit(unit.clone(), h - gap)).flatten() {
            Some(cuts) => {
                self.shrunk.extend(cuts);
                page.extend(unit);
                *y = self.body;
                true
            }
            None => false,
        }
    }

    /// Fills the room left on the page with appendix entries: those waiting
    /// and those that come next from row `i`, choosing the earliest that
    /// fill it to [`FULL`], or else those that fill it most (in their order
    /// on the page); the others wait. An appendix
    /// is looked up by figure number rather than read in turn, so a later
    /// entry may fill the gap an earlier one leaves, as a typesetter packs
    /// floats; but the entry that waited longest opens a new page. When no
    /// choice fills the page to [`FULL`], the next entry is split there if
    /// its keep rules allow, and goes on at the top of the next page.
    /// Returns the row after the entries taken in.
    fn pack(&self, mut i: usize, waiting: &mut VecDeque<Range<usize>>, page: &mut Vec<usize>, y: &mut f32) -> usize {
        while let Some(end) = self.units.get(i).copied().flatten().filter(|_| self.rows[i].packed) {
            waiting.push_back(i..end);
            i = end;
        }
        let candidates: Vec<Range<usize>> =
            waiting.iter().take_while(|u| self.rows[u.start].packed).take(MAX_PACKED).cloned().collect();
        let opens_page = page.is_empty();
        let heights: Vec<(f32, f32)> = candidates
            .iter()
            .map(|u| (self.height(u.clone(), false), self.height(u.clone(), false) - self.height(u.clone(), true)))
            .collect();
        let chosen = best_fill(&heights, self.body - *y, self.body * FULL - *y, opens_page);
        let taken = |n: usize| chosen & (1 << n) != 0;
        for unit in candidates.iter().enumerate().filter(|(n, _)| taken(*n)).map(|(_, u)| u) {
            *y += self.height(unit.clone(), page.is_empty());
            page.extend(unit.clone());
        }
        let mut n = 0;
        waiting.retain(|_| {
            n += 1;
            n > candidates.len() || !taken(n - 1)
        });
        if *y < self.body * FULL
            && let Some(next) = waiting.front().cloned().filter(|u| self.rows[u.start].packed)
            && let Some(cut) = self.split(next.clone(), self.body - *y, page.is_empty())
        {
            *y += self.height(next.start..cut, page.is_empty());
            page.extend(next.start..cut);
            waiting[0] = cut..next.end;
        }
        i
    }

    /// Where the rows of `unit` may break so that those before the break
    /// fill at most `room`: the last row before which the keep rules allow
    /// a break, if any does.
    fn split(&self, unit: Range<usize>, room: f32, opens_page: bool) -> Option<usize> {
        (unit.start + 1..unit.end)
            .rev()
            .find(|&cut| !self.rows[cut].keep && self.height(unit.start..cut, opens_page) <= room + EPSILON)
    }

    /// The height rows `range` take on a page, with the header a table
    /// continued from the page before repeats when they open the page.
    fn height(&self, range: Range<usize>, opens_page: bool) -> f32 {
        let header = match self.rows[range.start].repeat {
            Some(h) if opens_page => self.headers[h].height,
            _ => 0.0,
        };
        header + span_height(self.rows, range, opens_page)
    }

    /// The height of the text rows from `from` up to the next float or back matter.
    fn text_until_float(&self, from: usize) -> f32 {
        (from..self.rows.len())
            .take_while(|&r| !self.floating[r] && !self.rows[r].barrier)
            .map(|r| self.rows[r].space_before + self.rows[r].height)
            .sum()
    }

    /// How the rows of `unit` can give up `need` points between them, if they can.
    fn shrink_to_fit(&self, unit: Range<usize>, need: f32) -> Option<Vec<(usize, f32)>> {
        let mut left = need;
        let mut cuts = Vec::new();
        for r in unit {
            let by = self.rows[r].shrink.min(left);
            if by > 0.0 {
                cuts.push((r, by));
                left -= by;
            }
        }
        (left <= EPSILON).then_some(cuts)
    }
}

/// The most appendix entries weighed at once for a page: every choice of
/// them is tried (4,096 for 12), and a page holds far fewer.
const MAX_PACKED: usize = 12;

/// How full a page the appendix packs before it splits an entry. A page
/// under four fifths full reads as half-empty; rows end in space below
/// their last line (a table's rule, the gap before the next entry), so
/// what shows ends a little above the height counted here.
const FULL: f32 = 0.85;

/// Of entries with `heights` (each on a page after others, and what less
/// it takes opening a page), the set to put in `room` on a page `full`
/// points from full enough, as a bit mask: of the sets that make it full
/// enough, the one with the earliest entries (so that the appendix keeps
/// to figure order where it can), else the one that fills it most. On an
/// empty page (`opens_page`) the first entry, which waited longest, is
/// always taken. The choice depends on the heights alone.
fn best_fill(heights: &[(f32, f32)], room: f32, full: f32, opens_page: bool) -> u32 {
    // Reversed, a mask with earlier entries compares greater.
    let earliest = |mask: u32| mask.reverse_bits();
    let mut best = (u32::from(opens_page && !heights.is_empty()), 0.0f32);
    for mask in 1u32..(1 << heights.len()) {
        if opens_page && mask & 1 == 0 {
            continue;
        }
        let saved = if opens_page { heights[0].1 } else { 0.0 };
        let total: f32 = (0..heights.len()).filter(|n| mask & (1 << n) != 0).map(|n| heights[n].0).sum::<f32>() - saved;
        if total > room + EPSILON {
            continue;
        }
        let better = match (total >= full, best.1 >= full) {
            (true, true) => earliest(mask) > earliest(best.0),
            (true, false) => true,
            (false, true) => false,
            (false, false) => total > best.1 + EPSILON,
        };
        if better {
            best = (mask, total);
        }
    }
    best.0
}

/// Whether a page may end before position `k` of `page` (`k == page.len()`
/// would be before row `next`): the row there does not keep with the one
/// before, the one before is no heading, and no float would move.
fn allowed(rows: &[Row], floating: &[bool], page: &[usize], k: usize, next: usize) -> bool {
    let at = page.get(k).copied().unwrap_or(next);
    !rows[at].keep && rows[page[k - 1]].kind != RowKind::Heading && page[k..].iter().all(|&r| !floating[r])
}

/// The height rows `range` take on a page: the first row's space above
/// counts unless it opens the page.
fn span_height(rows: &[Row], range: Range<usize>, opens_page: bool) -> f32 {
    range.enumerate().map(|(n, r)| rows[r].height + if n == 0 && opens_page { 0.0 } else { rows[r].space_before }).sum()
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
        if span_height(rows, i..end, true) <= body + EPSILON {
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
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0, 1], vec![2, 3, 4]]);
    }

    #[test]
    fn a_unit_taller_than_a_page_is_cut() {
        let rows = vec![row(10.0, false), row(10.0, true), row(10.0, true), row(10.0, true)];
        assert_eq!(paginate(&rows, &[], 25.0).pages, vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let mut rows = vec![row(10.0, false), row(10.0, false)];
        rows[1].space_before = 100.0;
        assert_eq!(paginate(&rows, &[], 15.0).pages, vec![vec![0], vec![1]]);
        assert_eq!(paginate(&rows, &[], 200.0).pages, vec![vec![0, 1]]);
    }

    #[test]
    fn a_figure_that_does_not_fit_floats_and_text_fills_the_gap() {
        // Text, a 30-high figure, then text: the figure floats to page 2's
        // top and the text after it fills page 1.
        let rows = vec![row(10.0, false), float(15.0, 1), float(15.0, 1), row(10.0, false), row(10.0, false)];
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0, 3, 4], vec![1, 2]]);
    }

    #[test]
    fn floats_keep_their_order() {
        let rows =
            vec![row(10.0, false), float(25.0, 1), float(5.0, 2), row(10.0, false), row(10.0, false), row(10.0, false)];
        let pages = paginate(&rows, &[], 30.0).pages;
        let order: Vec<usize> = pages.concat().into_iter().filter(|&r| rows[r].float.is_some()).collect();
        assert_eq!(order, [1, 2], "{pages:?}");
        assert_eq!(pages[0], [0, 3, 4]);
    }

    #[test]
    fn a_chart_with_no_text_after_it_is_drawn_shorter_to_fit() {
        // Page of 30: text of 10, then a 25-high figure whose chart row can
        // give up 8, and nothing after: it is shrunk by 5 rather than float
        // and leave page 1 a third empty.
        let mut chart = float(20.0, 1);
        chart.shrink = 8.0;
        let rows = vec![row(10.0, false), float(5.0, 1), chart];
        let p = paginate(&rows, &[], 30.0);
        assert_eq!(p.pages, vec![vec![0, 1, 2]]);
        assert_eq!(p.shrunk, vec![(2, 5.0)]);
        // With text after it to fill the gap, it floats instead, full size.
        let mut rows = rows;
        rows.extend([row(10.0, false), row(10.0, false)]);
        let p = paginate(&rows, &[], 30.0);
        assert_eq!(p.pages, vec![vec![0, 3, 4], vec![1, 2]]);
        assert!(p.shrunk.is_empty());
        // An author's height is kept: no shrink, so it floats.
        rows.truncate(3);
        rows[2].shrink = 0.0;
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0], vec![1, 2]]);
    }

    #[test]
    fn an_appendix_entry_that_fits_fills_the_gap_another_leaves() {
        let entry = |height: f32, id: usize| Row { height, float: Some(id), packed: true, ..Row::default() };
        // Page of 30: after 10 of text, entry 1 (22) does not fit and waits;
        // entry 2 (15) fills the gap; entry 3 (6) goes under entry 1.
        let rows = vec![row(10.0, false), entry(22.0, 1), entry(15.0, 2), entry(6.0, 3)];
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0, 2], vec![1, 3]]);
        // Of the choices that fill a page well enough (here to 85%), the
        // one in figure order wins over one that fills it more.
        let rows = vec![row(10.0, false), entry(9.0, 1), entry(7.0, 2), entry(11.0, 3)];
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0, 1, 2], vec![3]]);
        // Floats of the body keep their order: the same heights, not packed, take a page more.
        let rows = vec![row(10.0, false), float(22.0, 1), float(15.0, 2), float(6.0, 3)];
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0], vec![1], vec![2, 3]]);
    }

    #[test]
    fn an_appendix_entry_splits_rather_than_leave_a_page_under_full() {
        // Page of 30: after 10 of text no entry fits. The first, six rows
        // of 5 that may break anywhere, fills the page and goes on at the
        // top of the next; the second (25, one row) cannot split and waits.
        let part = |id: usize| Row { height: 5.0, float: Some(id), packed: true, ..Row::default() };
        let mut rows = vec![row(10.0, false)];
        rows.extend((0..6).map(|_| part(1)));
        rows.push(Row { height: 25.0, float: Some(2), packed: true, ..Row::default() });
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0, 1, 2, 3, 4], vec![5, 6], vec![7]]);
        // Rows that keep together do not split: the page stays short.
        for r in &mut rows[2..7] {
            r.keep = true;
        }
        assert_eq!(paginate(&rows, &[], 30.0).pages, vec![vec![0], vec![1, 2, 3, 4, 5, 6], vec![7]]);
    }

    #[test]
    fn a_heading_never_ends_a_page_above_a_floated_figure() {
        let mut heading = row(10.0, false);
        heading.kind = RowKind::Heading;
        let rows = vec![row(10.0, false), row(5.0, false), heading, float(20.0, 1), row(10.0, false), row(10.0, false)];
        let pages = paginate(&rows, &[], 30.0).pages;
        // The heading goes over with its figure, which comes after it.
        assert_eq!(pages[0], [0, 1], "{pages:?}");
        assert_eq!(pages[1][..2], [2, 3], "{pages:?}");
    }

    /// Random runs of text lines, headings and floats (some able to shrink).
    fn random_rows(seed: u64) -> Vec<Row> {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut rows = Vec::new();
        for block in 0..60 {
            match next(6) {
                0 => {
                    let mut h = row(18.0, false);
                    h.kind = RowKind::Heading;
                    h.space_before = 12.0;
                    rows.push(h);
                    rows.push(row(15.0, true));
                }
                1 | 2 => {
                    let lines = 1 + next(5) as usize;
                    let mut f = (0..lines).map(|_| float(14.0, block)).collect::<Vec<_>>();
                    let mut chart = float(120.0 + next(300) as f32, block);
                    chart.shrink = if next(2) == 0 { chart.height * 0.4 } else { 0.0 };
                    f.push(chart);
                    f[0].space_before = 14.0;
                    rows.extend(f);
                }
                _ => {
                    let lines = 1 + next(12) as usize;
                    for k in 0..lines {
                        let mut r = row(15.0, k > 0 && (k < 2 || lines - k < 2));
                        r.kind = RowKind::Line { index: k, count: lines };
                        r.space_before = if k == 0 { 7.0 } else { 0.0 };
                        rows.push(r);
                    }
                }
            }
        }
        rows
    }

    #[test]
    fn floats_keep_order_land_within_a_page_and_no_heading_ends_a_page() {
        const BODY: f32 = 698.0;
        for seed in 0..200 {
            let rows = random_rows(seed);
            let p = paginate(&rows, &[], BODY);
            let drawn: Vec<usize> = p.pages.concat();
            let mut sorted = drawn.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..rows.len()).collect::<Vec<_>>(), "seed {seed}: rows lost or repeated");
            let page_of = |r: usize| p.pages.iter().position(|page| page.contains(&r)).unwrap();
            let starts: Vec<usize> = (0..rows.len())
                .filter(|&r| rows[r].float.is_some() && (r == 0 || rows[r - 1].float != rows[r].float))
                .collect();
            let order: Vec<usize> = drawn.iter().copied().filter(|r| starts.contains(r)).collect();
            assert_eq!(order, starts, "seed {seed}: floats out of order");
            for &s in starts.iter().filter(|&&s| s > 0) {
                // What it follows in the source: the text before it, or a
                // float right before it (two floats in a row may fill the
                // next page between them).
                let text = (0..s).rev().find(|&r| rows[r].float.is_none());
                assert!(text.is_none_or(|t| page_of(s) >= page_of(t)), "seed {seed}: float {s} before its text");
                let after = text.map_or(0, &page_of).max(page_of(s - 1));
                // Later than the next page only behind earlier floats: every
                // page in between opens with one that waited before it.
                for between in after + 1..page_of(s) {
                    let first = p.pages[between][0];
                    assert!(
                        starts.contains(&first) && first < s,
                        "seed {seed}: float {s} more than a page after what it follows"
                    );
                }
            }
            for page in &p.pages[..p.pages.len() - 1] {
                assert_ne!(rows[*page.last().unwrap()].kind, RowKind::Heading, "seed {seed}: heading ends a page");
                let used: f32 = page
                    .iter()
                    .enumerate()
                    .map(|(n, &r)| {
                        let shrunk: f32 = p.shrunk.iter().filter(|c| c.0 == r).map(|c| c.1).sum();
                        rows[r].height - shrunk + if n > 0 { rows[r].space_before } else { 0.0 }
                    })
                    .sum();
                assert!(used <= BODY + 0.1, "seed {seed}: page overflows ({used})");
            }
        }
    }
}
