//! qbank as an mdBook preprocessor: used in-process by `qbank build` and over mdBook's JSON
//! protocol by the `mdbook-qbank` binary.

use crate::config::Config;
use crate::diag::{Diagnostic, render_all, stderr_color};
use crate::lint::links;
use crate::lint::{Bank, check_book, config_diagnostics};
use crate::model::Record;
use crate::render::Renderer;
use crate::site::splice::Splice;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The qbank preprocessor. It turns interview records into question cards and leaves every
/// other chapter untouched.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct QbankPreprocessor {
    /// Print warnings to stderr (off when the caller has printed them already).
    pub print_warnings: bool,
    /// Check that `mdbook-qbank install` put up-to-date assets into the book (stock mdBook only:
    /// `qbank build` brings its own).
    pub check_installed_assets: bool,
    /// The bank `qbank build` already checked: reused when no chapter changed since (mdBook's
    /// `links` preprocessor may have expanded includes), so records are parsed once.
    pub checked: Option<Arc<Bank>>,
    /// Hold qbank's HTML back from mdBook and put it into the written pages afterwards
    /// (`qbank build`; see `site::splice`).
    pub splice: Option<Arc<Splice>>,
    /// Render only some pages of a book that `checked` holds whole (`serve`'s rebuild of what
    /// an edit changed; see `site::session`). The book handed to the preprocessor then holds
    /// those chapters and their neighbours, and `checked` is trusted as it is.
    pub partial: Option<Arc<Partial>>,
    /// Record texts `qbank build` took out of mdBook's book (see [`Sources`]): put back into
    /// the preprocessor's copy, then let go.
    sources: Option<Arc<std::sync::Mutex<Option<Arc<Sources>>>>>,
}

/// Record texts held outside mdBook's book while it builds (`qbank build`).
///
/// mdBook clones its book for the preprocessors and keeps the original until every page is
/// rendered, next to every chapter's tree: at 100,000 questions that original was 158 MB of
/// sources that nothing reads again. The texts wait here instead, by source path. The qbank
/// preprocessor copies them into its copy of the book, the search index reads them, and each
/// lets go when done, so they are gone before mdBook builds its trees.
#[derive(Debug, Default)]
pub(crate) struct Sources(HashMap<PathBuf, String>);

impl Sources {
    /// Takes the text of every record chapter of `book` out of it, leaving it empty. A
    /// chapter with a `{{#` keeps its text: mdBook's `links` preprocessor, which runs first,
    /// may change it.
    pub(crate) fn take(book: &mut Book, bank: &Bank) -> Self {
        let records: std::collections::HashSet<&Path> = bank
            .records
            .iter()
            .map(|r| r.source_path.as_path())
            .collect();
        let mut taken = HashMap::new();
        book.for_each_chapter_mut(|ch| {
            if let Some(source) = &ch.source_path
                && records.contains(source.as_path())
                && !ch.content.contains("{{#")
            {
                taken.insert(source.clone(), std::mem::take(&mut ch.content));
            }
        });
        Sources(taken)
    }

    /// The text of `ch`: held here, or in the chapter.
    pub(crate) fn text<'a>(&'a self, ch: &'a Chapter) -> &'a str {
        ch.source_path
            .as_ref()
            .and_then(|s| self.0.get(s))
            .map_or(ch.content.as_str(), String::as_str)
    }

    /// Copies the held texts into `book`'s chapters.
    fn restore(&self, book: &mut Book) {
        book.for_each_chapter_mut(|ch| {
            if let Some(text) = ch.source_path.as_ref().and_then(|s| self.0.get(s))
                && ch.content.is_empty()
            {
                ch.content.clone_from(text);
            }
        });
    }
}

/// The pages a partial render writes.
#[derive(Clone, Default)]
pub struct Partial {
    /// Chapters to render, by source path; other chapters of the book are left as they are.
    pub chapters: std::collections::HashSet<PathBuf>,
    /// Whether to add the generated pages (tags, coverage…) after the book's chapters.
    pub generated: bool,
    /// A renderer whose templates are compiled already.
    pub renderer: Option<Arc<Renderer>>,
}

