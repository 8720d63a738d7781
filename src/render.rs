//! Rendering: a [`Record`] and its chapter text become the chapter markdown mdBook renders.
//!
//! Every piece of HTML qbank adds comes from a handlebars template in `theme/templates/`; the
//! record's own markdown is copied between them untouched, so mdBook still renders (and
//! highlights) it. Templates only ever emit whole top-level HTML blocks: mdBook 0.5's HTML tree
//! builder closes raw tags left open inside a markdown container.
//!
//! Templates that repeat per question are *stamped*: handlebars renders them once per record,
//! with marker values in the per-question slots, and the output is split at the markers. A
//! card is then a handful of string copies instead of a handlebars run (see [`Stamp`]).

use crate::config::Config;
use crate::i18n::Labels;
use crate::model::*;
use crate::parse::slugify;
use handlebars::{Handlebars, handlebars_helper};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// The embedded templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("card", include_str!("../theme/templates/card.hbs")),
    ("answer", include_str!("../theme/templates/answer.hbs")),
    (
        "no-answer",
        include_str!("../theme/templates/no-answer.hbs"),
    ),
    (
        "key-points",
        include_str!("../theme/templates/key-points.hbs"),
    ),
    (
        "key-point",
        include_str!("../theme/templates/key-point.hbs"),
    ),
    ("rubric", include_str!("../theme/templates/rubric.hbs")),
    ("info", include_str!("../theme/templates/info.hbs")),
    ("overview", include_str!("../theme/templates/overview.hbs")),
    (
        "overview-item",
        include_str!("../theme/templates/overview-item.hbs"),
    ),
    ("heading", include_str!("../theme/templates/heading.hbs")),
    ("prose", include_str!("../theme/templates/prose.hbs")),
    (
        "rubric-table",
        include_str!("../theme/templates/rubric-table.hbs"),
    ),
];

handlebars_helper!(prose: |text: str| {
    // One line of HTML: a blank line would end the HTML block and turn the rest into markdown.
    prose_escape(text)
});

fn prose_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped_with(&mut out, text.trim_end(), true);
    out
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

/// How a slot's value is written, as the template itself escapes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Escape {
    /// `{{{x}}}`
    Raw,
    /// `{{x}}`
    Html,
    /// `{{{prose x}}}`: escaped, newlines as `&#10;`
    Prose,
}

#[derive(Debug)]
enum Chunk {
    Text(String),
    Slot(usize, Escape),
}

