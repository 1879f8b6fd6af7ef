//! Writing a laid-out document as PDF: fonts subset and embedded, pages
//! translated to printpdf operations, then finished through lopdf (outline,
//! language, document ID) so the bytes depend only on the input.
//!
//! printpdf without its layout features embeds whole fonts and picks random
//! resource names, so this module subsets with allsorts itself, names fonts
//! from the glyph set, and derives the `/ID` from the document's objects.
//! Streams are deflated with libdeflate and the small objects packed into
//! object streams (PDF 1.5), which keeps a ten-page briefing under 80 KB.

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use md5::{Digest, Md5};
use printpdf::{
    Actions, BorderArray, Codepoint, Destination, FontId, Line, LineJoinStyle, LinePoint, LinkAnnotation, Mm,
    OffsetDateTime, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Polygon, PolygonRing, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};

use crate::frame::{Anchor, Item, Layout, OutlineEntry};
use crate::text::fonts::{self, Face, Fonts};
use crate::text::linebreak::{Color, Link};

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
    let pages = layout
        .pages
        .iter()
        .map(|page| {
            PdfPage::new(
                Mm::from(Pt(layout.width)),
                Mm::from(Pt(layout.height)),
                page_ops(&page.items, layout, &subsets),
            )
        })
        .collect();
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
    let mut lo = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    // The operators are no longer needed: free them before compressing and saving.
    drop(doc);
    finish(&mut lo, layout, meta)?;
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
        .build();
    lo.version = "1.5".to_string();
    lo.save_with_options(&mut out, options).map_err(|e| PdfError(e.to_string()))?;
    Ok(out)
}

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

/// Translates one page's items. Rectangles come first (they are backgrounds
/// and rules), then all text in one text object, then links.
fn page_ops(items: &[Item], layout: &Layout, subsets: &BTreeMap<Face, Subset>) -> Vec<Op> {
    let h = layout.height;
    let mut ops = Vec::new();
    // Shapes in drawing order (gridlines under bars), each colour and line
    // width set only when it changes, which keeps dashed lines small.
    let mut pen = Pen::default();
    for item in items {
        match item {
            Item::Rect { x, y, w, h: rh, color } => {
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
                let points: Vec<LinePoint> = points
                    .iter()
                    .map(|&(x, y)| LinePoint { p: Point { x: Pt(x), y: Pt(h - y) }, bezier: false })
                    .collect();
                if *width > 0.0 {
                    pen.stroke(&mut ops, *color, *width);
                    ops.push(Op::DrawLine { line: Line { points, is_closed: false } });
                } else {
                    pen.fill(&mut ops, *color);
                    let polygon = Polygon {
                        rings: vec![PolygonRing { points }],
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    };
                    ops.push(Op::DrawPolygon { polygon });
                }
            }
            _ => {}
        }
    }
    ops.push(Op::StartTextSection);
    let mut current_color = None;
    let mut current_font = None;
    // The line being written: its baseline, and the pen's x as the viewer
    // will compute it from the /W widths and TJ numbers. (Its face and size
    // are the current font's: a change of font starts a new run.)
    let mut run: Option<(f32, f64)> = None;
    let texts: Vec<&Item> = items.iter().filter(|i| matches!(i, Item::Text { .. })).collect();
    for (i, item) in texts.iter().enumerate() {
        let Item::Text { x, y, size, face, color, glyphs } = item else {
            continue;
        };
        let Some(sub) = subsets.get(face) else {
            continue;
        };
        let mut codepoints: Vec<Codepoint> = glyphs
            .iter()
            .map(|g| {
                let gid = sub.glyphs.get(&g.id).copied().unwrap_or(0);
                // TJ adjustments move the pen from printpdf's truncated /W
                // width to the exact shaped advance (kerning included).
                let have = sub.widths.get(&gid).copied().unwrap_or(0) as f32;
                let offset = ((have - g.advance) * 100.0).round() / 100.0;
                Codepoint { gid, offset, cid: (!g.text.is_empty()).then(|| g.text.clone()) }
            })
            .collect();
        // Words are placed one by one; a real space glyph between words on
        // the same line makes copied and extracted text read "two words"
        // rather than "twowords" in every viewer.
        let end = x + fonts::advance_sum(glyphs) * size / 1000.0;
        if let Some(Item::Text { x: next_x, y: next_y, .. }) = texts.get(i + 1)
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
        show.push(TextItem::GlyphIds(codepoints));
        ops.push(Op::ShowText { items: show });
    }
    ops.push(Op::EndTextSection);
    for (x, y, w, lh, target) in page_links(items, layout) {
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
    ops
}

/// Where a link annotation leads.
enum Target<'a> {
    Web(&'a str),
    /// A numbered reference, laid out at the anchor.
    Reference(usize, &'a Anchor),
}

/// The page's clickable areas (x, y, width, height) that lead somewhere, in
/// the order they are written as annotations: web addresses, and citations
/// whose reference is laid out.
fn page_links<'a>(items: &'a [Item], layout: &'a Layout) -> impl Iterator<Item = (f32, f32, f32, f32, Target<'a>)> {
    items.iter().filter_map(|item| {
        let Item::Link { x, y, w, h, link } = item else { return None };
        let target = match link {
            Link::Uri(url) => Target::Web(url),
            Link::Reference(n) => Target::Reference(*n, layout.anchors.get(n)?),
        };
        Some((*x, *y, *w, *h, target))
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

/// What printpdf cannot do: language, a nested outline and opening with it
/// shown, the title in the window, XMP metadata and link descriptions.
fn finish(lo: &mut lopdf::Document, layout: &Layout, meta: &Metadata) -> Result<(), PdfError> {
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
    describe_links(lo, layout, &page_ids)
}

/// Gives every link annotation a `/Contents` description, read aloud by
/// screen readers: "Reference 4: Mayor of London, …" or the web address.
/// printpdf writes a page's annotations inline in `/Annots`, in the order
/// `page_ops` made them, so they pair with the page's links one for one.
fn describe_links(lo: &mut lopdf::Document, layout: &Layout, pages: &[ObjectId]) -> Result<(), PdfError> {
    let err = |e: lopdf::Error| PdfError(e.to_string());
    for (&page, laid_out) in pages.iter().zip(&layout.pages) {
        let dict = lo.get_object(page).and_then(Object::as_dict).map_err(err)?;
        let Ok(mut annots) = dict.get(b"Annots").and_then(Object::as_array).cloned() else { continue };
        let descriptions: Vec<String> =
            page_links(&laid_out.items, layout).map(|link| describe(&link.4, layout)).collect();
        if descriptions.len() != annots.len() {
            return Err(PdfError(format!("{} link annotations for {} links", annots.len(), descriptions.len())));
        }
        for (annot, description) in annots.iter_mut().zip(descriptions) {
            let Object::Dictionary(annot) = annot else { continue };
            // A literal string: lopdf writes hexadecimal ones a byte at a time through `format!`.
            annot.set("Contents", Object::String(utf16be(&description), StringFormat::Literal));
        }
        let dict = lo.get_object_mut(page).and_then(Object::as_dict_mut).map_err(err)?;
        dict.set("Annots", Object::Array(annots));
    }
    Ok(())
}

/// Where a link leads, in words.
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
    ];
    let xml = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n\
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

/// A PDF text string in UTF-16BE with a byte-order mark (for non-ASCII titles).
fn utf16be(s: &str) -> Vec<u8> {
    let mut out = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        out.extend(unit.to_be_bytes());
    }
    out
}
