//! Rendering: a [`Record`] and its chapter text become the chapter markdown mdBook renders.
//!
//! Every piece of HTML qbank adds comes from a handlebars template in `theme/templates/`; the
//! record's own markdown is copied between them untouched, so mdBook still renders (and
//! highlights) it. Templates only ever emit whole top-level HTML blocks: mdBook 0.5's HTML tree
//! builder closes raw tags left open inside a markdown container.
//!
//! Templates that repeat per question are *stamped*: handlebars renders them once per record,
//! with marker values in the per-question slots, and the output is split at the markers. A
//! card is then a handful of string copies instead of a handlebars run (see `stamp`).

mod escape;
mod inline;
pub mod pages;
mod sanitize;
mod stamp;
pub mod study;
mod templates;

pub(crate) use inline::inline_html;
pub(crate) use stamp::Stamps;
pub use templates::TEMPLATES;

use crate::config::{Config, RawHtml};
use crate::i18n::Labels;
use crate::lint::links::{self, Targets};
use crate::model::*;
use crate::text::{slugify, unique};
use escape::escape;
use handlebars::Handlebars;
use serde::Serialize;
use serde_json::{Map, Value, json};
#[cfg(test)]
use stamp::CARD_SLOTS;
use stamp::put;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// `s` escaped for HTML text and attribute values, with qbank's one escaping.
pub fn escape_html(s: &str) -> String {
    escape(s)
}

/// Renders records with the embedded templates.
pub struct Renderer {
    hbs: Handlebars<'static>,
    /// Stamped templates depend only on the labels, so they are made once per language.
    stamps: Mutex<Vec<(&'static Labels, Arc<Stamps>)>>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Serialize)]
struct DimData<'a> {
    name: &'a str,
    levels: Vec<LevelData<'a>>,
}

#[derive(Serialize)]
struct LevelData<'a> {
    label: &'a str,
    recorded: bool,
}

const LEVELS: [&str; 7] = ["0", "1", "2", "3", "4", "5", "6"];

impl Renderer {
    /// A renderer with every embedded template registered.
    pub fn new() -> Self {
        let hbs = templates::registry();
        Renderer {
            hbs,
            stamps: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn stamps(&self, labels: &'static Labels) -> anyhow::Result<Arc<Stamps>> {
        let mut cache = self
            .stamps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, s)) = cache.iter().find(|(l, _)| std::ptr::eq(*l, labels)) {
            return Ok(s.clone());
        }
        let mut shared = Map::new();
        shared.insert("labels".into(), serde_json::to_value(labels)?);
        let stamps = Arc::new(Stamps::new(&self.hbs, &shared)?);
        cache.push((labels, stamps.clone()));
        Ok(stamps)
    }

    fn render(&self, name: &str, data: Value) -> anyhow::Result<String> {
        templates::render(&self.hbs, name, data)
    }

    /// The chapter markdown for `record`, parsed from `text`. `to_root` is the chapter's
    /// relative path to the site root (`""`, `"../"`…), for links to generated pages.
    pub fn record(
        &self,
        record: &Record,
        text: &str,
        cfg: &Config,
        to_root: &str,
        targets: &Targets,
    ) -> anyhow::Result<String> {
        Ok(self
            .record_parts(record, text, cfg, to_root, targets, &[])?
            .text)
    }

