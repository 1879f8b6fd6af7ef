//! Charts in the built-in briefing: real text, vector paths, inside the page.

mod common;

use briefing::frame::Item;
use briefing::layout::chart;
use briefing::text::fonts::Fonts;
use lopdf::{Document, Object};

fn built() -> (briefing::Rendered, Fonts) {
    let fonts = Fonts::new();
    let loaded = briefing::load(briefing::BUILTIN_NAME, briefing::BUILTIN_MANIFEST, &fonts, &briefing::BUILTIN_FILES)
        .unwrap_or_else(|d| panic!("{d:?}"));
    (briefing::render(&loaded, &fonts, &briefing::Options::default()), fonts)
}

fn chart_count() -> usize {
    briefing::BUILTIN_MANIFEST.matches("\"chart\":").count() + briefing::BUILTIN_MANIFEST.matches("\"map\":").count()
}

#[test]
fn every_chart_of_the_briefing_is_captioned_with_real_text_and_no_images() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    common::briefing().args(["build", "-o"]).arg(&out).assert().success();
    let doc = Document::load(&out).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    let count = chart_count();
    assert!(count >= 4, "only {count} charts");
    for n in 1..=count {
        assert!(text.contains(&format!("Figure {n}:")), "Figure {n} missing");
    }
    // Axis labels, a reference line label, annotations, map labels and the
    // map's legend are real text.
    for expected in
        ["34,000", "30,000", "33,367", "2007", "2018", "Westminster", "Richmond upon Thames", "14.0 to 17.5"]
    {
        assert!(text.contains(expected), "`{expected}` is not text in the PDF");
    }
    // Charts are vector paths, never images.
    let images = doc.objects.values().filter(|o| {
        o.as_stream().is_ok_and(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
    });
    assert_eq!(images.count(), 0, "the PDF contains images");
}

#[test]
fn no_item_lies_outside_the_page() {
    let (rendered, fonts) = built();
    let layout = &rendered.layout;
    let mut paths = 0;
    for (p, page) in layout.pages.iter().enumerate() {
        paths += page.items.iter().filter(|i| matches!(i, Item::Path { .. })).count();
        let (x0, y0, x1, y1) = chart::bounds(&page.items, &fonts);
        assert!(
            x0 >= 0.0 && y0 >= 0.0 && x1 <= layout.width && y1 <= layout.height,
            "page {}: {:?}",
            p + 1,
            (x0, y0, x1, y1)
        );
    }
    assert!(paths > 50, "only {paths} paths: are the charts drawn?");
}

#[test]
fn every_chart_has_its_data_in_the_appendix() {
    let (rendered, _) = built();
    let figures: Vec<_> = rendered
        .document
        .blocks
        .iter()
        .filter_map(|b| match b {
            briefing::compose::Block::Figure(f) => Some(f.number),
            _ => None,
        })
        .collect();
    assert_eq!(figures.len(), chart_count());
    let tables: Vec<String> = rendered
        .document
        .blocks
        .iter()
        .filter_map(|b| match b {
            briefing::compose::Block::Table(t) => Some(t.caption.iter().map(|s| s.text.as_str()).collect()),
            _ => None,
        })
        .collect();
    for n in figures {
        assert!(tables.iter().any(|c| c.starts_with(&format!("Figure {n}:"))), "no data table for Figure {n}");
    }
}

