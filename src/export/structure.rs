//! The tagged-PDF side of the PDF writer: the structure tree (PDF/UA-1),
//! its parent tree, link annotations tied to `Link` elements, and each
//! chart's data embedded as a file on its `Figure`.
//!
//! The PDF writer marks every piece of page content as an artifact or with
//! a marked-content id, and records here ([`PageTags`]) which structure node
//! each id belongs to. This module turns those records and the layout's
//! nodes into lopdf objects, once all pages exist.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::utf16be;
use crate::frame::{Layout, Role};

/// Who a marked-content sequence on a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Artifact,
    /// A structure node of the layout.
    Node(usize),
    /// The text of the page's link number `k` (in annotation order).
    Link(usize),
}

/// What the page writer records for the structure tree.
#[derive(Debug, Default)]
pub struct PageTags {
    /// The owner of each marked-content id (the index); never `Artifact`.
    pub mcids: Vec<Owner>,
    /// For each link annotation, in order: the node its text is in and the
    /// link's description.
    pub links: Vec<(usize, String)>,
    /// Each figure's bounding box on the page (PDF coordinates).
    pub boxes: BTreeMap<usize, [f32; 4]>,
}

/// A child of a structure element.
#[derive(Debug, Clone, Copy)]
enum Kid {
    /// Marked content: page index and id.
    Content(usize, usize),
    Element(ObjectId),
    /// An annotation, on a page.
    Annotation(ObjectId, usize),
}

/// Where a kid sits in the content: page, then marked-content id.
type Key = (usize, usize);

/// A kid with its place in the content and, for a node's child node, the
/// node's index (reading order).
struct Entry {
    key: Key,
    node: Option<usize>,
    kid: Kid,
}