    /// Like [`Renderer::record`], and says which byte ranges of the output are the record's
    /// own markdown: everything else is qbank's HTML (see `site::splice`).
    ///
    /// `also` says, per question, which other records ask it (empty: none).
    pub fn record_parts(
        &self,
        record: &Record,
        text: &str,
        cfg: &Config,
        to_root: &str,
        targets: &Targets,
        also: &[Option<Also>],
    ) -> anyhow::Result<Rendered> {
        // As the parser read it (see `text::lone_cr_as_lf`).
        let lines = crate::text::lone_cr_as_lf(text);
        let text: &str = &lines;
        let labels = cfg.labels();
        let scale: Vec<String> = match &record.rubric {
            Some(r) => r.levels.clone(),
            None => cfg.levels.clone(),
        };
        // The book's level descriptors, as a legend under the record's dimensions.
        let raw = cfg.raw_html;
        let legend = descriptors(&scale, raw, |l| cfg.level_descriptors.get(l).cloned());
        let mut rubric_html = match &record.rubric {
            Some(r) => self.render(
                "rubric",
                templates::labeled(labels, json!({"dimensions": dims(r), "levels": r.levels })),
            )?,
            None => String::new(),
        };
        if !legend.is_empty() {
            rubric_html += &self.render(
                "rubric-levels",
                templates::labeled(labels, json!({"levels": legend, "dimensions": [] })),
            )?;
        }
        let stamps = self.stamps(labels)?;
        let ctx = CardCtx {
            text,
            stamps: &stamps,
            rubric_html: &rubric_html,
            labels,
            scale: &scale,
            tags_href: cfg
                .page("tags")
                .then(|| format!("{to_root}{}", crate::render::pages::TAGS_HTML)),
            targets,
            to_root,
            interviewer: cfg.interviewer_material(),
            frequent_href: cfg
                .page("frequent")
                .then(|| format!("{to_root}{}", crate::render::pages::FREQUENT_HTML)),
            raw,
        };

        let mut ids: HashSet<String> = record.questions.iter().map(|q| q.id.clone()).collect();
        // The practice edition leaves the evaluation template (to the end of the chapter) out.
        let shown_end = match record.template {
            Some(start) if !ctx.interviewer => start,
            _ => text.len(),
        };
        // Cards add their frame and the rubric to the record's own text.
        let per_card = 600 + rubric_html.len();
        let mut out = String::with_capacity(text.len() + record.questions.len() * per_card);
        let mut rubric_done = false;
        let mut markdown = Vec::new();
        for part in &record.layout {
            let block = match part {
                Part::Markdown(span) if span.start >= shown_end => None,
                Part::Rubric(_) if !ctx.interviewer => None,
                Part::Markdown(span) => {
                    let span = span.start..span.end.min(shown_end);
                    let md = links::replace(&text[span], targets, to_root);
                    let md = md.trim_end();
                    markdown.push(out.len()..out.len() + md.len());
                    out.push_str(md);
                    out.push_str("\n\n");
                    None
                }
                Part::Info => Some(self.info(record, text, labels, raw)?),
                Part::Overview => {
                    let mut html = String::new();
                    // Front matter joins the info card; without one it gets its own, here.
                    if record.info.is_none() && record.front.is_some() {
                        html = self.info(record, text, labels, raw)? + "\n\n";
                    }
                    Some(html + &self.overview(record, labels, &stamps, ctx.interviewer)?)
                }
                Part::Question(i) => {
                    let q = &record.questions[*i];
                    let also = also.get(*i).and_then(Option::as_ref);
                    self.card_into(&mut out, q, also, &ctx, &mut ids, &mut markdown)?;
                    out.push_str("\n\n");
                    None
                }
                // Several rubric lists render as one table, at the first list's place.
                Part::Rubric(_) if !rubric_done => {
                    rubric_done = true;
                    match &record.rubric {
                        Some(r) => Some(self.render(
                            "rubric-table",
                            templates::labeled(labels, json!({"levels": r.levels, "dimensions": dims(r), "summary": r.summary})),
                        )?),
                        None => None,
                    }
                }
                Part::Rubric(_) => None,
            };
            // Every block stands alone: a blank line after it ends any HTML block.
            if let Some(block) = block {
                out.push_str(block.trim_end());
                out.push_str("\n\n");
            }
        }
        // The record's own markdown is not trusted text: answers hold what candidates wrote.
        if raw == RawHtml::Sanitize {
            sanitize::chapter(&mut out, &mut markdown).map_err(|_| {
                anyhow::anyhow!(
                    "its raw HTML could not be sanitized; to pass it through as written, set \
                     `raw-html = \"trusted\"` under [preprocessor.qbank]"
                )
            })?;
        }
        Ok(Rendered {
            text: out,
            markdown,
        })
    }

    fn overview(
        &self,
        record: &Record,
        labels: &'static Labels,
        stamps: &Stamps,
        interviewer: bool,
    ) -> anyhow::Result<String> {
        let mut items = String::new();
        for q in &record.questions {
            // An empty badge is not shown: the practice edition has no answers to count.
            let label = match (interviewer, q.answer.is_answered()) {
                (false, _) => "",
                (true, true) => labels.answered,
                (true, false) => labels.unanswered,
            };
            stamps
                .overview_item
                .fill(&mut items, &[&q.id, &q.number, &q.title, status(q), label]);
        }
        self.render(
            "overview",
            templates::labeled(
                labels,
                json!({
                    "items_html": items,
                    "answered": record.answered(),
                    "total": record.questions.len(),
                    "practice": !interviewer
                }),
            ),
        )
    }

    /// The content of the index print page: `entries` are `(title, href, is a record)`, in
    /// book order, hrefs relative to the site root.
    pub fn print_index(
        &self,
        entries: &[(String, String, bool)],
        cfg: &Config,
    ) -> anyhow::Result<String> {
        let entries: Vec<Value> = entries
            .iter()
            .map(|(title, href, record)| json!({ "title": title, "href": href, "record": record }))
            .collect();
        self.render(
            "print-index",
            templates::labeled(cfg.labels(), json!({ "entries": entries })),
        )
    }

    /// What a print page adds to its `<head>`: no indexing by search engines, and the print
    /// dialog once it has loaded (as on mdBook's `print.html`).
    pub fn print_head(&self) -> anyhow::Result<String> {
        self.render("print-head", json!({}))
    }

    /// The generated pages (tags, dimensions, coverage) that `cfg` asks for.
    pub fn pages(
        &self,
        bank: &crate::lint::Bank,
        cfg: &Config,
    ) -> anyhow::Result<Vec<crate::render::pages::Page>> {
        crate::render::pages::generate(&self.hbs, &*self.stamps(cfg.labels())?, bank, cfg)
    }

