//! Hostile bank text: the fixture book `tests/fixtures/hostile` (scripts, event handlers,
//! `javascript:` targets, a `</details>` that tries to close the card, ids with quotes and
//! spaces, a NUL byte, right-to-left overrides, in every place a record has text), plus what is
//! too big to commit, made here: a 1 MB line and ten thousand nested levels.
//!
//! Built to a site, by `qbank build` and by the same preprocessor under stock mdBook, no page
//! may carry an event handler or a live `javascript:`/`data:` URL, and every card must be whole.
//! The fixture's pages are read as a browser reads them (html5ever's tree builder); pages
//! nested ten thousand deep, which that takes quadratic time for, are read token by token.

mod common;
use common::copy_dir;
use common::html::{Tok, tokens};
use common::tree::{self, Tree};

use mdbook_driver::MDBook;
use qbank::site::preprocessor::QbankPreprocessor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// The questions of the hostile record as committed.
const QUESTIONS: usize = 3;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// About one megabyte on one line, of markup and `javascript:` links.
fn megabyte_line() -> String {
    let unit = "x<b>y</b> [z](javascript:alert(1)) <img src=x onerror=alert(1)> <span onclick=alert(1)>s</span> ";
    unit.repeat((1 << 20) / unit.len() + 1)
}

/// A copy of the fixture in `dir`, with the big question added if `big`, and `raw-html` set if
/// given.
fn hostile_book(dir: &Path, big: bool, raw_html: Option<&str>) -> PathBuf {
    let book = dir.join("hostile");
    copy_dir(&fixture(), &book);
    if big {
        add_big_question(&book.join("src/hostile.md"));
    }
    if let Some(value) = raw_html {
        let toml = book.join("book.toml");
        let t = std::fs::read_to_string(&toml).unwrap();
        let t = t.replace(
            "[preprocessor.qbank]\n",
            &format!("[preprocessor.qbank]\nraw-html = \"{value}\"\n"),
        );
        std::fs::write(&toml, t).unwrap();
    }
    book
}

/// Adds question 4 to the record: a 1 MB line of markup and ten thousand nested lists, quotes
/// and (unclosed) divs.
fn add_big_question(record: &Path) {
    let text = std::fs::read_to_string(record).unwrap();
    let big = format!(
        "### 4. Big: a 1 MB line and ten thousand levels\n\n\
         **Interviewer**: {line}\n\n\
         **Candidate answer**:\n\
         {lists}deep\n\n\
         {divs}ten thousand open divs\n\n\
         {quotes}deep quote\n\n\
         END-OF-ANSWER-4\n\n---\n\n",
        line = megabyte_line(),
        lists = "- ".repeat(10_000),
        divs = "<div>".repeat(10_000),
        quotes = "> ".repeat(10_000),
    );
    let at = text.find("## Evaluation template").unwrap();
    std::fs::write(record, format!("{}{big}{}", &text[..at], &text[at..])).unwrap();
}

/// Builds `book` with `qbank build`, saying how long it took.
fn qbank_build(book: &Path, out: &Path) {
    let start = Instant::now();
    let built = qbank::site::build(book, Some(out));
    eprintln!(
        "qbank build of {}: {:.2?} (a debug build is slower)",
        book.display(),
        start.elapsed()
    );
    built.unwrap_or_else(|e| panic!("building the hostile book: {e:#}"));
}

/// Builds `book` with stock mdBook and qbank's preprocessor, as `mdbook build` with
/// `mdbook-qbank` does (no splicing: mdBook renders qbank's HTML itself).
fn stock_build(book: &Path, out: &Path) {
    let mut md = MDBook::load(book).unwrap();
    md.config.build.build_dir = out.to_path_buf();
    md.with_preprocessor(QbankPreprocessor::in_process(None, None));
    md.build().expect("stock mdBook build of the hostile book");
}

/// The committed fixture, built once per test binary by `qbank build` and by stock mdBook.
fn sites() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static SITES: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    SITES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let book = hostile_book(dir.path(), false, None);
        let (ours, stock) = (dir.path().join("qbank"), dir.path().join("stock"));
        qbank_build(&book, &ours);
        stock_build(&book, &stock);
        (dir, ours, stock)
    })
}

