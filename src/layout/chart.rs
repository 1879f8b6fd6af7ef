//! Charts drawn with plotters into the layout's own items, so they come out
//! as vector paths and real text in the bundled fonts, measured with the same
//! metrics as the body text.
//!
//! [`ItemBackend`] is a plotters drawing backend that records primitives as
//! [`Item`]s. The chart kinds (line, column, bar) compute their own scales
//! and ticks (see `ticks`) and draw through a plotters `DrawingArea`,
//! following the Analysis Function's guidance: a headline title, direct
//! labels instead of a legend, light horizontal gridlines only, a zero
//! baseline unless asked otherwise, and a dash pattern as well as a colour
//! for every series so that charts survive black-and-white printing.

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
use crate::compose::ChartData;
use crate::frame::Item;
use crate::layout::ticks;
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

fn text_style(size: f64, bold: bool, c: Color, h: HPos, v: VPos) -> TextStyle<'static> {
    let family = if bold { "bold" } else { "sans-serif" };
    let mut style = TextStyle::from((family, size * SCALE));
    style.color = rgb(c).to_backend_color();
    style.pos = Pos::new(h, v);
    style
}

/// Where a value lies along a time axis, in years.
fn time_of(x: &X) -> f64 {
    match x {
        X::Date { year, month, day } => *year as f64 + ((*month as f64 - 1.0) * 30.5 + *day as f64) / 366.0,
        X::Year(y) => *y as f64,
        X::FinancialYear(y) => *y as f64 + 0.5,
        X::Category(_) => 0.0,
    }
}