impl std::fmt::Debug for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partial")
            .field("chapters", &self.chapters)
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

impl QbankPreprocessor {
    /// For stock `mdbook build`/`serve` through the `mdbook-qbank` binary.
    pub fn external() -> Self {
        QbankPreprocessor {
            print_warnings: true,
            check_installed_assets: true,
            checked: None,
            splice: None,
            partial: None,
            sources: None,
        }
    }

    /// For `qbank build`, which checks the book and adds assets itself, and puts the HTML
    /// that `splice` holds back into the site once mdBook has written it.
    pub fn in_process(checked: Option<Arc<Bank>>, splice: Option<Arc<Splice>>) -> Self {
        QbankPreprocessor {
            print_warnings: false,
            check_installed_assets: false,
            checked,
            splice,
            partial: None,
            sources: None,
        }
    }

    /// With record texts held outside the book (see [`Sources`]).
    pub(crate) fn with_sources(mut self, sources: Arc<Sources>) -> Self {
        self.sources = Some(Arc::new(std::sync::Mutex::new(Some(sources))));
        self
    }

    /// For `serve`'s rebuild of some pages only (see [`Partial`]).
    pub fn partial(checked: Arc<Bank>, splice: Arc<Splice>, partial: Partial) -> Self {
        QbankPreprocessor {
            partial: Some(Arc::new(partial)),
            ..Self::in_process(Some(checked), Some(splice))
        }
    }
}

