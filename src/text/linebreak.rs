//! Breaking a paragraph of styled text into lines: shaping, en-GB
//! hyphenation, optimal-fit line breaking and justification.
//!
//! A paragraph is split into words at spaces; each word is shaped in its own
//! faces and cut into fragments at hyphenation points. textwrap's optimal-fit
//! algorithm (the Knuth–Plass idea of minimising the total badness of all
//! lines, not just the current one) chooses the breaks; then the spaces of
//! every line but the last are stretched to fill the measure exactly.
//!
//! A word wider than the measure (a 150-letter name, a long web address)
//! starts a new line and is cut across as many lines as it needs. The break
//! before it is forced, so the line before is set like the last line of a
//! paragraph, at its natural spacing, instead of being stretched to fill the
//! room the word could not use.

use std::collections::HashMap;
use std::sync::Mutex;

use hyphenation::{Hyphenator as _, Language, Load, Standard};
use textwrap::core::Fragment as _;
use textwrap::wrap_algorithms::{Penalties, wrap_first_fit, wrap_optimal_fit};

use crate::text::fonts::{Face, Fonts, Glyph, advance_sum};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    /// GOV.UK text colour: near-black, softer than pure black on paper.
    pub const TEXT: Color = Color(0x0b, 0x0c, 0x0c);
    /// Analysis Function dark blue, the accent colour.
    pub const ACCENT: Color = Color(0x12, 0x43, 0x6d);
    pub const GREY: Color = Color(0x50, 0x5a, 0x5f);
    pub const RULE: Color = Color(0xb1, 0xb4, 0xb6);
    pub const PANEL: Color = Color(0xf3, 0xf2, 0xf1);
}

/// Where a piece of text links to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Link {
    /// A web address.
    Uri(String),
    /// The reference list entry with this number.
    Reference(usize),
}

/// A run of input text in one style.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    pub text: String,
    pub face: Face,
    pub color: Color,
    pub link: Option<Link>,
    /// Never broken inside, at a space or anywhere else: a value computed
    /// from the data ("31 March 2018", "2013/14"), which the author cannot
    /// protect by writing it differently.
    pub whole: bool,
}

impl Span {
    pub fn new(text: impl Into<String>, face: Face) -> Self {
        Span { text: text.into(), face, color: Color::TEXT, link: None, whole: false }
    }

    /// The same span, never broken inside.
    pub fn whole(mut self) -> Self {
        self.whole = true;
        self
    }

    pub fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }

    pub fn link(mut self, link: Link) -> Self {
        self.link = Some(link);
        self
    }
}

/// The text of a hyphen added where a word breaks across lines: a soft
/// hyphen, so that exporters can show a hyphen yet have the word read and
/// copied whole.
pub const LINE_END_HYPHEN: &str = "\u{ad}";

/// Shaped glyphs in one style, placed at `x` points from the start of the line.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub face: Face,
    pub color: Color,
    pub link: Option<Link>,
    pub glyphs: Vec<Glyph>,
    /// Width in points at the paragraph's size.
    pub width: f32,
}

/// One set line: runs in order, and the width they occupy.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
    /// The line ends between words (not inside one, at a hyphenation point
    /// or after a hard hyphen), or ends its paragraph: text read on across
    /// lines needs a space here.
    pub space_after: bool,
}

/// How lines other than the last fill the measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    Justify,
    Left,
}

/// Loads hyphenation patterns once; cheap to share.
pub struct Hyphenator {
    dict: Option<Standard>,
}

impl Hyphenator {
    /// Patterns for a BCP 47 language tag: en-US for `en-US`, otherwise British
    /// English (the tool's audience); no hyphenation for other languages.
    pub fn for_language(lang: &str) -> Self {
        let language = match lang {
            "en-US" => Some(Language::EnglishUS),
            l if l == "en" || l.starts_with("en-") => Some(Language::EnglishGB),
            _ => None,
        };
        Hyphenator { dict: language.and_then(|l| Standard::from_embedded(l).ok()) }
    }

    /// Byte offsets inside `word` where it may be hyphenated.
    fn breaks(&self, word: &str) -> Vec<usize> {
        match &self.dict {
            Some(dict) => dict.hyphenate(word).breaks,
            None => Vec::new(),
        }
    }
}

/// Everything the line breaker needs.
pub struct Typesetter<'a> {
    pub fonts: &'a Fonts,
    pub hyphenator: &'a Hyphenator,
    /// Text already set by this typesetter.
    memo: Memo,
}

/// Paragraphs and lines already set, by everything that decides how they
/// are set. Fitting a briefing to its pages lays it out again (to pull back
/// a short last page, or keep to a page budget) with only the charts'
/// heights changed, and a map's legend is measured at every try: shaping
/// and breaking the same text again was most of what each layout cost.
#[derive(Default)]
struct Memo {
    set: Mutex<HashMap<Key, Vec<Line>>>,
}

