//! Splicing: how `qbank build` keeps mdBook's work down to the record's own markdown.
//!
//! mdBook 0.5 turns every chapter into an HTML tree and keeps all of them until `print.html`
//! is written, so its time and memory grow with the size of the chapter markdown, and qbank's
//! card frames, rubrics and overview more than double it. `qbank build` therefore hands mdBook
//! a record chapter with each of qbank's HTML blocks replaced by a comment marker, and keeps
//! the HTML itself here. mdBook renders the record's markdown as usual (heading ids, links,
//! footnotes, code classes), passes comments through verbatim, and once it has written the
//! site, [`Splice::put_back`] replaces every marker in every page (the chapter, `index.html`,
//! `print.html`) with its HTML.
//!
//! The page a reader gets is the same as when mdBook renders the HTML blocks itself, except
//! that qbank's HTML is written as qbank wrote it rather than re-serialized by mdBook. Stock
//! `mdbook` with `mdbook-qbank` does not splice: it has no step after rendering.

use anyhow::{Context, Result, bail};
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

/// The held HTML blocks of one build.
#[derive(Debug)]
pub struct Splice {
    /// `<!--qbank-splice-NONCE-`: the nonce keeps a record's own comments from ever matching.
    prefix: String,
    held: Mutex<Vec<Held>>,
}

#[derive(Debug)]
struct Held {
    html: String,
    /// How deep the chapter lies below the site root, for links on `print.html`.
    depth: usize,
}

const SUFFIX: &str = "-->";

impl Default for Splice {
    fn default() -> Self {
        Self::new()
    }
}

impl Splice {
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let nonce = format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff_ffff);
        Splice {
            prefix: format!("<!--qbank-splice-{nonce}-"),
            held: Mutex::new(Vec::new()),
        }
    }

    /// `text` with everything outside the `markdown` ranges (sorted, disjoint) held back and
    /// replaced by markers. `depth` is the chapter's depth below the site root.
    pub fn hold(&self, text: &str, markdown: &[Range<usize>], depth: usize) -> String {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::with_capacity(text.len() / 2);
        let mut pos = 0;
        let mut gap = |out: &mut String, html: &str| {
            if html.trim().is_empty() {
                out.push_str(html);
                return;
            }
            // A comment on lines of its own is an HTML block of its own.
            out.push_str("\n\n");
            out.push_str(&self.prefix);
            out.push_str(&held.len().to_string());
            out.push_str(SUFFIX);
            out.push_str("\n\n");
            held.push(Held {
                html: html.to_string(),
                depth,
            });
        };
        for r in markdown {
            let start = r.start.max(pos).min(text.len());
            let end = r.end.max(start).min(text.len());
            gap(&mut out, &text[pos..start]);
            out.push_str(&text[start..end]);
            pos = end;
        }
        gap(&mut out, &text[pos..]);
        out
    }

    /// A generated page: its blocks that start with `<` are HTML and held back; the rest (its
    /// headings) stays markdown.
    pub fn hold_page(&self, text: &str) -> String {
        let mut markdown = Vec::new();
        let mut start = 0;
        for block in text.split_inclusive("\n\n") {
            if !block.trim_start().starts_with('<') {
                markdown.push(start..start + block.len());
            }
            start += block.len();
        }
        self.hold(text, &markdown, 0)
    }

    /// Puts the held HTML back into every `.html` file under `site`. Fails if a marker is
    /// unknown or a held block appears on no page, so that no text is ever lost silently.
    pub fn put_back(&self, site: &Path) -> Result<()> {
        let held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.is_empty() {
            return Ok(());
        }
        let mut used = vec![false; held.len()];
        let finder = memchr::memmem::Finder::new(self.prefix.as_bytes());
        for entry in walkdir::WalkDir::new(site) {
            let entry = entry?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            // Bytes, not a String: the markers are ASCII, and validating every page as UTF-8
            // would cost as much as the splicing.
            let page =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            if finder.find(&page).is_none() {
                continue;
            }
            let print =
                path.parent() == Some(site) && path.file_name() == Some("print.html".as_ref());
            let filled = self
                .fill(&finder, &page, &held, &mut used, print)
                .with_context(|| format!("filling in {}", path.display()))?;
            std::fs::write(path, filled).with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(lost) = used.iter().position(|u| !u) {
            bail!(
                "qbank's HTML block {lost} of {} appeared on no page (mdBook dropped its marker); \
                 please report this with the book",
                held.len()
            );
        }
        Ok(())
    }

    fn fill(
        &self,
        finder: &memchr::memmem::Finder<'_>,
        page: &[u8],
        held: &[Held],
        used: &mut [bool],
        print: bool,
    ) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(page.len() * 2);
        let mut rest = page;
        while let Some(at) = finder.find(rest) {
            out.extend_from_slice(&rest[..at]);
            let after = &rest[at + self.prefix.len()..];
            let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
            let index: Option<usize> = std::str::from_utf8(&after[..digits])
                .ok()
                .and_then(|d| d.parse().ok());
            let (Some(index), true) = (index, after[digits..].starts_with(SUFFIX.as_bytes()))
            else {
                bail!(
                    "a qbank marker was cut: {:?}",
                    String::from_utf8_lossy(&after[..after.len().min(40)])
                );
            };
            let Some(h) = held.get(index) else {
                bail!("unknown qbank marker {index}");
            };
            used[index] = true;
            if print {
                let mut html = String::with_capacity(h.html.len());
                push_print_html(&mut html, &h.html, h.depth);
                out.extend_from_slice(html.as_bytes());
            } else {
                out.extend_from_slice(h.html.as_bytes());
            }
            rest = &after[digits + SUFFIX.len()..];
        }
        out.extend_from_slice(rest);
        Ok(out)
    }
}

