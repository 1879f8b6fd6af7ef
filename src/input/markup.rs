//! The inline syntax of manifest prose: `*italic*`, `**bold**`, citations
//! `[@id]` / `[@a; @b]`, computed values `{series.stat}` and `\` escapes.
//!
//! Parsing is separate from rendering so that `check` can validate every
//! string (unknown sources, unclosed emphasis) without laying anything out.

use std::ops::Range;

use super::typography;

/// One piece of parsed prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Literal text in the given emphasis.
    Text { text: String, bold: bool, italic: bool },
    /// A citation of one or more source ids, in the order written; `at` is
    /// its byte range in the string, brackets included, for diagnostics.
    Cite { ids: Vec<String>, at: Range<usize> },
    /// A computed value such as `{officers.latest:.0}` (`expr` is the text
    /// between the braces), in the emphasis around it; `at` is the byte
    /// range of the braces and what they hold.
    Value { expr: String, bold: bool, italic: bool, at: Range<usize> },
    /// Words linking to a web address (Markdown `[words](https://…)`; the
    /// JSON syntax has no links).
    Link { text: String, url: String, bold: bool, italic: bool },
}

/// A syntax error inside one string, at a byte offset into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// Parses one string of manifest prose.
pub fn parse(src: &str) -> Result<Vec<Inline>, MarkupError> {
    let mut out = Vec::new();
    let mut text = String::new();
    let (mut bold, mut italic) = (false, false);
    let (mut bold_at, mut italic_at) = (0, 0);
    let mut chars = src.char_indices().peekable();

    // Flushes the pending literal text before the style changes.
    let flush = |out: &mut Vec<Inline>, text: &mut String, bold: bool, italic: bool| {
        if !text.is_empty() {
            out.push(Inline::Text { text: std::mem::take(text), bold, italic });
        }
    };

    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                // Kept as typed: typography leaves an escaped quote or dash alone.
                Some((_, escaped)) => text.push(typography::literal(escaped)),
                None => {
                    return Err(MarkupError {
                        offset: i,
                        message: "a backslash at the end of the text escapes nothing".into(),
                        hint: "write `\\\\` for a literal backslash".into(),
                    });
                }
            },
            '*' => {
                flush(&mut out, &mut text, bold, italic);
                if chars.peek().map(|&(_, c)| c) == Some('*') {
                    chars.next();
                    bold = !bold;
                    bold_at = i;
                } else {
                    italic = !italic;
                    italic_at = i;
                }
            }
            '[' if src[i + 1..].starts_with('@') => {
                let end = src[i..].find(']').map(|e| i + e).ok_or_else(|| MarkupError {
                    offset: i,
                    message: "citation `[@` is not closed with `]`".into(),
                    hint: "cite as `[@source-id]` or `[@a; @b]`".into(),
                })?;
                flush(&mut out, &mut text, bold, italic);
                out.push(Inline::Cite { ids: parse_cite(&src[i + 1..end], i)?, at: i..end + 1 });
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            '{' => {
                let end = src[i..].find('}').map(|e| i + e).ok_or_else(|| MarkupError {
                    offset: i,
                    message: "`{` starts a computed value but is not closed with `}`".into(),
                    hint: "write `\\{` for a literal brace".into(),
                })?;
                flush(&mut out, &mut text, bold, italic);
                out.push(Inline::Value { expr: src[i + 1..end].trim().to_string(), bold, italic, at: i..end + 1 });
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            _ => text.push(c),
        }
    }
    flush(&mut out, &mut text, bold, italic);
    if bold {
        return Err(unclosed(bold_at, "**"));
    }
    if italic {
        return Err(unclosed(italic_at, "*"));
    }
    Ok(out)
}

fn unclosed(offset: usize, marker: &str) -> MarkupError {
    MarkupError {
        offset,
        message: format!("`{marker}` emphasis is opened here but never closed"),
        hint: "close it with a matching marker, or write `\\*` for a literal asterisk".into(),
    }
}

/// Parses the inside of `[@a; @b]` (without the brackets).
pub(crate) fn parse_cite(inner: &str, offset: usize) -> Result<Vec<String>, MarkupError> {
    let mut ids = Vec::new();
    for part in inner.split(';') {
        let part = part.trim();
        let id = part.strip_prefix('@').unwrap_or("");
        let valid =
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if !valid {
            return Err(MarkupError {
                offset,
                message: format!("`{part}` is not a citation"),
                hint: "cite as `[@source-id]`, several as `[@a; @b]`; ids use letters, digits, `-`, `_`, `.` and `:`"
                    .into(),
            });
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str, bold: bool, italic: bool) -> Inline {
        Inline::Text { text: t.into(), bold, italic }
    }

    #[test]
    fn parses_emphasis_and_citations() {
        let got = parse("A **bold** and *it* claim [@a; @b-2].").unwrap();
        assert_eq!(
            got,
            vec![
                text("A ", false, false),
                text("bold", true, false),
                text(" and ", false, false),
                text("it", false, true),
                text(" claim ", false, false),
                Inline::Cite { ids: vec!["a".into(), "b-2".into()], at: 26..36 },
                text(".", false, false),
            ]
        );
    }

    #[test]
    fn escapes_are_literal() {
        let got = parse(r"5 \* 3 \{x\} \[@no]").unwrap();
        assert_eq!(got, vec![text("5 * 3 {x} [@no]", false, false)]);
    }

    #[test]
    fn square_brackets_without_at_are_text() {
        assert_eq!(parse("[sic]").unwrap(), vec![text("[sic]", false, false)]);
    }

    #[test]
    fn values_are_recognised() {
        let got = parse("{officers.latest:.0} officers").unwrap();
        assert_eq!(got[0], Inline::Value { expr: "officers.latest:.0".into(), bold: false, italic: false, at: 0..20 });
        let got = parse("**{x.latest} officers**").unwrap();
        assert_eq!(got[0], Inline::Value { expr: "x.latest".into(), bold: true, italic: false, at: 2..12 });
    }

    #[test]
    fn unclosed_markers_are_errors_at_their_offset() {
        assert_eq!(parse("a **b").unwrap_err().offset, 2);
        assert_eq!(parse("a *b").unwrap_err().offset, 2);
        assert_eq!(parse("x [@a").unwrap_err().offset, 2);
        assert!(parse("[@]").is_err());
        assert!(parse("[@a; b]").is_err());
        assert!(parse("{x").is_err());
    }
}
