//! The stamp engine: a template rendered once per record and language with markers in its
//! per-question slots, then filled for each question by string splicing, which is what makes
//! rendering ten thousand cards cheap. [`Stamps`] holds the stamped templates of a language.

use super::escape::{push_escaped, push_escaped_with};
use handlebars::Handlebars;
use serde_json::{Map, Value};

/// How a slot's value is written, as the template itself escapes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Escape {
    /// `{{{x}}}`
    Raw,
    /// `{{x}}`
    Html,
    /// `{{{prose x}}}`: escaped, newlines as `&#10;`
    Prose,
}

#[derive(Debug)]
pub(super) enum Chunk {
    Text(String),
    Slot(usize, Escape),
}

/// A template specialised for one record. Handlebars renders it once with the record's shared
/// data (labels, rubric) and a marker in each per-question slot; the output is split at the
/// markers. How the template escapes a slot is read off the rendered marker, so templates keep
/// their own `{{ }}` / `{{{ }}}` choices. A template whose slots drive control flow cannot be
/// stamped: slots only ever hold strings.
#[derive(Debug)]
pub(super) struct Stamp {
    chunks: Vec<Chunk>,
}

pub(super) const OPEN: char = '\u{E000}';
pub(super) const CLOSE: char = '\u{E001}';

impl Stamp {
    pub(super) fn new(
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

    /// Fills the template into `out`; `slot(i, escape, out)` writes slot `i` as the template
    /// escapes it. Large slots (a prompt, an answer) are written in place, never copied.
    pub(super) fn fill_with(
        &self,
        out: &mut String,
        slot: &mut dyn FnMut(usize, Escape, &mut String),
    ) {
        for chunk in &self.chunks {
            match chunk {
                Chunk::Text(t) => out.push_str(t),
                Chunk::Slot(i, e) => slot(*i, *e, out),
            }
        }
    }

    pub(super) fn fill(&self, out: &mut String, values: &[&str]) {
        self.fill_with(out, &mut |i, e, out| put(out, e, values[i]));
    }

    pub(super) fn render(&self, values: &[&str]) -> String {
        let mut out = String::new();
        self.fill(&mut out, values);
        out
    }
}

/// The per-question slots of `card.hbs`, in the order [`Renderer::card`] fills them.
pub(super) const CARD_SLOTS: &[&str] = &[
    "id",
    "number",
    "status",
    "level",
    "title_html",
    "prompt",
    "answer_html",
    "aside_html",
    "meta_html",
    "followups_html",
    "also_html",
    "aliases_attr",
    "notes_html",
];

/// The per-question slots of `index-item.hbs` (lists on the generated pages).
pub(crate) const INDEX_ITEM_SLOTS: &[&str] = &[
    "tags",
    "difficulty",
    "stars_html",
    "status",
    "status_label",
    "href",
    "record",
    "number",
    "title",
];

impl Stamps {
    /// Writes one item of a generated page's list; `values` are [`INDEX_ITEM_SLOTS`] without
    /// `stars_html`, which comes from `stars` (`(label, stars)`, when the question is rated).
    pub(crate) fn index_item(&self, out: &mut String, values: [&str; 8], stars: Option<[&str; 2]>) {
        self.index_item.fill_with(out, &mut |i, e, out| match i {
            0 | 1 => put(out, e, values[i]),
            2 => {
                if let Some(s) = stars {
                    self.index_stars.fill(out, &s);
                }
            }
            _ => put(out, e, values[i - 1]),
        });
    }
}

/// The stamped templates of one language.
pub(crate) struct Stamps {
    pub(super) card: Stamp,
    pub(super) aside: Stamp,
    pub(super) answer: Stamp,
    pub(super) no_answer: Stamp,
    pub(super) key_points: Stamp,
    pub(super) key_point: Stamp,
    pub(super) overview_item: Stamp,
    pub(super) heading: Stamp,
    pub(super) prose: Stamp,
    pub(super) lines: Stamp,
    pub(super) index_item: Stamp,
    pub(super) index_stars: Stamp,
}

impl Stamps {
    pub(super) fn new(
        hbs: &Handlebars<'static>,
        shared: &Map<String, Value>,
    ) -> anyhow::Result<Stamps> {
        let stamp = |name, slots: &[&str]| Stamp::new(hbs, name, shared, slots);
        Ok(Stamps {
            card: stamp("card", CARD_SLOTS)?,
            aside: stamp("rubric-aside", &["key_points_html", "rubric_html"])?,
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
            lines: stamp("lines", &["markdown"])?,
            index_item: stamp("index-item", INDEX_ITEM_SLOTS)?,
            index_stars: stamp("index-stars", &["difficulty_label", "stars"])?,
        })
    }
}

/// Writes `value` as a slot with escaping `e` asks for it.
pub(super) fn put(out: &mut String, e: Escape, value: &str) {
    match e {
        Escape::Raw => out.push_str(value),
        Escape::Html => push_escaped(out, value),
        Escape::Prose => push_escaped_with(out, value.trim_end(), true),
    }
}