/// What a paragraph or line is set from: its spans, size, measure (as
/// bits; infinite for a single line) and alignment (`None` for a line).
#[derive(PartialEq, Eq, Hash)]
struct Key {
    spans: Vec<Span>,
    size: u32,
    measure: u32,
    align: Option<Align>,
}

impl Memo {
    /// The lines `set` gives for `key`, set at most once.
    fn get_or_set(&self, key: Key, set: impl FnOnce() -> Vec<Line>) -> Vec<Line> {
        let lock = || self.set.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(lines) = lock().get(&key) {
            return lines.clone();
        }
        // Set without holding the lock: other threads set other text meanwhile.
        let lines = set();
        lock().insert(key, lines.clone());
        lines
    }
}

/// A piece of a word in one span's style.
#[derive(Debug, Clone)]
struct Piece {
    span: usize,
    glyphs: Vec<Glyph>,
    width: f32,
}

/// The unit of line breaking: a word, or the part of a word between two
/// hyphenation points.
#[derive(Debug, Clone)]
struct Fragment {
    pieces: Vec<Piece>,
    width: f32,
    /// Width of the space after this fragment (0 inside a word).
    space: f32,
    /// Face of the hyphen to add if the line breaks here, with its width.
    hyphen: Option<(Face, f32)>,
    /// A line must start here: this is the first fragment of a word wider
    /// than the measure.
    forced: bool,
}

impl Fragment {
    fn empty() -> Self {
        Fragment { pieces: Vec::new(), width: 0.0, space: 0.0, hyphen: None, forced: false }
    }
}

impl textwrap::core::Fragment for Fragment {
    fn width(&self) -> f64 {
        self.width as f64
    }
    fn whitespace_width(&self) -> f64 {
        self.space as f64
    }
    fn penalty_width(&self) -> f64 {
        self.hyphen.map_or(0.0, |(_, w)| w as f64)
    }
}

/// Slack for float rounding when checking that a line fits.
const EPSILON: f32 = 1e-3;

impl<'a> Typesetter<'a> {
    pub fn new(fonts: &'a Fonts, hyphenator: &'a Hyphenator) -> Self {
        Typesetter { fonts, hyphenator, memo: Memo::default() }
    }

    /// Breaks `spans` into lines no wider than `measure` points at `size`.
    pub fn paragraph(&self, spans: &[Span], size: f32, measure: f32, align: Align) -> Vec<Line> {
        let key = Key { spans: spans.to_vec(), size: size.to_bits(), measure: measure.to_bits(), align: Some(align) };
        self.memo.get_or_set(key, || self.set_paragraph(spans, size, measure, align))
    }

    /// A single unbroken line (labels, footers, values).
    pub fn line(&self, spans: &[Span], size: f32) -> Line {
        let key = Key { spans: spans.to_vec(), size: size.to_bits(), measure: f32::INFINITY.to_bits(), align: None };
        let lines = self.memo.get_or_set(key, || {
            let fragments = self.fragments(spans, size, f32::INFINITY, false);
            vec![self.assemble(spans, &fragments, f32::INFINITY, false)]
        });
        lines.into_iter().next().unwrap_or(Line { runs: Vec::new(), width: 0.0, space_after: false })
    }

    fn set_paragraph(&self, spans: &[Span], size: f32, measure: f32, align: Align) -> Vec<Line> {
        // Ragged text has room to spare, so it is not hyphenated.
        let fragments = self.fragments(spans, size, measure, align == Align::Justify);
        // Each forced break starts a run of text broken on its own, so the
        // run before ends in a line that, like a paragraph's last, is not stretched.
        let mut lines = Vec::new();
        for run in fragments.chunk_by(|_, next| !next.forced) {
            let breaks = self.choose_breaks(run, size, measure);
            let last = breaks.len() - 1;
            for (i, frags) in breaks.into_iter().enumerate() {
                let justify = align == Align::Justify && i != last;
                let mut line = self.assemble(spans, frags, measure, justify);
                // The text goes on after a forced break or the paragraph's
                // end in another word (or another paragraph of one element).
                line.space_after |= i == last;
                lines.push(line);
            }
        }
        lines
    }

