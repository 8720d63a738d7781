//! Block lexing: pulldown-cmark's top-level blocks of a chapter, with byte offsets, typed
//! for the record assembler. Takes the chapter text; gives [`Block`]s. A `---` or a heading
//! inside a fence is part of the fence's block, which is what keeps them out of the structure.

use super::lex::number_prefix;
use crate::model::Span;
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

/// A top-level markdown block.
#[derive(Debug)]
pub(super) struct Block {
    pub(super) kind: Kind,
    pub(super) span: Span,
}

#[derive(Debug)]
pub(super) enum Kind {
    Heading {
        level: u8,
        id: Option<String>,
        /// Inline content, without `{#id}`.
        inline: Span,
        text: String,
        /// The inline content as HTML, rendered from this very parse.
        html: String,
        /// The same without a leading `N. `, for numbered headings.
        title_html: Option<String>,
    },
    Paragraph,
    Code {
        fenced: bool,
        lang: String,
        text: CodeText,
    },
    List {
        ordered: bool,
        items: Vec<Span>,
    },
    Rule,
    Html,
    Other,
}

/// A code block's content: a span of the source when pulldown-cmark hands it out as one
/// contiguous run (the usual case), a copy only when it does not (e.g. indented fences).
#[derive(Debug, Default)]
pub(super) struct CodeText {
    pub(super) span: Option<Span>,
    pub(super) owned: Option<String>,
}

impl CodeText {
    fn push(&mut self, src: &str, range: &Span, t: &str) {
        let borrowed = src
            .get(range.clone())
            .is_some_and(|r| std::ptr::eq(r.as_ptr(), t.as_ptr()) && r.len() == t.len());
        if self.owned.is_none() && borrowed {
            match &mut self.span {
                None => {
                    self.span = Some(range.clone());
                    return;
                }
                Some(s) if s.end == range.start => {
                    s.end = range.end;
                    return;
                }
                Some(_) => {}
            }
        }
        let owned = self.owned.get_or_insert_with(|| {
            self.span
                .clone()
                .map_or(String::new(), |s| src[s].to_string())
        });
        owned.push_str(t);
    }

    /// The content for the model: the span, with no copy, unless it had to be copied.
    pub(super) fn to_model(&self) -> crate::model::Text {
        match (&self.owned, &self.span) {
            (Some(o), _) => crate::model::Text::Owned(o.clone()),
            (None, Some(s)) => crate::model::Text::Span(s.clone()),
            (None, None) => crate::model::Text::Owned(String::new()),
        }
    }

    pub(super) fn get<'a>(&'a self, src: &'a str) -> &'a str {
        match (&self.owned, &self.span) {
            (Some(o), _) => o,
            (None, Some(s)) => &src[s.clone()],
            (None, None) => "",
        }
    }
}

pub(super) fn blocks(text: &str) -> Vec<Block> {
    let opts = mdbook_markdown::MarkdownOptions::default();
    let parser = mdbook_markdown::new_cmark_parser(text, &opts);
    let mut out: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    let mut cur: Option<Block> = None;
    // A heading's inline events, rendered to HTML when it ends: no second parse later.
    let mut inline_events: Vec<Event<'_>> = Vec::new();
    for (ev, range) in parser.into_offset_iter() {
        if depth >= 1
            && matches!(
                cur,
                Some(Block {
                    kind: Kind::Heading { .. },
                    ..
                })
            )
            && !(depth == 1 && matches!(ev, Event::End(_)))
        {
            inline_events.push(ev.clone());
        }
        match ev {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = match tag {
                        Tag::Heading { level, id, .. } => Kind::Heading {
                            level: level as u8,
                            id: id.map(|s| s.to_string()),
                            inline: range.end..range.start,
                            text: String::new(),
                            html: String::new(),
                            title_html: None,
                        },
                        Tag::Paragraph => Kind::Paragraph,
                        Tag::CodeBlock(k) => match k {
                            CodeBlockKind::Fenced(info) => Kind::Code {
                                fenced: true,
                                lang: info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                                text: CodeText::default(),
                            },
                            CodeBlockKind::Indented => Kind::Code {
                                fenced: false,
                                lang: String::new(),
                                text: CodeText::default(),
                            },
                        },
                        Tag::List(start) => Kind::List {
                            ordered: start.is_some(),
                            items: Vec::new(),
                        },
                        Tag::HtmlBlock => Kind::Html,
                        _ => Kind::Other,
                    };
                    cur = Some(Block {
                        kind,
                        span: range.clone(),
                    });
                } else if let Some(b) = cur.as_mut() {
                    match (&mut b.kind, tag) {
                        (Kind::List { items, .. }, Tag::Item) if depth == 1 => {
                            items.push(range.clone());
                        }
                        (Kind::Heading { inline, .. }, _) => widen(inline, &range),
                        _ => {}
                    }
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(mut b) = cur.take()
                {
                    if let Kind::Heading {
                        html, title_html, ..
                    } = &mut b.kind
                    {
                        (*html, *title_html) = heading_html(&mut inline_events);
                    }
                    out.push(b);
                }
                let _: TagEnd = end;
            }
            Event::Rule if depth == 0 => out.push(Block {
                kind: Kind::Rule,
                span: range,
            }),
            Event::Text(t) | Event::Code(t) => {
                if let Some(b) = cur.as_mut() {
                    match &mut b.kind {
                        Kind::Heading { inline, text, .. } => {
                            widen(inline, &range);
                            text.push_str(&t);
                        }
                        Kind::Code { text: code, .. } => code.push(text, &range, &t),
                        _ => {}
                    }
                }
            }
            _ => {
                if let Some(Block {
                    kind: Kind::Heading { inline, .. },
                    ..
                }) = cur.as_mut()
                {
                    widen(inline, &range);
                }
            }
        }
    }
    for b in &mut out {
        if let Kind::Heading { inline, .. } = &mut b.kind
            && inline.start > inline.end
        {
            *inline = b.span.end..b.span.end;
        }
    }
    out
}

/// Renders a heading's inline events, and again without a leading number for titles.
pub(super) fn heading_html(events: &mut Vec<Event<'_>>) -> (String, Option<String>) {
    use mdbook_markdown::pulldown_cmark::html::push_html;
    let mut html = String::new();
    push_html(&mut html, events.iter().cloned());
    let title = match events.first() {
        Some(Event::Text(t)) => number_prefix(t).map(|len| {
            let rest = t[len..].to_string();
            let mut title = String::new();
            let first = (!rest.is_empty()).then(|| Event::Text(rest.into()));
            push_html(
                &mut title,
                first.into_iter().chain(events[1..].iter().cloned()),
            );
            title.trim().to_string()
        }),
        _ => None,
    };
    events.clear();
    (html.trim().to_string(), title)
}

pub(super) fn widen(span: &mut Span, r: &Span) {
    span.start = span.start.min(r.start);
    span.end = span.end.max(r.end);
}

/// Whether a top-level fenced block reaches the end of the text without a closing fence.
pub(super) fn unclosed_fence(text: &str, span: &Span) -> bool {
    if !text[span.end..].trim().is_empty() {
        return false;
    }
    let slice = text[span.clone()].trim_end();
    let mut lines = slice.lines();
    let open = lines.next().unwrap_or("").trim_start();
    let Some(c) = open.chars().next().filter(|c| *c == '`' || *c == '~') else {
        return false;
    };
    let n = open.chars().take_while(|x| *x == c).count();
    match lines.last() {
        Some(last) => {
            let l = last.trim();
            !(l.chars().all(|x| x == c) && l.chars().count() >= n)
        }
        None => true,
    }
}
