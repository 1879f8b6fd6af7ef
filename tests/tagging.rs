//! The PDF is tagged for PDF/UA-1: the structure tree is read back with
//! lopdf and checked against the document it was built from (headings and
//! their sections, figures with alt text and their data attached, tables
//! with header cells, links tied to their annotations), and all page
//! content is either in the tree or marked as an artifact.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use briefing::compose::{Block, Graphic};
use common::briefing;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// A structure element as read back: its type, attributes we check, its
/// text (marked content of it and its descendants, in order) and children.
#[derive(Debug)]
struct Elem {
    role: String,
    alt: Option<String>,
    scope: Option<String>,
    bbox: bool,
    attached: usize,
    /// Annotations it refers to (`OBJR`).
    annotations: Vec<ObjectId>,
    /// Where its first marked content is shown: the page and the baseline.
    at: Option<(ObjectId, f32)>,
    text: String,
    children: Vec<Elem>,
}

impl Elem {
    fn all<'a>(&'a self, out: &mut Vec<&'a Elem>) {
        out.push(self);
        for c in &self.children {
            c.all(out);
        }
    }

    fn find(&self, role: &str) -> Vec<&Elem> {
        let mut all = Vec::new();
        self.all(&mut all);
        all.into_iter().filter(|e| e.role == role).collect()
    }
}

/// What a page's content stream holds: the text of each marked-content id
/// and the baseline its first text is shown on, and how many text or
/// painting operations are outside any marked content.
struct PageContent {
    text: BTreeMap<i64, String>,
    baseline: BTreeMap<i64, f32>,
    unmarked: usize,
}

