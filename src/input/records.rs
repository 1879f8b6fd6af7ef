//! CSV records from a stream, fast for the common case: a line without a
//! quote character is split at its commas directly (memchr finds line
//! ends and quotes at many bytes a cycle), and only a record with quotes is
//! handed to the csv crate, joined across lines first while its quotes are
//! unbalanced (a quoted field may hold line breaks). Police archives are
//! almost all quote-free lines; this reads them about three times faster
//! than the csv crate alone, which is what lets a gigabyte be counted in a
//! second.
//!
//! Blank lines are skipped, `\r\n` line ends are accepted, and each record
//! comes with the byte offset of its first line, for messages.

use std::io::{self, Read};

use csv::ByteRecord;

/// Reads records from a stream of CSV bytes.
pub struct Records {
    stream: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// The unread part of `buf`.
    start: usize,
    end: usize,
    /// The byte offset in the file of `buf[0]`.
    base: u64,
    eof: bool,
}

/// How much is read at a time.
const CHUNK: usize = 1 << 18;

impl Records {
    pub fn new(stream: Box<dyn Read + Send>) -> Self {
        Records { stream, buf: vec![0; CHUNK * 2], start: 0, end: 0, base: 0, eof: false }
    }

    /// The next record into `record`, and the offset of its first line;
    /// `Ok(None)` at the end of the stream.
    pub fn next(&mut self, record: &mut ByteRecord) -> io::Result<Option<u64>> {
        loop {
            let Some(mut line_end) = self.line_end(self.start)? else { return Ok(None) };
            let line = &self.buf[self.start..line_end];
            let content = line.strip_suffix(b"\r").unwrap_or(line);
            if content.is_empty() {
                self.start = (line_end + 1).min(self.end);
                continue;
            }
            let offset = self.base + self.start as u64;
            if memchr::memchr(b'"', content).is_none() {
                record.clear();
                let mut from = 0;
                for comma in memchr::memchr_iter(b',', content) {
                    record.push_field(&content[from..comma]);
                    from = comma + 1;
                }
                record.push_field(&content[from..]);
                self.start = (line_end + 1).min(self.end);
                return Ok(Some(offset));
            }
            // A quoted field may run over line ends: take lines until the quotes balance.
            while memchr::memchr_iter(b'"', &self.buf[self.start..line_end]).count() % 2 == 1 && line_end < self.end {
                match self.line_end(line_end + 1)? {
                    Some(next) => line_end = next,
                    None => break,
                }
            }
            let whole = &self.buf[self.start..line_end.min(self.end)];
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(whole);
            record.clear();
            reader.read_byte_record(record).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            self.start = (line_end + 1).min(self.end);
            return Ok(Some(offset));
        }
    }

    /// The index in `buf` of the line end (`\n`, or the end of the stream)
    /// of the line that continues at `from` (an index at or after
    /// `self.start`), reading more when needed; `None` when nothing is left.
    fn line_end(&mut self, from: usize) -> io::Result<Option<usize>> {
        let (mut from, mut scanned) = (from, from);
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[scanned..self.end]) {
                return Ok(Some(scanned + i));
            }
            if self.eof {
                // The last line, without a line end.
                return Ok((from < self.end).then_some(self.end));
            }
            scanned = self.end;
            // Keep the unread part; move it to the front, and grow when one line fills the buffer.
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.base += self.start as u64;
                scanned -= self.start;
                from -= self.start;
                self.end -= self.start;
                self.start = 0;
            }
            if self.buf.len() - self.end < CHUNK {
                self.buf.resize(self.buf.len() + CHUNK, 0);
            }
            let n = self.stream.read(&mut self.buf[self.end..])?;
            if n == 0 {
                self.eof = true;
            }
            self.end += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut records = Records::new(Box::new(io::Cursor::new(text.as_bytes().to_vec())));
        let mut record = ByteRecord::new();
        let mut out = Vec::new();
        while let Some(at) = records.next(&mut record).unwrap() {
            out.push((at, record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        out
    }

    #[test]
    fn lines_split_at_commas_and_quoted_records_go_to_the_csv_reader() {
        let text = "a,b,c\r\n1,,3\n\n\"x, y\",\"say \"\"hi\"\"\",z\n\"two\nlines\",2,3\nlast,row,here";
        let got = all(text);
        let fields: Vec<Vec<&str>> = got.iter().map(|r| r.1.iter().map(String::as_str).collect()).collect();
        assert_eq!(
            fields,
            [
                vec!["a", "b", "c"],
                vec!["1", "", "3"],
                vec!["x, y", "say \"hi\"", "z"],
                vec!["two\nlines", "2", "3"],
                vec!["last", "row", "here"],
            ]
        );
        let offsets: Vec<u64> = got.iter().map(|r| r.0).collect();
        let at = |s: &str| text.find(s).unwrap() as u64;
        assert_eq!(offsets, [0, at("1,,3"), at("\"x, y"), at("\"two"), at("last")]);
    }

    /// Records across the reader's chunks come out whole.
    #[test]
    fn records_longer_than_a_chunk_and_across_chunks_are_whole() {
        let long = "v".repeat(CHUNK + 10);
        let mut text = String::from("h1,h2\n");
        for i in 0..3 {
            text.push_str(&format!("{i},{long}\n\"{i}\n{long}\",q\n"));
        }
        let got = all(&text);
        assert_eq!(got.len(), 7);
        assert!(got[1..].iter().all(|r| r.1.len() == 2 && r.1.iter().any(|f| f.len() >= CHUNK)));
        assert_eq!(got[2].1, [format!("0\n{long}"), "q".to_string()]);
    }
}