    fn choose_breaks<'f>(&self, fragments: &'f [Fragment], size: f32, measure: f32) -> Vec<&'f [Fragment]> {
        // textwrap's penalties are tuned for gaps measured in characters; our
        // widths are points, so scale them by the square of an en (half the size).
        let en2 = ((size / 2.0) * (size / 2.0)).max(1.0) as usize;
        let defaults = Penalties::new();
        let penalties = Penalties {
            nline_penalty: defaults.nline_penalty * en2,
            overflow_penalty: usize::MAX / 4,
            short_last_line_fraction: defaults.short_last_line_fraction,
            short_last_line_penalty: defaults.short_last_line_penalty * en2,
            hyphen_penalty: defaults.hyphen_penalty * en2 * 4,
        };
        let widths = [measure as f64];
        let fits = |lines: &[&[Fragment]]| lines.iter().all(|l| natural_width(l) <= measure + EPSILON);
        match wrap_optimal_fit(fragments, &widths, &penalties) {
            Ok(lines) if fits(&lines) => lines,
            // Optimal fit trades overflow against badness; if it ever chose to
            // overflow, first fit never does (every fragment fits on its own).
            _ => wrap_first_fit(fragments, &widths),
        }
    }

    /// Builds the positioned runs of one line.
    fn assemble(&self, spans: &[Span], frags: &[Fragment], measure: f32, justify: bool) -> Line {
        let natural = natural_width(frags);
        let gaps = frags[..frags.len().saturating_sub(1)].iter().filter(|f| f.space > 0.0).count();
        let stretch = if justify && gaps > 0 { (measure - natural) / gaps as f32 } else { 0.0 };
        let mut runs: Vec<Run> = Vec::new();
        let mut x = 0.0;
        for (i, frag) in frags.iter().enumerate() {
            for piece in &frag.pieces {
                let span = &spans[piece.span];
                // Glue pieces of the same span that touch (a word split at a
                // hyphenation point that did not break) into one run.
                match runs.last_mut() {
                    Some(run)
                        if run.link == span.link
                            && run.face == span.face
                            && run.color == span.color
                            && (run.x + run.width - x).abs() < EPSILON =>
                    {
                        run.glyphs.extend(piece.glyphs.iter().cloned());
                        run.width += piece.width;
                    }
                    _ => runs.push(Run {
                        x,
                        face: span.face,
                        color: span.color,
                        link: span.link.clone(),
                        glyphs: piece.glyphs.clone(),
                        width: piece.width,
                    }),
                }
                x += piece.width;
            }
            if i + 1 < frags.len() {
                if frag.space > 0.0 {
                    x += frag.space + stretch;
                }
            } else if let (Some((face, width)), Some(run)) = (frag.hyphen, runs.last_mut()) {
                let mut hyphen = self.fonts.hyphen(face).clone();
                hyphen.text = LINE_END_HYPHEN.to_string();
                run.glyphs.push(hyphen);
                run.width += width;
                x += width;
            }
        }
        let width = if justify && gaps > 0 { measure } else { x };
        let space_after = frags.last().is_some_and(|f| f.space > 0.0);
        Line { runs, width, space_after }
    }

    /// Cuts the paragraph into words and words into fragments.
    fn fragments(&self, spans: &[Span], size: f32, measure: f32, hyphenate: bool) -> Vec<Fragment> {
        let mut fragments = Vec::new();
        for word in words(spans) {
            let pieces: Vec<(usize, usize, Vec<Glyph>)> = word
                .pieces
                .iter()
                .map(|(span, text)| (*span, text.len(), self.fonts.shape(spans[*span].face, text)))
                .collect();
            let breaks = self.break_points(spans, &word, &pieces, hyphenate);
            let mut frags = split_word(&pieces, &breaks, size);
            for (frag, &(_, soft)) in frags.iter_mut().zip(&breaks) {
                if soft {
                    let face = frag.pieces.last().map_or(Face::Serif, |p| spans[p.span].face);
                    frag.hyphen = Some((face, self.fonts.hyphen_advance(face) * size / 1000.0));
                }
            }
            if let (Some(last), Some(span)) = (frags.last_mut(), word.space_after) {
                last.space = self.fonts.space_advance(spans[span].face) * size / 1000.0;
            }
            if frags.iter().map(|f| f.width).sum::<f32>() > measure + EPSILON
                && let Some(first) = frags.first_mut()
            {
                first.forced = true;
            }
            for frag in frags {
                push_fitting(&mut fragments, frag, size, measure);
            }
        }
        fragments
    }

    /// Offsets (into the word's text) where the word may break, and whether a
    /// hyphen must be added there (`true`) or the word already has one.
    fn break_points(
        &self,
        spans: &[Span],
        word: &Word,
        pieces: &[(usize, usize, Vec<Glyph>)],
        hyphenate: bool,
    ) -> Vec<(usize, bool)> {
        let text: String = word.pieces.iter().map(|p| p.1.as_str()).collect();
        let mut points: Vec<(usize, bool)> = Vec::new();
        if word.joined {
            return points;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let is_url = text.contains("://") || text.starts_with("www.");
        if is_url {
            points.extend(url_breaks(&text).into_iter().map(|p| (p, false)));
        } else {
            for w in chars.windows(3) {
                // After a hard hyphen, dash or slash between letters or digits
                // (no hyphen added), but not between two numbers: "2013/14"
                // and "2010–11" are one thing each.
                let between_numbers = w[0].1.is_ascii_digit() && w[2].1.is_ascii_digit();
                if matches!(w[1].1, '-' | '–' | '/')
                    && w[0].1.is_alphanumeric()
                    && w[2].1.is_alphanumeric()
                    && !between_numbers
                {
                    points.push((w[2].0, false));
                }
            }
        }
        // Inside runs of letters: en-GB patterns. Acronyms and names with
        // inner capitals (e.g. "HMICFRS", "McDonald") are left whole.
        let runs = if hyphenate && !is_url { letter_runs(&text) } else { Vec::new() };
        for (start, run) in runs {
            if run.chars().count() < 5 || run.chars().skip(1).any(char::is_uppercase) {
                continue;
            }
            points.extend(self.hyphenator.breaks(run).into_iter().map(|b| (start + b, true)));
        }
        points.sort();
        points.dedup_by_key(|p| p.0);
        // Only break between glyph clusters (never inside a ligature).
        let mut boundaries = Vec::new();
        let mut offset = 0;
        for (_, len, glyphs) in pieces {
            boundaries.extend(glyphs.iter().map(|g| offset + g.cluster));
            offset += len;
        }
        points.retain(|(p, _)| *p > 0 && *p < text.len() && boundaries.contains(p));
        // Nothing breaks inside a computed value.
        let mut at = 0;
        for (span, piece) in &word.pieces {
            let end = at + piece.len();
            if spans[*span].whole {
                points.retain(|(p, _)| *p <= at || *p >= end);
            }
            at = end;
        }
        points
    }
}

