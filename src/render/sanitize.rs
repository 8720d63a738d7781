//! Raw HTML inside records, through an allow-list.
//!
//! A record is not fully trusted text: answer areas hold what candidates wrote, pasted. mdBook
//! copies raw HTML in markdown to the page as written, so with `raw-html = "sanitize"` (the
//! default) qbank cleans the record's own markdown before mdBook sees it, with the policy GitHub
//! applies to markdown: ammonia's allow-list of tags and attributes, plus `<details open>` and
//! qbank's own `{{#question}}` link class. Scripts, styles, iframes, forms, event handlers,
//! `id`/`class`/`style` attributes and URLs whose scheme is not on the list (`javascript:`,
//! `vbscript:`, `data:` …) are dropped; text is kept.
//!
//! A record chapter is qbank's HTML blocks around the record's markdown ranges
//! ([`super::Rendered`]). [`chapter`] parses it as mdBook will (with a short HTML block standing
//! in for each stretch of qbank's HTML, which parses the same), then repeats two passes until
//! the text no longer changes (cleaning can change how the rest of a range parses):
//!
//! - **policy**: the raw HTML of a range (its HTML blocks and inline tags) goes through ammonia
//!   as one fragment, the markdown between the pieces held by placeholders, so that a
//!   `<details>` around markdown survives (elements nested deeper than [`MAX_DEPTH`] lose their
//!   tags first). A link or image whose destination's scheme is not allowed becomes its text
//!   (an image, its alt text); a heading keeps its `{#id}` and loses its other attributes,
//!   which mdBook would write onto the element (`{onclick=…}`, `{data-qb-question=…}`).
//! - **balance**: mdBook 0.5 builds a tree from the chapter, closing raw tags when the markdown
//!   container they were opened in ends, and an end tag closes whatever element is open if the
//!   name matches, qbank's card included. So an end tag that does not close an element the
//!   range itself opened, in the same container, is dropped; a self-closing `<div/>` (which
//!   mdBook closes but a browser does not) becomes `<div></div>`; and what a range leaves open
//!   is closed at its end. Nothing in a record can close or stay inside qbank's card.
//!
//! A range that has not settled after [`ROUNDS`] rounds (only contrived input gets there) is
//! shown as a code block, which holds neither HTML nor links.
//!
//! HTML that qbank renders from inline markdown (titles, key points, follow-ups, level
//! descriptors) goes through [`inline`]; an info value, which can hold blocks, through
//! [`block`].

use crate::config::RawHtml;
use ammonia::Builder;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

/// Rounds of policy and balance before a range that still changes is shown as code.
const ROUNDS: usize = 8;

/// Tags allowed where qbank puts inline HTML (a title, a key point, a follow-up).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "br", "cite", "code", "data", "del", "dfn", "em", "i", "img", "ins",
    "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "var", "wbr",
];

/// Elements removed with everything in them (ammonia keeps the text of other dropped tags).
const DROPPED_WITH_CONTENT: &[&str] = &["iframe", "object", "embed", "template", "noscript"];

/// The class `{{#question}}` links carry (`lint::links::replace`), kept on `<a>`.
const QLINK_CLASS: &str = "qb-qlink";

fn builder(tags: Option<&[&'static str]>) -> Builder<'static> {
    let mut b = Builder::default();
    if let Some(tags) = tags {
        b.tags(tags.iter().copied().collect());
    }
    b.link_rel(None)
        .add_tag_attributes("details", ["open"])
        .add_allowed_classes("a", [QLINK_CLASS])
        .add_clean_content_tags(DROPPED_WITH_CONTENT.iter().copied());
    b
}

/// The policy for the record's markdown.
static BLOCK: LazyLock<Builder<'static>> = LazyLock::new(|| builder(None));
/// The policy for inline slots.
static INLINE: LazyLock<Builder<'static>> = LazyLock::new(|| builder(Some(INLINE_TAGS)));
/// The policy for a question's title, which sits inside the card's heading link: no links.
static TITLE: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: Vec<&'static str> = INLINE_TAGS.iter().copied().filter(|t| *t != "a").collect();
    builder(Some(&tags))
});
/// URL schemes links may use: ammonia's.
static SCHEMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| BLOCK.clone_url_schemes());

/// Inline HTML that qbank rendered from a record's inline markdown, cleaned unless `raw` trusts
/// it. HTML made only of the tags markdown's inline syntax produces is returned as it is.
pub(crate) fn inline(html: &str, raw: RawHtml) -> Cow<'_, str> {
    clean_inline(html, raw, &INLINE)
}

/// HTML that qbank rendered from a piece of a record's markdown that can hold blocks (an info
/// value), cleaned with the policy of the record's own markdown unless `raw` trusts it.
pub(crate) fn block(html: &str, raw: RawHtml) -> Cow<'_, str> {
    clean_inline(html, raw, &BLOCK)
}

/// A question's title as inline HTML: like [`inline`], without links (it is one).
pub(crate) fn title(html: &str, raw: RawHtml) -> Cow<'_, str> {
    clean_inline(html, raw, &TITLE)
}

fn clean_inline<'a>(html: &'a str, raw: RawHtml, policy: &Builder<'static>) -> Cow<'a, str> {
    if raw == RawHtml::Trusted || only_markdown_tags(html) {
        return Cow::Borrowed(html);
    }
    Cow::Owned(policy.clean(html).to_string())
}

/// Whether every tag in `html` (as pulldown-cmark writes it: text `<` is escaped) is one that
/// inline markdown produces without a URL.
fn only_markdown_tags(html: &str) -> bool {
    const SAFE: &[&str] = &[
        "em>", "/em>", "strong>", "/strong>", "code>", "/code>", "del>", "/del>", "sup>", "/sup>",
        "sub>", "/sub>", "br />",
    ];
    html.match_indices('<')
        .all(|(i, _)| SAFE.iter().any(|s| html[i + 1..].starts_with(s)))
}

