//! What "the practice edition has no interview mode" means for a built site, checked the same
//! way for `qbank build` and for stock mdBook with `mdbook-qbank`.

use std::path::{Path, PathBuf};

/// Every file and folder under `dir` (std only: the adapter's tests use this file too).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        }
        out.push(p);
    }
    out
}

/// The interview labels of both languages (from the handbook's labels file), less those the
/// book's own text happens to hold (a seed record has a `面试总结` heading of its own) and
/// single English words.
fn interview_labels(sources: &str) -> Vec<String> {
    let mut out = Vec::new();
    for lang in ["zh", "en"] {
        let mut cfg = qbank::config::Config::default();
        cfg.language = Some(lang.into());
        let js = qbank::site::assets::labels_js(&cfg);
        let json = js
            .trim()
            .trim_start_matches("window.qbankLabels = ")
            .trim_end_matches(';');
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        for (k, label) in v["labels"].as_object().unwrap() {
            let label = label.as_str().unwrap();
            // A single English word ("none", "Time") is no evidence: CSS and mdBook's pages
            // have those too.
            let word = label.is_ascii() && !label.contains(' ');
            if k.starts_with("iv_") && !word && !sources.contains(label) {
                out.push(label.to_string());
            }
        }
    }
    assert!(out.len() > 20, "{out:?}");
    out
}

/// Asserts that no file of the site at `site` carries interview mode: no script or styles of
/// it (by name, or linked from a page), no `iv_` labels and no label text, and no record
/// sources for export. `sources` is the book's markdown, all of it.
pub(crate) fn assert_no_interview_mode(site: &Path, sources: &str) {
    let labels = interview_labels(sources);
    let mut pages = 0;
    for path in files_under(site) {
        let path = path.as_path();
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            !name.contains("interview"),
            "{} is interview mode's",
            path.display()
        );
        assert!(
            !path.ends_with("qbank/sources"),
            "{}: record sources are for export",
            path.display()
        );
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
        if !path.is_file() || !["html", "js", "css", "json"].contains(&ext) {
            continue;
        }
        pages += usize::from(ext == "html");
        let text = std::fs::read_to_string(path).unwrap();
        for needle in [
            "qbank-interview",
            "\"iv_",
            "data-qb-mode-toggle",
            "data-qb-recorded-notes",
            "qbankSource",
        ] {
            assert!(!text.contains(needle), "{} holds {needle}", path.display());
        }
        for l in &labels {
            assert!(
                !text.contains(l.as_str()),
                "{} holds the interview label {l:?}",
                path.display()
            );
        }
    }
    assert!(pages >= 5, "{pages} pages");
}
