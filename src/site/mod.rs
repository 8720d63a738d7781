//! Driving a whole book: `qbank check` and `qbank build`.
//!
//! A build never leaves a half-written site: mdBook renders into a temporary sibling of the
//! destination, which replaces the old site only when everything succeeded.

pub mod assets;
mod cards;
pub mod dest;
mod log;
pub mod preprocessor;
mod print;
pub mod progress;
pub mod session;
mod splice;
mod theme;
mod tree;

use crate::config::{Config, Edition};
use crate::diag::{Diagnostic, render_all, stderr_color};
use crate::lint::manifest::{self, Manifest};
use crate::lint::{Bank, check_book, config_diagnostics, utf8_diagnostics};
use crate::site::dest::{BookDirs, Origin, Workspace};
use crate::site::preprocessor::QbankPreprocessor;
use crate::site::progress::{Phase, Progress, Silent};
use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The outcome of checking a book.
#[derive(Debug)]
pub struct Checked {
    /// Every diagnostic: the bank's and the configuration's.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked bank.
    pub bank: Bank,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Error returned when the bank has errors; the diagnostics were already printed.
#[derive(Debug)]
pub struct BankHasErrors(pub usize);

impl std::fmt::Display for BankHasErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the question bank has {} error{}; nothing was written",
            self.0,
            if self.0 == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for BankHasErrors {}

/// Reads `book.toml` (if any) with `create-missing` off: checking must never write.
///
/// What `mdbook-qbank install` adds for stock mdBook's sake is left out: the `qbank-search`
/// output (a second output would move the site into `html/`) and `[output.html.search]`
/// (`qbank build` has no elasticlunr search to configure). Environment overrides
/// (`MDBOOK_…`) apply as they do for `mdbook`.
fn load_config(root: &Path) -> Result<mdbook_driver::config::Config> {
    let toml = root.join("book.toml");
    let mut config = if toml.exists() {
        let text = std::fs::read_to_string(&toml)
            .with_context(|| format!("reading {}", toml.display()))?;
        let text = match text.parse::<toml_edit::DocumentMut>() {
            Ok(mut doc) => {
                if let Some(output) = doc.get_mut("output").and_then(|o| o.as_table_like_mut()) {
                    output.remove(crate::search::STOCK_OUTPUT);
                    if let Some(html) = output.get_mut("html").and_then(|h| h.as_table_like_mut()) {
                        html.remove("search");
                    }
                }
                doc.to_string()
            }
            // mdBook's own parser reports the error.
            Err(_) => text,
        };
        text.parse::<mdbook_driver::config::Config>()
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .with_context(|| format!("reading {}", toml.display()))?
    } else {
        Default::default()
    };
    config.update_from_env()?;
    config.build.create_missing = false;
    Ok(config)
}

/// Where a build goes when no destination is given: `build.build-dir` of book.toml (default
/// `book`), relative to the book root.
pub fn default_site_dir(root: &Path) -> Result<PathBuf> {
    Ok(root.join(load_config(root)?.build.build_dir))
}

/// The destination of a build of the book at `root`: `dest` when given, else build-dir of
/// book.toml. Refused (see [`crate::site::dest::guard`]) when replacing it could delete the book or
/// files that are not a site. Writes nothing.
pub fn destination(root: &Path, dest: Option<&Path>, force: bool) -> Result<PathBuf> {
    destination_in(root, &load_config(root)?, dest, force)
}

fn destination_in(
    root: &Path,
    config: &mdbook_driver::config::Config,
    dest: Option<&Path>,
    force: bool,
) -> Result<PathBuf> {
    let (dest, origin) = match dest {
        Some(d) => (d.to_path_buf(), Origin::Flag),
        None => (root.join(&config.build.build_dir), Origin::Config),
    };
    let theme = config
        .get::<PathBuf>("output.html.theme")
        .ok()
        .flatten()
        .unwrap_or_else(|| PathBuf::from("theme"));
    let dirs = BookDirs {
        root: root.to_path_buf(),
        src: root.join(&config.book.src),
        theme: root.join(theme),
    };
    crate::site::dest::guard(&dirs, &dest, origin, force)?;
    Ok(crate::site::dest::resolve(&dest))
}

/// Parses and checks every chapter of the book at `root`. Writes nothing.
pub fn check(root: &Path) -> Result<Checked> {
    Ok(check_and_load(root, load_config(root)?, None)?.0)
}

/// [`check`], and compares the question ids with those of the site built into `against`
/// (its `qbank/ids.json`): an id that is gone is a warning (QB020).
pub fn check_against(root: &Path, against: &Path) -> Result<Checked> {
    let Some(previous) = Manifest::read(against)? else {
        bail!(
            "{} holds no {}: it is not a site built by this version of qbank",
            against.display(),
            manifest::PATH
        );
    };
    let config = load_config(root)?;
    let src = config.book.src.clone();
    let (mut checked, md) = check_and_load(root, config, None)?;
    if let Some(md) = &md {
        let gone = manifest::gone(&previous, &checked.bank, &md.book, &display(root, &src));
        checked.diagnostics.extend(gone);
    }
    Ok(checked)
}

/// Checks the book and hands back the loaded book for building (`None` when files are not
/// UTF-8, which mdBook cannot load).
fn check_and_load(
    root: &Path,
    config: mdbook_driver::config::Config,
    cache: Option<&mut crate::lint::ParseCache>,
) -> Result<(Checked, Option<MDBook>)> {
    let src_name = config.book.src.clone();
    let src_dir = root.join(&src_name);
    // Without SUMMARY.md the navigation comes from the folder tree.
    let generated = !src_dir.join("SUMMARY.md").exists();
    let loaded = if generated {
        let text = tree::summary(&src_dir).unwrap_or_else(|| "# Summary\n".into());
        mdbook_summary::parse_summary(&text)
            .and_then(|s| MDBook::load_with_config_and_summary(root, config, s))
    } else {
        MDBook::load_with_config(root, config)
    };
    let md = match loaded {
        Ok(md) => md,
        Err(e) => {
            // mdBook names no position for a file that is not UTF-8: find it ourselves.
            let utf8 = utf8_diagnostics(&root.join(&src_name), &display(root, &src_name));
            if utf8.is_empty() {
                return Err(anyhow::anyhow!("{e:#}"))
                    .with_context(|| format!("loading the book at {}", root.display()));
            }
            let checked = Checked {
                diagnostics: utf8,
                bank: Bank::default(),
            };
            return Ok((checked, None));
        }
    };
    let (checked, usable) = diagnose(root, &md, generated, cache);
    Ok((checked, usable.then_some(md)))
}

/// Every diagnostic of the loaded book at `root`: configuration, records, links, files left
/// out of SUMMARY.md. The flag says whether the book can be built: false when
/// `[preprocessor.qbank]` cannot be read.
fn diagnose(
    root: &Path,
    md: &MDBook,
    generated: bool,
    cache: Option<&mut crate::lint::ParseCache>,
) -> (Checked, bool) {
    let src_name = &md.config.book.src;
    let src_dir = root.join(src_name);
    let book_toml = display(root, Path::new("book.toml"));
    let cfg = match Config::from_book(&md.config) {
        Ok(cfg) => cfg,
        Err(e) => {
            let checked = Checked {
                diagnostics: vec![crate::lint::config_error(&book_toml, &e)],
                bank: Bank::default(),
            };
            return (checked, false);
        }
    };
    let mut diagnostics = config_diagnostics(&book_toml, &cfg);
    let shown_src = display(root, src_name);
    let bank = match cache {
        Some(cache) => crate::lint::check_book_cached(&md.book, &cfg, &shown_src, cache),
        None => check_book(&md.book, &cfg, &shown_src),
    };
    diagnostics.extend(bank.diagnostics.iter().cloned());
    if generated {
        if bank.records.is_empty() {
            diagnostics.push(tree::no_records(&shown_src));
        }
    } else {
        let chapters: Vec<_> = md.book.chapters().collect();
        let listed = chapters
            .iter()
            .filter_map(|ch| ch.source_path.clone())
            .collect();
        let texts: Vec<&str> = chapters.iter().map(|ch| ch.content.as_str()).collect();
        diagnostics.extend(tree::unlisted(&src_dir, &shown_src, &listed, &texts, &cfg));
    }
    (Checked { diagnostics, bank }, true)
}

/// A path as the user should see it: relative to the current directory when possible.
fn display(root: &Path, rel: &Path) -> PathBuf {
    let p = root.join(rel);
    p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p)
}

