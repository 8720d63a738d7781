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

use crate::site::print::{HEAD_SLOT, HREF_SLOT, PrintPlan, print_page};
use crate::site::progress::{Phase, Progress};
use anyhow::{Context, Result, bail};
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

/// The held HTML blocks of one build.
#[derive(Debug)]
pub struct Splice {
    /// `<!--qbank-splice-NONCE-`: the nonce keeps a record's own comments from ever matching.
    prefix: String,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    held: Vec<Held>,
    store: Store,
}

#[derive(Debug)]
struct Held {
    /// Where the block's HTML is in the [`Store`].
    at: u64,
    len: usize,
    /// How deep the chapter lies below the site root, for links on `print.html`.
    depth: usize,
}

/// The held blocks' HTML, one after the other: in memory, or in a file (`qbank build`), which
/// keeps a big bank's cards (370 MB at 100,000 questions) out of memory while mdBook renders.
#[derive(Debug, Default)]
struct Store {
    mem: Vec<u8>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    len: u64,
    /// The first write error; reported by `put_back`.
    error: Option<std::io::Error>,
    /// Reading back from the file: a window of it, and where it starts.
    window: Vec<u8>,
    window_at: u64,
}

/// How much of the file one read brings in: a page's blocks lie one after the other.
const WINDOW: usize = 1 << 20;

impl Store {
    fn push(&mut self, html: &str) {
        match &mut self.file {
            Some(f) => {
                if let Err(e) = f.write_all(html.as_bytes()) {
                    self.error.get_or_insert(e);
                }
            }
            None => self.mem.extend_from_slice(html.as_bytes()),
        }
        self.len += html.len() as u64;
    }

    /// The bytes `at..at + len`.
    fn get(&mut self, at: u64, len: usize) -> std::io::Result<&[u8]> {
        let Some(f) = &mut self.file else {
            let at = at as usize;
            return Ok(&self.mem[at..at + len]);
        };
        let end = at + len as u64;
        if at < self.window_at || end > self.window_at + self.window.len() as u64 {
            f.flush()?;
            let file = f.get_mut();
            file.seek(SeekFrom::Start(at))?;
            let want = (self.len - at).min(len.max(WINDOW) as u64) as usize;
            self.window.resize(want, 0);
            file.read_exact(&mut self.window)?;
            self.window_at = at;
        }
        let from = (at - self.window_at) as usize;
        Ok(&self.window[from..from + len])
    }
}

const SUFFIX: &str = "-->";

