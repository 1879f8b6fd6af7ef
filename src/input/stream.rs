//! Data files as streams of bytes, for tables too large to hold: a police
//! archive of 36 monthly files is about a gigabyte. Gzip files are
//! decompressed as they are read, and every stream is bounded as bytes
//! arrive (a total and a longest line), so a small file that unpacks to
//! gigabytes (a "gzip bomb") is refused in bounded memory and time.
//!
//! Also here: matching a glob (`police-uk/*/*-street.csv`) against files,
//! in a fixed order so that a briefing never depends on the directory's.

use std::io::{self, BufRead, BufReader, Read};

/// The most a data file may hold once decompressed: far beyond any table
/// a briefing reads (a force's three years of street-level crime is about
/// 1 GB over 36 files), and a guard against a file that unpacks to fill the
/// memory or the afternoon.
pub const MOST_BYTES: u64 = 4 << 30;

/// The longest line a data file may have. A CSV row of a few thousand
/// columns is under 100 KB; a longer line is almost always a file that is
/// not a table at all (or a bomb of zeros), and the CSV reader would hold
/// it whole.
pub const LONGEST_LINE: usize = 1 << 20;

/// The two bytes every gzip file starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a bounded stream stopped: carried inside an `io::Error` so that the
/// CSV reader passes it on, then recognised to word the message.
#[derive(Debug)]
pub struct Exceeded(pub String);

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Exceeded {}

/// A file's bytes, decompressed when it is gzip (recognised by its first
/// bytes, whatever its name), bounded by [`MOST_BYTES`] and
/// [`LONGEST_LINE`].
pub fn open(name: &str, raw: Box<dyn Read + Send>) -> Result<Box<dyn Read + Send>, String> {
    let mut raw = BufReader::with_capacity(1 << 16, raw);
    let start = raw.fill_buf().map_err(|e| e.to_string())?;
    let gz_name = name.to_ascii_lowercase().ends_with(".gz");
    if start.starts_with(&GZIP_MAGIC) {
        // Multi-member: `cat a.gz b.gz` is a valid gzip file of both.
        let decoder = flate2::bufread::MultiGzDecoder::new(raw);
        return Ok(Box::new(Bounded::new(decoder, true)));
    }
    // A `.gz` name on plain text is harmless; on binary data, say what is wrong.
    if gz_name && start.len() >= 2 && std::str::from_utf8(&start[..start.len().min(64)]).is_err() {
        return Err(
            "the file is named .gz but is not gzip-compressed; compress it with gzip, or give the plain CSV file"
                .into(),
        );
    }
    Ok(Box::new(Bounded::new(raw, false)))
}

/// The message for an error met while reading a stream.
pub fn describe(e: &io::Error) -> String {
    if let Some(exceeded) = e.get_ref().and_then(|inner| inner.downcast_ref::<Exceeded>()) {
        return exceeded.0.clone();
    }
    match e.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => format!(
            "the file is gzip-compressed but damaged or cut short ({e}); compress it again, or give the plain CSV file"
        ),
        _ => e.to_string(),
    }
}

/// A stream that counts what it has produced and stops with an error at the
/// limits, before the bytes reach anything that would hold them.
struct Bounded<R> {
    inner: R,
    produced: u64,
    /// Bytes since the last line break.
    line: usize,
    compressed: bool,
}

impl<R: Read> Bounded<R> {
    fn new(inner: R, compressed: bool) -> Self {
        Bounded { inner, produced: 0, line: 0, compressed }
    }

    fn exceeded(&self, message: String) -> io::Error {
        io::Error::other(Exceeded(message))
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        if self.produced > MOST_BYTES {
            let what = if self.compressed { "decompresses to" } else { "holds" };
            return Err(self.exceeded(format!(
                "the file {what} more than {} GiB; a data file should be far smaller (split it, or keep only the columns and rows the briefing needs)",
                MOST_BYTES >> 30
            )));
        }
        let chunk = &buf[..n];
        self.line = match memchr::memrchr(b'\n', chunk) {
            Some(last) => chunk.len() - last - 1,
            None => self.line + chunk.len(),
        };
        if self.line > LONGEST_LINE {
            let what = if self.compressed { " once decompressed" } else { "" };
            return Err(self.exceeded(format!(
                "a line of the file{what} is longer than {} MiB, so it is not a table of rows",
                LONGEST_LINE >> 20
            )));
        }
        Ok(n)
    }
}

/// The 1-based lines of byte offsets in a stream (`offsets` sorted), for
/// messages about rows found while streaming. A CSV record's offset is
/// where the line breaks before it begin, so breaks at an offset are
/// counted onto it. Read again only when there is something to report.
pub fn lines_at(mut stream: Box<dyn Read + Send>, offsets: &[u64]) -> Vec<usize> {
    let mut lines = Vec::with_capacity(offsets.len());
    let (mut line, mut at) = (1usize, 0u64);
    let mut next = 0;
    // Inside a run of line breaks that starts at a wanted offset.
    let mut in_run = false;
    let mut buf = vec![0u8; 1 << 16];
    'read: loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut i = 0;
        while i < n {
            if in_run {
                match buf[i] {
                    b'\n' => line += 1,
                    b'\r' => {}
                    _ => {
                        in_run = false;
                        lines.push(line);
                        next += 1;
                        continue;
                    }
                }
                i += 1;
                at += 1;
                continue;
            }
            let Some(&target) = offsets.get(next) else { break 'read };
            if target < at {
                lines.push(line);
                next += 1;
                continue;
            }
            // Count whole stretches up to the next wanted offset at once.
            let end = ((target - at) as usize).min(n - i);
            line += memchr::memchr_iter(b'\n', &buf[i..i + end]).count();
            i += end;
            at += end as u64;
            if at == target {
                in_run = true;
            }
        }
    }
    while lines.len() < offsets.len() {
        lines.push(line);
    }
    lines
}

