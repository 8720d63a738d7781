//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) and the crash inputs the
//! fuzzers found (`fuzz/regressions/<target>/`) through the very entry points the cargo-fuzz
//! targets run (`fuzz/entry.rs`), on stable. CI does not run the fuzzers; this keeps what they
//! found fixed. See "Fuzzing" in README.md.

#[path = "../fuzz/entry.rs"]
mod entry;

use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use qbank::config::Config;
use std::path::{Path, PathBuf};

/// Every committed input of `target`: its corpus, then its regressions, each in name order.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for kind in ["corpus", "regressions"] {
        let dir = fuzz.join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
    out
}

/// Runs `entry` on every input of `target`, and names each input that panics.
fn replay(target: &str, entry: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no committed inputs for {target}");
    // The entry points panic on a broken invariant: go on, and name every failing input.
    let failed: Vec<String> = inputs
        .iter()
        .filter_map(|(path, bytes)| {
            let err = std::panic::catch_unwind(|| entry(bytes)).err()?;
            let msg = err
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| {
                    err.downcast_ref::<&str>()
                        .map(std::string::ToString::to_string)
                })
                .unwrap_or_default();
            Some(format!(
                "{}: {}",
                path.display(),
                msg.lines().next().unwrap_or("")
            ))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs fail:\n{}",
        failed.len(),
        inputs.len(),
        failed.join("\n")
    );
}

#[test]
fn record_corpus_and_regressions() {
    replay("record", entry::record);
}

#[test]
fn meta_corpus_and_regressions() {
    replay("meta", entry::meta);
}

#[test]
fn search_corpus_and_regressions() {
    replay("search", entry::search);
}

/// The record entry renders with one shared renderer rather than through
/// `qbank::site::preprocessor::render_book` (which compiles its templates on every call, far slower
/// than a fuzz run): check that it renders the chapter exactly as `render_book` does. Every
/// 16th corpus input and every regression, to keep this test fast in debug builds.
#[test]
fn record_entry_renders_as_render_book() {
    let cfg = Config::default();
    let inputs = inputs("record");
    for (i, (path, bytes)) in inputs.iter().enumerate() {
        let regression = path.components().any(|c| c.as_os_str() == "regressions");
        if i % 16 != 0 && !regression {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let ours = entry::record_text(&text);
        let mut book = Book::new();
        book.push_item(Chapter::new(
            "Fuzz",
            text.to_string(),
            "fuzz/record.md",
            Vec::new(),
        ));
        let bank = qbank::lint::check_book(&book, &cfg, Path::new("src"));
        qbank::site::preprocessor::render_book(&mut book, &bank, &cfg, None).unwrap();
        let Some(BookItem::Chapter(ch)) = book.iter().next() else {
            panic!("no chapter");
        };
        assert_eq!(ours, ch.content, "{}", path.display());
    }
}
