//! The external preprocessor, driven by mdBook itself over its JSON protocol, renders the same
//! cards as `qbank build`.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../../tests/common/html.rs"]
#[allow(dead_code)]
mod html;

const BIN: &str = env!("CARGO_BIN_EXE_mdbook-qbank");

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &dest).unwrap();
        }
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == "book") && p.parent() == Some(dir) {
            continue; // a previous build's output
        }
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main>").expect("<main>");
    let end = html.find("</main>").expect("</main>");
    &html[start..end]
}

fn bundled_book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book")
}

/// A copy of the bundled book whose `[preprocessor.qbank]` runs the freshly built adapter
/// instead of one on PATH.
fn book_for_stock_mdbook() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    copy_dir(&bundled_book(), &book);
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = toml.replace(
        "[preprocessor.qbank]\n",
        &format!("[preprocessor.qbank]\ncommand = \"{BIN}\"\n"),
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    (dir, book)
}

#[test]
fn supports_handshake() {
    assert!(
        Command::new(BIN)
            .args(["supports", "html"])
            .status()
            .unwrap()
            .success()
    );
    assert!(
        !Command::new(BIN)
            .args(["supports", "epub"])
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn stock_mdbook_and_qbank_build_render_the_same_cards() {
    let (dir, book) = book_for_stock_mdbook();
    let status = Command::new(BIN)
        .arg("install")
        .arg(&book)
        .status()
        .unwrap();
    assert!(status.success());
    // The search output runs the freshly built adapter too.
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(toml.contains("command = \"mdbook-qbank render\""), "{toml}");
    let toml = toml.replace("\"mdbook-qbank render\"", &format!("\"{BIN} render\""));
    std::fs::write(book.join("book.toml"), toml).unwrap();

    let out = dir.path().join("stock");
    let mut md = mdbook_driver::MDBook::load(&book).unwrap();
    md.config.build.build_dir = out.clone();
    md.build().expect("stock mdBook build with mdbook-qbank");
    // Two outputs: mdBook puts the site into html/.
    let stock_out = out.join("html");
    assert!(
        !out.join("qbank-search").exists(),
        "the search output leaves no folder"
    );
    // qbank's index instead of mdBook's, and the script that reads it on every page.
    let manifest = std::fs::read_to_string(stock_out.join("qbank/search/m.js")).unwrap();
    assert!(manifest.starts_with("qbankSearch.add(\"m\""), "{manifest}");
    assert!(!stock_out.join("searchindex.js").exists());
    let index = std::fs::read_to_string(stock_out.join("index.html")).unwrap();
    assert!(
        index.contains("qbank-search-") && index.contains(".js"),
        "page loads qbank-search"
    );
    let shards: String = std::fs::read_dir(stock_out.join("qbank/search"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        shards.contains("\"调\":{") && shards.contains("\"goroutine\""),
        "Chinese and English are indexed"
    );

    let qbank_out = dir.path().join("qbank");
    qbank::site::build(&book, Some(&qbank_out)).expect("qbank build");

    let page = "go-backend-round2.html";
    let stock = std::fs::read_to_string(stock_out.join(page)).unwrap();
    let ours = std::fs::read_to_string(qbank_out.join(page)).unwrap();
    assert!(
        stock.contains("data-qb-question="),
        "stock build has no cards"
    );
    // `qbank build` writes its own HTML as is (see qbank::splice); stock mdBook re-serializes
    // it. The pages must say the same: same elements, attributes and text.
    let (stock_main, our_main) = (
        html::canonical(main_of(&stock)),
        html::canonical(main_of(&ours)),
    );
    assert!(stock_main.len() > 500, "{stock_main:?}");
    for (i, (a, b)) in stock_main.iter().zip(&our_main).enumerate() {
        assert_eq!(a, b, "token {i} differs");
    }
    assert_eq!(stock_main.len(), our_main.len());
    // Stock mdBook links the installed assets; qbank build links its embedded copies.
    assert!(
        stock.contains("qbank-") && stock.contains(".css"),
        "stock page links qbank.css"
    );
}

#[test]
fn stale_install_fails_loudly() {
    let (dir, book) = book_for_stock_mdbook();
    std::fs::write(book.join("qbank.css"), "/* qbank-assets: 0.0.0-old */\n").unwrap();
    let mut md = mdbook_driver::MDBook::load(&book).unwrap();
    md.config.build.build_dir = dir.path().join("out");
    let err = format!("{:#}", md.build().unwrap_err());
    assert!(err.contains("qbank"), "{err}");
}

/// mdBook shows only the adapter's exit status and passes its stderr through: the adapter's
/// message must locate the bad value in book.toml itself.
#[test]
fn invalid_config_value_is_located_under_stock_mdbook_too() {
    let (_dir, book) = book_for_stock_mdbook();
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = toml.replace(
        "[preprocessor.qbank]\n",
        "[preprocessor.qbank]\nedition = \"candidate\"\n",
    );
    std::fs::write(book.join("book.toml"), &toml).unwrap();
    let line = toml.lines().position(|l| l.starts_with("edition")).unwrap() + 1;
    // The input mdBook sends: [context, book].
    let md = mdbook_driver::MDBook::load(&book).unwrap();
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        book.clone(),
        md.config.clone(),
        "html".into(),
    );
    let input = serde_json::to_vec(&(&ctx, &md.book)).unwrap();
    let mut child = Command::new(BIN)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(msg.contains("error[QB017]"), "{msg}");
    assert!(msg.contains(&format!("book.toml:{line}:1")), "{msg}");
}

#[path = "../../../tests/common/practice.rs"]
mod practice;

/// A copy of the `meta` fixture book (the seed record with metadata) for stock mdBook, with
/// `extra` added under `[preprocessor.qbank]`.
fn meta_book(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/meta"),
        &book,
    );
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = format!("{toml}\n[preprocessor.qbank]\ncommand = \"{BIN}\"\n{extra}");
    std::fs::write(book.join("book.toml"), toml).unwrap();
    (dir, book)
}

fn install_and_build(book: &Path, out: &Path) -> Result<(), String> {
    let status = Command::new(BIN)
        .args(["install", "--no-search"])
        .arg(book)
        .status()
        .unwrap();
    assert!(status.success());
    build(book, out)
}

fn build(book: &Path, out: &Path) -> Result<(), String> {
    let mut md = mdbook_driver::MDBook::load(book).unwrap();
    md.config.build.build_dir = out.to_path_buf();
    md.build().map_err(|e| format!("{e:#}"))
}

fn markdown_of(dir: &Path) -> String {
    walkdir(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The practice edition with stock mdBook: `install` writes and lists no interview script,
/// styles or labels, so no page carries interview mode. The handbook's pages do.
#[test]
fn stock_practice_edition_carries_no_interview_mode() {
    let (dir, book) = meta_book("edition = \"practice\"\n");
    let out = dir.path().join("out");
    install_and_build(&book, &out).unwrap();
    assert!(!book.join("qbank-interview.js").exists());
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(!toml.contains("qbank-interview"), "{toml}");
    practice::assert_no_interview_mode(&out, &markdown_of(&book));

    // The same book as a handbook has it all.
    let (dir, book) = meta_book("");
    let out = dir.path().join("out");
    install_and_build(&book, &out).unwrap();
    let page = std::fs::read_to_string(out.join("go-backend-round2.html")).unwrap();
    assert!(
        page.contains("qbank-interview"),
        "the handbook loads interview mode"
    );
}

/// A handbook install whose book.toml then says practice: the build refuses (QB009) rather
/// than ship interview mode, and installing again fixes it, removing the interview files.
#[test]
fn switching_an_install_to_practice_asks_for_a_new_install() {
    let (dir, book) = meta_book("");
    let out = dir.path().join("out");
    install_and_build(&book, &out).unwrap();
    assert!(book.join("qbank-interview.js").exists());
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = toml.replace(
        "[preprocessor.qbank]\n",
        "[preprocessor.qbank]\nedition = \"practice\"\n",
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let err = build(&book, &dir.path().join("out2")).unwrap_err();
    assert!(err.contains("qbank"), "{err}");
    let out = dir.path().join("out3");
    install_and_build(&book, &out).unwrap();
    assert!(!book.join("qbank-interview.js").exists());
    assert!(!book.join("qbank-interview.css").exists());
    practice::assert_no_interview_mode(&out, &markdown_of(&book));
}
