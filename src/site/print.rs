//! Printing a big book: past `print-limit`, a print page per record and an index `print.html`.
//!
//! mdBook writes one `print.html` holding every chapter. At 50,000 questions that is 178 MB,
//! which no browser opens, and mdBook holds every chapter's tree in memory to write it. So
//! before rendering, [`PrintPlan::new`] estimates the size of that page from the sources. Past
//! the limit the book is *split*:
//! - mdBook's own print page is switched off (`output.html.print.enable = false`);
//! - the theme's `index.hbs` is patched so that every page still links `css/print.css` and
//!   still has the print button, whose address becomes a splice slot: on a record page it
//!   leads to that record's print page, elsewhere to the index;
//! - [`crate::site::splice::Splice::put_back`] writes beside each record page `PAGE.html` its
//!   print page `PAGE.print.html`: the same page, plus `print-head.hbs` (the print dialog on
//!   load, as on mdBook's `print.html`), so every relative link and asset still resolves;
//! - [`write_index`] writes `print.html`: mdBook's chrome around `print-index.hbs`, which links
//!   every record's print page and every other chapter, in book order.
//!
//! The estimate errs high. Should a book that was not split still give a `print.html` past the
//! limit, `put_back` splits it then (without the print dialog slots, which need the patched
//! theme), so no print page is ever over the limit.

use crate::config::Config;
use crate::lint::Bank;
use crate::render::Renderer;
use crate::text::url_path;
use anyhow::{Context, Result};
use mdbook_preprocessor::book::Book;
use std::collections::HashSet;
use std::path::Path;

/// How a rendered record compares with its markdown, at most, in the banks we know: the
/// generated bank's print page is 2.7× its sources, the bundled book's 1.7×.
const GROWTH: u64 = 4;

/// The slot names of the patched theme.
pub(crate) const HREF_SLOT: &str = "print-href";
pub(crate) const HEAD_SLOT: &str = "print-head";

/// What the print pages of one build are.
#[derive(Debug)]
pub(crate) struct PrintPlan {
    /// Split before rendering: mdBook writes no print page, the theme has the slots.
    pub split: bool,
    /// `print-limit` in bytes.
    pub limit: u64,
    /// The estimate the decision was made on.
    pub estimate: u64,
    /// The pages of record chapters, relative to the site root (`go/round2.html`).
    pub records: HashSet<String>,
    /// Every chapter in book order: (title, page relative to the site root, is a record).
    pub chapters: Vec<(String, String, bool)>,
    /// `print-head.hbs`, rendered.
    pub head: String,
}

impl PrintPlan {
    /// The plan for `book`, or `None` when book.toml turned printing off.
    pub(crate) fn new(
        book: &Book,
        bank: &Bank,
        cfg: &Config,
        print_enabled: bool,
    ) -> Result<Option<Self>> {
        if !print_enabled {
            return Ok(None);
        }
        let records: HashSet<&Path> = bank
            .records
            .iter()
            .map(|r| r.source_path.as_path())
            .collect();
        let mut estimate = 0;
        let mut chapters = Vec::new();
        for ch in book.chapters() {
            let (Some(path), Some(source)) = (&ch.path, &ch.source_path) else {
                continue;
            };
            let record = records.contains(source.as_path());
            estimate += ch.content.len() as u64 * if record { GROWTH } else { 2 };
            chapters.push((
                ch.name.clone(),
                url_path(&path.with_extension("html")),
                record,
            ));
        }
        let limit = cfg.print_limit.0;
        Ok(Some(PrintPlan {
            split: estimate > limit,
            limit,
            estimate,
            records: chapters
                .iter()
                .filter(|c| c.2)
                .map(|c| c.1.clone())
                .collect(),
            chapters,
            head: Renderer::new().print_head()?,
        }))
    }
}

/// The print page of the record page `page` (`go/round2.html` → `go/round2.print.html`),
/// beside it so that every relative address on it still resolves.
pub(crate) fn print_page(page: &str) -> String {
    match page.strip_suffix(".html") {
        Some(stem) => format!("{stem}.print.html"),
        None => format!("{page}.print.html"),
    }
}

