//! Diagnostics: located problems in the user's files, collected and reported together.
//!
//! Every problem the tool finds in a manifest becomes a [`Diagnostic`] that
//! names the file, the line and column, and the JSON path of the offending
//! value, with a hint on how to fix it. Stages return `Vec<Diagnostic>` so that
//! all problems are shown at once rather than one per run.
//!
//! [`render`] prints them in one of two forms: `human` (the default), with
//! the offending line of the file underlined (through `codespan-reporting`),
//! and `short`, one stable line per problem for editors and CI.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term;

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
    /// JSON path such as `$.sections[0].blocks[2]`, or in a spreadsheet the
    /// sheet and cell, `Table_1!C14`; empty when not applicable.
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
    /// How many characters from `position` the problem covers, when it is a
    /// part of a value (a misspelt name inside a long paragraph) rather than
    /// the whole value.
    pub len: Option<usize>,
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
            len: None,
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

    /// Underlines `len` characters from the position instead of the whole value.
    pub fn len(mut self, len: usize) -> Self {
        self.len = Some(len);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether `path` names a spreadsheet cell or range (`Table_1!C14`) rather than a JSON value.
    pub fn is_cell(&self) -> bool {
        !self.path.is_empty() && !self.path.starts_with('$')
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        // A spreadsheet cell is where in the file, as line:column is in text.
        let cell = self.is_cell();
        if cell {
            write!(f, ": {}", self.path)?;
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: ")?;
        if !self.path.is_empty() && !cell {
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

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The message with a snippet of the offending line, the JSON path and the hint.
    #[default]
    Human,
    /// `file:line:col: error: $.path: message`, then `  hint: ...`: stable, for editors and CI.
    Short,
}

/// The text of every file a diagnostic may point into, keyed by the name
/// diagnostics give it, so that [`render`] can show the offending line.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    texts: BTreeMap<String, String>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) {
        self.texts.insert(name.into(), text.into());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(String::as_str)
    }
}

/// Renders diagnostics for a terminal or a log. `color` adds ANSI colours
/// (the caller decides: only on a terminal, never with `NO_COLOR`).
pub fn render(diags: &[Diagnostic], sources: &Sources, format: Format, color: bool) -> String {
    let mut out = String::new();
    let mut index = Index::default();
    for d in diags {
        match format {
            Format::Short => out.push_str(&format!("{d}\n")),
            Format::Human => out.push_str(&human(d, sources, &mut index, color)),
        }
    }
    out
}

/// The files diagnostics point into, each added to codespan once with the
/// start of every line: a CSV file with 10,000 bad cells is scanned once,
/// not once per cell.
#[derive(Default)]
struct Index<'a> {
    files: SimpleFiles<&'a str, &'a str>,
    /// File name -> codespan id and byte offsets of line starts.
    known: BTreeMap<&'a str, (usize, Vec<usize>)>,
}

impl<'a> Index<'a> {
    /// The file's codespan id, text and the byte range of 1-based `line` (without its line break).
    fn line(&mut self, sources: &'a Sources, name: &str, line: usize) -> Option<(usize, &'a str, Range<usize>)> {
        let (name, text) = sources.texts.get_key_value(name)?;
        let (id, starts) = self.known.entry(name.as_str()).or_insert_with(|| {
            let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
            (self.files.add(name.as_str(), text.as_str()), starts)
        });
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        let end = if text[..end].ends_with('\r') { end - 1 } else { end };
        Some((*id, text.as_str(), start..end.max(start)))
    }
}

/// Lines longer than this are shown as a window around the problem: a
/// paragraph is one JSON line of hundreds or thousands of characters, and
/// shown whole it would bury the message under a screenful of text.
const LONGEST_SNIPPET: usize = 300;

/// Characters of a long line shown on either side of the problem, and the
/// most of a long value underlined.
const CONTEXT: usize = 60;