#[test]
fn charts_flag_writes_valid_svg_and_png_for_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("slides").join("charts");
    common::briefing()
        .args(["build", "-o"])
        .arg(dir.path().join("b.pdf"))
        .arg("--charts")
        .arg(&charts)
        .assert()
        .success();
    let mut names: Vec<String> =
        std::fs::read_dir(&charts).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let count = chart_count();
    assert_eq!(names.len(), 2 * count, "{names:?}");
    for n in 1..=count {
        let svg = std::fs::read_to_string(charts.join(format!("figure-{n}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("figure-{n}.svg is not valid XML: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let title = root.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()).unwrap_or_default();
        assert!(!title.is_empty() && !title.contains('{'), "figure-{n}.svg title: {title:?}");
        let view_box: Vec<f32> = root.attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
        let png = std::fs::read(charts.join(format!("figure-{n}.png"))).unwrap();
        let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap_or_else(|e| panic!("figure-{n}.png: {e}"));
        // Same geometry: the PNG is the SVG's size at the preview scale.
        let scale = briefing::export::preview::PNG_SCALE;
        assert_eq!(pixmap.width(), (view_box[2] * scale).ceil() as u32);
        assert_eq!(pixmap.height(), (view_box[3] * scale).ceil() as u32);
        // Not blank: some pixels carry the accent colour of the first
        // series, or a map's darkest class.
        let darkest = *briefing::layout::map::class_colors(5, false).last().unwrap();
        let inked = |p: &tiny_skia::PremultipliedColorU8| {
            let rgb = (p.red(), p.green(), p.blue());
            rgb == (0x12, 0x43, 0x6d) || rgb == (darkest.0, darkest.1, darkest.2)
        };
        let accent = pixmap.pixels().iter().filter(|p| inked(p)).count();
        assert!(accent > 100, "figure-{n}.png has {accent} accent pixels");
    }
}

#[test]
fn two_builds_in_one_process_are_byte_identical() {
    let fonts = Fonts::new();
    let loaded = briefing::load(briefing::BUILTIN_NAME, briefing::BUILTIN_MANIFEST, &fonts, &briefing::BUILTIN_FILES)
        .unwrap_or_else(|d| panic!("{d:?}"));
    let options = briefing::Options::default();
    let first = briefing::build(&loaded, &fonts, &options).unwrap();
    let second = briefing::build(&loaded, &fonts, &options).unwrap();
    assert!(first == second, "two in-process builds differ");
}

// Charts drawn from data made up for each test: the geometry of the items
// `layout::chart::draw` returns, measured with the bundled fonts.

use briefing::compose::{ChartData, ChartSeries};
use briefing::input::x::X;
use briefing::resolve::{Annotation, AxisStart, ChartKind};
use briefing::text::fonts::{Face, advance_sum};
use briefing::text::linebreak::{Color, Hyphenator, Typesetter};

fn chart(kind: ChartKind, series: Vec<ChartSeries>) -> ChartData {
    ChartData {
        kind,
        series,
        references: Vec::new(),
        annotate: Vec::new(),
        axis_start: AxisStart::Auto,
        highlight: Vec::new(),
        format: Default::default(),
        unit: "Offences".into(),
        gray: false,
    }
}

fn series(label: &str, points: Vec<(X, Option<f64>)>) -> ChartSeries {
    ChartSeries { label: label.into(), points }
}

fn years(values: &[(i32, f64)]) -> Vec<(X, Option<f64>)> {
    values.iter().map(|(y, v)| (X::Year(*y), Some(*v))).collect()
}

fn categories(values: &[(&str, f64)]) -> Vec<(X, Option<f64>)> {
    values.iter().map(|(c, v)| (X::Category(c.to_string()), Some(*v))).collect()
}

fn draw(d: &ChartData, width: f32, height: f32, fonts: &Fonts) -> Vec<Item> {
    let hyph = Hyphenator::for_language("en-GB");
    chart::draw(d, &Typesetter::new(fonts, &hyph), width, height)
}

/// A label's box: its advance, from its cap height above the baseline to
/// the font's descent below.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Box2 {
    fn overlaps(&self, o: &Box2) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn contains(&self, (x, y): (f32, f32)) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }

    /// Whether the segment from `a` to `b` passes through the box, tested
    /// at every 0.1 pt along it.
    fn crossed_by(&self, a: (f32, f32), b: (f32, f32)) -> bool {
        let steps = ((b.0 - a.0).hypot(b.1 - a.1) / 0.1).ceil().max(1.0) as usize;
        (0..=steps).any(|i| {
            let t = i as f32 / steps as f32;
            self.contains((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
        })
    }
}

/// Every piece of text drawn, with its box and its face.
fn text_boxes(items: &[Item], fonts: &Fonts) -> Vec<(String, Box2, Face)> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Text { x, y, size, face, glyphs, .. } => {
                let m = fonts.vmetrics(*face);
                let w = advance_sum(glyphs) * size / 1000.0;
                let b =
                    Box2 { x0: *x, y0: y - m.cap_height * size / 1000.0, x1: x + w, y1: y - m.descent * size / 1000.0 };
                Some((glyphs.iter().map(|g| g.text.as_str()).collect(), b, *face))
            }
            _ => None,
        })
        .collect()
}