fn page_content(doc: &Document, page: ObjectId) -> PageContent {
    let fonts = doc.get_page_fonts(page).unwrap();
    let encodings: BTreeMap<Vec<u8>, _> =
        fonts.iter().map(|(name, font)| (name.clone(), font.get_font_encoding(doc).unwrap())).collect();
    let content = Content::decode(&doc.get_page_content(page)).unwrap();
    // Open marked content, innermost last: an id, an artifact, or replacement text.
    enum Mark {
        Id(i64),
        Artifact,
        Actual(String),
    }
    let mut stack: Vec<Mark> = Vec::new();
    let mut font = Vec::new();
    let mut out = PageContent { text: BTreeMap::new(), baseline: BTreeMap::new(), unmarked: 0 };
    // The baseline the text matrix was last set to.
    let mut baseline = f32::NAN;
    for op in &content.operations {
        match op.operator.as_str() {
            "BDC" => {
                let props = match &op.operands[1] {
                    Object::Dictionary(d) => d.clone(),
                    other => panic!("marked-content properties should be inline: {other:?}"),
                };
                if let Ok(id) = props.get(b"MCID").and_then(Object::as_i64) {
                    stack.push(Mark::Id(id));
                } else if let Ok(actual) = props.get(b"ActualText").and_then(Object::as_str) {
                    stack.push(Mark::Actual(String::from_utf8(actual.to_vec()).unwrap()));
                } else {
                    stack.push(Mark::Artifact);
                }
            }
            "BMC" => {
                assert_eq!(op.operands[0].as_name().unwrap(), b"Artifact", "{op:?}");
                stack.push(Mark::Artifact);
            }
            "EMC" => {
                stack.pop().expect("EMC without BDC");
            }
            "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
            "Tm" => baseline = op.operands[5].as_float().unwrap(),
            "TJ" | "Tj" | "f" | "f*" | "S" | "B" => {
                let owner = stack.iter().rev().find(|m| !matches!(m, Mark::Actual(_)));
                let mut text = String::new();
                if op.operator.starts_with('T') {
                    let strings: Vec<&Object> = match &op.operands[0] {
                        Object::Array(items) => items.iter().collect(),
                        one => vec![one],
                    };
                    for s in strings {
                        if let Object::String(bytes, _) = s {
                            text.push_str(&Document::decode_text(&encodings[&font], bytes).unwrap());
                        }
                    }
                    if let Some(Mark::Actual(actual)) = stack.last() {
                        text = actual.clone();
                    }
                }
                match owner {
                    Some(Mark::Id(id)) => {
                        out.text.entry(*id).or_default().push_str(&text);
                        if op.operator.starts_with('T') {
                            out.baseline.entry(*id).or_insert(baseline);
                        }
                    }
                    Some(Mark::Artifact) => {}
                    _ => out.unmarked += 1,
                }
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "marked content left open");
    out
}

/// Reads the structure tree: the element under `/StructTreeRoot`, with the
/// text of every marked-content id it refers to (removed from `content`,
/// so that what is left was never referred to).
fn read_tree(doc: &Document, content: &mut BTreeMap<ObjectId, PageContent>) -> Elem {
    let catalog = doc.catalog().unwrap();
    let root = doc.get_dictionary(catalog.get(b"StructTreeRoot").unwrap().as_reference().unwrap()).unwrap();
    let top = root.get(b"K").unwrap();
    let id = match top {
        Object::Reference(id) => *id,
        Object::Array(a) => a[0].as_reference().unwrap(),
        other => panic!("{other:?}"),
    };
    read_elem(doc, doc.get_dictionary(id).unwrap(), content)
}

fn read_elem(doc: &Document, dict: &Dictionary, content: &mut BTreeMap<ObjectId, PageContent>) -> Elem {
    let role = String::from_utf8(dict.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap();
    let attrs = dict.get(b"A").ok().map(|a| a.as_dict().unwrap());
    let mut e = Elem {
        alt: dict.get(b"Alt").ok().map(|a| text_string(a.as_str().unwrap())),
        scope: attrs.and_then(|a| a.get(b"Scope").ok()).map(|s| String::from_utf8_lossy(s.as_name().unwrap()).into()),
        bbox: attrs.is_some_and(|a| a.get(b"BBox").is_ok()),
        attached: dict.get(b"AF").map_or(0, |af| af.as_array().unwrap().len()),
        role,
        annotations: Vec::new(),
        at: None,
        text: String::new(),
        children: Vec::new(),
    };
    let page = dict.get(b"Pg").ok().map(|p| p.as_reference().unwrap());
    let kids = match dict.get(b"K") {
        Ok(Object::Array(items)) => items.clone(),
        Ok(one) => vec![one.clone()],
        Err(_) => Vec::new(),
    };
    for kid in kids {
        match kid {
            Object::Integer(mcid) => {
                let page = page.expect("an MCID without /Pg");
                e.at = e.at.or_else(|| shown_at(content, page, mcid));
                e.text.push_str(&take(content, page, mcid));
            }
            Object::Dictionary(d) if d.get(b"Type").unwrap().as_name().unwrap() == b"MCR" => {
                let page = d.get(b"Pg").unwrap().as_reference().unwrap();
                let mcid = d.get(b"MCID").unwrap().as_i64().unwrap();
                e.at = e.at.or_else(|| shown_at(content, page, mcid));
                e.text.push_str(&take(content, page, mcid));
            }
            Object::Dictionary(d) => {
                assert_eq!(d.get(b"Type").unwrap().as_name().unwrap(), b"OBJR");
                e.annotations.push(d.get(b"Obj").unwrap().as_reference().unwrap());
            }
            Object::Reference(id) => {
                let child = read_elem(doc, doc.get_dictionary(id).unwrap(), content);
                e.at = e.at.or(child.at);
                e.text.push_str(&child.text);
                e.children.push(child);
            }
            other => panic!("unexpected kid {other:?}"),
        }
    }
    e
}

/// The page and baseline of a marked-content id's first text, if it has text.
fn shown_at(content: &BTreeMap<ObjectId, PageContent>, page: ObjectId, mcid: i64) -> Option<(ObjectId, f32)> {
    content.get(&page)?.baseline.get(&mcid).map(|&y| (page, y))
}

fn take(content: &mut BTreeMap<ObjectId, PageContent>, page: ObjectId, mcid: i64) -> String {
    content.get_mut(&page).unwrap().text.remove(&mcid).unwrap_or_else(|| panic!("MCID {mcid} twice or missing"))
}

/// A PDF text string, UTF-16 with a byte-order mark or plain.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(rest) => {
            String::from_utf16(&rest.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>()).unwrap()
        }
        None => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Text as compared: no-break spaces as spaces, runs of white space as one.
fn norm(s: &str) -> String {
    s.replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The built-in briefing: its PDF, read back, and its document model.
fn built_in(dir: &Path) -> (Document, briefing::Rendered) {
    let out = dir.join("b.pdf");
    briefing().args(["build", "-o"]).arg(&out).assert().success();
    common::keep_pdf(&out);
    let bytes = std::fs::read(&out).unwrap();
    let fonts = briefing::text::fonts::Fonts::new();
    let loaded =
        briefing::load(briefing::BUILTIN_NAME, briefing::BUILTIN_MANIFEST, &fonts, &briefing::BUILTIN_FILES).unwrap();
    let rendered = briefing::render(&loaded, &fonts, &briefing::Options::default());
    (Document::load_mem(&bytes).unwrap(), rendered)
}

/// The document's blocks of one kind, in order.
fn blocks<'a, T>(rendered: &'a briefing::Rendered, pick: impl Fn(&'a Block) -> Option<&'a T>) -> Vec<&'a T> {
    rendered.document.blocks.iter().filter_map(pick).collect()
}

fn tree_of(doc: &Document) -> (Elem, BTreeMap<ObjectId, PageContent>) {
    let mut content: BTreeMap<ObjectId, PageContent> =
        doc.get_pages().values().map(|&id| (id, page_content(doc, id))).collect();
    let tree = read_tree(doc, &mut content);
    (tree, content)
}

#[test]
fn all_content_is_in_the_tree_or_an_artifact() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, _) = built_in(dir.path());
    let (tree, content) = tree_of(&doc);
    assert_eq!(tree.role, "Document");
    for (page, left) in &content {
        assert_eq!(left.unmarked, 0, "page {page:?} has content outside marked content");
        assert!(left.text.is_empty(), "marked content on {page:?} not in the tree: {:?}", left.text);
    }
}

