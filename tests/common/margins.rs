//! Text that leaves the text block: the invariant `margins.py` checks with
//! pdftotext, read here from the PDF's own content streams so that every
//! test that writes a PDF can check it without outside tools.
//!
//! Every shown string (a `Tj`/`TJ`, a word or a run of words) must lie
//! between the left and right margins of its page. The text block is
//! known exactly (layout's `MARGIN_X` on each side), so no percentile
//! guess is needed; running headers and footers are held to it too.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

/// Rounding slack, in points: positions are written to 0.01 pt and word
/// gaps to a thousandth of an em.
const SLACK: f32 = 0.5;

/// A string shown on a page: where it starts and ends, and its text.
#[derive(Debug, Clone)]
pub struct Shown {
    pub page: usize,
    pub x0: f32,
    pub x1: f32,
    pub text: String,
}

/// Everything shown outside the text block of the PDF in `bytes`, as
/// "page N: 'text' spans a-b pt; text block l-r" lines.
pub fn outside(bytes: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(bytes).expect("a PDF the tests wrote loads");
    let left = briefing::layout::MARGIN_X;
    let mut bad = Vec::new();
    for (n, &id) in doc.get_pages().values().enumerate() {
        let width = page_width(&doc, id);
        let right = width - left;
        for s in shown(&doc, id, n + 1) {
            if s.x0 < left - SLACK || s.x1 > right + SLACK {
                bad.push(format!(
                    "page {}: '{}' spans {:.1}-{:.1} pt; text block {left:.1}-{right:.1}",
                    s.page, s.text, s.x0, s.x1
                ));
            }
        }
    }
    bad
}

/// Panics, naming each string and the PDF, if any text leaves the block.
pub fn assert_inside(name: &str, bytes: &[u8]) {
    let bad = outside(bytes);
    assert!(bad.is_empty(), "{name}: {} strings outside the text block:\n{}", bad.len(), bad.join("\n"));
}

fn page_width(doc: &Document, page: lopdf::ObjectId) -> f32 {
    let dict = doc.get_dictionary(page).unwrap();
    let mediabox = dict.get(b"MediaBox").and_then(Object::as_array).unwrap();
    let num = |o: &Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap();
    num(&mediabox[2]) - num(&mediabox[0])
}

/// Glyph widths (thousandths of an em) of a Type 0 font's descendant, by CID.
fn cid_widths(doc: &Document, font: &Dictionary) -> std::collections::BTreeMap<u32, f32> {
    let mut widths = std::collections::BTreeMap::new();
    let deref = |o: &Object| match o {
        Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
        other => other.clone(),
    };
    let Ok(descendants) = font.get(b"DescendantFonts").map(deref) else { return widths };
    let descendant = deref(&descendants.as_array().unwrap()[0]);
    let Ok(w) = descendant.as_dict().unwrap().get(b"W").map(deref) else { return widths };
    let w = w.as_array().unwrap();
    let num = |o: &Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap();
    let mut i = 0;
    while i < w.len() {
        let first = w[i].as_i64().unwrap() as u32;
        match deref(&w[i + 1]) {
            Object::Array(list) => {
                for (k, v) in list.iter().enumerate() {
                    widths.insert(first + k as u32, num(v));
                }
                i += 2;
            }
            last => {
                let width = num(&w[i + 2]);
                for c in first..=last.as_i64().unwrap() as u32 {
                    widths.insert(c, width);
                }
                i += 3;
            }
        }
    }
    widths
}

/// The strings shown on one page with their horizontal extent, following
/// the text matrix (`Tm`, `Td`) and the pen through `TJ` adjustments.
fn shown(doc: &Document, page: lopdf::ObjectId, number: usize) -> Vec<Shown> {
    let fonts = doc.get_page_fonts(page).unwrap();
    let content = Content::decode(&doc.get_page_content(page)).unwrap();
    let mut out = Vec::new();
    let (mut font, mut size) = (Vec::new(), 0.0f32);
    let mut widths = std::collections::BTreeMap::new();
    let mut line_x = 0.0f32;
    let mut pen = 0.0f32;
    let num = |o: &Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap_or(0.0);
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => {
                font = op.operands[0].as_name().unwrap().to_vec();
                size = num(&op.operands[1]);
                widths = fonts.get(&font).map(|f| cid_widths(doc, f)).unwrap_or_default();
            }
            "Tm" => {
                line_x = num(&op.operands[4]);
                pen = line_x;
            }
            "Td" | "TD" => {
                line_x += num(&op.operands[0]);
                pen = line_x;
            }
            "BT" => {
                line_x = 0.0;
                pen = 0.0;
            }
            "Tj" | "TJ" => {
                let items = match &op.operands[0] {
                    Object::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                let encoding = fonts.get(&font).and_then(|f| f.get_font_encoding(doc).ok());
                let mut start = None;
                let mut text = String::new();
                for item in &items {
                    match item {
                        Object::String(bytes, _) => {
                            start.get_or_insert(pen);
                            for code in bytes.chunks(2) {
                                let cid = code.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
                                pen += widths.get(&cid).copied().unwrap_or(0.0) * size / 1000.0;
                            }
                            if let Some(e) = &encoding {
                                text.push_str(&Document::decode_text(e, bytes).unwrap_or_default());
                            }
                        }
                        other => pen -= num(other) * size / 1000.0,
                    }
                }
                if let Some(x0) = start {
                    out.push(Shown { page: number, x0, x1: pen, text });
                }
            }
            _ => {}
        }
    }
    out
}
