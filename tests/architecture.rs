//! The codemap's layering, enforced: each top-level module of `src/` imports only the modules
//! ARCHITECTURE.md allows it, so the pipeline (parse → lint → render → search → site) has no
//! import cycles. A `crate::X` path anywhere in a module's files, doc links included, counts;
//! its `#[cfg(test)] mod tests` does not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each module may import, as ARCHITECTURE.md's codemap says.
const ALLOWED: &[(&str, &[&str])] = &[
    ("testing", &[]),
    ("text", &[]),
    ("i18n", &[]),
    ("model", &[]),
    ("diag", &["text"]),
    ("config", &["i18n"]),
    ("parse", &["config", "diag", "model", "text"]),
    ("lint", &["config", "diag", "model", "parse", "text"]),
    (
        "render",
        &["config", "diag", "i18n", "lint", "model", "text"],
    ),
    ("search", &["config", "lint", "model", "text"]),
    (
        "site",
        &[
            "config", "diag", "lint", "model", "parse", "render", "search", "text",
        ],
    ),
    ("new", &["config", "diag", "model", "parse", "text"]),
    ("serve", &["watch"]),
    ("watch", &["text"]),
    ("progress", &["site"]),
];

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests may reach further than the module itself (a renderer test parses).
        let text = text
            .split_once("#[cfg(test)]\nmod tests")
            .map_or(text.as_str(), |(code, _)| code);
        let set = out.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            if i > 0 && text.as_bytes()[i - 1].is_ascii_alphanumeric() {
                continue; // e.g. `qbank_crate::`
            }
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                set.insert(name);
            }
        }
    }
    out
}

#[test]
fn modules_import_only_what_the_codemap_allows() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    for (module, uses) in imports() {
        let Some(ok) = allowed.get(module.as_str()) else {
            panic!("src/{module} is not in ARCHITECTURE.md's codemap (and ALLOWED here)");
        };
        for used in &uses {
            assert!(
                ok.contains(&used.as_str()),
                "src/{module} imports crate::{used}, which the codemap does not allow it"
            );
        }
    }
}

#[test]
fn the_allowed_imports_have_no_cycle() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    // Depth-first search for a back edge.
    fn visit<'a>(
        m: &'a str,
        allowed: &BTreeMap<&'a str, &'a [&'a str]>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if done.contains(m) {
            return;
        }
        assert!(!stack.contains(&m), "import cycle: {stack:?} -> {m}");
        stack.push(m);
        for next in allowed.get(m).copied().unwrap_or_default() {
            visit(next, allowed, stack, done);
        }
        stack.pop();
        done.insert(m);
    }
    let mut done = BTreeSet::new();
    for m in allowed.keys() {
        visit(m, &allowed, &mut Vec::new(), &mut done);
    }
}
