//! Diagnostics: located problems in the user's files, collected and reported together.
//!
//! Every problem the tool finds in a manifest becomes a [`Diagnostic`] that
//! names the file, the line and column, and the JSON path of the offending
//! value, with a hint on how to fix it. Stages return `Vec<Diagnostic>` so that
//! all problems are shown at once rather than one per run.

use std::fmt;

/// How serious a problem is: errors stop the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a user's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user named it (or `<built-in>/...` for the compiled-in briefing).
    pub file: String,
    /// 1-based line and column; `None` when the problem is about the file as a whole.
    pub position: Option<(usize, usize)>,
    /// JSON path such as `$.sections[0].blocks[2]`; empty when not applicable.
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            position: None,
            path: String::new(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: &str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, message) }
    }

    pub fn at(mut self, position: Option<(usize, usize)>) -> Self {
        self.position = position;
        self
    }

    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: ")?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// True when any diagnostic in the list is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Formats a path as `$.sections[0].blocks[2]`.
pub fn format_path(path: &[PathSeg]) -> String {
    let mut out = String::from("$");
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Finds the 1-based line and column where the value at `path` starts in the
/// JSON text `src`. Returns `None` if the text does not contain that path.
///
/// serde does not keep spans, so checks that run after deserialising (unknown
/// source ids, unsupported blocks) walk the raw text again to point the user
/// at the right place.
pub fn locate(src: &str, path: &[PathSeg]) -> Option<(usize, usize)> {
    let mut scanner = Scanner { bytes: src.as_bytes(), pos: 0 };
    scanner.skip_ws();
    for seg in path {
        scanner.enter(seg)?;
    }
    Some(line_col(src, scanner.pos))
}

/// Converts a byte offset into a 1-based line and column (columns count characters).
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..src.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// A minimal JSON walker over already-valid JSON: it only needs to skip values
/// and find keys, so it does no validation of its own.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Moves from the start of a container to the start of the child `seg`.
    fn enter(&mut self, seg: &PathSeg) -> Option<()> {
        match (self.peek()?, seg) {
            (b'{', PathSeg::Key(want)) => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if key == *want {
                        return Some(());
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                }
            }
            (b'[', PathSeg::Index(want)) => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if index == *want {
                        return Some(());
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                    index += 1;
                }
            }
            _ => None,
        }
    }

    /// Reads a string token and returns its unescaped value (escapes other
    /// than `\"` and `\\` are kept raw: keys in a manifest are plain ASCII).
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    out.push(self.peek()?);
                    self.pos += 1;
                }
                _ => out.push(b),
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        c if c == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' | b':' => self.pos += 1,
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => {
                while !matches!(self.peek(), None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.to_string())
    }

    #[test]
    fn locates_nested_values() {
        let src = "{\n  \"a\": 1,\n  \"b\": [\n    {\"x\": \"y\"},\n    {\"x\": \"z\", \"w\": [1, 2]}\n  ]\n}";
        assert_eq!(locate(src, &[key("a")]), Some((2, 8)));
        assert_eq!(locate(src, &[key("b"), PathSeg::Index(1)]), Some((5, 5)));
        assert_eq!(locate(src, &[key("b"), PathSeg::Index(1), key("w"), PathSeg::Index(1)]), Some((5, 25)));
        assert_eq!(locate(src, &[key("c")]), None);
        assert_eq!(locate(src, &[key("b"), PathSeg::Index(2)]), None);
    }

    #[test]
    fn skips_strings_with_escapes_and_brackets() {
        let src = r#"{"a": "br[ac}e \" x", "b": true}"#;
        assert_eq!(locate(src, &[key("b")]), Some((1, 28)));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "{\"£\": 1, \"b\": 2}";
        assert_eq!(locate(src, &[key("b")]), Some((1, 15)));
    }

    #[test]
    fn formats_paths() {
        let path = [key("sections"), PathSeg::Index(0), key("blocks")];
        assert_eq!(format_path(&path), "$.sections[0].blocks");
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["officers", "population"];
        assert_eq!(did_you_mean("oficers", names), Some("officers"));
        assert_eq!(did_you_mean("budget", names), None);
    }
}
