//! The drill's questions, a few to a file: once mdBook has written the pages (and qbank's HTML
//! is back in them), the cards of every record page are copied into scripts,
//! `qbank/study/cards/PAGE/FIRST-LAST.js` (PAGE the record page without `.html`; FIRST and
//! LAST the places in the record, from 1, of the first and last question the file holds), each
//! holding [`PER_FILE`] questions (the last of a record fewer). Each card is a call
//! `window.qbankCard("PAGE.html#ID", "<section …>")`.
//!
//! So the drill page loads the few questions around the one it shows, tens of kilobytes,
//! rather than its record page with every other question; and it loads them as a script,
//! which works from `file://`. Not one file per question: a bank of 100,000 questions would
//! make 100,000 files, and making that many small files cost a build about 25 seconds of
//! system time (ext4), more than everything else together. Which file holds a question
//! depends only on its place, never on its text, so an edit rewrites at most one file and
//! the question list (`render::study::data`, which carries [`PER_FILE`] as `cards`) stays
//! the same.

use crate::config::Config;
use crate::lint::Bank;
use crate::text::url_path;
use anyhow::{Context, Result};
use std::path::Path;

/// Where the cards go, under the site root.
const DIR: &str = "qbank/study/cards";

use crate::render::study::CARDS_PER_FILE as PER_FILE;

/// The card file, relative to the record's card folder, of the question at place `n` (from 0)
/// of a record of `count` questions.
fn file_name(n: usize, count: usize) -> String {
    let first = n / PER_FILE * PER_FILE;
    let last = (first + PER_FILE).min(count);
    format!("{}-{}.js", first + 1, last)
}

const OPEN: &str = "<section class=\"qb-card\"";

/// Every card of `html`: (its `id`, its whole `<section>`), in page order.
fn cards(html: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(OPEN) {
        let start = from + at;
        let Some(end) = section_end(html, start) else {
            break;
        };
        let card = &html[start..end];
        out.push((attr(card, "id").unwrap_or_default(), card));
        from = end;
    }
    out
}

/// The end of the `<section>` that opens at `start`, counting nested sections.
fn section_end(html: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    loop {
        let rest = &html[i..];
        let open = rest.find("<section");
        let close = rest.find("</section>")?;
        match open {
            Some(o) if o < close => {
                depth += 1;
                i += o + "<section".len();
            }
            _ => {
                depth -= 1;
                i += close + "</section>".len();
                if depth == 0 {
                    return Some(i);
                }
            }
        }
    }
}

