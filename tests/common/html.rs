//! HTML as a reader's browser sees it, whoever wrote it: `qbank build` writes its own HTML as
//! is, while stock mdBook re-serializes it (`hidden` becomes `hidden=""`, `&#10;` a newline).

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// One token: a tag (name, attributes in order, end tag?) or text with entities decoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Tag(String, Vec<(String, String)>, bool),
    Text(String),
    Comment(String),
}

#[derive(Default)]
struct Sink(RefCell<Vec<Tok>>);

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(t) => match out.last_mut() {
                Some(Tok::Text(s)) => s.push_str(&t),
                _ => out.push(Tok::Text(t.to_string())),
            },
            Token::TagToken(tag) => {
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                out.push(Tok::Tag(
                    tag.name.to_string(),
                    attrs,
                    tag.kind == TagKind::EndTag,
                ));
            }
            Token::CommentToken(c) => out.push(Tok::Comment(c.to_string())),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

pub(crate) fn tokens(html: &str) -> Vec<Tok> {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let tok = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tok.feed(&queue);
    tok.end();
    tok.sink.0.take()
}

fn escape(s: &str, attr: bool) -> String {
    let s = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    if attr { s.replace('"', "&quot;") } else { s }
}

/// Serializes `html` the way mdBook does: every attribute as `name="value"`, text with only
/// `&`, `<` and `>` escaped, comments kept.
pub(crate) fn normalize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for t in tokens(html) {
        match t {
            Tok::Text(s) => out.push_str(&escape(&s, false)),
            Tok::Comment(c) => {
                out.push_str("<!--");
                out.push_str(&c);
                out.push_str("-->");
            }
            Tok::Tag(name, _, true) => {
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
            Tok::Tag(name, attrs, false) => {
                out.push('<');
                out.push_str(&name);
                for (k, v) in attrs {
                    out.push_str(&format!(" {k}=\"{}\"", escape(&v, true)));
                }
                out.push('>');
            }
        }
    }
    out
}

/// What a page says, independent of how it is written: tags with sorted attributes, and text
/// with whitespace collapsed; no comments.
pub(crate) fn canonical(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens(html) {
        match t {
            Tok::Text(s) => {
                let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
                if !s.is_empty() {
                    out.push(s);
                }
            }
            Tok::Comment(_) => {}
            Tok::Tag(name, mut attrs, end) => {
                attrs.sort();
                let slash = if end { "/" } else { "" };
                out.push(format!("<{slash}{name} {attrs:?}>"));
            }
        }
    }
    out
}