/// How to build, beyond what book.toml says.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct BuildOptions {
    /// Build this edition instead of book.toml's `[preprocessor.qbank] edition`.
    pub edition: Option<Edition>,
    /// Replace a destination that holds files but does not look like a site (see
    /// [`crate::site::dest`]). Never overrides the refusal of the book itself or its sources.
    pub force: bool,
    /// Where the build reports its phases; nowhere when `None`.
    pub progress: Option<Arc<dyn Progress>>,
}

impl std::fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildOptions")
            .field("edition", &self.edition)
            .field("force", &self.force)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl BuildOptions {
    /// Options that build `edition`, or book.toml's when `None`.
    pub fn edition(edition: Option<Edition>) -> Self {
        BuildOptions {
            edition,
            force: false,
            progress: None,
        }
    }

    /// Sets [`Self::progress`].
    #[must_use]
    pub fn progress(mut self, progress: Option<Arc<dyn Progress>>) -> Self {
        self.progress = progress;
        self
    }

    /// Sets [`Self::force`].
    #[must_use]
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }
}

/// Builds the book at `root` into `dest` (default `ROOT/book`). Prints diagnostics to stderr.
pub fn build(root: &Path, dest: Option<&Path>) -> Result<PathBuf> {
    build_with(root, dest, &BuildOptions::default())
}

