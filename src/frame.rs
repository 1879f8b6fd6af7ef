//! The frame: a laid-out briefing as pages of positioned items (glyph runs,
//! rectangles, paths, links) with its outline and link targets. Layout
//! produces it; every exporter (PDF, SVG/PNG previews) reads it and nothing
//! else, so exporters never see the manifest or the document model.

use std::collections::BTreeMap;

use crate::text::fonts::{Face, Glyph};
use crate::text::linebreak::{Color, Link};

/// A laid-out document: pages of positioned items in points, with the origin
/// at the top-left of the page and y growing downwards.
#[derive(Debug, Clone)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Headings, in order, for the PDF outline.
    pub outline: Vec<OutlineEntry>,
    /// Where each numbered reference entry starts, for citation links.
    pub anchors: BTreeMap<usize, Anchor>,
    /// Each numbered reference in words ("Home Office, Police workforce"),
    /// to describe the links that lead to it.
    pub references: BTreeMap<usize, String>,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Glyphs starting at `x` on the baseline `y`.
    Text { x: f32, y: f32, size: f32, face: Face, color: Color, glyphs: Vec<Glyph> },
    /// A filled rectangle; `(x, y)` is its top-left corner.
    Rect { x: f32, y: f32, w: f32, h: f32, color: Color },
    /// A polyline stroked `width` points wide, or (when `width` is 0) a
    /// filled polygon: chart lines, bars and markers.
    Path { points: Vec<(f32, f32)>, width: f32, color: Color },
    /// A clickable area; `(x, y)` is its top-left corner.
    Link { x: f32, y: f32, w: f32, h: f32, link: Link },
}

/// A position in the document: page index (0-based) and distance from the top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub page: usize,
    pub y: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    pub level: usize,
    pub anchor: Anchor,
}
