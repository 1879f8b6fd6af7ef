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
    briefing::BUILTIN_MANIFEST.matches("\"chart\":").count()
}

#[test]
fn the_briefing_has_its_four_charts_as_text_and_paths() {
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
    // Axis labels, a reference line label, annotations and bar labels are real text.
    for expected in ["40,000", "30,000", "33,367", "2007", "2018", "Westminster", "Richmond upon Thames", "9,873"] {
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
        // Not blank: some pixels carry the accent colour of the first series.
        let accent = pixmap.pixels().iter().filter(|p| (p.red(), p.green(), p.blue()) == (0x12, 0x43, 0x6d)).count();
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