    /// The information card: the info section's items, then the front matter's.
    fn info(
        &self,
        record: &Record,
        text: &str,
        labels: &Labels,
        raw: RawHtml,
    ) -> anyhow::Result<String> {
        let mut items: Vec<Value> = Vec::new();
        if let Some(info) = &record.info {
            for it in &info.items {
                let value = &text[it.value.clone()];
                let value_html = info_value_html(value, it.indent, !it.key.is_empty(), raw);
                items.push(json!({"key": it.key, "value_html": value_html}));
            }
        }
        if let Some(f) = &record.front {
            for (key, value) in [
                (labels.role, &f.role),
                (labels.round, &f.round),
                (labels.level, &f.level),
                (labels.duration, &f.duration),
            ] {
                if let Some(v) = value {
                    items.push(json!({"key": key, "value_html": escape(v)}));
                }
            }
            if !f.tags.is_empty() {
                let tags: Vec<String> = f.tags.iter().map(|t| format!("#{}", escape(t))).collect();
                items.push(json!({"key": labels.tags, "value_html": tags.join(" ")}));
            }
        }
        let heading = record.info.as_ref().map_or("", |i| i.heading.as_str());
        self.render("info", json!({"heading": heading, "items": items}))
    }

    /// Writes the card of `q` into `out`.
    fn card_into(
        &self,
        out: &mut String,
        q: &Question,
        also: Option<&Also>,
        ctx: &CardCtx<'_>,
        ids: &mut HashSet<String>,
        markdown: &mut Vec<Range<usize>>,
    ) -> anyhow::Result<()> {
        let (text, stamps) = (ctx.text, ctx.stamps);
        let key_points_html = if q.key_points.is_empty() {
            String::new()
        } else {
            let mut items = String::new();
            for item in &q.key_points {
                let mut html = inline_html(&text[item.clone()], ctx.raw);
                if html.contains('\n') {
                    html = html.replace('\n', " ");
                }
                stamps.key_point.fill(&mut items, &[&html]);
            }
            stamps.key_points.render(&[&items])
        };
        let (mut meta_html, mut followups_html, mut own_rubric) =
            (String::new(), String::new(), None);
        if let Some(meta) = &q.meta {
            if meta.difficulty.is_some() || !meta.tags.is_empty() {
                let tags: Vec<Value> = meta
                    .tags
                    .iter()
                    .map(|t| {
                        let href = ctx.tags_href.as_ref().map_or(String::new(), |p| {
                            format!("{p}#{}", crate::render::pages::tag_anchor(t))
                        });
                        json!({"name": t, "href": href})
                    })
                    .collect();
                let d = meta.difficulty.unwrap_or(0);
                meta_html = self.render(
                    "question-meta",
                    templates::labeled(
                        ctx.labels,
                        json!({
                        "difficulty": meta.difficulty,
                        "stars": crate::text::stars(d),
                        "tags": tags
                        }),
                    ),
                )?;
            }
            if !meta.follow_ups.is_empty() {
                let items: Vec<Value> = meta
                    .follow_ups
                    .iter()
                    .enumerate()
                    .map(|(i, f)| json!({"number": i + 1, "html": inline_html(f, ctx.raw)}))
                    .collect();
                followups_html = self.render(
                    "follow-ups",
                    templates::labeled(ctx.labels, json!({"items": items })),
                )?;
            }
            if !meta.rubric.is_empty() {
                let own = |l: &str| meta.rubric.iter().find(|r| r.0 == l).map(|r| r.1.clone());
                own_rubric = Some(self.render(
                    "rubric-levels",
                    templates::labeled(
                        ctx.labels,
                        json!({
                        "levels": descriptors(ctx.scale, ctx.raw, own),
                        "dimensions": meta.dimensions
                        }),
                    ),
                )?);
            }
        }
        let rubric = own_rubric.as_deref().unwrap_or(ctx.rubric_html);
        let level = LEVELS[q.level.min(6) as usize];
        let also_html = match also {
            Some(a) => self.render(
                "also-asked",
                json!({
                    "count": a.others,
                    "text": ctx.labels.also_asked(a.others),
                    "href": ctx.frequent_href.as_ref().map(|p| format!("{p}#{}", crate::render::pages::group_anchor(&a.group))),
                }),
            )?,
            None => String::new(),
        };
        // Old ids that land on this card (`page.html#old-id`): qbank.js redirects them.
        let aliases_attr = match q.meta.as_ref().filter(|m| !m.aliases.is_empty()) {
            Some(m) => format!(" data-qb-aliases=\"{}\"", escape(&m.aliases.join(" "))),
            None => String::new(),
        };
        // The interviewer's notes: text, never markup (the `prose` helper escapes them).
        let notes_html = match q.notes.as_ref().filter(|_| ctx.interviewer) {
            Some(n) => {
                let levels: Vec<Value> = n
                    .levels
                    .iter()
                    .map(|(d, l)| json!({"dimension": d, "level": l}))
                    .collect();
                let other: Vec<Value> = n
                    .other
                    .iter()
                    .map(|(k, v)| json!({"key": k, "value": v}))
                    .collect();
                let ticks: Vec<String> = n.ticks.iter().map(ToString::to_string).collect();
                self.render(
                    "notes",
                    templates::labeled(
                        ctx.labels,
                        json!({
                        "levels": levels,
                        "ticks": ticks.join(", "),
                        "time": n.time.map(|t| format!("{}:{:02}", t / 60, t % 60)),
                        "seconds": n.time,
                        "other": other,
                        "text": n.text
                        }),
                    ),
                )?
            }
            None => String::new(),
        };
        stamps.card.fill_with(out, &mut |i, e, out| match i {
            0 => put(out, e, &q.id),
            1 => put(out, e, &q.number),
            2 => put(out, e, status(q)),
            3 => put(out, e, level),
            4 => put(out, e, &sanitize::title(&q.title_html, ctx.raw)),
            5 => body_into(out, &q.prompt, &q.id, ctx, ids, markdown),
            // The practice edition has no answer, no rubric and no follow-ups.
            6 if !ctx.interviewer => {}
            6 => match &q.answer {
                Answer::Answered(b) => stamps.answer.fill_with(out, &mut |j, e, out| match j {
                    0 => put(out, e, &q.id),
                    _ => body_into(out, b, &q.id, ctx, ids, markdown),
                }),
                _ => stamps.no_answer.fill(out, &[]),
            },
            7 if !ctx.interviewer => {}
            7 => stamps.aside.fill(out, &[&key_points_html, rubric]),
            8 => put(out, e, &meta_html),
            9 if !ctx.interviewer => {}
            9 => put(out, e, &followups_html),
            10 => put(out, e, &also_html),
            11 => out.push_str(&aliases_attr),
            _ => put(out, e, &notes_html),
        });
        Ok(())
    }
}