/// Writes the structure tree, `/MarkInfo`-ready, and the charts' data files;
/// makes each link annotation an object with a description and a `Link`
/// element; and gives pages `/StructParents` and tab order by structure.
pub fn write(lo: &mut lopdf::Document, layout: &Layout, pages: &[ObjectId], tags: &[PageTags]) -> Result<(), String> {
    let err = |e: lopdf::Error| e.to_string();
    let nodes = &layout.structure;
    let root = lo.new_object_id();
    let ids: Vec<ObjectId> = nodes.iter().map(|_| lo.new_object_id()).collect();
    let mut entries: Vec<Vec<Entry>> = nodes.iter().map(|_| Vec::new()).collect();
    let mut nums: Vec<Object> = Vec::new();
    let mut next_key = 0i64;
    // Link elements: their id, parent node and kids.
    let mut links: Vec<(ObjectId, usize, Vec<Kid>)> = Vec::new();
    for (p, (&page, t)) in pages.iter().zip(tags).enumerate() {
        let first_link = links.len();
        for (node, _) in &t.links {
            links.push((lo.new_object_id(), *node, Vec::new()));
        }
        let mut parents = Vec::with_capacity(t.mcids.len());
        for (mcid, owner) in t.mcids.iter().enumerate() {
            match *owner {
                Owner::Node(n) => {
                    entries[n].push(Entry { key: (p, mcid), node: None, kid: Kid::Content(p, mcid) });
                    parents.push(Object::Reference(ids[n]));
                }
                Owner::Link(k) => {
                    let link = &mut links[first_link + k];
                    link.2.push(Kid::Content(p, mcid));
                    parents.push(Object::Reference(link.0));
                }
                Owner::Artifact => parents.push(Object::Null),
            }
        }
        let dict = lo.get_object_mut(page).and_then(Object::as_dict_mut).map_err(err)?;
        dict.set("StructParents", Object::Integer(next_key));
        // Tab through links in the order of the structure tree.
        dict.set("Tabs", Object::Name(b"S".to_vec()));
        nums.push(Object::Integer(next_key));
        nums.push(Object::Array(parents));
        next_key += 1;
        // printpdf writes a page's annotations inline, in the order the
        // page writer made them: they pair with the recorded links.
        let annots = dict.get(b"Annots").and_then(Object::as_array).cloned().unwrap_or_default();
        if annots.len() != t.links.len() {
            return Err(format!("{} link annotations for {} links", annots.len(), t.links.len()));
        }
        let mut refs = Vec::with_capacity(annots.len());
        for (k, (annot, (_, description))) in annots.into_iter().zip(&t.links).enumerate() {
            let Object::Dictionary(mut annot) = annot else {
                return Err("a link annotation is not a dictionary".to_string());
            };
            // A literal string: lopdf writes hexadecimal ones a byte at a time through `format!`.
            annot.set("Contents", Object::String(utf16be(description), StringFormat::Literal));
            annot.set("StructParent", Object::Integer(next_key));
            let (link_id, ..) = links[first_link + k];
            nums.push(Object::Integer(next_key));
            nums.push(Object::Reference(link_id));
            next_key += 1;
            let annot_id = lo.add_object(Object::Dictionary(annot));
            links[first_link + k].2.push(Kid::Annotation(annot_id, p));
            refs.push(Object::Reference(annot_id));
        }
        if !refs.is_empty() {
            let dict = lo.get_object_mut(page).and_then(Object::as_dict_mut).map_err(err)?;
            dict.set("Annots", Object::Array(refs));
        }
    }
    for (id, node, kids) in &links {
        let key = kids.iter().find_map(|k| match k {
            Kid::Content(p, m) => Some((*p, *m)),
            _ => None,
        });
        let key = key.unwrap_or((usize::MAX, 0));
        entries[*node].push(Entry { key, node: None, kid: Kid::Element(*id) });
        let mut dict = element("Link", ids[*node]);
        set_kids(&mut dict, kids, pages);
        lo.objects.insert(*id, Object::Dictionary(dict));
    }
    // Children before parents (a node's parent always comes earlier), so a
    // node knows its kids, and whether it has any, when it is written.
    let boxes: BTreeMap<usize, [f32; 4]> = tags.iter().flat_map(|t| &t.boxes).map(|(&n, &b)| (n, b)).collect();
    let mut files = Vec::new();
    for n in (0..nodes.len()).rev() {
        let mut mine = std::mem::take(&mut entries[n]);
        if mine.is_empty() && n > 0 {
            continue;
        }
        // Marked content in a node (a paragraph and its links) is in content
        // order; child nodes are in reading order, which a chart moved to a
        // later page does not change.
        if mine.iter().any(|e| e.node.is_none()) {
            mine.sort_by_key(|e| e.key);
        } else {
            mine.sort_by_key(|e| e.node);
        }
        let node = &nodes[n];
        let parent = node.parent.map_or(root, |p| ids[p]);
        let mut dict = element(node.role.name(), parent);
        let kids: Vec<Kid> = mine.iter().map(|e| e.kid).collect();
        set_kids(&mut dict, &kids, pages);
        if let Some(alt) = &node.alt {
            dict.set("Alt", Object::String(utf16be(alt), StringFormat::Literal));
        }
        match node.role {
            Role::TH { column } => {
                let scope = if column { "Column" } else { "Row" };
                dict.set("A", attributes("Table", [("Scope", Object::Name(scope.into()))]));
            }
            Role::Figure => {
                if let Some(b) = boxes.get(&n) {
                    let bbox = Object::Array(b.iter().map(|v| Object::Real((v * 100.0).round() / 100.0)).collect());
                    dict.set("A", attributes("Layout", [("BBox", bbox)]));
                }
            }
            _ => {}
        }
        if let Some(file) = &node.attachment {
            let spec = embed(lo, file);
            dict.set("AF", Object::Array(vec![Object::Reference(spec)]));
            files.push((file.name.clone(), spec));
        }
        lo.objects.insert(ids[n], Object::Dictionary(dict));
        if let Some(p) = node.parent {
            let key = mine.iter().map(|e| e.key).min().unwrap_or((usize::MAX, 0));
            entries[p].push(Entry { key, node: Some(n), kid: Kid::Element(ids[n]) });
        }
    }
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    if !nodes.is_empty() {
        tree.set("K", Object::Array(vec![Object::Reference(ids[0])]));
    }
    tree.set("ParentTree", Object::Dictionary(Dictionary::from_iter([("Nums", Object::Array(nums))])));
    tree.set("ParentTreeNextKey", Object::Integer(next_key));
    lo.objects.insert(root, Object::Dictionary(tree));
    attach(lo, root, files)
}