/// One diagnostic with a snippet of its line. Problems with no position or
/// in a file we do not hold fall back to the one-line form: it names the
/// file and says everything the snippet would.
fn human<'a>(d: &Diagnostic, sources: &'a Sources, index: &mut Index<'a>, color: bool) -> String {
    let snippet = d.position.and_then(|(line, col)| {
        let (id, text, lr) = index.line(sources, &d.file, line)?;
        let range = match d.len {
            Some(len) => char_span(text, lr.clone(), col, len),
            None if is_csv(&d.file) => csv_span(text, lr.clone(), col),
            None => json_span(text, lr.clone(), col),
        };
        Some((id, text, line, lr, range))
    });
    let Some((id, text, line, lr, range)) = snippet else {
        return format!("{d}\n");
    };
    let shown = if lr.len() <= LONGEST_SNIPPET {
        emit(&index.files, id, range, d, color)
    } else {
        let (window, range) = Window::new(&d.file, text, line, lr, range);
        emit(&window, (), range, d, color)
    };
    shown.unwrap_or_else(|_| format!("{d}\n"))
}

/// Renders `d` through codespan with its label on `range` of file `id`.
fn emit<'f, F: Files<'f>>(
    files: &'f F,
    id: F::FileId,
    range: Range<usize>,
    d: &Diagnostic,
    color: bool,
) -> Result<String, codespan_reporting::files::Error> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut diagnostic = cs::Diagnostic::new(severity)
        .with_message(&d.message)
        .with_label(cs::Label::primary(id, range).with_message(&d.path));
    if let Some(hint) = &d.hint {
        diagnostic = diagnostic.with_note(format!("hint: {hint}"));
    }
    let config = term::Config::default();
    let mut buffer = if color { term::termcolor::Buffer::ansi() } else { term::termcolor::Buffer::no_color() };
    term::emit_to_write_style(&mut buffer, &config, files, &diagnostic)?;
    Ok(String::from_utf8_lossy(buffer.as_slice()).into_owned())
}

/// Part of one long line, `CONTEXT` characters either side of the problem
/// with `…` where it was cut, posing to codespan as a one-line file that
/// still reports the real line and column numbers.
struct Window {
    name: String,
    text: String,
    line: usize,
    /// Characters of the real line before the first one shown.
    skipped: usize,
    /// Bytes of the leading `…`, if any.
    ellipsis: usize,
}

impl Window {
    /// The window of line `lr` of `text` around `label`, and the label's
    /// range within the window (at most `CONTEXT` characters of it: a value
    /// may be a whole paragraph).
    fn new(name: &str, text: &str, line: usize, lr: Range<usize>, label: Range<usize>) -> (Window, Range<usize>) {
        let line_text = &text[lr.clone()];
        let start = label.start.clamp(lr.start, lr.end) - lr.start;
        let end = label.end.clamp(lr.start + start, lr.end) - lr.start;
        let chars_after =
            |from: usize, n: usize| line_text[from..].char_indices().nth(n).map_or(line_text.len(), |(i, _)| from + i);
        let from = line_text[..start].char_indices().rev().nth(CONTEXT - 1).map_or(0, |(i, _)| i);
        let end = end.min(chars_after(start, CONTEXT));
        let to = chars_after(end, CONTEXT);
        let ellipsis = if from > 0 { "…".len() } else { 0 };
        let mut shown = String::with_capacity(to - from + 2 * "…".len());
        shown.push_str(if from > 0 { "…" } else { "" });
        shown.push_str(&line_text[from..to]);
        shown.push_str(if to < line_text.len() { "…" } else { "" });
        let window =
            Window { name: name.to_string(), text: shown, line, skipped: line_text[..from].chars().count(), ellipsis };
        (window, ellipsis + start - from..ellipsis + end - from)
    }
}

