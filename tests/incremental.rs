//! `qbank serve`'s incremental rebuilds give the site a clean full build gives.
//!
//! Each test builds a copy of the bundled book with a [`Session`] (as `serve` does), edits
//! one kind of thing, lets the session rebuild, then builds the edited book from scratch
//! into another folder and compares the two sites file for file, byte for byte: pages, the
//! search index shards, print.html, the id manifest and the sources export reads.

mod common;
use common::copy_dir;

use qbank::site::BuildOptions;
use qbank::site::session::{Gates, Rebuilt, Session};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A copy of the bundled book in a temporary folder, its site built by a session.
struct Served {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    session: Session,
    gates: Gates,
}

fn serve_book() -> Served {
    serve_book_with("")
}

/// [`serve_book`] with `qbank` added under `[preprocessor.qbank]` of its book.toml.
fn serve_book_with(qbank: &str) -> Served {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("book");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("book"), &root);
    if !qbank.is_empty() {
        let toml = root.join("book.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        let text = if text.contains("[preprocessor.qbank]") {
            text.replacen(
                "[preprocessor.qbank]",
                &format!("[preprocessor.qbank]\n{qbank}"),
                1,
            )
        } else {
            format!("{text}\n[preprocessor.qbank]\n{qbank}\n")
        };
        std::fs::write(&toml, text).unwrap();
    }
    let gates = Gates::default();
    let session = Session::start(
        &root,
        Some(&tmp.path().join("site")),
        &BuildOptions::default(),
        gates.clone(),
    )
    .unwrap();
    Served {
        _tmp: tmp,
        root,
        session,
        gates,
    }
}

impl Served {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Replaces the first `from` in the book's file `rel` with `to`.
    fn edit(&self, rel: &str, from: &str, to: &str) -> PathBuf {
        let path = self.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        path
    }

    fn rebuild(&mut self, changed: &[PathBuf]) -> Rebuilt {
        let rebuilt = self.session.rebuild(changed).unwrap();
        for gate in [&self.gates.print, &self.gates.search] {
            assert!(
                gate.wait_fresh(Duration::from_secs(120)),
                "background work done"
            );
        }
        rebuilt
    }

    /// The last search job updated the written files rather than making the index whole.
    fn assert_search_updated(&self) {
        assert_eq!(
            self.session.search_updated(),
            Some(true),
            "the search index was updated file by file"
        );
    }

    /// Builds the book as it now is from scratch and compares the two sites.
    fn assert_same_as_full_build(&self) {
        let fresh = self._tmp.path().join("fresh");
        qbank::site::build(&self.root, Some(&fresh)).unwrap();
        let (served, full) = (files(self.session.dest()), files(&fresh));
        let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(&served), names(&full), "the same files");
        for (path, bytes) in &served {
            let other = &full[path];
            if bytes != other {
                let at = bytes.iter().zip(other).take_while(|(a, b)| a == b).count();
                let around = |b: &[u8]| {
                    String::from_utf8_lossy(&b[at.saturating_sub(150)..(at + 150).min(b.len())])
                        .into_owned()
                };
                panic!(
                    "{} differs from a full build's at byte {at}:\nincremental: {}\nfull build:  {}",
                    path.display(),
                    around(bytes),
                    around(other)
                );
            }
        }
    }
}

