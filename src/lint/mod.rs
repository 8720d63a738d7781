//! Validation, as its own pass over the parsed model and the book: the record rules
//! (`record`), ids that must be unique across the book, `{{#question}}` links ([`links`]),
//! configuration keys, and files mdBook cannot read. Takes the book and the config; gives a
//! [`Bank`]: the parsed records plus every diagnostic, in the order they are printed.

pub mod groups;
pub mod links;
pub mod manifest;
mod record;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Location, check_utf8};
use crate::model::Record;
use crate::parse::parse;
use mdbook_preprocessor::book::Book;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One chapter that is an interview record.
#[derive(Debug)]
pub struct RecordChapter {
    /// Source path as mdBook reports it (relative to `src/`).
    pub source_path: PathBuf,
    /// Output path of the chapter's page (relative to the site root), e.g. `go/round2.html`.
    pub html_path: PathBuf,
    /// The parsed record, shared with `serve`'s parse cache.
    pub record: std::sync::Arc<Record>,
    /// For each question, its group in [`Bank::groups`] when other records ask it too.
    pub group: Vec<Option<usize>>,
}

/// Everything qbank knows about a book before rendering it.
#[derive(Debug, Default)]
pub struct Bank {
    /// Every record, in book order.
    pub records: Vec<RecordChapter>,
    /// Every diagnostic, sorted as they are printed.
    pub diagnostics: Vec<Diagnostic>,
    /// Every question by id, alias and record, for `{{#question ID}}`.
    pub targets: crate::lint::links::Targets,
    /// Questions asked in two or more records, most records first.
    pub groups: Vec<groups::Group>,
    /// Chapters that are not records but start with front matter: where their markdown starts.
    pub body_start: HashMap<PathBuf, usize>,
    /// A hash of every chapter's text as checked, to tell whether it changed since.
    pub content_hashes: Vec<u64>,
}

/// A hash of each chapter's text, in book order. It only tells whether a chapter changed
/// between the check and the build of one process, so it is fast rather than strong.
pub fn content_hashes(book: &Book) -> Vec<u64> {
    book.chapters().map(|ch| text_hash(&ch.content)).collect()
}

/// Eight bytes at a time: a multiply-rotate mix (as in FxHash) with the length folded in.
fn text_hash(text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = text.as_bytes();
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    h
}

