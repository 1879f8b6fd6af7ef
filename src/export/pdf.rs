//! Writing a laid-out document as PDF: fonts subset and embedded, pages
//! translated to printpdf operations, then finished through lopdf (outline,
//! language, document ID) so the bytes depend only on the input.
//!
//! printpdf without its layout features embeds whole fonts and picks random
//! resource names, so this module subsets with allsorts itself, names fonts
//! from the glyph set, and derives the `/ID` from the document's objects.
//! Streams are deflated with libdeflate and the small objects packed into
//! object streams (PDF 1.5), which keeps a ten-page briefing under 90 KB.
//!
//! All page content is marked: furniture and decoration as artifacts, the
//! rest with marked-content ids that `structure` ties into the PDF/UA
//! structure tree.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use md5::{Digest, Md5};
use printpdf::{
    Actions, BorderArray, Codepoint, Destination, DictItem, FontId, LineJoinStyle, LinkAnnotation, Mm, OffsetDateTime,
    Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect, TextItem,
    TextMatrix, WindingOrder,
};

use super::structure::{self, Owner, PageTags};
use super::utf16be;
use crate::frame::{Anchor, Item, Layout, OutlineEntry, Role, Tag};
use crate::text::fonts::{self, Face, Fonts};
use crate::text::linebreak::{Color, LINE_END_HYPHEN, Link};

/// Document information written to the PDF's metadata.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub lang: String,
    /// Seconds since the Unix epoch, for the creation and modification dates.
    pub date: i64,
}

/// Something that went wrong inside the PDF writer (never the user's fault).
#[derive(Debug)]
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not write the PDF: {}", self.0)
    }
}

/// A subset font ready to embed: its resource name and old-to-new glyph ids.
struct Subset {
    id: FontId,
    glyphs: BTreeMap<u16, u16>,
    /// printpdf's `/W` width per new glyph id, in thousandths of an em (truncated as printpdf does).
    widths: BTreeMap<u16, i64>,
    /// The new glyph id of the space.
    space: u16,
}

/// Renders the layout to PDF bytes.
pub fn render(layout: &Layout, fonts: &Fonts, meta: &Metadata) -> Result<Vec<u8>, PdfError> {
    let mut doc = PdfDocument::new(&meta.title);
    let subsets = embed_fonts(&mut doc, layout, fonts)?;
    let (pages, tags): (Vec<PdfPage>, Vec<PageTags>) = layout
        .pages
        .iter()
        .map(|page| {
            let (ops, tags) = page_ops(&page.items, layout, &subsets);
            (PdfPage::new(Mm::from(Pt(layout.width)), Mm::from(Pt(layout.height)), ops), tags)
        })
        .unzip();
    doc.with_pages(pages);
    let date = OffsetDateTime::from_unix_timestamp(meta.date).map_err(|e| PdfError(e.to_string()))?;
    let info = &mut doc.metadata.info;
    info.document_title = meta.title.clone();
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = format!("briefing {}", env!("CARGO_PKG_VERSION"));
    info.producer = format!("briefing {} (printpdf)", env!("CARGO_PKG_VERSION"));
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;

    let mut warnings = Vec::new();
    // `secure: false` lets printpdf write the path strings of [`path`].
    let options = PdfSaveOptions { secure: false, ..PdfSaveOptions::default() };
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    // The operators are no longer needed: free them before compressing and saving.
    drop(doc);
    finish(&mut lo, layout, meta, &tags)?;
    compress_streams(&mut lo)?;
    // The document ID is a hash of the document's objects: identical input
    // gives identical bytes, and any change gives a new ID. printpdf's own
    // ID comes from a process-wide counter, so it is replaced.
    lo.trailer.remove(b"ID");
    let id = document_hash(&lo).to_vec();
    let id_string = || Object::String(id.clone(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id_string(), id_string()]));
    save(&mut lo)
}

/// MD5 over every stream as it will be written (page contents, fonts,
/// CMaps) and the document information: any change to what a reader sees
/// changes one of them. Hashing these, not the saved file, spares a second
/// save (and formatting every small object only to hash it).
fn document_hash(lo: &lopdf::Document) -> [u8; 16] {
    let mut hasher = Md5::new();
    for object in lo.objects.values() {
        if let Object::Stream(stream) = object {
            hasher.update(&stream.content);
        }
    }
    if let Ok(info) = lo.trailer.get(b"Info").and_then(Object::as_reference).and_then(|id| lo.get_object(id)) {
        hasher.update(format!("{info:?}"));
    }
    hasher.finalize().into()
}