/// The label of an x value on an axis: years for dates, as written otherwise.
fn axis_label(x: &X) -> String {
    match x {
        X::Date { year, .. } | X::Year(year) => year.to_string(),
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
    let chart = Chart { ts, area: &area, width: width as f64, height: height as f64, data };
    // Drawing into items cannot fail (the backend's error type is never produced).
    let _ = match data.kind {
        ChartKind::Line => chart.line(),
        ChartKind::Column => chart.column(),
        ChartKind::Bar => chart.bar(),
    };
    drop(area);
    Rc::try_unwrap(items).map(RefCell::into_inner).unwrap_or_default()
}

struct Chart<'a, 'b> {
    ts: &'a Typesetter<'a>,
    area: &'b DrawingArea<ItemBackend<'a>, Shift>,
    width: f64,
    height: f64,
    data: &'b ChartData,
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

impl Chart<'_, '_> {
    fn text_width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let face = if bold { Face::SansBold } else { Face::Sans };
        self.ts.fonts.width(face, size as f32, text) as f64
    }

    fn text(&self, text: &str, x: f64, y: f64, style: TextStyle) -> DrawResult {
        self.area
            .draw(&Text::new(text.to_string(), (units(x), units(y)), style))
            .map_err(|_| DrawingErrorKind::FontError(Box::new(Never)))
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

    fn value_text(&self, v: f64) -> String {
        format::number(v, &self.data.format)
    }

    /// Value range for the y axis: ticks and the scale they imply.
    fn value_ticks(&self, extra: &[f64]) -> Vec<f64> {
        let values =
            self.data.series.iter().flat_map(|s| s.points.iter().filter_map(|p| p.1)).chain(extra.iter().copied());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !lo.is_finite() {
            return vec![0.0, 1.0];
        }
        let lo = match self.data.axis_start {
            AxisStart::Zero => lo.min(0.0),
            AxisStart::At(v) => v.min(lo),
            AxisStart::Auto => lo,
        };
        ticks::nice_ticks(lo, hi, 5)
    }

    /// The value axis of line and column charts: ticks covering the data and
    /// the reference lines, the scale onto the plot, and the plot's top and
    /// bottom (room above for the axis title, below for the x labels).
    fn value_frame(&self) -> (Vec<f64>, Scale, f64, f64) {
        let refs: Vec<f64> = self.data.references.iter().map(|r| r.0).collect();
        let ticks = self.value_ticks(&refs);
        let (top, bottom) = (14.0, self.height - 16.0);
        let y = Scale { from: (ticks[0], ticks[ticks.len() - 1]), to: (bottom, top) };
        (ticks, y, top, bottom)
    }

    /// Gridlines and value labels; returns the left edge of the plot area.
    fn value_axis(&self, ticks: &[f64], y: Scale) -> Result<f64, DrawingErrorKind<Never>> {
        let decimals = ticks::decimals(ticks);
        let spec = format::Spec { decimals: Some(decimals), ..format::Spec::default() };
        let labels: Vec<String> = ticks.iter().map(|t| format::number(*t, &spec)).collect();
        let left = labels.iter().map(|l| self.text_width(l, LABEL, false)).fold(0.0, f64::max) + 6.0;
        for (t, label) in ticks.iter().zip(&labels) {
            let yy = y.at(*t);
            let baseline = *t == 0.0;
            self.path(
                &[(left, yy), (self.width, yy)],
                if baseline { AXIS } else { GRID },
                if baseline { 0.9 } else { 0.5 },
                None,
            )?;
            self.text(label, left - 4.0, yy, text_style(LABEL, false, AXIS, HPos::Right, VPos::Center))?;
        }
        if !self.data.unit.is_empty() {
            self.text(&self.data.unit, 0.0, 0.0, text_style(LABEL, false, AXIS, HPos::Left, VPos::Top))?;
        }
        Ok(left)
    }

    /// Dashed reference lines, labelled at the left on whichever side the
    /// data leave free there.
    fn references(&self, left: f64, right: f64, y: Scale) -> DrawResult {
        let first_value = self.data.series.first().and_then(|s| s.points.iter().find_map(|p| p.1));
        for (value, label) in &self.data.references {
            let yy = y.at(*value);
            self.path(&[(left, yy), (right, yy)], AXIS, 0.9, Some((4.0, 2.5)))?;
            let data_above = first_value.is_some_and(|v| v > *value);
            let (ly, v_pos) = if data_above { (yy + 2.5, VPos::Top) } else { (yy - 2.5, VPos::Bottom) };
            self.text(label, left + 4.0, ly, text_style(LABEL, false, AXIS, HPos::Left, v_pos))?;
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
        let times: Vec<f64> = self.data.series.iter().flat_map(|s| s.points.iter().map(|p| time_of(&p.0))).collect();
        let (t0, t1) = times.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(*t), b.max(*t)));
        let x = Scale { from: (t0, t1), to: (left + 8.0, right) };
        self.time_axis(x, bottom)?;
        self.references(left, right, y)?;
        let mut ends = Vec::new();
        for (i, s) in self.data.series.iter().enumerate() {
            let (c, dash) = series_style(self.data, i);
            // Gaps in the data are gaps in the line.
            for run in s.points.split(|p| p.1.is_none()) {
                let points: Vec<(f64, f64)> =
                    run.iter().filter_map(|(px, py)| py.map(|v| (x.at(time_of(px)), y.at(v)))).collect();
                if points.len() == 1 {
                    self.dot(points[0].0, points[0].1, c)?;
                } else if points.len() > 1 {
                    self.path(&points, c, 2.0, dash)?;
                }
            }
            if let Some((px, Some(v))) = s.points.iter().rev().find(|p| p.1.is_some()) {
                ends.push((y.at(*v), x.at(time_of(px)), i));
            }
        }
        if labelled {
            self.direct_labels(&mut ends, right)?;
        }
        self.annotations(|px| x.at(time_of(px)), y, (top, bottom))
    }

    /// Series names beside the ends of their lines, nudged apart so they never overlap.
    fn direct_labels(&self, ends: &mut [(f64, f64, usize)], right: f64) -> DrawResult {
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let spacing = LABEL * 1.3;
        for k in 1..ends.len() {
            if ends[k].0 - ends[k - 1].0 < spacing {
                ends[k].0 = ends[k - 1].0 + spacing;
            }
        }
        for &(yy, _, i) in ends.iter() {
            let (c, _) = series_style(self.data, i);
            self.text(
                &self.data.series[i].label,
                right + 6.0,
                yy,
                text_style(LABEL, true, c, HPos::Left, VPos::Center),
            )?;
        }
        Ok(())
    }

    /// Year labels under the plot, thinned so that none overlap.
    fn time_axis(&self, x: Scale, bottom: f64) -> DrawResult {
        let mut xs: Vec<&X> = Vec::new();
        for s in &self.data.series {
            for (px, _) in &s.points {
                if !xs.contains(&px) {
                    xs.push(px);
                }
            }
        }
        xs.sort_by(|a, b| time_of(a).total_cmp(&time_of(b)));
        let labels: Vec<String> = xs.iter().map(|px| axis_label(px)).collect();
        let positions: Vec<f32> = xs.iter().map(|px| x.at(time_of(px)) as f32).collect();
        let widths: Vec<f32> = labels.iter().map(|l| self.text_width(l, LABEL, false) as f32).collect();
        for i in ticks::spaced_labels(&positions, &widths, 6.0) {
            let px = positions[i] as f64;
            self.path(&[(px, bottom), (px, bottom + 3.0)], AXIS, 0.6, None)?;
            self.text(&labels[i], px, bottom + 5.0, text_style(LABEL, false, AXIS, HPos::Center, VPos::Top))?;
        }
        Ok(())
    }

    /// Marks the requested points of the first series with their values,
    /// placed where the line is not: below a dip, above a peak, beside the
    /// last point, and never outside the plot.
    fn annotations(&self, x_of: impl Fn(&X) -> f64, y: Scale, (top, bottom): (f64, f64)) -> DrawResult {
        let Some(first) = self.data.series.first() else { return Ok(()) };
        let (c, _) = series_style(self.data, 0);
        let mut done: Vec<usize> = Vec::new();
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
            let Some((i, v)) = found else { continue };
            if done.contains(&i) {
                continue;
            }
            done.push(i);
            let (px, py) = (x_of(&first.points[i].0), y.at(v));
            let label = self.value_text(v);
            if self.data.kind == ChartKind::Column {
                // A column's value sits on its end, in the text colour.
                let (yy, v_pos) = if v >= 0.0 { (py - 3.0, VPos::Bottom) } else { (py + 3.0, VPos::Top) };
                self.text(&label, px, yy, text_style(LABEL, true, Color::TEXT, HPos::Center, v_pos))?;
                continue;
            }
            self.dot(px, py, c)?;
            let neighbours: Vec<f64> = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| first.points.get(j).and_then(|p| p.1))
                .collect();
            let dip = !neighbours.is_empty() && neighbours.iter().all(|n| *n >= v);
            let last = first.points[i + 1..].iter().all(|p| p.1.is_none());
            let room_above = py - 6.0 - LABEL >= top - 12.0;
            let room_below = py + 6.0 + LABEL <= bottom;
            let style = |h, v_pos| text_style(LABEL, true, c, h, v_pos);
            if last && self.data.kind == ChartKind::Line {
                self.text(&label, px + 5.0, py, style(HPos::Left, VPos::Center))?;
            } else if (dip && room_below) || !room_above {
                self.text(&label, px, py + 5.0, style(HPos::Center, VPos::Top))?;
            } else {
                self.text(&label, px, py - 5.0, style(HPos::Center, VPos::Bottom))?;
            }
        }
        Ok(())
    }

    /// Vertical columns, one per x value of the first series.
    fn column(&self) -> DrawResult {
        let (ticks, y, top, bottom) = self.value_frame();
        let left = self.value_axis(&ticks, y)?;
        let Some(series) = self.data.series.first() else { return Ok(()) };
        let n = series.points.len().max(1) as f64;
        let slot = (self.width - left - 4.0) / n;
        let centre = |i: usize| left + 4.0 + slot * (i as f64 + 0.5);
        let base = y.at(ticks[0].max(0.0).min(ticks[ticks.len() - 1]));
        for (i, (_, v)) in series.points.iter().enumerate() {
            if let Some(v) = v {
                let (a, b) = (base.min(y.at(*v)), base.max(y.at(*v)));
                self.rect(centre(i) - slot * 0.35, a, centre(i) + slot * 0.35, b, series_style(self.data, 0).0)?;
            }
        }
        // Redraw the baseline over the bars' feet.
        self.path(&[(left, base), (self.width, base)], AXIS, 0.9, None)?;
        let labels: Vec<String> = series.points.iter().map(|p| axis_label(&p.0)).collect();
        let positions: Vec<f32> = (0..series.points.len()).map(|i| centre(i) as f32).collect();
        let widths: Vec<f32> = labels.iter().map(|l| self.text_width(l, LABEL, false) as f32).collect();
        for i in ticks::spaced_labels(&positions, &widths, 6.0) {
            self.text(&labels[i], centre(i), bottom + 5.0, text_style(LABEL, false, AXIS, HPos::Center, VPos::Top))?;
        }
        self.references(left, self.width, y)?;
        self.annotations(|px| series.points.iter().position(|p| &p.0 == px).map_or(0.0, centre), y, (top, bottom))
    }

    /// Horizontal bars ranked from largest to smallest, values at the bar ends.
    fn bar(&self) -> DrawResult {
        let Some(series) = self.data.series.first() else { return Ok(()) };
        let mut rows: Vec<(String, f64)> =
            series.points.iter().filter_map(|(x, v)| v.map(|v| (axis_label(x), v))).collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        let label_width =
            rows.iter().map(|r| self.text_width(&r.0, LABEL, true)).fold(0.0, f64::max).min(self.width * 0.35);
        let value_width = rows.iter().map(|r| self.text_width(&self.value_text(r.1), LABEL, true)).fold(0.0, f64::max);
        let left = label_width + 8.0;
        let right = self.width - value_width - 6.0;
        let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
        let x = Scale { from: (0.0, if max > 0.0 { max } else { 1.0 }), to: (left, right) };
        let slot = self.height / rows.len().max(1) as f64;
        for (i, (name, v)) in rows.iter().enumerate() {
            let highlighted = self.data.highlight.iter().any(|h| h == name);
            let accent = series_style(self.data, 0).0;
            let c = if highlighted || self.data.highlight.is_empty() { accent } else { MUTED };
            let yy = slot * (i as f64 + 0.5);
            self.rect(x.at(0.0), yy - slot * 0.36, x.at(v.max(0.0)), yy + slot * 0.36, c)?;
            let label_color = if highlighted { accent } else { Color::TEXT };
            self.text(name, left - 6.0, yy, text_style(LABEL, highlighted, label_color, HPos::Right, VPos::Center))?;
            self.text(
                &self.value_text(*v),
                x.at(v.max(0.0)) + 3.0,
                yy,
                text_style(LABEL, highlighted, label_color, HPos::Left, VPos::Center),
            )?;
        }
        self.path(&[(left, 0.0), (left, self.height)], AXIS, 0.9, None)
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
            Item::Link { .. } => "link".to_string(),
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
        let ts = Typesetter { fonts: &fonts, hyphenator: &hyph };
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
            Item::Link { .. } => false,
        });
        assert!(!coloured, "a coloured item in a --gray chart");
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
