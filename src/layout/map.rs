//! Maps drawn into the layout's own items, like charts: areas as filled
//! vector shapes in a sequential single-hue scheme, areas without data
//! hatched, the highlighted area outlined, a few labels placed where they
//! overlap nothing, and a legend of the classes beside the map.
//!
//! Outlines arrive in British National Grid metres, a conformal projection,
//! so one scale for both axes keeps every shape right. The map is as large
//! as its shape allows within the text width beside the legend, and never
//! taller than [`MAX_HEIGHT`].

use super::chart::{Rect, grey_of};
use crate::compose::MapData;
use crate::frame::Item;
use crate::resolve::MapArea;
use crate::text::fonts::Face;
use crate::text::linebreak::{Align, Color, Span, Typesetter};

/// ColorBrewer's sequential "Blues" for 1 to 6 classes, lightest first:
/// one hue that darkens steadily, safe for colour-blind readers and in print.
const BLUES: [&[Color]; 6] = [
    &[Color(0x6b, 0xae, 0xd6)],
    &[Color(0xbd, 0xd7, 0xe7), Color(0x31, 0x82, 0xbd)],
    &[Color(0xde, 0xeb, 0xf7), Color(0x9e, 0xca, 0xe1), Color(0x31, 0x82, 0xbd)],
    &[Color(0xef, 0xf3, 0xff), Color(0xbd, 0xd7, 0xe7), Color(0x6b, 0xae, 0xd6), Color(0x21, 0x71, 0xb5)],
    &[
        Color(0xef, 0xf3, 0xff),
        Color(0xbd, 0xd7, 0xe7),
        Color(0x6b, 0xae, 0xd6),
        Color(0x31, 0x82, 0xbd),
        Color(0x08, 0x51, 0x9c),
    ],
    &[
        Color(0xef, 0xf3, 0xff),
        Color(0xc6, 0xdb, 0xef),
        Color(0x9e, 0xca, 0xe1),
        Color(0x6b, 0xae, 0xd6),
        Color(0x31, 0x82, 0xbd),
        Color(0x08, 0x51, 0x9c),
    ],
];

/// The lightest and darkest grey of the `--gray` steps, spaced evenly
/// between: six classes are still 38 levels apart.
const GREY_LIGHT: f64 = 240.0;
const GREY_DARK: f64 = 48.0;

/// Area edges: thin and mid grey, visible against the lightest class and
/// the page alike.
const EDGE: Color = Color(0x80, 0x80, 0x80);
const EDGE_WIDTH: f32 = 0.35;
/// Areas without data: white, hatched in grey.
const NO_DATA: Color = Color(0xff, 0xff, 0xff);
const HATCH: Color = Color(0x80, 0x80, 0x80);
const HATCH_GAP: f32 = 3.0;
/// The highlighted area: a black line on a white one, clear on every class.
const OUTLINE: Color = Color::TEXT;
const OUTLINE_WIDTH: f32 = 1.4;
const OUTLINE_HALO: f32 = 3.0;

/// The tallest a map is drawn, in points, unless its author sets less.
pub const MAX_HEIGHT: f32 = 330.0;
const LEGEND_WIDTH: f32 = 120.0;
const LEGEND_GAP: f32 = 14.0;
const LEGEND_SIZE: f32 = 8.0;
const SWATCH_W: f32 = 14.0;
const SWATCH_H: f32 = 9.0;
const LEGEND_PITCH: f32 = 13.0;
const LABEL_SIZE: f32 = 7.5;
/// White space around a label's text.
const LABEL_PAD: f32 = 1.5;

/// The colour of each class, lightest first.
pub fn class_colors(classes: usize, gray: bool) -> Vec<Color> {
    let n = classes.clamp(1, BLUES.len());
    if gray {
        let step = if n > 1 { (GREY_LIGHT - GREY_DARK) / (n - 1) as f64 } else { 0.0 };
        let start = if n > 1 { GREY_LIGHT } else { (GREY_LIGHT + GREY_DARK) / 2.0 };
        return (0..n)
            .map(|i| {
                let v = (start - step * i as f64).round() as u8;
                Color(v, v, v)
            })
            .collect();
    }
    BLUES[n - 1].to_vec()
}

/// Where the map goes: the scale from metres to points, the National
/// Grid's top-left corner, and the map's size in points.
#[derive(Debug, Clone, Copy)]
struct Frame {
    scale: f64,
    west: f64,
    north: f64,
    width: f32,
    height: f32,
}