impl<'f> Files<'f> for Window {
    type FileId = ();
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, (): ()) -> Result<&'f str, codespan_reporting::files::Error> {
        Ok(&self.name)
    }

    fn source(&'f self, (): ()) -> Result<&'f str, codespan_reporting::files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'f self, (): (), _: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(0)
    }

    fn line_number(&'f self, (): (), _: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.line)
    }

    fn column_number(&'f self, (): (), _: usize, byte: usize) -> Result<usize, codespan_reporting::files::Error> {
        let byte = byte.clamp(self.ellipsis, self.text.len());
        Ok(self.skipped + self.text[self.ellipsis..self.text.floor_char_boundary(byte)].chars().count() + 1)
    }

    fn line_range(&'f self, (): (), line: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        match line {
            0 => Ok(0..self.text.len()),
            _ => Err(codespan_reporting::files::Error::LineTooLarge { given: line, max: 0 }),
        }
    }
}

/// A CSV file, plain or gzip-compressed (its text is held decompressed).
fn is_csv(file: &str) -> bool {
    let mut exts = file.rsplit('.');
    let ext = exts.next().filter(|e| !e.eq_ignore_ascii_case("gz")).or_else(|| exts.next());
    ext.is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// `len` characters from character `col` of the line `lr`, stopping at its end.
fn char_span(text: &str, lr: std::ops::Range<usize>, col: usize, len: usize) -> std::ops::Range<usize> {
    let line_text = &text[lr.clone()];
    let mut chars = line_text.char_indices().map(|(i, _)| i).chain(std::iter::once(line_text.len()));
    let start = chars.nth(col.saturating_sub(1)).unwrap_or(line_text.len());
    let end = chars.nth(len.saturating_sub(1)).unwrap_or(line_text.len()).max(start);
    lr.start + start..lr.start + end
}

/// The JSON token starting at character `col` of the line `lr`: a whole
/// string, or one character of anything else.
fn json_span(text: &str, lr: Range<usize>, col: usize) -> Range<usize> {
    let line_text = &text[lr.clone()];
    let offset = line_text.char_indices().nth(col.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
    let start = lr.start + offset;
    let rest = &text[start..lr.end];
    let len = match rest.chars().next() {
        None => 0,
        Some('"') => {
            // To the closing quote, or the end of the line for a string that runs on.
            let mut escaped = false;
            let close = rest.char_indices().skip(1).find(|&(_, c)| {
                let done = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                done
            });
            close.map_or(rest.len(), |(i, _)| i + 1)
        }
        Some(c) => c.len_utf8(),
    };
    start..start + len
}

/// The `col`th field (1-based) of the CSV row `lr`; quoted commas do not split.
fn csv_span(text: &str, lr: Range<usize>, col: usize) -> Range<usize> {
    let mut field = 1;
    let mut field_start = lr.start;
    let mut quoted = false;
    for (i, c) in text[lr.clone()].char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                if field == col {
                    return field_start..lr.start + i;
                }
                field += 1;
                field_start = lr.start + i + 1;
            }
            _ => {}
        }
    }
    // The last field, or the whole row when the column is past its end.
    if field == col { field_start..lr.end } else { lr }
}

/// The hint for a name that is not known: `did you mean `x`?` naming the
/// candidate closest to `word`, or every one of them, sorted, when several
/// are equally close (`did you mean `a`, `b` or `c`?`). Picking one of a
/// tie would send the user to a name that may be the wrong one, such as
/// another police force's column, and the chart would be silently wrong.
/// `None` when nothing is close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let best: Vec<String> = closest(word, candidates).iter().map(|c| format!("`{c}`")).collect();
    match best.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [rest @ .., last] => Some(format!("did you mean {} or {last}?", rest.join(", "))),
    }
}

