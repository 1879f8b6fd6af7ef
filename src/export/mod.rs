//! Turning a laid-out frame into files: the PDF (`pdf`, tagged by
//! `structure`), SVG and PNG chart previews (`preview`), the plain-text or
//! Markdown summary (`summary`), an email draft with the PDF attached
//! (`email`), and writing any of them atomically (`output`).

pub mod email;
pub mod output;
pub mod pdf;
pub mod preview;
mod structure;
pub mod summary;

/// A PDF text string in UTF-16BE with a byte-order mark (for non-ASCII text).
fn utf16be(s: &str) -> Vec<u8> {
    let mut out = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        out.extend(unit.to_be_bytes());
    }
    out
}