#[test]
fn headings_nest_in_sections_in_the_outline_order() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, rendered) = built_in(dir.path());
    let (tree, _) = tree_of(&doc);
    assert_eq!(tree.children[0].role, "H1");
    assert_eq!(norm(&tree.children[0].text), norm(&rendered.document.title));
    // Every section starts with its heading, one level below its parent's.
    fn walk(e: &Elem, level: usize, headings: &mut Vec<String>) {
        let skip = usize::from(e.role == "Sect");
        for c in &e.children[skip..] {
            if c.role == "Sect" {
                let h = &c.children[0];
                assert_eq!(h.role, format!("H{}", level + 1), "{}", h.text);
                assert!(!h.text.trim().is_empty(), "an empty heading");
                headings.push(norm(&h.text));
                walk(c, level + 1, headings);
            } else {
                assert!(!c.role.starts_with('H') || (c.role == "H1" && level == 1), "{} outside a section", c.role);
            }
        }
    }
    let mut headings = Vec::new();
    walk(&tree, 1, &mut headings);
    let outline: Vec<String> = rendered.layout.outline.iter().map(|o| norm(&o.title)).collect();
    assert_eq!(headings, outline);
    assert!(headings.iter().any(|h| h.starts_with("1.1 ")), "no subsection in {headings:?}");
}

#[test]
fn paragraphs_and_list_items_read_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, rendered) = built_in(dir.path());
    let (tree, _) = tree_of(&doc);
    let spans =
        |spans: &[briefing::text::linebreak::Span]| norm(&spans.iter().map(|s| s.text.as_str()).collect::<String>());
    let mut paragraphs = Vec::new();
    let mut items = Vec::new();
    for block in &rendered.document.blocks {
        match block {
            Block::Paragraph(s) => paragraphs.push(spans(s)),
            Block::Bullets(list) => items.extend(list.iter().map(|s| spans(s))),
            _ => {}
        }
    }
    // Every paragraph of the document is a `P` of the tree with exactly its
    // text (hyphens added at line ends read as nothing, no word is joined
    // to the next line), in the same order.
    let ps: Vec<String> = tree.find("P").iter().map(|p| norm(&p.text)).collect();
    let mut at = 0;
    for p in &paragraphs {
        let found = ps[at..].iter().position(|t| t == p).unwrap_or_else(|| {
            let near = ps.iter().find(|t| t[..20.min(t.len())] == p[..20.min(p.len())]);
            panic!("no P reads\n{p:?}\nnearest:\n{near:?}")
        });
        at += found + 1;
    }
    let bodies: Vec<String> = tree.find("LBody").iter().map(|b| norm(&b.text)).collect();
    for item in &items {
        assert!(bodies.contains(item), "no list item reads {item:?}");
    }
    assert!(paragraphs.len() > 15 && items.len() > 3);
    // Hyphenated words are in the text whole.
    let hyphenated = rendered.layout.pages.iter().flat_map(|p| &p.items).any(|i| {
        matches!(i, briefing::frame::Item::Text { glyphs, .. }
            if glyphs.last().is_some_and(|g| g.text == briefing::text::linebreak::LINE_END_HYPHEN))
    });
    assert!(hyphenated, "the built-in briefing should hyphenate some word, to test reading it whole");
}