/// Where a web address may break, as byte offsets: after a `/` and before
/// a `.`, `-`, `_`, `?`, `#`, `&` or `=` of its path, never inside
/// `https://` and its host, which a reader must see whole.
fn url_breaks(url: &str) -> Vec<usize> {
    let host_start = url.find("://").map_or(0, |i| i + 3);
    let Some(path) = url[host_start..].find('/').map(|i| host_start + i) else { return Vec::new() };
    let bytes = url.as_bytes();
    let mut points = Vec::new();
    for (i, c) in url.char_indices().filter(|&(i, _)| i >= path) {
        match c {
            '/' if bytes.get(i + 1).is_some_and(|&n| n != b'/') => points.push(i + 1),
            '.' | '-' | '_' | '?' | '#' | '&' | '=' if i > path => points.push(i),
            _ => {}
        }
    }
    points
}

/// Adds `frag`, cutting it between glyph clusters if it is wider than the
/// measure (an absurdly long word or web address), so no line ever
/// overflows. Such cuts add no hyphen: it could be mistaken for part of the text.
fn push_fitting(out: &mut Vec<Fragment>, frag: Fragment, size: f32, measure: f32) {
    let end_hyphen = frag.hyphen.map_or(0.0, |h| h.1);
    if frag.width + end_hyphen <= measure + EPSILON {
        out.push(frag);
        return;
    }
    let mut current = Fragment { forced: frag.forced, ..Fragment::empty() };
    let last_piece = frag.pieces.len() - 1;
    for (pi, piece) in frag.pieces.iter().enumerate() {
        let clusters = split_clusters(&piece.glyphs);
        let last_cluster = clusters.len().saturating_sub(1);
        for (ci, cluster) in clusters.into_iter().enumerate() {
            let w = advance_sum(&cluster) * size / 1000.0;
            let reserve = if pi == last_piece && ci == last_cluster { end_hyphen } else { 0.0 };
            if current.width + w + reserve > measure + EPSILON && current.width > 0.0 {
                out.push(std::mem::replace(&mut current, Fragment::empty()));
            }
            match current.pieces.last_mut() {
                Some(p) if p.span == piece.span => {
                    p.glyphs.extend(cluster);
                    p.width += w;
                }
                _ => current.pieces.push(Piece { span: piece.span, glyphs: cluster, width: w }),
            }
            current.width += w;
        }
    }
    current.space = frag.space;
    current.hyphen = frag.hyphen;
    out.push(current);
}

/// Width of a line made of `frags`, without justification.
fn natural_width(frags: &[Fragment]) -> f32 {
    let Some(last) = frags.last() else { return 0.0 };
    frags.iter().map(|f| f.width + f.space).sum::<f32>() - last.space + last.penalty_width() as f32
}