/// Saves with object streams and a cross-reference stream (PDF 1.5): the
/// many small dictionaries (link annotations, outline entries, font
/// descriptors) are compressed too, which saves about a quarter of the file.
fn save(lo: &mut lopdf::Document) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(DEFLATE_LEVEL as u32)
        // The structure tree adds hundreds of small elements: a few large
        // object streams compress them much better than lopdf's default of
        // 100 objects each.
        .max_objects_per_stream(OBJECTS_PER_STREAM)
        .build();
    lo.version = "1.5".to_string();
    lo.save_with_options(&mut out, options).map_err(|e| PdfError(e.to_string()))?;
    deflate_xref_stream(out)
}

/// Compresses the cross-reference stream, which lopdf writes raw: seven
/// bytes for every object, 4.7 KB for a tagged ten-page briefing. It is the
/// last object in the file, so nothing before it moves and `startxref`
/// stays right. Rows go through the PNG "up" predictor first: rows of one
/// object stream then differ only in their last byte, and deflate to
/// almost nothing.
fn deflate_xref_stream(pdf: Vec<u8>) -> Result<Vec<u8>, PdfError> {
    const WIDTH: usize = 7; // `/W [1 4 2]`, as lopdf writes it.
    let fail = |what: &str| PdfError(format!("unexpected cross-reference stream from lopdf: {what}"));
    let find = |from: usize, what: &[u8]| pdf[from..].windows(what.len()).position(|w| w == what).map(|i| from + i);
    let tail = pdf.windows(9).rposition(|w| w == b"startxref").ok_or_else(|| fail("no startxref"))?;
    let start: usize = std::str::from_utf8(&pdf[tail + 9..])
        .ok()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| fail("no offset"))?;
    let keyword = find(start, b">>stream\n").ok_or_else(|| fail("no stream"))? + 2;
    let dict = std::str::from_utf8(&pdf[start..keyword]).map_err(|_| fail("dictionary"))?;
    if !dict.contains("/W[1 4 2]") || dict.contains("/Filter") {
        return Err(fail(dict));
    }
    let length_at = dict.find("/Length ").ok_or_else(|| fail("no length"))? + 8;
    let digits = dict[length_at..].bytes().take_while(u8::is_ascii_digit).count();
    let length: usize = dict[length_at..length_at + digits].parse().map_err(|_| fail("length"))?;
    let data_start = keyword + "stream\n".len();
    let data = pdf.get(data_start..data_start + length).ok_or_else(|| fail("short stream"))?;
    let mut predicted = Vec::with_capacity(length + length / WIDTH);
    let mut above = [0u8; WIDTH];
    for row in data.chunks(WIDTH) {
        predicted.push(2); // PNG "up"
        for (i, &b) in row.iter().enumerate() {
            predicted.push(b.wrapping_sub(above[i]));
            above[i] = b;
        }
    }
    let level = libdeflater::CompressionLvl::new(DEFLATE_LEVEL).map_err(|e| PdfError(format!("{e:?}")))?;
    let mut compressor = libdeflater::Compressor::new(level);
    let mut deflated = vec![0; compressor.zlib_compress_bound(predicted.len())];
    let n = compressor.zlib_compress(&predicted, &mut deflated).map_err(|e| PdfError(format!("deflate: {e:?}")))?;
    deflated.truncate(n);
    let head = format!(
        "{}/Length {n}/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns {WIDTH}>>{}",
        &dict[..length_at - 8],
        &dict[length_at + digits..]
    );
    let mut out = Vec::with_capacity(pdf.len());
    out.extend_from_slice(&pdf[..start]);
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&pdf[data_start + length..]);
    Ok(out)
}

/// Objects packed into one object stream.
const OBJECTS_PER_STREAM: usize = 1000;

/// libdeflate's level. 6 costs 1.7 KB on the 67 KB built-in briefing
/// against level 9 and saves a seventh of all instructions (deflate was a
/// fifth of the whole build with miniz at level 9).
const DEFLATE_LEVEL: i32 = 6;

