//! The bundled fonts: compiled-in bytes, parsed once, shaped with rustybuzz.
//!
//! Body text is Noto Serif (regular, italic, bold, bold italic); headings,
//! key figures and small print are Noto Sans. The files in `fonts/` are
//! already cut down to the characters a briefing needs (see fonts/README.md),
//! and no system font is ever read, so output is the same on every machine.

use std::cell::RefCell;
use std::collections::HashMap;

/// One of the bundled typefaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    Serif,
    SerifItalic,
    SerifBold,
    SerifBoldItalic,
    Sans,
    SansBold,
}

impl Face {
    pub const ALL: [Face; 6] =
        [Face::Serif, Face::SerifItalic, Face::SerifBold, Face::SerifBoldItalic, Face::Sans, Face::SansBold];

    /// The serif body face for a combination of emphasis.
    pub fn body(bold: bool, italic: bool) -> Face {
        match (bold, italic) {
            (false, false) => Face::Serif,
            (false, true) => Face::SerifItalic,
            (true, false) => Face::SerifBold,
            (true, true) => Face::SerifBoldItalic,
        }
    }

    /// The same emphasis in the sans family (italic sans is not bundled; it stays upright).
    pub fn sans(bold: bool) -> Face {
        if bold { Face::SansBold } else { Face::Sans }
    }