/// The value of attribute `name` on the first tag of `tag`, unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let head = &tag[..tag.find('>')?];
    let key = format!(" {name}=\"");
    let at = head.find(&key)? + key.len();
    let value = &head[at..at + head[at..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// `card` without its rubric sidebar, which the drill does not show (a quarter of a card).
fn without_rubric(card: &str) -> std::borrow::Cow<'_, str> {
    let Some(start) = card.find("<aside class=\"qb-rubric\"") else {
        return card.into();
    };
    let Some(len) = card[start..].find("</aside>") else {
        return card.into();
    };
    format!(
        "{}{}",
        &card[..start],
        &card[start + len + "</aside>".len()..]
    )
    .into()
}

/// What a card file the live site already holds with the same bytes becomes (for `serve`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Live<'a> {
    /// No live site: every card is written.
    None,
    /// Not written (the site is the live one's partial render): an edit to one answer
    /// rewrites one card.
    Skip(&'a Path),
    /// Linked from the live site (a full rebuild into a new site): the files that did not change
    /// cost no new file, which a file system that just deleted as many is slow to make.
    Link(&'a Path),
}

/// Writes the card files of every record page of `bank` found in `site`, when the book has a
/// drill page.
pub(crate) fn write(site: &Path, bank: &Bank, cfg: &Config, live: Live<'_>) -> Result<()> {
    write_except(site, bank, cfg, live, &Default::default())
}

/// [`write`], except for the record pages in `done` (URL paths relative to the site), whose
/// cards were written from their HTML as it was filled in (see [`Writer`]).
pub(crate) fn write_except(
    site: &Path,
    bank: &Bank,
    cfg: &Config,
    live: Live<'_>,
    done: &std::collections::HashSet<String>,
) -> Result<()> {
    if !cfg.page("drill") {
        return Ok(());
    }
    for r in &bank.records {
        if !done.contains(&url_path(&r.html_path)) {
            write_record(site, r, cfg, live)?;
        }
    }
    Ok(())
}

/// Writes the cards of record pages handed to it as they are filled in, on a thread of its
/// own, so that a big bank's cards are cut while the other pages are still being filled.
/// Dropped without [`Writer::finish`] (an error or a panic on the way), it still waits for
/// its thread, which must not write into a workspace that is being removed.
pub(crate) struct Writer {
    pages: Option<std::sync::mpsc::SyncSender<(String, Vec<u8>)>>,
    thread: Option<std::thread::JoinHandle<Result<std::collections::HashSet<String>>>>,
}

impl Writer {
    /// A writer into `site`, or `None` when the book has no drill page.
    pub(crate) fn start(
        site: &Path,
        bank: std::sync::Arc<Bank>,
        cfg: &Config,
        live: Option<&Path>,
    ) -> Option<Writer> {
        if !cfg.page("drill") {
            return None;
        }
        let (pages, rx) = std::sync::mpsc::sync_channel::<(String, Vec<u8>)>(4);
        let (site, cfg, live) = (site.to_path_buf(), cfg.clone(), live.map(Path::to_path_buf));
        let thread = std::thread::spawn(move || {
            let records: std::collections::HashMap<String, &crate::lint::RecordChapter> = bank
                .records
                .iter()
                .map(|r| (url_path(&r.html_path), r))
                .collect();
            let live = live.as_deref().map_or(Live::None, Live::Link);
            let mut done = std::collections::HashSet::new();
            for (rel, page) in rx {
                let Some(r) = records.get(&rel) else {
                    continue;
                };
                let html = String::from_utf8_lossy(&page);
                write_record_from(&site, r, &cfg, live, &html)?;
                done.insert(rel);
            }
            Ok(done)
        });
        Some(Writer {
            pages: Some(pages),
            thread: Some(thread),
        })
    }

    /// Hands it a page (a URL path relative to the site, and its bytes); pages that are not
    /// record pages are ignored.
    pub(crate) fn page(&self, rel: &str, bytes: Vec<u8>) {
        // A closed channel means the thread stopped on an error, which `finish` returns.
        if let Some(pages) = &self.pages {
            let _ = pages.send((rel.to_string(), bytes));
        }
    }

    /// Waits for the cards; returns the record pages they were written for.
    pub(crate) fn finish(mut self) -> Result<std::collections::HashSet<String>> {
        self.pages = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(done)) => done,
            _ => Err(anyhow::anyhow!("writing the drill's cards failed")),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.pages = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Writes the card files of one record page found in `site`; returns the paths, relative to
/// `site`, of those it wrote. Nothing when the book has no drill page. See [`Live`] for cards
/// the live site already has.
pub(crate) fn write_record(
    site: &Path,
    r: &crate::lint::RecordChapter,
    cfg: &Config,
    live: Live<'_>,
) -> Result<Vec<std::path::PathBuf>> {
    if !cfg.page("drill") {
        return Ok(Vec::new());
    }
    let page = site.join(&r.html_path);
    let Ok(html) = std::fs::read_to_string(&page) else {
        return Ok(Vec::new());
    };
    write_record_from(site, r, cfg, live, &html)
}

/// [`write_record`] from the record page's final HTML, `html`, already in hand.
pub(crate) fn write_record_from(
    site: &Path,
    r: &crate::lint::RecordChapter,
    cfg: &Config,
    live: Live<'_>,
    html: &str,
) -> Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    if !cfg.page("drill") {
        return Ok(written);
    }
    let found = cards(html);
    let rel_dir = Path::new(DIR).join(r.html_path.with_extension(""));
    let dir = site.join(&rel_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let url = url_path(&r.html_path);
    let questions = &r.record.questions;
    for (at, group) in questions.chunks(PER_FILE).enumerate() {
        let mut js = String::new();
        for q in group {
            let Some((_, card)) = found.iter().find(|(id, _)| *id == q.id) else {
                continue;
            };
            let key = serde_json::to_string(&format!("{url}#{}", q.id))?;
            let text = serde_json::to_string(&without_rubric(card))?;
            js.push_str(&format!(
                "window.qbankCard && window.qbankCard({key}, {text});\n"
            ));
        }
        if js.is_empty() {
            continue;
        }
        let rel = rel_dir.join(file_name(at * PER_FILE, questions.len()));
        let to = site.join(&rel);
        let same = |live: &Path| std::fs::read(live.join(&rel)).is_ok_and(|b| b == js.as_bytes());
        match live {
            Live::Skip(dir) if same(dir) => continue,
            Live::Link(dir) if same(dir) && std::fs::hard_link(dir.join(&rel), &to).is_ok() => {
                continue;
            }
            _ => {}
        }
        std::fs::write(&to, js).with_context(|| format!("writing {}", to.display()))?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_file_is_named_by_the_places_it_holds() {
        assert_eq!(file_name(0, 3), "1-3.js");
        assert_eq!(file_name(2, 3), "1-3.js");
        assert_eq!(file_name(15, 40), "1-16.js");
        assert_eq!(file_name(16, 40), "17-32.js");
        assert_eq!(file_name(39, 40), "33-40.js");
        assert_eq!(file_name(32, 33), "33-33.js");
    }

    #[test]
    fn cards_are_found_with_nested_sections() {
        let html = "<main><section class=\"qb-card\" id=\"a&amp;b\"><p>x</p><section>in</section></section>\n<hr><section class=\"qb-card\" id=\"c\">y</section><section>other</section></main>";
        let found = cards(html);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "a&b");
        assert_eq!(
            found[0].1,
            "<section class=\"qb-card\" id=\"a&amp;b\"><p>x</p><section>in</section></section>"
        );
        assert_eq!(
            found[1].1,
            "<section class=\"qb-card\" id=\"c\">y</section>"
        );
        assert!(cards("<section class=\"qb-card\" id=\"x\">unclosed").is_empty());
        assert_eq!(
            without_rubric(
                "<section><div>q</div><aside class=\"qb-rubric\" x><p>r</p></aside></section>"
            ),
            "<section><div>q</div></section>"
        );
    }
}