/// The segments of the series lines: paths 2 pt wide.
fn line_segments(items: &[Item]) -> Vec<((f32, f32), (f32, f32))> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Path { points, width, .. } if *width == 2.0 => Some(points.windows(2).map(|w| (w[0], w[1]))),
            _ => None,
        })
        .flatten()
        .collect()
}

fn rects(items: &[Item], color: Color) -> Vec<(f32, f32, f32, f32)> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Rect { x, y, w, h, color: c } if *c == color => Some((*x, *y, *w, *h)),
            _ => None,
        })
        .collect()
}

/// The drawn text that reads `text`, with its box.
fn label<'a>(boxes: &'a [(String, Box2, Face)], text: &str) -> &'a Box2 {
    &boxes.iter().find(|(t, ..)| t == text).unwrap_or_else(|| panic!("no `{text}` in {boxes:?}")).1
}

/// The bold text that reads `text` (a value label, not an axis tick).
fn value_label<'a>(boxes: &'a [(String, Box2, Face)], text: &str) -> &'a Box2 {
    &boxes
        .iter()
        .find(|(t, _, f)| t == text && *f == Face::SansBold)
        .unwrap_or_else(|| panic!("no bold `{text}` in {boxes:?}"))
        .1
}

/// The zero line of a bar chart: the vertical path in the axis colour.
const AXIS: Color = Color(0x50, 0x5a, 0x5f);

#[test]
fn negative_bars_are_drawn_left_of_the_zero_line_with_their_values_outside() {
    let fonts = Fonts::new();
    let accent = chart::PALETTE[0];
    // All negative (every bar used to be 0 wide), then mixed.
    let all_negative = categories(&[("Camden", -120.0), ("Sutton", -45.0), ("Merton", -310.0)]);
    let mixed = categories(&[("Camden", 220.0), ("Sutton", -45.0), ("Merton", -310.0), ("Brent", 0.0)]);
    for points in [all_negative, mixed] {
        let d = chart(ChartKind::Bar, vec![series("Change", points.clone())]);
        let items = draw(&d, 300.0, 60.0, &fonts);
        let zero: Vec<f32> = items
            .iter()
            .filter_map(|i| match i {
                Item::Path { points, color, .. } if *color == AXIS && points[0].0 == points[1].0 => Some(points[0].0),
                _ => None,
            })
            .collect();
        assert_eq!(zero.len(), 1, "one zero line: {zero:?}");
        let zero = zero[0];
        let bars = rects(&items, accent);
        let boxes = text_boxes(&items, &fonts);
        assert_eq!(bars.len(), points.len());
        for (x, v) in &points {
            let v = v.unwrap();
            let name = label(&boxes, &x.to_string());
            // The bar on the name's row.
            let &(bx, _, bw, _) = bars
                .iter()
                .find(|(_, by, _, bh)| (by + bh / 2.0 - (name.y0 + name.y1) / 2.0).abs() < 3.0)
                .unwrap_or_else(|| panic!("no bar for {x}"));
            let value = label(&boxes, &briefing::analyse::format::number(v, &Default::default()));
            if v < 0.0 {
                assert!(bw > 1.0, "{x}: a {v} bar {bw} pt wide");
                assert!((bx + bw - zero).abs() < 0.2, "{x}: ends at {} not at zero {zero}", bx + bw);
                assert!(value.x1 < bx, "{x}: value at {value:?}, bar starts at {bx}");
                assert!(value.x0 > name.x1, "{x}: value runs into the name");
            } else {
                assert!((bx - zero).abs() < 0.2, "{x}: starts at {bx}, zero at {zero}");
                assert!(value.x0 > bx + bw, "{x}: value at {value:?}, bar ends at {}", bx + bw);
            }
        }
        // Longer bars for larger magnitudes, on the same scale both sides of zero.
        let width = |name: &str| {
            let n = label(&boxes, name);
            bars.iter().find(|(_, by, _, bh)| (by + bh / 2.0 - (n.y0 + n.y1) / 2.0).abs() < 3.0).unwrap().2
        };
        assert!(width("Merton") > 6.0 * width("Sutton"), "{} vs {}", width("Merton"), width("Sutton"));
        let (x0, _, x1, _) = chart::bounds(&items, &fonts);
        assert!(x0 >= 0.0 && x1 <= 300.0, "outside the chart: {x0}..{x1}");
    }
}