    /// PostScript name, used (with a subset tag) as the PDF `/BaseFont`.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Serif => "NotoSerif-Regular",
            Face::SerifItalic => "NotoSerif-Italic",
            Face::SerifBold => "NotoSerif-Bold",
            Face::SerifBoldItalic => "NotoSerif-BoldItalic",
            Face::Sans => "NotoSans-Regular",
            Face::SansBold => "NotoSans-Bold",
        }
    }

    fn data(self) -> &'static [u8] {
        match self {
            Face::Serif => include_bytes!("../../fonts/NotoSerif-Regular.ttf"),
            Face::SerifItalic => include_bytes!("../../fonts/NotoSerif-Italic.ttf"),
            Face::SerifBold => include_bytes!("../../fonts/NotoSerif-Bold.ttf"),
            Face::SerifBoldItalic => include_bytes!("../../fonts/NotoSerif-BoldItalic.ttf"),
            Face::Sans => include_bytes!("../../fonts/NotoSans-Regular.ttf"),
            Face::SansBold => include_bytes!("../../fonts/NotoSans-Bold.ttf"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A shaped glyph. Advances are in thousandths of an em, the unit of PDF text space.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    /// Byte offset of the glyph's cluster in the shaped text.
    pub cluster: usize,
    /// The text this glyph stands for (empty for the second and later glyphs
    /// of a cluster), written to the PDF so that copied text is right.
    pub text: String,
}

/// Vertical metrics of a face, in thousandths of an em.
#[derive(Debug, Clone, Copy)]
pub struct VMetrics {
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
}

/// All bundled faces, parsed once and shared read-only.
pub struct Fonts {
    faces: Vec<rustybuzz::Face<'static>>,
    /// Per face: a shaping plan for left-to-right Latin text, compiled once
    /// (rustybuzz would otherwise compile one for every word).
    plans: Vec<rustybuzz::ShapePlan>,
    /// Per face: the advance of a space and the shaped hyphen, needed for every word.
    spaces: Vec<f32>,
    hyphens: Vec<Glyph>,
    /// Bit `c` set when every face has a glyph for the character `c`, for
    /// the Latin range checked for every character of every manifest.
    latin: Vec<u64>,
}

/// Words kept per thread by `Fonts::shape` (a few MB at most).
const SHAPE_CACHE_LIMIT: usize = 20_000;

thread_local! {
    /// Per face (by `Face::index`): shaped words.
    static SHAPED: RefCell<[HashMap<Box<str>, Vec<Glyph>>; Face::ALL.len()]> = RefCell::default();
}

/// Characters below this are answered from `Fonts::latin`, the rest from the cmaps.
const LATIN_END: u32 = 0x2400;

impl Default for Fonts {
    fn default() -> Self {
        Self::new()
    }
}

/// What to tell an author whose text has a character the fonts lack.
pub const MISSING_CHARACTER_HINT: &str =
    "the fonts cover Latin-1, Latin Extended-A, common punctuation, £ € and −; replace the character";

impl Fonts {
    /// Parses the compiled-in fonts.
    pub fn new() -> Self {
        let faces: Vec<rustybuzz::Face<'static>> = Face::ALL
            .iter()
            .map(|f| {
                // The bytes are compiled in and checked by the test suite, so a
                // failure here is a broken build, not a user error.
                rustybuzz::Face::from_slice(f.data(), 0).expect("bundled font parses")
            })
            .collect();
        let plans = faces
            .iter()
            .map(|f| {
                let latin = Some(rustybuzz::script::LATIN);
                rustybuzz::ShapePlan::new(f, rustybuzz::Direction::LeftToRight, latin, None, &[])
            })
            .collect();
        let mut fonts = Fonts { faces, plans, spaces: Vec::new(), hyphens: Vec::new(), latin: Vec::new() };
        fonts.latin = vec![u64::MAX; LATIN_END as usize / 64];
        for face in &fonts.faces {
            // Walk each cmap once rather than asking it about every character;
            // a bit survives only if every face has the character.
            let mut has = vec![0u64; LATIN_END as usize / 64];
            for subtable in face.tables().cmap.iter().flat_map(|c| c.subtables).filter(|s| s.is_unicode()) {
                subtable.codepoints(|c| {
                    if c < LATIN_END && subtable.glyph_index(c).is_some_and(|g| g.0 != 0) {
                        has[c as usize / 64] |= 1 << (c % 64);
                    }
                });
            }
            fonts.latin.iter_mut().zip(has).for_each(|(bits, has)| *bits &= has);
        }
        for face in Face::ALL {
            fonts.spaces.push(advance_sum(&fonts.shape(face, " ")));
            let hyphen = fonts.shape(face, "-").into_iter().next().expect("bundled fonts have a hyphen");
            fonts.hyphens.push(hyphen);
        }
        fonts
    }

    /// Advance of a word space, in thousandths of an em.
    pub fn space_advance(&self, face: Face) -> f32 {
        self.spaces[face.index()]
    }

    /// The glyph id of the word space.
    pub fn space_glyph(&self, face: Face) -> u16 {
        self.face(face).glyph_index(' ').map_or(0, |g| g.0)
    }

    /// The hyphen glyph added where a word is hyphenated.
    pub fn hyphen(&self, face: Face) -> &Glyph {
        &self.hyphens[face.index()]
    }

    /// Advance of the hyphen, in thousandths of an em.
    pub fn hyphen_advance(&self, face: Face) -> f32 {
        self.hyphens[face.index()].advance
    }

    fn face(&self, face: Face) -> &rustybuzz::Face<'static> {
        &self.faces[face.index()]
    }

    /// The raw font file, for subsetting and embedding.
    pub fn data(&self, face: Face) -> &'static [u8] {
        face.data()
    }

    fn scale(&self, face: Face) -> f32 {
        1000.0 / self.face(face).units_per_em() as f32
    }

    /// Units per em of a face (glyph outlines are in these units).
    pub fn units_per_em(&self, face: Face) -> f32 {
        self.face(face).units_per_em() as f32
    }

    /// Draws a glyph's outline (font units, y up) into `builder`.
    pub fn outline(&self, face: Face, glyph: u16, builder: &mut dyn rustybuzz::ttf_parser::OutlineBuilder) {
        self.face(face).outline_glyph(rustybuzz::ttf_parser::GlyphId(glyph), builder);
    }

    /// True when every bundled face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        let u = c as u32;
        if u < LATIN_END {
            return self.latin[u as usize / 64] & (1 << (u % 64)) != 0;
        }
        self.faces.iter().all(|f| f.glyph_index(c).is_some())
    }

    pub fn vmetrics(&self, face: Face) -> VMetrics {
        let f = self.face(face);
        let s = self.scale(face);
        VMetrics {
            ascent: f.ascender() as f32 * s,
            descent: f.descender() as f32 * s,
            cap_height: f.capital_height().unwrap_or(700) as f32 * s,
        }
    }

    /// Shapes `text` (kerning and ligatures from the font's GPOS/GSUB tables).
    ///
    /// Briefings repeat their words ("the", "officers", "London") and a
    /// batch repeats whole briefings, so results are kept per thread: the
    /// fonts are compiled in, so a face's result never changes. The cache
    /// is dropped when it grows past `SHAPE_CACHE_LIMIT` words.
    pub fn shape(&self, face: Face, text: &str) -> Vec<Glyph> {
        SHAPED.with_borrow_mut(|caches| {
            let cache = &mut caches[face.index()];
            if let Some(glyphs) = cache.get(text) {
                return glyphs.clone();
            }
            if cache.len() >= SHAPE_CACHE_LIMIT {
                cache.clear();
            }
            let glyphs = self.shape_uncached(face, text);
            cache.insert(text.into(), glyphs.clone());
            glyphs
        })
    }

    fn shape_uncached(&self, face: Face, text: &str) -> Vec<Glyph> {
        let rb = self.face(face);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        // The bundled fonts cover Latin only, so every run is shaped as
        // left-to-right Latin with the face's precompiled plan.
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.set_script(rustybuzz::script::LATIN);
        let shaped = rustybuzz::shape_with_plan(rb, &self.plans[face.index()], buffer);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        let scale = self.scale(face);
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            let first = i == 0 || infos[i - 1].cluster != info.cluster;
            let end = infos[i + 1..].iter().map(|g| g.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
            glyphs.push(Glyph {
                id: info.glyph_id as u16,
                advance: pos.x_advance as f32 * scale,
                cluster: start,
                text: if first { text[start..end].to_string() } else { String::new() },
            });
        }
        glyphs
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        advance_sum(&self.shape(face, text)) * size / 1000.0
    }
}

