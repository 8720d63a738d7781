//! Banks as teams grow them: the same question in many records, records outside SUMMARY.md,
//! books without one, and links that outlive a renamed question. Built end to end.

mod common;
use common::copy_dir;
#[path = "support/synth.rs"]
mod synth;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn qbank(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qbank"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `(attribute value, …)` of each element carrying `attr`, in page order.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The frequently-asked page as (title, count) per group, from its HTML.
fn frequent_groups(site: &Path) -> Vec<(String, usize)> {
    let html = std::fs::read_to_string(site.join("qbank-frequent.html")).unwrap();
    html.split("data-qb-frequent=\"")
        .skip(1)
        .map(|g| {
            let count = attrs(g, "data-qb-count")[0].parse().unwrap();
            let t = g.find("qb-frequent-title\">").unwrap() + "qb-frequent-title\">".len();
            let title = g[t..t + g[t..].find('<').unwrap()].to_string();
            (title, count)
        })
        .collect()
}

#[test]
fn a_bank_of_200_records_with_repeating_titles_builds_and_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("bank");
    let (files, summary) = synth::bank(200, 50);
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Bank\"\nlanguage = \"zh\"\n\n[preprocessor.qbank]\n",
    )
    .unwrap();
    std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
    // The number of records that ask each title, from the sources.
    let mut asked: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (r, (name, text)) in files.iter().enumerate() {
        std::fs::write(root.join("src").join(name), text).unwrap();
        // A question is a numbered heading whose next block is the interviewer's prompt
        // (answers have numbered headings of their own).
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            if let Some(rest) = line.strip_prefix("### ")
                && let Some((num, title)) = rest.split_once(". ")
                && num.chars().all(|c| c.is_ascii_digit())
                && next.is_some_and(|l| l.starts_with("**面试官**"))
            {
                asked.entry(title.to_string()).or_default().insert(r);
            }
        }
    }
    let site = tmp.path().join("site");
    let checked = qbank::site::check(&root).unwrap();
    assert!(
        !checked.has_errors(),
        "errors in a bank with repeating titles"
    );
    qbank::site::build(&root, Some(&site)).unwrap();

    let mut top: Vec<(usize, &String)> = asked.iter().map(|(t, r)| (r.len(), t)).collect();
    top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let groups: BTreeMap<String, usize> = frequent_groups(&site).into_iter().collect();
    for (count, title) in &top[..5] {
        assert_eq!(
            groups.get(*title),
            Some(count),
            "the frequent page's count for `{title}`"
        );
    }
    // Sorted by count, highest first.
    let counts: Vec<usize> = frequent_groups(&site).iter().map(|g| g.1).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(
        counts.len(),
        asked.values().filter(|r| r.len() >= 2).count()
    );
}