#[test]
fn negative_columns_hang_below_the_zero_line_with_their_values_underneath() {
    let fonts = Fonts::new();
    let points = years(&[(2015, 12.0), (2016, -8.0), (2017, -20.0), (2018, 5.0)]);
    let mut d = chart(ChartKind::Column, vec![series("Change", points)]);
    d.annotate = vec![Annotation::Min, Annotation::Max];
    // Asked to start above zero: a column chart still starts at zero.
    d.axis_start = AxisStart::At(4.0);
    let items = draw(&d, 240.0, 150.0, &fonts);
    let boxes = text_boxes(&items, &fonts);
    // The zero line: horizontal, in the axis colour, at the "0" tick.
    let zero_tick = label(&boxes, "0");
    let zero = items
        .iter()
        .find_map(|i| match i {
            Item::Path { points, color, .. }
                if *color == AXIS && points.len() == 2 && points[0].1 == points[1].1 && points[1].0 == 240.0 =>
            {
                Some(points[0].1)
            }
            _ => None,
        })
        .expect("a zero line");
    assert!(zero > zero_tick.y0 && zero < zero_tick.y1, "zero line at {zero}, its label at {zero_tick:?}");
    let columns = rects(&items, chart::PALETTE[0]);
    assert_eq!(columns.len(), 4);
    let below: Vec<_> = columns.iter().filter(|c| (c.1 - zero).abs() < 0.2).collect();
    let above: Vec<_> = columns.iter().filter(|c| (c.1 + c.3 - zero).abs() < 0.2).collect();
    assert_eq!((below.len(), above.len()), (2, 2), "{columns:?} around zero at {zero}");
    assert!(below.iter().all(|c| c.3 > 10.0), "negative columns have height: {below:?}");
    // The values of the lowest and highest: under and over their columns' ends.
    let lowest = below.iter().max_by(|a, b| a.3.total_cmp(&b.3)).unwrap();
    let min = value_label(&boxes, "−20");
    assert!(min.y0 > lowest.1 + lowest.3, "{min:?} is not under the column ending at {}", lowest.1 + lowest.3);
    let highest = above.iter().max_by(|a, b| a.3.total_cmp(&b.3)).unwrap();
    let max = value_label(&boxes, "12");
    assert!(max.y1 < highest.1, "{max:?} is not over the column starting at {}", highest.1);
    // Both clear of every other label: the axis made room for them.
    for (text, b, _) in &boxes {
        for value in [min, max] {
            assert!(std::ptr::eq(b, value) || !b.overlaps(value), "`{text}` {b:?} overlaps a value {value:?}");
        }
    }
    // All positive, asked to start at 100: the columns still stand on zero.
    let points = years(&[(2015, 120.0), (2016, 118.0), (2017, 142.0)]);
    let mut d = chart(ChartKind::Column, vec![series("Homicides", points)]);
    d.axis_start = AxisStart::At(100.0);
    let items = draw(&d, 240.0, 150.0, &fonts);
    let zero_tick = *label(&text_boxes(&items, &fonts), "0");
    let zero = (zero_tick.y0 + zero_tick.y1) / 2.0;
    let columns = rects(&items, chart::PALETTE[0]);
    let feet: Vec<f32> = columns.iter().map(|c| c.1 + c.3).collect();
    assert!(feet.iter().all(|f| (f - feet[0]).abs() < 0.01 && (f - zero).abs() < 2.0), "{feet:?}, zero at {zero}");
    // Heights in proportion to the values, as only a zero start gives.
    assert!((columns[2].3 / columns[0].3 - 142.0 / 120.0).abs() < 0.01, "{columns:?}");
}

