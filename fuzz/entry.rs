//! Fuzz entry points, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`) and the
//! stable replay test (`tests/fuzz_corpus.rs`), which both include this file as a module.
//!
//! Each entry takes arbitrary bytes, drives one part of qbank through its public API as the
//! build does, and panics when an invariant breaks. Besides "no panic" they check:
//! - `record`: diagnostics point into the file; search fields are whitespace-collapsed; the
//!   record's own markdown ranges (which `qbank build` splices around) are in order and on
//!   character boundaries; and, for records without errors, no letter or digit of the
//!   record's text is lost on the page (the property of `tests/no_text_lost.rs`).
//! - `meta`: spans are inside the file and on character boundaries; difficulty is 1 to 5.
//! - `search`: the tokenizer's terms are exactly the words and CJK pairs of the text, at their
//!   positions; the index written from documents decodes back to exactly those terms, every
//!   term sits in the shard the manifest sends the browser to, and the heads and answers are
//!   the documents'.

#![allow(dead_code)]

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd, html};
use mdbook_preprocessor::book::{Book, Chapter};
use qbank::config::Config;
use qbank::diag::{Diagnostic, check_utf8};
use qbank::lint::check_book;
use qbank::render::Renderer;
use qbank::search::index::{Doc, Layout, build};
use qbank::search::tokenize::{Term, collapse, is_cjk, is_word, normalize, terms};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

// ---- record ---------------------------------------------------------------------------------

/// Where the fuzzed chapter sits: one folder down, so links to generated pages use `../`.
const CHAPTER: &str = "fuzz/record.md";
const TO_ROOT: &str = "../";

/// Bytes as a chapter file: the build's UTF-8 check on the raw bytes, then the text (lossy
/// UTF-8, as a file re-saved by an editor would be) through [`record_text`].
pub(crate) fn record(data: &[u8]) {
    let file = Path::new("src").join(CHAPTER);
    if let Some(d) = check_utf8(&file, data) {
        assert_eq!(d.code, "QB010");
        assert!(!d.render(false).is_empty());
    }
    record_text(&String::from_utf8_lossy(data));
}

/// The renderer, built once: compiling its templates takes far longer than rendering a small
/// chapter, and does not depend on the input.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

/// One chapter through the preprocessor's steps: the book-wide check, then what
/// [`qbank::site::preprocessor::render_book`] does with a chapter and the generated pages (with one
/// renderer for every run, where `render_book` builds its own), plus the search documents
/// `qbank build` takes from the checked book. Unlike the preprocessor, which stops at errors,
/// this renders whatever was parsed, so that every input reaches the renderer. Returns the
/// chapter's new markdown; `tests/fuzz_corpus.rs` checks that it is `render_book`'s.
pub(crate) fn record_text(text: &str) -> String {
    let cfg = Config::default();
    let mut book = Book::new();
    book.push_item(Chapter::new("Fuzz", text.to_string(), CHAPTER, Vec::new()));
    let bank = check_book(&book, &cfg, Path::new("src"));
    for d in &bank.diagnostics {
        check_diagnostic(d, text);
    }
    for d in qbank::search::documents(&book, &bank, &cfg) {
        for f in &d.fields {
            assert_eq!(*f, collapse(f), "search fields are whitespace-collapsed");
        }
    }
    let page = match bank.records.first() {
        Some(r) => {
            let parts = renderer()
                .record_parts(
                    &r.record,
                    text,
                    &cfg,
                    TO_ROOT,
                    &bank.targets,
                    &qbank::render::Also::of(&bank, 0),
                )
                .expect("a parsed record renders");
            // The ranges `qbank build` hands to mdBook as the record's own markdown.
            check_ranges(&parts.text, &parts.markdown);
            // Sanitizing drops scripts and other markup with their text on purpose: the check
            // that no text is lost runs on the page as `raw-html = "trusted"` renders it.
            if !bank.has_errors() {
                let mut trusted = cfg.clone();
                trusted.raw_html = qbank::config::RawHtml::Trusted;
                let also = qbank::render::Also::of(&bank, 0);
                let kept = renderer()
                    .record_parts(&r.record, text, &trusted, TO_ROOT, &bank.targets, &also)
                    .expect("a parsed record renders");
                no_text_lost(text, &r.record, &kept.text, &trusted);
            }
            parts.text
        }
        None => {
            let start = bank
                .body_start
                .get(Path::new(CHAPTER))
                .copied()
                .unwrap_or(0);
            if start > 0 || text.contains("{{#question") {
                qbank::lint::links::replace(&text[start..], &bank.targets, TO_ROOT).into_owned()
            } else {
                text.to_string()
            }
        }
    };
    renderer()
        .pages(&bank, &cfg)
        .expect("the generated pages render");
    page
}