/// Deflates every stream that is not yet filtered (page contents, fonts,
/// CMaps), in parallel: deflate is the largest single cost of a build.
fn compress_streams(lo: &mut lopdf::Document) -> Result<(), PdfError> {
    use rayon::prelude::*;
    let level = libdeflater::CompressionLvl::new(DEFLATE_LEVEL).map_err(|e| PdfError(format!("{e:?}")))?;
    let mut streams: Vec<&mut lopdf::Stream> = lo
        .objects
        .values_mut()
        .filter_map(|object| match object {
            Object::Stream(stream) if stream.allows_compression && !stream.dict.has(b"Filter") => Some(stream),
            _ => None,
        })
        .collect();
    streams.par_iter_mut().try_for_each_init(
        || libdeflater::Compressor::new(level),
        |compressor, stream| {
            let mut out = vec![0; compressor.zlib_compress_bound(stream.content.len())];
            let n =
                compressor.zlib_compress(&stream.content, &mut out).map_err(|e| PdfError(format!("deflate: {e:?}")))?;
            out.truncate(n);
            if n < stream.content.len() {
                stream.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                stream.set_content(out);
            }
            Ok(())
        },
    )
}

/// Subsets each used face to the glyphs on the pages and registers it under
/// a deterministic name (`ABCDEF+NotoSerif-Regular`, the tag from the glyph set).
fn embed_fonts(doc: &mut PdfDocument, layout: &Layout, fonts: &Fonts) -> Result<BTreeMap<Face, Subset>, PdfError> {
    let mut used: BTreeMap<Face, BTreeSet<u16>> = BTreeMap::new();
    for item in layout.pages.iter().flat_map(|p| &p.items) {
        if let Item::Text { face, glyphs, .. } = item {
            // The space glyph too: it is written between words (see `page_ops`).
            let ids = used.entry(*face).or_default();
            ids.extend(glyphs.iter().map(|g| g.id));
            ids.insert(fonts.space_glyph(*face));
        }
    }
    let mut subsets = BTreeMap::new();
    for (face, gids) in used {
        let ids: Vec<u16> = std::iter::once(0).chain(gids.into_iter().filter(|&g| g != 0)).collect();
        let bytes = subset_font(fonts.data(face), &ids)?;
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| PdfError(format!("the subset of {} does not parse", face.postscript_name())))?;
        let upem = parsed.pdf_font_metrics.units_per_em.max(1) as f32;
        let glyphs: BTreeMap<u16, u16> = ids.iter().enumerate().map(|(new, &old)| (old, new as u16)).collect();
        let widths = glyphs
            .values()
            .map(|&new| (new, parsed.get_glyph_width(new).map_or(0, |w| (w as f32 * 1000.0 / upem) as i64)))
            .collect();
        let id = FontId(format!("{}+{}", subset_tag(face, &ids), face.postscript_name()));
        doc.resources.fonts.map.insert(id.clone(), PdfFont::new(parsed));
        let space = glyphs.get(&fonts.space_glyph(face)).copied().unwrap_or(0);
        subsets.insert(face, Subset { id, glyphs, widths, space });
    }
    Ok(subsets)
}

fn subset_font(data: &[u8], ids: &[u16]) -> Result<Vec<u8>, PdfError> {
    let fail = |e: &dyn std::fmt::Display| PdfError(format!("font subsetting failed: {e}"));
    let font = ReadScope::new(data).read::<FontData<'_>>().map_err(|e| fail(&e))?;
    let provider = font.table_provider(0).map_err(|e| fail(&e))?;
    subset(&provider, ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| fail(&e))
}

/// Six capital letters derived from the face and its glyph set, as PDF subset names require.
fn subset_tag(face: Face, ids: &[u16]) -> String {
    let mut hasher = Md5::new();
    hasher.update(face.postscript_name());
    for id in ids {
        hasher.update(id.to_be_bytes());
    }
    hasher.finalize().iter().take(6).map(|b| (b'A' + b % 26) as char).collect()
}

fn rgb(c: Color) -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb::new(c.0 as f32 / 255.0, c.1 as f32 / 255.0, c.2 as f32 / 255.0, None))
}