#[test]
fn a_line_axis_fits_the_data_unless_asked_to_start_at_zero() {
    let fonts = Fonts::new();
    let points = years(&[(2014, 30_932.0), (2015, 32_252.0), (2016, 31_517.0), (2017, 30_390.0)]);
    let tick_labels = |start: AxisStart| {
        let mut d = chart(ChartKind::Line, vec![series("Officers", points.clone())]);
        d.axis_start = start;
        let items = draw(&d, 300.0, 190.0, &fonts);
        text_boxes(&items, &fonts).into_iter().filter(|(_, b, _)| b.x0 < 30.0).map(|(t, ..)| t).collect::<Vec<_>>()
    };
    let auto = tick_labels(AxisStart::Auto);
    assert!(!auto.contains(&"0".to_string()) && auto.contains(&"30,000".to_string()), "{auto:?}");
    assert!(tick_labels(AxisStart::Zero).contains(&"0".to_string()));
}

/// Writes `officers.csv` and a manifest with one section holding `chart`,
/// and loads it.
fn load_chart(chart: serde_json::Value) -> Result<briefing::Loaded, Vec<briefing::diag::Diagnostic>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("officers.csv"),
        "date,officers_fte\n2016-03-31,32125\n2017-03-31,31517\n2018-03-31,30390\n",
    )
    .unwrap();
    let manifest = serde_json::json!({
        "format": 1, "title": "T", "date": "2018-06-27",
        "sources": { "ho": { "publisher": "Home Office", "title": "Workforce", "url": "https://www.gov.uk/" } },
        "data": { "officers": { "file": "officers.csv", "x": "date", "y": "officers_fte", "label": "Officers", "source": "ho" } },
        "sections": [ { "heading": "H", "blocks": [ { "chart": chart } ] } ]
    });
    let src = serde_json::to_string_pretty(&manifest).unwrap();
    let files = briefing::input::data::Folder::new(dir.path().to_path_buf());
    briefing::load("briefing.json", &src, &Fonts::new(), &files)
}

fn axis_start(loaded: &briefing::Loaded) -> AxisStart {
    match &loaded.briefing.sections[0].blocks[0] {
        briefing::resolve::Block::Chart(c) => c.axis_start,
        other => panic!("not a chart: {other:?}"),
    }
}

#[test]
fn y_min_defaults_to_fitted_for_lines_and_is_refused_where_it_would_cut_bars() {
    let with = |kind: &str, y_min: Option<serde_json::Value>| {
        let mut c = serde_json::json!({ "kind": kind, "series": ["officers"], "title": "T", "alt": "A" });
        if let Some(v) = y_min {
            c["y_min"] = v;
        }
        load_chart(c)
    };
    let ok = |kind, y_min| axis_start(&with(kind, y_min).unwrap_or_else(|d| panic!("{d:?}")));
    assert_eq!(ok("line", None), AxisStart::Auto);
    assert_eq!(ok("line", Some(serde_json::json!(0))), AxisStart::At(0.0));
    assert_eq!(ok("line", Some(serde_json::json!("auto"))), AxisStart::Auto);
    assert_eq!(ok("column", None), AxisStart::Zero);
    assert_eq!(ok("column", Some(serde_json::json!(0))), AxisStart::At(0.0));
    for (kind, y_min) in [("column", serde_json::json!(30000)), ("column", serde_json::json!("auto"))] {
        let diags = with(kind, Some(y_min.clone())).err().unwrap_or_else(|| panic!("{kind} with y_min {y_min} loaded"));
        let d = diags.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(d.message, format!("a {kind} chart's axis always starts at zero"));
        assert_eq!(d.path, "$.sections[0].blocks[0].chart.y_min");
        assert!(d.position.is_some());
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("remove `y_min`")), "{:?}", d.hint);
    }
}

