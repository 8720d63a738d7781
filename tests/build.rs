//! Fixture books built end to end with `qbank::site::build`, checked the way a reader would
//! see them: cards, states, labels, anchors, pass-through pages and outside requests.

mod common;
use common::copy_dir;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds a fixture book once per test binary; returns the site directory.
fn site(name: &str) -> PathBuf {
    static SITES: OnceLock<tempfile::TempDir> = OnceLock::new();
    let base = SITES.get_or_init(|| tempfile::tempdir().unwrap()).path();
    let out = base.join(name);
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _g = LOCK.lock().unwrap();
    if !out.exists() {
        let book = if name == "book" {
            root().join("book")
        } else {
            root().join("tests/fixtures").join(name)
        };
        qbank::site::build(&book, Some(&out)).unwrap_or_else(|e| panic!("building {name}: {e:#}"));
    }
    out
}

fn page(site: &Path, file: &str) -> String {
    std::fs::read_to_string(site.join(file)).unwrap()
}

/// The page's `<main>`, serialized as mdBook serializes HTML (see `common::html`), so that
/// assertions do not depend on who wrote an element.
fn main_of(html: &str) -> String {
    common::html::normalize(&html[html.find("<main>").unwrap()..html.find("</main>").unwrap()])
}

/// The opening tags of all elements matching `marker` (a substring of the tag).
fn tags<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .map(|(i, _)| {
            let start = html[..i].rfind('<').unwrap();
            let end = i + html[i..].find('>').unwrap();
            &html[start..=end]
        })
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(&tag[i..i + tag[i..].find('"')?])
}

