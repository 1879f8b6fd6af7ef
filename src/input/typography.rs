//! Typography for prose as typed on a keyboard: straight quotes become
//! curly ones (’ ‘ ’ “ ”), `--` an en dash, `---` an em dash and `...` an
//! ellipsis, as a typesetter would set them.
//!
//! A character the author escaped (`\'`, `\"`, `\-`, `\.`) is kept as typed,
//! for inch marks and the like. Parsers mark such characters with
//! [`literal`] (a private-use stand-in that no rule touches); [`smarten`]
//! turns them back into themselves after the rules have run.

/// The private-use stand-in for an escaped character the rules would
/// change, or the character itself when no rule touches it.
pub fn literal(c: char) -> char {
    match c {
        '\'' => '\u{E000}',
        '"' => '\u{E001}',
        '-' => '\u{E002}',
        '.' => '\u{E003}',
        other => other,
    }
}

/// The escaped character a stand-in holds.
fn restore(c: char) -> char {
    match c {
        '\u{E000}' => '\'',
        '\u{E001}' => '"',
        '\u{E002}' => '-',
        '\u{E003}' => '.',
        other => other,
    }
}

/// Whether a quote after `prev` opens (rather than closes or is an apostrophe).
fn opens(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{' | '“' | '‘' | '—' | '–' | '/' | '\u{a0}'))
}

/// Sets `text` with typographic punctuation. `prev` is the character just
/// before it (the end of the previous piece of the same paragraph, such as
/// a computed value), so that quotes open and close across pieces.
pub fn smarten(text: &str, prev: Option<char>) -> String {
    // Most text has nothing to change: it is returned as is.
    if !text.contains(['\'', '"', '-', '.', '\u{E000}', '\u{E001}', '\u{E002}', '\u{E003}']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut prev = prev;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (set, used) = match c {
            '\'' if opens(prev) => ('‘', 1),
            '\'' => ('’', 1),
            '"' if opens(prev) => ('“', 1),
            '"' => ('”', 1),
            '-' if rest.starts_with("---") => ('—', 3),
            '-' if rest.starts_with("--") => ('–', 2),
            '.' if rest.starts_with("...") => ('…', 3),
            other => (restore(other), other.len_utf8()),
        };
        out.push(set);
        prev = Some(set);
        rest = &rest[used..];
    }
    out
}

/// Restores escaped characters without any other change: for text that
/// must read exactly as typed.
pub fn plain(text: &str) -> String {
    text.chars().map(restore).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_open_and_close() {
        assert_eq!(smarten("the Police's \"new\" plan", None), "the Police’s “new” plan");
        assert_eq!(smarten("'Tis 'quoted' (\"x\")", None), "‘Tis ‘quoted’ (“x”)");
        // After a computed value, a quote closes.
        assert_eq!(smarten("\" officers", Some('0')), "” officers");
        assert_eq!(smarten("\"", Some(' ')), "“");
    }

    #[test]
    fn dashes_and_ellipsis() {
        assert_eq!(smarten("2010--2018", None), "2010–2018");
        assert_eq!(smarten("fell---sharply", None), "fell—sharply");
        assert_eq!(smarten("and so...", None), "and so…");
        assert_eq!(smarten("a - b", None), "a - b");
    }

    #[test]
    fn escaped_characters_stay_as_typed() {
        let inch = format!("a 12{} screen, {}{}", literal('"'), literal('-'), literal('-'));
        assert_eq!(smarten(&inch, None), "a 12\" screen, --");
        assert_eq!(plain(&inch), "a 12\" screen, --");
        assert_eq!(literal('x'), 'x');
    }
}
