//! The CSS and JavaScript qbank pages need, embedded in the binaries.

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Location};
use std::path::Path;

/// One file qbank adds to every page, embedded in the binaries. [`ASSETS`] lists them all:
/// `qbank build`, `qbank serve` and `mdbook-qbank install` read this one list.
#[derive(Debug)]
#[non_exhaustive]
pub struct Asset {
    /// The name `mdbook-qbank install` writes into the book root and lists in book.toml.
    pub file: &'static str,
    /// The mdBook setting that lists it: `output.html.additional-css` or `…-js`.
    pub key: &'static str,
    /// Its content.
    pub text: &'static str,
    /// Part of qbank's search: left out by `mdbook-qbank install --no-search`.
    pub search: bool,
    /// Written by the build for the book at hand ([`labels_js`]) rather than embedded.
    pub generated: bool,
    /// Interviewers' material: left out of the practice edition ([`Asset::for_edition`]).
    pub handbook: bool,
}

/// The stylesheet.
pub const CSS: Asset = Asset {
    file: "qbank.css",
    key: "output.html.additional-css",
    text: include_str!("../../theme/qbank.css"),
    search: false,
    generated: false,
    handbook: false,
};

/// The book's labels in its language, for the scripts: from the same table as the pages'.
pub const LABELS: Asset = Asset {
    file: "qbank-labels.js",
    key: "output.html.additional-js",
    text: "",
    search: false,
    generated: true,
    handbook: false,
};

/// What every script shares: storage, labels, DOM-ready. Loaded before the others.
pub const CORE: Asset = Asset {
    file: "qbank-core.js",
    key: "output.html.additional-js",
    text: include_str!("../../theme/qbank-core.js"),
    search: false,
    generated: false,
    handbook: false,
};

/// The cards' script.
pub const JS: Asset = Asset {
    file: "qbank.js",
    key: "output.html.additional-js",
    text: include_str!("../../theme/qbank.js"),
    search: false,
    generated: false,
    handbook: false,
};

/// Interview mode's styles: the switch, level pickers, notes, scorecard and radar chart.
pub const INTERVIEW_CSS: Asset = Asset {
    file: "qbank-interview.css",
    key: "output.html.additional-css",
    text: include_str!("../../theme/qbank-interview.css"),
    search: false,
    generated: false,
    handbook: true,
};

/// Interview mode: score a record in the page (handbook edition only).
pub const INTERVIEW_JS: Asset = Asset {
    file: "qbank-interview.js",
    key: "output.html.additional-js",
    text: include_str!("../../theme/qbank-interview.js"),
    search: false,
    generated: false,
    handbook: true,
};

/// Study mode: marks, bookmarks, the progress page, export and import of progress.
pub const STUDY_JS: Asset = Asset {
    file: "qbank-study.js",
    key: "output.html.additional-js",
    text: include_str!("../../theme/qbank-study.js"),
    search: false,
    generated: false,
    handbook: false,
};

/// The search: tokenizer, shard loader and UI.
pub const SEARCH_JS: Asset = Asset {
    file: "qbank-search.js",
    key: "output.html.additional-js",
    text: include_str!("../../theme/qbank-search.js"),
    search: true,
    generated: false,
    handbook: false,
};

/// Every asset, in the order pages load them: stylesheets, then labels and the core, then
/// the scripts that use them.
pub const ASSETS: &[Asset] = &[
    CSS,
    LABELS,
    CORE,
    JS,
    STUDY_JS,
    INTERVIEW_CSS,
    INTERVIEW_JS,
    SEARCH_JS,
];

impl Asset {
    /// Its content for the book configured by `cfg`.
    pub fn content(&self, cfg: &Config) -> std::borrow::Cow<'static, str> {
        if self.generated {
            labels_js(cfg).into()
        } else {
            self.text.into()
        }
    }

    /// The cache-busting name `qbank build` writes under `SITE/qbank/`: `qbank-1a2b3c4d.css`.
    pub fn hashed_name(&self, cfg: &Config) -> String {
        let (stem, ext) = self.file.rsplit_once('.').unwrap_or((self.file, ""));
        let hash = crate::text::fnv(&self.content(cfg)) as u32;
        format!("{stem}-{hash:08x}.{ext}")
    }

    /// The content as installed: with the [`version_stamp`] on its first line.
    pub fn with_stamp(&self, cfg: &Config) -> String {
        format!("/* {} */\n{}", version_stamp(), self.content(cfg))
    }

    /// Whether the edition `cfg` builds loads it: the practice edition carries no
    /// interviewers' material.
    pub fn for_edition(&self, cfg: &Config) -> bool {
        cfg.interviewer_material() || !self.handbook
    }

    /// Whether it is a stylesheet.
    pub fn is_css(&self) -> bool {
        self.file.ends_with(".css")
    }
}