impl Frame {
    fn fit(map: &MapData, width: f32, most: Option<f32>) -> Frame {
        let points = map.areas.iter().flat_map(|a| a.rings.iter().flatten());
        let (mut west, mut south, mut east, mut north) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &(x, y) in points {
            (west, south, east, north) = (west.min(x), south.min(y), east.max(x), north.max(y));
        }
        if !west.is_finite() {
            return Frame { scale: 1.0, west: 0.0, north: 0.0, width: 0.0, height: 0.0 };
        }
        let room = (width - LEGEND_WIDTH - LEGEND_GAP).max(60.0) as f64;
        let (wide, tall) = ((east - west).max(1.0), (north - south).max(1.0));
        let most = map.height.unwrap_or(MAX_HEIGHT).min(most.unwrap_or(f32::INFINITY)) as f64;
        let scale = (room / wide).min(most / tall);
        Frame { scale, west, north, width: (wide * scale) as f32, height: (tall * scale) as f32 }
    }

    /// A point on the page, rounded to a tenth of a point: finer detail
    /// cannot be seen, and shorter numbers keep the PDF small.
    fn at(&self, (x, y): (f64, f64)) -> (f32, f32) {
        // (Truncating after adding a half rounds these non-negative
        // distances, and compiles to two instructions where `round` is a
        // call: a map has thousands of points.)
        let round = |v: f64| ((v * 10.0 + 0.5) as i64 as f64 / 10.0) as f32;
        (round((x - self.west) * self.scale), round((self.north - y) * self.scale))
    }

    fn rings(&self, area: &MapArea) -> Vec<Vec<(f32, f32)>> {
        area.rings
            .iter()
            .map(|ring| {
                let mut out: Vec<(f32, f32)> = Vec::with_capacity(ring.len());
                for &p in ring {
                    let q = self.at(p);
                    if out.last() != Some(&q) {
                        out.push(q);
                    }
                }
                out
            })
            .filter(|ring| ring.len() >= 3)
            .collect()
    }
}

/// How tall a map drawn `width` points wide is (its shape's height, or
/// the legend's when that is taller), and the least height it may be
/// drawn at to fit a page or a page budget: most of its size, shape kept,
/// and never less than its legend.
pub fn heights(map: &MapData, ts: &Typesetter, width: f32) -> (f32, f32) {
    let legend = legend_height(map, ts);
    let natural = Frame::fit(map, width, None).height.max(legend).ceil();
    (natural, (natural * 0.7).max(legend).ceil().min(natural))
}

/// Draws a map at most `width` × `most` points, its shape kept; items are
/// relative to its top-left.
pub fn draw(map: &MapData, ts: &Typesetter, width: f32, most: f32) -> Vec<Item> {
    let frame = Frame::fit(map, width, Some(most));
    let colors = class_colors(map.classes.len(), map.gray);
    let mut items = Vec::new();
    for area in &map.areas {
        let rings = frame.rings(area);
        let fill = area.class.and_then(|c| colors.get(c)).copied().unwrap_or(NO_DATA);
        let hatching = if area.class.is_none() { hatch(&rings, HATCH_GAP) } else { Vec::new() };
        items.push(Item::Shape { rings, fill, outline: Some((EDGE, EDGE_WIDTH)) });
        items.extend(hatching.into_iter().map(|(a, b)| Item::Path { points: vec![a, b], width: 0.4, color: HATCH }));
    }
    // Outlines go on top of every neighbour's edge.
    for area in map.areas.iter().filter(|a| a.highlight) {
        for ring in frame.rings(area) {
            let closed: Vec<(f32, f32)> = ring.iter().chain(ring.first()).copied().collect();
            items.push(Item::Path { points: closed.clone(), width: OUTLINE_HALO, color: NO_DATA });
            items.push(Item::Path { points: closed, width: OUTLINE_WIDTH, color: OUTLINE });
        }
    }
    items.extend(labels(map, ts, &frame));
    items.extend(legend(map, ts, frame.width + LEGEND_GAP).0);
    if map.gray {
        // As for charts: text and outlines carry a slight tint; printed in
        // black and white, every ink is a true grey of the same lightness.
        for item in &mut items {
            match item {
                Item::Text { color, .. } | Item::Rect { color, .. } | Item::Path { color, .. } => {
                    *color = grey_of(*color)
                }
                Item::Shape { fill, outline, .. } => {
                    *fill = grey_of(*fill);
                    if let Some((color, _)) = outline {
                        *color = grey_of(*color);
                    }
                }
                Item::Link { .. } | Item::Tag(_) => {}
            }
        }
    }
    items
}