/// Every candidate at the smallest edit distance from `word`, sorted and
/// without repeats, among those close enough to be a plausible typo.
fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let near: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = strsim::levenshtein(word, c);
            // Close to the candidate, and not mostly rewritten: `pie` is two
            // edits from `line` but is no typo of it. A name that holds the
            // other as whole words is close too, however long the rest:
            // `Merseyside Police` for `Merseyside`.
            let typo = d <= 2.max(c.len() / 3) && 2 * d <= word.chars().count();
            // The extra words of a contained name are not typos: it ranks
            // as close as a two-letter slip.
            if holds_words(word, c) || holds_words(c, word) { Some((d.min(2), c)) } else { typo.then_some((d, c)) }
        })
        .collect();
    let Some(least) = near.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    let mut best: Vec<&str> = near.into_iter().filter(|(d, _)| *d == least).map(|(_, c)| c).collect();
    best.sort_unstable();
    best.dedup();
    best
}

/// The `n` candidates nearest to `word`, nearest first: those holding it
/// (or held by it) as whole words, then by edit distance ignoring case.
/// For a hint when no candidate is close enough for "did you mean".
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let lower = word.to_lowercase();
    let mut ranked: Vec<(bool, usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let held = holds_words(word, c) || holds_words(c, word);
            (!held, strsim::levenshtein(&lower, &c.to_lowercase()), c)
        })
        .collect();
    ranked.sort_unstable();
    ranked.dedup_by(|a, b| a.2 == b.2);
    ranked.into_iter().take(n).map(|(_, _, c)| c).collect()
}

/// Whether `long` contains `short` (ignoring case) as whole words:
/// `Metropolitan Police Service` holds `Metropolitan Police`, but `Brentwood`
/// does not hold `Brent`.
fn holds_words(long: &str, short: &str) -> bool {
    let (long, short) = (long.to_lowercase(), short.trim().to_lowercase());
    if short.chars().filter(|c| c.is_alphanumeric()).count() < 3 || long.len() <= short.len() {
        return false;
    }
    let boundary = |s: &str, at: usize, before: bool| {
        let c = if before { s[..at].chars().next_back() } else { s[at..].chars().next() };
        c.is_none_or(|c| !c.is_alphanumeric() && c != '_')
    };
    long.match_indices(&short).any(|(at, m)| boundary(&long, at, true) && boundary(&long, at + m.len(), false))
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// A path step into an object: `key("title")`.
pub fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_string())
}

/// A path step into an array: `index(0)`.
pub fn index(i: usize) -> PathSeg {
    PathSeg::Index(i)
}

/// `path` one step further down.
pub fn with(path: &[PathSeg], seg: PathSeg) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
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
    locate_offset(src, path).map(|offset| line_col(src, offset))
}

/// The byte offset where the value at `path` starts in the JSON text `src`.
pub fn locate_offset(src: &str, path: &[PathSeg]) -> Option<usize> {
    let mut scanner = Scanner { bytes: src.as_bytes(), pos: 0 };
    scanner.skip_ws();
    for seg in path {
        scanner.enter(seg)?;
    }
    Some(scanner.pos)
}

/// Where byte `decoded` of a JSON string's value lies in the raw text:
/// `start` is the offset of the string's opening quote. Escapes (`\"`,
/// `\n`, `\u00e9`) are longer in the file than in the value, so a problem
/// found at a place in the value is pointed at in the file through this.
pub fn string_offset(src: &str, start: usize, decoded: usize) -> usize {
    let bytes = src.as_bytes();
    let (mut raw, mut value) = (start + 1, 0);
    while value < decoded && raw < bytes.len() && bytes[raw] != b'"' {
        if bytes[raw] == b'\\' {
            let (raw_len, value_len) = match bytes.get(raw + 1) {
                Some(b'u') => unicode_escape(&src[raw..]),
                _ => (2, 1),
            };
            raw += raw_len;
            value += value_len;
        } else {
            let c = src[raw..].chars().next().map_or(1, char::len_utf8);
            raw += c;
            value += c;
        }
    }
    raw.min(src.len())
}