/// [`build`] with options.
pub fn build_with(root: &Path, dest: Option<&Path>, opts: &BuildOptions) -> Result<PathBuf> {
    Ok(build_full(root, dest, opts, None, None)?.dest)
}

/// What a full build knew when it finished: enough for `serve` to rebuild pages one at a
/// time afterwards (see [`session`]).
struct Built {
    dest: PathBuf,
    /// The book as loaded from disk, before any preprocessor ran; its config is the one the
    /// build used, with the build directory and theme of a workspace that is gone.
    md: MDBook,
    /// The book's own theme folder (what `md.theme_dir()` was before the build changed it).
    book_theme: PathBuf,
    cfg: Config,
    bank: std::sync::Arc<Bank>,
    /// The search documents, in book order (empty when search is off), and each chapter's
    /// range in them.
    docs: (
        Vec<crate::search::index::Doc>,
        Vec<(PathBuf, std::ops::Range<usize>)>,
    ),
    /// Whether the navigation came from the folder tree (no SUMMARY.md).
    generated_summary: bool,
    /// The search index was carried over from the previous site, not made (see
    /// [`build_full`]).
    search_stale: bool,
    /// The site this build replaced, deleted when dropped (see [`dest::Previous`]).
    previous: Option<dest::Previous>,
    /// The print pages: `None` when printing is off; `split` as the build ended.
    print: Option<print::PrintPlan>,
}

/// [`build_with`], keeping what it knew. With `cache`, the parsed chapters stay there.
///
/// With `carry` (the live site, for `serve`'s full rebuilds, see `session`), the search index
/// is not made: the live site's files are linked into the new site as they are, to be brought
/// up to date after the reload, and [`Built::search_stale`] says so. The drill's card files
/// that did not change are linked too.
fn build_full(
    root: &Path,
    dest: Option<&Path>,
    opts: &BuildOptions,
    cache: Option<&mut crate::lint::ParseCache>,
    carry: Option<&Path>,
) -> Result<Built> {
    let progress: Arc<dyn Progress> = opts.progress.clone().unwrap_or_else(|| Arc::new(Silent));
    let built = build_reporting(root, dest, opts, &progress, cache, carry);
    if built.is_err() {
        progress.abandon();
    }
    built
}