/// A template specialised for one record. Handlebars renders it once with the record's shared
/// data (labels, rubric) and a marker in each per-question slot; the output is split at the
/// markers. How the template escapes a slot is read off the rendered marker, so templates keep
/// their own `{{ }}` / `{{{ }}}` choices. A template whose slots drive control flow cannot be
/// stamped: slots only ever hold strings.
#[derive(Debug)]
struct Stamp {
    chunks: Vec<Chunk>,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl Stamp {
    fn new(
        hbs: &Handlebars<'static>,
        name: &str,
        shared: &Map<String, Value>,
        slots: &[&str],
    ) -> anyhow::Result<Stamp> {
        let mut data = shared.clone();
        for (i, slot) in slots.iter().enumerate() {
            // `<` and a newline reveal how the template escapes the slot.
            data.insert((*slot).into(), format!("{OPEN}{i}<\n{CLOSE}").into());
        }
        let out = hbs
            .render(name, &data)
            .map_err(|e| anyhow::anyhow!("rendering template {name}: {e}"))?;
        let mut chunks = Vec::new();
        let mut rest = out.as_str();
        while let Some(start) = rest.find(OPEN) {
            chunks.push(Chunk::Text(rest[..start].to_string()));
            let after = &rest[start + OPEN.len_utf8()..];
            let end = after
                .find(CLOSE)
                .ok_or_else(|| anyhow::anyhow!("template {name}: a slot marker was cut"))?;
            let marker = &after[..end];
            let digits = marker.bytes().take_while(u8::is_ascii_digit).count();
            let index: usize = marker[..digits].parse()?;
            let escape = match &marker[digits..] {
                "<\n" => Escape::Raw,
                "&lt;\n" => Escape::Html,
                "&lt;&#10;" | "&lt;" => Escape::Prose,
                other => anyhow::bail!("template {name}: slot {index} is transformed ({other:?})"),
            };
            chunks.push(Chunk::Slot(index, escape));
            rest = &after[end + CLOSE.len_utf8()..];
        }
        // Callers separate blocks themselves; a one-line item template adds no newline.
        chunks.push(Chunk::Text(rest.trim_end().to_string()));
        Ok(Stamp { chunks })
    }

    fn fill(&self, out: &mut String, values: &[&str]) {
        for chunk in &self.chunks {
            match chunk {
                Chunk::Text(t) => out.push_str(t),
                Chunk::Slot(i, Escape::Raw) => out.push_str(values[*i]),
                Chunk::Slot(i, Escape::Html) => push_escaped(out, values[*i]),
                Chunk::Slot(i, Escape::Prose) => out.push_str(&prose_escape(values[*i])),
            }
        }
    }

    fn render(&self, values: &[&str]) -> String {
        let mut out = String::new();
        self.fill(&mut out, values);
        out
    }
}

/// The per-question slots of `card.hbs`, in the order [`Renderer::card`] fills them.
const CARD_SLOTS: &[&str] = &[
    "id",
    "number",
    "status",
    "level",
    "title_html",
    "prompt",
    "answer_html",
    "key_points_html",
    "rubric_html",
];

/// The stamped templates of one language.
struct Stamps {
    card: Stamp,
    answer: Stamp,
    no_answer: Stamp,
    key_points: Stamp,
    key_point: Stamp,
    overview_item: Stamp,
    heading: Stamp,
    prose: Stamp,
}

impl Stamps {
    fn new(hbs: &Handlebars<'static>, shared: &Map<String, Value>) -> anyhow::Result<Stamps> {
        let stamp = |name, slots: &[&str]| Stamp::new(hbs, name, shared, slots);
        Ok(Stamps {
            card: stamp("card", CARD_SLOTS)?,
            answer: stamp("answer", &["id", "answer"])?,
            no_answer: stamp("no-answer", &[])?,
            key_points: stamp("key-points", &["items_html"])?,
            key_point: stamp("key-point", &["point_html"])?,
            overview_item: stamp(
                "overview-item",
                &["id", "number", "title", "status", "status_label"],
            )?,
            heading: stamp("heading", &["level", "id", "html"])?,
            prose: stamp("prose", &["text"])?,
        })
    }
}

const LEVELS: [&str; 7] = ["0", "1", "2", "3", "4", "5", "6"];

impl Renderer {
    pub fn new() -> Self {
        let mut hbs = Handlebars::new();
        hbs.set_strict_mode(true);
        // Templates are not indented partials; skip the per-line indentation pass.
        hbs.set_prevent_indent(true);
        hbs.register_escape_fn(escape);
        hbs.register_helper("prose", Box::new(prose));
        for (name, src) in TEMPLATES {
            hbs.register_template_string(name, *src)
                .unwrap_or_else(|e| panic!("embedded template {name} is invalid: {e}"));
        }
        Renderer {
            hbs,
            stamps: Mutex::new(Vec::new()),
        }
    }

