//! Reading data files: where they come from (the manifest's folder, or the
//! copies compiled into the binary for the built-in briefing) and turning a
//! CSV file plus a series declaration into a [`Series`].
//!
//! Gzip-compressed files (`officers.csv.gz`) are decompressed as they are
//! read, and files in a declared encoding (`"encoding": "windows-1252"`)
//! decoded, so the rest of the pipeline, and diagnostics, see the CSV text.
//!
//! Every problem in a CSV file is reported with the file, row and column.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use encoding_rs::Encoding;

use crate::diag::{Diagnostic, suggest};
use crate::input::stream;

/// Where data files named in a manifest are read from. All outside input
/// passes through here, so the rest of the pipeline stays pure.
pub trait Files: Sync {
    /// The text of the file `name` (as written in the manifest), or a reason it cannot be read.
    fn read(&self, name: &str) -> Result<String, String>;
    /// The text of `name` decoded from `encoding` (declared by the series,
    /// e.g. Windows-1252) rather than read as UTF-8. Files held as text are
    /// UTF-8 bytes, which are decoded the same way.
    fn read_in(&self, name: &str, encoding: &'static Encoding) -> Result<String, String> {
        decode(self.read(name)?.into_bytes(), encoding)
    }
    /// The bytes of the file `name`, as stored: spreadsheets are binary
    /// (ZIP or OLE containers), so they are read without any decoding.
    /// Sources that hold only text give the text's bytes.
    fn read_bytes(&self, name: &str) -> Result<Vec<u8>, String> {
        self.read(name).map(String::into_bytes)
    }
    /// The file's bytes as a stream, decompressed and bounded
    /// ([`stream::open`]): tables too large to hold are read this way.
    fn open(&self, name: &str) -> Result<Box<dyn std::io::Read + Send>, String> {
        stream::open(name, Box::new(std::io::Cursor::new(self.read_bytes(name)?)))
    }
    /// The files a glob pattern matches, by name (as a manifest would
    /// write them), sorted.
    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        Err(format!("`{pattern}` is a pattern, and these files cannot be searched"))
    }
    /// How diagnostics name the file.
    fn display(&self, name: &str) -> String;
    /// Parsed files kept across the briefings made through these files
    /// (a batch reads each spreadsheet once, not once per area); `None`
    /// keeps them for one briefing only.
    fn parsed(&self) -> Option<&Parsed> {
        None
    }
}

/// What readers made of data files, by file name, kept for reuse. Shared
/// across the threads of a batch; each reader stores its own type (a
/// spreadsheet reader its parsed workbook), so this module needs to know
/// none of them.
#[derive(Default)]
pub struct Parsed {
    files: Mutex<BTreeMap<String, Arc<dyn Any + Send + Sync>>>,
}

impl Parsed {
    /// What was made of `name` before, or `make()`'s result, kept. The lock
    /// is held while making: a second thread asking for the same file
    /// waits for this result instead of parsing the file again.
    pub fn get_or_make<T: Any + Send + Sync>(&self, name: &str, make: impl FnOnce() -> T) -> Arc<T> {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = files.get(name).and_then(|kept| kept.clone().downcast::<T>().ok()) {
            return kept;
        }
        let made = Arc::new(make());
        files.insert(name.to_string(), made.clone());
        made
    }
}

/// Files on disk, named relative to the manifest's folder (`base`). A name
/// must not be absolute and must stay inside `root`: the manifest's folder
/// unless the user widens it on the command line (`--data-root`), so a
/// manifest cannot read arbitrary files such as `../../etc/passwd`.
pub struct Folder {
    pub base: PathBuf,
    pub root: PathBuf,
}

impl Folder {
    /// Files beside the manifest, and nowhere else.
    pub fn new(base: PathBuf) -> Self {
        Folder { root: base.clone(), base }
    }
}

impl Files for Folder {
    fn read(&self, name: &str) -> Result<String, String> {
        decode(decompress(name, self.read_bytes(name)?)?, encoding_rs::UTF_8)
    }

    fn read_in(&self, name: &str, encoding: &'static Encoding) -> Result<String, String> {
        decode(decompress(name, self.read_bytes(name)?)?, encoding)
    }