/// Why a record chapter could not be sanitized.
#[derive(Debug)]
pub(crate) struct Unsettled;

/// Sanitizes the record's own markdown in a rendered record chapter: `ranges` (sorted, disjoint)
/// are the record's markdown in `text`; the rest is qbank's HTML. Both are updated in place.
pub(crate) fn chapter(text: &mut String, ranges: &mut [Range<usize>]) -> Result<(), Unsettled> {
    if !ranges.iter().any(|r| suspicious(&text[r.clone()])) {
        return Ok(());
    }
    // What has not settled is shown as code, which holds no HTML; where the markdown around
    // reads the fence otherwise, as its text escaped in a `<pre>`, which holds no markup at
    // all. Per range: 0 as written, 1 fenced, 2 escaped.
    let mut shown = vec![0u8; ranges.len()];
    let mut rounds = 0;
    loop {
        let (edits, unsettled) = find_edits(text, ranges);
        if edits.is_empty() && unsettled.is_empty() {
            return Ok(());
        }
        rounds += 1;
        if rounds <= ROUNDS && !edits.is_empty() {
            apply(text, ranges, edits);
            continue;
        }
        let dirty: BTreeSet<usize> = edits.iter().map(|e| e.range).chain(unsettled).collect();
        let fallbacks: Vec<Edit> = dirty
            .into_iter()
            .filter_map(|i| {
                let md = &text[ranges[i].clone()];
                let with = match shown[i] {
                    0 => fenced(md),
                    1 => escaped_pre(md),
                    _ => return None,
                };
                shown[i] += 1;
                Some(Edit {
                    range: i,
                    at: ranges[i].clone(),
                    with,
                })
            })
            .collect();
        if fallbacks.is_empty() {
            return Err(Unsettled);
        }
        apply(text, ranges, fallbacks);
        rounds = 0;
    }
}

/// Whether markdown may hold raw HTML (every tag, comment and autolink starts with `<` and a
/// letter, `/`, `!` or `?`; `<-ch` and `i<10` do not), a link (an inline one has `](`, a
/// reference one needs a definition `[label]:`) or a heading with attributes (a line that ends
/// with `{…}`).
fn suspicious(md: &str) -> bool {
    let b = md.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| {
        b.get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'))
    }) || memchr::memmem::find(b, b"](").is_some()
        || memchr::memmem::find(b, b"]:").is_some()
        || memchr::memchr(b'{', b).is_some() && has_heading_attributes(md)
}

/// Whether a heading line of `md` may end with `{…}` attributes: an ATX heading line, or the
/// line above a setext underline.
fn has_heading_attributes(md: &str) -> bool {
    let mut lines = md.lines().peekable();
    while let Some(line) = lines.next() {
        let l = line.trim_end();
        if !l.ends_with('}') || !l.contains('{') {
            continue;
        }
        let atx = l
            .trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .starts_with('#');
        let underline = lines.peek().is_some_and(|next| {
            let n = next.trim();
            !n.is_empty() && (n.bytes().all(|c| c == b'=') || n.bytes().all(|c| c == b'-'))
        });
        if atx || underline {
            return true;
        }
    }
    false
}

/// `md` as text, escaped, in an HTML `<pre>` block: the last resort for a range that settles
/// even as code.
fn escaped_pre(md: &str) -> String {
    let mut out = String::from("<pre class=\"qb-unsettled\">");
    super::escape::push_escaped_with(&mut out, md.trim_end(), false);
    out.push_str("</pre>");
    out
}