/// A word: pieces of text from consecutive spans with no breakable space
/// between them, and the span whose space follows it (None at the end of
/// the paragraph).
struct Word {
    pieces: Vec<(usize, String)>,
    space_after: Option<usize>,
    /// Several words joined by spaces that may not break ("31 March",
    /// "£1.2 billion"): one thing, never broken or hyphenated.
    joined: bool,
}

/// Splits spans into words at breakable white space; runs of white space
/// collapse to one. A space that joins one thing stays inside its word:
/// in a computed value, between a day and its month ("31 March"), and
/// between a number and its unit ("20 per cent", "£700 million").
fn words(spans: &[Span]) -> Vec<Word> {
    // Every character with its span; soft hyphens are dropped (the
    // hyphenation patterns decide).
    let chars: Vec<(usize, char)> = spans
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.text.chars().map(move |c| (i, c)))
        .filter(|c| c.1 != '\u{ad}')
        .collect();
    let is_space = |c: char| matches!(c, ' ' | '\n' | '\t' | '\r');
    // Tokens: maximal runs without white space, as ranges of `chars`.
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (k, &(_, c)) in chars.iter().enumerate() {
        match (is_space(c), start) {
            (false, None) => start = Some(k),
            (true, Some(s)) => {
                tokens.push((s, k));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, chars.len()));
    }
    let token_text = |t: (usize, usize)| chars[t.0..t.1].iter().map(|c| c.1).collect::<String>();
    let texts: Vec<String> = tokens.iter().map(|&t| token_text(t)).collect();
    // Which gaps between tokens may not break.
    let mut glued = vec![false; tokens.len().saturating_sub(1)];
    for g in 0..glued.len() {
        let (before, after) = (chars[tokens[g].1 - 1].0, chars[tokens[g + 1].0].0);
        let in_whole = before == after && spans[before].whole;
        glued[g] |= in_whole || is_day(&texts[g]) && is_month(&texts[g + 1]);
        if is_number(&texts[g])
            && let Some(n) = unit_words(&texts[g + 1..])
        {
            glued[g..g + n].fill(true);
        }
    }
    let mut words = Vec::new();
    let mut current = Word { pieces: Vec::new(), space_after: None, joined: false };
    let push = |word: &mut Word, span: usize, c: char| match word.pieces.last_mut() {
        Some((s, text)) if *s == span => text.push(c),
        _ => word.pieces.push((span, c.to_string())),
    };
    for (t, &(a, b)) in tokens.iter().enumerate() {
        for &(span, c) in &chars[a..b] {
            push(&mut current, span, c);
        }
        // The span of the white space after this token, if any.
        let gap = chars.get(b).map(|c| c.0);
        if glued.get(t).copied().unwrap_or(false) {
            push(&mut current, gap.unwrap_or(0), ' ');
            current.joined = true;
        } else {
            current.space_after = gap;
            words.push(std::mem::replace(&mut current, Word { pieces: Vec::new(), space_after: None, joined: false }));
        }
    }
    words
}

/// English month names: the one list the crate writes and reads dates with.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A day of the month: "31", "1st".
fn is_day(token: &str) -> bool {
    let digits = token.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let suffix = &token[digits.len()..];
    matches!(suffix, "" | "st" | "nd" | "rd" | "th")
        && (1..=2).contains(&digits.len())
        && digits.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

/// A month's name, in full or abbreviated ("Sept", "Jan."), perhaps followed by punctuation.
fn is_month(token: &str) -> bool {
    let word = token.trim_end_matches(|c: char| !c.is_alphabetic());
    word.len() >= 3 && MONTHS.iter().any(|m| *m == word || (m.starts_with(word) && word.len() <= 4))
}

/// A number as written in prose: "30,390", "£700", "−3.5", "(12".
fn is_number(token: &str) -> bool {
    let body = token.trim_start_matches(['£', '$', '€', '−', '-', '+', '(', '~', '≈']);
    body.ends_with(|c: char| c.is_ascii_digit()) && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
}

/// Units and magnitudes that belong with the number before them; several
/// words each ("per cent") are kept together as one.
const UNITS: [&[&str]; 20] = [
    &["per", "cent"],
    &["percentage", "points"],
    &["percentage", "point"],
    &["per", "1,000"],
    &["per", "100,000"],
    &["percent"],
    &["%"],
    &["million"],
    &["billion"],
    &["trillion"],
    &["thousand"],
    &["m"],
    &["bn"],
    &["k"],
    &["km"],
    &["kg"],
    &["mph"],
    &["pp"],
    &["FTE"],
    &["hours"],
];

/// How many gaps after a number its unit spans (the tokens after it start
/// with a unit, its last word perhaps followed by punctuation), if they do.
fn unit_words(after: &[String]) -> Option<usize> {
    UNITS
        .iter()
        .filter(|unit| unit.len() <= after.len())
        .find(|unit| {
            unit.iter().zip(after).enumerate().all(|(i, (u, t))| {
                let t = if i + 1 == unit.len() { t.trim_end_matches([',', '.', ';', ':', ')']) } else { t };
                t == *u
            })
        })
        .map(|unit| unit.len())
}

/// Maximal runs of alphabetic characters (with their byte offsets).
fn letter_runs(text: &str) -> Vec<(usize, &str)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, &text[s..]));
    }
    runs
}