/// A rendered record chapter.
#[derive(Debug)]
#[non_exhaustive]
pub struct Rendered {
    /// The chapter markdown: the record's markdown with qbank's HTML blocks around it.
    pub text: String,
    /// The byte ranges of `text` that are the record's own markdown, in order.
    pub markdown: Vec<Range<usize>>,
}

/// What a card needs from its record.
struct CardCtx<'a> {
    text: &'a str,
    stamps: &'a Stamps,
    /// The record's rubric (dimensions and levels), shared by its cards.
    rubric_html: &'a str,
    labels: &'static Labels,
    scale: &'a [String],
    /// The tags page, relative to this chapter, when it is generated.
    tags_href: Option<String>,
    targets: &'a Targets,
    to_root: &'a str,
    /// Whether interviewer material (answers, rubric, follow-ups) is shown.
    interviewer: bool,
    /// The frequently-asked page, relative to this chapter, when it is generated.
    frequent_href: Option<String>,
    /// What happens to raw HTML in the record.
    raw: RawHtml,
}

/// What a card says about the same question in other records.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Also {
    /// The group's id on the frequently-asked page.
    pub group: String,
    /// How many other records ask it.
    pub others: usize,
}

impl Also {
    /// What the card of a question of record `ri` says, from `bank`'s groups.
    pub fn of(bank: &crate::lint::Bank, ri: usize) -> Vec<Option<Also>> {
        bank.records[ri]
            .group
            .iter()
            .map(|g| {
                g.map(|g| Also {
                    group: bank.groups[g].id.clone(),
                    others: bank.groups[g].records - 1,
                })
            })
            .collect()
    }
}

/// An information item's value (`value`, the rest of the item after its label) as HTML. The
/// card replaces the list, so the value is rendered as its item holds it: every paragraph, and
/// its lines after the first taken out of the item's `indent`, so that a nested list or a
/// lazy line reads as it does in the record. After a label, the first line continues the
/// label's paragraph ([`in_paragraph`]); an item with no label starts with a block of its own
/// (`- - x` is a nested list). A value of one paragraph is inline.
fn info_value_html(value: &str, indent: usize, after_label: bool, raw: RawHtml) -> String {
    let value = value.trim_start_matches([' ', '\t']);
    let mut md = String::with_capacity(value.len());
    let mut rest = value;
    let mut first = true;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).map_or(rest.len(), |i| {
            i + if rest[i..].starts_with("\r\n") { 2 } else { 1 }
        });
        let (line, after) = rest.split_at(end);
        if first {
            md.push_str(line);
        } else {
            // Up to `indent` columns of leading whitespace, as a list item's container takes it.
            let mut col = 0;
            let mut cut = 0;
            for b in line.bytes() {
                match b {
                    b' ' if col < indent => col += 1,
                    b'\t' if col < indent => col = crate::text::tab_stop(col),
                    _ => break,
                }
                cut += 1;
            }
            let line = &line[cut..];
            // A lazy line (indented less than the item's content) continues a paragraph of the
            // item and starts nothing; out of the item, a `|` in front would start a table and
            // `===` underline a heading. It goes on the line before instead: a line break in a
            // paragraph or a code span shows as a space. (A backslash would show in a code span.)
            let hard_break = md.ends_with("  \n") || md.ends_with("\\\n");
            let starts = line.trim_start_matches([' ', '\t']).starts_with(['|', '=']);
            if col < indent && starts && md.ends_with('\n') && !hard_break {
                md.pop();
                md.push(' ');
            }
            md.push_str(line);
        }
        first = false;
        rest = after;
    }
    let md = md.trim_end();
    let md = if after_label {
        in_paragraph(md)
    } else {
        md.into()
    };
    let mut html = String::new();
    let opts = mdbook_markdown::MarkdownOptions::default();
    mdbook_markdown::pulldown_cmark::html::push_html(
        &mut html,
        mdbook_markdown::new_cmark_parser(&md, &opts),
    );
    // One paragraph is inline: unwrapped first, so that plain text skips the sanitizer.
    let t = html.trim();
    let t = match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner,
        _ => t,
    };
    sanitize::block(t, raw).into_owned()
}