/// Text items for `text` at `x` on the baseline `y`.
fn text(ts: &Typesetter, text: &str, face: Face, size: f32, x: f32, y: f32) -> Vec<Item> {
    let line = ts.line(&[Span::new(text, face).color(Color::TEXT)], size);
    line.runs
        .into_iter()
        .map(|run| Item::Text { x: x + run.x, y, size, face: run.face, color: run.color, glyphs: run.glyphs })
        .collect()
}

/// The legend at `x`: the measure as a heading, one swatch a class
/// (lowest first), then "No data" and the outlined area when the map has
/// them. Returns the items and the legend's height.
fn legend(map: &MapData, ts: &Typesetter, x: f32) -> (Vec<Item>, f32) {
    let mut items = Vec::new();
    let cap = ts.fonts.vmetrics(Face::Sans).cap_height * LEGEND_SIZE / 1000.0;
    let mut y = 0.0;
    let heading = ts.paragraph(&[Span::new(&map.measure, Face::SansBold)], LEGEND_SIZE, LEGEND_WIDTH, Align::Left);
    for line in heading {
        y += LEGEND_SIZE * 1.25;
        for run in line.runs {
            items.push(Item::Text {
                x: x + run.x,
                y,
                size: LEGEND_SIZE,
                face: run.face,
                color: Color::TEXT,
                glyphs: run.glyphs,
            });
        }
    }
    y += 5.0;
    let swatch_label = |items: &mut Vec<Item>, top: f32, label: &str| {
        let baseline = top + SWATCH_H / 2.0 + cap / 2.0;
        items.extend(text(ts, label, Face::Sans, LEGEND_SIZE, x + SWATCH_W + 6.0, baseline));
    };
    let colors = class_colors(map.classes.len(), map.gray);
    for (class, color) in map.classes.iter().zip(&colors) {
        items.push(Item::Shape { rings: vec![swatch(x, y)], fill: *color, outline: Some((EDGE, EDGE_WIDTH)) });
        swatch_label(&mut items, y, class);
        y += LEGEND_PITCH;
    }
    if map.areas.iter().any(|a| a.class.is_none()) {
        let ring = swatch(x, y);
        items.push(Item::Shape { rings: vec![ring.clone()], fill: NO_DATA, outline: Some((EDGE, EDGE_WIDTH)) });
        items.extend(hatch(&[ring], HATCH_GAP).into_iter().map(|(a, b)| Item::Path {
            points: vec![a, b],
            width: 0.4,
            color: HATCH,
        }));
        swatch_label(&mut items, y, "No data");
        y += LEGEND_PITCH;
    }
    for area in map.areas.iter().filter(|a| a.highlight) {
        let ring = swatch(x, y);
        let closed: Vec<(f32, f32)> = ring.iter().chain(ring.first()).copied().collect();
        items.push(Item::Path { points: closed, width: OUTLINE_WIDTH, color: OUTLINE });
        swatch_label(&mut items, y, &area.name);
        y += LEGEND_PITCH;
    }
    (items, y)
}

/// The legend's height, as [`legend`] lays it out, without typesetting its
/// rows: page fitting asks for a map's height many times.
fn legend_height(map: &MapData, ts: &Typesetter) -> f32 {
    let heading = ts.paragraph(&[Span::new(&map.measure, Face::SansBold)], LEGEND_SIZE, LEGEND_WIDTH, Align::Left);
    let no_data = map.areas.iter().any(|a| a.class.is_none());
    let highlighted = map.areas.iter().filter(|a| a.highlight).count();
    // One row a class (there are colours for at most six), then the rest.
    let rows = map.classes.len().min(BLUES.len()) + usize::from(no_data) + highlighted;
    heading.len() as f32 * LEGEND_SIZE * 1.25 + 5.0 + rows as f32 * LEGEND_PITCH
}

/// A legend swatch's outline with its top-left corner at (`x`, `y`).
fn swatch(x: f32, y: f32) -> Vec<(f32, f32)> {
    vec![(x, y), (x + SWATCH_W, y), (x + SWATCH_W, y + SWATCH_H), (x, y + SWATCH_H)]
}