    fn stamps(&self, labels: &'static Labels) -> anyhow::Result<Arc<Stamps>> {
        let mut cache = self.stamps.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, s)) = cache.iter().find(|(l, _)| std::ptr::eq(*l, labels)) {
            return Ok(s.clone());
        }
        let mut shared = Map::new();
        shared.insert("labels".into(), serde_json::to_value(labels)?);
        let stamps = Arc::new(Stamps::new(&self.hbs, &shared)?);
        cache.push((labels, stamps.clone()));
        Ok(stamps)
    }

    fn render(&self, name: &str, data: &impl Serialize) -> anyhow::Result<String> {
        self.hbs
            .render(name, data)
            .map_err(|e| anyhow::anyhow!("rendering template {name}: {e}"))
    }

    /// The chapter markdown for `record`, parsed from `text`.
    pub fn record(&self, record: &Record, text: &str, cfg: &Config) -> anyhow::Result<String> {
        let labels = cfg.labels();
        let rubric_html = match &record.rubric {
            Some(r) => self.render("rubric", &json!({"dimensions": dims(r), "labels": labels}))?,
            None => String::new(),
        };
        let stamps = self.stamps(labels)?;

        let mut ids: HashSet<String> = record.questions.iter().map(|q| q.id.clone()).collect();
        // Cards add their frame and the rubric to the record's own text.
        let per_card = 600 + rubric_html.len();
        let mut out = String::with_capacity(text.len() + record.questions.len() * per_card);
        let mut rubric_done = false;
        for part in &record.layout {
            let block = match part {
                Part::Markdown(span) => Some(text[span.clone()].to_string()),
                Part::Info => match &record.info {
                    Some(info) => {
                        let items: Vec<_> = info
                            .items
                            .iter()
                            .map(|it| {
                                json!({
                                    "key": it.key,
                                    "value_html": inline_html(&text[it.value.clone()]),
                                })
                            })
                            .collect();
                        Some(
                            self.render("info", &json!({"heading": info.heading, "items": items}))?,
                        )
                    }
                    None => None,
                },
                Part::Overview => Some(self.overview(record, labels, &stamps)?),
                Part::Question(i) => {
                    Some(self.card(&record.questions[*i], text, &stamps, &rubric_html, &mut ids))
                }
                // Several rubric lists render as one table, at the first list's place.
                Part::Rubric(_) if !rubric_done => {
                    rubric_done = true;
                    match &record.rubric {
                        Some(r) => Some(self.render(
                            "rubric-table",
                            &json!({"levels": r.levels, "dimensions": dims(r), "labels": labels}),
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
        Ok(out)
    }

    fn overview(
        &self,
        record: &Record,
        labels: &Labels,
        stamps: &Stamps,
    ) -> anyhow::Result<String> {
        let mut items = String::new();
        for q in &record.questions {
            let label = if q.answer.is_answered() {
                labels.answered
            } else {
                labels.unanswered
            };
            stamps
                .overview_item
                .fill(&mut items, &[&q.id, &q.number, &q.title, status(q), label]);
        }
        self.render(
            "overview",
            &json!({
                "items_html": items,
                "answered": record.answered(),
                "total": record.questions.len(),
                "labels": labels,
            }),
        )
    }

    fn card(
        &self,
        q: &Question,
        text: &str,
        stamps: &Stamps,
        rubric_html: &str,
        ids: &mut HashSet<String>,
    ) -> String {
        let prompt = body(&q.prompt, &q.id, text, stamps, ids);
        let answer_html = match &q.answer {
            Answer::Answered(b) => {
                let answer = body(b, &q.id, text, stamps, ids);
                stamps.answer.render(&[&q.id, &answer])
            }
            _ => stamps.no_answer.render(&[]),
        };
        let key_points_html = if q.key_points.is_empty() {
            String::new()
        } else {
            let mut items = String::new();
            for item in &q.key_points {
                let span = crate::parse::item_text_span(text, item);
                let html = inline_html(&text[span]).replace('\n', " ");
                stamps.key_point.fill(&mut items, &[&html]);
            }
            stamps.key_points.render(&[&items])
        };
        stamps.card.render(&[
            &q.id,
            &q.number,
            status(q),
            LEVELS[q.level.min(6) as usize],
            &q.title_html,
            &prompt,
            &answer_html,
            &key_points_html,
            rubric_html,
        ])
    }
}

/// A prompt or answer: its markdown copied, its headings and prose blocks rendered.
fn body(body: &Body, qid: &str, text: &str, stamps: &Stamps, ids: &mut HashSet<String>) -> String {
    let mut out = String::new();
    for piece in &body.pieces {
        match piece {
            Piece::Markdown(span) => out.push_str(text[span.clone()].trim_end()),
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
                let id = unique(base, ids);
                let level = LEVELS[(*level + 1).min(6) as usize];
                stamps.heading.fill(&mut out, &[level, &id, html]);
            }
            Piece::Prose { text } => stamps.prose.fill(&mut out, &[text]),
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push_str("\n\n");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// HTML escaping with a fast path for text that needs none (most of it).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

fn push_escaped(out: &mut String, s: &str) {
    push_escaped_with(out, s, false);
}

/// handlebars' escaping (`& < > " ' \` =`) in one pass; `newlines` also writes `\n` as `&#10;`.
fn push_escaped_with(out: &mut String, s: &str, newlines: bool) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            b'`' => "&#x60;",
            b'=' => "&#x3D;",
            b'\n' if newlines => "&#10;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
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

fn unique(base: String, ids: &mut HashSet<String>) -> String {
    if ids.insert(base.clone()) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| ids.insert(c.clone()))
        .unwrap_or(base)
}

/// Renders inline markdown (a title, a list item's first paragraph) to HTML without the `<p>`.
pub(crate) fn inline_html(src: &str) -> String {
    let first = src.split("\n\n").next().unwrap_or("").trim();
    // Most titles and key points are plain text: skip the markdown parser for them.
    let special = |b: u8| {
        matches!(
            b,
            b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'&'
                | b'!'
                | b'~'
                | b'|'
                | b'$'
                | b'\n'
                | b'"'
                | b'\''
        )
    };
    if !first.bytes().any(special) {
        return first.to_string();
    }
    // Out of its heading or list item, `1. Title` would parse as a list and `- x` as a bullet:
    // escape whatever would open a block so the text stays inline.
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    let escaped;
    let first = if digits > 0 && matches!(first.as_bytes().get(digits), Some(b'.' | b')')) {
        escaped = format!("{}\\{}", &first[..digits], &first[digits..]);
        escaped.as_str()
    } else if first.starts_with(['-', '+', '*', '>', '#', '=', '|']) {
        escaped = format!("\\{first}");
        escaped.as_str()
    } else {
        first
    };
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut html = String::new();
    mdbook_markdown::pulldown_cmark::html::push_html(
        &mut html,
        mdbook_markdown::new_cmark_parser(first, &opts),
    );
    let t = html.trim();
    let t = t.strip_prefix("<p>").unwrap_or(t);
    t.strip_suffix("</p>").unwrap_or(t).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_html_strips_paragraph() {
        assert_eq!(inline_html("`Context` 接口"), "<code>Context</code> 接口");
        assert_eq!(inline_html("a <b> & c"), "a <b> &amp; c");
        assert_eq!(
            inline_html("1. `Context` 接口"),
            "1. <code>Context</code> 接口"
        );
        assert_eq!(inline_html("2) x"), "2) x");
        assert_eq!(inline_html("- not a list"), "- not a list");
    }

    #[test]
    fn prose_is_one_line() {
        let r = Renderer::new();
        let out = r.render("prose", &json!({"text": "a\n\nb <c>\n"})).unwrap();
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
            "",
            "<p>rubric</p>",
        ];
        let mut data = shared.clone();
        for (k, v) in CARD_SLOTS.iter().zip(values) {
            data.insert((*k).into(), v.into());
        }
        assert_eq!(
            stamps.card.render(&values),
            r.render("card", &data).unwrap().trim_end()
        );
        let text = "line one\n\nline <two> & three\n";
        assert_eq!(
            stamps.prose.render(&[text]),
            r.render("prose", &json!({"text": text}))
                .unwrap()
                .trim_end()
        );
    }
}