#[test]
fn dates_at_different_times_of_year_share_regular_year_ticks() {
    let fonts = Fonts::new();
    let date = |year, month, day| X::Date { year, month, day };
    let march: Vec<_> = (2011..=2023).map(|y| (date(y, 3, 31), Some(30_000.0 + (y - 2011) as f64 * 100.0))).collect();
    let september: Vec<_> =
        (2011..=2023).map(|y| (date(y, 9, 30), Some(31_000.0 - (y - 2011) as f64 * 80.0))).collect();
    // Two series, and one series whose points alternate between the two dates.
    let alternating: Vec<_> =
        march.iter().zip(&september).flat_map(|(m, s)| [m.clone(), s.clone()]).collect::<Vec<_>>();
    for data in [
        vec![series("At 31 March", march.clone()), series("At 30 September", september.clone())],
        vec![series("Half-yearly", alternating)],
    ] {
        for width in [160.0, 220.0, 300.0, 453.0] {
            let items = draw(&chart(ChartKind::Line, data.clone()), width, 190.0, &fonts);
            let labels: Vec<(i32, f32)> = text_boxes(&items, &fonts)
                .into_iter()
                .filter_map(|(t, b, _)| t.parse::<i32>().ok().filter(|y| (2000..2100).contains(y)).map(|y| (y, b)))
                .map(|(y, b)| (y, (b.x0 + b.x1) / 2.0))
                .collect();
            let years: Vec<i32> = labels.iter().map(|l| l.0).collect();
            assert!(years.len() >= 2, "{width}: {years:?}");
            let step = years[1] - years[0];
            assert!([1, 2, 5, 10].contains(&step), "{width}: step {step}: {years:?}");
            assert!(years.windows(2).all(|w| w[1] - w[0] == step), "{width}: uneven years {years:?}");
            // Evenly spaced along the axis too, a year's width per year.
            let gap = labels[1].1 - labels[0].1;
            assert!(labels.windows(2).all(|w| (w[1].1 - w[0].1 - gap).abs() < 0.3), "{width}: {labels:?}");
            // Every year of the span is labelled when there is room.
            if width >= 453.0 {
                assert_eq!(step, 1, "{years:?}");
            }
        }
    }
}

/// The heights of the horizontal gridlines (and the zero line) of a line
/// or column chart `width` wide: the paths that run to its right edge.
fn gridlines(items: &[Item], width: f32) -> Vec<f32> {
    let mut ys: Vec<f32> = items
        .iter()
        .filter_map(|i| match i {
            Item::Path { points, .. } if points.len() == 2 && points[0].1 == points[1].1 && points[1].0 == width => {
                Some(points[0].1)
            }
            _ => None,
        })
        .collect();
    ys.sort_by(f32::total_cmp);
    ys.dedup();
    ys
}

#[test]
fn gridlines_are_never_closer_than_20_pt_at_any_height() {
    let fonts = Fonts::new();
    let data = [
        years(&[(2016, 6_100.0), (2017, 7_400.0), (2018, 8_950.0), (2019, 8_200.0)]),
        years(&[(2014, 30_932.0), (2015, 32_252.0), (2016, 31_517.0), (2017, 30_390.0)]),
        years(&[(2015, 12.0), (2016, -8.0), (2017, -20.0), (2018, 5.0)]),
        years(&[(2015, 3.41), (2016, 4.14), (2017, 3.9)]),
    ];
    let mut closest = f32::INFINITY;
    for points in &data {
        for (kind, start) in [
            (ChartKind::Line, AxisStart::Auto),
            (ChartKind::Line, AxisStart::Zero),
            (ChartKind::Column, AxisStart::Zero),
        ] {
            // Every height a chart may have, 80 to 600 pt, in half points up to 300.
            for height in (160..=600).map(|h| h as f32 / 2.0).chain([400.0, 600.0]) {
                let mut d = chart(kind, vec![series("Offences", points.clone())]);
                d.axis_start = start;
                let ys = gridlines(&draw(&d, 300.0, height, &fonts), 300.0);
                assert!(ys.len() >= 2, "{kind:?} {start:?} {height}: {ys:?}");
                for w in ys.windows(2) {
                    closest = closest.min(w[1] - w[0]);
                    // 20 pt, less the 0.1 pt to which the chart's coordinates are rounded.
                    assert!(w[1] - w[0] >= 19.9, "{kind:?} {start:?} at {height} pt: gridlines {ys:?}");
                }
                if height == 120.0 {
                    assert!(ys.len() < 6, "{kind:?} {start:?}: {} gridlines on a 120 pt chart", ys.len());
                }
            }
        }
    }
    // The rule is tight: some height puts gridlines 20 pt apart.
    assert!(closest < 20.5, "gridlines at least {closest} pt apart");
}