/// How [`Splice::put_back`] fills one page: whether it is `print.html` (whose held blocks get
/// their links rewritten), and the values of the slots `(print-href, print-head)`.
#[derive(Clone, Copy)]
struct Fill<'a> {
    print: bool,
    slots: (&'a str, &'a str),
}

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
            inner: Mutex::new(Inner::default()),
        }
    }

    /// A splice that keeps the held HTML in the file `path` (created, or emptied) rather than
    /// in memory.
    pub(crate) fn in_file(path: &Path) -> Result<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        let splice = Splice::new();
        splice.lock().store.file = Some(std::io::BufWriter::with_capacity(WINDOW, file));
        Ok(splice)
    }

    /// Forgets every held block, so that this splice (and a theme that has its slots) serves
    /// another render (`serve`'s partial rebuilds).
    pub(crate) fn clear(&self) {
        *self.lock() = Inner::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `text` with everything outside the `markdown` ranges (sorted, disjoint) held back and
    /// replaced by markers. `depth` is the chapter's depth below the site root.
    pub fn hold(&self, text: &str, markdown: &[Range<usize>], depth: usize) -> String {
        let mut inner = self.lock();
        let Inner { held, store } = &mut *inner;
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
                at: store.len,
                len: html.len(),
                depth,
            });
            store.push(html);
        };
        for r in markdown {
            let start = r.start.max(pos).min(text.len());
            let end = r.end.max(start).min(text.len());
            gap(&mut out, &text[pos..start]);
            out.push_str(&text[start..end]);
            pos = end;
        }
        gap(&mut out, &text[pos..]);
        // mdBook keeps every chapter until it has rendered them all: not a byte more.
        out.shrink_to_fit();
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

    /// The marker of a named slot (`print-href`, `print-head`) that a patched theme puts into
    /// every page, filled per page by [`Splice::put_back`].
    pub(crate) fn slot(&self, name: &str) -> String {
        format!("{}{name}{SUFFIX}", self.prefix)
    }

    /// Puts the held HTML back into every `.html` file under `site`. Fails if a marker is
    /// unknown or a held block appears on no page, so that no text is ever lost silently.
    ///
    /// With a print plan (see [`crate::site::print`]) it also fills the print slots and, when
    /// the book is split, writes each record page's print page beside it. A `print.html` that
    /// turns out larger than the limit splits the book here. Returns whether the book is split.
    pub(crate) fn put_back(
        &self,
        site: &Path,
        print: Option<&PrintPlan>,
        progress: &dyn Progress,
    ) -> Result<bool> {
        self.put_back_with(site, print, progress, &mut |_, _| {})
    }

    /// [`Splice::put_back`], handing each page it filled (its path relative to `site`, as a
    /// URL path, and its final bytes) to `filled_page` once written: the drill's card files
    /// are cut from the record pages there, without reading them again.
    pub(crate) fn put_back_with(
        &self,
        site: &Path,
        print: Option<&PrintPlan>,
        progress: &dyn Progress,
        filled_page: &mut dyn FnMut(&str, Vec<u8>),
    ) -> Result<bool> {
        let mut inner = self.lock();
        let Inner { held, store } = &mut *inner;
        if let Some(e) = store.error.take() {
            return Err(e).context("keeping qbank's HTML in the build's workspace");
        }
        let mut split = print.is_some_and(|p| p.split);
        if held.is_empty() && print.is_none() {
            return Ok(split);
        }
        let mut used = vec![false; held.len()];
        let finder = memchr::memmem::Finder::new(self.prefix.as_bytes());
        let mut pages = Vec::new();
        for entry in walkdir::WalkDir::new(site) {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "html") {
                pages.push(path.to_path_buf());
            }
        }
        // print.html first: whether it fits decides whether the book is split after all.
        let print_html = site.join("print.html");
        if let Some(i) = pages.iter().position(|p| *p == print_html) {
            pages.swap(0, i);
        }
        progress.start(Phase::Write, Some(pages.len() as u64));
        for path in &pages {
            progress.advance(Phase::Write, 1);
            let rel = path
                .strip_prefix(site)
                .map(crate::text::url_path)
                .unwrap_or_default();
            let record = rel != "index.html" && print.is_some_and(|p| p.records.contains(&rel));
            // Bytes, not a String: the markers are ASCII, and validating every page as UTF-8
            // would cost as much as the splicing.
            let page =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            if finder.find(&page).is_none() && !(split && record) {
                continue;
            }
            let is_print = *path == print_html;
            let href = crate::render::escape_html(&if split && record {
                print_page(&rel)
            } else {
                "print.html".to_string()
            });
            let filled = self
                .fill(
                    &finder,
                    &page,
                    held,
                    store,
                    &mut used,
                    Fill {
                        print: is_print,
                        slots: (&href, ""),
                    },
                )
                .with_context(|| format!("filling in {}", path.display()))?;
            if let Some(plan) = print.filter(|p| is_print && filled.len() as u64 > p.limit) {
                // The estimate was low: split now.
                tracing::debug!("print.html is {} bytes, over {}", filled.len(), plan.limit);
                split = true;
                std::fs::remove_file(path)
                    .with_context(|| format!("removing {}", path.display()))?;
                continue;
            }
            std::fs::write(path, &filled).with_context(|| format!("writing {}", path.display()))?;
            if !is_print {
                filled_page(&rel, filled);
            }
            if let (true, true, Some(plan)) = (split, record, print) {
                let twin = self.fill(
                    &finder,
                    &page,
                    held,
                    store,
                    &mut used,
                    Fill {
                        print: false,
                        slots: (&href, &plan.head),
                    },
                )?;
                let to = site.join(print_page(&rel));
                std::fs::write(&to, twin).with_context(|| format!("writing {}", to.display()))?;
            }
        }
        if let Some(lost) = used.iter().position(|u| !u) {
            bail!(
                "qbank's HTML block {lost} of {} appeared on no page (mdBook dropped its marker); \
                 please report this with the book",
                held.len()
            );
        }
        Ok(split)
    }

    /// `page` with every marker replaced: held blocks (rewritten for the print page when
    /// `print`), and the slots `(print-href, print-head)`.
    fn fill(
        &self,
        finder: &memchr::memmem::Finder<'_>,
        page: &[u8],
        held: &[Held],
        store: &mut Store,
        used: &mut [bool],
        how: Fill<'_>,
    ) -> Result<Vec<u8>> {
        let Fill { print, slots } = how;
        let mut out = Vec::with_capacity(page.len() * 2);
        let mut rest = page;
        while let Some(at) = finder.find(rest) {
            out.extend_from_slice(&rest[..at]);
            let after = &rest[at + self.prefix.len()..];
            let named = [(HREF_SLOT, slots.0), (HEAD_SLOT, slots.1)]
                .into_iter()
                .find(|(name, _)| {
                    after.starts_with(name.as_bytes())
                        && after[name.len()..].starts_with(SUFFIX.as_bytes())
                });
            if let Some((name, value)) = named {
                out.extend_from_slice(value.as_bytes());
                rest = &after[name.len() + SUFFIX.len()..];
                continue;
            }
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
            let bytes = store
                .get(h.at, h.len)
                .context("reading qbank's HTML back from the build's workspace")?;
            if print {
                // Held blocks are whole strs, so valid UTF-8.
                let html = String::from_utf8_lossy(bytes);
                let mut out_html = String::with_capacity(h.len);
                push_print_html(&mut out_html, &html, h.depth);
                out.extend_from_slice(out_html.as_bytes());
            } else {
                out.extend_from_slice(bytes);
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
    use crate::site::progress::Silent;

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
        s.put_back(dir.path(), None, &Silent).unwrap();
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
        assert!(s.put_back(dir.path(), None, &Silent).is_err());
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

    #[test]
    fn a_print_page_over_the_limit_splits_the_book_after_all() {
        let s = Splice::new();
        let md = s.hold("<div>card</div>", &[], 0);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.html"), format!("<main>{md}</main>")).unwrap();
        std::fs::write(dir.path().join("print.html"), format!("<main>{md}</main>")).unwrap();
        let mut plan = PrintPlan {
            split: false,
            limit: 1000,
            estimate: 0,
            records: ["r.html".to_string()].into_iter().collect(),
            chapters: vec![("R".into(), "r.html".into(), true)],
            head: "<script>print</script>".into(),
        };
        // Under the limit: one print page, as mdBook wrote it.
        assert!(!s.put_back(dir.path(), Some(&plan), &Silent).unwrap());
        assert!(dir.path().join("print.html").exists());
        assert!(!dir.path().join("r.print.html").exists());

        // Over it: no print.html (the caller writes the index), a print page per record.
        std::fs::write(dir.path().join("r.html"), format!("<main>{md}</main>")).unwrap();
        std::fs::write(dir.path().join("print.html"), format!("<main>{md}</main>")).unwrap();
        plan.limit = 10;
        assert!(s.put_back(dir.path(), Some(&plan), &Silent).unwrap());
        assert!(!dir.path().join("print.html").exists());
        let twin = std::fs::read_to_string(dir.path().join("r.print.html")).unwrap();
        assert_eq!(twin, "<main>\n\n<div>card</div>\n\n</main>");
    }

    #[test]
    fn slots_are_filled_per_page() {
        let s = Splice::new();
        let dir = tempfile::tempdir().unwrap();
        let page = format!(
            "<head>{}</head><a href=\"../{}\">print</a>",
            s.slot(HEAD_SLOT),
            s.slot(HREF_SLOT)
        );
        std::fs::create_dir_all(dir.path().join("go")).unwrap();
        std::fs::write(dir.path().join("go/r.html"), &page).unwrap();
        std::fs::write(dir.path().join("about.html"), &page).unwrap();
        let plan = PrintPlan {
            split: true,
            limit: 1000,
            estimate: 2000,
            records: ["go/r.html".to_string()].into_iter().collect(),
            chapters: vec![],
            head: "<script>print()</script>".into(),
        };
        assert!(s.put_back(dir.path(), Some(&plan), &Silent).unwrap());
        let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
        assert_eq!(
            read("go/r.html"),
            "<head></head><a href=\"../go/r.print.html\">print</a>"
        );
        assert_eq!(
            read("go/r.print.html"),
            "<head><script>print()</script></head><a href=\"../go/r.print.html\">print</a>"
        );
        assert_eq!(
            read("about.html"),
            "<head></head><a href=\"../print.html\">print</a>"
        );
    }

    #[test]
    fn held_html_kept_in_a_file_comes_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = Splice::in_file(&dir.path().join("held")).unwrap();
        // Blocks larger than the read window, and many small ones on several pages.
        let big = format!("<div>{}</div>", "x".repeat(WINDOW + 10));
        let mut pages = Vec::new();
        for p in 0..3 {
            let mut text = String::new();
            for b in 0..50 {
                text.push_str(&format!("<p>{p}-{b}</p>\n\nmd\n\n"));
            }
            text.push_str(&big);
            let markdown: Vec<_> = text
                .match_indices("md")
                .map(|(i, m)| i..i + m.len())
                .collect();
            pages.push((text.clone(), s.hold(&text, &markdown, 0)));
        }
        for (i, (_, md)) in pages.iter().enumerate() {
            std::fs::write(dir.path().join(format!("{i}.html")), md).unwrap();
        }
        s.put_back(dir.path(), None, &Silent).unwrap();
        for (i, (text, _)) in pages.iter().enumerate() {
            let back = std::fs::read_to_string(dir.path().join(format!("{i}.html"))).unwrap();
            let squash = |t: &str| t.split_whitespace().collect::<String>();
            assert_eq!(squash(&back), squash(text));
        }
    }
}