/// Hatching for a shape: lines at 45°, `gap` points apart, clipped to the
/// shape by the even-odd rule (each line runs inside between its
/// crossings of the outline, taken in pairs).
fn hatch(rings: &[Vec<(f32, f32)>], gap: f32) -> Vec<((f32, f32), (f32, f32))> {
    // In turned coordinates u = x + y (along a line), v = x − y (across).
    let turned: Vec<Vec<(f32, f32)>> = rings.iter().map(|r| r.iter().map(|&(x, y)| (x + y, x - y)).collect()).collect();
    let vs = turned.iter().flatten().map(|p| p.1);
    let (lo, hi) = vs.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let step = gap * std::f32::consts::SQRT_2;
    let mut out = Vec::new();
    let mut v = (lo / step).floor() * step + step / 2.0;
    while v < hi {
        let mut crossings: Vec<f32> = Vec::new();
        for ring in &turned {
            for (i, &(ua, va)) in ring.iter().enumerate() {
                let (ub, vb) = ring[(i + 1) % ring.len()];
                if (va <= v) != (vb <= v) {
                    crossings.push(ua + (v - va) / (vb - va) * (ub - ua));
                }
            }
        }
        crossings.sort_by(f32::total_cmp);
        for pair in crossings.chunks_exact(2) {
            let back = |u: f32| ((u + v) / 2.0, (u - v) / 2.0);
            out.push((back(pair[0]), back(pair[1])));
        }
        v += step;
    }
    out
}

/// Names of the labelled areas, each in a white box at its area's middle
/// (when the area is wider than the name) or just above, below or beside
/// it: the first place inside the map that overlaps no label placed
/// before. A label with no such place is left out; the data table names
/// every area.
fn labels(map: &MapData, ts: &Typesetter, frame: &Frame) -> Vec<Item> {
    let cap = ts.fonts.vmetrics(Face::Sans).cap_height * LABEL_SIZE / 1000.0;
    let mut taken: Vec<Rect> = Vec::new();
    let mut items = Vec::new();
    for area in map.areas.iter().filter(|a| a.label) {
        let rings = frame.rings(area);
        let Some((cx, cy)) = middle(&rings) else { continue };
        let w = ts.fonts.width(Face::Sans, LABEL_SIZE, &area.name) + 2.0 * LABEL_PAD;
        let h = cap + 2.0 * LABEL_PAD + 1.0;
        let points = rings.iter().flatten();
        let (left, top, right, bottom) = points
            .fold((f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY), |(l, t, r, b), &(x, y)| {
                (l.min(x), t.min(y), r.max(x), b.max(y))
            });
        // Centres of the candidate boxes: inside the area, then just
        // outside its four sides. A label wider than its area would hide
        // it (and its outline), so it goes outside.
        let outside = [
            (cx, top - h / 2.0 - 1.5),
            (cx, bottom + h / 2.0 + 1.5),
            (right + w / 2.0 + 1.5, cy),
            (left - w / 2.0 - 1.5, cy),
        ];
        let centre = (w < (right - left) * 0.8).then_some((cx, cy));
        let placed = centre.into_iter().chain(outside).map(|(x, y)| {
            let (x0, y0) = ((x - w / 2.0) as f64, (y - h / 2.0) as f64);
            Rect { x0, y0, x1: x0 + w as f64, y1: y0 + h as f64 }
        });
        let map = Rect { x0: 0.0, y0: 0.0, x1: frame.width as f64, y1: frame.height as f64 };
        let Some(b) = placed.clone().find(|b| b.within(&map) && !taken.iter().any(|t| t.overlaps(b))) else { continue };
        taken.push(b);
        let (x, y) = (b.x0 as f32, b.y0 as f32);
        items.push(Item::Rect { x, y, w, h, color: NO_DATA });
        items.extend(text(ts, &area.name, Face::Sans, LABEL_SIZE, x + LABEL_PAD, y + h - LABEL_PAD - 0.5));
    }
    items
}

