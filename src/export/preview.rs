//! Figures as SVG and PNG files for slides and email bodies.
//!
//! Both exporters draw the same items the PDF gets (same geometry), and
//! draw text from the bundled fonts' own glyph outlines (same fonts), so the
//! files look the same everywhere and need no system font or renderer.

use std::fmt::Write as _;

use rustybuzz::ttf_parser::OutlineBuilder;
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

use crate::frame::Item;
use crate::text::fonts::{Face, Fonts};
use crate::text::linebreak::Color;

/// PNG resolution: 2.5 pixels per point (180 dpi), sharp on high-density screens.
pub const PNG_SCALE: f32 = 2.5;

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Glyph outlines as SVG path data, in font units (y up).
struct SvgPath(String);

impl OutlineBuilder for SvgPath {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "M{x} {y}");
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "L{x} {y}");
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let _ = write!(self.0, "Q{x1} {y1} {x} {y}");
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let _ = write!(self.0, "C{x1} {y1} {x2} {y2} {x} {y}");
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

/// Glyph outlines as a tiny-skia path, in font units (y up).
struct SkiaPath(PathBuilder);

impl OutlineBuilder for SkiaPath {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// Each glyph of a text item: its id and its pen position in points.
fn glyph_positions(x: f32, size: f32, glyphs: &[crate::text::fonts::Glyph]) -> Vec<(u16, f32)> {
    let mut pen = x;
    glyphs
        .iter()
        .map(|g| {
            let at = pen;
            pen += g.advance * size / 1000.0;
            (g.id, at)
        })
        .collect()
}

/// An SVG document `width` × `height` points drawing `items`. `title` is
/// the accessible name; `description` the alt text.
pub fn svg(items: &[Item], width: f32, height: f32, fonts: &Fonts, title: &str, description: &str) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}pt\" height=\"{height}pt\" viewBox=\"0 0 {width} {height}\" role=\"img\">\n<title>{}</title>\n<desc>{}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        escape(title),
        escape(description)
    );
    // Each glyph is defined once and reused.
    let mut defined: Vec<(Face, u16)> = Vec::new();
    let mut defs = String::new();
    let mut body = String::new();
    for item in items {
        match item {
            Item::Rect { x, y, w, h, color } => {
                let _ = writeln!(
                    body,
                    "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"{}\"/>",
                    hex(*color)
                );
            }
            Item::Path { points, width, color } => {
                let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
                if *width > 0.0 {
                    let _ = writeln!(
                        body,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width:.2}\" stroke-linejoin=\"round\"/>",
                        pts.join(" "),
                        hex(*color)
                    );
                } else {
                    let _ = writeln!(body, "<polygon points=\"{}\" fill=\"{}\"/>", pts.join(" "), hex(*color));
                }
            }
            Item::Shape { rings, fill, outline } => {
                let d: Vec<String> = rings
                    .iter()
                    .map(|ring| {
                        let pts: Vec<String> = ring.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
                        format!("M{}Z", pts.join("L"))
                    })
                    .collect();
                let stroke = match outline {
                    Some((color, width)) => {
                        format!(" stroke=\"{}\" stroke-width=\"{width:.2}\" stroke-linejoin=\"round\"", hex(*color))
                    }
                    None => String::new(),
                };
                let _ = writeln!(
                    body,
                    "<path d=\"{}\" fill=\"{}\" fill-rule=\"evenodd\"{stroke}/>",
                    d.join(""),
                    hex(*fill)
                );
            }
            Item::Text { x, y, size, face, color, glyphs } => {
                let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
                let scale = size / fonts.units_per_em(*face);
                let _ = write!(body, "<g fill=\"{}\" aria-label=\"{}\">", hex(*color), escape(&text));
                for (id, gx) in glyph_positions(*x, *size, glyphs) {
                    let name = format!("g{}-{id}", *face as usize);
                    if !defined.contains(&(*face, id)) {
                        defined.push((*face, id));
                        let mut path = SvgPath(String::new());
                        fonts.outline(*face, id, &mut path);
                        let _ = writeln!(defs, "<path id=\"{name}\" d=\"{}\"/>", path.0);
                    }
                    let _ = write!(
                        body,
                        "<use href=\"#{name}\" transform=\"translate({gx:.2} {y:.2}) scale({scale:.5} {:.5})\"/>",
                        -scale
                    );
                }
                body.push_str("</g>\n");
            }
            Item::Link { .. } | Item::Tag(_) => {}
        }
    }
    let _ = write!(out, "<defs>\n{defs}</defs>\n{body}</svg>\n");
    out
}

/// A PNG image of `items`, `width` × `height` points at [`PNG_SCALE`] pixels per point.
pub fn png(items: &[Item], width: f32, height: f32, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let (w, h) = ((width * PNG_SCALE).ceil() as u32, (height * PNG_SCALE).ceil() as u32);
    let mut pixmap = Pixmap::new(w.max(1), h.max(1)).ok_or("the figure is too large for a PNG")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let page = Transform::from_scale(PNG_SCALE, PNG_SCALE);
    let paint = |c: Color| {
        let mut p = Paint::default();
        p.set_color_rgba8(c.0, c.1, c.2, 255);
        p.anti_alias = true;
        p
    };
    for item in items {
        match item {
            Item::Rect { x, y, w, h, color } => {
                if let Some(rect) = tiny_skia::Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) {
                    pixmap.fill_rect(rect, &paint(*color), page, None);
                }
            }
            Item::Path { points, width, color } => {
                let mut pb = PathBuilder::new();
                for (i, &(x, y)) in points.iter().enumerate() {
                    if i == 0 { pb.move_to(x, y) } else { pb.line_to(x, y) }
                }
                if *width == 0.0 {
                    pb.close();
                }
                let Some(path) = pb.finish() else { continue };
                if *width > 0.0 {
                    let stroke = Stroke {
                        width: *width,
                        line_join: LineJoin::Round,
                        line_cap: LineCap::Butt,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&path, &paint(*color), &stroke, page, None);
                } else {
                    pixmap.fill_path(&path, &paint(*color), FillRule::Winding, page, None);
                }
            }
            Item::Shape { rings, fill, outline } => {
                let mut pb = PathBuilder::new();
                for ring in rings {
                    for (i, &(x, y)) in ring.iter().enumerate() {
                        if i == 0 { pb.move_to(x, y) } else { pb.line_to(x, y) }
                    }
                    pb.close();
                }
                let Some(path) = pb.finish() else { continue };
                pixmap.fill_path(&path, &paint(*fill), FillRule::EvenOdd, page, None);
                if let Some((color, width)) = outline {
                    let stroke = Stroke { width: *width, line_join: LineJoin::Round, ..Stroke::default() };
                    pixmap.stroke_path(&path, &paint(*color), &stroke, page, None);
                }
            }
            Item::Text { x, y, size, face, color, glyphs } => {
                let scale = size / fonts.units_per_em(*face);
                for (id, gx) in glyph_positions(*x, *size, glyphs) {
                    let mut builder = SkiaPath(PathBuilder::new());
                    fonts.outline(*face, id, &mut builder);
                    let Some(path) = builder.0.finish() else { continue };
                    let glyph = Transform::from_row(scale, 0.0, 0.0, -scale, gx, *y).post_concat(page);
                    pixmap.fill_path(&path, &paint(*color), FillRule::Winding, glyph, None);
                }
            }
            Item::Link { .. } | Item::Tag(_) => {}
        }
    }
    pixmap.encode_png().map_err(|e| e.to_string())
}