/// The owner of each item on a page: the node of the last [`Item::Tag`]
/// before it (rectangles and paths outside a figure are decoration), or the
/// link its text makes clickable (a link area follows its text).
fn owners(items: &[Item], layout: &Layout) -> Vec<Owner> {
    let mut current = Owner::Artifact;
    let mut owners: Vec<Owner> = Vec::with_capacity(items.len());
    for item in items {
        if let Item::Tag(tag) = item {
            current = match tag {
                Tag::Artifact => Owner::Artifact,
                Tag::Node(n) => Owner::Node(*n),
            };
        }
        owners.push(match item {
            Item::Rect { .. } | Item::Path { .. } | Item::Shape { .. } if !is_figure(layout, current) => {
                Owner::Artifact
            }
            _ => current,
        });
    }
    for (k, i) in page_links(items, layout).map(|link| link.0).enumerate() {
        if i > 0 && matches!(items[i - 1], Item::Text { .. }) && owners[i - 1] != Owner::Artifact {
            owners[i - 1] = Owner::Link(k);
        }
    }
    owners
}

/// Whether `owner` is a chart (a `Figure` node).
fn is_figure(layout: &Layout, owner: Owner) -> bool {
    matches!(owner, Owner::Node(n) if layout.structure.get(n).is_some_and(|n| n.role == Role::Figure))
}

/// Opens marked content for `owner` unless it is already open: an artifact,
/// or a sequence with the next marked-content id.
fn mark(ops: &mut Vec<Op>, open: &mut Option<Owner>, owner: Owner, tags: &mut PageTags, layout: &Layout) {
    if *open == Some(owner) {
        return;
    }
    if open.is_some() {
        ops.push(Op::EndMarkedContent);
    }
    *open = Some(owner);
    match owner {
        Owner::Artifact => ops.push(Op::BeginMarkedContent { tag: "Artifact".to_string() }),
        Owner::Node(_) | Owner::Link(_) => {
            let mcid = tags.mcids.len() as i64;
            tags.mcids.push(owner);
            let role = match owner {
                Owner::Node(n) => layout.structure.get(n).map_or("Span", |n| n.role.name()),
                _ => "Link",
            };
            let mut map = BTreeMap::new();
            map.insert("MCID".to_string(), DictItem::Int(mcid));
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: role.to_string(),
                properties: DictItem::Dict { map },
            });
        }
    }
}

/// Closes the open marked content, if any.
fn unmark(ops: &mut Vec<Op>, open: &mut Option<Owner>) {
    if open.take().is_some() {
        ops.push(Op::EndMarkedContent);
    }
}

/// Grows a figure's bounding box to take in a rectangle (PDF coordinates).
fn grow(tags: &mut PageTags, owner: Owner, layout: &Layout, [x0, y0, x1, y1]: [f32; 4]) {
    let Owner::Node(n) = owner else { return };
    if !is_figure(layout, owner) {
        return;
    }
    let b = tags.boxes.entry(n).or_insert([x0, y0, x1, y1]);
    *b = [b[0].min(x0), b[1].min(y0), b[2].max(x1), b[3].max(y1)];
}