#[test]
fn figures_have_alt_text_a_box_and_their_data_attached() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, rendered) = built_in(dir.path());
    let (tree, _) = tree_of(&doc);
    let figures: Vec<&briefing::compose::Figure> = blocks(&rendered, |b| match b {
        Block::Figure(f) => Some(&**f),
        _ => None,
    });
    let elems = tree.find("Figure");
    assert_eq!(elems.len(), figures.len());
    for (e, f) in elems.iter().zip(&figures) {
        let alt: String = f.alt.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(norm(e.alt.as_deref().unwrap()), norm(&alt));
        assert!(e.bbox, "Figure {} has no BBox", f.number);
        assert_eq!(e.attached, 1, "Figure {} has no data file", f.number);
    }
    // Each figure's group has a caption with its title and source line: one
    // group per figure, so that the zip below checks every one of them.
    let groups: Vec<&Elem> =
        tree.find("Div").into_iter().filter(|d| d.children.iter().any(|c| c.role == "Figure")).collect();
    assert_eq!(groups.len(), figures.len(), "figures grouped with their captions");
    assert!(figures.len() >= 4, "the built-in briefing has {} figures", figures.len());
    for (div, f) in groups.iter().zip(&figures) {
        let caption = norm(&div.children[0].text);
        assert!(caption.starts_with(&format!("Figure {}:", f.number)), "{caption}");
        assert!(caption.contains("Source"), "{caption}");
    }
}

#[test]
fn each_chart_attaches_the_values_it_draws_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, rendered) = built_in(dir.path());
    let listed = std::process::Command::new("pdfdetach").arg("-list").arg(dir.path().join("b.pdf")).output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let files = embedded_files(&doc);
    for block in &rendered.document.blocks {
        let Block::Figure(f) = block else { continue };
        let name = format!("figure-{}-data.csv", f.number);
        assert!(listed.contains(&name), "{listed}");
        let csv = &files[&name];
        let mut lines = csv.lines();
        let header = parse_csv_line(lines.next().unwrap());
        let chart = match &f.graphic {
            Graphic::Chart(chart) => chart,
            Graphic::Map(map) => {
                // A map's CSV: each area once, with its code, name, value and class.
                assert_eq!(header, ["code", "name", "value", "class"]);
                let rows: Vec<Vec<String>> = lines.map(parse_csv_line).collect();
                assert_eq!(rows.len(), map.areas.len());
                for (row, area) in rows.iter().zip(&map.areas) {
                    assert_eq!((&row[0], &row[1]), (&area.code, &area.name));
                    match area.value {
                        Some(v) => {
                            assert!((row[2].parse::<f64>().unwrap() - v).abs() <= v.abs() * 1e-10, "{row:?}");
                            assert_eq!(row[3], map.classes[area.class.unwrap()]);
                        }
                        None => assert_eq!((row[2].as_str(), row[3].as_str()), ("", "no data")),
                    }
                }
                continue;
            }
        };
        assert_eq!(header.len(), chart.series.len() + 1);
        let rows: BTreeMap<String, Vec<String>> = lines
            .map(|l| {
                let cells = parse_csv_line(l);
                (cells[0].clone(), cells[1..].to_vec())
            })
            .collect();
        let mut points = 0;
        for (i, s) in chart.series.iter().enumerate() {
            for (x, y) in &s.points {
                let cell = &rows[&x.to_string()][i];
                match y {
                    // To the data's precision: ten significant digits, without
                    // the noise binary arithmetic leaves in sums and ratios.
                    Some(y) => {
                        let read = cell.parse::<f64>().unwrap();
                        assert!((read - y).abs() <= y.abs() * 1e-10, "{name} {x}: {read} for {y}");
                        assert!(cell.len() <= 17, "{name} {x}: {cell} is longer than the data's precision");
                    }
                    None => assert!(cell.is_empty()),
                }
                points += 1;
            }
        }
        assert_eq!(rows.values().map(|r| r.len()).sum::<usize>(), rows.len() * chart.series.len());
        assert!(points >= rows.len());
    }
    // And independently of the tool, Figure 1 against the published file.
    let source = std::fs::read_to_string("data/london-2018/met-officers.csv").unwrap();
    let published: BTreeMap<&str, f64> = source
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.split(',');
            Some((cells.next()?, cells.next()?.parse().ok()?))
        })
        .collect();
    let figure1 = &files["figure-1-data.csv"];
    for line in figure1.lines().skip(1) {
        let (date, value) = line.split_once(',').unwrap();
        assert_eq!(value.parse::<f64>().unwrap(), published[date], "{date}");
    }
    assert_eq!(figure1.lines().count(), 13, "2007 to 2018 and a header:\n{figure1}");
}