/// Level descriptors in scale order, for the levels that have one.
fn descriptors(scale: &[String], raw: RawHtml, get: impl Fn(&str) -> Option<String>) -> Vec<Value> {
    scale
        .iter()
        .filter_map(|l| get(l).map(|d| json!({"level": l, "html": inline_html(&d, raw)})))
        .collect()
}

/// Writes a prompt or answer into `out`: its markdown copied, its headings and prose blocks
/// rendered, blocks separated by a blank line, no trailing whitespace.
fn body_into(
    out: &mut String,
    body: &Body,
    qid: &str,
    ctx: &CardCtx<'_>,
    ids: &mut HashSet<String>,
    markdown: &mut Vec<Range<usize>>,
) {
    let (text, stamps) = (ctx.text, ctx.stamps);
    let start = out.len();
    for piece in &body.pieces {
        if out.len() > start {
            out.push_str("\n\n");
        }
        match piece {
            // Text after the marker on its line: part of a paragraph in the record, but the start
            // of a block in the card, where `1. x`, `# x` or `~~~ x` would open another block.
            Piece::Markdown(span)
                if span.start > 0 && !text[..span.start].ends_with(['\n', '\r']) =>
            {
                let md = &text[span.clone()];
                push_markdown(out, &in_paragraph(md), ctx, markdown);
            }
            Piece::Markdown(span) => push_markdown(out, &text[span.clone()], ctx, markdown),
            // A paragraph in the record, also where it starts after a link definition
            // (`[a]: /x` then `4. x`), which stays in the piece before it.
            Piece::Lines(span) => stamps.lines.fill_with(out, &mut |_, _, out| {
                push_markdown(out, &in_paragraph(&text[span.clone()]), ctx, markdown);
            }),
            Piece::Heading {
                level,
                html,
                id,
                text: plain,
            } => {
                let base = id.clone().unwrap_or_else(|| {
                    let s = slugify(plain);
                    if s.is_empty() {
                        format!("{qid}-h")
                    } else {
                        format!("{qid}-{s}")
                    }
                });
                let id = unique(&base, ids);
                let level = LEVELS[(*level + 1).min(6) as usize];
                stamps
                    .heading
                    .fill(out, &[level, &id, &sanitize::inline(html, ctx.raw)]);
            }
            Piece::Prose { text: prose } => stamps.prose.fill(out, &[prose.get(text)]),
        }
        let trimmed = start + out[start..].trim_end().len();
        out.truncate(trimmed);
    }
}

/// `md`, the rest of a marker's line, as it must be written at the start of a block to read
/// as it does in the record, inline in the marker's paragraph (see [`opens_html_block`],
/// [`continuation_html`], [`block_opener`] and [`continuation_opener`]).
fn in_paragraph(md: &str) -> std::borrow::Cow<'_, str> {
    if opens_html_block(md) {
        return format!("{}{md}", keep_inline(md)).into();
    }
    if let Some(at) = continuation_html(md) {
        let (before, line) = md.split_at(at);
        return format!("{before}{}{line}", keep_inline(line)).into();
    }
    match block_opener(md)
        .or_else(|| continuation_opener(md))
        .or_else(|| table_delimiter(md))
    {
        // A backslash would shorten a fence's run of backticks or tildes, which in the record
        // is a code span's delimiter or plain text: "```" with no closing run of three is text
        // there, but "\\```" leaves a run of two that closes at the next "``", hiding what is
        // between and showing the rest as markup. An empty element keeps the run whole.
        Some(0) if md.starts_with(['`', '~']) => format!("<span></span>{md}").into(),
        Some(at) => format!("{}\\{}", &md[..at], &md[at..]).into(),
        None => md.into(),
    }
}

/// Whether `md`'s first line, at the start of a block, opens an HTML block (any of CommonMark's
/// seven kinds: `<div`, `<pre>`, `<!-- x -->`…), as mdBook's pulldown-cmark reads it. In the
/// record, after the marker, it is inline, in a paragraph.
fn opens_html_block(md: &str) -> bool {
    use mdbook_markdown::pulldown_cmark::{Event, Tag};
    if !md.starts_with('<') {
        return false;
    }
    let line = md.split(['\n', '\r']).next().unwrap_or(md);
    let opts = mdbook_markdown::MarkdownOptions::default();
    matches!(
        mdbook_markdown::new_cmark_parser(line, &opts).next(),
        Some(Event::Start(Tag::HtmlBlock))
    )
}

/// Like [`opens_html_block`], for the line after a marker that ends its line: where that
/// line starts, when it opens an HTML block in the card but could not interrupt the marker's
/// paragraph in the record (a tag alone on its line, CommonMark's seventh kind), so was
/// inline there.
fn continuation_html(md: &str) -> Option<usize> {
    use mdbook_markdown::pulldown_cmark::{Event, Tag};
    let rest = after_line_end(md)?;
    let line = rest.trim_start_matches(' ');
    if rest.len() - line.len() > 3 || !opens_html_block(line) {
        return None;
    }
    let probe = format!("x\n{line}");
    let opts = mdbook_markdown::MarkdownOptions::default();
    let interrupts = mdbook_markdown::new_cmark_parser(&probe, &opts)
        .any(|e| matches!(e, Event::Start(Tag::HtmlBlock)));
    (!interrupts).then_some(md.len() - line.len())
}