/// Translates one page's items. Rectangles come first (they are backgrounds
/// and rules), then all text in one text object, then links. Every piece of
/// content is marked: as an artifact, or with a marked-content id that the
/// structure tree points to (recorded in the returned [`PageTags`]).
fn page_ops(items: &[Item], layout: &Layout, subsets: &BTreeMap<Face, Subset>) -> (Vec<Op>, PageTags) {
    let h = layout.height;
    let mut ops = Vec::new();
    let mut tags = PageTags::default();
    let owners = owners(items, layout);
    let mut open = None;
    // Shapes in drawing order (gridlines under bars), each colour and line
    // width set only when it changes, which keeps dashed lines small.
    let mut pen = Pen::default();
    for (item, &owner) in items.iter().zip(&owners) {
        match item {
            Item::Rect { x, y, w, h: rh, color } => {
                mark(&mut ops, &mut open, owner, &mut tags, layout);
                grow(&mut tags, owner, layout, [*x, h - y - rh, x + w, h - y]);
                pen.fill(&mut ops, *color);
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(h - y - rh),
                        width: Pt(*w),
                        height: Pt(*rh),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
            Item::Path { points, width, color } => {
                mark(&mut ops, &mut open, owner, &mut tags, layout);
                for &(x, y) in points {
                    grow(&mut tags, owner, layout, [x - width, h - y - width, x + width, h - y + width]);
                }
                if *width > 0.0 {
                    pen.stroke(&mut ops, *color, *width);
                    ops.push(path([points], h, Paint::Stroke));
                } else {
                    pen.fill(&mut ops, *color);
                    ops.push(path([points], h, Paint::Fill));
                }
            }
            Item::Shape { rings, fill, outline } => {
                mark(&mut ops, &mut open, owner, &mut tags, layout);
                for &(x, y) in rings.iter().flatten() {
                    grow(&mut tags, owner, layout, [x, h - y, x, h - y]);
                }
                pen.fill(&mut ops, *fill);
                if let Some((color, width)) = outline {
                    pen.stroke(&mut ops, *color, *width);
                }
                let paint = if outline.is_some() { Paint::FillStrokeEvenOdd } else { Paint::FillEvenOdd };
                ops.push(path(rings, h, paint));
            }
            _ => {}
        }
    }
    unmark(&mut ops, &mut open);
    ops.push(Op::StartTextSection);
    let mut current_color = None;
    let mut current_font = None;
    // The line being written: its baseline, and the pen's x as the viewer
    // will compute it from the /W widths and TJ numbers. (Its face and size
    // are the current font's: a change of font starts a new run.)
    let mut run: Option<(f32, f64)> = None;
    let texts: Vec<(&Item, Owner)> =
        items.iter().zip(owners.iter().copied()).filter(|(i, _)| matches!(i, Item::Text { .. })).collect();
    for (i, &(item, owner)) in texts.iter().enumerate() {
        let Item::Text { x, y, size, face, color, glyphs } = item else {
            continue;
        };
        let Some(sub) = subsets.get(face) else {
            continue;
        };
        mark(&mut ops, &mut open, owner, &mut tags, layout);
        let end = x + fonts::advance_sum(glyphs) * size / 1000.0;
        grow(&mut tags, owner, layout, [*x, h - y - size * 0.3, end, h - y + size]);
        let mut codepoints: Vec<Codepoint> = glyphs
            .iter()
            .map(|g| {
                let gid = sub.glyphs.get(&g.id).copied().unwrap_or(0);
                // TJ adjustments move the pen from printpdf's truncated /W
                // width to the exact shaped advance (kerning included).
                let have = sub.widths.get(&gid).copied().unwrap_or(0) as f32;
                let offset = ((have - g.advance) * 100.0).round() / 100.0;
                let text = if g.text == LINE_END_HYPHEN { "-" } else { g.text.as_str() };
                Codepoint { gid, offset, cid: (!text.is_empty()).then(|| text.to_string()) }
            })
            .collect();
        // Words are placed one by one; a real space glyph between words on
        // the same line makes copied and extracted text read "two words"
        // rather than "twowords" in every viewer. (Layout ends each line
        // that breaks between words with a space of its own.)
        if let Some((Item::Text { x: next_x, y: next_y, .. }, _)) = texts.get(i + 1)
            && (next_y - y).abs() < 0.01
            && *next_x > end + size * 0.1
        {
            codepoints.push(Codepoint { gid: sub.space, offset: 0.0, cid: Some(" ".to_string()) });
        }
        // Colour and font are set only when they change; any change starts a new run.
        let mut same_state = true;
        if current_color != Some(*color) {
            ops.push(Op::SetFillColor { col: rgb(*color) });
            current_color = Some(*color);
            same_state = false;
        }
        if current_font != Some((*face, *size)) {
            ops.push(Op::SetFont { font: PdfFontHandle::External(sub.id.clone()), size: Pt(*size) });
            current_font = Some((*face, *size));
            same_state = false;
        }
        // The words of a line go into one TJ run: the next word is reached
        // from where the pen stands by a whole number of thousandths of an
        // em (at most 0.005 pt off at 10 pt, never accumulating), instead
        // of a text matrix with long decimals for every word.
        let em = f64::from(*size) / 1000.0;
        let baseline = round2(h - y);
        let mut show = Vec::with_capacity(2);
        let start = match run {
            Some((b, pen)) if same_state && b == baseline => {
                let gap = ((f64::from(*x) - pen) / em).round();
                if gap != 0.0 {
                    show.push(TextItem::Offset(-gap as f32));
                }
                pen + gap * em
            }
            _ => {
                let start = round2(*x);
                ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(start), Pt(baseline)) });
                f64::from(start)
            }
        };
        let advance: f64 =
            codepoints.iter().map(|c| sub.widths.get(&c.gid).copied().unwrap_or(0) as f64 - f64::from(c.offset)).sum();
        run = Some((baseline, start + advance * em));
        // A hyphen added at a line break is shown but reads as nothing, so
        // the word is read aloud, searched and copied whole.
        let hyphen = glyphs.last().is_some_and(|g| g.text == LINE_END_HYPHEN);
        let added = if hyphen && codepoints.len() == glyphs.len() { codepoints.pop() } else { None };
        show.push(TextItem::GlyphIds(codepoints));
        ops.push(Op::ShowText { items: show });
        if let Some(added) = added {
            let mut map = BTreeMap::new();
            map.insert("ActualText".to_string(), DictItem::String { data: Vec::new(), literal: true });
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Span".to_string(),
                properties: DictItem::Dict { map },
            });
            ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(vec![added])] });
            ops.push(Op::EndMarkedContent);
        }
    }
    unmark(&mut ops, &mut open);
    ops.push(Op::EndTextSection);
    for (i, x, y, w, lh, target) in page_links(items, layout) {
        // The link area's owner is the node its text is in (0, the
        // document, for a link in an artifact, which layout never makes).
        let node = match owners[i] {
            Owner::Node(n) => n,
            _ => 0,
        };
        tags.links.push((node, describe(&target, layout)));
        let action = match target {
            Target::Web(url) => Actions::Uri(url.to_string()),
            Target::Reference(_, a) => Actions::Goto(Destination::Xyz {
                page: a.page + 1,
                left: Some(0.0),
                top: Some(h - a.y + 4.0),
                zoom: None,
            }),
        };
        let rect = Rect { x: Pt(x), y: Pt(h - y - lh), width: Pt(w), height: Pt(lh), mode: None, winding_order: None };
        ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(rect, action, Some(BorderArray::Solid([0.0, 0.0, 0.0])), None, None),
        });
    }
    (ops, tags)
}