/// Every text box pairwise apart, inside the chart, and none of the data's
/// labels (bold: series names, values) crossing a series line.
fn assert_labels_clear(items: &[Item], fonts: &Fonts, width: f32, height: f32, case: &str) {
    let boxes = text_boxes(items, fonts);
    for (i, (a, ab, _)) in boxes.iter().enumerate() {
        assert!(
            ab.x0 >= -0.01 && ab.x1 <= width + 0.01 && ab.y0 >= -0.01 && ab.y1 <= height + 0.01,
            "{case}: `{a}` outside: {ab:?}"
        );
        for (b, bb, _) in &boxes[i + 1..] {
            assert!(!ab.overlaps(bb), "{case}: `{a}` {ab:?} overlaps `{b}` {bb:?}");
        }
    }
    let lines = line_segments(items);
    assert!(!lines.is_empty());
    for (t, b, face) in &boxes {
        if *face == Face::SansBold {
            assert!(!lines.iter().any(|&(p, q)| b.crossed_by(p, q)), "{case}: `{t}` {b:?} crosses a line");
        }
    }
}

#[test]
fn annotation_beside_a_series_label_is_moved_clear_of_it() {
    // The latest value of the first series ends where its name goes: the
    // "6,495" annotation used to be printed over "Violence".
    let fonts = Fonts::new();
    let violence = years(&[(2018, 5_210.0), (2019, 5_980.0), (2020, 5_400.0), (2021, 6_120.0), (2022, 6_495.0)]);
    let robbery = years(&[(2018, 2_100.0), (2019, 2_400.0), (2020, 1_700.0), (2021, 2_050.0), (2022, 6_300.0)]);
    let mut d = chart(ChartKind::Line, vec![series("Violence", violence), series("Robbery", robbery)]);
    d.annotate = vec![Annotation::Latest, Annotation::Max, Annotation::Min, Annotation::First];
    d.references = vec![(4_000.0, "Target".into())];
    for (width, height) in [(453.0, 190.0), (300.0, 150.0), (220.0, 120.0), (453.0, 80.0)] {
        let items = draw(&d, width, height, &fonts);
        let case = format!("{width}x{height}");
        assert_labels_clear(&items, &fonts, width, height, &case);
        let texts: Vec<String> = text_boxes(&items, &fonts).into_iter().map(|t| t.0).collect();
        for name in ["Violence", "Robbery", "Target"] {
            assert!(texts.iter().any(|t| t == name), "{case}: no `{name}`: {texts:?}");
        }
        if height >= 150.0 {
            assert!(texts.iter().any(|t| t == "6,495"), "{case}: the latest value was dropped: {texts:?}");
        }
    }
}

