//! Cross-links: `{{#question ID}}` anywhere in the book becomes a link to that question's card,
//! reading "Record title › N. Title". Ids are unique within a record's page, not across the
//! book: `ID` links when exactly one question has it (or has it as an alias), and the
//! qualified form `{{#question path/to/record.md#ID}}` (path relative to `src/`) always works.
//! An unknown or ambiguous id is an error at the token. Tokens inside code stay as written,
//! and `\{{#question ID}}` writes the token itself.

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
    /// The record's source, relative to `src/`, with `/`: the qualified form's path.
    pub source: String,
    /// The question id, the fragment of the link.
    pub id: String,
    /// `Record title › N. Title`.
    pub text: String,
}

/// Every question of the book, by id and alias, and by record and id.
#[derive(Debug, Default)]
pub struct Targets {
    all: Vec<Target>,
    /// Id or alias → the targets that have it.
    by_id: HashMap<String, Vec<usize>>,
    /// Source path → id or alias → target.
    by_source: HashMap<String, HashMap<String, usize>>,
}

/// What a link's id names.
#[derive(Debug)]
pub enum Resolved<'a> {
    /// One question.
    Found(&'a Target),
    /// Several questions, in book order: the link must be qualified.
    Ambiguous(Vec<&'a Target>),
    /// No question; the help names the closest id.
    Missing,
}

impl Targets {
    /// No targets.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a question, known by its id and by each of `aliases`.
    pub fn add(&mut self, target: Target, aliases: &[String]) {
        let i = self.all.len();
        let names = std::iter::once(&target.id).chain(aliases);
        let by_source = self.by_source.entry(target.source.clone()).or_default();
        for name in names {
            let list = self.by_id.entry(name.clone()).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
            by_source.entry(name.clone()).or_insert(i);
        }
        self.all.push(target);
    }

    /// What `{{#question ID}}` (or `path.md#ID`) names.
    pub fn resolve(&self, id: &str) -> Resolved<'_> {
        if let Some((source, id)) = id.rsplit_once('#') {
            let source = source.trim_start_matches("./");
            return match self.by_source.get(source).and_then(|m| m.get(id)) {
                Some(&i) => Resolved::Found(&self.all[i]),
                None => Resolved::Missing,
            };
        }
        match self.by_id.get(id).map(Vec::as_slice) {
            Some([i]) => Resolved::Found(&self.all[*i]),
            Some(list) if !list.is_empty() => {
                Resolved::Ambiguous(list.iter().map(|&i| &self.all[i]).collect())
            }
            _ => Resolved::Missing,
        }
    }

    /// Whether a record with this source path has questions.
    fn has_source(&self, source: &str) -> bool {
        self.by_source.contains_key(source.trim_start_matches("./"))
    }

    /// Every id and alias, for "did you mean".
    fn names(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }
}

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
    // Most chapters have no link: say so at memchr's speed (`serve` checks every chapter on
    // every edit, 16 MB at 10,000 questions).
    if memchr::memmem::find(text.as_bytes(), OPEN.as_bytes()).is_none() {
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

/// Links in one chapter that name no question (QB015) or several (QB019).
pub fn check(file: &Path, text: &str, targets: &Targets) -> Vec<Diagnostic> {
    check_tokens(file, text, tokens(text), targets)
}

/// [`check`] with the tokens of `text` already found (by [`tokens`], on this text): finding
/// them reads the chapter as markdown, to leave out code, which `serve` need not do again for
/// a chapter that did not change.
pub fn check_tokens<'t>(
    file: &Path,
    text: &'t str,
    tokens: impl IntoIterator<Item = Token<'t>>,
    targets: &Targets,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in tokens.into_iter().filter(|t| !t.escaped) {
        let at = || Location::from_span(file, text, t.span.clone());
        match targets.resolve(t.id) {
            Resolved::Found(_) => {}
            Resolved::Ambiguous(list) => {
                let candidates: Vec<String> = list
                    .iter()
                    .map(|c| format!("{}#{} ({})", c.source, c.id, c.text))
                    .collect();
                out.push(
                    Diagnostic::new(
                        Code::QB019,
                        format!(
                            "`{{{{#question {}}}}}` is ambiguous: {} records have a question with this id",
                            t.id,
                            list.len()
                        ),
                        at(),
                    )
                    .with_note(format!("the candidates are: {}", candidates.join("; ")))
                    .with_help(format!(
                        "name the record: `{{{{#question {}#{}}}}}`",
                        list[0].source, list[0].id
                    )),
                );
            }
            Resolved::Missing => {
                let help = match t.id.rsplit_once('#') {
                    Some((source, _)) if !targets.has_source(source) => format!(
                        "there is no record at `{source}`; the path is relative to the book's src/ folder, e.g. `go/round2.md`"
                    ),
                    _ => {
                        let id = t.id.rsplit_once('#').map_or(t.id, |p| p.1);
                        let mut known: Vec<&str> = targets.names().collect();
                        known.sort_by_key(|k| (strsim(k, id), *k));
                        match known.first() {
                            Some(k) => format!(
                                "did you mean `{k}`? Ids are the card anchors: `{{#id}}` on the heading, or derived from its title"
                            ),
                            None => "there are no questions in this book yet".to_string(),
                        }
                    }
                };
                out.push(
                    Diagnostic::new(
                        Code::QB015,
                        format!(
                            "`{{{{#question {}}}}}` links to a question that does not exist",
                            t.id
                        ),
                        at(),
                    )
                    .with_help(help),
                );
            }
        }
    }
    out
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
        } else if let Resolved::Found(target) = targets.resolve(t.id) {
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
        t.add(
            Target {
                page: "go/round2.html".into(),
                source: "go/round2.md".into(),
                id: "gmp".into(),
                text: "Go 第二轮 › 1. Go语言调度器原理".into(),
            },
            &["scheduler".into()],
        );
        t.add(
            Target {
                page: "go/round3.html".into(),
                source: "go/round3.md".into(),
                id: "redis".into(),
                text: "Go 第三轮 › 1. Redis".into(),
            },
            &[],
        );
        t.add(
            Target {
                page: "java/round1.html".into(),
                source: "java/round1.md".into(),
                id: "redis".into(),
                text: "Java 第一轮 › 4. Redis".into(),
            },
            &[],
        );
        t
    }

    #[test]
    fn ambiguous_ids_need_the_record() {
        let d = check(Path::new("a.md"), "see {{#question redis}}\n", &targets());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "QB019");
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains("{{#question go/round3.md#redis}}"), "{help}");
        assert!(
            d[0].notes[0].contains("java/round1.md#redis"),
            "{:?}",
            d[0].notes
        );
        let ok = "{{#question go/round3.md#redis}} {{#question java/round1.md#redis}} {{#question scheduler}}";
        assert!(check(Path::new("a.md"), ok, &targets()).is_empty());
        let out = replace("{{#question java/round1.md#redis}}", &targets(), "");
        assert!(out.contains(r#"href="java/round1.html#redis""#), "{out}");
        // An alias links to the question's real id.
        let out = replace("{{#question scheduler}}", &targets(), "");
        assert!(out.contains(r#"href="go/round2.html#gmp""#), "{out}");
    }

    #[test]
    fn qualified_links_to_missing_records_or_ids() {
        let d = check(
            Path::new("a.md"),
            "{{#question go/nope.md#gmp}}",
            &targets(),
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("no record at `go/nope.md`")
        );
        let d = check(
            Path::new("a.md"),
            "{{#question go/round2.md#gmq}}",
            &targets(),
        );
        assert!(
            d[0].help.as_deref().unwrap().contains("`gmp`"),
            "{:?}",
            d[0].help
        );
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