/// `md` after the line ending it starts with: `\n`, `\r\n` or, as CommonMark also reads it,
/// a lone `\r`.
fn after_line_end(md: &str) -> Option<&str> {
    ["\r\n", "\n", "\r"].iter().find_map(|e| md.strip_prefix(e))
}

/// What keeps `md` (see [`opens_html_block`]) in a paragraph as in the record: before a tag or
/// comment, which is markup inline, an empty element; before text (`<div` with no `>`), a
/// backslash, which would show a complete tag as text.
fn keep_inline(md: &str) -> &'static str {
    use mdbook_markdown::pulldown_cmark::Event;
    let line = md.split(['\n', '\r']).next().unwrap_or(md);
    let opts = mdbook_markdown::MarkdownOptions::default();
    let probe = format!("x{line}");
    let mut events = mdbook_markdown::new_cmark_parser(&probe, &opts).skip(1);
    match (events.next(), events.next()) {
        (Some(Event::Text(t)), Some(Event::InlineHtml(_))) if &*t == "x" => "<span></span>",
        _ => "\\",
    }
}

/// Where a backslash keeps `md`, the rest of a line after a marker, from opening a block of its
/// own: before the `.` of a list number, or before a bullet, heading `#`, `>`, fence, thematic
/// break or unclosed `<!`/`<?` that starts it.
fn block_opener(md: &str) -> Option<usize> {
    let line = md.split(['\n', '\r']).next().unwrap_or("");
    let b = line.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) {
        return Some(digits);
    }
    let first = *b.first()?;
    let run = b.iter().take_while(|&&c| c == first).count();
    let spaced = |i: usize| b.get(i).is_none_or(|c| matches!(c, b' ' | b'\t'));
    let thematic = b.iter().filter(|&&c| c == first).count() >= 3
        && b.iter().all(|&c| matches!(c, b' ' | b'\t') || c == first);
    let opens = match first {
        b'-' | b'+' | b'*' => spaced(1) || (first != b'+' && thematic),
        b'_' => thematic,
        b'#' => run <= 6 && spaced(run),
        b'>' => true,
        b'`' => run >= 3 && !line[run..].contains('`'),
        b'~' => run >= 3,
        b'<' => unclosed_markup(md),
        // `[a]: /url` is a link definition, which shows nothing, and `[^1]: x` a footnote,
        // which shows a number in place of its label.
        b'[' => !starts_paragraph(md),
        _ => false,
    };
    opens.then_some(0)
}

/// Whether `md`, read from the start of a block, starts with a paragraph (and not with a
/// definition, which shows nothing, before one).
fn starts_paragraph(md: &str) -> bool {
    use mdbook_markdown::pulldown_cmark::{Event, Tag};
    let opts = mdbook_markdown::MarkdownOptions::default();
    matches!(
        mdbook_markdown::new_cmark_parser(md, &opts).into_offset_iter().next(),
        Some((Event::Start(Tag::Paragraph), r)) if r.start == 0
    )
}

/// Like [`block_opener`], for the line after a marker that ends its line: in the record that
/// line continues the marker's paragraph unless it can interrupt one, which an ordered list not
/// starting at 1 and an empty list item cannot (`**面试官**:` then `2. x`).
fn continuation_opener(md: &str) -> Option<usize> {
    let rest = after_line_end(md)?;
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let l = line.trim_start_matches(' ');
    let at = md.len() - rest.len() + (line.len() - l.len());
    if at - (md.len() - rest.len()) > 3 {
        return None;
    }
    let b = l.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let width = match b.first() {
        Some(b'-' | b'+' | b'*') => 1,
        _ if (1..=9).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return None,
    };
    let after = &l[width..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let from_one = digits == 0 || l[..digits].parse::<u64>() == Ok(1);
    (after.trim().is_empty() || !from_one).then_some(at + digits)
}

/// Where a backslash keeps `md`'s first two lines from reading as a table's header and
/// delimiter rows, when in the record they could not: before the delimiter row. There the
/// first line continues the marker's paragraph, which a header row interrupts only when it
/// starts with `|` (pulldown-cmark's rule); on the marker's own line the marker is a cell of
/// its own. The record's reading is probed with a paragraph line (or a cell) in front.
fn table_delimiter(md: &str) -> Option<usize> {
    use mdbook_markdown::pulldown_cmark::{Event, Tag};
    // After a marker that ends its line, the first line is the next one.
    let skip = md.len() - after_line_end(md).unwrap_or(md).len();
    let first = skip + md[skip..].find(['\n', '\r'])?;
    let rest = after_line_end(&md[first..])?;
    let at = md.len() - rest.len();
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let row = line.trim_start_matches(' ');
    let delimiter = row.contains('-')
        && row
            .bytes()
            .all(|b| matches!(b, b'|' | b':' | b'-' | b' ' | b'\t'));
    if !delimiter || line.len() - row.len() > 3 {
        return None;
    }
    let opts = mdbook_markdown::MarkdownOptions::default();
    let table = |md: &str| {
        mdbook_markdown::new_cmark_parser(md, &opts)
            .any(|e| matches!(e, Event::Start(Tag::Table(_))))
    };
    let rows = &md[..at + line.len()];
    // In the record: after the marker's line (`x\n`), or after the marker on its line (`x`).
    let record = if skip > 0 {
        format!("x\n{}", &rows[skip..])
    } else {
        format!("x{rows}")
    };
    (table(rows) && !table(&record)).then_some(at + line.len() - row.len())
}

/// Whether `md` starts with a comment, processing instruction, declaration or CDATA section
/// that its paragraph does not close: text inside a paragraph, but an HTML block (which runs
/// past the paragraph to its terminator) at the start of a block.
fn unclosed_markup(md: &str) -> bool {
    let para = md.split("\n\n").next().unwrap_or(md);
    let end = if para.starts_with("<!--") {
        "-->"
    } else if para.starts_with("<?") {
        "?>"
    } else if para.starts_with("<![CDATA[") {
        "]]>"
    } else if para.starts_with("<!") {
        ">"
    } else {
        return false;
    };
    !para[2..].contains(end)
}

/// Copies a piece of the record's markdown into `out` (links resolved), noting its range.
fn push_markdown(out: &mut String, md: &str, ctx: &CardCtx<'_>, markdown: &mut Vec<Range<usize>>) {
    let md = links::replace(md, ctx.targets, ctx.to_root);
    let md = md.trim_end();
    markdown.push(out.len()..out.len() + md.len());
    out.push_str(md);
}

fn status(q: &Question) -> &'static str {
    if q.answer.is_answered() {
        "answered"
    } else {
        "unanswered"
    }
}

