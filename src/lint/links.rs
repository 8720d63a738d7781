//! Cross-links: `{{#question ID}}` anywhere in the book becomes a link to that question's card,
//! reading "Record title › N. Title". An unknown id is an error at the token. Tokens inside code
//! stay as written, and `\{{#question ID}}` writes the token itself.

use crate::diag::{Code, Diagnostic, Location};
use crate::model::Span;
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use std::collections::HashMap;
use std::path::Path;

const OPEN: &str = "{{#question";

/// Where a question lives, for links to it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The record page, relative to the site root, e.g. `go/round2.html`.
    pub page: String,
    /// The question id, the fragment of the link.
    pub id: String,
    /// `Record title › N. Title`.
    pub text: String,
}

/// Every question of the book by id.
pub type Targets = HashMap<String, Target>;

/// One `{{#question ID}}` in a text.
#[derive(Debug, PartialEq)]
pub struct Token<'t> {
    /// The token, including a leading `\` when escaped.
    pub span: Span,
    /// The id as written.
    pub id: &'t str,
    /// Written with a leading `\`: kept as text, not a link.
    pub escaped: bool,
}

/// The tokens of `text` that are not inside code.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    if !text.contains(OPEN) {
        return Vec::new();
    }
    let code = code_ranges(text);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(OPEN) {
        let start = from + i;
        from = start + OPEN.len();
        let Some(close) = text[from..].find("}}") else {
            break;
        };
        let inner = &text[from..from + close];
        let end = from + close + 2;
        if !inner.starts_with([' ', '\t']) || inner.contains('\n') {
            continue;
        }
        if code.iter().any(|c| c.start <= start && start < c.end) {
            continue;
        }
        let escaped = start > 0 && text.as_bytes()[start - 1] == b'\\';
        out.push(Token {
            span: if escaped { start - 1 } else { start }..end,
            id: inner.trim(),
            escaped,
        });
        from = end;
    }
    out
}

fn code_ranges(text: &str) -> Vec<Span> {
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for (ev, range) in mdbook_markdown::new_cmark_parser(text, &opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
            Event::End(mdbook_markdown::pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(s) = block.take() {
                    out.push(s..range.end);
                }
            }
            Event::Code(_) => out.push(range),
            _ => {}
        }
    }
    out
}

/// Dangling links in one chapter.
pub fn check(file: &Path, text: &str, targets: &Targets) -> Vec<Diagnostic> {
    tokens(text)
        .into_iter()
        .filter(|t| !t.escaped && !targets.contains_key(t.id))
        .map(|t| {
            let mut known: Vec<&str> = targets.keys().map(String::as_str).collect();
            known.sort_by_key(|k| strsim(k, t.id));
            Diagnostic::new(Code::QB015,
                format!("`{{{{#question {}}}}}` links to a question that does not exist", t.id),
                Location::from_span(file, text, t.span.clone()),
            )
            .with_help(match known.first() {
                Some(k) => format!("did you mean `{k}`? Ids are the card anchors: `{{#id}}` on the heading, or derived from its title"),
                None => "there are no questions in this book yet".to_string(),
            })
        })
        .collect()
}

/// A rough distance for "did you mean": characters not shared, plus the length difference.
fn strsim(a: &str, b: &str) -> usize {
    let shared = a.chars().filter(|c| b.contains(*c)).count();
    a.chars().count().max(b.chars().count()) - shared.min(a.chars().count())
}

/// Replaces the tokens of markdown `md` with links. `to_root` leads from the chapter to the
/// site root (`""`, `"../"`). Unknown ids stay as written (the check has reported them).
pub fn replace<'a>(md: &'a str, targets: &Targets, to_root: &str) -> std::borrow::Cow<'a, str> {
    let toks = tokens(md);
    if toks.is_empty() {
        return std::borrow::Cow::Borrowed(md);
    }
    let mut out = String::with_capacity(md.len() + toks.len() * 80);
    let mut last = 0;
    for t in toks {
        out.push_str(&md[last..t.span.start]);
        if t.escaped {
            out.push_str(&md[t.span.start + 1..t.span.end]);
        } else if let Some(target) = targets.get(t.id) {
            out.push_str(&format!(
                r#"<a class="qb-qlink" href="{to_root}{}#{}">{}</a>"#,
                target.page,
                handlebars::html_escape(&target.id),
                handlebars::html_escape(&target.text)
            ));
        } else {
            out.push_str(&md[t.span.clone()]);
        }
        last = t.span.end;
    }
    out.push_str(&md[last..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        let mut t = Targets::new();
        t.insert(
            "gmp".into(),
            Target {
                page: "go/round2.html".into(),
                id: "gmp".into(),
                text: "Go 第二轮 › 1. Go语言调度器原理".into(),
            },
        );
        t
    }

    #[test]
    fn tokens_outside_code_only() {
        let md = "See {{#question gmp}}.\n\n`{{#question gmp}}`\n\n```\n{{#question gmp}}\n```\n\\{{#question gmp}}\n";
        let toks = tokens(md);
        assert_eq!(toks.len(), 2);
        assert!(!toks[0].escaped && toks[1].escaped);
    }

    #[test]
    fn replace_writes_links_relative_to_the_chapter() {
        let out = replace(
            "See {{#question gmp}} and \\{{#question gmp}}.",
            &targets(),
            "../",
        );
        assert_eq!(
            out,
            r#"See <a class="qb-qlink" href="../go/round2.html#gmp">Go 第二轮 › 1. Go语言调度器原理</a> and {{#question gmp}}."#
        );
    }

    #[test]
    fn dangling_link_is_located() {
        let d = check(Path::new("a.md"), "x\nsee {{#question gmq}}\n", &targets());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location.to_string(), "a.md:2:5");
        assert!(d[0].help.as_ref().unwrap().contains("`gmp`"));
    }
}