#[test]
fn the_same_question_in_two_records_links_and_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    qbank::site::build(&fixture("banks"), Some(&site)).unwrap();
    let go = std::fs::read_to_string(site.join("go/round2.html")).unwrap();
    let java = std::fs::read_to_string(site.join("java/round1.html")).unwrap();
    // Each page has its own card with the shared id.
    assert!(attrs(&go, "data-qb-question").contains(&"限流算法和实现"));
    assert!(attrs(&java, "data-qb-question").contains(&"限流算法和实现"));
    // Both say that one other record asks it.
    assert_eq!(attrs(&go, "data-qb-also"), ["1", "1"]);
    assert_eq!(attrs(&java, "data-qb-also"), ["1", "1"]);
    let groups = frequent_groups(&site);
    assert_eq!(
        groups,
        [
            ("限流算法和实现".to_string(), 2),
            ("自我介绍".to_string(), 2)
        ]
    );
    // The best answer is the longer one (Java's), and opens its answer.
    let freq = std::fs::read_to_string(site.join("qbank-frequent.html")).unwrap();
    assert!(
        freq.contains(r#"class="qb-frequent-best" href="java/round1.html#限流算法和实现-answer""#),
        "{freq}"
    );
    // Qualified links land on each record's own card.
    let notes = std::fs::read_to_string(site.join("notes.html")).unwrap();
    assert!(notes.contains(r#"href="go/round2.html#限流算法和实现""#));
    assert!(notes.contains(r#"href="java/round1.html#限流算法和实现""#));
    // The search index keeps the two cards apart.
    let docs = std::fs::read_to_string(site.join("qbank/search/docs.js"))
        .or_else(|_| {
            // The index layout may change; look for the URLs anywhere in it.
            let dir = site.join("qbank/search");
            let mut all = String::new();
            for e in std::fs::read_dir(dir)? {
                all += &std::fs::read_to_string(e?.path())?;
            }
            Ok::<_, std::io::Error>(all)
        })
        .unwrap();
    assert!(docs.contains("go/round2.html#限流算法和实现"));
    assert!(docs.contains("java/round1.html#限流算法和实现"));
}

#[test]
fn the_practice_edition_has_the_page_without_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let opts = qbank::site::BuildOptions::edition(Some(qbank::config::Edition::Practice));
    qbank::site::build_with(&fixture("banks"), Some(&site), &opts).unwrap();
    let freq = std::fs::read_to_string(site.join("qbank-frequent.html")).unwrap();
    assert_eq!(frequent_groups(&site).len(), 2);
    assert!(!freq.contains("qb-frequent-best"));
    assert!(!freq.contains("qb-badge-answered"));
}

#[test]
fn a_renamed_question_warns_until_it_has_an_alias() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("banks");
    copy_dir(&fixture("banks"), &book);
    let out = qbank(&["build", "banks", "-d", "site"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("site/qbank/ids.json").is_file());

    let record = book.join("src/java/round1.md");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replace("### 1. 自我介绍", "### 1. 自我介绍与项目经历"),
    )
    .unwrap();
    // check --against the published site says so, and so does the next build.
    for args in [
        &["check", "banks", "--against", "site"][..],
        &["build", "banks", "-d", "site"][..],
    ] {
        let out = qbank(args, tmp.path());
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains("warning[QB020]: question id `自我介绍` of the previous build is gone from java/round1.html"),
            "{err}"
        );
        assert!(err.contains("--> banks/src/java/round1.md:3:1"), "{err}");
        assert!(err.contains("add `aliases: [自我介绍]`"), "{err}");
        // The site just built is now the previous one: restore the old ids for the next loop.
        if args[0] == "build" {
            break;
        }
    }
    // With the alias, the next check against the first site is clean.
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replace(
            "### 1. 自我介绍与项目经历\n",
            "### 1. 自我介绍与项目经历\n<!-- qbank\naliases: [自我介绍]\n-->\n",
        ),
    )
    .unwrap();
    let out = qbank(
        &["check", "banks", "--against", "site", "--deny-warnings"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = qbank(&["build", "banks", "-d", "site2"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(tmp.path().join("site2/java/round1.html")).unwrap();
    assert!(page.contains(r#"data-qb-aliases="自我介绍""#));
    // The renamed question is still the question the other record asks.
    let groups = frequent_groups(&tmp.path().join("site2"));
    assert!(groups.contains(&("自我介绍".to_string(), 2)), "{groups:?}");
}

#[test]
fn a_book_without_summary_gets_its_navigation_from_the_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    copy_dir(&fixture("no-summary"), &book);
    let out = qbank(&["build", "book", "-d", "site"], tmp.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    let toc = std::fs::read_to_string(tmp.path().join("site/toc.html")).unwrap();
    let links: Vec<&str> = attrs(&toc, "href")
        .into_iter()
        .filter(|h| h.ends_with(".html") && !h.starts_with("qbank-"))
        .collect();
    assert_eq!(
        links,
        [
            "index.html",
            "go/index.html",
            "go/round-1.html",
            "go/round-2.html",
            "go/round-10.html",
            "java/r1.html",
            "java/r2.html"
        ]
    );
    for title in [
        "题库说明",
        "Go 后台",
        "Go 一面",
        "Go 十面",
        "Java 二面",
        "java",
    ] {
        assert!(toc.contains(title), "{title} missing from the sidebar");
    }
    // The two records that ask 限流 are grouped like anywhere else.
    assert!(frequent_groups(&tmp.path().join("site")).contains(&("限流算法和实现".to_string(), 2)));
    // `new record` keeps working, without writing a SUMMARY.md.
    let out = qbank(
        &[
            "new",
            "record",
            "book/src/java/r3.md",
            "--title",
            "Java 三面",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("its folders are the navigation"));
    assert!(!book.join("src/SUMMARY.md").exists());
    let out = qbank(&["build", "book", "-d", "site"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let toc = std::fs::read_to_string(tmp.path().join("site/toc.html")).unwrap();
    assert!(toc.contains("java/r3.html"));
}

#[test]
fn a_folder_tree_without_records_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    std::fs::create_dir_all(book.join("src/notes")).unwrap();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"x\"\n").unwrap();
    std::fs::write(book.join("src/notes/a.md"), "# A\n\ntext\n").unwrap();
    let out = qbank(&["check", "book"], tmp.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning[QB025]"), "{err}");
    // An empty src/ too: no raw "failed to read SUMMARY.md".
    std::fs::remove_dir_all(book.join("src/notes")).unwrap();
    let out = qbank(&["build", "book"], tmp.path());
    let err = stderr(&out);
    assert!(err.contains("warning[QB025]"), "{err}");
    assert!(!err.contains("failed to read"), "{err}");
}
