//! Rendering: a [`Record`] and its chapter text become the chapter markdown mdBook renders.
//!
//! Every piece of HTML qbank adds comes from a handlebars template in `theme/templates/`; the
//! record's own markdown is copied between them untouched, so mdBook still renders (and
//! highlights) it. Templates only ever emit whole top-level HTML blocks: mdBook 0.5's HTML tree
//! builder closes raw tags left open inside a markdown container.

use crate::config::Config;
use crate::model::*;
use crate::parse::slugify;
use handlebars::{Context, Handlebars, handlebars_helper};
use serde::Serialize;
use std::collections::HashSet;

/// The embedded templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("card", include_str!("../theme/templates/card.hbs")),
    ("rubric", include_str!("../theme/templates/rubric.hbs")),
    ("info", include_str!("../theme/templates/info.hbs")),
    ("overview", include_str!("../theme/templates/overview.hbs")),
    ("heading", include_str!("../theme/templates/heading.hbs")),
    ("prose", include_str!("../theme/templates/prose.hbs")),
    (
        "rubric-table",
        include_str!("../theme/templates/rubric-table.hbs"),
    ),
];

handlebars_helper!(prose: |text: str| {
    // One line of HTML: a blank line would end the HTML block and turn the rest into markdown.
    handlebars::html_escape(text.trim_end()).replace('\n', "&#10;")
});

/// Renders records with the embedded templates.
pub struct Renderer {
    hbs: Handlebars<'static>,
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

#[derive(Serialize)]
struct OverviewItem<'a> {
    id: &'a str,
    number: &'a str,
    title: &'a str,
    status: &'static str,
    status_label: &'static str,
}

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
        Renderer { hbs }
    }

    fn render(&self, name: &str, data: &impl Serialize) -> anyhow::Result<String> {
        self.hbs
            .render(name, data)
            .map_err(|e| anyhow::anyhow!("rendering template {name}: {e}"))
    }

    /// The chapter markdown for `record`, parsed from `text`.
    pub fn record(&self, record: &Record, text: &str, cfg: &Config) -> anyhow::Result<String> {
        let labels = cfg.labels();
        // What every card of the record shares is serialized once; each card then only sets
        // its own fields. The rubric is the same for every card (its radio groups are scoped
        // by a <form> per card), so it is rendered once too.
        let rubric_html = match &record.rubric {
            Some(r) => self.render(
                "rubric",
                &serde_json::json!({"dimensions": dims(r), "labels": labels}),
            )?,
            None => String::new(),
        };
        let mut card_ctx = Context::wraps(serde_json::json!({
            "labels": labels,
            "rubric_html": rubric_html,
        }))
        .map_err(|e| anyhow::anyhow!("preparing the card template: {e}"))?;
        let mut ids = HashSet::new();
        for q in &record.questions {
            ids.insert(q.id.clone());
        }
        let mut out = String::with_capacity(text.len() * 2);
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
                                serde_json::json!({
                                    "key": it.key,
                                    "value_html": inline_html(&text[it.value.clone()]),
                                })
                            })
                            .collect();
                        Some(self.render(
                            "info",
                            &serde_json::json!({"heading": info.heading, "items": items}),
                        )?)
                    }
                    None => None,
                },
                Part::Overview => {
                    let questions: Vec<_> = record
                        .questions
                        .iter()
                        .map(|q| OverviewItem {
                            id: &q.id,
                            number: &q.number,
                            title: &q.title,
                            status: status(q),
                            status_label: if q.answer.is_answered() {
                                labels.answered
                            } else {
                                labels.unanswered
                            },
                        })
                        .collect();
                    Some(self.render(
                        "overview",
                        &serde_json::json!({
                            "questions": questions,
                            "answered": record.answered(),
                            "total": record.questions.len(),
                            "labels": labels,
                        }),
                    )?)
                }
                Part::Question(i) => {
                    Some(self.card(&record.questions[*i], text, &mut card_ctx, &mut ids)?)
                }
                // Several rubric lists render as one table, at the first list's place.
                Part::Rubric(_) if !rubric_done => {
                    rubric_done = true;
                    match &record.rubric {
                        Some(r) => Some(self.render(
                            "rubric-table",
                            &serde_json::json!({
                                "levels": r.levels,
                                "dimensions": dims(r),
                                "labels": labels,
                            }),
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

    fn card(
        &self,
        q: &Question,
        text: &str,
        ctx: &mut Context,
        ids: &mut HashSet<String>,
    ) -> anyhow::Result<String> {
        let prompt = self.body(&q.prompt, &q.id, text, ids)?;
        let answer = match &q.answer {
            Answer::Answered(b) => self.body(b, &q.id, text, ids)?,
            _ => String::new(),
        };
        let key_points: Vec<serde_json::Value> = q
            .key_points
            .iter()
            .map(|item| {
                let span = crate::parse::item_text_span(text, item);
                inline_html(&text[span]).replace('\n', " ").into()
            })
            .collect();
        let Some(data) = ctx.data_mut().as_object_mut() else {
            anyhow::bail!("the card context is not an object");
        };
        data.insert("id".into(), q.id.clone().into());
        data.insert("number".into(), q.number.clone().into());
        data.insert("status".into(), status(q).into());
        data.insert("level".into(), q.level.into());
        data.insert(
            "title_html".into(),
            inline_html(&text[q.title_source.clone()]).into(),
        );
        data.insert("prompt".into(), prompt.into());
        data.insert("answered".into(), q.answer.is_answered().into());
        data.insert("answer".into(), answer.into());
        data.insert("key_points".into(), key_points.into());
        self.hbs
            .render_with_context("card", ctx)
            .map_err(|e| anyhow::anyhow!("rendering template card: {e}"))
    }

    fn body(
        &self,
        body: &Body,
        qid: &str,
        text: &str,
        ids: &mut HashSet<String>,
    ) -> anyhow::Result<String> {
        let mut out = String::new();
        for piece in &body.pieces {
            let block = match piece {
                Piece::Markdown(span) => text[span.clone()].trim_end().to_string(),
                Piece::Heading {
                    level,
                    source,
                    id,
                    text: plain,
                } => {
                    let src = &text[source.clone()];
                    let base = id.clone().unwrap_or_else(|| {
                        let s = slugify(plain);
                        if s.is_empty() {
                            format!("{qid}-h")
                        } else {
                            format!("{qid}-{s}")
                        }
                    });
                    let id = unique(base, ids);
                    self.render(
                        "heading",
                        &serde_json::json!({
                            "level": (*level + 1).min(6),
                            "id": id,
                            "html": inline_html(src),
                        }),
                    )?
                }
                Piece::Prose { text } => {
                    self.render("prose", &serde_json::json!({"text": text}))?
                }
            };
            out.push_str(&block);
            out.push_str("\n\n");
        }
        Ok(out.trim_end().to_string())
    }
}

/// HTML escaping with a fast path for text that needs none (most of it).
fn escape(s: &str) -> String {
    if s.contains(['<', '>', '&', '"', '\'', '`', '=']) {
        handlebars::html_escape(s)
    } else {
        s.to_string()
    }
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
    let special = |b: u8| b"\\`*_[]<>&!~|$\n\"'".contains(&b);
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
        let out = r
            .render("prose", &serde_json::json!({"text": "a\n\nb <c>\n"}))
            .unwrap();
        assert_eq!(
            out.trim(),
            r#"<div class="qb-prose">a&#10;&#10;b &lt;c&gt;</div>"#
        );
    }
}