/// Sum of glyph advances, in thousandths of an em.
pub fn advance_sum(glyphs: &[Glyph]) -> f32 {
    glyphs.iter().map(|g| g.advance).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_covers_the_promised_characters() {
        let fonts = Fonts::new();
        let promised = "AZaz09£€–—‘’“”…−ŵŷŴŶöÓúáéÁçłŁœßø";
        for c in promised.chars() {
            assert!(fonts.covers(c), "missing {c}");
        }
        assert!(!fonts.covers('東'));
    }

    #[test]
    fn the_latin_table_agrees_with_the_cmaps() {
        let fonts = Fonts::new();
        let mut covered = 0;
        for c in (0..LATIN_END).filter_map(char::from_u32) {
            let slow = fonts.faces.iter().all(|f| f.glyph_index(c).is_some_and(|g| g.0 != 0));
            assert_eq!(fonts.covers(c), slow, "U+{:04X}", c as u32);
            covered += usize::from(slow);
        }
        // Latin-1 and Latin Extended-A at least, and punctuation.
        assert!(covered > 300, "{covered}");
    }

    #[test]
    fn kerning_is_applied() {
        let fonts = Fonts::new();
        let pair = fonts.width(Face::Serif, 10.0, "AV");
        let apart = fonts.width(Face::Serif, 10.0, "A") + fonts.width(Face::Serif, 10.0, "V");
        assert!(pair < apart - 0.1, "AV {pair} vs {apart}");
    }

    #[test]
    fn cluster_text_round_trips() {
        let fonts = Fonts::new();
        let text = "Ó Súilleabháin – £700m “cut”";
        let glyphs = fonts.shape(Face::Serif, text);
        let back: String = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(back, text);
        assert!(glyphs.iter().all(|g| g.id != 0));
    }
}
