//! The CSS and JavaScript qbank pages need, embedded in the binaries.

use crate::diag::{Diagnostic, Location};
use std::path::Path;

/// The stylesheet.
pub const CSS: &str = include_str!("../theme/qbank.css");
/// The script.
pub const JS: &str = include_str!("../theme/qbank.js");
/// The search: tokenizer, shard loader and UI.
pub const SEARCH_JS: &str = include_str!("../theme/qbank-search.js");

/// File names `mdbook-qbank install` writes into the book root.
pub const CSS_FILE: &str = "qbank.css";
pub const JS_FILE: &str = "qbank.js";
pub const SEARCH_FILE: &str = "qbank-search.js";

/// A stamp written into installed assets, so that an old install fails loudly instead of
/// rendering new cards with old styles.
pub fn version_stamp() -> String {
    format!(
        "qbank-assets: {}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        fnv(CSS) ^ fnv(JS).rotate_left(1) ^ fnv(SEARCH_JS).rotate_left(2)
    )
}

/// The stylesheet as installed: with the version stamp on its first line.
pub fn css_with_stamp() -> String {
    format!("/* {} */\n{CSS}", version_stamp())
}

/// The script as installed: with the version stamp on its first line.
pub fn js_with_stamp() -> String {
    format!("/* {} */\n{JS}", version_stamp())
}

/// The search script as installed: with the version stamp on its first line.
pub fn search_js_with_stamp() -> String {
    format!("/* {} */\n{SEARCH_JS}", version_stamp())
}

/// A short content hash, for cache-busting file names.
pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// Checks that the assets `mdbook-qbank install` wrote are present, listed in book.toml and
/// current.
pub fn installed_diagnostics(
    root: &Path,
    config: &mdbook_preprocessor::config::Config,
) -> Vec<Diagnostic> {
    let book_toml = root.join("book.toml");
    let here = || Location::from_span(&book_toml, "", 0..0);
    let listed = |key: &str, file: &str| {
        config
            .get::<Vec<String>>(key)
            .ok()
            .flatten()
            .unwrap_or_default()
            .iter()
            .any(|f| f == file)
    };
    let mut out = Vec::new();
    let mut assets = vec![
        ("output.html.additional-css", CSS_FILE),
        ("output.html.additional-js", JS_FILE),
    ];
    // qbank's search is installed with its output, and needs its script.
    if config
        .get::<serde::de::IgnoredAny>(&format!("output.{}", crate::search::STOCK_OUTPUT))
        .is_ok_and(|o| o.is_some())
    {
        assets.push(("output.html.additional-js", SEARCH_FILE));
    }
    for (key, file) in assets {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        let problem = if !listed(key, file) {
            Some(format!("`{file}` is not listed in {key}"))
        } else if text.is_empty() {
            Some(format!("`{file}` is missing from the book root"))
        } else if !text.lines().next().unwrap_or("").contains(&version_stamp()) {
            Some(format!(
                "`{file}` was installed by another version of mdbook-qbank"
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            out.push(
                Diagnostic::error("QB009", format!("qbank assets are not installed: {p}"), here())
                    .with_help("run `mdbook-qbank install` in the book root (or build with `qbank build`, which needs no install)"),
            );
        }
    }
    out
}

/// The lines a theme's head.hbs needs to load qbank's assets (`path_to_root` is mdBook's).
pub fn head_links(css: &str, scripts: &[&str]) -> String {
    let mut out =
        format!("\n<link rel=\"stylesheet\" href=\"{{{{ path_to_root }}}}qbank/{css}\">\n");
    for js in scripts {
        out.push_str(&format!(
            "<script defer src=\"{{{{ path_to_root }}}}qbank/{js}\"></script>\n"
        ));
    }
    out
}