#[test]
fn labels_stay_clear_of_each_other_and_the_lines_in_crowded_charts() {
    let fonts = Fonts::new();
    // Six series ending close together, with gaps, marked points and
    // reference lines where the labels would go.
    let wave = |k: f64| -> Vec<(X, Option<f64>)> {
        (2007..=2023)
            .map(|y| {
                let t = (y - 2007) as f64;
                let v = 100.0 + k * 3.0 + 20.0 * ((t + k) * 0.9).sin();
                (X::Year(y), if y == 2016 && k == 2.0 { None } else { Some(v) })
            })
            .collect()
    };
    let all: Vec<ChartSeries> = (0..6)
        .map(|k| series(&format!("Series {}", ["one", "two", "three", "four", "five", "six"][k]), wave(k as f64)))
        .collect();
    for n in [1, 2, 3, 6] {
        let mut d = chart(ChartKind::Line, all[..n].to_vec());
        d.annotate = vec![Annotation::Max, Annotation::Min, Annotation::Latest, Annotation::First];
        d.references = vec![(100.0, "Average".into()), (125.0, "Peak".into())];
        // A long axis title reaches over the names' column on narrow charts.
        for unit in ["Offences", "Offences per 1,000 residents"] {
            d.unit = unit.into();
            for (width, height) in [(453.0, 190.0), (300.0, 150.0), (200.0, 110.0), (453.0, 80.0)] {
                let items = draw(&d, width, height, &fonts);
                assert_labels_clear(&items, &fonts, width, height, &format!("{n} series, {unit}, {width}x{height}"));
            }
        }
    }
}

#[test]
fn series_names_pushed_up_keep_below_a_long_axis_title() {
    // Six lines ending together at the bottom of a short chart: their names
    // stack up from there into the top corner, where a long title is.
    let fonts = Fonts::new();
    let falling = |k: i32| years(&[(2019, 200.0 + k as f64), (2020, 150.0), (2021, 120.0), (2022, 100.0)]);
    let all = (0..6).map(|k| series(&format!("Area {k}"), falling(k))).collect();
    let mut d = chart(ChartKind::Line, all);
    d.unit = "Violence against the person per 1,000 residents".into();
    let title = fonts.width(Face::Sans, 8.0, &d.unit);
    for width in [title + 10.0, title + 40.0] {
        let items = draw(&d, width, 80.0, &fonts);
        assert_labels_clear(&items, &fonts, width, 80.0, &format!("{width}"));
    }
}

/// A half-yearly count (31 March and 30 September), from September 2015.
fn half_yearly() -> String {
    let mut csv = String::from("date,n\n2015-09-30,30100\n");
    for (i, y) in (2016..=2019).enumerate() {
        csv.push_str(&format!("{y}-03-31,{}\n{y}-09-30,{}\n", 30000 - i * 150, 29900 - i * 170));
    }
    csv
}

#[test]
fn a_half_yearly_line_has_a_tick_for_its_first_year_and_a_marker_on_each_point() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.csv"), half_yearly()).unwrap();
    let src = serde_json::json!({
        "format": 1, "title": "Half-yearly", "date": "2020-06-27", "chart_data": false,
        "sources": {"ho": {"publisher": "Home Office", "title": "Police workforce"}},
        "data": {"n": {"file": "n.csv", "x": "date", "y": "n", "label": "Officers", "source": "ho"}},
        "sections": [{"heading": "H", "blocks": [{"chart": {"kind": "line", "series": ["n"], "title": "Officers", "alt": "A line."}}]}]
    })
    .to_string();
    let fonts = Fonts::new();
    let files = briefing::input::data::Folder::new(dir.path().to_path_buf());
    let loaded = briefing::load("t.json", &src, &fonts, &files).unwrap_or_else(|d| panic!("{d:#?}"));
    let layout = briefing::render(&loaded, &fonts, &briefing::Options::default()).layout;
    let lines = common::frame_lines(&layout);
    // The year labels share a baseline under the plot: every year with data, 2015 included.
    let axis = lines.iter().find(|l| l.contains("2016") && l.contains("2019")).expect("a year axis");
    assert_eq!(axis, "2015 2016 2017 2018 2019");
    // A marker (a filled 16-sided dot) on each of the nine points.
    let dots = layout.pages[0]
        .items
        .iter()
        .filter(|i| matches!(i, Item::Path { points, width, .. } if *width == 0.0 && points.len() == 17))
        .count();
    assert_eq!(dots, 9, "markers on a half-yearly line");
}