fn dims(r: &Rubric) -> Vec<DimData<'_>> {
    r.dimensions
        .iter()
        .map(|d| DimData {
            name: &d.name,
            levels: r
                .levels
                .iter()
                .map(|l| LevelData {
                    label: l,
                    recorded: d.recorded.as_deref() == Some(l.as_str()),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chapter HTML of the record `md`.
    fn rendered(md: &str, cfg: &Config) -> String {
        let record = crate::parse::parse(std::path::Path::new("r.md"), md, cfg)
            .record
            .unwrap();
        Renderer::new()
            .record(&record, md, cfg, "", &Default::default())
            .unwrap()
    }

    /// Found by `fuzz/` (regressions `fuzz/regressions/record/info-*`): the information card
    /// must show an item as its list item holds it. It showed only the first paragraph of an
    /// item; it read later lines out of the item's indentation, so a nested list became text and
    /// lazy lines (`===`, `|` rows) a heading or a table; and it read an item with no label as
    /// if it went on after one.
    #[test]
    fn info_items_read_as_their_list_item() {
        let cfg = Config::default();
        for (items, shown) in [
            (
                "- **面试时间**: 预计90分钟\n\n  备注：可`延长`",
                "<dd><p>预计90分钟</p>\n<p>备注：可<code>延长</code></p></dd>",
            ),
            // A nested list stays a list, and a lazy `===` under it is text.
            (
                "- **面试时间**: 预计\n    - 子项 `代\n===\n码`",
                "<dd><p>预计</p>\n<ul>\n<li>子项 <code>代 === 码</code></li>\n</ul></dd>",
            ),
            // An item with no label starts with a block of its own: `- - x` is a nested list,
            // and the lines after it are its lazy lines, not a table.
            (
                "- **岗位**: Go\n- - 子项 |\n|----\n二 | 2 |",
                "<dd><ul>\n<li>子项 | |––\n二 | 2 |</li>\n</ul></dd>",
            ),
            // A lazy line continues the item's paragraph: `|` rows under it are text there.
            (
                "- **岗位**: Go `代\n| a | b |\n|---|---|\n码`",
                "<dd>Go <code>代 | a | b | |---|---| 码</code></dd>",
            ),
            // Nor does a lazy `===` underline a heading.
            ("- **岗位**: Go\n===", "<dd>Go ===</dd>"),
            // After a tab, the item's content starts at column 4: a paragraph indented by six
            // is a paragraph of the item, not a code block.
            (
                "-\t**岗位**: Go\n\n      备注",
                "<dd><p>Go</p>\n<p>备注</p></dd>",
            ),
        ] {
            let md = format!("# R\n\n## 面试信息\n{items}\n\n### 1. Q\n\n**面试官**: ask\n");
            let out = rendered(&md, &cfg);
            assert!(out.contains(shown), "{items}\n{out}");
        }
    }

    /// Found by `fuzz/` (regressions `fuzz/regressions/record/after-marker-*`): text after a
    /// marker on its line opened a block of its own in the card: `~~~ x` a code block whose
    /// info string `x` was never shown, `<!x` or `<div` an HTML block (which hid the rest of
    /// the line as raw HTML), `1. x` a list, `[^2]: x` a footnote numbered 1, `[a]: /x` a link
    /// definition, which shows nothing.
    #[test]
    fn text_after_a_marker_stays_in_its_paragraph() {
        let cfg = Config::default();
        for (after, shown) in [
            ("~~~ 旧写法", "<p><span></span>~~~ 旧写法</p>"),
            // A run of three backticks with no closing run of three is text in the record; a
            // later run of two opens a code span there, which must close where it does.
            (
                "```旧\n``<b>粗</b>``",
                "<p><span></span>```旧\n<code>&lt;b&gt;粗&lt;/b&gt;</code></p>",
            ),
            ("<!W 问题", "<p>&lt;!W 问题</p>"),
            ("<!--W> 问题", "<p>&lt;!–W&gt; 问题</p>"),
            // A closed comment is markup, which the sanitizer drops; the text stays, and so
            // does the empty element that keeps the line a paragraph.
            ("<!-- 注 --> 问题", "<p><span></span> 问题</p>"),
            // A block tag with no `>` is text in the record's paragraph, not an HTML block
            // that hides it.
            ("<div 问题", "<p>&lt;div 问题</p>"),
            // A complete one is inline markup there: the markdown after it is still markdown.
            (
                "<kbd>K</kbd> **粗**",
                "<p><kbd>K</kbd> <strong>粗</strong></p>",
            ),
            (
                "<div>块</div> **粗**",
                "<p><span></span><div>块</div> <strong>粗</strong></p>",
            ),
            ("1. 第一问", "<p>1. 第一问</p>"),
            ("# 不是标题", "<p># 不是标题</p>"),
            ("[^2]: 不是脚注", "<p>[^2]: 不是脚注</p>"),
            ("[链接]: /不是定义", "<p>[链接]: /不是定义</p>"),
            (
                "[链接]: /不是定义\n下一行",
                "<p>[链接]: /不是定义\n下一行</p>",
            ),
            ("- 不是列表", "<p>- 不是列表</p>"),
            ("*重点* 问题", "<p><em>重点</em> 问题</p>"),
            ("```go 代码```", "<p><code>go 代码</code></p>"),
            ("\n2. 第二问", "<p>2. 第二问</p>"),
            // A lone tag cannot interrupt the marker's paragraph: it stays inline, and the
            // markdown after it is still markdown. A block tag can, in the record too.
            (
                "\n<kbd>\n**粗**",
                "<p><span></span><kbd>\n<strong>粗</strong>",
            ),
            (
                "\n<div>\n\n**粗**",
                "<div>\n<p><strong>粗</strong></p>\n</div>",
            ),
            ("\n00)", "<p>00)</p>"),
            ("\n1. 第一问", "<ol>\n<li>第一问</li>\n</ol>"),
            // A lone CR ends a line, as in CommonMark: the bullet after it starts a list
            // that interrupts the marker's paragraph, in the record and in the card.
            ("问题\r* 列表", "<li>列表</li>"),
            // pulldown-cmark reads on past a lone CR after a fence's backticks, into the info
            // string: the record is read with the CR as a line ending, and so is the card.
            ("问题\r\r```\r代码\r```", "<pre><code>代码\n</code></pre>"),
            // A table's header must start its paragraph: after a marker that ends its line,
            // the rows are text in the record, so a list number after them is text too.
            (
                "\nx | b |\n|---|---|\n2. 二",
                "<p>x | b |\n|—|—|\n2. 二</p>",
            ),
            // A header row that starts with `|` interrupts the marker's paragraph: a table
            // in the record, a table in the card.
            ("\n| a | b |\n|---|---|\n| 1 | 2 |", "<td>2</td>"),
            // A paragraph after a link definition (which shows nothing) can start with what
            // would open a block at the start of one: written on several lines, it is shown
            // with its line breaks, on its own in the card.
            ("\n\n[定义]: /x\n4. 第四行\n第二行", "4. 第四行"),
        ] {
            let md = format!("# R\n\n### 1. Q\n\n**面试官**: {after}\n\n**Answer**: {after}\n");
            let out = rendered(&md, &cfg);
            let mut page = String::new();
            let opts = mdbook_markdown::MarkdownOptions::default();
            let parser = mdbook_markdown::new_cmark_parser(&out, &opts);
            mdbook_markdown::pulldown_cmark::html::push_html(&mut page, parser);
            assert_eq!(page.matches(shown).count(), 2, "{after}\n{page}");
        }
    }

    #[test]
    fn prose_is_one_line() {
        let r = Renderer::new();
        let out = r.render("prose", json!({"text": "a\n\nb <c>\n"})).unwrap();
        assert_eq!(
            out.trim(),
            r#"<div class="qb-prose">a&#10;&#10;b &lt;c&gt;</div>"#
        );
    }

    /// A stamped template fills in exactly what handlebars itself renders.
    #[test]
    fn stamps_match_handlebars() {
        let r = Renderer::new();
        let labels = Labels::for_language(Some("zh"));
        let mut shared = Map::new();
        shared.insert("labels".into(), serde_json::to_value(labels).unwrap());
        let stamps = Stamps::new(&r.hbs, &shared).unwrap();
        let values = [
            "a&b\"id",
            "7",
            "answered",
            "3",
            "<code>t</code>",
            "prompt\n\ntext <x>",
            "<details>",
            "<aside>rubric</aside>",
            "<p class=\"qb-qmeta\">x</p>",
            "",
            "<p class=\"qb-also\">y</p>",
            " data-qb-aliases=\"old\"",
            "<div class=\"qb-notes\">n</div>",
        ];
        let mut data = shared.clone();
        for (k, v) in CARD_SLOTS.iter().zip(values) {
            data.insert((*k).into(), v.into());
        }
        assert_eq!(
            stamps.card.render(&values),
            r.render("card", Value::Object(data)).unwrap().trim_end()
        );
        let text = "line one\n\nline <two> & three\n";
        assert_eq!(
            stamps.prose.render(&[text]),
            r.render("prose", json!({"text": text})).unwrap().trim_end()
        );
    }
}