/// Where a link annotation leads.
enum Target<'a> {
    Web(&'a str),
    /// A numbered reference, laid out at the anchor.
    Reference(usize, &'a Anchor),
}

/// The page's clickable areas (item index, x, y, width, height) that lead
/// somewhere, in the order they are written as annotations: web addresses,
/// and citations whose reference is laid out.
fn page_links<'a>(
    items: &'a [Item],
    layout: &'a Layout,
) -> impl Iterator<Item = (usize, f32, f32, f32, f32, Target<'a>)> {
    items.iter().enumerate().filter_map(|(i, item)| {
        let Item::Link { x, y, w, h, link } = item else { return None };
        let target = match link {
            Link::Uri(url) => Target::Web(url),
            Link::Reference(n) => Target::Reference(*n, layout.anchors.get(n)?),
        };
        Some((i, *x, *y, *w, *h, target))
    })
}

/// A coordinate to the nearest hundredth of a point, as written to the PDF.
fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// The graphics state already set in a content stream, so that unchanged
/// colours and widths are not written again.
#[derive(Default)]
struct Pen {
    fill: Option<Color>,
    stroke: Option<(Color, f32)>,
}

impl Pen {
    fn fill(&mut self, ops: &mut Vec<Op>, color: Color) {
        if self.fill != Some(color) {
            ops.push(Op::SetFillColor { col: rgb(color) });
            self.fill = Some(color);
        }
    }

    fn stroke(&mut self, ops: &mut Vec<Op>, color: Color, width: f32) {
        if self.stroke.is_none() {
            ops.push(Op::SetLineJoinStyle { join: LineJoinStyle::Round });
        }
        match self.stroke {
            Some((c, w)) if c == color && w == width => {}
            Some((c, _)) if c == color => ops.push(Op::SetOutlineThickness { pt: Pt(width) }),
            _ => {
                ops.push(Op::SetOutlineColor { col: rgb(color) });
                ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            }
        }
        self.stroke = Some((color, width));
    }
}

/// How a path is painted, and whether its rings are closed.
#[derive(Clone, Copy)]
enum Paint {
    /// An open line.
    Stroke,
    /// A closed shape, filled (non-zero winding).
    Fill,
    /// Closed rings, filled by the even-odd rule (holes stay empty).
    FillEvenOdd,
    /// Closed rings, filled by the even-odd rule and outlined.
    FillStrokeEvenOdd,
}

