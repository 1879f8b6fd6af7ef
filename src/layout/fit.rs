//! Fitting a briefing to its pages: a page budget (`"pages": N`,
//! `--pages N`) and no last page that holds only a few lines.
//!
//! Laying out is cheap next to a reader's time, so fitting simply lays the
//! document out again with charts drawn shorter, step by step, and keeps
//! the first result that fits. Charts whose author set no height give way
//! first (never below the shortest they may be drawn); then the chart-data
//! appendix is left out, as every figure's data is also attached to the
//! PDF. What was done, and what takes the most room when even that does
//! not fit, is reported as plain data for the caller to word.

use super::{Laid, MARGIN_BOTTOM, MARGIN_TOP, lay, page_fill};
use crate::compose::{Block, Document};
use crate::frame::Layout;
use crate::text::linebreak::Typesetter;

/// The steps by which charts give up height, as shares of what each may
/// give: a quarter at a time, so that they shrink no more than needed.
const GIVE: [f32; 4] = [0.25, 0.5, 0.75, 1.0];

/// A last page filled less than this is short: a few lines (two
/// references, the end of a table), worth drawing charts shorter to pull
/// back onto the pages before. A third: a reader turns a page for little
/// more than a table or a few paragraphs, and charts need give up only a
/// little each to make that room.
const SHORT_LAST_PAGE: f32 = 1.0 / 3.0;

/// What fitting did.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The page budget, if there was one.
    pub budget: Option<usize>,
    /// The pages the briefing took.
    pub pages: usize,
    /// How much of the room they may give charts without a set height gave up (0 to 1).
    pub give: f32,
    /// Whether the chart-data appendix was left out to keep to the budget.
    pub appendix_left_out: bool,
    /// When over the budget: the part (a section, the references, the
    /// appendix) and the single figure or table that take the most room,
    /// in words, with their heights in pages.
    pub largest: Vec<(String, f32)>,
}

impl Fit {
    /// Whether the briefing took more pages than its budget.
    pub fn over_budget(&self) -> bool {
        self.budget.is_some_and(|n| self.pages > n)
    }
}

/// Lays out `doc` to fit `budget` pages, if given, and without a short
/// last page. A budget that cannot be kept gets the fewest pages that can
/// be had, given up as little as possible for.
pub fn fit(doc: &Document, ts: &Typesetter, budget: Option<usize>) -> (Layout, Fit) {
    let fits = |laid: &Laid| budget.is_none_or(|n| laid.layout.pages.len() <= n);
    let without =
        doc.appendix.map(|start| Document { blocks: doc.blocks[..start].to_vec(), appendix: None, ..doc.clone() });
    // What to give up, least first: charts' height, then the appendix too.
    let with_appendix = GIVE.iter().map(|&give| (false, give));
    let without_appendix = without.iter().flat_map(|_| std::iter::once(0.0).chain(GIVE).map(|give| (true, give)));
    let (mut appendix_left_out, mut give, mut laid) = (false, 0.0, lay(doc, ts, 0.0));
    for (left_out, g) in with_appendix.chain(without_appendix) {
        if fits(&laid) {
            break;
        }
        let next = lay(if left_out { without.as_ref().unwrap_or(doc) } else { doc }, ts, g);
        // The first to fit, or else the first of those with the fewest pages.
        if fits(&next) || next.layout.pages.len() < laid.layout.pages.len() {
            (appendix_left_out, give, laid) = (left_out, g, next);
        }
    }
    if fits(&laid) {
        let laid_out = if appendix_left_out { without.as_ref().unwrap_or(doc) } else { doc };
        (give, laid) = pull_back_short_last_page(laid_out, ts, give, laid);
    }
    let pages = laid.layout.pages.len();
    let mut fit = Fit { budget, pages, give, appendix_left_out, largest: Vec::new() };
    if fit.over_budget() {
        fit.largest = largest(doc, &laid);
    }
    (laid.layout, fit)
}

/// When the last page holds only a few lines, lays the document out with
/// charts drawn shorter than `give`, and keeps the layout with the least
/// give that takes a page fewer; otherwise keeps `laid`.
fn pull_back_short_last_page(doc: &Document, ts: &Typesetter, give: f32, laid: Laid) -> (f32, Laid) {
    let fills = page_fill(&laid.layout);
    let most = GIVE[GIVE.len() - 1];
    if fills.len() < 2 || fills.last().is_none_or(|&f| f >= SHORT_LAST_PAGE) || give >= most {
        return (give, laid);
    }
    let pages = laid.layout.pages.len();
    // Charts drawn as short as they may be come first: less give means
    // taller charts and never fewer pages, so when even that does not pull
    // the page back (the common case), one layout is spent, not four.
    let shortest = lay(doc, ts, most);
    if shortest.layout.pages.len() >= pages {
        return (give, laid);
    }
    GIVE.iter()
        .filter(|&&g| g > give && g < most)
        .map(|&g| (g, lay(doc, ts, g)))
        .find(|(_, l)| l.layout.pages.len() < pages)
        .unwrap_or((most, shortest))
}