fn build_reporting(
    root: &Path,
    dest: Option<&Path>,
    opts: &BuildOptions,
    progress: &Arc<dyn Progress>,
    cache: Option<&mut crate::lint::ParseCache>,
    carry: Option<&Path>,
) -> Result<Built> {
    let config = load_config(root)?;
    // Before anything else: a destination that must not be replaced is refused untouched.
    let dest = destination_in(root, &config, dest, opts.force)?;
    let src = config.book.src.clone();
    let generated_summary = !root.join(&src).join("SUMMARY.md").exists();
    progress.start(Phase::Check, None);
    // Serve keeps the book as loaded for its rebuilds; a plain build lets go of what it can.
    let keep_book = cache.is_some();
    let (mut checked, md) = check_and_load(root, config, cache)?;
    progress.finish(
        Phase::Check,
        &format!("{} records", checked.bank.records.len()),
    );
    // Ids the previous site had and this build drops break links: say so.
    if let (Some(md), Ok(Some(previous))) = (&md, Manifest::read(&dest)) {
        let gone = manifest::gone(&previous, &checked.bank, &md.book, &display(root, &src));
        checked.diagnostics.extend(gone);
    }
    report(&checked.diagnostics)?;

    let mut md = md.context("the book could not be loaded")?;
    let book_theme = md.theme_dir();
    if let Some(edition) = opts.edition {
        md.config
            .set("preprocessor.qbank.edition", edition.name())?;
    }
    // Everything is written into one workspace beside the destination; it is removed on any
    // error, and its site replaces the destination only when everything succeeded.
    let work = Workspace::new(&dest)?;
    let tmp = work.site();

    // qbank brings its own assets; drop installed copies so that they are never stale.
    for asset in assets::ASSETS {
        if let Ok(Some(list)) = md.config.get::<Vec<String>>(asset.key) {
            let kept: Vec<String> = list.into_iter().filter(|f| f != asset.file).collect();
            md.config.set(asset.key, kept)?;
        }
    }
    md.config.build.build_dir = tmp.clone();
    let qcfg = Config::from_book(&md.config)?;
    // Whether print.html would pass `print-limit`, decided before mdBook renders anything:
    // then mdBook writes no print page (nor holds it in memory) and qbank writes one per record.
    let print_enabled = md
        .config
        .get::<bool>("output.html.print.enable")
        .ok()
        .flatten()
        .unwrap_or(true);
    let plan = print::PrintPlan::new(&md.book, &checked.bank, &qcfg, print_enabled)?;
    // qbank's HTML waits for mdBook in a file of the workspace, not in memory.
    let splice = Arc::new(crate::site::splice::Splice::in_file(
        &work.scratch("held.html"),
    )?);
    let split = plan.as_ref().filter(|p| p.split);
    if let Some(plan) = split {
        tracing::debug!(
            "print.html estimated at {} bytes, over {}: one print page per record",
            plan.estimate,
            plan.limit
        );
        print::check_names(plan)?;
        md.config.set("output.html.print.enable", false)?;
    }
    // mdBook links qbank's assets from every page itself, through a theme folder of ours:
    // the book's own theme files plus a head.hbs that adds them.
    let theme = work.scratch("theme");
    let print_css = prepare_theme(
        &book_theme,
        &theme,
        &qcfg,
        &work.scratch("mdbook-theme"),
        split.map(|_| &*splice),
    )
    .context("build failed; the previous site was left as it was")?;
    md.config
        .set("output.html.theme", theme.to_string_lossy().as_ref())?;
    let cfg = Config::from_book(&md.config)?;
    let live_search = carry.map(|live| live.join(crate::search::DIR));
    let carry_search = live_search.as_deref().filter(|d| cfg.search && d.is_dir());
    let search = cfg.search && carry_search.is_none();
    let search_dir = work.scratch("search");
    let sources_site = work.scratch("sources");
    let sources_src = root.join(&md.config.book.src);
    let bank = std::sync::Arc::new(checked.bank);
    if md.config.build.use_default_preprocessors {
        md.with_preprocessor(crate::site::preprocessor::Links);
    }
    // A plain build holds the record texts outside mdBook's book (serve keeps the book whole
    // for its rebuilds).
    let sources = (!keep_book).then(|| {
        Arc::new(crate::site::preprocessor::Sources::take(
            &mut md.book,
            &bank,
        ))
    });
    let qbank = QbankPreprocessor::in_process(Some(bank.clone()), Some(splice.clone()));
    md.with_preprocessor(match &sources {
        Some(s) => qbank.with_sources(s.clone()),
        None => qbank,
    });

    // The search index needs only the checked bank: build it while mdBook renders.
    let chapters = md.book.chapters().count() as u64;
    let (built, index) = std::thread::scope(|s| {
        let search_index = || {
            if !search {
                return (Default::default(), None);
            }
            progress.start(Phase::Search, None);
            let docs = crate::search::documents_from(&md.book, &bank, &cfg, None, |ch| {
                sources
                    .as_ref()
                    .map_or(ch.content.as_str(), |held| held.text(ch))
            });
            // The held texts are no longer needed here.
            drop(sources);
            let written = crate::search::write_to(&docs.0, &docs.1, &search_dir);
            if let Ok(w) = &written {
                progress.finish(
                    Phase::Search,
                    &format!("{} documents, {} files", w.docs, w.files),
                );
            }
            (docs, Some(written))
        };
        let index = s.spawn(|| {
            let index = search_index();
            // Then the record sources for interview mode's export, into a folder of the
            // workspace (mdBook empties the site when it starts).
            let written = cfg
                .interviewer_material()
                .then(|| write_sources(&sources_site, &sources_src, &bank, &cfg));
            (index, written)
        });
        // mdBook's pages: its chapters, and the generated pages qbank adds.
        progress.start(Phase::Render, Some(chapters + cfg.pages.len() as u64));
        let on_page = Arc::clone(progress);
        let (built, logged) = log::ErrorCounter::count_pages(
            || md.build(),
            Arc::new(move || on_page.advance(Phase::Render, 1)),
        );
        // qbank's HTML goes back into the pages while the index thread still works; the
        // drill's cards are cut from the record pages on a thread of their own meanwhile.
        let built = built.map_err(|e| anyhow::anyhow!("{e:#}")).and_then(|()| {
            progress.finish(Phase::Render, "");
            let writer = cards::Writer::start(&tmp, bank.clone(), &cfg, carry);
            let split = splice.put_back_with(&tmp, plan.as_ref(), &**progress, &mut |rel, page| {
                if let Some(w) = &writer {
                    w.page(rel, page);
                }
            });
            let done = writer.map(cards::Writer::finish).transpose();
            Ok((split?, done?.unwrap_or_default()))
        });
        (built.map(|split| (logged, split)), index.join())
    });
    let result = built.and_then(|(logged, (split, cards_done))| {
        if logged > 0 {
            bail!("mdBook reported {logged} error(s) above; fix them (usually book.toml)")
        }
        if let (true, Some(plan)) = (split, &plan) {
            if let Some(css) = &print_css {
                let to = tmp.join("css/print.css");
                std::fs::create_dir_all(tmp.join("css"))?;
                std::fs::write(&to, css).with_context(|| format!("writing {}", to.display()))?;
            }
            print::write_index(&tmp, plan, &cfg)?;
        }
        let ((docs, index), sources_written) = index.map_err(|_| {
            anyhow::anyhow!("building the search index or writing the record sources failed")
        })?;
        if let Some(written) = index {
            written.with_context(|| {
                format!("writing the search index into {}", search_dir.display())
            })?;
            let into = tmp.join(crate::search::DIR);
            std::fs::create_dir_all(into.parent().unwrap_or(&tmp))?;
            std::fs::rename(&search_dir, &into)
                .with_context(|| format!("moving the search index into {}", into.display()))?;
        }
        if let Some(from) = carry_search {
            link_all(from, &tmp.join(crate::search::DIR))?;
        }
        write_assets(&tmp, &cfg)?;
        write_study_data(&tmp, &bank, &cfg)?;
        let live = carry.map_or(cards::Live::None, cards::Live::Link);
        cards::write_except(&tmp, &bank, &cfg, live, &cards_done)?;
        if let Some(written) = sources_written {
            written?;
            let (from, to) = (sources_site.join(SOURCES_DIR), tmp.join(SOURCES_DIR));
            if from.is_dir() {
                std::fs::create_dir_all(to.parent().unwrap_or(&tmp))?;
                std::fs::rename(&from, &to)
                    .with_context(|| format!("moving the record sources into {}", to.display()))?;
            }
        }
        let ids = tmp.join(manifest::PATH);
        std::fs::write(&ids, Manifest::of(&bank).to_json())
            .with_context(|| format!("writing {}", ids.display()))?;
        Ok((docs, split))
    });
    let (docs, split) = match result {
        Ok(done) => done,
        Err(e) => {
            drop(work);
            return Err(e.context("build failed; the previous site was left as it was"));
        }
    };
    let previous = work.commit()?;
    progress.finish(Phase::Write, "");
    Ok(Built {
        previous: Some(previous),
        search_stale: carry_search.is_some(),
        dest,
        md,
        book_theme,
        cfg,
        bank,
        docs,
        generated_summary,
        print: plan.map(|mut p| {
            p.split |= split;
            p
        }),
    })
}

