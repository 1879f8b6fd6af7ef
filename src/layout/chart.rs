//! Charts drawn with plotters into the layout's own items, so they come out
//! as vector paths and real text in the bundled fonts, measured with the same
//! metrics as the body text.
//!
//! [`ItemBackend`] is a plotters drawing backend that records primitives as
//! [`Item`]s. The chart kinds (line, column, bar) compute their own scales
//! and ticks (see `ticks`) and draw through a plotters `DrawingArea`,
//! following the Analysis Function's guidance: a headline title, direct
//! labels instead of a legend, light horizontal gridlines only, and a dash
//! pattern as well as a colour for every series so that charts survive
//! black-and-white printing. Columns and bars are drawn from zero, with the
//! zero line marked, whatever their sign; a line's value axis is fitted to
//! the data unless the author asks for zero.
//!
//! Labels that belong to the data (series names at the line ends, values
//! at marked points and column ends, reference-line labels) are placed
//! after the lines are known: every drawn label, column and marker is a
//! taken box and every series or reference line a segment, and each new
//! label takes the first of its candidate places (beside, above, below,
//! then nudged further) that keeps clear of them all and stays inside the
//! plot. The candidates come in a fixed order, so placement is deterministic.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, PathElement, Rectangle, Text};
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters::style::{Color as _, RGBColor, ShapeStyle, TextStyle};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontFamily,
};

use crate::analyse::format;
use crate::analyse::stats::X;
use crate::compose::{ChartData, ChartSeries};
use crate::frame::Item;
use crate::layout::ticks::{self, time_of};
use crate::resolve::{Annotation, AxisStart, ChartKind};
use crate::text::fonts::{Face, Fonts};
use crate::text::linebreak::{Color, Span, Typesetter};

/// Backend units per point: plotters works in integer coordinates, so
/// drawing at ten units per point keeps positions exact to 0.1 pt.
const SCALE: f64 = 10.0;

/// The Analysis Function categorical palette (first six), in order of use.
pub const PALETTE: [Color; 6] = [
    Color(0x12, 0x43, 0x6d),
    Color(0x28, 0xa1, 0x97),
    Color(0x80, 0x16, 0x50),
    Color(0xf4, 0x6a, 0x25),
    Color(0x3d, 0x3d, 0x3d),
    Color(0xa2, 0x85, 0xd1),
];

/// Dash patterns (on, off lengths in points) paired with the palette: the
/// first series is solid, the others dashed or dotted.
pub const DASHES: [Option<(f64, f64)>; 6] =
    [None, Some((6.0, 3.0)), Some((1.5, 2.0)), Some((10.0, 3.0)), Some((3.0, 3.0)), Some((6.0, 6.0))];

/// For black-and-white printing (`--gray`): greys far enough apart to tell
/// from each other, with longer, more distinct dashes.
pub const GRAY_PALETTE: [Color; 6] = [
    Color(0x1a, 0x1a, 0x1a),
    Color(0x59, 0x59, 0x59),
    Color(0x33, 0x33, 0x33),
    Color(0x80, 0x80, 0x80),
    Color(0x40, 0x40, 0x40),
    Color(0x6b, 0x6b, 0x6b),
];
pub const GRAY_DASHES: [Option<(f64, f64)>; 6] =
    [None, Some((8.0, 4.0)), Some((1.5, 3.0)), Some((14.0, 4.0)), Some((4.0, 4.0)), Some((8.0, 8.0))];

const GRID: Color = Color(0xd9, 0xd9, 0xd9);
const AXIS: Color = Color(0x50, 0x5a, 0x5f);
/// Bars that are not highlighted: mid grey, 4.5:1 against white.
const MUTED: Color = Color(0x70, 0x70, 0x70);
const LABEL: f64 = 8.0;
/// Room kept between a placed label and anything else, in points.
const CLEAR: f64 = 1.0;
/// Radius of a marker drawn by `Chart::dot`, its white ring included.
const DOT: f64 = 3.2;
/// A line of fewer points than this at different times of the year gets a
/// marker on each, so a reader can tell which are which.
const SPARSE: usize = 25;
/// The smallest type bar labels shrink to in rows too tight for `LABEL`.
const MIN_BAR_LABEL: f64 = 5.5;
/// Gridlines are never closer than this: a short plot gets fewer of them.
const MIN_GRID_GAP: f64 = 20.0;

/// Colour and dash pattern of the `i`th series.
fn series_style(data: &ChartData, i: usize) -> (Color, Option<(f64, f64)>) {
    let (colors, dashes) = if data.gray { (&GRAY_PALETTE, &GRAY_DASHES) } else { (&PALETTE, &DASHES) };
    (colors[i % colors.len()], dashes[i % dashes.len()])
}

/// Records plotters' primitives as layout items (y grows downwards).
pub struct ItemBackend<'a> {
    ts: &'a Typesetter<'a>,
    width: u32,
    height: u32,
    items: Rc<RefCell<Vec<Item>>>,
}

/// The backend never fails; plotters still needs an error type.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("chart drawing failed")
    }
}

impl std::error::Error for Never {}

type DrawResult = Result<(), DrawingErrorKind<Never>>;

fn pt(v: i32) -> f32 {
    (v as f64 / SCALE) as f32
}

fn units(v: f64) -> i32 {
    (v * SCALE).round() as i32
}

fn color(c: BackendColor) -> Color {
    // PDF colours have no alpha: blend over white, which is what the reader sees.
    let blend = |v: u8| (255.0 - c.alpha.clamp(0.0, 1.0) * (255.0 - v as f64)).round() as u8;
    Color(blend(c.rgb.0), blend(c.rgb.1), blend(c.rgb.2))
}

/// The face plotters asks for: "bold" picks Noto Sans Bold, anything else Noto Sans.
fn face(family: FontFamily) -> Face {
    match family {
        FontFamily::Name(name) if name.contains("bold") => Face::SansBold,
        _ => Face::Sans,
    }
}

impl ItemBackend<'_> {
    fn push(&self, item: Item) {
        self.items.borrow_mut().push(item);
    }
}

