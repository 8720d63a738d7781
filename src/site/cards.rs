//! The drill's questions, one file each: once mdBook has written the pages (and qbank's HTML is
//! back in them), every card of every record page is copied into a script of its own,
//! `qbank/study/cards/PAGE/N.js` (PAGE the record page without `.html`, N the question's place
//! in the record from 1), which calls `window.qbankCard("PAGE.html#ID", "<section …>")`.
//!
//! So the drill page loads the one question it shows, a few kilobytes, rather than its record
//! page with every other question; and it loads it as a script, which works from `file://`.

use crate::config::Config;
use crate::lint::Bank;
use crate::text::url_path;
use anyhow::{Context, Result};
use std::path::Path;

/// Where the cards go, under the site root.
const DIR: &str = "qbank/study/cards";

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
    /// Linked from the live site (a full rebuild into a new site): ten thousand cards cost no
    /// new file, which a file system that just deleted as many is slow to make.
    Link(&'a Path),
}

/// Writes the card files of every record page of `bank` found in `site`, when the book has a
/// drill page.
pub(crate) fn write(site: &Path, bank: &Bank, cfg: &Config, live: Live<'_>) -> Result<()> {
    if !cfg.page("drill") {
        return Ok(());
    }
    for r in &bank.records {
        write_record(site, r, cfg, live)?;
    }
    Ok(())
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
    let mut written = Vec::new();
    if !cfg.page("drill") {
        return Ok(written);
    }
    let page = site.join(&r.html_path);
    let Ok(html) = std::fs::read_to_string(&page) else {
        return Ok(written);
    };
    let found = cards(&html);
    let rel_dir = Path::new(DIR).join(r.html_path.with_extension(""));
    let dir = site.join(&rel_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let url = url_path(&r.html_path);
    for (n, q) in r.record.questions.iter().enumerate() {
        let Some((_, card)) = found.iter().find(|(id, _)| *id == q.id) else {
            continue;
        };
        let key = serde_json::to_string(&format!("{url}#{}", q.id))?;
        let text = serde_json::to_string(&without_rubric(card))?;
        let name = format!("{}.js", n + 1);
        let rel = rel_dir.join(name);
        let js = format!("window.qbankCard && window.qbankCard({key}, {text});\n");
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