/// Whether a file name is a glob pattern rather than one file.
pub fn is_glob(name: &str) -> bool {
    name.contains(['*', '?', '['])
}

/// The names, among `names` (relative, `/`-separated), that `pattern`
/// matches, sorted by name: `*` and `?` stay within one path component,
/// `**` matches any folders.
pub fn matching(pattern: &str, names: impl IntoIterator<Item = String>) -> Result<Vec<String>, String> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("`{pattern}` is not a valid pattern: {}", e.kind()))?
        .compile_matcher();
    let mut found: Vec<String> = names.into_iter().filter(|n| glob.is_match(n)).collect();
    found.sort();
    Ok(found)
}

/// The part of a pattern before its first wildcard component: the folder
/// to search (`police-uk/*/x.csv` searches `police-uk`).
pub fn literal_prefix(pattern: &str) -> &str {
    let mut end = 0;
    for (i, part) in pattern.split('/').enumerate() {
        if is_glob(part) {
            break;
        }
        end = if i == 0 { part.len() } else { end + 1 + part.len() };
    }
    // The last component is a file name, not a folder, unless it led to a wildcard.
    if end == pattern.len() { pattern.rsplit_once('/').map_or("", |(dir, _)| dir) } else { &pattern[..end] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// A whole stream, or the message for what stopped it.
    fn read_all(mut stream: Box<dyn Read + Send>) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        stream.read_to_end(&mut out).map_err(|e| describe(&e))?;
        Ok(out)
    }

    fn read(name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
        read_all(open(name, Box::new(io::Cursor::new(bytes)))?)
    }

    #[test]
    fn gzip_is_recognised_by_its_bytes_and_members_join() {
        let text = b"year,n\n2017,1\n";
        assert_eq!(read("a.csv", gzip(text)).unwrap(), text);
        assert_eq!(read("a.csv.gz", [gzip(b"year,n\n"), gzip(b"2017,1\n")].concat()).unwrap(), text);
        assert_eq!(read("plain.csv.gz", text.to_vec()).unwrap(), text);
        let err = read("zip.csv.gz", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff".to_vec()).unwrap_err();
        assert!(err.starts_with("the file is named .gz but is not gzip-compressed"), "{err}");
        let whole = gzip("year,n\n2017,1\n".repeat(100).as_bytes());
        let err = read("cut.csv.gz", whole[..whole.len() / 2].to_vec()).unwrap_err();
        assert!(err.starts_with("the file is gzip-compressed but damaged or cut short"), "{err}");
    }

    /// A bomb of zeros has no line break: it is stopped at the longest
    /// line, after about a megabyte, not after gigabytes.
    #[test]
    fn a_bomb_stops_at_the_longest_line() {
        let bomb = gzip(&vec![b'0'; 3 * LONGEST_LINE]);
        let mut stream = open("bomb.csv.gz", Box::new(io::Cursor::new(bomb))).unwrap();
        let mut buf = vec![0; 1 << 16];
        let mut total = 0;
        let err = loop {
            match stream.read(&mut buf) {
                Ok(0) => panic!("the bomb was read to its end"),
                Ok(n) => total += n,
                Err(e) => break describe(&e),
            }
        };
        assert!(err.contains("longer than 1 MiB"), "{err}");
        assert!(total <= LONGEST_LINE + buf.len(), "{total}");
        // Lines of ordinary length pass, however many.
        let rows = "2017,1\n".repeat(LONGEST_LINE / 3);
        assert_eq!(read("rows.csv.gz", gzip(rows.as_bytes())).unwrap().len(), rows.len());
    }

    #[test]
    fn offsets_become_lines_past_the_breaks_before_a_record() {
        let text = "year,n\r\n\r\n2017,1\r\n2018,x\n\n\n2019,2\n";
        let at = |s: &str| text.find(s).unwrap() as u64;
        // The csv reader gives a record's start as the end of the row before.
        let offsets = [0, at("\r\n\r\n2017"), at("2018") - 2, at("\n\n\n2019"), text.len() as u64 + 5];
        let lines = lines_at(Box::new(io::Cursor::new(text.as_bytes().to_vec())), &offsets);
        assert_eq!(lines, [1, 3, 4, 7, 8]);
    }

    #[test]
    fn globs_match_within_folders_in_name_order() {
        let names = ["b/2024-02/x-street.csv", "b/2024-01/x-street.csv", "b/2024-01/y-street.csv", "b/top.csv"];
        let names = || names.iter().map(|s| s.to_string());
        assert_eq!(
            matching("b/*/x-street.csv", names()).unwrap(),
            ["b/2024-01/x-street.csv", "b/2024-02/x-street.csv"]
        );
        assert_eq!(matching("b/*.csv", names()).unwrap(), ["b/top.csv"]);
        assert_eq!(matching("b/**/*.csv", names()).unwrap().len(), 4);
        assert!(matching("b/[.csv", names()).unwrap_err().contains("not a valid pattern"));
        assert_eq!(literal_prefix("b/*/x.csv"), "b");
        assert_eq!(literal_prefix("*.csv"), "");
        assert_eq!(literal_prefix("a/b/c*.csv"), "a/b");
        assert!(is_glob("a/*.csv") && !is_glob("a/b.csv"));
    }
}