impl DrawingBackend for ItemBackend<'_> {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn ensure_prepared(&mut self) -> DrawResult {
        Ok(())
    }

    fn present(&mut self) -> DrawResult {
        Ok(())
    }

    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> DrawResult {
        if c.alpha > 0.0 {
            self.push(Item::Rect { x: pt(p.0), y: pt(p.1), w: 0.1, h: 0.1, color: color(c) });
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> DrawResult {
        self.draw_path([from, to], s)
    }

    fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S, fill: bool) -> DrawResult {
        if s.color().alpha == 0.0 {
            return Ok(());
        }
        if fill {
            let (x0, x1) = (pt(a.0.min(b.0)), pt(a.0.max(b.0)));
            let (y0, y1) = (pt(a.1.min(b.1)), pt(a.1.max(b.1)));
            self.push(Item::Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0, color: color(s.color()) });
            Ok(())
        } else {
            self.draw_path([a, (b.0, a.1), b, (a.0, b.1), a], s)
        }
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, s: &S) -> DrawResult {
        let points: Vec<(f32, f32)> = path.into_iter().map(|(x, y)| (pt(x), pt(y))).collect();
        if points.len() >= 2 && s.color().alpha > 0.0 {
            let width = (s.stroke_width() as f64 / SCALE).max(0.1) as f32;
            self.push(Item::Path { points, width, color: color(s.color()) });
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, s: &S, fill: bool) -> DrawResult {
        // A 24-gon is indistinguishable from a circle at marker sizes.
        let points = (0..=24).map(|i| {
            let a = i as f64 / 24.0 * std::f64::consts::TAU;
            (c.0 + (r as f64 * a.cos()).round() as i32, c.1 + (r as f64 * a.sin()).round() as i32)
        });
        if fill { self.fill_polygon(points, s) } else { self.draw_path(points, s) }
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, s: &S) -> DrawResult {
        let points: Vec<(f32, f32)> = vert.into_iter().map(|(x, y)| (pt(x), pt(y))).collect();
        if points.len() >= 3 && s.color().alpha > 0.0 {
            self.push(Item::Path { points, width: 0.0, color: color(s.color()) });
        }
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let size = (style.size() / SCALE) as f32;
        let width = self.ts.fonts.width(face(style.family()), size, text);
        Ok(((width as f64 * SCALE).ceil() as u32, style.size().ceil() as u32))
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> DrawResult {
        let face = face(style.family());
        let size = (style.size() / SCALE) as f32;
        let line = self.ts.line(&[Span::new(text, face).color(color(style.color()))], size);
        let anchor = style.anchor();
        let x = pt(pos.0)
            - match anchor.h_pos {
                HPos::Left => 0.0,
                HPos::Center => line.width / 2.0,
                HPos::Right => line.width,
            };
        // plotters anchors text by its box; we set it on a baseline using the
        // font's cap height, so labels centre on gridlines exactly.
        let cap = self.ts.fonts.vmetrics(face).cap_height * size / 1000.0;
        let y = pt(pos.1)
            + match anchor.v_pos {
                VPos::Top => cap,
                VPos::Center => cap / 2.0,
                VPos::Bottom => 0.0,
            };
        for run in line.runs {
            self.push(Item::Text { x: x + run.x, y, size, face: run.face, color: run.color, glyphs: run.glyphs });
        }
        Ok(())
    }
}

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn stroke(c: Color, width: f64) -> ShapeStyle {
    plotters::style::Color::stroke_width(&rgb(c), units(width) as u32)
}

/// How a piece of chart text is set: size, bold or regular, its colour, and
/// which point of its box the position given with it names.
#[derive(Clone, Copy)]
struct Style {
    size: f64,
    bold: bool,
    color: Color,
    h: HPos,
    v: VPos,
}

fn style(bold: bool, color: Color, h: HPos, v: VPos) -> Style {
    Style { size: LABEL, bold, color, h, v }
}

impl Style {
    /// The plotters text style that `ItemBackend::draw_text` turns back into this.
    fn plotters(self) -> TextStyle<'static> {
        let family = if self.bold { "bold" } else { "sans-serif" };
        let mut style = TextStyle::from((family, self.size * SCALE));
        style.color = rgb(self.color).to_backend_color();
        style.pos = Pos::new(self.h, self.v);
        style
    }
}

/// A box on the chart in points, y growing downwards: the room a label
/// takes (cap height above its baseline, the font's descent below) or a
/// column or marker that labels keep off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    fn grow(self, d: f64) -> Rect {
        Rect { x0: self.x0 - d, y0: self.y0 - d, x1: self.x1 + d, y1: self.y1 + d }
    }

    /// Whether the boxes share more than an edge.
    pub(super) fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    pub(super) fn within(&self, outer: &Rect) -> bool {
        const SLACK: f64 = 1e-6;
        self.x0 >= outer.x0 - SLACK
            && self.y0 >= outer.y0 - SLACK
            && self.x1 <= outer.x1 + SLACK
            && self.y1 <= outer.y1 + SLACK
    }

    /// Whether the segment from `a` to `b` passes through the box
    /// (Liang–Barsky clipping: the segment's parameter range left inside
    /// all four edges is not empty).
    fn crosses(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [(-dx, a.0 - self.x0), (dx, self.x1 - a.0), (-dy, a.1 - self.y0), (dy, self.y1 - a.1)] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// A stretch of drawn line that labels keep off, with half its stroke width.
#[derive(Clone, Copy)]
struct Segment {
    a: (f64, f64),
    b: (f64, f64),
    half: f64,
}

/// The label of an x value on an axis: years for dates, as written otherwise.
fn axis_label(x: &X) -> String {
    match x {
        X::Date { year, .. } | X::Month { year, .. } | X::Quarter { year, .. } | X::Year(year) => year.to_string(),
        other => other.to_string(),
    }
}

/// Draws a chart `width` × `height` points; items are relative to its top-left.
pub fn draw(data: &ChartData, ts: &Typesetter, width: f32, height: f32) -> Vec<Item> {
    let items = Rc::new(RefCell::new(Vec::new()));
    let backend = ItemBackend {
        ts,
        width: units(width as f64) as u32,
        height: units(height as f64) as u32,
        items: items.clone(),
    };
    let area = backend.into_drawing_area();
    let chart = Chart {
        ts,
        area: &area,
        width: width as f64,
        height: height as f64,
        data,
        taken: RefCell::new(Vec::new()),
        lines: RefCell::new(Vec::new()),
    };
    // Drawing into items cannot fail (the backend's error type is never produced).
    let _ = match data.kind {
        ChartKind::Line => chart.line(),
        ChartKind::Column => chart.column(),
        ChartKind::Bar => chart.bar(),
    };
    drop(area);
    let mut items = Rc::try_unwrap(items).map(RefCell::into_inner).unwrap_or_default();
    if data.gray {
        // The axis and text colours carry a slight tint; printed in black and
        // white, every ink of the chart is a true grey of the same lightness.
        for item in &mut items {
            if let Item::Text { color, .. } | Item::Rect { color, .. } | Item::Path { color, .. } = item {
                *color = grey_of(*color);
            }
        }
    }
    items
}

/// The grey as light as `c` (Rec. 709 luma), for `--gray` charts and maps.
pub(super) fn grey_of(c: Color) -> Color {
    let luma = 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
    let v = luma.round().clamp(0.0, 255.0) as u8;
    Color(v, v, v)
}

struct Chart<'a, 'b> {
    ts: &'a Typesetter<'a>,
    area: &'b DrawingArea<ItemBackend<'a>, Shift>,
    width: f64,
    height: f64,
    data: &'b ChartData,
    /// The boxes of everything drawn so far that a label must not cover:
    /// text, columns, markers. Labels placed later keep clear of them.
    taken: RefCell<Vec<Rect>>,
    /// The series and reference lines, which labels must not cross.
    lines: RefCell<Vec<Segment>>,
}

/// A linear map from data values to chart coordinates.
#[derive(Clone, Copy)]
struct Scale {
    from: (f64, f64),
    to: (f64, f64),
}

impl Scale {
    fn at(&self, v: f64) -> f64 {
        let span = self.from.1 - self.from.0;
        let t = if span.abs() < f64::EPSILON { 0.5 } else { (v - self.from.0) / span };
        self.to.0 + t * (self.to.1 - self.to.0)
    }
}

/// Top-left corners `wanted` (sorted) of boxes in a column, moved so that
/// they are at least `pitch` apart and between `lo` and `hi`: each pushed
/// down clear of the one above, then the stack pushed back up from `hi`.
/// Only if they cannot all fit do they share the room evenly, closer than
/// `pitch`.
fn spread(wanted: &[f64], pitch: f64, lo: f64, hi: f64) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::with_capacity(wanted.len());
    for &w in wanted {
        let at = out.last().map_or(w, |prev| w.max(prev + pitch)).max(lo);
        out.push(at);
    }
    let mut limit = hi;
    for at in out.iter_mut().rev() {
        *at = at.min(limit);
        limit = *at - pitch;
    }
    if out.first().is_some_and(|first| *first < lo) {
        let step = if out.len() > 1 { (hi - lo) / (out.len() - 1) as f64 } else { 0.0 };
        for (i, at) in out.iter_mut().enumerate() {
            *at = lo + step * i as f64;
        }
    }
    out
}