/// Hard-links every file of the folder `from` into `to` (a new folder), copying where a link
/// cannot be made. Replacing a file of `to` later (by a rename) leaves `from` as it was.
fn link_all(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let (a, b) = (entry.path(), to.join(entry.file_name()));
        if std::fs::hard_link(&a, &b).is_err() {
            std::fs::copy(&a, &b)
                .with_context(|| format!("copying {} to {}", a.display(), b.display()))?;
        }
    }
    Ok(())
}

/// Prints `diagnostics`; an error among them stops the build.
fn report(diagnostics: &[Diagnostic]) -> Result<()> {
    if !diagnostics.is_empty() {
        eprint!("{}", render_all(diagnostics, stderr_color()));
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(BankHasErrors(errors).into());
    }
    Ok(())
}

/// Makes mdBook write the site into `site` with the theme folder `theme`.
fn point_at(md: &mut MDBook, site: &Path, theme: &Path) -> Result<()> {
    md.config.build.build_dir = site.to_path_buf();
    md.config
        .set("output.html.theme", theme.to_string_lossy().as_ref())?;
    Ok(())
}

/// Copies the book's theme folder (if any) to `theme`, appends qbank's links to its head.hbs,
/// and writes an index.hbs (the book's or mdBook's, from `scratch`) with its partials inlined
/// (see [`theme`]). For a book whose print page is split (`split`), also patches index.hbs
/// (see [`print`]) and returns the print stylesheet to write.
fn prepare_theme(
    book_theme: &Path,
    theme: &Path,
    cfg: &Config,
    scratch: &Path,
    split: Option<&crate::site::splice::Splice>,
) -> Result<Option<Vec<u8>>> {
    let _ = std::fs::remove_dir_all(theme);
    std::fs::create_dir_all(theme).with_context(|| format!("creating {}", theme.display()))?;
    if book_theme.is_dir() {
        for entry in walkdir::WalkDir::new(book_theme)
            .into_iter()
            .filter_map(Result::ok)
        {
            let rel = entry
                .path()
                .strip_prefix(book_theme)
                .unwrap_or(entry.path());
            let to = theme.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to)?;
            } else {
                std::fs::copy(entry.path(), &to)
                    .with_context(|| format!("copying {}", entry.path().display()))?;
            }
        }
    }
    let head = theme.join("head.hbs");
    let mut text = std::fs::read_to_string(&head).unwrap_or_default();
    text.push_str(&assets::head_links(cfg));
    if let Some(splice) = split {
        text.push_str(&splice.slot(print::HEAD_SLOT));
        text.push('\n');
    }
    std::fs::write(&head, &text)?;
    let header = std::fs::read_to_string(theme.join("header.hbs")).unwrap_or_default();
    let default = theme::default_theme(scratch)?;
    let index_path = theme.join("index.hbs");
    let mut index = std::fs::read_to_string(&index_path).unwrap_or(default.index);
    let mut print_css = None;
    if let Some(splice) = split {
        match print::patch_index(&index, |s| splice.slot(s)) {
            Some(patched) => index = patched,
            None => tracing::warn!(
                "{}: no print button to point at the print pages",
                index_path.display()
            ),
        }
        print_css = Some(std::fs::read(theme.join("css/print.css")).unwrap_or(default.print_css));
    }
    let index = theme::inline_partials(&index, &[("head", &text), ("header", &header)]);
    std::fs::write(&index_path, index)?;
    Ok(print_css)
}