/// A diagnostic points at a line of the file and renders.
fn check_diagnostic(d: &Diagnostic, text: &str) {
    // A lone CR ends a line too.
    let b = text.as_bytes();
    let lines = (0..b.len())
        .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
        + 1;
    let loc = &d.location;
    assert!(loc.line >= 1 && loc.line <= lines, "{d:?} in {lines} lines");
    assert!(loc.column >= 1 && loc.width >= 1, "{d:?}");
    assert!(d.code.as_str().starts_with("QB"), "{d:?}");
    let shown = d.render(false);
    assert!(shown.contains(d.code.as_str()), "{shown}");
}

/// Ranges of `text` in order, disjoint, and on character boundaries.
fn check_ranges(text: &str, ranges: &[Range<usize>]) {
    let mut last = 0;
    for r in ranges {
        assert!(
            last <= r.start && r.start <= r.end && r.end <= text.len(),
            "{ranges:?}"
        );
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        last = r.end;
    }
}

/// Every letter and digit of the record's text (markers and placeholders excepted) is on the
/// page, rendered as mdBook renders markdown. Punctuation is left out: on arbitrary input some
/// of it is structure (`1)` in a question heading is shown as `1.`), which the generated
/// records of `tests/no_text_lost.rs` never have.
///
/// Records with raw HTML of their own are left out. Trusted, it reaches the page as written,
/// and what a browser then shows of the text around it (an unclosed comment, a `<script>`,
/// an attribute running to the next `>`) is the HTML's doing, which [`visible_text`] does not
/// model: it only strips tags. Sanitized, the hostile fixture's tests cover it in Chromium.
/// Text that only looks like HTML (`<div` with no `>`) is text here, and checked.
fn no_text_lost(text: &str, record: &qbank::model::Record, chapter: &str, cfg: &Config) {
    // qbank reads a lone CR as a line ending, as CommonMark does; pulldown-cmark 0.13 does not
    // always (after a fence's backticks). Stock mdBook's reading is taken of the same lines.
    let b = text.as_bytes();
    let lines: String = text
        .char_indices()
        .map(|(i, c)| match c {
            '\r' if b.get(i + 1) != Some(&b'\n') => '\n',
            c => c,
        })
        .collect();
    let text = lines.as_str();
    let opts = mdbook_markdown::MarkdownOptions::default();
    let raw_html = mdbook_markdown::new_cmark_parser(text, &opts)
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    if raw_html {
        return;
    }
    let mut source = text.to_string();
    // Rubric lines become rows of one table, their levels its header: each level is shown once.
    if let Some(rubric) = &record.rubric {
        for d in rubric.dimensions.iter().rev() {
            source.replace_range(d.span.clone(), &d.name);
        }
        source = source + "\n\n" + &rubric.levels.join(" ") + "\n";
    }
    // Front matter is read into the information card, not shown as text.
    if let Some((block, _)) = qbank::parse::meta::find_front_matter(text) {
        source.replace_range(block, "");
    }
    // `{{#question ID}}` is replaced by a link whose text is the question's title, which the
    // record need not hold. It counts for nothing, on both sides of the comparison below: a
    // `·` keeps a line that holds only the token from turning blank.
    let links: Vec<Range<usize>> = qbank::lint::links::tokens(&source)
        .into_iter()
        .filter(|t| !t.escaped)
        .map(|t| t.span)
        .collect();
    for span in links.into_iter().rev() {
        source.replace_range(span, "·");
    }
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut page = String::new();
    html::push_html(&mut page, mdbook_markdown::new_cmark_parser(chapter, &opts));
    let shown = visible_text(&page);
    let seen = char_counts(&shown);
    // Raw HTML in the record (trusted) can hide text in stock mdBook's page too: an unclosed
    // `<div` runs to the next `>`. Only what the record shows as stock mdBook renders it must
    // be on qbank's page.
    let mut stock = String::new();
    html::push_html(
        &mut stock,
        mdbook_markdown::new_cmark_parser(&strip_markers(&source, &markers(cfg)), &opts),
    );
    let stock_shown = visible_text(&stock);
    let stock = char_counts(&stock_shown);
    for (c, n) in char_counts(&source_text(&source, cfg)) {
        let n = n.min(stock.get(&c).copied().unwrap_or(0));
        let got = seen.get(&c).copied().unwrap_or(0);
        assert!(
            got >= n,
            "{c:?}: {n} in the source, {got} on the page\n--- source\n{text}\n--- page\n{page}\n\
             --- stock mdBook shows\n{stock_shown}\n--- the page shows\n{shown}"
        );
    }
}