/// The part of the briefing and the single figure or table that take the
/// most room, with their heights in pages (of body text area).
fn largest(doc: &Document, laid: &Laid) -> Vec<(String, f32)> {
    let body = laid.layout.height - MARGIN_TOP - MARGIN_BOTTOM;
    let mut parts: Vec<(String, f32)> = Vec::new();
    let mut floats: Vec<(String, f32)> = Vec::new();
    for (block, &height) in doc.blocks.iter().zip(&laid.block_heights) {
        match block {
            Block::Heading { number, level: 1, text } => {
                let words: String = text.iter().map(|s| s.text.as_str()).collect::<String>().replace('\u{a0}', " ");
                let name = match number {
                    Some(n) => format!("section {n} “{words}”"),
                    None => format!("“{words}”"),
                };
                parts.push((name, 0.0));
            }
            Block::Figure(f) => floats.push((format!("Figure {}", f.number), height)),
            Block::Table(t) => {
                let label = t.caption.first().map_or("", |s| s.text.trim_end_matches([':', ' ']));
                floats.push((label.to_string(), height));
            }
            _ => {}
        }
        match parts.last_mut() {
            Some(part) => part.1 += height,
            None => parts.push(("the title and key figures".to_string(), height)),
        }
    }
    // The first of equals, so that the answer never depends on more than the input.
    let biggest = |list: Vec<(String, f32)>| {
        list.into_iter().fold(None, |best: Option<(String, f32)>, x| match best {
            Some(b) if b.1 >= x.1 => Some(b),
            _ => Some(x),
        })
    };
    [biggest(parts), biggest(floats)].into_iter().flatten().map(|(name, h)| (name, h / body)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::data::Embedded;
    use crate::text::fonts::Fonts;
    use crate::text::linebreak::Hyphenator;

    const FILES: Embedded = Embedded {
        folder: "test",
        files: &[("n.csv", "year,n\n2008,31000\n2009,32500\n2010,33400\n2011,32400\n2012,32100\n2013,30400\n")],
    };

    /// `charts` line charts between paragraphs `sentences` long, then the appendix.
    fn document(sentences: usize, charts: usize, fonts: &Fonts) -> Document {
        let text = "Recorded violence rose while officer numbers fell and the population grew. ".repeat(sentences);
        let chart = serde_json::json!({"chart": {"kind": "line", "series": ["n"], "title": "Officers", "alt": "A line chart."}});
        let blocks: Vec<_> =
            (0..charts).flat_map(|_| [serde_json::json!({"text": format!("{text}[@ho]")}), chart.clone()]).collect();
        let src = serde_json::json!({
            "format": 1, "title": "T", "date": "2018-06-27",
            "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
            "data": {"n": {"file": "n.csv", "x": "year", "y": "n", "label": "Officers", "source": "ho"}},
            "sections": [{"heading": "Officers", "blocks": blocks}]
        })
        .to_string();
        let loaded = crate::load("t.json", &src, fonts, &FILES).unwrap_or_else(|d| panic!("{d:?}"));
        crate::compose::compose(&loaded.briefing)
    }

    #[test]
    fn a_short_last_page_is_pulled_back_when_charts_can_give_way() {
        let fonts = Fonts::new();
        let hyphenator = Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyphenator);
        let mut pulled = 0;
        for (charts, sentences) in (2..=4).flat_map(|c| (1..40).map(move |s| (c, s))) {
            let doc = document(sentences, charts, &fonts);
            let natural = page_fill(&lay(&doc, &ts, 0.0).layout);
            let short = natural.len() > 1 && natural[natural.len() - 1] < SHORT_LAST_PAGE;
            let can = GIVE.iter().any(|&g| lay(&doc, &ts, g).layout.pages.len() < natural.len());
            let (layout, fit) = fit(&doc, &ts, None);
            if short && can {
                assert!(layout.pages.len() < natural.len() && fit.give > 0.0, "{charts}, {sentences}: {natural:?}");
                pulled += 1;
            } else {
                // Charts are drawn shorter for nothing else.
                assert_eq!((layout.pages.len(), fit.give), (natural.len(), 0.0), "{charts}, {sentences}: {natural:?}");
            }
        }
        assert!(pulled > 0, "no short last page over these lengths");
    }
}
