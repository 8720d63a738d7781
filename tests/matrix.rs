//! The bad-input matrix: every bad input × `qbank check`, `qbank build` and stock mdBook
//! with `mdbook-qbank`, each with the expected code, `file:line:col`, exit status, and the
//! previous site left untouched. Every diagnostic code appears at least once.

mod common;
use common::copy_dir;

use qbank::diag::{Code, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How stock `mdbook build` + `mdbook-qbank` meets the input.
#[derive(Clone, Copy)]
enum Stock {
    /// The same code at the same place.
    Same,
    /// The same code at another place: book.toml as `install` and this test left it.
    At(&'static str),
    /// Not a case for stock mdBook, and why.
    No(&'static str),
}

struct Case {
    /// A fixture under tests/fixtures/bad.
    fixture: &'static str,
    code: &'static str,
    /// Relative to the book root.
    at: &'static str,
    stock: Stock,
}

const fn case(fixture: &'static str, code: &'static str, at: &'static str, stock: Stock) -> Case {
    Case {
        fixture,
        code,
        at,
        stock,
    }
}

const SUMMARY_FIRST: &str = "mdBook reads SUMMARY.md before any preprocessor runs";

const CASES: &[Case] = &[
    case("no-interviewer", "QB001", "src/r.md:14:1", Stock::Same),
    case("answer-first", "QB002", "src/r.md:13:1", Stock::Same),
    case("dup-id", "QB003", "src/r.md:11:1", Stock::Same),
    case("no-answer-marker", "QB004", "src/r.md:11:1", Stock::Same),
    case("unclosed-fence", "QB005", "src/r.md:8:1", Stock::Same),
    case("rubric-levels", "QB006", "src/r.md:12:3", Stock::Same),
    case("empty-record", "QB007", "src/r.md:3:1", Stock::Same),
    // The test adds the preprocessor's `command` line under [preprocessor.qbank].
    case(
        "unknown-key",
        "QB008",
        "book.toml:6:1",
        Stock::At("book.toml:7:1"),
    ),
    // QB009 is stock mdBook's alone: see `stock_without_install_is_qb009`.
    case(
        "non-utf8",
        "QB010",
        "src/r.md:5:12",
        Stock::No("mdBook refuses to load a file that is not UTF-8 before any preprocessor runs"),
    ),
    case("yaml-bracket", "QB011", "src/r.md:6:7", Stock::Same),
    case("meta", "QB012", "src/r.md:6:1", Stock::Same),
    case("meta", "QB013", "src/r.md:5:1", Stock::Same),
    case("unknown-level", "QB014", "src/r.md:7:3", Stock::Same),
    case("dangling-link", "QB015", "src/notes.md:3:5", Stock::Same),
    case("meta", "QB016", "src/r.md:7:1", Stock::Same),
    case(
        "bad-edition",
        "QB017",
        "book.toml:11:1",
        Stock::At("book.toml:12:1"),
    ),
    case("dup-derived", "QB018", "src/r.md:19:1", Stock::Same),
    case("ambiguous-link", "QB019", "src/notes.md:3:10", Stock::Same),
    // QB020 compares with a previous build: see `an_id_gone_since_the_last_build_is_qb020`.
    case("alias-clash", "QB021", "src/r.md:5:1", Stock::Same),
    case("same-as", "QB022", "src/r.md:5:1", Stock::Same),
    case("same-as", "QB023", "src/r.md:16:1", Stock::Same),
    case(
        "unlisted",
        "QB024",
        "src/extra/new.md:1:1",
        Stock::No("mdBook builds what SUMMARY.md lists; only qbank walks src/"),
    ),
    case("notes-time", "QB026", "src/r.md:14:1", Stock::Same),
    case(
        "no-records",
        "QB025",
        "src/SUMMARY.md:1:1",
        Stock::No(SUMMARY_FIRST),
    ),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

fn qbank(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qbank"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A previous site, to check that a failed build leaves it alone.
fn previous_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join(".qbank-site"), "").unwrap();
    std::fs::write(site.join("index.html"), "previous site").unwrap();
    site
}

fn untouched(site: &Path) -> bool {
    std::fs::read_to_string(site.join("index.html")).is_ok_and(|t| t == "previous site")
}

/// The `mdbook-qbank` binary of this workspace, built if needed.
fn adapter() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "mdbook-qbank", "--bin", "mdbook-qbank"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "building mdbook-qbank");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("debug/mdbook-qbank")
}

/// Stock `mdbook build` (mdBook's own driver) of `book` with this workspace's mdbook-qbank,
/// after `mdbook-qbank install` unless `install` is false. Returns (success, the adapter's
/// stderr).
fn stock_build(book: &Path, site: &Path, install: bool) -> (bool, String) {
    let bin = adapter();
    if install {
        let ok = Command::new(&bin)
            .args(["install", "--no-search"])
            .arg(book)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }
    // mdBook runs the preprocessor with its stderr inherited: a shell keeps it for us.
    let log = book.with_extension("stderr");
    let command = format!("sh -c '{} \"$@\" 2>>{}' sh", bin.display(), log.display());
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = toml.replace(
        "[preprocessor.qbank]\n",
        &format!("[preprocessor.qbank]\ncommand = {command:?}\n"),
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let built = mdbook_driver::MDBook::load(book).and_then(|mut md| {
        md.config.build.build_dir = site.to_path_buf();
        md.build()
    });
    (
        built.is_ok(),
        std::fs::read_to_string(&log).unwrap_or_default(),
    )
}

fn severity(code: &str) -> Severity {
    Code::parse(code).unwrap().severity()
}

#[test]
fn every_bad_input_everywhere() {
    let mut failures = Vec::new();
    for c in CASES {
        // A fixture fails when any of its codes is an error.
        let error = CASES
            .iter()
            .any(|o| o.fixture == c.fixture && severity(o.code) == Severity::Error);
        let tmp = tempfile::tempdir().unwrap();
        let book = tmp.path().join("book");
        copy_dir(&fixture(c.fixture), &book);
        let want = format!("[{}]", c.code);
        let at = format!("--> book/{}", c.at);
        let mut check = |what: &str, ok: bool, detail: &str| {
            if !ok {
                failures.push(format!("{} {} ({what}):\n{detail}", c.fixture, c.code));
            }
        };

        let (status, err) = qbank(&["check", "book"], tmp.path());
        check(
            "check: exit",
            status == Some(if error { 1 } else { 0 }),
            &err,
        );
        check(
            "check: code and place",
            err.contains(&want) && err.contains(&at),
            &err,
        );

        let site = previous_site(tmp.path());
        let (status, err) = qbank(&["build", "book", "-d", "site"], tmp.path());
        check(
            "build: exit",
            status == Some(if error { 1 } else { 0 }),
            &err,
        );
        check(
            "build: code and place",
            err.contains(&want) && err.contains(&at),
            &err,
        );
        if error {
            check("build: previous site untouched", untouched(&site), "");
        }

        match c.stock {
            Stock::No(why) => assert!(!why.is_empty()),
            Stock::Same | Stock::At(_) => {
                let stock_at = match c.stock {
                    Stock::At(at) => at,
                    _ => c.at,
                };
                let stock = tmp.path().join("stock");
                copy_dir(&fixture(c.fixture), &stock);
                let site = tmp.path().join("stock-site");
                std::fs::create_dir_all(&site).unwrap();
                std::fs::write(site.join("index.html"), "previous site").unwrap();
                let (ok, err) = stock_build(&stock, &site, true);
                check("stock: exit", ok != error, &err);
                check(
                    "stock: code and place",
                    err.contains(&want) && err.contains(stock_at),
                    &err,
                );
                if error {
                    check("stock: previous site untouched", untouched(&site), "");
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn stock_without_install_is_qb009() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    copy_dir(&fixture("no-answer-marker"), &book);
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "previous site").unwrap();
    let (ok, err) = stock_build(&book, &site, false);
    assert!(!ok, "{err}");
    assert!(err.contains("error[QB009]"), "{err}");
    assert!(err.contains("book.toml:1:1"), "{err}");
    assert!(untouched(&site));
}

#[test]
fn an_id_gone_since_the_last_build_is_qb020() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    copy_dir(&fixture("no-answer-marker"), &book);
    let (status, err) = qbank(&["build", "book", "-d", "site"], tmp.path());
    assert_eq!(status, Some(0), "{err}");
    let r = book.join("src/r.md");
    let text = std::fs::read_to_string(&r).unwrap();
    std::fs::write(&r, text.replace("### 2. 第二题", "### 2. 第二道题")).unwrap();
    for args in [
        &["check", "book", "--against", "site"][..],
        &["build", "book", "-d", "site"][..],
    ] {
        let (status, err) = qbank(args, tmp.path());
        assert_eq!(status, Some(0), "{err}");
        assert!(err.contains("warning[QB020]"), "{err}");
        assert!(err.contains("--> book/src/r.md:11:1"), "{err}");
    }
}

/// The matrix, QB009 and QB020 above cover every code qbank has.
#[test]
fn the_matrix_covers_every_code() {
    let mut covered: BTreeSet<&str> = CASES.iter().map(|c| c.code).collect();
    covered.extend(["QB009", "QB020"]);
    for code in Code::ALL {
        assert!(
            covered.contains(code.as_str()),
            "{code} has no bad input in the matrix"
        );
    }
}