/// Refuses a split whose print pages would overwrite a chapter (`a.md` beside `a.print.md`).
pub(crate) fn check_names(plan: &PrintPlan) -> Result<()> {
    let pages: HashSet<&str> = plan.chapters.iter().map(|c| c.1.as_str()).collect();
    for r in &plan.records {
        let twin = print_page(r);
        if pages.contains(twin.as_str()) {
            anyhow::bail!(
                "the print page of {r} would overwrite the chapter {twin}; rename that chapter \
                 or raise `print-limit` in [preprocessor.qbank]"
            );
        }
    }
    Ok(())
}

/// The theme's `index.hbs` for a split book: print stylesheet and print button on every page
/// whatever `print_enable` says, and the button's address a splice slot. `slot` makes a slot's
/// marker. `None` when the template has no print button to patch (a theme of its own).
pub(crate) fn patch_index(hbs: &str, slot: impl Fn(&str) -> String) -> Option<String> {
    let mut out = hbs.replace("print_enable", "true");
    let mut found = false;
    for link in ["{{ path_to_root }}print.html", "{{path_to_root}}print.html"] {
        if out.contains(link) {
            out = out.replace(link, &format!("{{{{ path_to_root }}}}{}", slot(HREF_SLOT)));
            found = true;
        }
    }
    found.then_some(out)
}

/// Writes `print.html`: the chrome of the site's `index.html` around `print-index.hbs`. Falls
/// back to the list alone in a bare page when a theme of its own has no `<main>`.
pub(crate) fn write_index(site: &Path, plan: &PrintPlan, cfg: &Config) -> Result<()> {
    let entries: Vec<(String, String, bool)> = plan
        .chapters
        .iter()
        .map(|(title, page, record)| {
            let href = if *record {
                print_page(page)
            } else {
                page.clone()
            };
            (title.clone(), href, *record)
        })
        .collect();
    let list = Renderer::new().print_index(&entries, cfg)?;
    let index = std::fs::read_to_string(site.join("index.html")).unwrap_or_default();
    let page = match (index.find("<main>"), index.rfind("</main>")) {
        (Some(start), Some(end)) if start < end => {
            let title = cfg.labels().print_page;
            let head = &index[..start + "<main>".len()];
            let head = match (head.find("<title>"), head.find("</title>")) {
                (Some(a), Some(b)) if a < b => format!(
                    "{}{}{}",
                    &head[..a + "<title>".len()],
                    crate::render::escape_html(title),
                    &head[b..]
                ),
                _ => head.to_string(),
            };
            format!("{head}\n{list}\n{}", &index[end..])
        }
        _ => format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{list}\n</body></html>\n"
        ),
    };
    let to = site.join("print.html");
    std::fs::write(&to, page).with_context(|| format!("writing {}", to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_pages_sit_beside_their_record() {
        assert_eq!(print_page("go/round2.html"), "go/round2.print.html");
        assert_eq!(print_page("a.html"), "a.print.html");
    }

    #[test]
    fn the_default_template_gets_its_button_back_with_a_slot() {
        let dir = tempfile::tempdir().unwrap();
        let theme = crate::site::theme::default_theme(dir.path()).unwrap();
        let (hbs, css) = (theme.index, theme.print_css);
        assert!(!css.is_empty());
        assert!(hbs.contains("print_enable") && hbs.contains("print.html"));
        let patched = patch_index(&hbs, |s| format!("<!--X-{s}-->")).unwrap();
        assert!(!patched.contains("print_enable"));
        assert!(patched.contains("{{ path_to_root }}<!--X-print-href-->"));
        assert!(!patched.contains("print.html"));
        // Handlebars reads `{{#if true}}`.
        let mut hbs = handlebars::Handlebars::new();
        hbs.register_template_string("t", "{{#if true}}yes{{/if}}")
            .unwrap();
        assert_eq!(hbs.render("t", &()).unwrap(), "yes");
        assert!(patch_index("<html>no button</html>", ToString::to_string).is_none());
    }
}