/// A point well inside the largest ring of an area: its centroid when
/// that lies inside, otherwise the middle of the widest stretch of the
/// ring on the centroid's line.
fn middle(rings: &[Vec<(f32, f32)>]) -> Option<(f32, f32)> {
    let area = |r: &Vec<(f32, f32)>| {
        (0..r.len()).map(|i| r[i].0 * r[(i + 1) % r.len()].1 - r[(i + 1) % r.len()].0 * r[i].1).sum::<f32>() / 2.0
    };
    let ring = rings.iter().max_by(|a, b| area(a).abs().total_cmp(&area(b).abs()))?;
    let a = area(ring);
    if a == 0.0 {
        return ring.first().copied();
    }
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..ring.len() {
        let ((x0, y0), (x1, y1)) = (ring[i], ring[(i + 1) % ring.len()]);
        let cross = x0 * y1 - x1 * y0;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    let (cx, cy) = (cx / (6.0 * a), cy / (6.0 * a));
    let mut crossings: Vec<f32> = Vec::new();
    for i in 0..ring.len() {
        let ((x0, y0), (x1, y1)) = (ring[i], ring[(i + 1) % ring.len()]);
        if (y0 <= cy) != (y1 <= cy) {
            crossings.push(x0 + (cy - y0) / (y1 - y0) * (x1 - x0));
        }
    }
    crossings.sort_by(f32::total_cmp);
    let spans: Vec<(f32, f32)> = crossings.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    if spans.iter().any(|(a, b)| (*a..=*b).contains(&cx)) {
        return Some((cx, cy));
    }
    spans.iter().max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0))).map(|(a, b)| ((a + b) / 2.0, cy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grey_steps_are_evenly_spaced_and_far_apart() {
        for n in 4..=6 {
            let greys = class_colors(n, true);
            assert_eq!(greys.len(), n);
            for pair in greys.windows(2) {
                assert!(pair[0].0 as i32 - pair[1].0 as i32 >= 38, "{n}: {greys:?}");
            }
        }
    }

    #[test]
    fn colours_darken_class_by_class() {
        let luma = |c: &Color| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        for n in 1..=6 {
            let blues = class_colors(n, false);
            assert_eq!(blues.len(), n);
            assert!(blues.windows(2).all(|p| luma(&p[0]) > luma(&p[1]) + 15.0), "{n}");
        }
    }

    #[test]
    fn the_legend_is_as_tall_as_its_height_says() {
        use crate::resolve::MapArea;
        use crate::text::fonts::Fonts;
        use crate::text::linebreak::Hyphenator;
        let fonts = Fonts::new();
        let hyphenator = Hyphenator::for_language("en-GB");
        let ts = Typesetter::new(&fonts, &hyphenator);
        let area = |class: Option<usize>, highlight: bool| MapArea {
            code: "E1".into(),
            name: "Kensington and Chelsea".into(),
            rings: vec![vec![(0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0)]],
            value: class.map(|c| c as f64),
            class,
            highlight,
            label: false,
        };
        let measures = ["Rate", "Violence against the person offences per 1,000 residents, year to March 2018"];
        for measure in measures {
            for classes in [0, 4, 6, 7] {
                for areas in [vec![area(Some(0), false)], vec![area(None, true), area(Some(1), true)]] {
                    let map = MapData {
                        areas,
                        classes: (0..classes).map(|c| format!("{c} to {}", c + 1)).collect(),
                        measure: measure.to_string(),
                        height: None,
                        gray: false,
                    };
                    assert_eq!(legend_height(&map, &ts), legend(&map, &ts, 0.0).1, "{measure} {classes}");
                }
            }
        }
    }

    #[test]
    fn hatching_stays_inside_the_shape() {
        let square = vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let hole = vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0)];
        let lines = hatch(&[square, hole], 3.0);
        assert!(!lines.is_empty());
        let in_square = |(x, y): (f32, f32)| (0.0..=10.0).contains(&x) && (0.0..=10.0).contains(&y);
        let in_hole = |(x, y): (f32, f32)| (4.0..=6.0).contains(&x) && (4.0..=6.0).contains(&y);
        for (a, b) in &lines {
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            assert!(in_square(mid) && !in_hole(mid), "{a:?} {b:?}");
            // Each stretch runs at 45°.
            assert!(((b.0 - a.0) - (b.1 - a.1)).abs() < 1e-3, "{a:?} {b:?}");
        }
    }

    #[test]
    fn a_label_goes_inside_a_concave_area() {
        // A U shape whose centroid falls in the gap between its arms.
        let u =
            vec![(0.0, 0.0), (3.0, 0.0), (3.0, 8.0), (7.0, 8.0), (7.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let (x, y) = middle(&[u]).unwrap();
        assert!(y > 0.0 && y < 10.0);
        assert!(!(3.0..=7.0).contains(&x) || y > 8.0, "{x} {y}");
    }
}
