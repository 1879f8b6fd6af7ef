//! The documented limits on what a briefing's input may hold (README,
//! "Limits"). Each is far above any real briefing and is checked before the
//! work it guards, so that input of any size is refused quickly, in bounded
//! memory, with a message naming the limit and the input, instead of
//! exhausting the machine.

/// Bytes in a manifest. The London briefing's is 20 KB; a manifest holds
/// prose and declarations, never data.
pub const MANIFEST_BYTES: usize = 4 << 20;

/// Bytes in one string of the manifest (a title, a paragraph, a quote) and
/// in one paragraph, list item, heading or quote of a Markdown file: about
/// 150,000 words, some 300 pages as one paragraph, where a long paragraph
/// has 200 words. Setting text costs memory and time in proportion to its
/// length: a 10 MB `author` took 6.5 s and 2.7 GB.
pub const TEXT_BYTES: usize = 1 << 20;

/// Bytes in a Markdown file of prose: about 1,000 pages of text, where a
/// briefing has 4 to 20. Laying out text takes about 140 bytes of memory
/// per byte of prose, so 50 MB of paragraphs would need 7 GB.
pub const MARKDOWN_BYTES: usize = 4 << 20;

/// Pages in one briefing, checked once laid out and before the pages are
/// written: a briefing is read as an email attachment or at a meeting, in
/// 4 to 20 pages. Past this the input is not a briefing (a table of a long
/// daily series, text pasted twice), and writing it would take minutes.
pub const PAGES: usize = 2_000;

/// Bytes one part of a spreadsheet's ZIP container (a sheet's XML, the
/// shared strings) may expand to: some seven million cells of XML, where
/// official tables are a few MB. A small file that expands past this is a
/// ZIP bomb: calamine holds a cell's whole text in memory several times
/// over, so one cell of 1 GiB needed 4.2 GB.
pub const WORKBOOK_PART_BYTES: u64 = 256 << 20;

/// Cells a workbook's sheets may span, counted over the rectangle from
/// each sheet's first used cell to its last: Excel's most rows (1,048,576)
/// by ten columns. Sheets are held in memory as rectangles, 32 bytes a
/// cell, so two cells far apart (A1 and XFD1048576) would otherwise ask for
/// 550 GB.
pub const WORKBOOK_CELLS: u64 = 10_485_760;

/// Characters in one spreadsheet cell: Excel's own limit, so no workbook
/// saved by a spreadsheet program exceeds it.
pub const CELL_CHARS: usize = 32_767;

/// Bytes in a boundary file (GeoJSON) named by a map: ONS's full-resolution
/// boundaries of every district in the UK are about 60 MB; a map needs the
/// generalised ones, well under a megabyte.
pub const BOUNDARY_BYTES: usize = 64 << 20;

/// Points in the areas of one boundary file. A printed map shows a few
/// thousand; past this the file is full-resolution survey data that would
/// swell the PDF and take seconds to draw, and should be generalised first.
pub const BOUNDARY_POINTS: usize = 200_000;

/// `limit` bytes as people say them: `4 MiB`, `100,000 bytes`.
pub fn bytes(limit: u64) -> String {
    match limit {
        n if n >= 1 << 30 && n.is_multiple_of(1 << 30) => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n.is_multiple_of(1 << 20) => format!("{} MiB", n >> 20),
        n => format!("{} bytes", thousands(n)),
    }
}

/// `10485760` as `10,485,760`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_people_say_them() {
        assert_eq!(bytes(MARKDOWN_BYTES as u64), "4 MiB");
        assert_eq!(bytes(WORKBOOK_PART_BYTES), "256 MiB");
        assert_eq!(bytes(1 << 30), "1 GiB");
        assert_eq!(bytes(TEXT_BYTES as u64), "1 MiB");
        assert_eq!(bytes(100_000), "100,000 bytes");
        assert_eq!(thousands(WORKBOOK_CELLS), "10,485,760");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