/// Writes `html` for `print.html`, which lies at the site root and holds every chapter: a link
/// to another page's anchor becomes a link to that anchor on the print page (as mdBook does for
/// the chapters' own links), and other relative links lose the chapter's `../` prefixes.
fn push_print_html(out: &mut String, html: &str, depth: usize) {
    const HREF: &str = "href=\"";
    let mut rest = html;
    while let Some(at) = rest.find(HREF) {
        let (head, tail) = rest.split_at(at + HREF.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let href = &tail[..end];
        let relative = !href.starts_with('#') && !href.starts_with('/') && !href.contains(':');
        if relative {
            match href.find('#') {
                Some(hash) => out.push_str(&href[hash..]),
                None => {
                    let mut h = href;
                    for _ in 0..depth {
                        h = h.strip_prefix("../").unwrap_or(h);
                    }
                    out.push_str(h);
                }
            }
        } else {
            out.push_str(href);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hold_keeps_markdown_and_marks_html() {
        let s = Splice::new();
        let text = "<div>\n\nhello *md*\n\n</div>\n\n<hr>\n\nbye\n";
        let span = |part: &str| {
            let at = text.find(part).unwrap();
            at..at + part.len()
        };
        let md = s.hold(text, &[span("hello *md*"), span("bye")], 0);
        assert!(md.contains("hello *md*") && md.contains("bye"));
        assert!(!md.contains("<div>") && !md.contains("<hr>"));
        assert_eq!(md.matches(&s.prefix).count(), 2);
        // What mdBook would write around the markdown, markers verbatim.
        let page = md
            .replace("hello *md*", "<p>hello <em>md</em></p>")
            .replace("bye", "<p>bye</p>");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), &page).unwrap();
        s.put_back(dir.path()).unwrap();
        let back = std::fs::read_to_string(dir.path().join("a.html")).unwrap();
        assert_eq!(
            back.split_whitespace().collect::<String>(),
            "<div><p>hello<em>md</em></p></div><hr><p>bye</p>"
        );
    }

    #[test]
    fn a_block_on_no_page_is_an_error() {
        let s = Splice::new();
        s.hold("<div></div>", &[], 0);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "nothing").unwrap();
        assert!(s.put_back(dir.path()).is_err());
    }

    #[test]
    fn print_links_point_into_the_print_page() {
        let mut out = String::new();
        push_print_html(
            &mut out,
            r##"<a href="../qbank-tags.html#tag-x">t</a><a href="#q">q</a><a href="../../a/b.html">b</a><a href="https://x.y/">x</a>"##,
            2,
        );
        assert_eq!(
            out,
            r##"<a href="#tag-x">t</a><a href="#q">q</a><a href="a/b.html">b</a><a href="https://x.y/">x</a>"##
        );
    }

    #[test]
    fn pages_hold_html_blocks_only() {
        let s = Splice::new();
        let md = s.hold_page("# Tags\n\n<div>x</div>\n\n## a {#t-a}\n\n<ul><li>y</li></ul>\n\n");
        assert!(md.starts_with("# Tags\n\n"));
        assert!(md.contains("## a {#t-a}"));
        assert!(!md.contains("<ul>"));
    }
}