/// Splits one CSV line (quoted cells allowed).
fn parse_csv_line(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

/// The embedded files, by name, from the catalog's name tree.
fn embedded_files(doc: &Document) -> BTreeMap<String, String> {
    let catalog = doc.catalog().unwrap();
    let names = catalog.get(b"Names").unwrap().as_dict().unwrap();
    let tree = names.get(b"EmbeddedFiles").unwrap().as_dict().unwrap();
    let list = tree.get(b"Names").unwrap().as_array().unwrap();
    let af: BTreeSet<ObjectId> =
        catalog.get(b"AF").unwrap().as_array().unwrap().iter().map(|o| o.as_reference().unwrap()).collect();
    let mut out = BTreeMap::new();
    for pair in list.chunks(2) {
        let spec_id = pair[1].as_reference().unwrap();
        assert!(af.contains(&spec_id), "an embedded file missing from /AF");
        let spec = doc.get_dictionary(spec_id).unwrap();
        assert_eq!(spec.get(b"AFRelationship").unwrap().as_name().unwrap(), b"Data");
        assert!(spec.get(b"Desc").is_ok() && spec.get(b"UF").is_ok());
        let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
        let stream = doc.get_object(ef.get(b"F").unwrap().as_reference().unwrap()).unwrap().as_stream().unwrap();
        assert_eq!(stream.dict.get(b"Subtype").unwrap().as_name().unwrap(), b"text/csv");
        let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        out.insert(text_string(pair[0].as_str().unwrap()), String::from_utf8(bytes).unwrap());
    }
    out
}

#[test]
fn tables_have_header_cells_with_a_scope() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, rendered) = built_in(dir.path());
    let (tree, _) = tree_of(&doc);
    let tables: Vec<&briefing::compose::Table> = blocks(&rendered, |b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    });
    let elems = tree.find("Table");
    assert_eq!(elems.len(), tables.len());
    assert!(tables.len() > 1, "the appendix adds a table per chart");
    for (e, t) in elems.iter().zip(&tables) {
        let roles: Vec<&str> = e.children.iter().map(|c| c.role.as_str()).collect();
        assert_eq!(roles, ["Caption", "THead", "TBody"]);
        let head = &e.children[1].children[0];
        assert_eq!(head.children.len(), t.header.len());
        for (th, text) in head.children.iter().zip(&t.header) {
            assert_eq!((th.role.as_str(), th.scope.as_deref()), ("TH", Some("Column")));
            assert_eq!(norm(&th.text), norm(text));
        }
        let body = &e.children[2];
        assert_eq!(body.children.len(), t.rows.len(), "one TR per row, none for repeated headers");
        for (tr, row) in body.children.iter().zip(&t.rows) {
            assert_eq!((tr.children[0].role.as_str(), tr.children[0].scope.as_deref()), ("TH", Some("Row")));
            let cells: Vec<String> = tr.children.iter().map(|c| norm(&c.text)).collect();
            let expected: Vec<String> = row.iter().map(|c| norm(c)).collect();
            assert_eq!(cells, expected);
        }
    }
}

