//! The layout rules of DESIGN.md, checked on the source: no import cycles between modules and
//! no function in `src/` over 100 lines.
//!
//! Dependencies are read from every `crate::...` and `super::...` path in a file's non-test
//! code (`use` lines, brace groups and inline paths alike), resolved to the longest module
//! that exists. A module declaring or re-exporting its own submodules is not a dependency;
//! everything else is. Cycles are searched at two grains: files, and top-level modules
//! (`core`, `model`, `problem`, `optimize`, ...).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines: `src/optimize/relaxation/mod.rs` is `optimize::relaxation`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The file's code before its test module, without `//` comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path that follows `crate::` or `super::` (brace groups expanded one level), as
/// segments relative to the crate root.
fn paths(module: &Module, code: &str) -> Vec<Module> {
    let parent = module[..module.len().saturating_sub(1)].to_vec();
    let mut out = Vec::new();
    for (anchor, base) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut rest = code;
        while let Some(i) = rest.find(anchor) {
            let before = rest[..i].chars().last();
            rest = &rest[i + anchor.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let prefix: Module = base.iter().cloned().chain(segments(rest)).collect();
            let skip: usize = prefix[base.len()..].iter().map(|s| s.len() + 2).sum();
            let group = rest.get(skip..).and_then(|r| r.strip_prefix('{'));
            match group {
                Some(group) => {
                    let end = group.find('}').unwrap_or(group.len());
                    for item in group[..end].split(',') {
                        out.push(
                            prefix
                                .iter()
                                .cloned()
                                .chain(segments(item.trim()))
                                .collect(),
                        );
                    }
                }
                None => out.push(prefix),
            }
        }
    }
    out
}

fn segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(rest[..end].to_string());
        match rest[end..].strip_prefix("::") {
            Some(r) if !r.starts_with('{') => rest = r,
            _ => break,
        }
    }
    out
}

fn resolve(modules: &BTreeSet<Module>, path: &Module) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
}

/// Strongly connected components with more than one member (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        out: Vec<Vec<Module>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: &Module) {
            let i = self.index.len();
            self.index.insert(v.clone(), i);
            self.low.insert(v.clone(), i);
            self.stack.push(v.clone());
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    let done = &w == v;
                    comp.push(w);
                    if done {
                        break;
                    }
                }
                if comp.len() > 1 {
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.out
}

fn sources() -> (PathBuf, Vec<(Module, String)>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let out = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("readable source");
            (module_of(&src, f), text)
        })
        .collect();
    (src, out)
}

#[test]
fn modules_import_without_cycles() {
    let (_, files) = sources();
    let modules: BTreeSet<Module> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut by_file: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    let mut by_top: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, text) in &files {
        let deps = by_file.entry(m.clone()).or_default();
        for path in paths(m, &code(text)) {
            let Some(t) = resolve(&modules, &path) else {
                continue;
            };
            // A parent declaring its children is not a dependency.
            if t.is_empty() || &t == m || t.starts_with(m) {
                continue;
            }
            deps.insert(t.clone());
            if !m.is_empty() && t[0] != m[0] {
                by_top
                    .entry(vec![m[0].clone()])
                    .or_default()
                    .insert(vec![t[0].clone()]);
            }
        }
    }
    assert!(by_file.len() > 30, "found only {} modules", by_file.len());
    let show = |c: &Vec<Vec<Module>>| -> Vec<String> {
        c.iter()
            .map(|comp| {
                comp.iter()
                    .map(|m| m.join("::"))
                    .collect::<Vec<_>>()
                    .join(" <-> ")
            })
            .collect()
    };
    let files_cycles = cycles(&by_file);
    assert!(
        files_cycles.is_empty(),
        "file-level cycles: {:?}",
        show(&files_cycles)
    );
    let top_cycles = cycles(&by_top);
    assert!(
        top_cycles.is_empty(),
        "top-level cycles: {:?}",
        show(&top_cycles)
    );
}

#[test]
fn no_function_in_src_is_over_100_lines() {
    let (src, files) = sources();
    let mut long = Vec::new();
    for (m, text) in &files {
        let code = code(text);
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let is_fn = t.starts_with("fn ")
                || t.starts_with("pub fn ")
                || t.starts_with("pub(crate) fn ")
                || t.starts_with("pub(super) fn ")
                || t.starts_with("const fn ")
                || t.starts_with("pub const fn ");
            if !is_fn || t.trim_end().ends_with(';') {
                continue;
            }
            let (mut depth, mut opened) = (0i64, false);
            for (j, l) in lines[i..].iter().enumerate() {
                let l = strip_strings(l);
                depth += l.matches('{').count() as i64 - l.matches('}').count() as i64;
                opened |= l.contains('{');
                if opened && depth <= 0 {
                    if j + 1 > 100 {
                        long.push(format!(
                            "{}/{}:{} ({} lines)",
                            src.display(),
                            m.join("/"),
                            i + 1,
                            j + 1
                        ));
                    }
                    break;
                }
            }
        }
    }
    assert!(long.is_empty(), "functions over 100 lines: {long:?}");
}

/// The line with string literals emptied, so braces inside them do not count.
fn strip_strings(line: &str) -> String {
    let mut out = String::new();
    let mut in_str = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
                out.push(c);
            }
        } else {
            if c == '"' {
                in_str = true;
            }
            out.push(c);
        }
    }
    out
}

#[test]
fn the_path_reader_sees_every_form_of_import() {
    let m: Module = vec!["optimize".into(), "exact".into()];
    let code = "use super::{Bound, relaxation::Point};\nuse crate::core::{ArmId};\nlet x = crate::response::reach(1.0);";
    let got = paths(&m, code);
    let want: Vec<Module> = vec![
        vec!["core".into(), "ArmId".into()],
        vec!["response".into(), "reach".into()],
        vec!["optimize".into(), "Bound".into()],
        vec!["optimize".into(), "relaxation".into(), "Point".into()],
    ];
    for w in &want {
        assert!(got.contains(w), "{w:?} missing from {got:?}");
    }
    let mut edges = BTreeMap::new();
    edges.insert(
        vec!["a".to_string()],
        BTreeSet::from([vec!["b".to_string()]]),
    );
    edges.insert(
        vec!["b".to_string()],
        BTreeSet::from([vec!["a".to_string()]]),
    );
    assert_eq!(cycles(&edges).len(), 1, "a two-module cycle is found");
}