    fn read_bytes(&self, name: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.path(name)?).map_err(|e| e.to_string())
    }

    fn open(&self, name: &str) -> Result<Box<dyn std::io::Read + Send>, String> {
        let file = std::fs::File::open(self.path(name)?).map_err(|e| e.to_string())?;
        stream::open(name, Box::new(file))
    }

    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        let prefix = stream::literal_prefix(pattern);
        // The folder searched must itself be inside the root.
        let start = if prefix.is_empty() { self.base.clone() } else { self.path(prefix)? };
        let mut names = Vec::new();
        let mut stack = vec![(start, prefix.to_string())];
        while let Some((dir, rel)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let Some(file_name) = entry.file_name().to_str().map(str::to_string) else { continue };
                let rel = if rel.is_empty() { file_name } else { format!("{rel}/{file_name}") };
                match entry.file_type() {
                    Ok(t) if t.is_dir() => stack.push((entry.path(), rel)),
                    Ok(_) => names.push(rel),
                    Err(_) => {}
                }
            }
        }
        // Every match is checked on reading, like a file named outright.
        stream::matching(pattern, names)
    }

    fn display(&self, name: &str) -> String {
        self.base.join(name).display().to_string()
    }
}

impl Folder {
    /// The real path of `name`, refused when it lies outside the root.
    fn path(&self, name: &str) -> Result<PathBuf, String> {
        let outside = || {
            format!(
                "`{name}` is outside the folder {}; data files must be inside it (`--data-root DIR` allows a wider folder)",
                lexical(&self.root).display()
            )
        };
        let path = Path::new(name);
        if path.is_absolute() || path.components().any(|c| matches!(c, Component::Prefix(_) | Component::RootDir)) {
            return Err(outside());
        }
        // Checked twice: on the names as written (so a missing file outside
        // is still refused as outside), then on the real paths (symlinks).
        let full = self.base.join(path);
        if !lexical(&full).starts_with(lexical(&self.root)) {
            return Err(outside());
        }
        let real = full.canonicalize().map_err(|e| e.to_string())?;
        let root = self.root.canonicalize().map_err(|e| format!("{}: {e}", self.root.display()))?;
        if !real.starts_with(&root) {
            return Err(outside());
        }
        Ok(real)
    }
}

/// A file's text from its bytes in `encoding`. UTF-8 that is not valid is
/// refused with the line and column of the first bad byte (the usual cause
/// is a file saved as Windows-1252 without saying so); a UTF-8 byte-order
/// mark is kept for [`parse_csv`] to skip.
fn decode(bytes: Vec<u8>, encoding: &'static Encoding) -> Result<String, String> {
    if encoding == encoding_rs::UTF_8 {
        return String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let (line, column) = crate::diag::line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
            format!("the file is not UTF-8 text (line {line}, column {column})")
        });
    }
    // Windows-1252 maps every byte to a character, so only multi-byte
    // encodings (UTF-16, Shift_JIS, ...) can find bytes they cannot read.
    let (text, malformed) = encoding.decode_with_bom_removal(&bytes);
    if malformed {
        return Err(format!("the file is not valid {} text", encoding.name()));
    }
    Ok(text.into_owned())
}

/// The two bytes every gzip file starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The most a compressed data file may expand to: far beyond any real
/// table, and a guard against a small file that unpacks to fill the memory.
const MOST_DECOMPRESSED: u64 = 1 << 30;

/// The file's bytes, decompressed when it is gzip (`.csv.gz`, as exports
/// and archives often come): recognised by its first bytes, whatever its
/// name, so that a compressed file is never mistaken for Windows-1252 text.
fn decompress(name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let gz_name = name.to_ascii_lowercase().ends_with(".gz");
    if !bytes.starts_with(&GZIP_MAGIC) {
        // A `.gz` name on plain text is harmless; on anything else, say what is wrong.
        return match std::str::from_utf8(&bytes) {
            Err(_) if gz_name => Err(
                "the file is named .gz but is not gzip-compressed; compress it with gzip, or give the plain CSV file"
                    .into(),
            ),
            _ => Ok(bytes),
        };
    }
    use std::io::Read;
    let mut out = Vec::new();
    // Multi-member: `cat a.gz b.gz` is a valid gzip file of both.
    let mut decoder = flate2::read::MultiGzDecoder::new(&bytes[..]).take(MOST_DECOMPRESSED + 1);
    decoder.read_to_end(&mut out).map_err(|e| {
        format!(
            "the file is gzip-compressed but damaged or cut short ({e}); compress it again, or give the plain CSV file"
        )
    })?;
    if out.len() as u64 > MOST_DECOMPRESSED {
        return Err("the file decompresses to more than 1 GiB; a data file should be far smaller".into());
    }
    Ok(out)
}