#[test]
fn every_link_annotation_belongs_to_a_link_element() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, _) = built_in(dir.path());
    let (tree, _) = tree_of(&doc);
    let links = tree.find("Link");
    let claimed: BTreeSet<ObjectId> = links.iter().flat_map(|l| l.annotations.iter().copied()).collect();
    let catalog = doc.catalog().unwrap();
    let root = doc.get_dictionary(catalog.get(b"StructTreeRoot").unwrap().as_reference().unwrap()).unwrap();
    let nums = root.get(b"ParentTree").unwrap().as_dict().unwrap().get(b"Nums").unwrap().as_array().unwrap();
    let parents: BTreeMap<i64, &Object> = nums.chunks(2).map(|p| (p[0].as_i64().unwrap(), &p[1])).collect();
    let mut count = 0;
    for (_, page) in doc.get_pages() {
        let dict = doc.get_dictionary(page).unwrap();
        assert_eq!(dict.get(b"Tabs").unwrap().as_name().unwrap(), b"S");
        let Ok(annots) = dict.get(b"Annots") else { continue };
        for annot in annots.as_array().unwrap() {
            let id = annot.as_reference().unwrap();
            assert!(claimed.contains(&id), "annotation {id:?} has no OBJR in a Link element");
            let key = doc.get_dictionary(id).unwrap().get(b"StructParent").unwrap().as_i64().unwrap();
            let parent = doc.get_dictionary(parents[&key].as_reference().unwrap()).unwrap();
            assert_eq!(parent.get(b"S").unwrap().as_name().unwrap(), b"Link");
            count += 1;
        }
    }
    assert_eq!(count, claimed.len());
    // A link's text is the citation number or the address it shows.
    assert!(links.iter().all(|l| !l.text.trim().is_empty()));
    assert!(count > 40);
}

#[test]
fn pdfinfo_shows_the_structure_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_, rendered) = built_in(dir.path());
    let out = std::process::Command::new("pdfinfo").arg("-struct-text").arg(dir.path().join("b.pdf")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Document\n  H1"), "{}", &text[..text.len().min(300)]);
    // The section headings appear in the document's order.
    let mut at = 0;
    for entry in &rendered.layout.outline {
        let title = entry.title.replace('\u{a0}', " ");
        let found = text[at..].find(&title).unwrap_or_else(|| panic!("{title} out of order"));
        at += found;
    }
}

/// Where each numbered reference entry starts: its label ("[3]") in the
/// references list, by number, as (page, baseline).
fn reference_entries(tree: &Elem) -> BTreeMap<usize, (ObjectId, f32)> {
    tree.find("Lbl")
        .into_iter()
        .filter_map(|l| {
            let n = norm(&l.text).strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
            Some((n, l.at.expect("a reference label with no text")))
        })
        .collect()
}

/// A citation link as read back.
#[derive(Debug)]
struct Citation {
    /// The reference number the link's text shows.
    shown: usize,
    /// Its annotation's `/Contents`, read aloud by screen readers.
    contents: String,
    /// The page and height its destination opens the view at.
    page: ObjectId,
    top: f32,
}

/// Every citation link (a `Link` element whose annotation goes to a place
/// in the document), in reading order.
fn citations(doc: &Document, tree: &Elem) -> Vec<Citation> {
    let mut out = Vec::new();
    for link in tree.find("Link") {
        for annot in &link.annotations {
            let annot = doc.get_dictionary(*annot).unwrap();
            let action = annot.get(b"A").unwrap().as_dict().unwrap();
            if action.get(b"S").unwrap().as_name().unwrap() != b"GoTo" {
                continue;
            }
            // [page /XYZ left top zoom]
            let dest = action.get(b"D").unwrap().as_array().unwrap();
            assert_eq!(dest[1].as_name().unwrap(), b"XYZ", "{dest:?}");
            let digits: String = link.text.chars().filter(char::is_ascii_digit).collect();
            out.push(Citation {
                shown: digits.parse().unwrap_or_else(|_| panic!("citation link text {:?}", link.text)),
                contents: text_string(annot.get(b"Contents").unwrap().as_str().unwrap()),
                page: dest[0].as_reference().unwrap(),
                top: dest[3].as_float().unwrap(),
            });
        }
    }
    out
}

