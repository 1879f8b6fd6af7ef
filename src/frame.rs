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
    /// The logical structure in reading order; node 0 is the document.
    /// Items on pages say which node they belong to with [`Item::Tag`].
    pub structure: Vec<Node>,
}

/// An element of the document's logical structure (a PDF structure
/// element): its children are the nodes that name it as their parent, in
/// index order, which is reading order. Floats can put a chart on a later
/// page than the text after it; the structure keeps it where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub role: Role,
    pub parent: Option<usize>,
    /// A text alternative (charts).
    pub alt: Option<String>,
    /// A file that holds this element's data (a chart's CSV), embedded in
    /// the PDF and tied to the element.
    pub attachment: Option<Attachment>,
}

/// What a structure element is: the standard PDF structure types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Document,
    Sect,
    Div,
    /// A heading of level 1 (the title) to 4.
    H(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    BlockQuote,
    Figure,
    Caption,
    Table,
    THead,
    TBody,
    TR,
    /// A header cell for its column (`true`) or its row.
    TH {
        column: bool,
    },
    TD,
}

impl Role {
    /// The PDF name of the structure type.
    pub fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::Sect => "Sect",
            Role::Div => "Div",
            Role::H(1) => "H1",
            Role::H(2) => "H2",
            Role::H(3) => "H3",
            Role::H(_) => "H4",
            Role::P => "P",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::BlockQuote => "BlockQuote",
            Role::Figure => "Figure",
            Role::Caption => "Caption",
            Role::Table => "Table",
            Role::THead => "THead",
            Role::TBody => "TBody",
            Role::TR => "TR",
            Role::TH { .. } => "TH",
            Role::TD => "TD",
        }
    }
}

/// What the items after an [`Item::Tag`] on a page are part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Page furniture (running header and footer, page numbers, a table
    /// header repeated on a later page): not part of the text.
    Artifact,
    /// Content of the structure node with this index.
    Node(usize),
}

/// A file embedded in the PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The file name readers see, such as `figure-1-data.csv`.
    pub name: String,
    /// What the file holds, in words.
    pub description: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
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
    /// A filled shape of one or more rings (outlines and their holes,
    /// filled by the even-odd rule), its edges stroked `outline.1` points
    /// wide when an outline is given: the areas of a map.
    Shape { rings: Vec<Vec<(f32, f32)>>, fill: Color, outline: Option<(Color, f32)> },
    /// A clickable area; `(x, y)` is its top-left corner. It follows the
    /// text it makes clickable.
    Link { x: f32, y: f32, w: f32, h: f32, link: Link },
    /// The items after this one, up to the next tag, belong to the tagged
    /// node. Rectangles, paths and shapes are decoration (artifacts) except
    /// in a figure, where they are the chart or map.
    Tag(Tag),
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
