//! Links that outlive edits. Every build writes the ids of its questions into the site
//! (`qbank/ids.json`); the next build, or `qbank check --against DIR`, compares them with the
//! bank's. An id that disappeared breaks every link to it that travels through chat and
//! documents, so it gets a warning (QB020), with a help line that names the question to give
//! an `aliases:` when one of the same record now has a similar title.

use super::Bank;
use crate::diag::{Code, Diagnostic, Location};
use crate::text::url_path;
use mdbook_preprocessor::book::Book;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where the manifest lives in a site.
pub const PATH: &str = "qbank/ids.json";

const VERSION: u32 = 1;

/// Every question of a build: where it is and what it was called.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Manifest {
    /// The format version.
    pub version: u32,
    /// Every question, in book order.
    pub questions: Vec<Entry>,
}

/// One question of a [`Manifest`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entry {
    /// The record page, relative to the site root.
    pub page: String,
    /// The record's source, relative to `src/`.
    pub source: String,
    /// The question's id on that page.
    pub id: String,
    /// Its title, without the number.
    pub title: String,
    /// Its aliases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Manifest {
    /// The manifest of `bank`.
    pub fn of(bank: &Bank) -> Manifest {
        let mut questions = Vec::new();
        for r in &bank.records {
            let page = url_path(&r.html_path);
            let source = url_path(&r.source_path);
            for q in &r.record.questions {
                questions.push(Entry {
                    page: page.clone(),
                    source: source.clone(),
                    id: q.id.clone(),
                    title: q.title.clone(),
                    aliases: q
                        .meta
                        .as_ref()
                        .map(|m| m.aliases.clone())
                        .unwrap_or_default(),
                });
            }
        }
        Manifest {
            version: VERSION,
            questions,
        }
    }

    /// The manifest of the site in `dir`: `Ok(None)` when it has none (not built by qbank, or
    /// by a version before manifests).
    pub fn read(dir: &Path) -> anyhow::Result<Option<Manifest>> {
        let path = dir.join(PATH);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("reading {}", path.display())));
            }
        };
        let m: Manifest = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a qbank id manifest: {e}", path.display()))?;
        if m.version > VERSION {
            anyhow::bail!(
                "{} was written by a newer qbank (manifest version {}); upgrade qbank to compare with it",
                path.display(),
                m.version
            );
        }
        Ok(Some(m))
    }

    /// The manifest as written into a site.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Warnings for the ids of `previous` that `bank` no longer has. `book` gives the chapter
/// texts (for positions), `src_dir` the `src` folder as the user names it.
pub fn gone(previous: &Manifest, bank: &Bank, book: &Book, src_dir: &Path) -> Vec<Diagnostic> {
    let now = Manifest::of(bank);
    let landing: HashSet<(&str, &str)> = now
        .questions
        .iter()
        .flat_map(|e| {
            std::iter::once((e.page.as_str(), e.id.as_str()))
                .chain(e.aliases.iter().map(|a| (e.page.as_str(), a.as_str())))
        })
        .collect();
    let before: HashSet<(&str, &str)> = previous
        .questions
        .iter()
        .map(|e| (e.page.as_str(), e.id.as_str()))
        .collect();
    let texts: HashMap<String, (PathBuf, &str)> = book
        .chapters()
        .filter_map(|ch| {
            let source = ch.source_path.as_ref()?;
            Some((
                url_path(source),
                (src_dir.join(source), ch.content.as_str()),
            ))
        })
        .collect();
    let pages: HashSet<&str> = now.questions.iter().map(|e| e.page.as_str()).collect();
    let mut out = Vec::new();
    let mut gone_pages: Vec<&str> = Vec::new();
    for old in &previous.questions {
        if landing.contains(&(old.page.as_str(), old.id.as_str())) {
            continue;
        }
        if !pages.contains(old.page.as_str()) {
            if !gone_pages.contains(&old.page.as_str()) {
                gone_pages.push(&old.page);
            }
            continue;
        }
        // Questions of the same record with an id the previous build did not have.
        let candidates = bank
            .records
            .iter()
            .filter(|r| url_path(&r.html_path) == old.page)
            .flat_map(|r| r.record.questions.iter().map(move |q| (r, q)))
            .filter(|(_, q)| !before.contains(&(old.page.as_str(), q.id.as_str())));
        let best = candidates
            .map(|(r, q)| (similarity(&old.title, &q.title), r, q))
            .filter(|(s, _, _)| *s >= 0.4)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let message = format!(
            "question id `{}` of the previous build is gone from {}, so links to {}#{} no longer land on a question",
            old.id, old.page, old.page, old.id
        );
        let d = match best {
            Some((_, r, q)) => {
                let (file, text) = texts
                    .get(&url_path(&r.source_path))
                    .map_or((src_dir.join(&r.source_path), ""), |(f, t)| (f.clone(), *t));
                Diagnostic::new(Code::QB020, message, Location::from_span(&file, text, q.heading.clone()))
                    .with_note(format!("it was `{}`; question {} is `{}` now", old.title, q.number, q.title))
                    .with_help(format!(
                        "if question {} is that question, keep the old links working: add `aliases: [{}]` to its metadata, the `<!-- qbank … -->` comment right after its heading",
                        q.number, old.id
                    ))
            }
            None => {
                let file = src_dir.join(&old.source);
                let text = texts.get(&old.source).map_or("", |t| t.1);
                Diagnostic::new(Code::QB020, message, Location::from_span(&file, text, 0..0))
                    .with_note(format!("it was `{}`", old.title))
                    .with_help(format!(
                        "if the question is still there under another id, add `aliases: [{}]` to its metadata",
                        old.id
                    ))
            }
        };
        out.push(d);
    }
    for page in gone_pages {
        let n = previous.questions.iter().filter(|e| e.page == page).count();
        let summary = src_dir.join("SUMMARY.md");
        out.push(
            Diagnostic::new(
                Code::QB020,
                format!("the record page {page} of the previous build is gone, with the links to its {n} question(s)"),
                Location::from_span(&summary, "", 0..0),
            )
            .with_help("if the record moved, links to the old page break; keep the old file name, or tell readers the new address"),
        );
    }
    crate::diag::sort(&mut out);
    out
}

/// How alike two titles are, from 0 to 1: the Dice coefficient of their character pairs (of
/// their characters, for titles of one character).
fn similarity(a: &str, b: &str) -> f64 {
    fn grams(s: &str) -> Vec<(char, char)> {
        let chars: Vec<char> = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        if chars.len() == 1 {
            return vec![(chars[0], chars[0])];
        }
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    }
    let (x, mut y) = (grams(a), grams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let total = x.len() + y.len();
    let mut shared = 0;
    for g in &x {
        if let Some(i) = y.iter().position(|h| h == g) {
            y.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::similarity;

    #[test]
    fn similar_titles() {
        assert!(similarity("限流算法和实现", "限流算法与实现") > 0.6);
        assert!(similarity("Rate limiting", "Rate limiting algorithms") > 0.6);
        assert!(similarity("限流算法和实现", "自我介绍") < 0.1);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