/// Where interview mode's export finds each record's markdown source: `SITE/qbank/sources/`.
pub const SOURCES_DIR: &str = "qbank/sources";

/// Writes each record's markdown source as `qbank/sources/<page>.js`, a script that sets
/// `window.qbankSource`: interview mode loads it only when export is pressed, so it is in
/// no page, no search index and not in print.html. Handbook edition only.
fn write_sources(site: &Path, src: &Path, bank: &Bank, cfg: &Config) -> Result<()> {
    for rc in &bank.records {
        write_source(site, src, rc, cfg)?;
    }
    Ok(())
}

/// [`write_sources`] for one record.
fn write_source(
    site: &Path,
    src: &Path,
    rc: &crate::lint::RecordChapter,
    cfg: &Config,
) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(src.join(&rc.source_path)) else {
        return Ok(());
    };
    let to = site
        .join(SOURCES_DIR)
        .join(rc.html_path.with_extension("js"));
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let data = serde_json::json!({
        "file": rc.source_path.to_string_lossy().replace('\\', "/"),
        "source": text,
        "notes": cfg.notes_markers,
        "key_points": cfg.notes_key_points,
        "time": cfg.notes_time,
        "evaluation": cfg.evaluation_headings,
        "summary": cfg.summary_headings,
    });
    std::fs::write(&to, format!("window.qbankSource = {data};\n"))
        .with_context(|| format!("writing {}", to.display()))
}