/// A path as one string of operators: `m` and `l` for each ring's points
/// (`y` measured down from the top of a page `h` tall), `h` after each
/// closed ring, then the paint operator.
///
/// printpdf would make an operator object holding two float objects for
/// every point and format each float in full; a map has thousands of
/// points, and that was most of what a map cost to write. Coordinates here
/// are rounded to a hundredth of a point, far below what print shows.
/// printpdf writes an operator it does not know as it is, which is how the
/// string reaches the content stream (hence `secure: false` in [`render`]).
fn path<'a>(rings: impl IntoIterator<Item = &'a Vec<(f32, f32)>>, h: f32, paint: Paint) -> Op {
    let closed = !matches!(paint, Paint::Stroke);
    let mut out = String::new();
    for ring in rings {
        for (i, &(x, y)) in ring.iter().enumerate() {
            number(&mut out, x);
            out.push(' ');
            number(&mut out, h - y);
            out.push_str(if i == 0 { " m\n" } else { " l\n" });
        }
        if closed && !ring.is_empty() {
            out.push_str("h\n");
        }
    }
    out.push_str(match paint {
        Paint::Stroke => "S",
        Paint::Fill => "f",
        Paint::FillEvenOdd => "f*",
        Paint::FillStrokeEvenOdd => "B*",
    });
    Op::Unknown { key: out, value: Vec::new() }
}

/// Appends `v` rounded to hundredths, without trailing zeros (`12`, `12.5`,
/// `-0.25`): what a PDF number needs, with integer formatting only.
fn number(out: &mut String, v: f32) {
    let hundredths = (f64::from(v) * 100.0).round() as i64;
    if hundredths < 0 {
        out.push('-');
    }
    let n = hundredths.unsigned_abs();
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", n / 100);
    let (tenths, rest) = ((n % 100) / 10, n % 10);
    if tenths != 0 || rest != 0 {
        out.push('.');
        out.push((b'0' + tenths as u8) as char);
        if rest != 0 {
            out.push((b'0' + rest as u8) as char);
        }
    }
}

/// What printpdf cannot do: language, a nested outline and opening with it
/// shown, the title in the window, XMP metadata, the structure tree (with
/// link descriptions) and the charts' data files.
fn finish(lo: &mut lopdf::Document, layout: &Layout, meta: &Metadata, tags: &[PageTags]) -> Result<(), PdfError> {
    let page_ids: Vec<ObjectId> = lo.get_pages().into_values().collect();
    // printpdf stores page sizes in millimetres; restore the exact point sizes
    // (612 x 792 for Letter) so viewers and print dialogs recognise the paper.
    let size = || Object::Array([0.0, 0.0, layout.width, layout.height].into_iter().map(Object::Real).collect());
    for &id in &page_ids {
        let page = lo.get_object_mut(id).and_then(Object::as_dict_mut).map_err(|e| PdfError(e.to_string()))?;
        for key in ["MediaBox", "TrimBox", "CropBox"] {
            if page.has(key.as_bytes()) {
                page.set(key, size());
            }
        }
    }
    let outline = if layout.outline.is_empty() {
        None
    } else {
        Some(build_outline(lo, &layout.outline, &page_ids, layout.height))
    };
    let root = lo.trailer.get(b"Root").and_then(Object::as_reference).map_err(|e| PdfError(e.to_string()))?;
    let catalog = lo.get_object_mut(root).and_then(Object::as_dict_mut).map_err(|e| PdfError(e.to_string()))?;
    catalog.set("Lang", Object::string_literal(meta.lang.as_str()));
    catalog.remove(b"PageMode");
    if let Some(outlines) = outline {
        catalog.set("Outlines", Object::Reference(outlines));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
    // A viewer's title bar shows the briefing's title, not the file name.
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    let xmp = lo.add_object(xmp_stream(meta)?);
    let catalog = lo.get_object_mut(root).and_then(Object::as_dict_mut).map_err(|e| PdfError(e.to_string()))?;
    catalog.set("Metadata", Object::Reference(xmp));
    catalog.set("MarkInfo", Object::Dictionary(Dictionary::from_iter([("Marked", Object::Boolean(true))])));
    structure::write(lo, layout, &page_ids, tags).map_err(PdfError)
}

/// Where a link leads, in words: the `/Contents` of its annotation, read
/// aloud by screen readers ("Reference 4: Mayor of London, …" or the address).
fn describe(target: &Target, layout: &Layout) -> String {
    match target {
        Target::Web(url) => format!("Link to {url}"),
        Target::Reference(n, _) => match layout.references.get(n) {
            Some(text) => format!("Reference {n}: {text}"),
            None => format!("Reference {n}"),
        },
    }
}

/// The document's XMP metadata (title, author, subject, keywords, producer,
/// dates), which accessibility checkers and archives read rather than
/// `/Info`. The dates come from the manifest or `SOURCE_DATE_EPOCH`, never
/// the clock; the stream is left uncompressed, as XMP readers expect.
fn xmp_stream(meta: &Metadata) -> Result<lopdf::Stream, PdfError> {
    let date = OffsetDateTime::from_unix_timestamp(meta.date).map_err(|e| PdfError(e.to_string()))?;
    let iso = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year(),
        u8::from(date.month()),
        date.day(),
        date.hour(),
        date.minute(),
        date.second()
    );
    let x = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let producer = format!("briefing {} (printpdf)", env!("CARGO_PKG_VERSION"));
    let fields = [
        "<dc:format>application/pdf</dc:format>".to_string(),
        format!("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>", x(&meta.title)),
        format!("<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>", x(&meta.author)),
        format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>",
            x(&meta.subject)
        ),
        format!("<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>", x(&meta.lang)),
        format!("<pdf:Keywords>{}</pdf:Keywords>", x(&meta.keywords.join(", "))),
        format!("<pdf:Producer>{}</pdf:Producer>", x(&producer)),
        format!("<xmp:CreatorTool>briefing {}</xmp:CreatorTool>", env!("CARGO_PKG_VERSION")),
        format!("<xmp:CreateDate>{iso}</xmp:CreateDate>"),
        format!("<xmp:ModifyDate>{iso}</xmp:ModifyDate>"),
        format!("<xmp:MetadataDate>{iso}</xmp:MetadataDate>"),
        // The document claims PDF/UA-1: it is tagged, every figure has alt
        // text, every link a description, and furniture is marked artifact.
        "<pdfuaid:part>1</pdfuaid:part>".to_string(),
    ];
    let xml = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
         {}\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>",
        fields.join("\n")
    );
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let mut stream = lopdf::Stream::new(dict, xml.into_bytes());
    stream.allows_compression = false;
    Ok(stream)
}