/// Asserts that a citation's destination opens the view at the start of
/// reference entry `n`: on its page, just above its first line (the first
/// entry below that point is `n`, and it is less than two lines down).
fn assert_lands_on_entry(c: &Citation, n: usize, entries: &BTreeMap<usize, (ObjectId, f32)>) {
    let &(page, baseline) = entries.get(&n).unwrap_or_else(|| panic!("no reference entry [{n}] for {c:?}"));
    assert_eq!(c.page, page, "citation [{n}] leads to another page than its entry: {c:?}");
    let below = entries
        .iter()
        .filter(|(_, (p, y))| *p == c.page && *y < c.top)
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1))
        .map(|(k, _)| *k);
    assert_eq!(below, Some(n), "citation [{n}] opens above entry {below:?}: {c:?}");
    assert!(c.top - baseline < 24.0, "citation [{n}] opens {} pt above its entry", c.top - baseline);
}

#[test]
fn each_citation_links_to_its_own_reference_entry_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.csv"), "year,n\n2017,1\n2018,2\n").unwrap();
    // Sources cited, and cited again, in an order that numbers them 1, 2, 1, 3, 2, then 1 and 3 together.
    let sources = [
        ("a", "Alpha Office", "First report"),
        ("b", "Beta Board", "Second survey"),
        ("c", "Gamma Group", "Third study"),
    ];
    let cited = ["a", "b", "a", "c", "b", "a", "c"];
    let manifest = serde_json::json!({
        "format": 1, "title": "Citations", "date": "2018-06-27",
        "sources": sources.iter().map(|(id, p, t)| (id.to_string(), serde_json::json!({"publisher": p, "title": t})))
            .collect::<serde_json::Map<_, _>>(),
        "data": {"n": {"file": "n.csv", "x": "year", "y": "n", "label": "N", "source": "a"}},
        "sections": [{"heading": "Claims", "blocks": [
            {"text": "The first claim [@a]. The second claim [@b]."},
            {"text": "The first again [@a]. The third claim [@c]. The second again [@b]."},
            {"text": "The first and third together [@a; @c]."}
        ]}]
    });
    std::fs::write(dir.path().join("briefing.json"), manifest.to_string()).unwrap();
    let out = dir.path().join("c.pdf");
    briefing().arg("build").arg(dir.path().join("briefing.json")).arg("-o").arg(&out).assert().success();
    common::keep_pdf(&out);
    let doc = Document::load(&out).unwrap();
    let (tree, _) = tree_of(&doc);
    let entries = reference_entries(&tree);
    assert_eq!(entries.len(), 3, "{entries:?}");
    let found = citations(&doc, &tree);
    let shown: Vec<usize> = found.iter().map(|c| c.shown).collect();
    assert_eq!(shown, [1, 2, 1, 3, 2, 1, 3], "{found:?}");
    for (c, id) in found.iter().zip(cited) {
        let number = 1 + ["a", "b", "c"].iter().position(|s| *s == id).unwrap();
        let (_, publisher, title) = sources[number - 1];
        assert_eq!(c.contents, format!("Reference {number}: {publisher}, {title}"));
        assert_lands_on_entry(c, number, &entries);
    }
}

#[test]
fn every_citation_of_the_built_in_briefing_lands_on_the_entry_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, rendered) = built_in(dir.path());
    let (tree, _) = tree_of(&doc);
    let entries = reference_entries(&tree);
    assert_eq!(entries.len(), rendered.layout.references.len());
    // Each entry reads as the reference it numbers.
    let items: Vec<String> = tree.find("LI").iter().map(|li| norm(&li.text)).collect();
    for (n, words) in &rendered.layout.references {
        assert!(items.iter().any(|i| i.starts_with(&format!("[{n}] {}", norm(words)))), "no entry [{n}] {words}");
    }
    let found = citations(&doc, &tree);
    assert!(found.len() > 40, "only {} citation links", found.len());
    for c in &found {
        let words = &rendered.layout.references[&c.shown];
        assert_eq!(c.contents, format!("Reference {}: {words}", c.shown));
        assert_lands_on_entry(c, c.shown, &entries);
    }
}