/// Raw and decoded lengths of the `\uXXXX` escape (or surrogate pair) at the start of `s`.
fn unicode_escape(s: &str) -> (usize, usize) {
    let code = |at: usize| s.get(at + 2..at + 6).and_then(|h| u32::from_str_radix(h, 16).ok());
    match code(0) {
        Some(high) if (0xD800..0xDC00).contains(&high) && s[6..].starts_with("\\u") && code(6).is_some() => (12, 4),
        Some(c) => (6, char::from_u32(c).map_or(3, char::len_utf8)),
        None => (2, 1),
    }
}

/// Finds where the `n`th (0-based) occurrence of `key` in the object at
/// `path` starts: used to point at the second of two duplicate keys, which
/// a path alone cannot tell apart.
pub fn locate_key(src: &str, path: &[PathSeg], key: &str, n: usize) -> Option<(usize, usize)> {
    let mut scanner = Scanner { bytes: src.as_bytes(), pos: 0 };
    scanner.skip_ws();
    for seg in path {
        scanner.enter(seg)?;
    }
    if scanner.peek()? != b'{' {
        return None;
    }
    scanner.pos += 1;
    let mut seen = 0;
    loop {
        scanner.skip_ws();
        if scanner.peek()? == b'}' {
            return None;
        }
        let start = scanner.pos;
        let found = scanner.string()?;
        if found == key {
            if seen == n {
                return Some(line_col(src, start));
            }
            seen += 1;
        }
        scanner.skip_ws();
        if scanner.peek()? != b':' {
            return None;
        }
        scanner.pos += 1;
        scanner.skip_ws();
        scanner.skip_value()?;
        scanner.skip_ws();
        if scanner.peek()? == b',' {
            scanner.pos += 1;
        }
    }
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

/// Where each line of a text starts, found once, so that many problems in
/// one large file are each located in time proportional to their line
/// rather than to the whole text before them.
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let starts = std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { src, starts }
    }

    /// The same as [`line_col`]: 1-based line and column (columns count characters).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.src.floor_char_boundary(offset.min(self.src.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        (line, self.src[start..offset].chars().count() + 1)
    }
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
    fn a_line_index_locates_as_line_col_does() {
        let src = "ab\n£c\n\nlast “q”";
        let index = LineIndex::new(src);
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(5), (2, 2), "after `£`, two bytes but one character");
        assert_eq!(index.line_col(src.len()), (4, 9));
        for offset in 0..=src.len() + 2 {
            assert_eq!(index.line_col(offset), line_col(src, offset), "offset {offset}");
        }
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
    fn locates_the_second_of_two_keys() {
        let src = "{\"a\": {\"k\": 1,\n \"j\": [1], \"k\": 2}}";
        assert_eq!(locate_key(src, &[key("a")], "k", 0), Some((1, 8)));
        assert_eq!(locate_key(src, &[key("a")], "k", 1), Some((2, 12)));
        assert_eq!(locate_key(src, &[key("a")], "k", 2), None);
        assert_eq!(locate_key(src, &[], "a", 0), Some((1, 2)));
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

    fn sample(file: &str, position: (usize, usize)) -> Diagnostic {
        Diagnostic::error(file, "unknown series `oficers`")
            .at(Some(position))
            .path("$.summary[0]")
            .hint("did you mean `officers`?")
    }

    #[test]
    fn short_format_is_one_line_and_a_hint() {
        let text = render(&[sample("b.json", (2, 3))], &Sources::default(), Format::Short, false);
        assert_eq!(
            text,
            "b.json:2:3: error: $.summary[0]: unknown series `oficers`\n  hint: did you mean `officers`?\n"
        );
    }

    #[test]
    fn human_format_underlines_the_json_value() {
        let mut sources = Sources::default();
        sources.add("b.json", "{\n  \"summary\": [\"{oficers.latest}\"]\n}\n");
        let text = render(&[sample("b.json", (2, 15))], &sources, Format::Human, false);
        assert!(text.starts_with("error: unknown series `oficers`\n"), "{text}");
        assert!(text.contains("b.json:2:15"), "{text}");
        assert!(text.contains("\"summary\": [\"{oficers.latest}\"]"), "{text}");
        // The whole string is underlined, and labelled with its path.
        assert!(text.contains(&format!("{} $.summary[0]", "^".repeat(17))), "{text}");
        assert!(text.contains("= hint: did you mean `officers`?"), "{text}");
        assert!(!text.contains('\u{1b}'), "colour without asking: {text}");
        let colored = render(&[sample("b.json", (2, 15))], &sources, Format::Human, true);
        assert!(colored.contains('\u{1b}'));
    }

    #[test]
    fn human_format_underlines_the_csv_cell() {
        let mut sources = Sources::default();
        sources.add("d.csv", "year,n\n2017,1\n2018,\"30,390\",x\n");
        let text = render(&[sample("d.csv", (3, 2))], &sources, Format::Human, false);
        assert!(text.contains("2018,\"30,390\",x"), "{text}");
        assert!(text.contains(&format!("     {}", "^".repeat(8))), "{text}");
    }

    /// Regression: CRLF files underlined the cell of the line above.
    #[test]
    fn human_format_underlines_the_csv_cell_in_crlf_files() {
        let mut sources = Sources::default();
        sources.add("d.csv", "year,n\r\n2017,1\r\n2018,lots\r\n2019,2\r\n");
        let text = render(&[sample("d.csv", (3, 2))], &sources, Format::Human, false);
        assert!(text.contains("3 │ 2018,lots\n"), "{text}");
        assert!(text.contains(&format!("  │      {} $.summary[0]", "^".repeat(4))), "{text}");
        assert!(!text.contains('\r'), "{text:?}");
    }

    #[test]
    fn human_format_without_source_falls_back_to_one_line() {
        let text = render(&[sample("gone.json", (2, 3))], &Sources::default(), Format::Human, false);
        assert!(text.starts_with("gone.json:2:3: error: $.summary[0]"), "{text}");
        // A position past the end of the file does not panic either.
        let mut sources = Sources::default();
        sources.add("gone.json", "{}");
        let text = render(&[sample("gone.json", (9, 99))], &sources, Format::Human, false);
        assert!(text.contains("unknown series"), "{text}");
    }

    /// Regression: each snippet scanned its file again (6 s for 10,000
    /// cells, quadratic); files are indexed once.
    #[test]
    fn twenty_thousand_snippets_of_one_file_render_quickly() {
        let mut sources = Sources::default();
        let csv: String = (0..20_000).map(|i| format!("{},x{i}\n", 1000 + i)).collect();
        sources.add("d.csv", format!("year,n\n{csv}"));
        let diags: Vec<Diagnostic> = (2..20_002).map(|line| sample("d.csv", (line, 2))).collect();
        let start = std::time::Instant::now();
        let text = render(&diags, &sources, Format::Human, false);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "took {:?}", start.elapsed());
        assert!(text.contains("20001 │ 20999,x19999"), "the last row's snippet is missing");
        assert_eq!(text.matches("unknown series").count(), 20_000);
    }

    /// A line of `len` characters: a JSON paragraph with `marker` at character `at`.
    fn long_line(len: usize, at: usize, marker: &str) -> String {
        let before = "{\"text\": \"";
        let filler = |n: usize| "abcdefghij".repeat(n / 10 + 1)[..n].to_string();
        let after = "\"}";
        let tail = len - at - marker.chars().count() - after.len();
        format!("{before}{}{marker}{}{after}", filler(at - before.len()), filler(tail))
    }

    /// Regression: a paragraph is one long JSON line (here 448 and 2,000
    /// characters), and any line over 300 characters lost its snippet.
    #[test]
    fn long_lines_show_a_window_around_the_problem() {
        for (len, at) in [(448, 300), (2_000, 1_000), (2_000, 20), (2_000, 1_970), (1_000_000, 500_000)] {
            let mut sources = Sources::default();
            sources.add("b.json", format!("{{\n{}\n}}", long_line(len, at, "“£” HERE")));
            let text = render(&[sample("b.json", (2, at + 1))], &sources, Format::Human, false);
            assert!(text.contains(&format!("b.json:2:{}", at + 1)), "{len}, {at}: {text}");
            let shown = text.lines().find(|l| l.starts_with("2 │ ")).expect(&text);
            assert!(shown.contains("“£” HERE"), "{len}, {at}: {text}");
            assert!(shown.chars().count() <= 4 + 2 * CONTEXT + 2 + 9, "{len}, {at}: {shown}");
            assert_eq!(shown.starts_with("2 │ …"), at > CONTEXT, "{shown}");
            assert_eq!(shown.ends_with('…'), len - at > CONTEXT + 9, "{shown}");
            // The caret is under the marker's first character.
            let caret = text.lines().find(|l| l.contains('^')).expect(&text);
            let column = |l: &str, c: char| l.chars().position(|x| x == c);
            assert_eq!(column(caret, '^'), column(shown, '“'), "{text}");
            assert!(text.contains("= hint: did you mean `officers`?"), "{text}");
        }
    }

    #[test]
    fn a_long_string_is_underlined_in_part() {
        let mut sources = Sources::default();
        let line = format!("  \"text\": \"{}\"", "word ".repeat(1_000));
        sources.add("b.json", format!("{{\n{line}\n}}"));
        let text = render(&[sample("b.json", (2, 11))], &sources, Format::Human, false);
        assert!(text.contains("2 │   \"text\": \"word word"), "{text}");
        assert!(text.contains(&format!("  │           {} $.summary[0]", "^".repeat(CONTEXT))), "{text}");
        assert!(text.len() < 1_000, "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["officers", "population"];
        assert_eq!(suggest("oficers", names).as_deref(), Some("did you mean `officers`?"));
        assert_eq!(suggest("budget", names), None);
        assert_eq!(suggest("pie", ["line", "column", "bar"]), None);
        // A name holding the other as whole words is close, however long.
        let forces = ["Merseyside", "Metropolitan Police", "Cheshire", "Merseyside region"];
        assert_eq!(suggest("Merseyside Police", forces).as_deref(), Some("did you mean `Merseyside`?"));
        assert_eq!(
            suggest("Metropolitan Police Service", forces).as_deref(),
            Some("did you mean `Metropolitan Police`?")
        );
        assert_eq!(suggest("Brent", ["Brentwood", "Camden"]), None);
    }

    /// Regression: `we_officers_fte` (two letters swapped) is two edits from
    /// three forces' columns; the hint named only the first, so taking it
    /// could silently chart the wrong force.
    #[test]
    fn equally_close_names_are_all_suggested_and_none_is_picked() {
        let columns = ["wmp_officers_fte", "met_officers_fte", "ew_officers_fte", "officers"];
        assert_eq!(
            suggest("we_officers_fte", columns).as_deref(),
            Some("did you mean `ew_officers_fte`, `met_officers_fte` or `wmp_officers_fte`?")
        );
        // Two equally close: no comma; the order of the candidates does not matter.
        let two = ["wmp_officers_fte", "ew_officers_fte"];
        assert_eq!(
            suggest("we_officers_fte", two).as_deref(),
            Some("did you mean `ew_officers_fte` or `wmp_officers_fte`?")
        );
        let reversed = ["ew_officers_fte", "wmp_officers_fte"];
        assert_eq!(suggest("we_officers_fte", reversed), suggest("we_officers_fte", two));
        // A closer candidate wins outright, and a repeated name is no tie.
        assert_eq!(suggest("wmp_officer_fte", columns).as_deref(), Some("did you mean `wmp_officers_fte`?"));
        assert_eq!(suggest("oficers", ["officers", "officers"]).as_deref(), Some("did you mean `officers`?"));
    }
}