/// An absolute path with `.` and `..` resolved on the names alone.
fn lexical(path: &Path) -> PathBuf {
    let absolute = std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The encoding an author names (`windows-1252`, `latin1`, `utf-16le`: the
/// WHATWG labels browsers accept), or `None` for a name no decoder knows.
pub fn encoding(label: &str) -> Option<&'static Encoding> {
    // `replacement` decodes everything to U+FFFD: a label for refusing content, not reading it.
    Encoding::for_label(label.trim().as_bytes()).filter(|e| *e != encoding_rs::REPLACEMENT)
}

/// Files compiled into the binary (the built-in briefings' data).
pub struct Embedded {
    pub folder: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

impl Files for Embedded {
    fn read(&self, name: &str) -> Result<String, String> {
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| "no such file is built in".to_string())
    }

    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        stream::matching(pattern, self.files.iter().map(|(n, _)| n.to_string()))
    }

    fn display(&self, name: &str) -> String {
        format!("{}/{name}", self.folder)
    }
}

/// A parsed CSV file: header and rows, with each row's line number.
pub struct Csv {
    pub name: String,
    pub header: Vec<String>,
    /// Each row as one `StringRecord` (one buffer per row, not a string per
    /// cell: a batch parses its data files once per briefing).
    pub rows: Vec<(usize, csv::StringRecord)>,
}

/// Parses CSV text (`display` names the file in diagnostics), reporting
/// ragged rows and empty files.
pub fn parse_csv(display: &str, text: &str) -> Result<Csv, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let mut lines = Lines { text, offset: 0, line: 1 };
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(display, &e, &mut lines))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(Diagnostic::error(display, "the file is empty")
            .at(Some((1, 1)))
            .hint("a data file starts with a header row naming its columns"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(display, &e, &mut lines))?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        rows.push((line, record));
    }
    if rows.is_empty() {
        return Err(Diagnostic::error(display, "the file has a header row but no data rows")
            .at(Some((1, 1)))
            .hint("add one row per x value under the header"));
    }
    Ok(Csv { name: display.to_string(), header, rows })
}

/// The 1-based line of byte offsets in CSV text, counted onwards from the
/// previous offset asked about, so that reading a file stays linear.
///
/// The csv crate's own `Position::line` is wrong for CRLF files (it counts
/// `\n` only after the `\r` that ended the record, so every row is one line
/// too low: BurntSushi/rust-csv#395) and for blank lines (a record's
/// position is where the blank lines before it start). Its byte offsets are
/// right up to those skipped line breaks, so lines are counted from them.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, byte: u64) -> usize {
        let bytes = self.text.as_bytes();
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        self.line += bytes[self.offset..start].iter().filter(|&&b| b == b'\n').count();
        self.offset = start;
        self.line
    }
}

fn csv_error(file: &str, e: &csv::Error, lines: &mut Lines) -> Diagnostic {
    let line = e.position().map(|p| lines.at(p.byte()));
    let (message, hint) = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => (
            format!("this row has {len} fields but the header has {expected_len}"),
            "every row needs one value per column; quote values that contain commas".to_string(),
        ),
        csv::ErrorKind::Utf8 { .. } => ("the file is not valid UTF-8".into(), "save it as UTF-8 CSV".into()),
        _ => (format!("cannot parse the CSV: {e}"), "data files are comma-separated with one header row".into()),
    };
    Diagnostic::error(file, message).at(line.map(|l| (l, 1))).hint(hint)
}