/// `qbank-labels.js`: the labels of the book's language, its language and title.
pub fn labels_js(cfg: &Config) -> String {
    let mut labels = serde_json::to_value(cfg.labels()).unwrap_or_default();
    // Interview mode's labels (`iv_*`) are interviewers' material.
    if let Some(map) = labels
        .as_object_mut()
        .filter(|_| !cfg.interviewer_material())
    {
        map.retain(|k, _| !k.starts_with("iv_"));
    }
    let data = serde_json::json!({
        "lang": cfg.language.as_deref().unwrap_or("en"),
        "book": cfg.book_title.as_deref().unwrap_or(""),
        "labels": labels,
    });
    format!("window.qbankLabels = {data};\n")
}

/// A stamp written into installed assets, so that an old install fails loudly instead of
/// rendering new cards with old styles.
pub fn version_stamp() -> String {
    let hash = ASSETS.iter().enumerate().fold(0, |h, (i, a)| {
        h ^ crate::text::fnv(a.text).rotate_left(i as u32)
    });
    format!("qbank-assets: {}-{hash:016x}", env!("CARGO_PKG_VERSION"))
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
    // qbank's search is installed with its output, and needs its script.
    let search = config
        .get::<serde::de::IgnoredAny>(&format!("output.{}", crate::search::STOCK_OUTPUT))
        .is_ok_and(|o| o.is_some());
    let cfg = Config::from_book(config).ok();
    for asset in ASSETS.iter().filter(|a| search || !a.search) {
        let (key, file) = (asset.key, asset.file);
        // The practice edition must not carry interviewers' material, even if an install for
        // the handbook left it listed.
        if cfg.as_ref().is_some_and(|c| !asset.for_edition(c)) {
            if listed(key, file) {
                out.push(
                    Diagnostic::new(
                        Code::QB009,
                        format!(
                            "qbank assets do not match the edition: `{file}` is listed in {key}, \
                             but the practice edition carries no interview mode"
                        ),
                        here(),
                    )
                    .with_help("run `mdbook-qbank install` again: for a practice book it installs no interviewers' files"),
                );
            }
            continue;
        }
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        let problem = if !listed(key, file) {
            Some(format!("`{file}` is not listed in {key}"))
        } else if text.is_empty() {
            Some(format!("`{file}` is missing from the book root"))
        } else if !text.lines().next().unwrap_or("").contains(&version_stamp()) {
            Some(format!(
                "`{file}` was installed by another version of mdbook-qbank"
            ))
        } else if asset.generated && cfg.as_ref().is_some_and(|c| text != asset.with_stamp(c)) {
            Some(format!(
                "`{file}` was installed for another language, title or edition of the book"
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            out.push(
                Diagnostic::new(Code::QB009, format!("qbank assets are not installed: {p}"), here())
                    .with_help("run `mdbook-qbank install` in the book root (or build with `qbank build`, which needs no install)"),
            );
        }
    }
    out
}

/// The lines a theme's head.hbs needs to load every asset from `SITE/qbank/` under its
/// [`Asset::hashed_name`] (`path_to_root` is mdBook's).
pub fn head_links(cfg: &Config) -> String {
    let mut out = String::from("\n");
    for a in ASSETS.iter().filter(|a| a.for_edition(cfg)) {
        let name = a.hashed_name(cfg);
        if a.is_css() {
            out.push_str(&format!(
                "<link rel=\"stylesheet\" href=\"{{{{ path_to_root }}}}qbank/{name}\">\n"
            ));
        } else {
            out.push_str(&format!(
                "<script defer src=\"{{{{ path_to_root }}}}qbank/{name}\"></script>\n"
            ));
        }
    }
    out
}