/// Every file of a site, by path relative to it.
fn files(site: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(site).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn pages(rebuilt: &Rebuilt) -> Vec<String> {
    match rebuilt {
        Rebuilt::Pages(files) => files.iter().map(|f| f.display().to_string()).collect(),
        other => panic!("a partial rebuild, not {other:?}"),
    }
}

const SEED: &str = "src/go-backend-round2.md";
const RUST: &str = "src/examples/rust-round1.md";

#[test]
fn an_answer_edit_rewrites_its_page_and_the_shards_that_changed() {
    let mut s = serve_book();
    let search = s.session.dest().join(qbank::search::DIR);
    let before = files(&search);
    let changed = s.edit(
        RUST,
        "排除了数据竞争",
        "排除了数据竞争（以及 use-after-free）",
    );
    let rebuilt = pages(&s.rebuild(&[changed]));
    assert_eq!(
        rebuilt,
        [
            "examples/rust-round1.html",
            "qbank/study/cards/examples/rust-round1/1-2.js",
            "qbank/sources/examples/rust-round1.js"
        ],
        "only the page, the drill's card of the edited question and the record's source"
    );
    // The search index: only the files whose bytes changed are written.
    let after = files(&search);
    let rewritten = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .count();
    assert!(
        rewritten > 0 && rewritten < after.len(),
        "{rewritten} of {}",
        after.len()
    );
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

/// Two edits to two records with no request for the search index between them: the index
/// is brought up to date once, when first asked for, and holds both.
#[test]
fn edits_queue_their_search_documents_until_the_index_is_asked_for() {
    let mut s = serve_book();
    let first = s.edit(
        RUST,
        "排除了数据竞争",
        "排除了数据竞争（以及 use-after-free）",
    );
    assert!(matches!(
        s.session.rebuild(&[first]).unwrap(),
        Rebuilt::Pages(_)
    ));
    let second = s.edit(SEED, "[请在此处回答]", "先读 go.mod，再看 vendor 目录");
    assert!(matches!(
        s.session.rebuild(&[second]).unwrap(),
        Rebuilt::Pages(_)
    ));
    assert!(s.gates.search.wait_fresh(Duration::from_secs(120)));
    assert!(s.gates.print.wait_fresh(Duration::from_secs(120)));
    s.assert_same_as_full_build();
}

#[test]
fn a_prompt_edit_with_its_record_first_in_the_book() {
    let mut s = serve_book();
    let changed = s.edit(SEED, "面试官**:", "面试官**: （补一句）");
    pages(&s.rebuild(&[changed]));
    s.assert_same_as_full_build();
}

#[test]
fn an_edit_to_the_first_chapter_rewrites_index_html_too() {
    let mut s = serve_book();
    let changed = s.edit("src/README.md", "\n", "\n\n新加的一段说明。\n");
    let rebuilt = pages(&s.rebuild(&[changed]));
    assert!(rebuilt.contains(&"index.html".to_string()), "{rebuilt:?}");
    s.assert_same_as_full_build();
}

#[test]
fn an_edit_to_the_last_chapter_keeps_its_next_link() {
    let mut s = serve_book();
    let changed = s.edit(
        "src/guide/accessibility.md",
        "\n",
        "\n\nOne more sentence.\n",
    );
    pages(&s.rebuild(&[changed]));
    s.assert_same_as_full_build();
}

#[test]
fn a_split_book_rewrites_the_record_print_page() {
    let mut s = serve_book_with("print-limit = \"1KB\"");
    assert!(
        s.session
            .dest()
            .join("examples/rust-round1.print.html")
            .is_file(),
        "split"
    );
    let changed = s.edit(
        RUST,
        "排除了数据竞争",
        "排除了数据竞争（以及 use-after-free）",
    );
    let rebuilt = pages(&s.rebuild(&[changed]));
    assert!(
        rebuilt.contains(&"examples/rust-round1.print.html".to_string()),
        "{rebuilt:?}"
    );
    s.assert_same_as_full_build();
}

#[test]
fn a_tag_edit_rewrites_the_generated_pages() {
    let mut s = serve_book();
    let changed = s.edit(
        RUST,
        "tags: [rust, ownership]",
        "tags: [rust, ownership, memory]",
    );
    let rebuilt = pages(&s.rebuild(&[changed]));
    assert!(
        rebuilt.contains(&"qbank-tags.html".to_string()),
        "{rebuilt:?}"
    );
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

#[test]
fn a_question_title_edit_gives_the_full_build() {
    let mut s = serve_book();
    let changed = s.edit(RUST, "### 2. Send 与 Sync", "### 2. Send、Sync 与线程");
    s.rebuild(&[changed]);
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

/// Each search file by name, with its inode: a file written again gets a new one.
#[cfg(unix)]
fn inodes(dir: &Path) -> BTreeMap<PathBuf, u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (PathBuf::from(e.file_name()), e.metadata().unwrap().ino())
        })
        .collect()
}

/// A navigation change is a full build, but not of the search index: the reload does not
/// wait for it, and when first asked for, only the files whose bytes changed are written.
#[cfg(unix)]
#[test]
fn a_full_rebuild_carries_the_search_index_and_rewrites_what_changed() {
    let mut s = serve_book();
    let search = s.session.dest().join(qbank::search::DIR);
    let before = inodes(&search);
    let changed = s.edit(
        "src/SUMMARY.md",
        "[Search](guide/search.md)",
        "[Searching](guide/search.md)",
    );
    assert_eq!(s.session.rebuild(&[changed]).unwrap(), Rebuilt::Full);
    assert!(
        !s.gates.search.is_fresh(),
        "the search index waits for its first request"
    );
    assert!(s.gates.search.wait_fresh(Duration::from_secs(120)));
    let after = inodes(&search);
    let kept = after
        .iter()
        .filter(|(k, v)| before.get(*k) == Some(v))
        .count();
    assert!(
        kept > 0 && kept < after.len(),
        "{kept} of {} search files kept as they were",
        after.len()
    );
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

#[test]
fn renumbering_gives_the_full_build() {
    let mut s = serve_book();
    let changed = s.edit(
        RUST,
        "### 1. 所有权与借用",
        "### 1. 新问题\n\n**面试官**: 先热身？\n\n### 2. 所有权与借用",
    );
    s.rebuild(&[changed]);
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

#[test]
fn a_record_added_and_removed() {
    let mut s = serve_book();
    let new = s.path("src/examples/extra.md");
    std::fs::write(
        &new,
        "# 附加记录\n\n### 1. 一个问题\n\n**面试官**: 问什么？\n\n**候选人回答**:\n\n```\n答案\n```\n",
    )
    .unwrap();
    let summary = s.edit(
        "src/SUMMARY.md",
        "- [Rust 后台开发 · 第一轮](examples/rust-round1.md)",
        "- [Rust 后台开发 · 第一轮](examples/rust-round1.md)\n- [附加记录](examples/extra.md)",
    );
    assert_eq!(s.rebuild(&[new.clone(), summary.clone()]), Rebuilt::Full);
    s.assert_search_updated();
    s.assert_same_as_full_build();

    std::fs::remove_file(&new).unwrap();
    let summary = s.edit("src/SUMMARY.md", "\n- [附加记录](examples/extra.md)", "");
    assert_eq!(s.rebuild(&[new, summary]), Rebuilt::Full);
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

#[test]
fn a_summary_edit() {
    let mut s = serve_book();
    let changed = s.edit(
        "src/SUMMARY.md",
        "[Search](guide/search.md)",
        "[Searching](guide/search.md)",
    );
    assert_eq!(s.rebuild(&[changed]), Rebuilt::Full);
    s.assert_search_updated();
    s.assert_same_as_full_build();
}

#[test]
fn a_book_toml_edit() {
    let mut s = serve_book();
    let path = s.path("book.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("[book]", "[book]\ndescription = \"改过的描述\"", 1),
    )
    .unwrap();
    assert_eq!(s.rebuild(&[path]), Rebuilt::Full);
    s.assert_same_as_full_build();
}

#[test]
fn a_broken_edit_keeps_the_site_and_the_fix_catches_up() {
    let mut s = serve_book();
    let before = files(s.session.dest());
    // A question id that collides with another question's: an error.
    let broken = s.edit(
        RUST,
        "### 2. Send 与 Sync",
        "### 2. Send 与 Sync {#rust-ownership}",
    );
    assert!(s.session.rebuild(&[broken]).is_err());
    assert!(files(s.session.dest()) == before, "the site is as it was");
    // Meanwhile another chapter is edited, then the error fixed: both edits are in the site.
    let other = s.edit(SEED, "面试官**:", "面试官**: （补一句）");
    let fixed = s.edit(RUST, " {#rust-ownership}", "");
    s.rebuild(&[other, fixed]);
    s.assert_same_as_full_build();
}

/// The link check keeps each unchanged chapter's links between rebuilds (finding them reads
/// the chapter as markdown): a dangling link is still an error after an edit elsewhere, and an
/// edit that adds one, or removes the question a link names, is caught.
#[test]
fn dangling_links_are_caught_in_edited_and_unedited_chapters() {
    const GUIDE: &str = "src/guide/authoring.md";
    let mut s = serve_book();
    // A link in a chapter that is not a record, added by an edit: an error.
    let guide = s.edit(
        GUIDE,
        "{{#question rust-ownership}}",
        "{{#question no-such-question}}",
    );
    // (The diagnostic itself goes to stderr; the error counts them.)
    let err = s.session.rebuild(&[guide]).unwrap_err();
    assert!(format!("{err:#}").contains("has 1 error"), "{err:#}");
    // An edit to another chapter: the unedited guide's dangling link is still reported.
    let other = s.edit(SEED, "面试官**:", "面试官**: （补一句）");
    let err = s.session.rebuild(&[other]).unwrap_err();
    assert!(format!("{err:#}").contains("has 1 error"), "{err:#}");
    // Fixed: the site catches up with both edits.
    let fixed = s.edit(
        GUIDE,
        "{{#question no-such-question}}",
        "{{#question rust-ownership}}",
    );
    s.rebuild(&[fixed]);
    s.assert_same_as_full_build();
}