impl Csv {
    /// The index of a column, or a diagnostic suggesting the closest one.
    pub fn column(&self, name: &str) -> Result<usize, Diagnostic> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            let hint = match suggest(name, self.header.iter().map(String::as_str)) {
                Some(hint) => hint,
                None if self.header.len() == 1 => format!(
                    "the file has a single column `{}`: is it separated by something other than commas?",
                    self.header[0]
                ),
                None => format!("columns: {}", self.header.join(", ")),
            };
            Diagnostic::error(&self.name, format!("no column `{name}`")).at(Some((1, 1))).hint(hint)
        })
    }
}

/// How many line numbers a list of rows shows before it gives the count.
const ROWS_SHOWN: usize = 5;

/// Row numbers for a message: `rows 3, 4 and 9`, or when there are many,
/// the first few and the count: `rows 3, 4, 5, 6, 7 … (26 rows)`.
pub fn rows_list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(ROWS_SHOWN).map(usize::to_string).collect();
    match (lines.len(), shown.split_last()) {
        (_, None) => String::new(),
        (1, _) => format!("row {}", shown[0]),
        (n, Some((last, rest))) if n <= ROWS_SHOWN => format!("rows {} and {last}", rest.join(", ")),
        (n, _) => format!("rows {} … ({n} rows)", shown.join(", ")),
    }
}

/// The largest magnitude a data value may have. Figures are printed in
/// full with thousands separators: 10^15 (a thousand trillion) covers any
/// budget or population, while 1e308 would print as 103 groups of digits
/// and overflow every sum. Larger values are almost always a unit mistake.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// What is wrong with a number cell; cells with the same kind of problem
/// in one column are reported together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadNumber {
    NotANumber,
    TooLarge,
    ThousandsSeparators,
    Text,
}

impl BadNumber {
    /// Completes "`cell` in column `y` ...".
    pub(crate) fn problem(self) -> &'static str {
        match self {
            BadNumber::TooLarge => "is too large to be a figure",
            _ => "is not a number",
        }
    }

    /// How to fix it, quoting `cell` (the first of its kind) where that helps.
    pub(crate) fn hint(self, cell: &str) -> String {
        match self {
            BadNumber::NotANumber => "leave the cell empty for a missing value; it is shown as a gap".into(),
            BadNumber::TooLarge => {
                "values are limited to ±1,000,000,000,000,000; is the column in the wrong unit?".into()
            }
            BadNumber::ThousandsSeparators => {
                format!("remove the thousands separators (write {}, not {cell})", cell.replace(',', ""))
            }
            BadNumber::Text => {
                "write a plain number such as 30390.5, or leave the cell empty for a missing value".into()
            }
        }
    }
}