/// Every page of `site`, by path relative to it.
fn html_files(site: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(site).unwrap().display().to_string();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

/// A URL as a browser reads it: without surrounding spaces and controls, tabs and newlines.
fn url_as_read(v: &str) -> String {
    v.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Why attribute `k="v"` of `<el>` would run a script, if it would.
fn live(el: &str, k: &str, v: &str) -> Option<String> {
    let url_attr = matches!(
        k,
        "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data"
    );
    let url = url_as_read(v);
    let scheme = ["javascript:", "vbscript:", "data:"]
        .into_iter()
        .any(|s| url.starts_with(s));
    (k.starts_with("on") || url_attr && scheme).then(|| format!("<{el} {k}=\"{v}\">"))
}

/// Elements that have no place in a record's part of the page.
const NOT_IN_MAIN: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "form", "textarea",
];

/// No event handler and no live script URL on any page of `site`, and no script or frame
/// inside `<main>`, as a browser builds the page.
fn assert_inert(site: &Path) {
    for (file, html) in html_files(site) {
        let tree = tree::parse(&html);
        let in_main = tree.inside("main");
        for (i, el) in tree.elements() {
            for (k, v) in &el.attrs {
                assert_eq!(live(&el.name, k, v), None, "{file}");
            }
            // The drill's settings form is qbank's own (records cannot carry data-qb-*
            // attributes: the sanitizer drops data-* attributes).
            let qbank_form = el.name == "form" && tree.attr(i, "data-qb-drill-setup").is_some();
            assert!(
                qbank_form || !in_main[i] || !NOT_IN_MAIN.contains(&el.name.as_str()),
                "{file}: <{}> inside <main>",
                el.name
            );
        }
    }
}

/// Every card of `page` is a `<section>` of its own, side by side with the others, holding its
/// own answer's last words and no other's, its answer in its main column.
fn assert_cards_intact(site: &Path, page: &str) {
    let tree: Tree = tree::parse(&std::fs::read_to_string(site.join(page)).unwrap());
    let cards: Vec<usize> = tree
        .elements()
        .into_iter()
        .filter(|(i, _)| tree.attr(*i, "data-qb-question").is_some())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(cards.len(), QUESTIONS, "{page}: cards");
    let parent = tree.nodes[cards[0]].parent;
    for (k, &card) in cards.iter().enumerate() {
        let node = &tree.nodes[card];
        assert_eq!(node.name, "section", "{page}: card {k}");
        assert_eq!(
            node.parent, parent,
            "{page}: card {k} is not beside the others"
        );
        let text = tree.text(card);
        for other in 1..=QUESTIONS {
            assert_eq!(
                text.contains(&format!("END-OF-ANSWER-{other}")),
                other == k + 1,
                "{page}: card {k} and the end of answer {other}"
            );
        }
        let answers: Vec<usize> = tree
            .descendants(card)
            .into_iter()
            .filter(|&i| tree.attr(i, "data-qb-answer").is_some())
            .collect();
        assert_eq!(answers.len(), 1, "{page}: card {k} answers");
        let column = tree.nodes[answers[0]].parent.unwrap();
        assert_eq!(tree.attr(column, "class"), Some("qb-card-main"));
        assert_eq!(
            tree.nodes[column].parent,
            Some(card),
            "{page}: card {k} answer"
        );
    }
}

#[test]
fn hostile_book_builds_inert_with_every_card_whole() {
    let (_, site, _) = sites();
    assert_inert(site);
    for page in ["hostile.html", "index.html", "print.html"] {
        assert_cards_intact(site, page);
    }
    // What stays: harmless markup, text, and the ids as written.
    let page = std::fs::read_to_string(site.join("hostile.html")).unwrap();
    for kept in [
        "<kbd>Ctrl</kbd>",
        "<sub>2</sub>",
        "<details open=\"\">\n<summary>Hint</summary>",
        "<a href=\"https://example.com/\">an allowed link</a>",
        "<img src=\"pic.png\" alt=\"relative image\">",
        "data-qb-question=\"a&quot;b\"",
        "\u{202e}reversed\u{202c}",
        "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>",
    ] {
        assert!(page.contains(kept), "{kept} is gone");
    }
    // A link from a chapter that is not a record still lands on the card.
    let notes = std::fs::read_to_string(site.join("notes.html")).unwrap();
    assert!(
        notes.contains("<a class=\"qb-qlink\" href=\"hostile.html#q1\">"),
        "{notes}"
    );
}

#[test]
fn stock_mdbook_with_the_preprocessor_is_as_safe() {
    let (_, _, site) = sites();
    assert_inert(site);
    for page in ["hostile.html", "index.html", "print.html"] {
        assert_cards_intact(site, page);
    }
}

/// The index holds text as the pages show it: raw HTML is left out, code stays text (which the
/// search box writes as text, never as markup).
#[test]
fn search_index_holds_no_markup() {
    let (_, site, _) = sites();
    let mut all = String::new();
    for e in std::fs::read_dir(site.join("qbank/search")).unwrap() {
        all.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    for raw in [
        "<img", "<div", "<span", "<b>", "<iframe", "<details", "onerror", "onclick",
    ] {
        assert!(!all.contains(raw), "the index holds {raw}");
    }
    assert!(all.contains("<script>alert(1)</script> as code"));
}

/// A page read token by token (linear, whatever its depth): no live attribute, and each card's
/// `<section>` closes, by a plain count of open elements, after its own answer's last words
/// and before the next card.
fn assert_deep_page_sound(page: &str, html: &str, cards: usize) {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let mut open: Vec<String> = Vec::new();
    // (the depth of its <section>, the answers' last words seen inside it)
    let mut card: Option<(usize, Vec<usize>)> = None;
    let mut closed: Vec<Vec<usize>> = Vec::new();
    // The theme's scripts: this tokenizer does not know that their text is not markup.
    let mut in_script = false;
    for t in tokens(html) {
        match &t {
            Tok::Tag(name, _, end) if name == "script" => {
                in_script = !end;
                continue;
            }
            _ if in_script => continue,
            _ => {}
        }
        match t {
            Tok::Tag(name, attrs, false) => {
                for (k, v) in &attrs {
                    assert_eq!(live(&name, k, v), None, "{page}");
                }
                if attrs.iter().any(|(k, _)| k == "data-qb-question") {
                    assert!(card.is_none(), "{page}: a card inside a card");
                    assert_eq!(name, "section");
                    card = Some((open.len(), Vec::new()));
                }
                if !VOID.contains(&name.as_str()) {
                    open.push(name);
                }
            }
            Tok::Tag(name, _, true) => {
                if let Some(at) = open.iter().rposition(|n| *n == name) {
                    open.truncate(at);
                    if card.as_ref().is_some_and(|(depth, _)| *depth == at) {
                        closed.push(card.take().unwrap().1);
                    }
                }
            }
            Tok::Text(t) => {
                if let Some((_, seen)) = &mut card {
                    for n in 1..=cards {
                        if t.contains(&format!("END-OF-ANSWER-{n}")) {
                            seen.push(n);
                        }
                    }
                }
            }
            Tok::Comment(_) => {}
        }
    }
    assert_eq!(
        closed,
        (1..=cards).map(|n| vec![n]).collect::<Vec<_>>(),
        "{page}"
    );
}

/// The fixture with a 1 MB line of markup and ten thousand nested lists, quotes and divs:
/// built in seconds (the time is printed, not asserted), inert, every card whole.
#[test]
fn a_megabyte_line_and_ten_thousand_levels() {
    let dir = tempfile::tempdir().unwrap();
    let book = hostile_book(dir.path(), true, None);
    let (ours, stock) = (dir.path().join("qbank"), dir.path().join("stock"));
    qbank_build(&book, &ours);
    stock_build(&book, &stock);
    for site in [&ours, &stock] {
        for (file, html) in html_files(site) {
            let cards = if matches!(file.as_str(), "hostile.html" | "index.html" | "print.html") {
                QUESTIONS + 1
            } else {
                0
            };
            assert_deep_page_sound(&file, &html, cards);
        }
    }
}

#[test]
fn trusted_raw_html_passes_through() {
    let dir = tempfile::tempdir().unwrap();
    let book = hostile_book(dir.path(), false, Some("trusted"));
    let site = dir.path().join("site");
    qbank_build(&book, &site);
    let html = std::fs::read_to_string(site.join("hostile.html")).unwrap();
    let tree = tree::parse(&html);
    // Trusted HTML may close <main> itself: look everywhere.
    let has = |name: &str, what: &dyn Fn(usize) -> bool| {
        tree.elements()
            .into_iter()
            .any(|(i, n)| n.name == name && what(i))
    };
    // Harmless markup stays, as it does when sanitized…
    assert!(has("kbd", &|i| tree.text(i) == "Ctrl"));
    assert!(has("details", &|i| tree.attr(i, "open").is_some()));
    // …and, by design, so does everything else: the setting is honoured.
    assert!(has("script", &|i| tree.text(i) == "alert(1)"));
    assert!(has("img", &|i| tree.attr(i, "onerror").is_some()));
    assert!(has("div", &|i| tree.attr(i, "onclick").is_some()));
}

#[test]
fn an_unknown_raw_html_value_is_located_in_book_toml() {
    let dir = tempfile::tempdir().unwrap();
    let book = hostile_book(dir.path(), false, Some("off"));
    let checked = qbank::site::check(&book).unwrap();
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "QB017")
        .expect("QB017");
    assert!(d.message.contains("`raw-html`"), "{}", d.message);
    assert!(d.location.file.ends_with("book.toml"));
    assert_eq!((d.location.line, d.location.column), (6, 1));
    assert!(d.location.source_line.contains("raw-html = \"off\""));
    assert!(d.help.is_some());
}