/// Cuts a shaped word into fragments at the break offsets.
fn split_word(pieces: &[(usize, usize, Vec<Glyph>)], breaks: &[(usize, bool)], size: f32) -> Vec<Fragment> {
    let mut frags: Vec<Fragment> = Vec::new();
    let mut current = Fragment::empty();
    let mut next_break = breaks.iter().map(|b| b.0).peekable();
    let mut offset = 0;
    for (span, len, glyphs) in pieces {
        for g in glyphs {
            let at = offset + g.cluster;
            if next_break.peek() == Some(&at) && !g.text.is_empty() {
                next_break.next();
                frags.push(std::mem::replace(&mut current, Fragment::empty()));
            }
            let w = g.advance * size / 1000.0;
            match current.pieces.last_mut() {
                Some(p) if p.span == *span => {
                    p.glyphs.push(g.clone());
                    p.width += w;
                }
                _ => current.pieces.push(Piece { span: *span, glyphs: vec![g.clone()], width: w }),
            }
            current.width += w;
        }
        offset += len;
    }
    frags.push(current);
    frags
}

/// Groups glyphs into clusters (a glyph with text starts a new cluster).
fn split_clusters(glyphs: &[Glyph]) -> Vec<Vec<Glyph>> {
    let mut out: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match out.last_mut() {
            Some(c) if g.text.is_empty() => c.push(g.clone()),
            _ => out.push(vec![g.clone()]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The Metropolitan Police Service had fewer officers per head of population in 2018 than at any point in the previous twenty years, according to figures released by City Hall. Spending per head fell by a fifth between 2012 and 2016, faster than in any other force in England and Wales, while recorded violence against the person rose sharply over the same period. Incomprehensibilities notwithstanding, the characteristically uncompromising administrative reorganisation continued.";

    fn setter<'a>(fonts: &'a Fonts, hyph: &'a Hyphenator) -> Typesetter<'a> {
        Typesetter::new(fonts, hyph)
    }

    fn line_text(line: &Line) -> String {
        line.runs
            .iter()
            .map(|r| r.glyphs.iter().map(|g| g.text.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn extent(line: &Line, size: f32) -> f32 {
        line.runs.last().map_or(0.0, |r| r.x + advance_sum(&r.glyphs) * size / 1000.0)
    }

    #[test]
    fn text_set_again_comes_out_the_same_and_only_for_the_same_input() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = setter(&fonts, &hyph);
        let fresh = setter(&fonts, &hyph);
        let spans = [Span::new(TEXT, Face::Serif)];
        let narrow = ts.paragraph(&spans, 10.0, 180.0, Align::Justify);
        let wide = ts.paragraph(&spans, 10.0, 340.0, Align::Justify);
        let ragged = ts.paragraph(&spans, 10.0, 180.0, Align::Left);
        assert!(narrow.len() > wide.len());
        assert_ne!(narrow, ragged);
        // Asked again, in another order: what a new typesetter would set.
        for (measure, align, before) in
            [(340.0, Align::Justify, &wide), (180.0, Align::Left, &ragged), (180.0, Align::Justify, &narrow)]
        {
            let again = ts.paragraph(&spans, 10.0, measure, align);
            assert_eq!(&again, before);
            assert_eq!(again, fresh.paragraph(&spans, 10.0, measure, align));
        }
        let bold = [Span::new("Officers", Face::SerifBold)];
        let plain = [Span::new("Officers", Face::Serif)];
        assert_ne!(ts.line(&bold, 9.0), ts.line(&plain, 9.0));
        assert_ne!(ts.line(&plain, 9.0), ts.line(&plain, 12.0));
        assert_eq!(ts.line(&plain, 9.0), fresh.line(&plain, 9.0));
    }

    #[test]
    fn no_line_is_wider_than_the_measure_and_justified_lines_fill_it() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = setter(&fonts, &hyph);
        let spans = [
            Span::new(TEXT, Face::Serif),
            Span::new(" An italic clause ", Face::SerifItalic),
            Span::new("and a bold one.", Face::SerifBold),
        ];
        for measure in [120.0, 180.0, 260.0, 340.0, 453.0] {
            for size in [9.0, 10.0, 12.0] {
                let lines = ts.paragraph(&spans, size, measure, Align::Justify);
                assert!(lines.len() > 1);
                for (i, line) in lines.iter().enumerate() {
                    let end = extent(line, size);
                    assert!(
                        end <= measure + 0.01,
                        "line {i} at {measure}/{size}: {end} > {measure}: {}",
                        line_text(line)
                    );
                    if i + 1 < lines.len() && line.runs.len() > 1 {
                        assert!((end - measure).abs() < 0.01, "line {i} not justified: {end} vs {measure}");
                    }
                }
                let last = lines.last().unwrap();
                assert!(extent(last, size) <= measure);
            }
        }
    }

    #[test]
    fn last_line_is_ragged() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let lines = setter(&fonts, &hyph).paragraph(&[Span::new(TEXT, Face::Serif)], 10.0, 300.0, Align::Justify);
        let last = lines.last().unwrap();
        assert!(extent(last, 10.0) < 299.0);
    }

    #[test]
    fn narrow_measures_hyphenate() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let lines = setter(&fonts, &hyph).paragraph(&[Span::new(TEXT, Face::Serif)], 10.0, 110.0, Align::Justify);
        let hyphenated: Vec<String> = lines.iter().map(line_text).filter(|t| t.ends_with(LINE_END_HYPHEN)).collect();
        assert!(!hyphenated.is_empty(), "no hyphenation at 110 pt");
        // Every hyphen added at a line end is inside a word of the source text.
        for line in &hyphenated {
            let stem = line.rsplit(' ').next().unwrap().trim_end_matches(LINE_END_HYPHEN);
            assert!(TEXT.contains(stem), "{stem}");
        }
    }

    #[test]
    fn no_hyphenation_without_patterns() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("cy");
        let lines = setter(&fonts, &hyph).paragraph(&[Span::new(TEXT, Face::Serif)], 10.0, 110.0, Align::Justify);
        assert!(lines.iter().map(line_text).all(|t| !t.ends_with('-') || t.ends_with("--")));
    }

    #[test]
    fn overlong_words_are_broken_not_clipped() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let url = "https://www.example.gov.uk/government/statistics/police-workforce-england-and-wales-31-march-2018";
        let lines = setter(&fonts, &hyph).paragraph(&[Span::new(url, Face::Sans)], 9.0, 100.0, Align::Left);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(extent(line, 9.0) <= 100.01);
        }
        // Broken after its punctuation, with nothing added or lost.
        let joined: String = lines.iter().map(line_text).collect();
        assert_eq!(joined, url);
        let word = "x".repeat(200);
        let lines = setter(&fonts, &hyph).paragraph(&[Span::new(&word, Face::Serif)], 10.0, 100.0, Align::Justify);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| extent(l, 10.0) <= 100.01));
        assert_eq!(lines.iter().map(line_text).collect::<String>(), word);
    }

    #[test]
    fn styles_survive_breaking() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let spans =
            [Span::new("plain ", Face::Serif), Span::new("bold", Face::SerifBold), Span::new(", plain.", Face::Serif)];
        let line = &setter(&fonts, &hyph).paragraph(&spans, 10.0, 400.0, Align::Justify)[0];
        let faces: Vec<Face> = line.runs.iter().map(|r| r.face).collect();
        assert_eq!(faces, vec![Face::Serif, Face::SerifBold, Face::Serif, Face::Serif]);
        assert_eq!(line_text(line), "plain bold , plain.");
    }

    /// Gaps between the words of a line, in points.
    fn gaps(line: &Line) -> Vec<f32> {
        line.runs.windows(2).map(|w| w[1].x - (w[0].x + w[0].width)).filter(|g| *g > 0.01).collect()
    }

    #[test]
    fn an_overlong_word_starts_its_own_line_and_never_stretches_the_one_before() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = setter(&fonts, &hyph);
        let name = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch".repeat(3);
        let word = &name[..149];
        let before = "The longest place name in Wales is too long for any column, so it needs breaking:";
        let text = format!("{before} {word} and the text goes on after it as usual.");
        let space = fonts.space_advance(Face::Serif) * 10.0 / 1000.0;
        for measure in [180.0, 260.0, 340.0, 453.0] {
            let lines = ts.paragraph(&[Span::new(&text, Face::Serif)], 10.0, measure, Align::Justify);
            let texts: Vec<String> = lines.iter().map(line_text).collect();
            let first = texts.iter().position(|t| t.contains("Llanfair")).unwrap();
            assert!(texts[first].starts_with("Llanfair"), "{measure}: the word shares a line: {texts:?}");
            let line_before = &lines[first - 1];
            assert!(texts[first - 1].ends_with("breaking:"), "{measure}: {texts:?}");
            // Set at its natural spacing, like the last line of a paragraph.
            for gap in gaps(line_before) {
                assert!((gap - space).abs() < 0.01, "{measure}: gap of {gap} pt before the long word: {texts:?}");
            }
            // Every letter of the word is there, and no line overflows.
            let joined: String = texts.concat().replace([' ', '-'], "");
            assert!(joined.contains(word), "{measure}: {texts:?}");
            assert!(lines.iter().all(|l| extent(l, 10.0) <= measure + 0.01));
        }
    }
    /// A line's text as read: runs joined, with a space where the pen skips
    /// ahead (between words), no-break spaces as plain ones.
    fn read(line: &Line) -> String {
        let mut out = String::new();
        let mut end = None;
        for run in &line.runs {
            if end.is_some_and(|e: f32| run.x > e + 0.01) {
                out.push(' ');
            }
            out.extend(run.glyphs.iter().map(|g| g.text.as_str()));
            end = Some(run.x + run.width);
        }
        out.replace('\u{a0}', " ").trim_end_matches(LINE_END_HYPHEN).to_string()
    }

    #[test]
    fn one_thing_is_never_split_across_lines() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = setter(&fonts, &hyph);
        let whole = ["2013/14", "£700m", "31 March", "20 per cent", "£1.2 billion", "[1, 2]", "2010–11", "March 2018"];
        let filler = "Spending by the force fell sharply over the period";
        let mut at_edge = [0; 8];
        for cut in 0..filler.len() {
            let prefix = &filler[..cut];
            let spans = [
                Span::new(
                    format!(
                        "{prefix} in 2013/14 it was £700m, down 20 per cent by 31 March, or £1.2 billion in 2010–11\u{a0}[1,\u{a0}2] and in "
                    ),
                    Face::Serif,
                ),
                // A computed value with a space in it.
                Span::new("March 2018", Face::Serif).whole(),
                Span::new(" it was lower.", Face::Serif),
            ];
            for measure in [90.0, 140.0, 200.0] {
                let lines = ts.paragraph(&spans, 10.0, measure, Align::Justify);
                let texts: Vec<String> = lines.iter().map(read).collect();
                for (k, w) in whole.iter().enumerate() {
                    let intact = texts.iter().filter(|t| t.contains(w)).count();
                    assert_eq!(intact, 1, "`{w}` split at {measure} pt: {texts:?}");
                    // Ending a line or starting one: where a break would have split it.
                    at_edge[k] += texts.iter().filter(|t| t.ends_with(w) || t.starts_with(w)).count();
                }
            }
        }
        assert!(at_edge.iter().all(|&n| n > 0), "some never reached a line's edge: {at_edge:?}");
    }

    #[test]
    fn other_slashes_and_spaces_still_break() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = setter(&fonts, &hyph);
        // Between words, a slash is a break point; numbers not followed by a unit are free.
        let text = "and/or read/write 30 officers in 12 places";
        let lines = ts.paragraph(&[Span::new(text, Face::Serif)], 10.0, 30.0, Align::Left);
        let texts: Vec<String> = lines.iter().map(read).collect();
        assert!(texts.contains(&"and/".to_string()) && texts.contains(&"30".to_string()), "{texts:?}");
    }

    #[test]
    fn web_addresses_break_after_a_slash_or_before_a_dot_and_keep_their_host() {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = setter(&fonts, &hyph);
        let urls = [
            "https://www.gov.uk/government/statistics/police-workforce-england-and-wales-31-march-2018",
            "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/populationestimatesforukenglandandwalesscotlandandnorthernireland",
            "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/file/1093587/open-data-table-police-workforce-270722.ods",
        ];
        let mut breaks = 0;
        for url in urls {
            let host_end = url[8..].find('/').unwrap() + 9;
            // Measures that fit the longest part of each path (a longer one is cut anywhere).
            for measure in (320..=440).step_by(4) {
                let spans =
                    [Span::new("Home Office, Police workforce, 2018. ", Face::Serif), Span::new(url, Face::Sans)];
                let lines = ts.paragraph(&spans, 9.0, measure as f32, Align::Left);
                let texts: Vec<String> = lines.iter().map(read).collect();
                let first = texts.iter().position(|t| t.contains("https://")).unwrap();
                assert!(texts[first].contains(&url[..host_end]), "host split at {measure}: {texts:?}");
                for pair in texts[first..].windows(2) {
                    breaks += 1;
                    let next = pair[1].chars().next().unwrap();
                    assert!(pair[0].ends_with('/') || ".-_?#&=".contains(next), "bad URL break at {measure}: {pair:?}");
                }
                assert_eq!(texts[first..].concat().split_once("https").unwrap().1, &url[5..], "{texts:?}");
            }
        }
        assert!(breaks > 50, "only {breaks} URL breaks tried");
    }
}
