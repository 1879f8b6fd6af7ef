//! The crate's shape: data flows one way through the pipeline, so no module
//! of `src/` imports, directly or through others, a module that imports it.
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

#[test]
fn src_has_no_import_cycle() {
    let mut known = BTreeMap::new();
    modules(Path::new("src"), &[], &mut known);
    assert!(known.len() > 20, "only {} modules found", known.len());
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &known {
        for path in references(module, text) {
            let path: Vec<&str> = path.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
            let Some(to) = target(&path, &known) else { continue };
            if !is_within(&to, module) && !is_within(module, &to) {
                edges.entry(module.clone()).or_default().insert(to);
            }
        }
    }
    if let Some(c) = find_cycle(&edges) {
        panic!("import cycle: {}", c.join(" -> "));
    }
    // The stages, at folder level, run one way too.
    let stage = |m: &str| m.split("::").next().unwrap_or(m).to_string();
    let mut stage_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &edges {
        for to in tos.iter().filter(|to| stage(to) != stage(from)) {
            stage_edges.entry(stage(from)).or_default().insert(stage(to));
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
