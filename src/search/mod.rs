//! qbank's own search: an index that finds Chinese (any substring) as well as English, built
//! in Rust in one pass and loaded by the browser in shards, on demand.

pub mod index;
pub mod tokenize;

use crate::config::Config;
use crate::lint::Bank;
use crate::model::{Answer, Body, Piece, Record};
use crate::text::{unique, url_path};
use index::{Doc, plain_text};
use mdbook_preprocessor::book::{Book, BookItem};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tokenize::collapse;

/// The folder of the index inside the site.
pub const DIR: &str = "qbank/search";

/// Everything the pages of `book` show, as search documents in book order: one per question
/// card, and one per heading section of the other chapters. What the edition leaves out of
/// the pages (answers and follow-ups in the practice edition) is left out here too.
pub fn documents(book: &Book, bank: &Bank, cfg: &Config) -> Vec<Doc> {
    documents_by_chapter(book, bank, cfg, None).0
}

/// [`documents`], and where each chapter's are in them: `(source path, range)` in book order,
/// for every chapter with a page. With `only`, the documents of those chapters alone (by
/// source path), as `serve` needs after an edit.
pub fn documents_by_chapter(
    book: &Book,
    bank: &Bank,
    cfg: &Config,
    only: Option<&std::collections::BTreeSet<std::path::PathBuf>>,
) -> (Vec<Doc>, Vec<(std::path::PathBuf, std::ops::Range<usize>)>) {
    documents_from(book, bank, cfg, only, |ch| ch.content.as_str())
}

/// [`documents_by_chapter`], with each chapter's text from `text` (`qbank build` holds a big
/// bank's record texts outside the book while mdBook renders).
pub fn documents_from<'b>(
    book: &'b Book,
    bank: &Bank,
    cfg: &Config,
    only: Option<&std::collections::BTreeSet<std::path::PathBuf>>,
    text: impl Fn(&'b mdbook_preprocessor::book::Chapter) -> &'b str,
) -> (Vec<Doc>, Vec<(std::path::PathBuf, std::ops::Range<usize>)>) {
    let answers = cfg.interviewer_material();
    let records: HashMap<&Path, &Record> = bank
        .records
        .iter()
        .map(|r| (r.source_path.as_path(), &*r.record))
        .collect();
    let mut docs = Vec::new();
    let mut spans = Vec::new();
    for item in book.iter() {
        let BookItem::Chapter(ch) = item else {
            continue;
        };
        let (Some(path), Some(source)) = (&ch.path, &ch.source_path) else {
            continue;
        };
        if only.is_some_and(|o| !o.contains(source)) {
            continue;
        }
        let start = docs.len();
        let page = url_path(&path.with_extension("html"));
        match records.get(source.as_path()) {
            Some(record) => cards(&mut docs, record, text(ch), &ch.name, &page, answers),
            None => {
                let start = bank.body_start.get(source).copied().unwrap_or(0);
                sections(&mut docs, &text(ch)[start..], &ch.name, &page);
            }
        }
        spans.push((source.clone(), start..docs.len()));
    }
    (docs, spans)
}

fn body_text(body: &Body, text: &str) -> String {
    let mut out = String::new();
    for piece in &body.pieces {
        let part = match piece {
            Piece::Markdown(span) | Piece::Lines(span) => plain_text(&text[span.clone()]),
            Piece::Heading { text, .. } => collapse(text),
            Piece::Prose { text: prose } => collapse(prose.get(text)),
        };
        if !part.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&part);
        }
    }
    out
}