/// Writes study mode's question list and titles (`qbank/study/*-HASH.js`), which the progress
/// and drill pages load, when the book has either page.
pub fn write_study_data(site: &Path, bank: &Bank, cfg: &Config) -> Result<()> {
    if !crate::render::study::wanted(cfg) || bank.records.is_empty() {
        return Ok(());
    }
    for (name, js) in crate::render::study::data(bank, cfg) {
        let to = site.join(&name);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&to, js).with_context(|| format!("writing {}", to.display()))?;
    }
    Ok(())
}

/// Writes study mode's question list and the drill's cards into a site stock mdBook built (the `qbank-search`
/// output, which runs after the HTML output).
pub fn write_study_data_for_stock_mdbook(
    root: &Path,
    book: &mdbook_preprocessor::book::Book,
    config: &mdbook_preprocessor::config::Config,
) -> Result<()> {
    let cfg = Config::from_book(config)?;
    let site = root.join(&config.build.build_dir).join("html");
    if !site.join("index.html").exists() {
        return Ok(());
    }
    let bank = crate::lint::check_book(book, &cfg, &config.book.src);
    write_study_data(&site, &bank, &cfg)?;
    cards::write(&site, &bank, &cfg, cards::Live::None)
}

/// Writes the embedded assets into the site, under the names [`assets::head_links`] uses.
fn write_assets(site: &Path, cfg: &Config) -> Result<()> {
    let dir = site.join("qbank");
    std::fs::create_dir_all(&dir)?;
    for a in assets::ASSETS.iter().filter(|a| a.for_edition(cfg)) {
        std::fs::write(dir.join(a.hashed_name(cfg)), a.content(cfg).as_bytes())?;
    }
    Ok(())
}