impl Preprocessor for QbankPreprocessor {
    fn name(&self) -> &str {
        "qbank"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let held = self.sources.as_ref().and_then(|s| {
            s.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
        });
        if let Some(held) = held {
            held.restore(&mut book);
        }
        let cfg = Config::from_book(&ctx.config).map_err(|e| {
            let d = crate::lint::config_error(&ctx.root.join("book.toml"), &e);
            anyhow::anyhow!("{}", render_all(&[d], stderr_color()))
        })?;
        if let (Some(bank), Some(partial)) = (&self.checked, &self.partial) {
            render_chapters(&mut book, bank, &cfg, self.splice.as_deref(), Some(partial))?;
            return Ok(book);
        }
        if let Some(bank) = &self.checked
            && bank.content_hashes == crate::lint::content_hashes(&book)
        {
            render_book(&mut book, bank, &cfg, self.splice.as_deref())?;
            return Ok(book);
        }
        let mut diags: Vec<Diagnostic> = config_diagnostics(&ctx.root.join("book.toml"), &cfg);
        if self.check_installed_assets {
            diags.extend(crate::site::assets::installed_diagnostics(
                &ctx.root,
                &ctx.config,
            ));
        }
        let bank = check_book(&book, &cfg, &ctx.config.book.src);
        diags.extend(bank.diagnostics.iter().cloned());
        let color = stderr_color();
        if diags.iter().any(Diagnostic::is_error) {
            anyhow::bail!(
                "the question bank has errors:\n\n{}",
                render_all(&diags, color)
            );
        }
        if self.print_warnings && !diags.is_empty() {
            eprint!("{}", render_all(&diags, color));
        }
        render_book(&mut book, &bank, &cfg, self.splice.as_deref())?;
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// Replaces every record chapter with its rendered cards, resolves `{{#question}}` links and
/// strips front matter everywhere, then adds the generated pages. With `splice`, qbank's HTML
/// is held there and the chapters get markers in its place.
pub fn render_book(
    book: &mut Book,
    bank: &Bank,
    cfg: &Config,
    splice: Option<&Splice>,
) -> anyhow::Result<()> {
    render_chapters(book, bank, cfg, splice, None)
}

/// [`render_book`], for the chapters and generated pages `only` names when given.
fn render_chapters(
    book: &mut Book,
    bank: &Bank,
    cfg: &Config,
    splice: Option<&Splice>,
    only: Option<&Partial>,
) -> anyhow::Result<()> {
    let own;
    let renderer = match only.and_then(|p| p.renderer.as_deref()) {
        Some(r) => r,
        None => {
            own = Renderer::new();
            &own
        }
    };
    let records: HashMap<&Path, (usize, &Record)> = bank
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.source_path.as_path(), (i, &*r.record)))
        .collect();
    let mut failure: Option<(PathBuf, anyhow::Error)> = None;
    book.for_each_chapter_mut(|ch| {
        let (Some(path), Some(source)) = (&ch.path, &ch.source_path) else {
            return;
        };
        if only.is_some_and(|p| !p.chapters.contains(source)) {
            return;
        }
        let depth = path.components().count().saturating_sub(1);
        let to_root = "../".repeat(depth);
        match records.get(source.as_path()) {
            Some(&(ri, record)) => {
                let also = crate::render::Also::of(bank, ri);
                match renderer.record_parts(
                    record,
                    &ch.content,
                    cfg,
                    &to_root,
                    &bank.targets,
                    &also,
                ) {
                    Ok(r) => {
                        ch.content = match splice {
                            Some(s) => s.hold(&r.text, &r.markdown, depth),
                            None => r.text,
                        }
                    }
                    Err(e) => {
                        if failure.is_none() {
                            failure = Some((source.clone(), e));
                        }
                    }
                }
            }
            None => {
                let start = bank.body_start.get(source).copied().unwrap_or(0);
                if start > 0 || ch.content.contains("{{#question") {
                    ch.content =
                        links::replace(&ch.content[start..], &bank.targets, &to_root).into_owned();
                }
            }
        }
    });
    if let Some((path, e)) = failure {
        return Err(e.context(format!("rendering {}", path.display())));
    }
    if only.is_some_and(|p| !p.generated) {
        return Ok(());
    }
    let pages = renderer.pages(bank, cfg)?;
    if !pages.is_empty() && !bank.records.is_empty() {
        book.push_item(BookItem::PartTitle(cfg.labels().generated_part.to_string()));
        for (title, path, content) in pages {
            let content = match splice {
                Some(s) => s.hold_page(&content),
                None => content,
            };
            book.push_item(Chapter::new(&title, content, path, Vec::new()));
        }
    }
    Ok(())
}

/// mdBook's own `links` preprocessor (`{{#include}}`, `{{#title}}`…), run on the chapters that
/// have a `{{#` only. mdBook's rebuilds every chapter's text, growing each copy by doubling: at
/// 50,000 questions it held 167 MB of copies while the build peaked. `qbank build` puts this
/// one in its place (same name, so same position among the preprocessors); a chapter without
/// `{{#` is what mdBook's would have given back unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Links;

impl Preprocessor for Links {
    fn name(&self) -> &str {
        mdbook_driver::builtin_preprocessors::LinkPreprocessor::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        const LINK: &str = "{{#";
        let mut some = Book::new();
        book.for_each_chapter_mut(|ch| {
            if ch.content.contains(LINK) {
                let mut one =
                    Chapter::new(&ch.name, ch.content.clone(), PathBuf::new(), Vec::new());
                one.path.clone_from(&ch.path);
                one.source_path.clone_from(&ch.source_path);
                some.push_item(one);
            }
        });
        if some.chapters().next().is_none() {
            return Ok(book);
        }
        let done = mdbook_driver::builtin_preprocessors::LinkPreprocessor::new().run(ctx, some)?;
        let mut done = done
            .chapters()
            .map(|ch| ch.content.clone())
            .collect::<Vec<_>>()
            .into_iter();
        book.for_each_chapter_mut(|ch| {
            if ch.content.contains(LINK)
                && let Some(content) = done.next()
            {
                ch.content = content;
            }
        });
        Ok(book)
    }
}