#[test]
fn seed_builds_to_ten_cards_three_answered() {
    let html = page(&site("book"), "go-backend-round2.html");
    let main = main_of(&html);
    let cards = tags(&main, "data-qb-question=");
    assert_eq!(cards.len(), 10);
    let status: Vec<&str> = cards
        .iter()
        .map(|t| attr(t, "data-qb-status").unwrap())
        .collect();
    assert_eq!(status.iter().filter(|s| **s == "answered").count(), 3);
    assert_eq!(&status[..3], ["answered"; 3]);
    assert_eq!(&status[3..], ["unanswered"; 7]);
    for (i, card) in cards.iter().enumerate() {
        assert_eq!(attr(card, "id"), attr(card, "data-qb-question"), "{card}");
        assert_eq!(
            attr(card, "data-qb-number"),
            Some((i + 1).to_string().as_str())
        );
    }
    assert_eq!(attr(cards[0], "id"), Some("go语言调度器原理"));
    // Answered cards: a closed <details data-qb-answer> holding the ID-answer anchor.
    let details = tags(&main, "data-qb-answer");
    assert_eq!(details.len(), 3);
    assert!(
        details.iter().all(|d| !d.contains(" open")),
        "answers start closed"
    );
    assert!(main.contains(r#"id="go语言调度器原理-answer""#));
    // Unanswered cards say so, and never show the placeholder.
    assert_eq!(main.matches("暂无参考答案").count(), 7);
    assert!(
        !main.contains("[请在此处回答]"),
        "placeholder leaked into the page"
    );
    assert_eq!(main.matches("<summary>").count(), 3, "no empty <details>");
    // Every card has a rubric; the seed's has 5 dimensions x 4 levels.
    assert_eq!(main.matches("data-qb-rubric=").count(), 10);
    assert_eq!(
        main.matches(r#"<p class="qb-dims">Go语言高级特性 · 系统组件原理 · 分布式系统设计 · 性能调优能力 · 问题分析能力</p>"#).count(),
        10
    );
    assert_eq!(
        main.matches(r#"<p class="qb-levels">精通 · 熟练 · 了解 · 欠缺</p>"#)
            .count(),
        10
    );
    // Labels follow book.language = zh.
    assert!(main.contains("<summary><span class=\"qb-summary-label\">参考答案</span></summary>"));
    assert!(main.contains("3/10"));
    // The text after the evaluation template stays on the page.
    assert!(main.contains("请您开始回答第一个问题"));
}

#[test]
fn sidebar_heading_nav_sees_questions_not_answer_headings() {
    let html = page(&site("book"), "go-backend-round2.html");
    let main = main_of(&html);
    // mdBook's toc.js lists main h2-h6 that have an id and whose first child is an <a>.
    let mut listed = Vec::new();
    for level in 2..=6 {
        for (i, _) in main.match_indices(&format!("<h{level} ")) {
            let tag_end = i + main[i..].find('>').unwrap() + 1;
            let tag = &main[i..tag_end];
            if attr(tag, "id").is_some() && main[tag_end..].trim_start().starts_with("<a ") {
                let close = main[tag_end..].find(&format!("</h{level}>")).unwrap();
                let text: String = strip_tags(&main[tag_end..tag_end + close]);
                listed.push((i, text.trim().to_string()));
            }
        }
    }
    listed.sort();
    let texts: Vec<&str> = listed.iter().map(|(_, t)| t.as_str()).collect();
    assert!(texts.contains(&"1. Go语言调度器原理"), "{texts:?}");
    assert!(texts.contains(&"10. Go性能分析和调优"), "{texts:?}");
    for t in &texts {
        assert!(
            !t.contains("Context 接口") && !t.contains("场景代码实现"),
            "answer heading {t} in nav"
        );
    }
    // The answer headings are still there, with anchors.
    assert!(main.contains(r#"class="qb-heading""#));
    assert!(
        main.contains("<span>1. <code>Context</code> 接口</span>"),
        "the number stays text, not a list"
    );
}

#[test]
fn prose_fences_wrap_and_diagrams_keep_columns() {
    let html = page(&site("book"), "go-backend-round2.html");
    let main = main_of(&html);
    assert_eq!(main.matches(r#"<div class="qb-prose">"#).count(), 1);
    assert!(main.contains("<div class=\"qb-prose\">GMP调度模型是go运行时在用户态实现高效调度goroutine方案。\nG即Goroutine"));
    assert!(
        !main.contains("&amp;#10;"),
        "prose line breaks are real line breaks"
    );
    assert!(
        main.contains("[ background ]"),
        "the diagram is still there"
    );
    let diagram = main.find("[ background ]").unwrap();
    assert!(
        main[..diagram].rfind("<pre>") > main[..diagram].rfind("</pre>"),
        "diagram stays in <pre>"
    );
    assert!(
        main.contains(r#"<code class="language-go">"#),
        "fences with a language stay code"
    );
    // Q2's answer: Chinese written line by line keeps its lines (a class the CSS styles).
    let lines = main
        .find("<div class=\"qb-lines\">")
        .expect("a qb-lines block");
    assert!(
        main[lines + 22..].trim_start().starts_with(
            "<p>sync.Mutex底层只有一个32位的int字段，通过掩码表示了多种不同的状态。\nLocked (1 bit): 锁是否被持有。"
        ),
        "multi-line Chinese paragraphs are marked"
    );
}

#[test]
fn english_record_variants() {
    let s = site("variants");
    let html = page(&s, "en-record.html");
    let main = main_of(&html);
    let cards = tags(&main, "data-qb-question=");
    let ids: Vec<&str> = cards.iter().map(|t| attr(t, "id").unwrap()).collect();
    assert_eq!(
        ids,
        [
            "mutex-vs-channel",
            "explain-epoll",
            "consistent-hashing",
            "rate-limiting",
            "zero-copy"
        ]
    );
    let status: Vec<&str> = cards
        .iter()
        .map(|t| attr(t, "data-qb-status").unwrap())
        .collect();
    assert_eq!(
        status,
        [
            "answered",
            "answered",
            "unanswered",
            "unanswered",
            "unanswered"
        ]
    );
    assert!(main.contains("Model answer") && main.contains("No model answer yet"));
    assert!(!main.contains("[Please answer here]"));
    // The nested "### 1." heading and the table after --- stay in question 1's answer.
    let q1 = &main
        [main.find("id=\"mutex-vs-channel\"").unwrap()..main.find("id=\"explain-epoll\"").unwrap()];
    assert!(q1.contains("Nested heading inside the answer") && q1.contains("<table>"));
    assert!(q1.contains(r#"<div class="qb-prose">A mutex guards"#));
    // Key points are the prompt's numbered sub-questions.
    assert!(q1.contains("Shared counters") && q1.matches(r#"type="checkbox""#).count() == 2);
    // [x] marks the recorded level.
    assert!(main.contains("☑"));
    assert!(main.contains("this line comes after the template and must stay"));
    // Info card: bold keys with either colon, and the plain item kept.
    for s in [
        "<dt>Round</dt>",
        "<dt>Focus</dt>",
        "<dt>Duration</dt>",
        "Candidate pool: campus hires",
    ] {
        assert!(main.contains(s), "{s}");
    }
    let zh = page(&s, "zh-record.html");
    let zh = main_of(&zh);
    assert_eq!(tags(&zh, "data-qb-question=").len(), 2);
    assert!(
        zh.contains(r#"<div class="qb-prose">浏览器的事件循环"#),
        "a `text` fence of prose wraps too"
    );
}

#[test]
fn questions_at_h2_and_h4() {
    let s = site("variants");
    let html = page(&s, "levels.html");
    let main = main_of(&html);
    let status: Vec<&str> = tags(&main, "data-qb-question=")
        .iter()
        .map(|t| attr(t, "data-qb-status").unwrap())
        .collect();
    assert_eq!(status, ["answered", "unanswered"]);
    assert!(main.contains(r#"<h2 id="a-question-at-h2-title""#));
    // A heading inside an H2 question's answer is one level below the card title.
    assert!(main.contains(r#"<h4 id="a-question-at-h2-part-a" class="qb-heading">"#));
    let html = page(&s, "h4.html");
    let main = main_of(&html);
    assert!(main.contains(r#"<h4 id="deeply-nested-question-title""#));
    assert!(main.contains(r#"data-qb-number="1" data-qb-status="answered""#));
}

#[test]
fn metadata_links_and_generated_pages() {
    let s = site("meta");
    // {{#question gmp}} in another chapter links to the card, with record, number and title.
    let path = page(&s, "path.html");
    let main = main_of(&path);
    assert!(
        main.contains(r#"<a class="qb-qlink" href="go-backend-round2.html#gmp">Go 后台开发工程师面试记录 - 第二轮 › 1. Go语言调度器原理</a>"#),
        "{main}"
    );
    assert!(
        main.contains("sync包和并发控制</a>"),
        "a derived id links too"
    );
    assert!(
        main.contains("<code>{{#question gmp}}</code>"),
        "code stays as written"
    );
    assert!(main.contains("也是"), "escaped token");
    assert!(!main.contains("owner:"), "front matter is never rendered");
    // The card shows difficulty and tags, tags link to the tags page.
    let rec = page(&s, "go-backend-round2.html");
    let main = main_of(&rec);
    assert!(main.contains(r#"data-qb-difficulty="3""#));
    assert!(main.contains(r#"href="qbank-tags.html#tag-scheduler" data-qb-tag="scheduler""#));
    // Own level descriptors in the sidebar, follow-ups one block each.
    assert!(main.contains("能讲清 work stealing、hand off 与 sysmon 抢占"));
    assert_eq!(main.matches("data-qb-followup=").count(), 2);
    assert!(main.contains("如果 GOMAXPROCS 设为 1 会怎样？"));
    // Front matter joins the info card and never shows as text.
    assert!(main.contains("<dt>岗位</dt>") && main.contains("Go 后台开发"));
    assert!(!main.contains("role:"));
    // The tags page lists #gmp under scheduler.
    let tags = page(&s, "qbank-tags.html");
    let sched = tags
        .find(r#"id="tag-scheduler""#)
        .expect("a scheduler section");
    let next = tags[sched..].find("</ul>").unwrap() + sched;
    assert!(tags[sched..next].contains(r#"href="go-backend-round2.html#gmp""#));
    // The coverage page: 3/10, and the 7 unanswered questions as links.
    let cov = page(&s, "qbank-coverage.html");
    let main = main_of(&cov);
    assert!(main.contains("3/10 (30%)"));
    assert_eq!(main.matches(r#"data-qb-status="unanswered""#).count(), 7);
    assert!(main.contains(r#"href="go-backend-round2.html#redis数据结构和持久化机制""#));
    assert!(page(&s, "qbank-dimensions.html").contains("Go语言高级特性"));
}

/// The practice edition, chosen in book.toml: every page and every index file is free of
/// answers, follow-ups and rubric descriptors; the questions are all there.
#[test]
fn practice_edition_leaves_answers_out_of_pages_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("meta");
    copy_dir(&root().join("tests/fixtures/meta"), &book);
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(!toml.contains("[preprocessor.qbank]"));
    let toml = toml + "\n[preprocessor.qbank]\nedition = \"practice\"\n";
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let out = dir.path().join("site");
    qbank::site::build(&book, Some(&out)).unwrap();

    let hidden = [
        "GMP调度模型是go运行时在用户态实现高效调度goroutine方案", // Q1's answer
        "sync.Mutex底层只有一个32位的int字段",                    // Q2's answer
        "如果 GOMAXPROCS 设为 1 会怎样？",                        // a follow-up
        "能讲清 work stealing、hand off 与 sysmon 抢占",          // a level descriptor
    ];
    let mut files = 0;
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("");
        if !e.file_type().is_file() || !["html", "js"].contains(&ext) {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(e.path()).unwrap();
        for h in hidden {
            assert!(!text.contains(h), "{} shows {h}", e.path().display());
        }
    }
    assert!(files > 10);
    let search: Vec<_> = std::fs::read_dir(out.join("qbank/search"))
        .unwrap()
        .collect();
    assert!(search.len() >= 4, "the index is built");

    let main = main_of(&page(&out, "go-backend-round2.html"));
    assert_eq!(tags(&main, "data-qb-question=").len(), 10);
    assert!(main.contains("您能详细解释一下Go语言的GMP调度模型吗"));
    for gone in [
        "data-qb-answer",
        "data-qb-rubric",
        "data-qb-followup",
        "面试评价模板",
    ] {
        assert!(!main.contains(gone), "{gone}");
    }
    assert!(!out.join("qbank-coverage.html").exists());
    assert!(out.join("qbank-tags.html").exists());
    // No interview mode: no script, styles, labels or sources in any file.
    common::practice::assert_no_interview_mode(&out, &markdown_of(&book));
}

/// Export's copy of each record's markdown is a script of its own under qbank/sources/, loaded
/// only when export is pressed: the markdown is in no page, not in print.html and not in the
/// search index.
#[test]
fn record_sources_are_only_in_their_own_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    qbank::site::build(&root().join("tests/fixtures/meta"), Some(&out)).unwrap();
    let script = std::fs::read_to_string(out.join("qbank/sources/go-backend-round2.js")).unwrap();
    let source =
        std::fs::read_to_string(root().join("tests/fixtures/meta/src/go-backend-round2.md"))
            .unwrap();
    let json = script
        .trim_end()
        .strip_prefix("window.qbankSource = ")
        .and_then(|s| s.strip_suffix(';'))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["source"].as_str(), Some(source.as_str()));
    assert_eq!(v["file"].as_str(), Some("go-backend-round2.md"));
    assert_eq!(v["time"][0].as_str(), Some("用时"));
    // Markdown only the source has: the rubric line as written, the answer marker.
    let written = ["- **Go语言高级特性**: [ ] 精通", "**候选人回答区域**:"];
    assert!(written.iter().all(|w| source.contains(w)));
    let mut seen = 0;
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().starts_with(out.join("qbank/sources")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        seen += 1;
        for w in written {
            assert!(!text.contains(w), "{} holds {w}", e.path().display());
        }
    }
    assert!(seen > 10);
    assert!(out.join("print.html").exists());
}

/// Every markdown file of `book`, concatenated.
fn markdown_of(book: &Path) -> String {
    walkdir::WalkDir::new(book)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

#[test]
fn generated_pages_can_be_switched_off() {
    let s = site("variants");
    assert!(!s.join("qbank-tags.html").exists());
    assert!(s.join("qbank-coverage.html").exists());
}

/// Builds `book` with mdBook alone (no qbank) and returns the site.
fn stock_build(book: &Path, out: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("b");
    copy_dir(book, &copy);
    let toml = std::fs::read_to_string(copy.join("book.toml")).unwrap();
    let toml: String = toml
        .split("[preprocessor.qbank]")
        .next()
        .unwrap()
        .to_string();
    std::fs::write(copy.join("book.toml"), toml).unwrap();
    let mut md = mdbook_driver::MDBook::load(&copy).unwrap();
    md.config.build.build_dir = out.to_path_buf();
    md.build().unwrap();
}

#[test]
fn chapters_that_are_not_records_are_byte_identical_to_stock_mdbook() {
    let out = tempfile::tempdir().unwrap();
    stock_build(
        &root().join("tests/fixtures/passthrough"),
        &out.path().join("p"),
    );
    let stock = page(&out.path().join("p"), "plain.html");
    let ours = page(&site("passthrough"), "plain.html");
    assert_eq!(main_of(&stock), main_of(&ours));

    stock_build(
        &root().join("tests/fixtures/variants"),
        &out.path().join("v"),
    );
    let stock = page(&out.path().join("v"), "notes.html");
    let ours = page(&site("variants"), "notes.html");
    assert_eq!(main_of(&stock), main_of(&ours));
}

#[test]
fn no_page_requests_anything_outside_the_site() {
    let s = site("book");
    for e in walkdir::WalkDir::new(&s) {
        let e = e.unwrap();
        if e.path()
            .extension()
            .is_none_or(|x| x != "html" && x != "css")
        {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        for pat in [
            "src=\"http",
            "src=\"//",
            "href=\"//",
            "url(http",
            "url(//",
            "@import",
        ] {
            assert!(!text.contains(pat), "{} has {pat}", e.path().display());
        }
        for link in tags(&text, "<link ") {
            let href = attr(link, "href").unwrap_or("");
            assert!(
                !href.starts_with("http"),
                "{} links {href}",
                e.path().display()
            );
        }
    }
}

#[test]
fn every_page_links_the_embedded_assets() {
    let s = site("book");
    for file in [
        "index.html",
        "go-backend-round2.html",
        "print.html",
        "guide/format.html",
    ] {
        let html = page(&s, file);
        let depth = file.matches('/').count();
        let prefix = "../".repeat(depth);
        assert!(
            html.contains(&format!("href=\"{prefix}qbank/qbank-")),
            "{file} lacks the css"
        );
        assert!(
            html.contains(&format!("src=\"{prefix}qbank/qbank-")),
            "{file} lacks the js"
        );
    }
}

#[test]
fn print_page_holds_every_card() {
    let html = page(&site("book"), "print.html");
    // The seed (10 questions) and the example record (2).
    assert_eq!(html.matches("<section class=\"qb-card\"").count(), 12);
    assert!(html.contains("qbank/qbank-"));
}

/// The seed's rendered `<main>`, reviewed with `cargo insta review`. A missing snapshot fails
/// (insta writes a `.snap.new` to review instead of accepting it).
#[test]
fn seed_page_snapshot() {
    let html = page(&site("book"), "go-backend-round2.html");
    let main = main_of(&html);
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("go-backend-round2.main", main);
    });
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn a_custom_theme_keeps_working_and_gets_the_assets() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    copy_dir(&root().join("tests/fixtures/passthrough"), &book);
    std::fs::create_dir_all(book.join("theme")).unwrap();
    std::fs::write(
        book.join("theme/head.hbs"),
        "<meta name=\"team\" content=\"ours\">\n",
    )
    .unwrap();
    let out = dir.path().join("site");
    qbank::site::build(&book, Some(&out)).unwrap();
    let html = page(&out, "plain.html");
    assert!(
        html.contains(r#"<meta name="team" content="ours">"#),
        "the book's head.hbs is kept"
    );
    assert!(
        html.contains("qbank/qbank-") && html.contains("qbank-search-"),
        "qbank's assets are linked"
    );
    // The theme folder qbank used is gone, and the book's own is untouched.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("qbank-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        std::fs::read_to_string(book.join("theme/head.hbs")).unwrap(),
        "<meta name=\"team\" content=\"ours\">\n"
    );
}

/// The search box speaks the language of the cards (`[preprocessor.qbank] language`), not
/// `book.language`: its labels come from the same table as the cards', in qbank-labels.js.
#[test]
fn scripts_get_the_cards_language() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("b");
    copy_dir(&root().join("tests/fixtures/variants"), &book);
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = toml
        .replace("language = \"zh\"", "language = \"en\"")
        .replace(
            "[preprocessor.qbank]\n",
            "[preprocessor.qbank]\nlanguage = \"zh\"\n",
        );
    std::fs::write(book.join("book.toml"), &toml).unwrap();
    let site = tmp.path().join("site");
    qbank::site::build(&book, Some(&site)).unwrap();
    let labels = std::fs::read_dir(site.join("qbank"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("qbank-labels-"))
        .unwrap();
    let js = std::fs::read_to_string(labels).unwrap();
    assert!(js.starts_with("window.qbankLabels = "), "{js}");
    assert!(
        js.contains("\"search_placeholder\":\"搜索本题库……\""),
        "{js}"
    );
    assert!(js.contains("\"lang\":\"zh\""), "{js}");
}

/// The bundled book with `print-limit` set to `limit` in its book.toml, built into a temporary
/// folder: (the folder, the site).
fn book_with_print_limit(limit: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    copy_dir(&root().join("book"), &book);
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let toml = toml.replacen(
        "[preprocessor.qbank]\n",
        &format!("[preprocessor.qbank]\nprint-limit = {limit}\n"),
        1,
    );
    assert!(toml.contains("print-limit"), "{toml}");
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let out = dir.path().join("site");
    qbank::site::build(&book, Some(&out)).unwrap();
    (dir, out)
}

/// The print button's address on a page.
fn print_button(html: &str) -> String {
    let at = html
        .find("title=\"Print this book\"")
        .expect("a print button");
    let start = html[..at].rfind("href=\"").unwrap() + 6;
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[test]
fn the_default_limit_keeps_one_print_page() {
    let site = site("book");
    assert!(site.join("print.html").exists());
    assert!(!site.join("go-backend-round2.print.html").exists());
    assert_eq!(
        print_button(&page(&site, "go-backend-round2.html")),
        "print.html"
    );
    assert_eq!(
        print_button(&page(&site, "guide/format.html")),
        "../print.html"
    );
}

#[test]
fn past_the_limit_each_record_has_a_print_page_and_print_html_lists_them() {
    // 60 KB: the whole book's print page (about 150 KB) is over it, each record's is not.
    let (_dir, site) = book_with_print_limit("\"60KB\"");
    let index = page(&site, "print.html");
    assert!(index.len() < 60_000);
    let links = tags(&index, "data-qb-print-record");
    let hrefs: Vec<_> = links.iter().map(|t| attr(t, "href").unwrap()).collect();
    assert_eq!(
        hrefs,
        [
            "go-backend-round2.print.html",
            "examples/rust-round1.print.html"
        ]
    );
    // Other chapters are listed with their own pages.
    assert!(index.contains(r#"<a href="guide/format.html">"#), "{index}");
    // No print page holds more than its record; none is over the limit.
    for (record, print, cards) in [
        ("go-backend-round2.html", "go-backend-round2.print.html", 10),
        (
            "examples/rust-round1.html",
            "examples/rust-round1.print.html",
            2,
        ),
    ] {
        let html = page(&site, print);
        assert!(html.len() < 60_000, "{print}: {}", html.len());
        assert_eq!(html.matches("<section class=\"qb-card\"").count(), cards);
        assert!(html.contains("window.print") && html.contains("noindex"));
        assert_eq!(main_of(&html), main_of(&page(&site, record)), "{print}");
        // The button on a record page leads to its print page; the page itself opens no dialog.
        let own = page(&site, record);
        assert!(!own.contains("window.print"));
        let depth = record.matches('/').count();
        assert_eq!(
            print_button(&own),
            format!("{}{}", "../".repeat(depth), print)
        );
        // The print stylesheet is still linked, and there.
        assert!(own.contains("css/print.css\" media=\"print\""), "{record}");
    }
    assert!(site.join("css/print.css").exists());
    // Elsewhere the button leads to the index.
    assert_eq!(
        print_button(&page(&site, "guide/format.html")),
        "../print.html"
    );
    assert_eq!(print_button(&index), "print.html");
    // No marker is left anywhere.
    for entry in walkdir::WalkDir::new(&site) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(&path).unwrap();
            assert!(!html.contains("qbank-splice"), "{}", path.display());
        }
    }
}

/// `qbank build` runs mdBook's `links` preprocessor on the chapters that have a `{{#` only:
/// includes and `{{#title}}` still work there, and other chapters are untouched.
#[test]
fn includes_and_titles_still_expand() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    copy_dir(&root().join("tests/fixtures/passthrough"), &book);
    let src = book.join("src");
    std::fs::write(src.join("part.txt"), "Included words here.\n").unwrap();
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(
        src.join("sub/inc.md"),
        "# Includes\n\n{{#title A title of its own}}\n\n{{#include ../part.txt}}\n\n\\{{#include not-this}}\n",
    )
    .unwrap();
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    std::fs::write(
        src.join("SUMMARY.md"),
        format!("{summary}\n- [Includes](sub/inc.md)\n"),
    )
    .unwrap();
    let out = dir.path().join("site");
    qbank::site::build(&book, Some(&out)).unwrap();
    let html = page(&out, "sub/inc.html");
    assert!(html.contains("Included words here."), "{html}");
    assert!(
        html.contains("{{#include not-this}}"),
        "an escaped include stays as text"
    );
    assert!(html.contains("<title>A title of its own</title>"), "{html}");
}

/// `qbank build` holds record texts outside mdBook's book while it renders (memory at big
/// banks), except a record with a `{{#`, which mdBook's `links` preprocessor may change: an
/// include inside an answer is expanded into its card, and the other records are whole.
#[test]
fn a_record_with_an_include_and_one_without() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    copy_dir(&root().join("tests/fixtures/passthrough"), &book);
    let src = book.join("src");
    std::fs::write(src.join("snippet.txt"), "Words from the included file.\n").unwrap();
    let record = |extra: &str| {
        format!(
            "# Round {extra}\n\n### 1. Channels\n\n**Interviewer**: When do you close a channel?\n\n\
             **Candidate answer**:\n\nOnly the sender closes it. {extra}\n"
        )
    };
    std::fs::write(
        src.join("with.md"),
        record("{{#include snippet.txt}}").replace("# Round {{#include snippet.txt}}", "# Round A"),
    )
    .unwrap();
    std::fs::write(src.join("without.md"), record("plain")).unwrap();
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    std::fs::write(
        src.join("SUMMARY.md"),
        format!("{summary}\n- [With](with.md)\n- [Without](without.md)\n"),
    )
    .unwrap();
    let out = dir.path().join("site");
    qbank::site::build(&book, Some(&out)).unwrap();
    for (file, words) in [
        (
            "with.html",
            "Only the sender closes it. Words from the included file.",
        ),
        ("without.html", "Only the sender closes it. plain"),
    ] {
        let html = page(&out, file);
        assert!(
            html.contains("data-qb-question="),
            "{file} has cards:\n{html}"
        );
        assert!(html.contains(words), "{file}:\n{html}");
        assert!(html.contains("When do you close a channel?"), "{file}");
    }
}
