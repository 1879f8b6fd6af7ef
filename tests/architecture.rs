//! The crate's shape: data flows one way through the pipeline, so no module
//! of `src/` imports, directly or through others, a module that imports it,
//! and no stage imports a later one (input, analyse, resolve, compose,
//! layout, export, then cli on top; `text`, `frame` and `diag` below them all).
//!
//! Modules are the files under `src/`; an edge is a `crate::…` or
//! `super::…` path in one file naming another. A folder's `mod.rs` and the
//! files inside it refer to each other by nature (the folder declares them,
//! they use its shared types), so edges between a module and its own
//! descendants are not counted; every other cycle is a failure, between
//! stages (`input` ↔ `analyse`) or between sibling files alike.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, as (module path, text): `src/a/b.rs` is
/// `a::b`, `src/a/mod.rs` is `a`. The crate roots are left out.
fn modules(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            modules(&path, &[prefix, &[name]].concat(), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match name.as_str() {
                "mod" => prefix.to_vec(),
                "lib" | "main" if prefix.is_empty() => continue,
                _ => [prefix, &[name]].concat(),
            };
            out.insert(module.join("::"), std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The module a path such as `input::manifest::Source` names: its longest
/// prefix that is a module.
fn target(path: &[&str], known: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len()).rev().map(|n| path[..n].join("::")).find(|m| known.contains_key(m))
}

/// The paths each module refers to: `crate::a::b` and `super::x` (from `m`),
/// including those inside `use` groups such as `crate::{a, b::c}`.
fn references(module: &str, text: &str) -> Vec<Vec<String>> {
    let parent: Vec<&str> = module.split("::").collect();
    let mut out = Vec::new();
    for (root, base) in [("crate::", Vec::new()), ("super::", parent[..parent.len() - 1].to_vec())] {
        for (at, _) in text.match_indices(root) {
            let rest = &text[at + root.len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            // A `{` right after the path opens a group.
            let path = if rest[end..].starts_with('{') { &rest[..=end] } else { &rest[..end] };
            if let Some(group) = path.strip_suffix('{') {
                // `crate::x::{a, b::c}`: each member of the group.
                let inner = &rest[path.len()..rest.find('}').unwrap_or(rest.len())];
                // Nested groups are not used in this crate; their members are still found by name.
                for member in inner.split(',') {
                    let full = format!("{group}{}", member.trim());
                    out.push(base.iter().map(|s| s.to_string()).chain(full.split("::").map(str::to_string)).collect());
                }
            } else {
                out.push(base.iter().map(|s| s.to_string()).chain(path.split("::").map(str::to_string)).collect());
            }
        }
    }
    out
}

/// A path of edges that comes back to where it started, if any.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            return Some([&stack[at..], &[node.to_string()]].concat());
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

fn is_within(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::"))
}

/// The import edges between the modules of `src/`, leaving out a module's
/// edges to its own ancestors and descendants (see the module docs).
fn edges(known: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in known {
        for path in references(module, text) {
            let path: Vec<&str> = path.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
            let Some(to) = target(&path, known) else { continue };
            if !is_within(&to, module) && !is_within(module, &to) {
                edges.entry(module.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

/// The top-level folder or file a module belongs to: its pipeline stage.
fn stage(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// The pipeline's order, first to last; the stages on one line may use each
/// other (the cycle check keeps them apart), never a later line.
const STAGES: &[&[&str]] = &[
    // Below every stage: shared by all of them.
    &["diag", "text", "frame"],
    &["input"],
    &["analyse"],
    &["resolve"],
    &["compose"],
    &["layout"],
    &["export"],
    &["cli"],
];

/// A stage's place in [`STAGES`], if it has one.
fn rank(stage: &str) -> Option<usize> {
    STAGES.iter().position(|line| line.contains(&stage))
}

/// Every import of a later stage, as "from -> to".
fn later_stage_imports(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (from, tos) in edges {
        for to in tos {
            if rank(stage(to)) > rank(stage(from)) {
                out.push(format!("{from} -> {to}"));
            }
        }
    }
    out
}

#[test]
fn src_has_no_import_cycle() {
    let mut known = BTreeMap::new();
    modules(Path::new("src"), &[], &mut known);
    assert!(known.len() > 20, "only {} modules found", known.len());
    let edges = edges(&known);
    if let Some(c) = find_cycle(&edges) {
        panic!("import cycle: {}", c.join(" -> "));
    }
    // The stages, at folder level, run one way too.
    let mut stage_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &edges {
        for to in tos.iter().filter(|to| stage(to) != stage(from)) {
            stage_edges.entry(stage(from).to_string()).or_default().insert(stage(to).to_string());
        }
    }
    if let Some(c) = find_cycle(&stage_edges) {
        panic!("stages import each other: {}", c.join(" -> "));
    }
}

#[test]
fn the_cycle_check_sees_cycles() {
    // The check itself: a two-file cycle and a grouped import are found.
    let mut known = BTreeMap::new();
    known.insert("a".to_string(), "use crate::b::Thing;".to_string());
    known.insert("b".to_string(), "use crate::{a::Other, c};".to_string());
    known.insert("c".to_string(), String::new());
    let refs = references("b", &known["b"]);
    let targets: Vec<String> =
        refs.iter().filter_map(|p| target(&p.iter().map(String::as_str).collect::<Vec<_>>(), &known)).collect();
    assert_eq!(targets, ["a", "c"]);
    assert_eq!(target(&["b", "Thing"], &known).as_deref(), Some("b"));
    let graph = |pairs: &[(&str, &str)]| {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            edges.entry(a.to_string()).or_default().insert(b.to_string());
        }
        edges
    };
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert!(is_within("resolve::chart", "resolve"));
    assert!(!is_within("resolved", "resolve"));
}

#[test]
fn no_stage_imports_a_later_stage() {
    let mut known = BTreeMap::new();
    modules(Path::new("src"), &[], &mut known);
    // Every module belongs to a stage of the pipeline: a new top-level
    // folder or file has to be placed in `STAGES` before it passes.
    let unplaced: BTreeSet<&str> = known.keys().map(|m| stage(m)).filter(|s| rank(s).is_none()).collect();
    assert!(unplaced.is_empty(), "modules outside every stage: {unplaced:?}");
    let edges = edges(&known);
    // The check sees real edges: layout draws with text, export reads frames.
    assert!(edges.values().flatten().any(|to| stage(to) == "text"), "no module imports `text`: {edges:?}");
    let wrong = later_stage_imports(&edges);
    assert!(wrong.is_empty(), "modules that import a later stage:\n{}", wrong.join("\n"));
}

#[test]
fn the_stage_check_sees_an_import_of_a_later_stage() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("layout::chart".into()).or_default().insert("text::fonts".into());
    edges.entry("export::pdf".into()).or_default().insert("frame".into());
    assert!(later_stage_imports(&edges).is_empty());
    edges.entry("analyse::stats".into()).or_default().insert("resolve::model".into());
    edges.entry("frame".into()).or_default().insert("layout".into());
    assert_eq!(later_stage_imports(&edges), ["analyse::stats -> resolve::model", "frame -> layout"]);
    // Stages on one line may use each other; a stage outside the list has no place.
    assert_eq!(rank("frame"), rank("text"));
    assert!(rank("input") < rank("analyse") && rank("layout") < rank("export") && rank("export") < rank("cli"));
    assert_eq!(rank("unknown"), None);
}