impl Chart<'_, '_> {
    fn text_width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let face = if bold { Face::SansBold } else { Face::Sans };
        self.ts.fonts.width(face, size as f32, text) as f64
    }

    /// Width, cap height and depth below the baseline of a label of the usual size.
    fn label_size(&self, text: &str, bold: bool) -> (f64, f64, f64) {
        self.sized(text, LABEL, bold)
    }

    /// Width, cap height and depth below the baseline of text at `size`.
    fn sized(&self, text: &str, size: f64, bold: bool) -> (f64, f64, f64) {
        let m = self.ts.fonts.vmetrics(if bold { Face::SansBold } else { Face::Sans });
        let em = size / 1000.0;
        (self.text_width(text, size, bold), m.cap_height as f64 * em, -m.descent as f64 * em)
    }

    /// The box of `text` set at `(x, y)` in style `s`, as `ItemBackend::draw_text` sets it.
    fn label_box(&self, text: &str, x: f64, y: f64, s: Style) -> Rect {
        let (w, cap, descent) = self.sized(text, s.size, s.bold);
        let x0 = x - match s.h {
            HPos::Left => 0.0,
            HPos::Center => w / 2.0,
            HPos::Right => w,
        };
        let baseline = y + match s.v {
            VPos::Top => cap,
            VPos::Center => cap / 2.0,
            VPos::Bottom => 0.0,
        };
        Rect { x0, y0: baseline - cap, x1: x0 + w, y1: baseline + descent }
    }

    /// Draws `text` at `(x, y)`; its box is then taken.
    fn text(&self, text: &str, x: f64, y: f64, s: Style) -> DrawResult {
        self.taken.borrow_mut().push(self.label_box(text, x, y, s));
        self.area
            .draw(&Text::new(text.to_string(), (units(x), units(y)), s.plotters()))
            .map_err(|_| DrawingErrorKind::FontError(Box::new(Never)))
    }

    /// Draws `text` in the box `b` found for it by `first_free`.
    fn text_in(&self, text: &str, b: Rect, bold: bool, color: Color) -> DrawResult {
        let (_, _, descent) = self.label_size(text, bold);
        self.text(text, b.x0, b.y1 - descent, style(bold, color, HPos::Left, VPos::Bottom))
    }

    /// Whether a label in `b` keeps `CLEAR` from every taken box and line.
    fn free(&self, b: &Rect) -> bool {
        let padded = b.grow(CLEAR);
        !self.taken.borrow().iter().any(|t| t.overlaps(&padded))
            && !self.lines.borrow().iter().any(|s| padded.grow(s.half).crosses(s.a, s.b))
    }

    /// The first box `w` × `h` with its top-left corner at one of
    /// `corners` that lies within `area` and is free.
    fn first_free(&self, w: f64, h: f64, area: Rect, corners: impl IntoIterator<Item = (f64, f64)>) -> Option<Rect> {
        corners
            .into_iter()
            .map(|(x, y)| Rect { x0: x, y0: y, x1: x + w, y1: y + h })
            .find(|b| b.within(&area) && self.free(b))
    }

    /// Whether a leader line from `a` to `b` would pass clear of every
    /// taken box and line.
    fn leader_is_clear(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let span = Rect { x0: a.0.min(b.0), y0: a.1.min(b.1), x1: a.0.max(b.0), y1: a.1.max(b.1) };
        !self.taken.borrow().iter().any(|t| t.grow(0.5).crosses(a, b))
            && !self.lines.borrow().iter().any(|s| span.grow(s.half + 0.5).crosses(s.a, s.b))
    }

    /// Marks a drawn polyline as one that labels must not cross.
    fn keep_off_line(&self, points: &[(f64, f64)], width: f64) {
        let mut lines = self.lines.borrow_mut();
        lines.extend(points.windows(2).map(|w| Segment { a: w[0], b: w[1], half: width / 2.0 }));
    }

    fn path(&self, points: &[(f64, f64)], c: Color, width: f64, dash: Option<(f64, f64)>) -> DrawResult {
        let coords: Vec<(i32, i32)> = points.iter().map(|&(x, y)| (units(x), units(y))).collect();
        let result = match dash {
            None => self.area.draw(&PathElement::new(coords, stroke(c, width))),
            Some((on, off)) => {
                self.area.draw(&DashedPathElement::new(coords, units(on) as u32, units(off) as u32, stroke(c, width)))
            }
        };
        result.map_err(|_| DrawingErrorKind::FontError(Box::new(Never)))
    }

    fn rect(&self, x0: f64, y0: f64, x1: f64, y1: f64, c: Color) -> DrawResult {
        self.area
            .draw(&Rectangle::new([(units(x0), units(y0)), (units(x1), units(y1))], rgb(c).filled()))
            .map_err(|_| DrawingErrorKind::FontError(Box::new(Never)))
    }

    fn dot(&self, x: f64, y: f64, c: Color) -> DrawResult {
        let ring = (0..=16)
            .map(|i| {
                let a = i as f64 / 16.0 * std::f64::consts::TAU;
                (x + 2.6 * a.cos(), y + 2.6 * a.sin())
            })
            .collect::<Vec<_>>();
        self.path(&ring, Color(0xff, 0xff, 0xff), 1.2, None)?;
        let coords: Vec<(i32, i32)> = ring.iter().map(|&(x, y)| (units(x), units(y))).collect();
        self.area
            .draw(&plotters::element::Polygon::new(coords, rgb(c).filled()))
            .map_err(|_| DrawingErrorKind::FontError(Box::new(Never)))
    }

    /// The square a marker drawn by `dot` at `(x, y)` covers, ring included.
    fn dot_box(x: f64, y: f64) -> Rect {
        Rect { x0: x - DOT, y0: y - DOT, x1: x + DOT, y1: y + DOT }
    }

    fn value_text(&self, v: f64) -> String {
        format::number(v, &self.data.format)
    }

    /// The values the value axis must show: the data, the reference lines
    /// and where the axis is asked to start. `None` when there is no value.
    fn value_range(&self, extra: &[f64]) -> Option<(f64, f64)> {
        let values =
            self.data.series.iter().flat_map(|s| s.points.iter().filter_map(|p| p.1)).chain(extra.iter().copied());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !lo.is_finite() {
            return None;
        }
        let with_zero = (lo.min(0.0), hi.max(0.0));
        Some(match (self.data.kind, self.data.axis_start) {
            // A column's or bar's length is its value: the axis always has zero.
            (ChartKind::Column | ChartKind::Bar, _) | (ChartKind::Line, AxisStart::Zero) => with_zero,
            (ChartKind::Line, AxisStart::Auto) => (lo, hi),
            // Never above the data: that would cut the line off.
            (ChartKind::Line, AxisStart::At(v)) => (v.min(lo), hi),
        })
    }

    /// The value axis of line and column charts: ticks covering the data and
    /// the reference lines, never closer than `MIN_GRID_GAP`, the scale onto
    /// the plot, and the plot's top and bottom (room above for the axis
    /// title, below for the x labels).
    fn value_frame(&self) -> (Vec<f64>, Scale, f64, f64) {
        let mut extra: Vec<f64> = self.data.references.iter().map(|r| r.0).collect();
        let (top, bottom) = (14.0, self.height - 16.0);
        let ticks_for = |extra: &[f64]| match self.value_range(extra) {
            Some((lo, hi)) => ticks::spaced_ticks(lo, hi, bottom - top, MIN_GRID_GAP),
            None => vec![0.0, 1.0],
        };
        let mut ticks = ticks_for(&extra);
        if self.data.kind == ChartKind::Column {
            let room = self.column_value_room(&ticks, top, bottom);
            if !room.is_empty() {
                extra.extend(room);
                ticks = ticks_for(&extra);
            }
        }
        let y = Scale { from: (ticks[0], ticks[ticks.len() - 1]), to: (bottom, top) };
        (ticks, y, top, bottom)
    }

    /// A marked column's value goes outside its end, so the axis must leave
    /// room for it: beyond the plot's bottom a value below a negative column
    /// would run into the x labels, and a value above a positive one cannot
    /// leave the chart. The values the axis must reach for the labels that
    /// `ticks` leave no room for.
    fn column_value_room(&self, ticks: &[f64], top: f64, bottom: f64) -> Vec<f64> {
        let (_, cap, descent) = self.label_size("0", true);
        let h = cap + descent;
        let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
        let y = Scale { from: (lo, hi), to: (bottom, top) };
        let per_point = (hi - lo) / (bottom - top);
        self.marks()
            .into_iter()
            .filter_map(|(_, v)| {
                let end = y.at(v);
                // Points missing, with some to spare for the wider axis.
                let short = if v >= 0.0 { h + CLEAR - end } else { end + 2.5 + h + CLEAR - bottom };
                (short > 0.0).then(|| v + (short + 4.0) * per_point * if v >= 0.0 { 1.0 } else { -1.0 })
            })
            .collect()
    }

    /// Gridlines and value labels; returns the left edge of the plot area.
    fn value_axis(&self, ticks: &[f64], y: Scale) -> Result<f64, DrawingErrorKind<Never>> {
        let decimals = ticks::decimals(ticks);
        let spec = format::Spec { decimals: Some(decimals), ..format::Spec::default() };
        let labels: Vec<String> = ticks.iter().map(|t| format::number(*t, &spec)).collect();
        let left = labels.iter().map(|l| self.text_width(l, LABEL, false)).fold(0.0, f64::max) + 6.0;
        for (t, label) in ticks.iter().zip(&labels) {
            let yy = y.at(*t);
            // The zero line is marked in the axis colour; so it stands out
            // from the gridlines where bars or lines go below it.
            let baseline = *t == 0.0;
            // A column chart draws its zero line once, after the columns, over their feet.
            if !(baseline && self.data.kind == ChartKind::Column) {
                self.path(
                    &[(left, yy), (self.width, yy)],
                    if baseline { AXIS } else { GRID },
                    if baseline { 0.9 } else { 0.5 },
                    None,
                )?;
            }
            self.text(label, left - 4.0, yy, style(false, AXIS, HPos::Right, VPos::Center))?;
        }
        if !self.data.unit.is_empty() {
            self.text(&self.data.unit, 0.0, 0.0, style(false, AXIS, HPos::Left, VPos::Top))?;
        }
        Ok(left)
    }

    /// Dashed reference lines, each labelled at one end on whichever side
    /// leaves it clear of the data and the other labels.
    fn references(&self, left: f64, right: f64, y: Scale, bottom: f64) -> DrawResult {
        // Every line first, so that no label is set across another's line.
        for (value, _) in &self.data.references {
            let yy = y.at(*value);
            self.keep_off_line(&[(left, yy), (right, yy)], 0.9);
        }
        let first_value = self.data.series.first().and_then(|s| s.points.iter().find_map(|p| p.1));
        let area = Rect { x0: left, y0: 0.0, x1: right, y1: bottom };
        for (value, label) in &self.data.references {
            let yy = y.at(*value);
            self.path(&[(left, yy), (right, yy)], AXIS, 0.9, Some((4.0, 2.5)))?;
            let (w, cap, descent) = self.label_size(label, false);
            let h = cap + descent;
            let (above, below) = (yy - 2.5 - h, yy + 2.5);
            // Where the data start above the line, its label goes below.
            let sides = if first_value.is_some_and(|v| v > *value) { [below, above] } else { [above, below] };
            let corners: Vec<(f64, f64)> =
                [left + 4.0, right - 4.0 - w].into_iter().flat_map(|x| sides.map(|y| (x, y))).collect();
            // A reference line is always labelled, even if nowhere is free.
            let fallback = Rect { x0: corners[0].0, y0: corners[0].1, x1: corners[0].0 + w, y1: corners[0].1 + h };
            let b = self.first_free(w, h, area, corners).unwrap_or(fallback);
            self.text_in(label, b, false, AXIS)?;
        }
        Ok(())
    }

    /// A line chart over time, with direct labels at the right of each line.
    fn line(&self) -> DrawResult {
        let (ticks, y, top, bottom) = self.value_frame();
        // One series needs no label: the title and axis say what it is. Its
        // right margin is kept for the annotation of its last point.
        let labelled = self.data.series.len() > 1;
        let label_width = if labelled {
            self.data.series.iter().map(|s| self.text_width(&s.label, LABEL, true)).fold(0.0, f64::max)
        } else {
            self.data
                .series
                .iter()
                .flat_map(|s| s.points.iter().filter_map(|p| p.1))
                .map(|v| self.text_width(&self.value_text(v), LABEL, true))
                .fold(0.0, f64::max)
        };
        let right = self.width - label_width.min(self.width * 0.3) - 8.0;
        let left = self.value_axis(&ticks, y)?;
        let xs: Vec<&X> = self.data.series.iter().flat_map(|s| s.points.iter().map(|p| &p.0)).collect();
        let (time_ticks, span) = ticks::time_ticks(&xs);
        let x = Scale { from: span, to: (left + 8.0, right) };
        self.time_axis(&time_ticks, x, bottom)?;
        // Points a reader must be able to find: a few at different times of
        // the year (which are March?), or unevenly spaced ones.
        let sub_annual = ticks::sub_annual(&xs);
        let marked = |s: &ChartSeries| {
            let times: Vec<f64> = s.points.iter().filter(|p| p.1.is_some()).map(|p| time_of(&p.0)).collect();
            (sub_annual && times.len() < SPARSE) || ticks::irregular(&times)
        };
        // Gaps in the data are gaps in the line. Every line is known before
        // any label is placed, so that labels keep off all of them.
        let mut runs: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
        for (i, s) in self.data.series.iter().enumerate() {
            for run in s.points.split(|p| p.1.is_none()) {
                let points: Vec<(f64, f64)> =
                    run.iter().filter_map(|(px, py)| py.map(|v| (x.at(time_of(px)), y.at(v)))).collect();
                match points.as_slice() {
                    [] => {}
                    [(px, py)] => self.taken.borrow_mut().push(Self::dot_box(*px, *py)),
                    _ => self.keep_off_line(&points, 2.0),
                }
                runs.push((i, points));
            }
        }
        self.references(left, right, y, bottom)?;
        for (i, points) in &runs {
            let (c, dash) = series_style(self.data, *i);
            match points.as_slice() {
                [] => {}
                [(px, py)] => self.dot(*px, *py, c)?,
                _ => self.path(points, c, 2.0, dash)?,
            }
        }
        for (i, points) in runs.iter().filter(|(i, _)| marked(&self.data.series[*i])) {
            let (c, _) = series_style(self.data, *i);
            for &(px, py) in points {
                self.dot(px, py, c)?;
                self.taken.borrow_mut().push(Self::dot_box(px, py));
            }
        }
        if labelled {
            let mut ends = Vec::new();
            for (i, s) in self.data.series.iter().enumerate() {
                if let Some((_, Some(v))) = s.points.iter().rev().find(|p| p.1.is_some()) {
                    ends.push((y.at(*v), i));
                }
            }
            self.direct_labels(&mut ends, right, top, bottom)?;
        }
        let area = Rect { x0: left, y0: 0.0, x1: self.width, y1: bottom };
        self.annotations(|px| x.at(time_of(px)), y, area)
    }

    /// Series names beside the ends of their lines (`(y, series)`), nudged
    /// apart so that none overlaps another or leaves the chart. They share
    /// the column right of the plot with nothing but a long axis title
    /// above `top`, which they keep below.
    fn direct_labels(&self, ends: &mut [(f64, usize)], right: f64, top: f64, bottom: f64) -> DrawResult {
        let (_, cap, descent) = self.label_size("", true);
        let h = cap + descent;
        let x0 = right + 6.0;
        let first =
            self.taken.borrow().iter().filter(|t| t.x1 > x0 && t.y1 <= top).map(|t| t.y1 + CLEAR).fold(0.0, f64::max);
        let last = bottom - h;
        // Loosely spaced when there is room; six names fit so even on the
        // shortest chart (80 pt), closer only on charts shorter still.
        let loose = LABEL * 1.3;
        let gaps = ends.len().saturating_sub(1) as f64;
        let pitch = if gaps * loose <= last - first { loose } else { h + CLEAR };
        ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // Each name's capitals centred on its line's end, as near as the others allow.
        let wanted: Vec<f64> = ends.iter().map(|e| e.0 - cap / 2.0).collect();
        for (&(_, i), y0) in ends.iter().zip(spread(&wanted, pitch, first, last)) {
            let (c, _) = series_style(self.data, i);
            let label = &self.data.series[i].label;
            let w = self.text_width(label, LABEL, true);
            self.text_in(label, Rect { x0, y0, x1: x0 + w, y1: y0 + h }, true, c)?;
        }
        Ok(())
    }

    /// Time labels under the plot (see `ticks::time_ticks`) at a regular
    /// step: every tick, or every 2nd, 5th, 10th... when they would crowd,
    /// counted back from the last.
    fn time_axis(&self, time_ticks: &[ticks::TimeTick], x: Scale, bottom: f64) -> DrawResult {
        let positions: Vec<f32> = time_ticks.iter().map(|t| x.at(t.at) as f32).collect();
        let widths: Vec<f32> = time_ticks.iter().map(|t| self.text_width(&t.label, LABEL, false) as f32).collect();
        for i in ticks::spaced_labels(&positions, &widths, 6.0) {
            let px = positions[i] as f64;
            self.path(&[(px, bottom), (px, bottom + 3.0)], AXIS, 0.6, None)?;
            // A label centred on the last tick may not run past the chart's edge.
            let half = widths[i] as f64 / 2.0;
            let centre = px.min(self.width - half);
            self.text(&time_ticks[i].label, centre, bottom + 5.0, style(false, AXIS, HPos::Center, VPos::Top))?;
        }
        Ok(())
    }

    /// The points of the first series to mark (index and value), each once,
    /// in the order asked for.
    fn marks(&self) -> Vec<(usize, f64)> {
        let Some(first) = self.data.series.first() else { return Vec::new() };
        let mut marks: Vec<(usize, f64)> = Vec::new();
        for which in &self.data.annotate {
            let values = first.points.iter().enumerate().filter_map(|(i, p)| p.1.map(|v| (i, v)));
            let found = match which {
                Annotation::Max => values.fold(
                    None,
                    |best: Option<(usize, f64)>, (i, v)| if best.is_none_or(|b| v > b.1) { Some((i, v)) } else { best },
                ),
                Annotation::Min => values.fold(
                    None,
                    |best: Option<(usize, f64)>, (i, v)| if best.is_none_or(|b| v < b.1) { Some((i, v)) } else { best },
                ),
                Annotation::Latest => values.max_by_key(|(i, _)| *i),
                Annotation::First => values.into_iter().next(),
            };
            if let Some(mark) = found
                && !marks.iter().any(|m| m.0 == mark.0)
            {
                marks.push(mark);
            }
        }
        marks
    }

    /// Marks the requested points of the first series with their values,
    /// placed where nothing else is: beside the last point, below a dip,
    /// above a peak; if that is taken, the other sides and corners of the
    /// marker, then further up or down with a leader line; never outside
    /// `area`. A value with nowhere to go is left out, marker and all,
    /// rather than printed over something.
    fn annotations(&self, x_of: impl Fn(&X) -> f64, y: Scale, area: Rect) -> DrawResult {
        let Some(first) = self.data.series.first() else { return Ok(()) };
        let (c, _) = series_style(self.data, 0);
        let marks = self.marks();
        let at = |i: usize, v: f64| (x_of(&first.points[i].0), y.at(v));
        // Every marker is taken before any value is placed beside another.
        for &(i, v) in &marks {
            let (px, py) = at(i, v);
            self.taken.borrow_mut().push(Self::dot_box(px, py));
        }
        for &(i, v) in &marks {
            let (px, py) = at(i, v);
            let label = self.value_text(v);
            let (w, cap, descent) = self.label_size(&label, true);
            let h = cap + descent;
            let neighbours: Vec<f64> = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| first.points.get(j).and_then(|p| p.1))
                .collect();
            let dip = !neighbours.is_empty() && neighbours.iter().all(|n| *n >= v);
            let last = first.points[i + 1..].iter().all(|p| p.1.is_none());
            let gap = DOT + CLEAR + 0.01;
            // Centred over or under the point, moved in from the edges.
            let centred = (px - w / 2.0).min(area.x1 - w).max(area.x0);
            let above = |lift: f64| (centred, py - gap - h - lift);
            let below = |drop: f64| (centred, py + gap + drop);
            let right = (px + gap, py - cap / 2.0);
            let left = (px - gap - w, py - cap / 2.0);
            // Off the corners of the marker, for where a line leaves it
            // steeply on one side.
            let (up, down) = (py - gap - h, py + gap);
            let (after, before) = (px + DOT, px - DOT - w);
            let corners = if last {
                vec![right, above(0.0), below(0.0), left, (after, up), (after, down), (before, up), (before, down)]
            } else if dip {
                vec![below(0.0), above(0.0), right, left, (after, down), (before, down), (after, up), (before, up)]
            } else {
                vec![above(0.0), below(0.0), right, left, (after, up), (before, up), (after, down), (before, down)]
            };
            if let Some(b) = self.first_free(w, h, area, corners) {
                self.dot(px, py, c)?;
                self.text_in(&label, b, true, c)?;
                continue;
            }
            // Where the data crowd the point (a narrow valley), further up
            // or down, joined to its marker by a thin leader line.
            let nudged = (1..=12).flat_map(|k| {
                let d = 3.0 * k as f64;
                if dip { [below(d), above(d)] } else { [above(d), below(d)] }
            });
            for (x0, y0) in nudged {
                let b = Rect { x0, y0, x1: x0 + w, y1: y0 + h };
                let up = b.y1 <= py;
                let from = (px, if up { py - DOT - 2.5 } else { py + DOT + 2.5 });
                let to = (px.max(b.x0).min(b.x1), if up { b.y1 + 1.0 } else { b.y0 - 1.0 });
                if b.within(&area) && self.free(&b) && self.leader_is_clear(from, to) {
                    self.path(&[from, to], c, 0.5, None)?;
                    self.keep_off_line(&[from, to], 0.5);
                    self.dot(px, py, c)?;
                    self.text_in(&label, b, true, c)?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// Values of the marked columns, outside the column's end (above a
    /// positive column, below a negative one) in the text colour; inside
    /// its end in white when something is in the way outside; left out
    /// when neither fits.
    fn column_values(&self, centre: impl Fn(usize) -> f64, half: f64, y: Scale, area: Rect) -> DrawResult {
        let base = y.at(0.0);
        for (i, v) in self.marks() {
            let label = self.value_text(v);
            let (w, cap, descent) = self.label_size(&label, true);
            let h = cap + descent;
            let end = y.at(v);
            let x0 = centre(i) - w / 2.0;
            let outside = if v >= 0.0 { (x0, end - CLEAR - 0.01 - h) } else { (x0, end + 2.5) };
            if let Some(b) = self.first_free(w, h, area, [outside]) {
                self.text_in(&label, b, true, Color::TEXT)?;
                continue;
            }
            let column = Rect { x0: centre(i) - half, y0: end.min(base), x1: centre(i) + half, y1: end.max(base) };
            let y0 = if v >= 0.0 { end + 2.5 } else { end - 2.5 - h };
            let inside = Rect { x0, y0, x1: x0 + w, y1: y0 + h };
            if inside.within(&column.grow(-1.0)) {
                self.text_in(&label, inside, true, Color(0xff, 0xff, 0xff))?;
            }
        }
        Ok(())
    }

    /// Vertical columns from zero, one per x value of the first series.
    fn column(&self) -> DrawResult {
        let (ticks, y, _, bottom) = self.value_frame();
        let left = self.value_axis(&ticks, y)?;
        let Some(series) = self.data.series.first() else { return Ok(()) };
        let n = series.points.len().max(1) as f64;
        let slot = (self.width - left - 4.0) / n;
        let centre = |i: usize| left + 4.0 + slot * (i as f64 + 0.5);
        // Zero is always on a column chart's axis (see `value_range`).
        let base = y.at(0.0);
        for (i, (_, v)) in series.points.iter().enumerate() {
            if let Some(v) = v {
                let (a, b) = (base.min(y.at(*v)), base.max(y.at(*v)));
                let (x0, x1) = (centre(i) - slot * 0.35, centre(i) + slot * 0.35);
                self.rect(x0, a, x1, b, series_style(self.data, 0).0)?;
                self.taken.borrow_mut().push(Rect { x0, y0: a, x1, y1: b });
            }
        }
        // The zero line, over the columns' feet (`value_axis` leaves it out).
        self.path(&[(left, base), (self.width, base)], AXIS, 0.9, None)?;
        let labels: Vec<String> = series.points.iter().map(|p| axis_label(&p.0)).collect();
        let positions: Vec<f32> = (0..series.points.len()).map(|i| centre(i) as f32).collect();
        let widths: Vec<f32> = labels.iter().map(|l| self.text_width(l, LABEL, false) as f32).collect();
        for i in ticks::spaced_labels(&positions, &widths, 6.0) {
            // The last label, wider than its column, may not run past the chart's edge.
            let x = centre(i).min(self.width - widths[i] as f64 / 2.0);
            self.text(&labels[i], x, bottom + 5.0, style(false, AXIS, HPos::Center, VPos::Top))?;
        }
        self.references(left, self.width, y, bottom)?;
        let area = Rect { x0: left, y0: 0.0, x1: self.width, y1: bottom };
        self.column_values(centre, slot * 0.35, y, area)
    }

    /// Horizontal bars from zero ranked from largest to smallest, each value
    /// beside its bar's end: right of a positive bar, left of a negative one.
    fn bar(&self) -> DrawResult {
        let Some(series) = self.data.series.first() else { return Ok(()) };
        let mut rows: Vec<(String, f64)> =
            series.points.iter().filter_map(|(x, v)| v.map(|v| (axis_label(x), v))).collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        let slot = self.height / rows.len().max(1) as f64;
        // Rows too tight for the usual size get smaller type, so that no
        // name or value runs into the next row's.
        let (_, cap, descent) = self.sized("", 1.0, true);
        let size = ((slot - CLEAR) / (cap + descent)).clamp(MIN_BAR_LABEL, LABEL);
        let label_width =
            rows.iter().map(|r| self.text_width(&r.0, size, true)).fold(0.0, f64::max).min(self.width * 0.35);
        let value_width = |negative: bool| {
            rows.iter()
                .filter(|r| (r.1 < 0.0) == negative)
                .map(|r| self.text_width(&self.value_text(r.1), size, true))
                .fold(0.0, f64::max)
        };
        let left = label_width + 8.0;
        // Room for the values beside the bar ends on either side of zero.
        let negatives = rows.iter().any(|r| r.1 < 0.0);
        let plot_left = if negatives { left + value_width(true) + 6.0 } else { left };
        let right = self.width - value_width(false) - 6.0;
        let lo = rows.iter().map(|r| r.1).fold(0.0, f64::min);
        let hi = rows.iter().map(|r| r.1).fold(0.0, f64::max);
        let x = Scale { from: (lo, if hi > lo { hi } else { lo + 1.0 }), to: (plot_left, right) };
        let zero = x.at(0.0);
        for (i, (name, v)) in rows.iter().enumerate() {
            let highlighted = self.data.highlight.iter().any(|h| h == name);
            let accent = series_style(self.data, 0).0;
            let c = if highlighted || self.data.highlight.is_empty() { accent } else { MUTED };
            let yy = slot * (i as f64 + 0.5);
            let end = x.at(*v);
            self.rect(zero.min(end), yy - slot * 0.36, zero.max(end), yy + slot * 0.36, c)?;
            let label_color = if highlighted { accent } else { Color::TEXT };
            let set = |h| Style { size, ..style(highlighted, label_color, h, VPos::Center) };
            self.text(name, left - 6.0, yy, set(HPos::Right))?;
            let (vx, h) = if *v < 0.0 { (end - 3.0, HPos::Right) } else { (end + 3.0, HPos::Left) };
            self.text(&self.value_text(*v), vx, yy, set(h))?;
        }
        // The zero line, over the bars' feet.
        self.path(&[(zero, 0.0), (zero, self.height)], AXIS, 0.9, None)
    }
}

/// A line describing every item, rounded, for snapshot tests and debugging.
pub fn describe(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        let line = match item {
            Item::Text { x, y, size, face, color, glyphs } => {
                let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
                format!("text {x:.1},{y:.1} {size}pt {face:?} #{:02x}{:02x}{:02x} {text:?}", color.0, color.1, color.2)
            }
            Item::Rect { x, y, w, h, color } => {
                format!("rect {x:.1},{y:.1} {w:.1}x{h:.1} #{:02x}{:02x}{:02x}", color.0, color.1, color.2)
            }
            Item::Path { points, width, color } => {
                let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                let kind = if *width > 0.0 { format!("line {width:.1}pt") } else { "fill".to_string() };
                format!("{kind} #{:02x}{:02x}{:02x} {}", color.0, color.1, color.2, pts.join(" "))
            }
            Item::Shape { rings, fill, outline } => {
                let rings: Vec<String> = rings
                    .iter()
                    .map(|r| r.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" "))
                    .collect();
                let edge = outline
                    .map_or_else(String::new, |(c, w)| format!(" edge {w:.2}pt #{:02x}{:02x}{:02x}", c.0, c.1, c.2));
                format!("shape #{:02x}{:02x}{:02x}{edge} {}", fill.0, fill.1, fill.2, rings.join(" | "))
            }
            Item::Link { .. } => "link".to_string(),
            Item::Tag(tag) => format!("tag {tag:?}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The largest extent of any item, to check that nothing is drawn outside.
pub fn bounds(items: &[Item], fonts: &Fonts) -> (f32, f32, f32, f32) {
    let mut b = (f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY);
    let mut add = |x: f32, y: f32| {
        b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
    };
    for item in items {
        match item {
            Item::Text { x, y, size, face, glyphs, .. } => {
                let w = crate::text::fonts::advance_sum(glyphs) * size / 1000.0;
                let m = fonts.vmetrics(*face);
                add(*x, y - m.cap_height * size / 1000.0);
                add(x + w, *y);
            }
            Item::Rect { x, y, w, h, .. } | Item::Link { x, y, w, h, .. } => {
                add(*x, *y);
                add(x + w, y + h);
            }
            Item::Path { points, .. } => points.iter().for_each(|&(x, y)| add(x, y)),
            Item::Shape { rings, .. } => rings.iter().flatten().for_each(|&(x, y)| add(x, y)),
            Item::Tag(_) => {}
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::ChartSeries;
    use crate::text::linebreak::Hyphenator;

    fn years(values: &[(i32, Option<f64>)]) -> Vec<(X, Option<f64>)> {
        values.iter().map(|(y, v)| (X::Year(*y), *v)).collect()
    }

    fn data(kind: ChartKind, series: Vec<ChartSeries>) -> ChartData {
        ChartData {
            kind,
            series,
            references: Vec::new(),
            annotate: Vec::new(),
            axis_start: AxisStart::Zero,
            highlight: Vec::new(),
            format: format::Spec::default(),
            unit: "Officers".into(),
            gray: false,
        }
    }

    fn drawn(d: &ChartData, width: f32, height: f32) -> Vec<Item> {
        let fonts = Fonts::new();
        let hyph = Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyph);
        draw(d, &ts, width, height)
    }

    /// Text items, with consecutive runs on one baseline joined by a space.
    fn texts(items: &[Item]) -> Vec<String> {
        let mut out: Vec<(f32, String)> = Vec::new();
        for item in items {
            if let Item::Text { y, glyphs, .. } = item {
                let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
                match out.last_mut() {
                    Some((last_y, last)) if *last_y == *y => {
                        last.push(' ');
                        last.push_str(&text);
                    }
                    _ => out.push((*y, text)),
                }
            }
        }
        out.into_iter().map(|(_, t)| t).collect()
    }

    fn officers() -> ChartSeries {
        ChartSeries {
            label: "Met officers".into(),
            points: years(&[
                (2014, Some(30_932.0)),
                (2015, Some(32_252.0)),
                (2016, None),
                (2017, Some(31_517.0)),
                (2018, Some(30_390.0)),
            ]),
        }
    }

    #[test]
    fn line_chart_primitives() {
        let mut d = data(ChartKind::Line, vec![officers()]);
        d.references = vec![(30_000.0, "30,000".into())];
        d.annotate = vec![Annotation::Max, Annotation::Latest];
        insta::assert_snapshot!(describe(&drawn(&d, 300.0, 150.0)));
    }

    #[test]
    fn two_series_get_direct_labels_dashes_and_colours() {
        let other =
            ChartSeries { label: "Target".into(), points: years(&[(2014, Some(31_000.0)), (2018, Some(31_000.0))]) };
        let d = data(ChartKind::Line, vec![officers(), other]);
        let items = drawn(&d, 300.0, 150.0);
        let labels = texts(&items);
        assert!(labels.contains(&"Met officers".to_string()) && labels.contains(&"Target".to_string()), "{labels:?}");
        // The second series is dashed: many short segments in its colour.
        let dashed = items.iter().filter(|i| matches!(i, Item::Path { color, .. } if *color == PALETTE[1])).count();
        assert!(dashed > 10, "only {dashed} segments for the dashed series");
        // The gap in 2016 splits the first line in two.
        let solid = items
            .iter()
            .filter(|i| matches!(i, Item::Path { color, width, .. } if *color == PALETTE[0] && *width == 2.0))
            .count();
        assert_eq!(solid, 2);
        // In grey, no item uses a palette colour.
        let gray = drawn(&ChartData { gray: true, ..d }, 300.0, 150.0);
        let coloured = gray.iter().any(|i| match i {
            Item::Path { color, .. } | Item::Rect { color, .. } | Item::Text { color, .. } => PALETTE.contains(color),
            Item::Shape { .. } | Item::Link { .. } | Item::Tag(_) => false,
        });
        assert!(!coloured, "a coloured item in a --gray chart");
        let tinted: Vec<&Item> = gray
            .iter()
            .filter(|i| match i {
                Item::Path { color, .. } | Item::Rect { color, .. } | Item::Text { color, .. } => {
                    color.0 != color.1 || color.1 != color.2
                }
                Item::Shape { .. } | Item::Link { .. } | Item::Tag(_) => false,
            })
            .collect();
        assert!(tinted.is_empty(), "items of a --gray chart that are not grey: {tinted:?}");
    }

    #[test]
    fn fitted_line_axis_primitives() {
        // A line chart's default: the value axis fitted to the data, not from zero.
        let d = ChartData { axis_start: AxisStart::Auto, ..data(ChartKind::Line, vec![officers()]) };
        insta::assert_snapshot!(describe(&drawn(&d, 300.0, 150.0)));
    }

    #[test]
    fn column_chart_primitives() {
        let mut d = data(
            ChartKind::Column,
            vec![ChartSeries {
                label: "Homicides".into(),
                points: years(&[(2015, Some(120.0)), (2016, Some(118.0)), (2017, Some(142.0))]),
            }],
        );
        d.annotate = vec![Annotation::Latest];
        insta::assert_snapshot!(describe(&drawn(&d, 240.0, 120.0)));
    }

    #[test]
    fn bar_chart_primitives() {
        let points = ["Camden", "Westminster", "Sutton"]
            .iter()
            .zip([6_541.0, 9_873.0, 3_511.0])
            .map(|(n, v)| (X::Category(n.to_string()), Some(v)))
            .collect();
        let mut d = data(ChartKind::Bar, vec![ChartSeries { label: "Violence".into(), points }]);
        d.highlight = vec!["Westminster".into()];
        let items = drawn(&d, 300.0, 60.0);
        // Ranked largest first, the highlighted bar in the accent colour.
        let labels = texts(&items);
        assert_eq!(labels[0], "Westminster 9,873");
        insta::assert_snapshot!(describe(&items));
    }

    #[test]
    fn spread_keeps_labels_a_pitch_apart_within_bounds() {
        assert_eq!(spread(&[10.0, 12.0, 50.0], 10.0, 0.0, 100.0), vec![10.0, 20.0, 50.0]);
        // Pushed down past the bottom, the stack moves back up.
        assert_eq!(spread(&[95.0, 96.0], 10.0, 0.0, 100.0), vec![90.0, 100.0]);
        assert_eq!(spread(&[-5.0], 10.0, 0.0, 100.0), vec![0.0]);
        // More than fit: the room is shared evenly.
        assert_eq!(spread(&[0.0, 0.0, 0.0], 10.0, 0.0, 10.0), vec![0.0, 5.0, 10.0]);
    }

    #[test]
    fn segments_cross_a_box_only_where_they_enter_it() {
        let r = Rect { x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };
        assert!(r.crosses((-5.0, 5.0), (15.0, 5.0)));
        assert!(r.crosses((2.0, 2.0), (3.0, 3.0)), "wholly inside");
        assert!(r.crosses((-1.0, 5.0), (5.0, -1.0)), "across a corner");
        assert!(r.crosses((5.0, -5.0), (5.0, 15.0)), "vertical");
        assert!(!r.crosses((-5.0, -1.0), (15.0, -1.0)), "above");
        assert!(!r.crosses((-1.0, 0.5), (0.5, -1.0)), "past the corner");
        assert!(!r.crosses((11.0, -5.0), (20.0, 5.0)), "beside");
        assert!(!r.crosses((12.0, 5.0), (15.0, 5.0)), "short of it");
    }

    #[test]
    fn nothing_is_drawn_outside_the_chart_at_any_width() {
        let fonts = Fonts::new();
        for width in [120.0, 200.0, 453.0] {
            let mut d = data(ChartKind::Line, vec![officers()]);
            d.annotate = vec![Annotation::Max, Annotation::Min, Annotation::Latest, Annotation::First];
            let (x0, y0, x1, y1) = bounds(&drawn(&d, width, 150.0), &fonts);
            assert!(x0 >= -0.5 && y0 >= -0.5 && x1 <= width + 0.5 && y1 <= 150.5, "{width}: {:?}", (x0, y0, x1, y1));
        }
    }
}