fn cards(docs: &mut Vec<Doc>, record: &Record, text: &str, name: &str, page: &str, answers: bool) {
    // As the parser read it (see `text::lone_cr_as_lf`).
    let lines = crate::text::lone_cr_as_lf(text);
    let text: &str = &lines;
    let crumb = record.title.clone().unwrap_or_else(|| name.to_string());
    for q in &record.questions {
        let mut answer = match &q.answer {
            Answer::Answered(b) if answers => body_text(b, text),
            _ => String::new(),
        };
        if let Some(meta) = q.meta.as_ref().filter(|_| answers) {
            for f in &meta.follow_ups {
                // As the page shows it: inline markdown, its raw HTML left out (which can
                // leave nothing).
                let shown = plain_text(f);
                if !shown.is_empty() {
                    answer.push(' ');
                    answer.push_str(&shown);
                }
            }
        }
        docs.push(Doc {
            crumb: crumb.clone(),
            title: format!("{}. {}", q.number, q.title),
            url: format!("{page}#{}", q.id),
            answer_url: (answers && q.answer.is_answered())
                .then(|| format!("{page}#{}-answer", q.id)),
            fields: [
                collapse(&q.title),
                body_text(&q.prompt, text),
                answer.trim().to_string(),
            ],
            kind_section: false,
        });
    }
}