/// A number cell: empty means a gap. Thousands separators and stray
/// symbols are refused rather than guessed at.
pub(crate) fn parse_number(cell: &str) -> Result<Option<f64>, BadNumber> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_nan() => Err(BadNumber::NotANumber),
        Ok(v) if v.is_infinite() || v.abs() > MAX_MAGNITUDE => Err(BadNumber::TooLarge),
        Ok(v) => Ok(Some(v)),
        Err(_) if cell.contains(',') && cell.replace(',', "").parse::<f64>().is_ok() => {
            Err(BadNumber::ThousandsSeparators)
        }
        Err(_) => Err(BadNumber::Text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// Regression: a gzip-compressed CSV was reported as "not UTF-8,
    /// perhaps Windows-1252".
    #[test]
    fn gzip_files_are_read_decompressed_whatever_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let text = "year,n\n2017,1\n2018,2\n";
        std::fs::write(dir.path().join("d.csv"), text).unwrap();
        std::fs::write(dir.path().join("d.csv.gz"), gzip(text.as_bytes())).unwrap();
        std::fs::write(dir.path().join("D.CSV.GZ"), [gzip(b"year,n\n"), gzip(b"2017,1\n2018,2\n")].concat()).unwrap();
        std::fs::write(dir.path().join("hidden.csv"), gzip(text.as_bytes())).unwrap();
        std::fs::write(dir.path().join("plain.csv.gz"), text).unwrap();
        let folder = Folder::new(dir.path().to_path_buf());
        for name in ["d.csv", "d.csv.gz", "D.CSV.GZ", "hidden.csv", "plain.csv.gz"] {
            assert_eq!(folder.read(name).as_deref(), Ok(text), "{name}");
        }
    }

    /// A UTF-8 byte-order mark (Excel's "CSV UTF-8" starts with one) is not
    /// part of the first column's name, and rows keep their line numbers.
    #[test]
    fn a_byte_order_mark_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let text = "\u{feff}year,n\n2017,1\n2018,x\n";
        std::fs::write(dir.path().join("bom.csv"), text).unwrap();
        std::fs::write(dir.path().join("bom.csv.gz"), gzip(text.as_bytes())).unwrap();
        let folder = Folder::new(dir.path().to_path_buf());
        for name in ["bom.csv", "bom.csv.gz"] {
            let csv = parse_csv(name, &folder.read(name).unwrap()).unwrap();
            assert_eq!(csv.header, ["year", "n"], "{name}");
            assert_eq!(csv.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3], "{name}");
        }
    }

    /// Windows-1252 (also when compressed) is decoded only when declared.
    #[test]
    fn a_declared_encoding_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"area,n\nYnys M\xf4n,1\n\x80 and \xa3,2\n";
        std::fs::write(dir.path().join("w.csv"), bytes).unwrap();
        std::fs::write(dir.path().join("w.csv.gz"), gzip(bytes)).unwrap();
        let folder = Folder::new(dir.path().to_path_buf());
        let windows = encoding("Windows-1252").unwrap();
        assert_eq!(encoding("latin1"), Some(windows), "WHATWG reads Latin-1 as Windows-1252");
        assert_eq!(encoding("cp-1252"), None);
        assert_eq!(encoding("replacement"), None);
        for name in ["w.csv", "w.csv.gz"] {
            assert_eq!(folder.read_in(name, windows).unwrap(), "area,n\nYnys Môn,1\n€ and £,2\n", "{name}");
            assert_eq!(folder.read(name).unwrap_err(), "the file is not UTF-8 text (line 2, column 7)", "{name}");
        }
        let utf16 = encoding("utf-16le").unwrap();
        std::fs::write(dir.path().join("odd.csv"), b"a\x00,\x00\x00\xd8").unwrap();
        assert_eq!(folder.read_in("odd.csv", utf16).unwrap_err(), "the file is not valid UTF-16LE text");
    }

    #[test]
    fn damaged_gzip_files_are_named_in_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let whole = gzip("year,n\n2017,1\n".repeat(100).as_bytes());
        std::fs::write(dir.path().join("cut.csv.gz"), &whole[..whole.len() / 2]).unwrap();
        let mut flipped = whole.clone();
        flipped[20] ^= 0xff;
        std::fs::write(dir.path().join("flipped.csv"), &flipped).unwrap();
        std::fs::write(dir.path().join("zip.csv.gz"), b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff").unwrap();
        let folder = Folder::new(dir.path().to_path_buf());
        for name in ["cut.csv.gz", "flipped.csv"] {
            let err = folder.read(name).unwrap_err();
            assert!(err.starts_with("the file is gzip-compressed but damaged or cut short ("), "{name}: {err}");
            assert!(!err.contains("UTF-8"), "{err}");
        }
        let err = folder.read("zip.csv.gz").unwrap_err();
        assert!(err.starts_with("the file is named .gz but is not gzip-compressed"), "{err}");
    }

    #[test]
    fn folders_refuse_paths_outside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("briefing");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(dir.path().join("shared.csv"), "x,y\n").unwrap();
        std::fs::write(inner.join("own.csv"), "x,y\n").unwrap();
        let folder = Folder::new(inner.clone());
        assert_eq!(folder.read("own.csv").unwrap(), "x,y\n");
        assert!(folder.read("../shared.csv").unwrap_err().contains("outside the folder"));
        assert!(folder.read("../../../../etc/passwd").unwrap_err().contains("outside the folder"));
        assert!(folder.read("/etc/passwd").unwrap_err().contains("outside the folder"));
        let wider = Folder { base: inner, root: dir.path().to_path_buf() };
        assert_eq!(wider.read("../shared.csv").unwrap(), "x,y\n");
    }
}