/// Lists the embedded files in the catalog (`/Names /EmbeddedFiles`, sorted
/// by name as name trees must be, and `/AF`), and points the catalog at the
/// structure tree `root`.
fn attach(lo: &mut lopdf::Document, root: ObjectId, mut files: Vec<(String, ObjectId)>) -> Result<(), String> {
    let err = |e: lopdf::Error| e.to_string();
    let catalog_id = lo.trailer.get(b"Root").and_then(Object::as_reference).map_err(err)?;
    files.sort();
    let catalog = lo.get_object_mut(catalog_id).and_then(Object::as_dict_mut).map_err(err)?;
    catalog.set("StructTreeRoot", Object::Reference(root));
    if !files.is_empty() {
        let names = files
            .iter()
            .flat_map(|(name, id)| [Object::String(utf16be(name), StringFormat::Literal), Object::Reference(*id)])
            .collect();
        let tree = Dictionary::from_iter([("Names", Object::Array(names))]);
        catalog.set("Names", Object::Dictionary(Dictionary::from_iter([("EmbeddedFiles", Object::Dictionary(tree))])));
        catalog.set("AF", Object::Array(files.iter().map(|(_, id)| Object::Reference(*id)).collect()));
    }
    Ok(())
}

/// Embeds a file and returns its file specification, marked as the data
/// behind what it is attached to.
fn embed(lo: &mut lopdf::Document, file: &crate::frame::Attachment) -> ObjectId {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    dict.set("Subtype", Object::Name(file.mime.as_bytes().to_vec()));
    dict.set("Params", Object::Dictionary(Dictionary::from_iter([("Size", Object::Integer(file.bytes.len() as i64))])));
    let stream = lo.add_object(lopdf::Stream::new(dict, file.bytes.clone()));
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", Object::string_literal(file.name.as_str()));
    spec.set("UF", Object::String(utf16be(&file.name), StringFormat::Literal));
    spec.set("Desc", Object::String(utf16be(&file.description), StringFormat::Literal));
    spec.set("AFRelationship", Object::Name(b"Data".to_vec()));
    spec.set(
        "EF",
        Object::Dictionary(Dictionary::from_iter([
            ("F", Object::Reference(stream)),
            ("UF", Object::Reference(stream)),
        ])),
    );
    lo.add_object(spec)
}

/// A structure element of type `role` under `parent`. (`/Type
/// /StructElem` is optional, and left out: lopdf's writing of the many
/// small elements is most of what tagging costs.)
fn element(role: &str, parent: ObjectId) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("S", Object::Name(role.as_bytes().to_vec()));
    dict.set("P", Object::Reference(parent));
    dict
}

/// An attribute dictionary of the given owner (`Table`, `Layout`).
fn attributes<const N: usize>(owner: &str, pairs: [(&str, Object); N]) -> Object {
    let mut dict = Dictionary::from_iter(pairs);
    dict.set("O", Object::Name(owner.as_bytes().to_vec()));
    Object::Dictionary(dict)
}

/// Sets an element's `/K` and, when it has content or an annotation, its
/// page `/Pg`: the page of the first of them.
fn set_kids(dict: &mut Dictionary, kids: &[Kid], pages: &[ObjectId]) {
    let page = kids.iter().find_map(|k| match *k {
        Kid::Content(p, _) | Kid::Annotation(_, p) => Some(p),
        Kid::Element(_) => None,
    });
    if let Some(p) = page {
        dict.set("Pg", Object::Reference(pages[p]));
    }
    dict.set("K", kid_array(kids, page, pages));
}

/// A `/K` entry: marked content on the element's own page `page` as bare
/// ids, elsewhere as marked-content references; child elements; and object
/// references for annotations. A single kid is written alone, not in an
/// array (most elements are one line or one cell).
fn kid_array(kids: &[Kid], page: Option<usize>, pages: &[ObjectId]) -> Object {
    let mut kids: Vec<Object> = kids
        .iter()
        .map(|kid| match *kid {
            Kid::Content(p, mcid) if Some(p) == page => Object::Integer(mcid as i64),
            Kid::Content(p, mcid) => Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"MCR".to_vec())),
                ("Pg", Object::Reference(pages[p])),
                ("MCID", Object::Integer(mcid as i64)),
            ])),
            Kid::Element(id) => Object::Reference(id),
            Kid::Annotation(id, p) => Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"OBJR".to_vec())),
                ("Pg", Object::Reference(pages[p])),
                ("Obj", Object::Reference(id)),
            ])),
        })
        .collect();
    if kids.len() == 1 { kids.remove(0) } else { Object::Array(kids) }
}