/// Parses `chapters` (with their file names) on all cores; results in chapter order.
fn parse_all(chapters: &[(&Path, &str)], cfg: &Config) -> Vec<crate::parse::Parsed> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(chapters.len().max(1));
    if threads <= 1 {
        return chapters.iter().map(|(f, t)| parse(f, t, cfg)).collect();
    }
    // Hand out chapters one at a time, so one big record does not hold up the rest.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parsed: Vec<(usize, crate::parse::Parsed)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((file, text)) = chapters.get(i) else {
                            return out;
                        };
                        out.push((i, parse(file, text, cfg)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    parsed.sort_unstable_by_key(|p| p.0);
    parsed.into_iter().map(|p| p.1).collect()
}

impl Bank {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parse results kept between checks of one book (`serve`'s rebuilds): a chapter whose file
/// and text did not change is not parsed or checked again.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// File → what checking its text gave.
    entries: HashMap<PathBuf, Cached>,
    /// For the next check only: the chapters (by source path) whose text may have changed
    /// since the last one; every other chapter is taken to have the text the cache holds,
    /// and is not hashed again. See [`ParseCache::only_changed`].
    only_changed: Option<std::collections::HashSet<PathBuf>>,
}

impl ParseCache {
    /// Tells the next [`check_book_cached`] that no chapter but these (source paths, as in
    /// `Chapter::source_path`) changed since the last check with this cache, so it need
    /// not hash every chapter's text to find out: 16 MB at 10,000 questions, about a tenth of
    /// the CPU of an edit's rebuild in `serve`. Wrong if another chapter's text changed.
    pub fn only_changed(&mut self, sources: impl IntoIterator<Item = PathBuf>) {
        self.only_changed = Some(sources.into_iter().collect());
    }
}

/// One chapter as [`check_book_cached`] keeps it. The record is shared with the banks made
/// from it, so that a re-check of a large book copies no record.
#[derive(Debug)]
struct Cached {
    /// A hash of the text it was made from.
    hash: u64,
    record: Option<std::sync::Arc<Record>>,
    /// What parsing found, then what the record rules found.
    diagnostics: Vec<Diagnostic>,
    body_start: usize,
    /// The `{{#question}}` links of the text (not escaped, not in code): each one's span and
    /// its id's.
    links: Vec<(crate::model::Span, crate::model::Span)>,
}

/// Parses every chapter of `book` and runs the book-wide checks. `src_dir` is the `src`
/// directory as the user names it (e.g. `src`), used to print paths they can open.
pub fn check_book(book: &Book, cfg: &Config, src_dir: &Path) -> Bank {
    check_with(book, cfg, src_dir, &mut ParseCache::default(), false)
}

/// [`check_book`], parsing only the chapters `cache` does not hold as they are now, and
/// keeping what it parsed there for the next check.
pub fn check_book_cached(
    book: &Book,
    cfg: &Config,
    src_dir: &Path,
    cache: &mut ParseCache,
) -> Bank {
    check_with(book, cfg, src_dir, cache, true)
}

fn check_with(
    book: &Book,
    cfg: &Config,
    src_dir: &Path,
    cache: &mut ParseCache,
    keep: bool,
) -> Bank {
    // Each chapter's text is hashed once: for the bank, and to find it in the cache. When the
    // caller says which chapters changed, the others keep the hash the cache has.
    let only_changed = cache.only_changed.take().filter(|_| keep);
    let content_hashes = book
        .chapters()
        .map(|ch| {
            let known = only_changed
                .as_ref()
                .zip(ch.source_path.as_ref())
                .filter(|(changed, source)| !changed.contains(*source))
                .and_then(|(_, source)| cache.entries.get(&src_dir.join(source)));
            known.map_or_else(|| text_hash(&ch.content), |c| c.hash)
        })
        .collect();
    let mut bank = Bank {
        content_hashes,
        ..Bank::default()
    };
    // Each record's file and text, in the order of bank.records, for group diagnostics.
    let mut texts: Vec<(PathBuf, &str)> = Vec::new();
    let (chapters, hashes): (Vec<_>, Vec<u64>) = book
        .chapters()
        .zip(bank.content_hashes.iter().copied())
        .filter(|(ch, _)| ch.path.is_some() && ch.source_path.is_some())
        .unzip();
    let files: Vec<PathBuf> = chapters
        .iter()
        .map(|ch| src_dir.join(ch.source_path.as_deref().unwrap_or(Path::new(""))))
        .collect();
    let missing: Vec<usize> = (0..chapters.len())
        .filter(|&i| {
            cache
                .entries
                .get(&files[i])
                .is_none_or(|e| e.hash != hashes[i])
        })
        .collect();
    let inputs: Vec<(&Path, &str)> = missing
        .iter()
        .map(|&i| (files[i].as_path(), chapters[i].content.as_str()))
        .collect();
    for (&i, parsed) in missing.iter().zip(parse_all(&inputs, cfg)) {
        let mut found = match &parsed.record {
            Some(record) => record::check(&files[i], &chapters[i].content, record, cfg),
            None => Vec::new(),
        };
        crate::diag::sort(&mut found);
        let mut diagnostics = parsed.diagnostics;
        diagnostics.extend(found);
        // Kept for the next check's link check (only a cache that is kept is read again).
        let text = chapters[i].content.as_str();
        let links = if keep {
            links::tokens(text)
                .into_iter()
                .filter(|t| !t.escaped)
                .map(|t| {
                    let at = t.id.as_ptr() as usize - text.as_ptr() as usize;
                    (t.span, at..at + t.id.len())
                })
                .collect()
        } else {
            Vec::new()
        };
        let cached = Cached {
            hash: hashes[i],
            record: parsed.record.map(std::sync::Arc::new),
            diagnostics,
            body_start: parsed.body_start,
            links,
        };
        cache.entries.insert(files[i].clone(), cached);
    }
    for (ci, ch) in chapters.iter().copied().enumerate() {
        let (Some(path), Some(source)) = (&ch.path, &ch.source_path) else {
            continue;
        };
        let file = &files[ci];
        let (record, body_start) = if keep {
            let Some(c) = cache.entries.get(file) else {
                continue;
            };
            bank.diagnostics.extend(c.diagnostics.iter().cloned());
            (c.record.clone(), c.body_start)
        } else {
            let Some(c) = cache.entries.remove(file) else {
                continue;
            };
            bank.diagnostics.extend(c.diagnostics);
            (c.record, c.body_start)
        };
        let Some(record) = record else {
            if body_start > 0 {
                bank.body_start.insert(source.clone(), body_start);
            }
            continue;
        };
        let page = crate::text::url_path(&path.with_extension("html"));
        let source_url = crate::text::url_path(source);
        let title = record.title.clone().unwrap_or_else(|| ch.name.clone());
        for q in &record.questions {
            let aliases = q.meta.as_ref().map_or(&[][..], |m| &m.aliases[..]);
            bank.targets.add(
                crate::lint::links::Target {
                    page: page.clone(),
                    source: source_url.clone(),
                    id: q.id.clone(),
                    text: format!("{title} › {}. {}", q.number, q.title),
                },
                aliases,
            );
        }
        texts.push((file.clone(), ch.content.as_str()));
        let questions = record.questions.len();
        bank.records.push(RecordChapter {
            source_path: source.clone(),
            html_path: path.with_extension("html"),
            record,
            group: vec![None; questions],
        });
    }
    // Groups of the same question across records, once every record is known.
    let found = groups::group(&mut bank, &texts);
    bank.diagnostics.extend(found);
    // Links can only be checked once every question of the book is known.
    for ch in book.chapters() {
        let Some(source) = &ch.source_path else {
            continue;
        };
        let file = src_dir.join(source);
        let text = ch.content.as_str();
        // A kept cache holds every chapter as it is now, with its links found.
        let d = match cache.entries.get(&file).filter(|_| keep) {
            Some(c) => links::check_tokens(
                &file,
                text,
                c.links.iter().map(|(span, id)| links::Token {
                    span: span.clone(),
                    id: text.get(id.clone()).unwrap_or_default(),
                    escaped: false,
                }),
                &bank.targets,
            ),
            None => links::check(&file, text, &bank.targets),
        };
        bank.diagnostics.extend(d);
    }
    crate::diag::sort(&mut bank.diagnostics);
    bank
}

/// Where `key` of `[preprocessor.qbank]` is written in `text` (a book.toml), as toml_edit
/// read it: under `[preprocessor.qbank]`, in an inline table or as a dotted key, never a key
/// of the same name in another table. `0..0` when it is not there.
fn key_span(text: &str, key: &str) -> std::ops::Range<usize> {
    let Ok(doc) = toml_edit::Document::parse(text) else {
        return 0..0;
    };
    doc.get("preprocessor")
        .and_then(|p| p.as_table_like())
        .and_then(|p| p.get("qbank"))
        .and_then(|q| q.as_table_like())
        .and_then(|q| q.get_key_value(key))
        .and_then(|(k, _)| k.span())
        .unwrap_or(0..0)
}

/// Warns about keys under `[preprocessor.qbank]` that nobody reads (usually a typo).
pub fn config_diagnostics(book_toml: &Path, cfg: &Config) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(book_toml).unwrap_or_default();
    cfg.unknown_keys()
        .into_iter()
        .map(|key| {
            let span = key_span(&text, key);
            Diagnostic::new(
                Code::QB008,
                format!("unknown key `{key}` in [preprocessor.qbank]"),
                Location::from_span(book_toml, &text, span),
            )
            .with_help(format!("known keys: {}", Config::known_keys().join(", ")))
        })
        .collect()
}

/// `[preprocessor.qbank]` with a value of the wrong kind (`edition = "candidate"`), as an
/// error at the key.
pub fn config_error(book_toml: &Path, error: &anyhow::Error) -> Diagnostic {
    let text = std::fs::read_to_string(book_toml).unwrap_or_default();
    let message = format!("{error:#}");
    // serde names the offending key last: "… in `edition`".
    let key = message
        .rsplit_once("in `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(k, _)| k.to_string());
    let span = key.as_deref().map_or(0..0, |k| key_span(&text, k));
    let what = message
        .lines()
        .next()
        .unwrap_or_default()
        .rsplit(": ")
        .next()
        .unwrap_or_default()
        .to_string();
    Diagnostic::new(
        Code::QB017,
        format!(
            "invalid value for `{}` in [preprocessor.qbank]: {what}",
            key.as_deref().unwrap_or("?")
        ),
        Location::from_span(book_toml, &text, span),
    )
    .with_help("see the guide's configuration section for the values each key takes")
}

/// Finds markdown files under `src` that are not valid UTF-8; mdBook would refuse them with no
/// position.
pub fn utf8_diagnostics(src: &Path, shown_as: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
    {
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let rel = entry.path().strip_prefix(src).unwrap_or(entry.path());
        if let Some(d) = check_utf8(&shown_as.join(rel), &bytes) {
            out.push(d);
        }
    }
    out
}