/// Builds `/Outlines` from headings, nesting by level (1.1 under 1).
fn build_outline(lo: &mut lopdf::Document, entries: &[OutlineEntry], pages: &[ObjectId], height: f32) -> ObjectId {
    let root_id = lo.new_object_id();
    // children[i] = indices of entries whose parent is entry i; `None` parent is the root.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&p| entries[p].level >= e.level) {
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(i);
    }
    let ids: Vec<ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    let children =
        |parent: Option<usize>| -> Vec<usize> { (0..entries.len()).filter(|&i| parents[i] == parent).collect() };
    for (i, e) in entries.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", Object::String(utf16be(&e.title), StringFormat::Hexadecimal));
        d.set("Parent", Object::Reference(parents[i].map_or(root_id, |p| ids[p])));
        let siblings = children(parents[i]);
        let pos = siblings.iter().position(|&s| s == i).unwrap_or(0);
        if pos > 0 {
            d.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if let Some(&next) = siblings.get(pos + 1) {
            d.set("Next", Object::Reference(ids[next]));
        }
        let kids = children(Some(i));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[first]));
            d.set("Last", Object::Reference(ids[last]));
            d.set("Count", Object::Integer(kids.len() as i64));
        }
        if let Some(&page) = pages.get(e.anchor.page) {
            d.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Integer(0),
                    Object::Real(h_top(height, e.anchor.y)),
                    Object::Null,
                ]),
            );
        }
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let top = children(None);
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        root.set("First", Object::Reference(ids[first]));
        root.set("Last", Object::Reference(ids[last]));
    }
    root.set("Count", Object::Integer(entries.len() as i64));
    lo.objects.insert(root_id, Object::Dictionary(root));
    root_id
}

/// PDF y (from the bottom) for a layout y (from the top), a little above the target.
fn h_top(height: f32, y: f32) -> f32 {
    (height - y + 4.0).min(height)
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_are_written_to_hundredths_without_trailing_zeros() {
        for (v, want) in
            [(12.0, "12"), (12.5, "12.5"), (-0.25, "-0.25"), (0.004, "0"), (841.89, "841.89"), (3.1, "3.1")]
        {
            let mut out = String::new();
            number(&mut out, v);
            assert_eq!(out, want, "{v}");
        }
    }
}