/// Heading sections of an ordinary chapter, with the anchors mdBook gives its headings.
fn sections(docs: &mut Vec<Doc>, md: &str, name: &str, page: &str) {
    use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut used: HashSet<String> = HashSet::new();
    let mut current = Doc {
        crumb: name.to_string(),
        title: name.to_string(),
        url: page.to_string(),
        answer_url: None,
        fields: Default::default(),
        kind_section: true,
    };
    let mut body = String::new();
    let mut heading: Option<(Option<String>, String)> = None;
    let mut push = |doc: &mut Doc, body: &mut String| {
        doc.fields[1] = collapse(body);
        body.clear();
        if !doc.fields[0].is_empty() || !doc.fields[1].is_empty() {
            docs.push(doc.clone());
        }
    };
    for ev in mdbook_markdown::new_cmark_parser(md, &opts) {
        match ev {
            Event::Start(Tag::Heading { id, .. }) => {
                heading = Some((id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, text)) = heading.take() {
                    push(&mut current, &mut body);
                    let id = match explicit {
                        Some(id) => id,
                        None => unique(&id_from_content(&text), &mut used),
                    };
                    current.title = collapse(&text);
                    current.fields[0] = current.title.clone();
                    current.url = format!("{page}#{id}");
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut heading {
                Some((_, h)) => h.push_str(&t),
                None => body.push_str(&t),
            },
            Event::SoftBreak | Event::HardBreak | Event::End(_) | Event::Rule => body.push(' '),
            _ => {}
        }
    }
    push(&mut current, &mut body);
}

/// mdBook 0.5's heading ids (`mdbook-html` `utils::id_from_content`, which is private). The
/// test `heading_ids_agree_with_stock_mdbook` checks this copy against mdBook itself.
fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|ch| {
            if ch.is_alphanumeric() || ch == '_' || ch == '-' {
                Some(ch)
            } else if ch.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// How the documents of the chapters in `spans` (as [`documents_by_chapter`] gives them) are
/// numbered in the index.
pub fn layout(
    spans: &[(std::path::PathBuf, std::ops::Range<usize>)],
) -> std::io::Result<index::Layout> {
    let keys: Vec<(String, usize)> = spans
        .iter()
        .map(|(source, range)| (url_path(source), range.len()))
        .collect();
    index::Layout::new(keys.iter().map(|(k, n)| (k.as_str(), *n)))
}

/// Writes the index of `docs` (as [`documents_by_chapter`] gives them, with `spans`) into
/// `dir` (later moved to `SITE/qbank/search`).
pub fn write_to(
    docs: &[Doc],
    spans: &[(std::path::PathBuf, std::ops::Range<usize>)],
    dir: &Path,
) -> std::io::Result<index::Written> {
    index::write_to(docs, &layout(spans)?, dir)
}

/// The name of the output table `mdbook-qbank install` adds, so that stock `mdbook build`
/// writes qbank's index: `[output.qbank-search] command = "mdbook-qbank render"`.
pub const STOCK_OUTPUT: &str = "qbank-search";

/// Writes qbank's index for a book built by stock mdBook, as the `qbank-search` renderer.
///
/// mdBook runs renderers in name order, so the HTML renderer has written its site (into
/// `BUILD_DIR/html`, as with every book that has two outputs) by the time this runs. `book`
/// is what mdBook hands this renderer: the chapters after mdBook's own preprocessors, before
/// qbank's (which renders for `html` only). Replaces `SITE/qbank/search` whole and removes
/// the empty directory mdBook made for this renderer.
pub fn write_for_stock_mdbook(
    root: &Path,
    book: &Book,
    config: &mdbook_preprocessor::config::Config,
    destination: &Path,
) -> anyhow::Result<Option<index::Written>> {
    use anyhow::Context;
    let cfg = Config::from_book(config)?;
    let build_dir = root.join(&config.build.build_dir);
    let site = build_dir.join("html");
    if destination.is_dir() && std::fs::read_dir(destination)?.next().is_none() {
        let _ = std::fs::remove_dir(destination);
    }
    if !cfg.search {
        return Ok(None);
    }
    if !site.join("index.html").exists() {
        anyhow::bail!(
            "no HTML site in {}: the qbank-search output runs after mdBook's html output",
            site.display()
        );
    }
    let bank = crate::lint::check_book(book, &cfg, &config.book.src);
    let (docs, spans) = documents_by_chapter(book, &bank, &cfg, None);
    let into = site.join(DIR);
    let tmp = site.join(format!("qbank/.search-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let written = write_to(&docs, &spans, &tmp)
        .with_context(|| format!("writing the search index into {}", tmp.display()))?;
    let _ = std::fs::remove_dir_all(&into);
    std::fs::rename(&tmp, &into)
        .with_context(|| format!("moving the search index into {}", into.display()))?;
    Ok(Some(written))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mdBook has no public API for its heading ids, so qbank's copy of the rule is checked
    /// against stock mdBook itself: an upgrade that changes the rule fails here.
    #[test]
    fn heading_ids_agree_with_stock_mdbook() {
        let headings = [
            "Go语言调度器原理",
            "What is `Context`?  (part 2)",
            "限流算法和实现 — 令牌桶 & 漏桶",
            "snake_case and kebab-case",
            "Ünïcödé Äpfel",
            "emoji 🚀 rocket",
            "  spaces   around  ",
            "Go语言调度器原理",
            "C++ / C#",
            "1. 数字开头",
        ];
        let md: String = headings
            .iter()
            .map(|h| format!("## {h}\n\ntext about {h}\n\n"))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("SUMMARY.md"), "# Summary\n\n- [c](c.md)\n").unwrap();
        std::fs::write(src.join("c.md"), &md).unwrap();
        let mut book = mdbook_driver::MDBook::load(dir.path()).unwrap();
        book.config.build.build_dir = dir.path().join("out");
        book.build().unwrap();
        let html = std::fs::read_to_string(dir.path().join("out/c.html")).unwrap();
        let stock: Vec<&str> = html
            .match_indices("<h2 id=\"")
            .map(|(i, m)| {
                let rest = &html[i + m.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        let mut docs = Vec::new();
        sections(&mut docs, &md, "c", "c.html");
        let ours: Vec<&str> = docs
            .iter()
            .filter_map(|d| d.url.split_once('#').map(|(_, id)| id))
            .collect();
        assert_eq!(ours, stock);
    }

    use mdbook_preprocessor::book::Chapter;

    /// Found by `fuzz/` (regression `fuzz/regressions/record/heading-spaces`): a heading inside
    /// an answer kept its spaces and tabs in the search field, so positions after it were off
    /// from the collapsed text the browser's phrase search counts in.
    #[test]
    fn headings_inside_answers_are_collapsed() {
        let md = "# R\n\n### 1. Q\n\n**Interviewer**: ask\n\n**Answer**:\n\n#### Sub  heading\tend\n\ntext\n";
        let mut book = Book::new();
        book.push_item(Chapter::new("R", md.to_string(), "r.md", Vec::new()));
        let cfg = Config::default();
        let bank = crate::lint::check_book(&book, &cfg, Path::new("src"));
        let docs = documents(&book, &bank, &cfg);
        assert_eq!(docs[0].fields[2], "Sub heading end text");
    }
}