fn char_counts(s: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// The source's text, without markers and placeholders. `{{#question}}` links are taken out
/// by the caller.
fn source_text(md: &str, cfg: &Config) -> String {
    let mut md = md.to_string();
    // A placeholder on a line of its own is split into several text events (`[` and `]` may
    // open a link): take placeholders out of the markdown first.
    for p in &cfg.placeholders {
        md = md.replace(p.trim(), "");
    }
    let md = strip_markers(&md, &markers(cfg));
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut out = String::new();
    // An image's text is its `alt` attribute on the page, which `visible_text` leaves out.
    let mut image = 0usize;
    for ev in mdbook_markdown::new_cmark_parser(&md, &opts) {
        match ev {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Text(_) | Event::Code(_) if image > 0 => {}
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    out.replace("[ ]", "").replace("[x]", "")
}

/// The interviewer and answer markers.
fn markers(cfg: &Config) -> Vec<&String> {
    cfg.interviewer_markers
        .iter()
        .chain(&cfg.answer_markers)
        .collect()
}

/// `md` without the marker labels (`**面试官**:`, `__Answer:__`, `**Interviewer **:`) that
/// start its lines, read as the parser reads labels (`bold_label` in `src/parse.rs`): more
/// leniently than CommonMark reads emphasis, and across a line break (`**\n面试官**:`).
fn strip_markers(md: &str, markers: &[&String]) -> String {
    let mut out = String::with_capacity(md.len());
    let mut pos = 0;
    while pos < md.len() {
        let rest = &md[pos..];
        // Any whitespace, as `str::trim_start` in `bold_label`: `\u{b}**面试官**:` is a marker.
        let t = rest.trim_start_matches(|c: char| c.is_whitespace() && !matches!(c, '\n' | '\r'));
        let lead = rest.len() - t.len();
        out.push_str(&rest[..lead]);
        pos += lead;
        if let Some(len) = marker_len(t, markers) {
            // A `.` in its place: what follows must not start a block (`**面试官**:~~~`).
            out.push('.');
            pos += len;
        }
        // A bare `\r` ends a line too (CommonMark).
        let line = md[pos..]
            .find(['\n', '\r'])
            .map_or(md.len(), |i| pos + i + 1);
        out.push_str(&md[pos..line]);
        pos = line;
    }
    out
}

/// The length of a marker label at the start of `s`, with its colon.
fn marker_len(s: &str, markers: &[&String]) -> Option<usize> {
    let delim = ["**", "__"].into_iter().find(|d| s.starts_with(d))?;
    let close = s[2..].find(delim)? + 2;
    let label = s[2..close].trim();
    if label.is_empty() || label.contains('\n') {
        return None;
    }
    let mut end = close + 2;
    let label = match label.strip_suffix([':', '：']) {
        Some(l) => l.trim_end_matches([':', '：']).trim_end(),
        None => {
            let after = s[end..].trim_start_matches([' ', '\t']);
            let colon = after.chars().next().filter(|c| matches!(c, ':' | '：'))?;
            end = s.len() - after.len() + colon.len_utf8();
            label
        }
    };
    markers
        .iter()
        .any(|m| m.trim().eq_ignore_ascii_case(label))
        .then_some(end)
}

fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#10;", "\n")
        .replace("&amp;", "&")
}

// ---- meta -----------------------------------------------------------------------------------

/// Front matter and question metadata: the input as the top of a chapter, as the YAML of front
/// matter, and as the YAML of a `<!-- qbank … -->` comment after a question heading.
pub(crate) fn meta(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = Path::new("src/meta.md");
    front(file, &text);
    front(file, &format!("---\n{text}\n---\n# Title\n"));
    // As an HTML block at the start of the input, and wrapped as a question's comment.
    if let Some(yaml) = qbank::parse::meta::comment_yaml(&text, 0) {
        question(file, &text, yaml);
    }
    let wrapped = format!("### 1. Q\n\n<!-- qbank\n{text}\n-->\n\n**面试官**: ?\n");
    let start = wrapped.find("<!--").unwrap_or_default();
    let yaml = qbank::parse::meta::comment_yaml(&wrapped[start..], start)
        .expect("a qbank comment is recognized");
    question(file, &wrapped, yaml);
}

fn front(file: &Path, text: &str) {
    let Some((block, yaml)) = qbank::parse::meta::find_front_matter(text) else {
        return;
    };
    check_span(text, &block);
    check_span(text, &yaml);
    assert!(block.start <= yaml.start && yaml.end <= block.end);
    let (fm, diags) = qbank::parse::meta::front_matter(file, text, block.clone(), yaml.clone());
    for d in &diags {
        check_diagnostic(d, text);
    }
    if let Some(fm) = fm {
        assert_eq!(fm.span, block);
    } else {
        assert!(diags.iter().any(Diagnostic::is_error));
    }
    for key in ["role", "round", "level", "tags", "duration"] {
        check_key_span(
            text,
            &yaml,
            key,
            &qbank::parse::meta::key_span(text, &yaml, key),
        );
    }
}

fn question(file: &Path, text: &str, yaml: Range<usize>) {
    check_span(text, &yaml);
    let (meta, diags) = qbank::parse::meta::question(file, text, yaml.clone());
    for d in &diags {
        check_diagnostic(d, text);
    }
    let Some(meta) = meta else {
        assert!(diags.iter().any(Diagnostic::is_error));
        return;
    };
    assert_eq!(meta.span, yaml);
    assert!(meta.difficulty.is_none_or(|d| (1..=5).contains(&d)));
    for (level, _, span) in &meta.rubric {
        check_key_span(text, &yaml, level, span);
    }
}

/// A key's span is the key as written, or (for a key written otherwise, e.g. quoted) the first
/// byte of the YAML block. That byte may start a longer character: only diagnostics use these
/// spans, and `Location::from_span` rounds down to a character boundary.
fn check_key_span(text: &str, yaml: &Range<usize>, key: &str, span: &Range<usize>) {
    assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    assert!(text.is_char_boundary(span.start), "{span:?}");
    if text.get(span.clone()) != Some(key) {
        assert_eq!(span.start, yaml.start, "{key:?} at {span:?}");
    }
}

fn check_span(text: &str, span: &Range<usize>) {
    assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
}

// ---- search ---------------------------------------------------------------------------------

/// The tokenizer on the input as one text, then the index of documents cut from the input:
/// U+001E separates documents, U+001F the parts of one (title, prompt and answer fields, then
/// crumb, title, url and answer url).
pub(crate) fn search(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_collapse(&text);
    check_terms(&text);
    let docs: Vec<Doc> = text
        .split('\u{1e}')
        .map(|d| {
            let mut parts = d.split('\u{1f}');
            let mut next = || parts.next().unwrap_or_default().to_string();
            let fields = [collapse(&next()), collapse(&next()), collapse(&next())];
            let (crumb, title, url, answer) = (next(), next(), next(), next());
            Doc {
                crumb,
                title,
                url,
                answer_url: (!answer.is_empty()).then_some(answer),
                fields,
                kind_section: d.len() % 2 == 1,
            }
        })
        .collect();
    // Chapters of one to three documents, named by their first document's crumb: a crumb
    // repeated makes two chapters hash alike, as two records can.
    let mut chapters = Vec::new();
    let mut at = 0;
    while at < docs.len() {
        let n = (1 + docs[at].title.len() % 3).min(docs.len() - at);
        chapters.push((docs[at].crumb.clone(), n));
        at += n;
    }
    let layout = Layout::new(chapters.iter().map(|(k, n)| (k.as_str(), *n))).expect("a layout");
    check_index(&docs, &layout, &chapters);
    // `serve` brings an index up to date file by file: from the book without its first
    // chapter, and back; and after the first document's prompt and answer trade places.
    let first = chapters.first().map_or(0, |c| c.1);
    let (rest_docs, rest_chapters) = (&docs[first..], &chapters[1.min(chapters.len())..]);
    check_update((rest_docs, rest_chapters), (&docs, &chapters));
    check_update((&docs, &chapters), (rest_docs, rest_chapters));
    let mut edited = docs.clone();
    if let Some(d) = edited.first_mut() {
        d.fields.swap(1, 2);
    }
    check_update((&docs, &chapters), (&edited, &chapters));
}

/// Documents and their chapters (key, document count), in book order.
type Indexed<'a> = (&'a [Doc], &'a [(String, usize)]);

/// An index updated from `from` to `to` is what a clean build of `to` writes.
fn check_update(from: Indexed, to: Indexed) {
    use qbank::search::index::{Change, update};
    let layout_of = |chapters: &[(String, usize)]| {
        Layout::new(chapters.iter().map(|(k, n)| (k.as_str(), *n))).expect("a layout")
    };
    let (old_layout, layout) = (layout_of(from.1), layout_of(to.1));
    let files = |docs: &[Doc], layout: &Layout| -> BTreeMap<String, String> {
        build(docs, layout)
            .expect("an index")
            .files
            .into_iter()
            .collect()
    };
    let mut written = files(from.0, &old_layout);
    let change = Change::between(from.0, old_layout.ids(), to.0, layout.ids());
    let mut read = |name: &str| {
        written
            .get(name)
            .cloned()
            .ok_or_else(|| std::io::Error::other(format!("no {name}")))
    };
    let Some(up) = update(&change, to.0, &layout, &mut read).expect("an update") else {
        return;
    };
    for name in &up.removed {
        assert!(
            written.remove(name).is_some(),
            "removes {name}, which is not there"
        );
    }
    written.extend(up.files);
    let want = files(to.0, &layout);
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the files an update leaves"
    );
    for (name, content) in &want {
        assert_eq!(&written[name], content, "{name} after an update");
    }
}

fn check_collapse(text: &str) {
    let c = collapse(text);
    assert_eq!(collapse(&c), c, "collapse is idempotent");
    assert!(!c.starts_with(' ') && !c.ends_with(' ') && !c.contains("  "));
    assert!(c.chars().all(|x| x == ' ' || !x.is_whitespace()));
    let solid = |s: &str| s.chars().filter(|x| !x.is_whitespace()).collect::<String>();
    assert_eq!(
        solid(&c),
        solid(text),
        "collapse keeps every other character"
    );
}

/// The terms of `text`, checked against the normalized characters they claim to stand for.
fn check_terms(text: &str) {
    let chars: Vec<char> = text.chars().map(normalize).collect();
    assert_eq!(chars.len(), text.chars().count());
    let (mut words, mut cjk_seen) = (Vec::new(), vec![false; chars.len()]);
    terms(text, |t, p| {
        let p = p as usize;
        match t {
            Term::Word(w) => {
                let n = w.chars().count();
                assert!(n > 0 && p + n <= chars.len(), "{w:?} at {p}");
                assert!(
                    w.chars().eq(chars[p..p + n].iter().copied()),
                    "{w:?} at {p}"
                );
                words.push((p, n));
            }
            Term::Bi(a, b) => {
                assert_eq!(chars.get(p..p + 2), Some(&[a, b][..]), "pair at {p}");
                assert!(is_cjk(a) && is_cjk(b));
                cjk_seen[p] = true;
            }
            Term::Uni(a) => {
                assert_eq!(chars.get(p), Some(&a), "single at {p}");
                assert!(is_cjk(a) && chars.get(p + 1).is_none_or(|c| !is_cjk(*c)));
                cjk_seen[p] = true;
            }
        }
    });
    // Every CJK character starts a pair or ends its run: each one is findable.
    for (i, c) in chars.iter().enumerate() {
        assert_eq!(is_cjk(*c), cjk_seen[i], "{c:?} at {i}");
    }
    // The words are exactly the maximal runs of word characters.
    words.sort_unstable();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_word(chars[i]) {
            let start = i;
            while i < chars.len() && is_word(chars[i]) {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    assert_eq!(words, runs);
}

/// Posting occurrences by term: `w:` words, `c:` CJK terms (one or two characters).
type Postings = BTreeMap<String, Vec<(u32, u32, u32)>>;

fn check_index(docs: &[Doc], layout: &Layout, chapters: &[(String, usize)]) {
    let built = build(docs, layout).expect("an index of test documents");
    // A big bank's index is made in several passes over the text, each keeping the CJK
    // occurrences of some buckets only: the files must not depend on how many.
    for memory in [16, 256] {
        let passes = qbank::search::index::build_in_passes(docs, layout, memory).expect("an index");
        assert_eq!(passes.files, built.files, "in passes of {memory} bytes");
        assert_eq!(passes.terms, built.terms);
    }
    let mut files: HashMap<&str, Value> = HashMap::new();
    for (name, content) in &built.files {
        let json = content
            .strip_prefix(&format!("qbankSearch.add(\"{name}\","))
            .and_then(|c| c.strip_suffix(");\n"))
            .unwrap_or_else(|| panic!("{name} is a qbankSearch.add script"));
        let value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(files.insert(name, value).is_none(), "{name} written twice");
    }
    let m = &files["m"];
    assert_eq!(m["v"], 3);
    assert_eq!(m["n"], docs.len());
    // Document numbers: distinct, each chapter's in a run, book order as the manifest says.
    let ids = layout.ids();
    assert_eq!(ids.len(), docs.len());
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "document numbers are distinct");
    let mut book = Vec::new();
    for pair in m["o"].as_array().expect("book order").chunks(2) {
        let (first, n) = (pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap());
        book.extend((first..first + n).map(|i| i as u32));
    }
    assert_eq!(book, ids, "book order");
    let mut at = 0;
    for (_, n) in chapters {
        let run = &ids[at..at + n];
        assert!(run.windows(2).all(|w| w[1] == w[0] + 1), "a chapter's run");
        at += n;
    }
    let mut sections: Vec<u32> = (0..docs.len())
        .filter(|&i| docs[i].kind_section)
        .map(|i| ids[i])
        .collect();
    sections.sort_unstable();
    assert_eq!(m["x"], serde_json::json!(sections));
    // In number order.
    let mut by_id: Vec<(u32, &Doc)> = ids.iter().copied().zip(docs).collect();
    by_id.sort_unstable_by_key(|p| p.0);

    // Heads and answers: the documents' own, in number order, in the shards the manifest says.
    let rows = |kind: &str| -> Vec<(u32, Value)> {
        let starts = m[kind].as_array().expect("shard starts");
        let mut all: Vec<(u32, Value)> = Vec::new();
        for (i, start) in starts.iter().enumerate() {
            let shard = &files[format!("{kind}{start}").as_str()];
            let mut rows: Vec<(u32, Value)> = shard
                .as_object()
                .expect("rows by document")
                .iter()
                .map(|(id, row)| (id.parse().expect("a document number"), row.clone()))
                .collect();
            rows.sort_unstable_by_key(|r| r.0);
            assert_eq!(Some(start), rows.first().map(|r| Value::from(r.0)).as_ref());
            if let Some(next) = starts.get(i + 1).and_then(Value::as_u64) {
                assert!(rows.iter().all(|r| u64::from(r.0) < next), "{kind}{start}");
            }
            all.extend(rows);
        }
        all
    };
    let heads: Vec<(u32, Value)> = by_id
        .iter()
        .map(|(id, d)| {
            let head = serde_json::json!([
                d.crumb,
                d.title,
                d.url,
                d.answer_url,
                d.fields[0],
                d.fields[1]
            ]);
            (*id, head)
        })
        .collect();
    assert_eq!(rows("h"), heads);
    let answers: Vec<(u32, Value)> = by_id
        .iter()
        .map(|(id, d)| (*id, Value::from(d.fields[2].clone())))
        .collect();
    assert_eq!(rows("a"), answers);

    // What the index should hold: every term of every field, at its positions.
    let mut expected = Postings::new();
    for (&doc, d) in ids.iter().zip(docs) {
        for (field, text) in (0u32..).zip(&d.fields) {
            terms(text, |t, p| {
                let key = match t {
                    Term::Word(_) => format!("w:{}", t.text()),
                    _ => format!("c:{}", t.text()),
                };
                expected.entry(key).or_default().push((doc, field, p));
            });
        }
    }
    for occurrences in expected.values_mut() {
        occurrences.sort_unstable();
    }
    // What it holds, each term found where the browser looks for it.
    let mut found = Postings::new();
    let shard_id = |name: &str| name[1..].to_string();
    for (name, value) in &files {
        let object = || {
            value
                .as_object()
                .unwrap_or_else(|| panic!("{name}: an object"))
        };
        if name.starts_with('w') {
            for (word, postings) in object() {
                let prefix: String = word.chars().take(2).collect();
                assert_eq!(
                    m["w"][&prefix].to_string(),
                    shard_id(name),
                    "shard of {word:?}"
                );
                decode_into(&mut found, format!("w:{word}"), postings);
            }
        } else if name.starts_with('c') {
            for (first, seconds) in object() {
                let mut cs = first.chars();
                let a = cs.next().expect("a first character");
                assert!(cs.next().is_none() && is_cjk(a), "{first:?}");
                for (second, postings) in seconds.as_object().expect("terms by second") {
                    assert!(second.chars().count() <= 1 && second.chars().all(is_cjk));
                    assert_eq!(cjk_shard(m, a, second), shard_id(name), "{first}{second}");
                    decode_into(&mut found, format!("c:{first}{second}"), postings);
                }
            }
        }
    }
    assert_eq!(
        found, expected,
        "the index holds exactly the documents' terms"
    );
}

/// The CJK shard the browser loads for `a` followed by `second` (`""`: `a` alone), as
/// `shardsOf` in `theme/qbank-search.js` works it out.
fn cjk_shard(m: &Value, a: char, second: &str) -> String {
    let hot = m["s"].get(a.to_string());
    let Some(hot) = hot else {
        let (b, c) = (
            m["b"].as_u64().expect("buckets"),
            m["c"].as_u64().expect("shards"),
        );
        return ((a as u64 % b) * c / b).to_string();
    };
    let (cuts, ids) = (
        hot[0].as_array().expect("cuts"),
        hot[1].as_array().expect("ids"),
    );
    let code = |s: &str| s.chars().next().map_or(-1, |c| c as i64);
    let want = code(second);
    let mut k = 0;
    while k + 1 < cuts.len() && code(cuts[k + 1].as_str().expect("a cut")) <= want {
        k += 1;
    }
    ids[k].as_str().expect("a shard name").to_string()
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Decodes a posting string as the browser does, adding its occurrences under `key`.
fn decode_into(found: &mut Postings, key: String, postings: &Value) {
    let s = postings.as_str().expect("a posting string");
    let mut nums = Vec::new();
    let (mut n, mut shift) = (0u64, 0);
    for c in s.bytes() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .expect("posting alphabet") as u64;
        n |= (v & 31) << shift;
        if v < 32 {
            nums.push(n);
            (n, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    assert_eq!(shift, 0, "{s:?} ends inside a number");
    let out = found.entry(key).or_default();
    let mut nums = nums.into_iter();
    let mut doc = 0u64;
    while let Some(df) = nums.next() {
        doc += df / 3;
        let field = df % 3;
        let count = nums.next().expect("a count");
        let mut pos = 0;
        for _ in 0..count {
            pos += nums.next().expect("a position");
            out.push((doc as u32, field as u32, pos as u32));
        }
    }
    out.sort_unstable();
}