/// `md` as a fenced code block: a fence longer than any run of backticks in it.
fn fenced(md: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for b in md.bytes() {
        run = if b == b'`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}text\n{md}\n{fence}")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pass {
    Policy,
    Balance,
}

/// A replacement of `at` (inside `ranges[range]`, or an insertion at its end).
#[derive(Debug)]
struct Edit {
    range: usize,
    at: Range<usize>,
    with: String,
}

/// Applies `edits` (disjoint) to `text` and moves the ranges accordingly.
fn apply(text: &mut String, ranges: &mut [Range<usize>], mut edits: Vec<Edit>) {
    edits.sort_by_key(|e| (e.at.start, e.at.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    let mut delta = vec![0isize; ranges.len()];
    for e in &edits {
        if e.at.start < pos {
            continue;
        }
        out.push_str(&text[pos..e.at.start]);
        out.push_str(&e.with);
        pos = e.at.end;
        delta[e.range] += e.with.len() as isize - e.at.len() as isize;
    }
    out.push_str(&text[pos..]);
    *text = out;
    let mut moved = 0isize;
    for (r, d) in ranges.iter_mut().zip(delta) {
        r.start = r.start.saturating_add_signed(moved);
        moved += d;
        r.end = r.end.saturating_add_signed(moved);
    }
}

/// Raw HTML as mdBook tokenizes it: one HTML block (its lines, joined) or one inline tag.
#[derive(Debug)]
struct Piece {
    /// The source, from its first line to its last.
    span: Range<usize>,
    /// Its HTML as mdBook reads it: the lines without the containers' markers (`> `).
    html: String,
    /// What a further line of it starts with inside its containers.
    prefix: String,
}

#[derive(Debug)]
enum Item {
    /// A markdown element starts (mdBook opens an element for it).
    Open,
    /// It ends: raw tags opened inside it are closed.
    Close,
    Html(Piece),
    /// Markdown to write anew: its source, its content's, and how.
    Rewrite {
        whole: Range<usize>,
        content: Option<Range<usize>>,
        how: Rewrite,
    },
}

#[derive(Debug)]
enum Rewrite {
    /// A link or image whose destination is not allowed: its text (an image's alt text).
    Text,
    /// A heading with classes or attributes (`{.qb-card onclick=…}`, which mdBook writes onto
    /// the element): the same heading with its id only.
    Heading { level: usize, id: Option<String> },
}

/// The raw HTML, markdown elements and links of each range of `text`, parsed as mdBook parses
/// the whole chapter, and whether a markdown element of the range runs on past its end (a
/// fence left open swallows qbank's HTML that follows).
fn items(text: &str, ranges: &[Range<usize>]) -> (Vec<Vec<Item>>, Vec<Option<Overrun>>) {
    // Each stretch of qbank's HTML between two ranges is HTML blocks between blank lines: a
    // short block in its place parses the same, and keeps the parse as long as the record.
    const STUB: &str = "\n\n<div>\n\n";
    let mut shadow = String::with_capacity(
        ranges.iter().map(|r| r.len() + STUB.len()).sum::<usize>() + STUB.len(),
    );
    let mut at = Vec::with_capacity(ranges.len());
    let mut pos = 0;
    for r in ranges {
        let gap = &text[pos..r.start];
        shadow.push_str(if gap.trim().is_empty() { gap } else { STUB });
        let start = shadow.len();
        shadow.push_str(&text[r.clone()]);
        at.push(start..shadow.len());
        pos = r.end;
    }
    let tail = &text[pos..];
    shadow.push_str(if tail.trim().is_empty() { tail } else { STUB });
    let (mut out, overruns) = items_in(&shadow, &at);
    for (ri, items) in out.iter_mut().enumerate() {
        let (from, to) = (at[ri].start, ranges[ri].start);
        let moved = |r: &Range<usize>| r.start - from + to..r.end - from + to;
        for item in items {
            match item {
                Item::Html(p) => p.span = moved(&p.span),
                Item::Rewrite { whole, content, .. } => {
                    *whole = moved(whole);
                    if let Some(c) = content {
                        *c = moved(c);
                    }
                }
                Item::Open | Item::Close => {}
            }
        }
    }
    (out, overruns)
}

/// [`items`] of `text` itself.
fn items_in(text: &str, ranges: &[Range<usize>]) -> (Vec<Vec<Item>>, Vec<Option<Overrun>>) {
    let mut out: Vec<Vec<Item>> = ranges.iter().map(|_| Vec::new()).collect();
    let mut overruns: Vec<Option<Overrun>> = ranges.iter().map(|_| None).collect();
    let which = |pos: usize| {
        let i = ranges.partition_point(|r| r.end <= pos);
        (i < ranges.len() && ranges[i].start <= pos).then_some(i)
    };
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut events = mdbook_markdown::new_cmark_parser(text, &opts).into_offset_iter();
    // Open rewrites: (range, item, nesting depth at their start).
    let mut bad: Vec<(usize, usize, usize)> = Vec::new();
    let mut depth = 0usize;
    // Inside an image, events are its alt text: mdBook makes no elements of them.
    let mut in_image: Option<usize> = None;
    while let Some((ev, span)) = events.next() {
        for &(ri, ii, _) in &bad {
            if let Item::Rewrite { content, whole, .. } = &mut out[ri][ii]
                && span.start >= whole.start
                && span.end <= whole.end
                && span != *whole
            {
                *content = Some(match content.take() {
                    Some(c) => c.start.min(span.start)..c.end.max(span.end),
                    None => span.clone(),
                });
            }
        }
        let here = which(span.start);
        match ev {
            Event::Start(Tag::HtmlBlock) => {
                let mut lines: Vec<(Range<usize>, String)> = Vec::new();
                for (ev, span) in events.by_ref() {
                    match ev {
                        Event::Html(t) | Event::Text(t) => lines.push((span, t.to_string())),
                        _ => break,
                    }
                }
                let Some(ri) = here else { continue };
                let end = ranges[ri].end;
                if lines
                    .last()
                    .is_some_and(|(s, _)| s.end > end && !text[end..s.end].trim().is_empty())
                {
                    overruns[ri].get_or_insert(Overrun::Html);
                }
                lines.retain(|(s, _)| s.start < end);
                if let Some(last) = lines.last_mut()
                    && last.0.end > end
                {
                    last.1 = text[last.0.start..end].to_string();
                    last.0.end = end;
                }
                let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
                    continue;
                };
                let prefix = match lines.get(1) {
                    Some(second) => text[first.0.end..second.0.start].to_string(),
                    None => continuation(text, first.0.start),
                };
                out[ri].push(Item::Html(Piece {
                    span: first.0.start..last.0.end,
                    html: lines.iter().map(|(_, t)| t.as_str()).collect(),
                    prefix,
                }));
            }
            Event::InlineHtml(t) | Event::Html(t) => {
                if let (Some(ri), None) = (here, in_image) {
                    out[ri].push(Item::Html(Piece {
                        span,
                        html: t.to_string(),
                        prefix: String::new(),
                    }));
                }
            }
            Event::Start(tag) => {
                if let Some(ri) = here
                    && span.end > ranges[ri].end
                    && !text[ranges[ri].end..span.end].trim().is_empty()
                {
                    let fence = match &tag {
                        Tag::CodeBlock(CodeBlockKind::Fenced(_)) => closing_fence(text, span.start),
                        _ => None,
                    };
                    overruns[ri] = Some(fence.map_or(Overrun::Other, Overrun::Fence));
                }
                let how = match &tag {
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }
                        if !allowed_url(dest_url) =>
                    {
                        Some(Rewrite::Text)
                    }
                    Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs,
                    } if !classes.is_empty() || !attrs.is_empty() => Some(Rewrite::Heading {
                        level: *level as usize,
                        id: id.as_ref().map(ToString::to_string),
                    }),
                    _ => None,
                };
                if let (Some(ri), None) = (here, in_image) {
                    if let Some(how) = how {
                        out[ri].push(Item::Rewrite {
                            whole: span.clone(),
                            content: None,
                            how,
                        });
                        bad.push((ri, out[ri].len() - 1, depth));
                    }
                    if matches!(tag, Tag::Image { .. }) {
                        in_image = Some(depth);
                    } else if !matches!(tag, Tag::MetadataBlock(_)) {
                        out[ri].push(Item::Open);
                    }
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                bad.retain(|&(_, _, d)| d < depth);
                if in_image == Some(depth) {
                    in_image = None;
                } else if let (Some(ri), None) = (here, in_image)
                    && !matches!(tag, TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock)
                {
                    out[ri].push(Item::Close);
                }
            }
            _ => {}
        }
    }
    (out, overruns)
}

/// How a range runs on past its end.
#[derive(Debug, Clone)]
enum Overrun {
    /// A code fence left open: the line that closes it.
    Fence(String),
    /// An HTML block that does not end (`<pre>`, `<!--`): the policy pass closes or drops it.
    Html,
    /// Anything else (not seen in practice): the range is shown as code.
    Other,
}

/// The line that closes the fence opened on the line at `pos`.
fn closing_fence(text: &str, pos: usize) -> Option<String> {
    let line = text[pos..].trim_start_matches([' ', '\t']);
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    Some(line.chars().take_while(|x| *x == c).collect())
}

/// What continues the container of a one-line HTML block starting at `pos` on a further line:
/// its line's start with list markers turned into spaces (`- ` → `  `, `> ` stays).
fn continuation(text: &str, pos: usize) -> String {
    let line = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    text[line..pos]
        .chars()
        .map(|c| {
            if c == '>' || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// Whether a link may point at `dest`: no scheme (relative), or one of ammonia's allowed
/// schemes, read as a browser reads it (`Url::parse` skips leading spaces, tabs, newlines).
fn allowed_url(dest: &str) -> bool {
    match ammonia::Url::parse(dest) {
        Ok(url) => SCHEMES.contains(url.scheme()),
        Err(ammonia::url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// The edits of one round, and the ranges it cannot settle: the policy pass's, or when it has
/// none, the balance pass's (both read the same parse).
fn find_edits(text: &str, ranges: &[Range<usize>]) -> (Vec<Edit>, Vec<usize>) {
    let (items, overruns) = items(text, ranges);
    let mut result = (Vec::new(), Vec::new());
    for pass in [Pass::Policy, Pass::Balance] {
        let (edits, unsettled) = &mut result;
        for (ri, items) in items.iter().enumerate() {
            let overrun = &overruns[ri];
            let unsettling = match overrun {
                Some(Overrun::Other) => true,
                Some(Overrun::Html) => pass == Pass::Balance,
                _ => false,
            };
            if unsettling {
                unsettled.push(ri);
                continue;
            }
            let open_fence = match overrun {
                Some(Overrun::Fence(f)) => Some(f.as_str()),
                _ => None,
            };
            if open_fence.is_none() && items.iter().all(|i| matches!(i, Item::Open | Item::Close)) {
                continue;
            }
            let ok = match pass {
                Pass::Policy => policy(text, ri, ranges[ri].end, items, edits),
                Pass::Balance => balance(ri, ranges[ri].end, items, open_fence, edits),
            };
            if !ok {
                unsettled.push(ri);
            }
        }
        if !edits.is_empty() {
            break;
        }
    }
    result
}

/// The policy pass over one range ending at `end`. False when the range cannot be cleaned this
/// way.
fn policy(text: &str, ri: usize, end: usize, items: &[Item], edits: &mut Vec<Edit>) -> bool {
    // Rewrites first, the outermost of each nest; raw HTML waits for the next round.
    let mut last_end = 0;
    let mut any = false;
    for item in items {
        if let Item::Rewrite {
            whole,
            content,
            how,
        } = item
            && whole.start >= last_end
        {
            any = true;
            last_end = whole.end;
            let content = content.as_ref().map_or("", |c| &text[c.clone()]);
            let (at, with) = match how {
                Rewrite::Text => (whole.clone(), content.to_string()),
                Rewrite::Heading { level, id } => {
                    let source = text[whole.clone()].trim_end_matches(['\n', '\r']);
                    let mut with = "#".repeat(*level);
                    if !content.is_empty() {
                        with.push(' ');
                        with.push_str(&content.replace(['\n', '\r'], " "));
                    }
                    if let Some(id) = id {
                        with.push_str(" {#");
                        with.push_str(id);
                        with.push('}');
                    }
                    (whole.start..whole.start + source.len(), with)
                }
            };
            edits.push(Edit {
                range: ri,
                at,
                with,
            });
        }
    }
    if any {
        return true;
    }
    let pieces: Vec<&Piece> = items
        .iter()
        .filter_map(|i| match i {
            Item::Html(p) => Some(p),
            _ => None,
        })
        .collect();
    let Some(first) = pieces.first() else {
        return true;
    };
    // To the range's end, so that what ammonia closes wraps the markdown after the last piece.
    let region = first.span.start..end;
    let Some(marker) = marker(&text[region.clone()]) else {
        return false;
    };
    // The pieces with a placeholder for each stretch of markdown between two of them.
    let mut skeleton = String::new();
    let mut gaps: Vec<Range<usize>> = Vec::new();
    let mut owner: Vec<usize> = vec![0];
    let mut gap = |skeleton: &mut String, span: Range<usize>| {
        skeleton.push(marker);
        skeleton.push_str(&gaps.len().to_string());
        skeleton.push(marker);
        gaps.push(span);
    };
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 && pieces[i - 1].span.end < p.span.start {
            gap(&mut skeleton, pieces[i - 1].span.end..p.span.start);
            owner.push(i);
        }
        skeleton.push_str(&p.html);
    }
    let tail = match pieces.last() {
        Some(last) if last.span.end < end => {
            gap(&mut skeleton, last.span.end..end);
            owner.push(pieces.len());
            Some(gaps.len() - 1)
        }
        _ => None,
    };
    let cleaned = match flattened(&skeleton) {
        Some(flat) => BLOCK.clean(&flat).to_string(),
        None => BLOCK.clean(&skeleton).to_string(),
    };
    let mut segments = split(&cleaned, marker);
    // What ammonia closes after the markdown that ends the range is left to the balance pass,
    // which knows whether a markdown container closed it already (as mdBook will).
    if let [.., Segment::Gap(g), Segment::Html(h)] = segments.as_slice()
        && Some(*g) == tail
        && only_end_tags(h)
    {
        segments.pop();
    }
    // Segment k is the HTML after gap k-1: it lies in the containers of that gap's next piece,
    // when ammonia kept every gap in order.
    let in_order = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Gap(g) => Some(*g),
            Segment::Html(_) => None,
        })
        .eq(0..gaps.len());
    let mut with = String::with_capacity(region.len());
    let mut next_html = 0;
    for s in &segments {
        match s {
            Segment::Html(h) => {
                let prefix = match owner.get(next_html).and_then(|&p| pieces.get(p)) {
                    Some(p) if in_order => p.prefix.as_str(),
                    _ => "",
                };
                push_prefixed(&mut with, h, prefix);
            }
            Segment::Gap(g) => {
                if let Some(gap) = gaps.get(*g) {
                    with.push_str(&text[gap.clone()]);
                }
                next_html = g.saturating_add(1);
            }
        }
    }
    if with != text[region.clone()] {
        edits.push(Edit {
            range: ri,
            at: region,
            with,
        });
    }
    true
}

/// How deep raw elements may nest. html5ever's tree builder (in ammonia) looks down the stack of
/// open elements for most start tags, so deeper nesting costs it quadratic time; browsers stop
/// nesting well before (Chromium at 512).
const MAX_DEPTH: usize = 512;

/// `html` without the elements that would open deeper than [`MAX_DEPTH`] (their text stays), or
/// `None` when none would.
fn flattened(html: &str) -> Option<String> {
    if memchr::memchr_iter(b'<', html.as_bytes()).count() <= MAX_DEPTH {
        return None;
    }
    let mut open: Vec<String> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    let mut dropped: std::collections::HashMap<String, usize> = Default::default();
    let mut kept = Vec::new();
    let mut any = false;
    for tok in tokenize(html) {
        match &tok {
            Tok::Start {
                name, self_closing, ..
            } if !is_void(name) && !self_closing => {
                if open.len() >= MAX_DEPTH {
                    *dropped.entry(name.clone()).or_default() += 1;
                    any = true;
                    continue;
                }
                open.push(name.clone());
                *counts.entry(name.clone()).or_default() += 1;
            }
            Tok::End(name) => {
                if let Some(n) = dropped.get_mut(name).filter(|n| **n > 0) {
                    *n -= 1;
                    continue;
                }
                if counts.get(name).is_some_and(|n| *n > 0) {
                    while let Some(top) = open.pop() {
                        if let Some(n) = counts.get_mut(&top) {
                            *n -= 1;
                        }
                        if top == *name {
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
        kept.push(tok);
    }
    any.then(|| serialize(&kept))
}

/// Whether `html` is only end tags (and white space).
fn only_end_tags(html: &str) -> bool {
    let mut rest = html.trim_start();
    while let Some(tag) = rest.strip_prefix("</") {
        let Some(close) = tag.find('>') else {
            return false;
        };
        rest = tag[close + 1..].trim_start();
    }
    rest.is_empty()
}

/// A character that does not occur in `text`, to mark placeholders with.
fn marker(text: &str) -> Option<char> {
    ('\u{E100}'..='\u{E17F}').find(|c| !text.contains(*c))
}

enum Segment {
    Html(String),
    Gap(usize),
}

/// ammonia's output cut at the placeholders that stand where text does. A placeholder that
/// ended up in an attribute value is removed with its markdown.
fn split(html: &str, marker: char) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut in_tag, mut in_quote) = (false, false);
    let mut chars = html.chars();
    while let Some(c) = chars.next() {
        if c == marker {
            let digits: String = chars.by_ref().take_while(|&d| d != marker).collect();
            if !in_tag && let Ok(n) = digits.parse() {
                if !cur.is_empty() {
                    out.push(Segment::Html(std::mem::take(&mut cur)));
                }
                out.push(Segment::Gap(n));
            }
            continue;
        }
        match c {
            '<' if !in_tag => in_tag = true,
            '"' if in_tag => in_quote = !in_quote,
            '>' if in_tag && !in_quote => in_tag = false,
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(Segment::Html(cur));
    }
    out
}

/// Appends `html`, starting each further line with `prefix` (a line break that ends `html` is
/// followed by the source's own next line).
fn push_prefixed(out: &mut String, html: &str, prefix: &str) {
    for (i, line) in html.split_inclusive('\n').enumerate() {
        if i > 0 {
            out.push_str(prefix);
        }
        out.push_str(line);
    }
}

#[derive(Debug, PartialEq)]
enum Frame {
    Container,
    Raw(String),
}

/// The balance pass over one range ending at `end`, where `open_fence` is still open. False when
/// the range leaves a raw element open inside a markdown container that it does not close.
fn balance(
    ri: usize,
    end: usize,
    items: &[Item],
    open_fence: Option<&str>,
    edits: &mut Vec<Edit>,
) -> bool {
    let mut stack: Vec<Frame> = Vec::new();
    for item in items {
        match item {
            Item::Open => stack.push(Frame::Container),
            Item::Close => {
                while let Some(Frame::Raw(_)) = stack.last() {
                    stack.pop();
                }
                stack.pop();
            }
            Item::Rewrite { .. } => {}
            Item::Html(p) => {
                let mut changed = false;
                let mut kept = Vec::new();
                for tok in tokenize(&p.html) {
                    match tok {
                        Tok::Start {
                            name,
                            attrs,
                            self_closing,
                        } => {
                            let void = is_void(&name);
                            if !void && !self_closing {
                                stack.push(Frame::Raw(name.clone()));
                            }
                            // mdBook closes `<div/>`; a browser would not.
                            let reopen = self_closing && !void;
                            changed |= reopen;
                            let end = reopen.then(|| Tok::End(name.clone()));
                            kept.push(Tok::Start {
                                name,
                                attrs,
                                self_closing: self_closing && !reopen,
                            });
                            kept.extend(end);
                        }
                        Tok::End(name) => {
                            if matches!(stack.last(), Some(Frame::Raw(n)) if *n == name) {
                                stack.pop();
                                kept.push(Tok::End(name));
                            } else {
                                changed = true;
                            }
                        }
                        Tok::Doctype => changed = true,
                        tok => kept.push(tok),
                    }
                }
                if changed {
                    let mut with = String::with_capacity(p.html.len());
                    push_prefixed(&mut with, &serialize(&kept), &p.prefix);
                    edits.push(Edit {
                        range: ri,
                        at: p.span.clone(),
                        with,
                    });
                }
            }
        }
    }
    if stack.contains(&Frame::Container) {
        return !stack.iter().any(|f| matches!(f, Frame::Raw(_)));
    }
    let mut with = String::new();
    if let Some(fence) = open_fence {
        with.push('\n');
        with.push_str(fence);
    }
    if !stack.is_empty() {
        // Each on a line of its own: a closing tag alone on a line starts an HTML block.
        with.push('\n');
        for f in stack.iter().rev() {
            if let Frame::Raw(name) = f {
                with.push_str("\n</");
                with.push_str(name);
                with.push('>');
            }
        }
    }
    if !with.is_empty() {
        edits.push(Edit {
            range: ri,
            at: end..end,
            with,
        });
    }
    true
}

/// mdBook's void elements (`mdbook-html`'s `is_void_element`): no end tag is expected.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// One HTML token, as mdBook's tokenizer sees it.
#[derive(Debug)]
enum Tok {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    End(String),
    Text(String),
    /// The text of a `<script>` or `<style>`, which mdBook copies as is.
    RawText(String),
    Comment(String),
    Doctype,
}

#[derive(Default)]
struct Collector {
    tokens: RefCell<Vec<Tok>>,
    raw: std::cell::Cell<bool>,
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.tokens.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                if tag.kind == TagKind::EndTag {
                    self.raw.set(false);
                    out.push(Tok::End(name));
                    return TokenSinkResult::Continue;
                }
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                out.push(Tok::Start {
                    name: name.clone(),
                    attrs,
                    self_closing: tag.self_closing,
                });
                // As mdBook's own tokenizer: the text of these is not markup.
                match name.as_str() {
                    "script" => {
                        self.raw.set(true);
                        return TokenSinkResult::RawData(RawKind::ScriptData);
                    }
                    "style" => {
                        self.raw.set(true);
                        return TokenSinkResult::RawData(RawKind::Rawtext);
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(t) => {
                let raw = self.raw.get();
                match out.last_mut() {
                    Some(Tok::Text(s)) if !raw => s.push_str(&t),
                    Some(Tok::RawText(s)) if raw => s.push_str(&t),
                    _ if raw => out.push(Tok::RawText(t.to_string())),
                    _ => out.push(Tok::Text(t.to_string())),
                }
            }
            Token::CommentToken(c) => out.push(Tok::Comment(c.to_string())),
            Token::DoctypeToken(_) => out.push(Tok::Doctype),
            Token::NullCharacterToken | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokenize(html: &str) -> Vec<Tok> {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let tok = Tokenizer::new(Collector::default(), TokenizerOpts::default());
    while let html5ever::TokenizerResult::Script(()) = tok.feed(&queue) {}
    tok.end();
    tok.sink.tokens.take()
}

fn serialize(tokens: &[Tok]) -> String {
    let mut out = String::new();
    for t in tokens {
        match t {
            Tok::Start {
                name,
                attrs,
                self_closing,
            } => {
                out.push('<');
                out.push_str(name);
                for (k, v) in attrs {
                    out.push(' ');
                    out.push_str(k);
                    out.push_str("=\"");
                    push_escaped(&mut out, v, true);
                    out.push('"');
                }
                if *self_closing {
                    out.push_str(" /");
                }
                out.push('>');
            }
            Tok::End(name) => {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Tok::Text(s) => push_escaped(&mut out, s, false),
            Tok::RawText(s) => out.push_str(s),
            Tok::Comment(c) => {
                out.push_str("<!--");
                out.push_str(c);
                out.push_str("-->");
            }
            Tok::Doctype => {}
        }
    }
    out
}

fn push_escaped(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Pages parsed as a browser parses them, shared with the integration tests.
#[cfg(test)]
#[path = "../../tests/common/tree.rs"]
#[allow(dead_code)]
mod tree;

#[cfg(test)]
mod tests {
    use super::*;

    /// `md` as one record range between two of qbank's blocks.
    fn clean(md: &str) -> String {
        let head = "<div class=\"qb-prompt\">\n\n";
        let mut text = format!("{head}{md}\n\n</div>\n");
        let range = head.len()..head.len() + md.len();
        let mut ranges = std::slice::from_ref(&range).to_vec();
        chapter(&mut text, &mut ranges).unwrap();
        assert!(
            text.starts_with(head) && text.ends_with("\n\n</div>\n"),
            "{text:?}"
        );
        text[ranges[0].clone()].to_string()
    }

    #[test]
    fn harmless_markup_and_plain_markdown_stay_as_written() {
        for md in [
            "plain **markdown**, `code <b>` and [a link](other.md#x) ![img](pic.png)",
            "<kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, x<sup>2</sup><br>",
            "<details>\n<summary>Why</summary>\n\n**markdown** inside\n\n</details>",
            "> <div>\n> quoted\n> </div>",
            "<img src=\"https://example.com/a.png\" alt=\"a\"> <img src=\"../pic.png\">",
            "```html\n<script>alert(1)</script>\n```",
            "<a class=\"qb-qlink\" href=\"../r.html#q\">R › 1. Q</a>",
        ] {
            assert_eq!(clean(md), md);
        }
    }

    #[test]
    fn scripts_handlers_and_bad_urls_go() {
        let cases = [
            ("a <script>alert(1)</script> b", "a  b"),
            ("<script>\nalert(1)\n</script>", ""),
            ("<style>body{display:none}</style>", ""),
            ("<iframe src=\"https://x.y/\"></iframe>", ""),
            (
                "<form action=x><input name=a><button>go</button></form>",
                "go",
            ),
            ("x <img src=x onerror=alert(1)> y", "x <img src=\"x\"> y"),
            (
                "<a href=\"javascript:alert(1)\" onclick=\"x\">a</a> <div onclick=x>d</div>",
                "<a>a</a> <div>d</div>",
            ),
            ("<a href=\" JaVaScRiPt:alert(1)\">a</a>", "<a>a</a>"),
            ("<img src=\"data:image/png;base64,AA\">", "<img>"),
            (
                "<div class=\"qb-card\" data-qb-question=\"x\" id=\"x\">d</div>",
                "<div>d</div>",
            ),
            // Markdown links and images with a scheme off the list become their text.
            (
                "[click](javascript:alert(1)) [ok](https://x.y/) ![alt](data:image/png;base64,AA)",
                "click [ok](https://x.y/) alt",
            ),
            ("[c](<java\tscript:alert(1)>) [d](VBScript:x)", "c d"),
            ("<javascript:alert(1)>", "javascript:alert(1)"),
            (
                "[r]\n\n[r]: javascript:alert(1)",
                "r\n\n[r]: javascript:alert(1)",
            ),
            // Cleaning one thing can make another: it is cleaned too.
            ("x <<foo>script>alert(1)</script>", "x "),
            (
                "<x-foo>\n[click](javascript:alert(1))\n</x-foo>",
                "\nclick\n",
            ),
            (
                "[<img src=x onerror=alert(1)>](javascript:alert(1))",
                "<img src=\"x\">",
            ),
            // mdBook writes a heading's attributes onto it: only its id stays.
            (
                "## Head *a* {#x .qb-card onclick=alert(1) data-qb-question=y}\nnext",
                "## Head *a* {#x}\nnext",
            ),
            ("Setext {.c}\n---", "## Setext"),
            ("> ## Quoted {onclick=x}", "> ## Quoted"),
        ];
        for (md, want) in cases {
            assert_eq!(clean(md), want, "{md:?}");
        }
    }

    #[test]
    fn foreign_and_unknown_elements() {
        assert_eq!(
            clean("<svg><text>t</text></svg> <math><mi>x</mi></math> <x-foo>k</x-foo>"),
            "  k"
        );
    }

    #[test]
    fn nothing_closes_or_stays_inside_the_card() {
        let cases = [
            ("</details></div></section>", ""),
            ("a </div> b", "a  b"),
            ("<div>\n\nopen", "<div>\n\nopen\n\n</div>"),
            (
                "<details>\n<summary>S</summary>",
                "<details>\n<summary>S</summary></details>",
            ),
            ("<div/>text", "<div>text</div>"),
            // Closed by the list item it was opened in, as mdBook does: the later `</div>` would
            // close qbank's.
            ("- a <div>\n\n</div>", "- a <div>\n\n"),
            ("<pre>\nunclosed", "<pre>unclosed</pre>"),
            ("<!-- unclosed comment", ""),
            (
                "<b>x</b>\n\n```\nunclosed fence",
                "<b>x</b>\n\n```\nunclosed fence\n```",
            ),
            (
                "<div>\n\n~~~~\ncode <b>",
                "<div>\n\n~~~~\ncode <b>\n~~~~\n\n</div>",
            ),
        ];
        for (md, want) in cases {
            assert_eq!(clean(md), want, "{md:?}");
        }
    }

    #[test]
    fn cleaning_is_idempotent() {
        for md in [
            "<table>\n<tr>\n<td>\n\n**md** in cell\n\n</td>\n</tr>\n</table>",
            "- <div onclick=x>\n  item\n  </div>\n- b <b>bold\n- c </b>",
            "<p>a<div>b</p></div>",
            "<b><i>x</b></i>",
        ] {
            let once = clean(md);
            assert_eq!(clean(&once), once, "{md:?}");
        }
    }

    #[test]
    fn every_range_of_a_chapter_is_cleaned_and_the_ranges_follow() {
        let mut text = String::new();
        let mut ranges = Vec::new();
        for md in ["<b onclick=x>one</b>", "two", "<script>x</script>three"] {
            text.push_str("<div class=\"qb\">\n\n");
            ranges.push(text.len()..text.len() + md.len());
            text.push_str(md);
            text.push_str("\n\n</div>\n\n");
        }
        chapter(&mut text, &mut ranges).unwrap();
        let got: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["<b>one</b>", "two", "three"]);
        assert_eq!(text.matches("<div class=\"qb\">").count(), 3);
    }

    #[test]
    fn deep_nesting_is_cut_where_browsers_cut_it() {
        let md = format!("{}deep", "<div>".repeat(2000));
        let once = clean(&md);
        assert_eq!(once.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(once.matches("</div>").count(), MAX_DEPTH);
        assert!(once.contains("deep"));
        assert_eq!(clean(&once), once);
    }

    #[test]
    fn a_range_that_will_not_settle_becomes_code() {
        assert_eq!(fenced("a ``` b"), "````text\na ``` b\n````");
    }

    #[test]
    fn inline_html_keeps_markdown_tags_and_cleans_the_rest() {
        let s = RawHtml::Sanitize;
        let md = "<code>a</code> <em>b</em> <strong>c</strong> <del>d</del><br />";
        assert!(matches!(inline(md, s), Cow::Borrowed(_)));
        assert_eq!(
            inline("a <img src=x onerror=alert(1)>", s),
            "a <img src=\"x\">"
        );
        assert_eq!(
            inline("<div>block</div> <kbd>k</kbd>", s),
            "block <kbd>k</kbd>"
        );
        assert_eq!(
            inline("<a href=\"javascript:alert(1)\">x</a>", s),
            "<a>x</a>"
        );
        assert_eq!(title("<a href=\"x.html\">x</a> y", s), "x y");
        assert_eq!(
            inline("<script>alert(1)</script>", RawHtml::Trusted),
            "<script>alert(1)</script>"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Any mix of HTML and markdown settles, and what it settles to is left alone.
        #[test]
        fn settles_and_stays(parts in proptest::collection::vec(0usize..PARTS.len(), 0..24)) {
            let md: String = parts.iter().map(|&i| PARTS[i]).collect();
            let once = clean(&md);
            proptest::prop_assert_eq!(clean(&once), once);
        }
    }

    /// Pieces of HTML and markdown that random tests mix.
    #[rustfmt::skip]
    const PARTS: &[&str] = &[
        "<div>", "</div>", "<b>", "</b>", "- ", "> ", "1. ", "\n", "\n\n", "  ", "text", "*em*",
        "<details>", "</details>", "<summary>", "</summary>", "<img src=x onerror=y>",
        "[a](javascript:x)", "![i](data:x)", "<script>", "</script>", "<!--", "-->", "```",
        "<pre>", "</pre>", "<table>", "<tr>", "<td>", "</td>", "| a | b |\n|---|---|\n", "<div/>",
        "`", "<a href=\"x\">", "</a>", "<kbd>", "</kbd>", "<p>", "</p>", "<li>", "[r]", "[r]: ",
        "<", ">", "&", "<style>", "\u{202e}", "\0", "</section>", "<x-foo>", "~~~", "<!DOCTYPE html>",
        "<?php", "<![CDATA[", "<textarea>", "<plaintext>", "<select>", "<svg>", "<math>", "\t",
        "    ", "<br/>", "<img/>", "</details>", "<xmp>", "<title>", "\\", "<b\n",
        "## h {.x onclick=y}\n", "{#id}", "===\n",
    ];

    /// Random mixes of HTML and markdown in card-like frames, built by stock mdBook and read
    /// back as a browser parses the page: every frame is intact, none inside another.
    #[test]
    fn frames_survive_mdbook_and_the_browser() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        let (chapters, frames) = (60, 6);
        let mut summary = String::from("# Summary\n\n");
        for c in 0..chapters {
            let (mut text, mut ranges) = (String::new(), Vec::new());
            for f in 0..frames {
                text.push_str(&format!(
                    "<section class=\"frame\" id=\"f{f}\"><details><summary>s</summary><div class=\"body\">\n\n"
                ));
                // One range, or two with only a blank line between them.
                for _ in 0..1 + next(2) {
                    let md: String = (0..next(16)).map(|_| PARTS[next(PARTS.len())]).collect();
                    let md = md.trim_end();
                    ranges.push(text.len()..text.len() + md.len());
                    text.push_str(md);
                    text.push_str("\n\n");
                }
                text.push_str("</div></details></section>\n\n");
            }
            chapter(&mut text, &mut ranges).unwrap();
            std::fs::write(src.join(format!("c{c}.md")), &text).unwrap();
            summary.push_str(&format!("- [c{c}](c{c}.md)\n"));
        }
        std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
        let mut book = mdbook_driver::MDBook::load(dir.path()).unwrap();
        book.config.build.build_dir = dir.path().join("out");
        book.build().unwrap();
        for c in 0..chapters {
            let html = std::fs::read_to_string(dir.path().join(format!("out/c{c}.html"))).unwrap();
            let tree = super::tree::parse(&html);
            let sections: Vec<usize> = tree
                .elements()
                .into_iter()
                .filter(|(_, n)| n.name == "section")
                .map(|(i, _)| i)
                .collect();
            let found: Vec<(String, bool)> = sections
                .iter()
                .map(|&i| {
                    let id = tree.attr(i, "id").unwrap_or_default().to_string();
                    (id, sections.iter().any(|&o| tree.within(i, o)))
                })
                .collect();
            let want: Vec<(String, bool)> = (0..frames).map(|f| (format!("f{f}"), false)).collect();
            let text = std::fs::read_to_string(src.join(format!("c{c}.md"))).unwrap();
            assert_eq!(found, want, "chapter c{c}:\n{text}");
            for (_, el) in tree.elements() {
                for (k, v) in &el.attrs {
                    let v = v.trim_matches(|c: char| c <= ' ').to_ascii_lowercase();
                    assert!(
                        !k.starts_with("on")
                            && !k.starts_with("data-qb")
                            && !v.starts_with("javascript:")
                            && !v.starts_with("data:"),
                        "chapter c{c}: <{} {k}=\"{v}\">\n{text}",
                        el.name
                    );
                }
            }
        }
    }
}
