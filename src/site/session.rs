//! `qbank serve`'s rebuilds: one full build, then only what an edit changed.
//!
//! A [`Session`] keeps what the full build knew: the book as loaded, the checked bank, the
//! search documents and the generated pages. When the only changes are to the text of
//! chapters the book already has, [`Session::rebuild`]:
//! - re-checks the book in memory (no file but the edited ones is read again);
//! - stops there with the diagnostics when the bank has errors, keeping the site as it was;
//! - falls back to a full build when the edit changed what other pages show of it: a question
//!   id, title or number, an alias, the groups of questions asked in several records, or the
//!   navigation of a book without SUMMARY.md;
//! - otherwise has mdBook render each edited chapter between its two neighbours (which give
//!   the page its previous/next links; their own pages are thrown away), and the generated
//!   pages only when their text changed;
//! - rewrites the record's source for export and, when first asked for, only the search files
//!   whose bytes changed;
//! - moves each new file over the old one with a rename, so a request sees the old page or
//!   the new one, never half of either.
//!
//! `print.html` holds every chapter, so re-rendering it is a full render; the search index is
//! rebuilt in memory, from the documents of the edited chapters made again and the others'
//! as they were. Both are left stale by an incremental rebuild and brought up to date by the
//! first request for them ([`Gates`]), so the reload never waits for them and a stale one is
//! never served.
//!
//! Any other change (SUMMARY.md, the theme, a file added, removed or renamed) is a full
//! build, as is the first, with two differences from `qbank build`: it reuses the parsed
//! chapters whose text did not change, and it does not make the search index but links the
//! live site's files into the new one, to be brought up to date (every document made again,
//! only the files whose bytes changed written) on the first request for it. The site it
//! replaced is deleted after the reload. A book.toml edit is a plain full build.
//!
//! `tests/incremental.rs` edits each kind of thing and compares the site with a clean full
//! build, file for file.

mod search;

use super::{BuildOptions, Built, build_full, diagnose, point_at, prepare_theme, report};
use crate::lint::Bank;
use crate::render::Renderer;
use crate::site::dest::Workspace;
use crate::site::preprocessor::{Partial, QbankPreprocessor};
use crate::site::splice::Splice;
use crate::text::Fnv;
use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use search::SearchIndex;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What one [`Session::rebuild`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rebuilt {
    /// The whole site was built again.
    Full,
    /// Only these files of the site were written (paths relative to the site).
    Pages(Vec<PathBuf>),
}

/// A built site and what is needed to rebuild parts of it. See the module documentation.
pub struct Session {
    root: PathBuf,
    opts: BuildOptions,
    built: Built,
    /// Scratch space beside the site: the theme folder and partial renders.
    work: Workspace,
    theme: PathBuf,
    /// The splice of partial renders (cleared before each).
    splice: Arc<Splice>,
    renderer: Arc<Renderer>,
    /// What other pages show of the records (see [`RecordHashes::of`]).
    signature: u64,
    /// The navigation generated from the folder tree, for a book without SUMMARY.md.
    summary: Option<String>,
    /// The search index as the site has it; updated by background jobs.
    index: Arc<std::sync::Mutex<SearchIndex>>,
    /// Chapters (by source path) edited since the last good rebuild.
    dirty: BTreeSet<PathBuf>,
    /// The last rebuild failed in a way only a full build can recover from.
    needs_full: bool,
    gates: Gates,
    /// Parsed chapters, so that a rebuild parses only the edited ones.
    cache: crate::lint::ParseCache,
    /// What the generated pages show of the records (see [`RecordHashes::of`]).
    generated: u64,
    /// The records' parts of both, kept from one rebuild to the next.
    hashes: RecordHashes,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("dest", &self.built.dest)
            .field("dirty", &self.dirty)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built")
            .field("dest", &self.dest)
            .field("docs", &self.docs.0.len())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Builds the book at `root` into `dest` (as [`super::build_with`]) and keeps what later
    /// rebuilds need.
    /// `gates` tell the server when files updated in the background are up to date.
    pub fn start(
        root: &Path,
        dest: Option<&Path>,
        opts: &BuildOptions,
        gates: Gates,
    ) -> Result<Session> {
        let mut cache = crate::lint::ParseCache::default();
        let built = build_full(root, dest, opts, Some(&mut cache), None)?;
        Session::after(root, opts, built, gates, cache, None)
    }

    /// The session after the full build `built`. `carried`: the search index as the site
    /// had it before, which a build that carried its files over starts from.
    fn after(
        root: &Path,
        opts: &BuildOptions,
        mut built: Built,
        gates: Gates,
        cache: crate::lint::ParseCache,
        carried: Option<SearchIndex>,
    ) -> Result<Session> {
        // The site this build replaced is deleted while the browser reloads, not before.
        if let Some(previous) = built.previous.take() {
            std::thread::spawn(move || drop(previous));
        }
        let work = Workspace::new(&built.dest)?;
        let theme = work.scratch("theme");
        // One splice for every partial render: the theme of a split book holds its slots.
        let splice = Arc::new(Splice::new());
        let split = built.print.as_ref().is_some_and(|p| p.split);
        prepare_theme(
            &built.book_theme,
            &theme,
            &built.cfg,
            &work.scratch("mdbook-theme"),
            split.then_some(&*splice),
        )?;
        let renderer = Arc::new(Renderer::new());
        let mut hashes = RecordHashes::default();
        let (signature, generated) = hashes.of(&built.bank);
        let summary = built
            .generated_summary
            .then(|| super::tree::summary(&built.md.source_dir()))
            .flatten();
        let (docs, spans) = std::mem::take(&mut built.docs);
        let index = if built.search_stale {
            SearchIndex::carried(carried)
        } else {
            SearchIndex::made(docs, spans)
        };
        let stale = built.search_stale;
        let mut session = Session {
            root: root.to_path_buf(),
            opts: opts.clone(),
            signature,
            built,
            work,
            theme,
            splice,
            renderer,
            summary,
            index: Arc::new(std::sync::Mutex::new(index)),
            dirty: BTreeSet::new(),
            needs_full: false,
            gates,
            cache,
            generated,
            hashes,
        };
        if stale {
            session.refresh_search();
        }
        Ok(session)
    }

    /// The site's directory.
    pub fn dest(&self) -> &Path {
        &self.built.dest
    }

    /// Whether the last job that brought the search index up to date did so file by file
    /// (`Some(true)`) or made it whole (`Some(false)`). For tests.
    #[doc(hidden)]
    pub fn search_updated(&self) -> Option<bool> {
        self.index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .updated()
    }

    /// Tell when files updated in the background are up to date.
    pub fn gates(&self) -> &Gates {
        &self.gates
    }

    /// Brings the site up to date after `changed` (files of the book that changed, as the
    /// watcher reports them). On error the site is left as it was.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt> {
        if self.needs_full || !self.note_changes(changed) {
            return self.full(changed);
        }
        match self.incremental()? {
            Some(written) => Ok(Rebuilt::Pages(written)),
            None => self.full(changed),
        }
    }

    /// A full build. Unless book.toml changed (which can change how records parse and what
    /// search indexes), it keeps the parsed chapters and leaves the search index to the first
    /// request for it, as an incremental rebuild does: the reload waits for neither.
    fn full(&mut self, changed: &[PathBuf]) -> Result<Rebuilt> {
        // Until a full build succeeds, the next rebuild is a full one too.
        self.needs_full = true;
        // Background jobs of earlier rebuilds must not write into the new site.
        self.gates.reset();
        let config_changed = changed
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == "book.toml"));
        let mut cache = if config_changed {
            crate::lint::ParseCache::default()
        } else {
            std::mem::take(&mut self.cache)
        };
        let carry = (!config_changed).then_some(self.built.dest.as_path());
        let built = build_full(
            &self.root,
            Some(&self.built.dest),
            &self.opts,
            Some(&mut cache),
            carry,
        )?;
        // The index as written, unless a job is busy with it (then it is made whole later).
        let carried = self
            .index
            .try_lock()
            .ok()
            .map(|mut index| std::mem::take(&mut *index));
        *self = Session::after(
            &self.root,
            &self.opts,
            built,
            self.gates.clone(),
            cache,
            carried,
        )?;
        Ok(Rebuilt::Full)
    }

    /// Adds the chapters among `changed` to the dirty set; false when something else changed.
    fn note_changes(&mut self, changed: &[PathBuf]) -> bool {
        let md = &self.built.md;
        // Another output than HTML puts the site in `html/`: not worth a partial path.
        if md.build_dir_for("html") != md.root.join(&md.config.build.build_dir) {
            return false;
        }
        let src = crate::text::canonical_or_absolute(&md.source_dir());
        let chapters: HashSet<&Path> = md
            .book
            .chapters()
            .filter(|ch| ch.path.is_some())
            .filter_map(|ch| ch.source_path.as_deref())
            .collect();
        let mut dirty = Vec::new();
        for path in changed {
            let path = crate::text::canonical_or_absolute(path);
            let Ok(rel) = path.strip_prefix(&src) else {
                return false;
            };
            let exists = std::fs::symlink_metadata(&path).is_ok();
            if !chapters.contains(rel) && !exists {
                // Created and removed within one burst: an editor's or `sed -i`'s temporary.
                continue;
            }
            if !chapters.contains(rel) || !path.is_file() {
                return false;
            }
            dirty.push(rel.to_path_buf());
        }
        self.dirty.extend(dirty);
        true
    }

    /// Rebuilds the dirty chapters. `None` when a full build is needed instead.
    fn incremental(&mut self) -> Result<Option<Vec<PathBuf>>> {
        let started = std::time::Instant::now();
        let lap = |what: &str| tracing::debug!("incremental: {what} at {:?}", started.elapsed());
        let src = self.built.md.source_dir();
        for rel in &self.dirty {
            let Ok(text) = std::fs::read_to_string(src.join(rel)) else {
                // Not UTF-8 (or gone): the full build says where.
                return Ok(None);
            };
            self.built.md.book.for_each_chapter_mut(|ch| {
                if ch.source_path.as_deref() == Some(rel.as_path()) {
                    ch.content.clone_from(&text);
                }
            });
        }
        // Only the dirty chapters' texts were replaced above.
        self.cache.only_changed(self.dirty.iter().cloned());
        let (checked, usable) = diagnose(
            &self.root,
            &self.built.md,
            self.built.generated_summary,
            Some(&mut self.cache),
        );
        if !usable {
            return Ok(None);
        }
        lap("checked");
        report(&checked.diagnostics)?;
        lap("reported");
        let bank = checked.bank;
        let (signature, generated_sig) = self.hashes.of(&bank);
        if signature != self.signature {
            return Ok(None);
        }
        if self.built.generated_summary
            && super::tree::summary(&self.built.md.source_dir()) != self.summary
        {
            return Ok(None);
        }
        let generated = generated_sig != self.generated;
        let flat = flat_chapters(&self.built.md.book);
        let last = flat.len().saturating_sub(1);
        let last_is_dirty = flat
            .last()
            .and_then(|ch| ch.source_path.as_ref())
            .is_some_and(|p| self.dirty.contains(p));
        // The list of generated pages, to link the last chapter to the first of them. It
        // depends on book.toml alone, whose edits are full builds.
        let pages = if generated || last_is_dirty {
            crate::render::pages::list(&self.built.cfg)
        } else {
            Vec::new()
        };
        lap("generated pages listed");
        let bank = Arc::new(bank);

        let mut written = Vec::new();
        let dirty: Vec<PathBuf> = self.dirty.iter().cloned().collect();
        let has_generated = !pages.is_empty() && !bank.records.is_empty();
        let mut generated_done = !generated;
        let mut renders: Vec<(Book, Partial, Vec<PathBuf>)> = Vec::new();
        for rel in &dirty {
            let Some(i) = flat
                .iter()
                .position(|ch| ch.source_path.as_deref() == Some(rel.as_path()))
            else {
                return Ok(None);
            };
            let mut book = Book::new();
            if i > 0 {
                book.push_item(stub(flat[i - 1], String::new()));
            }
            let ch = flat[i];
            book.push_item(stub(ch, ch.content.clone()));
            let with_generated = generated && i == last;
            if !with_generated {
                if let Some(next) = flat.get(i + 1) {
                    book.push_item(stub(next, String::new()));
                } else if has_generated {
                    let (title, path) = &pages[0];
                    book.push_item(Chapter::new(title, String::new(), *path, Vec::new()));
                }
            }
            generated_done |= with_generated;
            let mut files = vec![page_of(ch)];
            if i == 0 {
                files.push(PathBuf::from("index.html"));
            }
            if with_generated {
                files.extend(
                    pages
                        .iter()
                        .map(|(_, p)| Path::new(p).with_extension("html")),
                );
            }
            let partial = Partial {
                chapters: std::iter::once(rel.clone()).collect(),
                generated: with_generated,
                renderer: Some(Arc::clone(&self.renderer)),
            };
            renders.push((book, partial, files));
        }
        if !generated_done {
            let mut book = Book::new();
            if let Some(ch) = flat.last() {
                book.push_item(stub(ch, String::new()));
            }
            let files = pages
                .iter()
                .map(|(_, p)| Path::new(p).with_extension("html"));
            let partial = Partial {
                chapters: HashSet::new(),
                generated: true,
                renderer: Some(Arc::clone(&self.renderer)),
            };
            renders.push((book, partial, files.collect()));
        }
        drop(flat);

        // Render everything into scratch folders first: nothing of the site changes until
        // every page rendered.
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (n, (book, partial, files)) in renders.into_iter().enumerate() {
            let out = self.work.scratch(&format!("pages-{n}"));
            // mdBook writes its output into `rendered`, then the pages it was asked for are
            // copied into `out`, in the workspace, from which they are moved into the site.
            let memory = RenderDir::new();
            let rendered = memory.as_ref().map_or(out.as_path(), |m| m.0.path());
            self.render_into(book, partial, &bank, rendered)?;
            let files = files.into_iter().map(|f| actual_page(rendered, f));
            let mut files: Vec<PathBuf> = files.collect::<BTreeSet<_>>().into_iter().collect();
            // The record's print page when the book is split.
            for rc in bank
                .records
                .iter()
                .filter(|r| self.dirty.contains(&r.source_path))
            {
                let print = super::print::print_page(&crate::text::url_path(&rc.html_path));
                if files.contains(&rc.html_path) && rendered.join(&print).is_file() {
                    files.push(PathBuf::from(print));
                }
            }
            let html: Vec<PathBuf> = files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "html"))
                .cloned()
                .collect();
            same_toc(rendered, &self.built.dest, &html)?;
            if memory.is_some() {
                for f in &files {
                    let to = out.join(f);
                    if let Some(dir) = to.parent() {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("creating {}", dir.display()))?;
                    }
                    std::fs::copy(rendered.join(f), &to)
                        .with_context(|| format!("copying {}", to.display()))?;
                }
            }
            drop(memory);
            // The drill's copy of each card of a record page rendered here.
            for rc in bank
                .records
                .iter()
                .filter(|r| self.dirty.contains(&r.source_path))
            {
                if files.contains(&rc.html_path) {
                    let live = super::cards::Live::Skip(&self.built.dest);
                    files.extend(super::cards::write_record(&out, rc, &self.built.cfg, live)?);
                }
            }
            for f in files {
                staged.push((out.join(&f), f));
            }
        }
        lap("rendered");
        let dest = self.built.dest.clone();
        // Study mode's question list, named by a hash of its content, changes with what the
        // generated pages show: the new files go in before the pages that name them, and the
        // old ones go.
        let mut gone = Vec::new();
        if generated && crate::render::study::wanted(&self.built.cfg) {
            let staging = self.work.scratch("study");
            let old = crate::render::study::data(&self.built.bank, &self.built.cfg);
            let new = crate::render::study::data(&bank, &self.built.cfg);
            for (name, js) in &new {
                let tmp = staging.join(name);
                if let Some(dir) = tmp.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&tmp, js).with_context(|| format!("writing {}", tmp.display()))?;
                replace(&tmp, &dest.join(name))?;
                written.push(PathBuf::from(name));
            }
            gone.extend(
                old.into_iter()
                    .filter(|(name, _)| !new.iter().any(|(n, _)| n == name))
                    .map(|(name, _)| dest.join(name)),
            );
        }
        for (from, rel) in staged {
            replace(&from, &dest.join(&rel))?;
            written.push(rel);
        }
        for path in gone {
            let _ = std::fs::remove_file(path);
        }
        if self.built.cfg.interviewer_material() {
            let staging = self.work.scratch("sources");
            for rc in bank
                .records
                .iter()
                .filter(|r| self.dirty.contains(&r.source_path))
            {
                super::write_source(&staging, &src, rc, &self.built.cfg)?;
                let rel = Path::new(super::SOURCES_DIR).join(rc.html_path.with_extension("js"));
                replace(&staging.join(&rel), &dest.join(&rel))?;
                written.push(rel);
            }
        }
        self.generated = generated_sig;
        self.built.bank = bank;
        lap("written");
        self.refresh_search();
        self.dirty.clear();
        // A split book's print pages are the records' own, written above; its print.html
        // lists titles, which a page-only rebuild leaves as they were.
        if self.built.print.as_ref().is_some_and(|p| !p.split) {
            self.refresh_print();
        }
        Ok(Some(written))
    }

    /// Renders `book` (some chapters of the book, see [`Partial`]) into `out` with mdBook.
    fn render_into(
        &mut self,
        book: Book,
        partial: Partial,
        bank: &Arc<Bank>,
        out: &Path,
    ) -> Result<()> {
        let _ = std::fs::remove_dir_all(out);
        let splice = Arc::clone(&self.splice);
        splice.clear();
        let md = &mut self.built.md;
        point_at(md, out, &self.theme)?;
        md.with_preprocessor(QbankPreprocessor::partial(
            bank.clone(),
            splice.clone(),
            partial,
        ));
        let saved = std::mem::replace(&mut md.book, book);
        let (result, logged) = super::log::ErrorCounter::count(|| md.build());
        md.book = saved;
        result.map_err(|e| anyhow::anyhow!("{e:#}"))?;
        if logged > 0 {
            bail!("mdBook reported {logged} error(s) above; fix them (usually book.toml)")
        }
        splice.put_back(out, self.built.print.as_ref(), &super::progress::Silent)?;
        Ok(())
    }

    /// Renders `print.html` again after an incremental rebuild, when it is first asked for:
    /// [`Gates::print`] runs the render and holds requests for it until then.
    fn refresh_print(&mut self) {
        let gate = self.gates.print.clone();
        let generation = gate.stale();
        let job = PrintJob {
            root: self.root.clone(),
            config: self.built.md.config.clone(),
            summary: self.summary.clone(),
            bank: Arc::clone(&self.built.bank),
            theme: self.theme.clone(),
            out: self.work.scratch(&format!("print-{generation}")),
            dest: self.built.dest.join("print.html"),
        };
        gate.clone().defer(move || {
            let result = job.run(&gate, generation);
            let _ = std::fs::remove_dir_all(&job.out);
            if let Err(e) = result {
                eprintln!("rendering print.html failed: {e:#}");
                // Requests for it stop waiting: the previous one is served.
                let _ = gate.finish(generation, || Ok(()));
            }
        });
    }

    /// Updates the search index after a rebuild, when it is first asked for. The documents of
    /// the edited chapters are made now (a record's take a millisecond or two) and queued;
    /// after a full build, the job makes every chapter's documents. The first request for the
    /// index runs the job: it compares the documents with those of the index as written, and
    /// [`crate::search::index::update`] rewrites only the files that hold what changed (each
    /// by a rename). [`Gates::search`] runs that job and holds requests for the index until
    /// then.
    fn refresh_search(&mut self) {
        if !self.built.cfg.search {
            return;
        }
        let index = Arc::clone(&self.index);
        let stale_all = index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .stale_all();
        let book = stale_all.then(|| self.built.md.book.clone());
        if !stale_all {
            let (docs, spans) = crate::search::documents_by_chapter(
                &self.built.md.book,
                &self.built.bank,
                &self.built.cfg,
                Some(&self.dirty),
            );
            let mut index = index
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut docs = docs.into_iter();
            for (source, range) in spans {
                index.queue(source, docs.by_ref().take(range.len()).collect());
            }
        }
        let gate = self.gates.search.clone();
        let generation = gate.stale();
        let (bank, cfg) = (Arc::clone(&self.built.bank), self.built.cfg.clone());
        let dir = self.built.dest.join(crate::search::DIR);
        let scratch = self.work.scratch(&format!("search-{generation}"));
        gate.clone().defer(move || {
            let mut index = index
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !gate.is_latest(generation) {
                // A later edit queued its job: it takes this one's chapters too.
                return;
            }
            let index = &mut *index;
            let started = std::time::Instant::now();
            let book = book.as_ref().filter(|_| index.stale_all());
            let ((files, removed, updated), layout, fresh) =
                match index.next(book, &bank, &cfg, &dir) {
                    Ok(next) => next,
                    Err(e) => {
                        let _ = gate.finish(generation, || Ok(()));
                        eprintln!("updating the search index failed: {e:#}");
                        return;
                    }
                };
            tracing::debug!(
                "search: {} files made at {:?}",
                files.len(),
                started.elapsed()
            );
            let written = gate.finish(generation, || {
                std::fs::create_dir_all(&scratch)?;
                for (name, text) in files {
                    let path = dir.join(format!("{name}.js"));
                    // An update returns only files that changed.
                    if !updated && std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
                        continue;
                    }
                    let tmp = scratch.join(format!("{name}.js"));
                    std::fs::write(&tmp, text)
                        .with_context(|| format!("writing {}", tmp.display()))?;
                    replace(&tmp, &path)?;
                }
                for name in removed {
                    let _ = std::fs::remove_file(dir.join(format!("{name}.js")));
                }
                Ok(())
            });
            let _ = std::fs::remove_dir_all(&scratch);
            match written {
                Ok(true) => {
                    index.written(&layout, fresh, updated);
                    tracing::debug!(
                        "search index {} in {:?}",
                        if updated { "updated" } else { "made whole" },
                        started.elapsed()
                    );
                }
                // A later edit or a full build took over: the files are as they were (and, if
                // the edits were put in place, no longer the index of the documents).
                Ok(false) => {}
                Err(e) => {
                    index.failed();
                    eprintln!("updating the search index failed: {e:#}");
                }
            }
        });
    }
}

/// Files an incremental rebuild leaves to bring up to date on the first request for them
/// (see [`Gate::wait_fresh`]), so that the reload is not held up by them and a stale one is
/// never served. Shared with the HTTP threads.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// `print.html`.
    pub print: Gate,
    /// The search index, `qbank/search/`.
    pub search: Gate,
}

impl Gates {
    fn reset(&self) {
        self.print.reset();
        self.search.reset();
    }
}

/// Whether the files of one deferred job are up to date: (latest generation asked for,
/// latest generation done), and the job that brings them up to date, run by the first
/// request that needs them.
#[derive(Clone, Default)]
pub struct Gate(Arc<GateInner>);

#[derive(Default)]
struct GateInner {
    state: std::sync::Mutex<(u64, u64)>,
    done: std::sync::Condvar,
    job: std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = *self.lock();
        f.debug_tuple("Gate").field(&g).finish()
    }
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, u64)> {
        self.0
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks the files stale; returns the generation that will make them fresh.
    fn stale(&self) -> u64 {
        let mut g = self.lock();
        g.0 += 1;
        g.0
    }

    /// A full build wrote the files: fresh, and any job still running is outdated.
    fn reset(&self) {
        // A deferred job of an earlier rebuild has nothing left to do.
        drop(
            self.0
                .job
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take(),
        );
        let mut g = self.lock();
        g.0 += 1;
        g.1 = g.0;
        self.0.done.notify_all();
    }

    /// Runs `write` and marks the files fresh if `generation` is still the latest. Returns
    /// whether it ran. Holding the lock meanwhile, so that no newer job or full build writes
    /// at the same time.
    fn finish(&self, generation: u64, write: impl FnOnce() -> Result<()>) -> Result<bool> {
        let mut g = self.lock();
        if g.0 != generation {
            return Ok(false);
        }
        let result = write();
        // Fresh or not, requests stop waiting: on failure the previous files are served.
        g.1 = generation;
        self.0.done.notify_all();
        result.map(|()| true)
    }

    /// Whether `generation` is still the latest.
    fn is_latest(&self, generation: u64) -> bool {
        self.lock().0 == generation
    }

    /// Whether the files are up to date.
    pub fn is_fresh(&self) -> bool {
        let g = self.lock();
        g.1 == g.0
    }

    /// Sets the job that brings the files up to date, in place of any older one.
    fn defer(&self, job: impl FnOnce() + Send + 'static) {
        let replaced = self
            .0
            .job
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .replace(Box::new(job));
        // The job it replaces may hold the last bank of an earlier rebuild: freeing 10,000
        // questions takes milliseconds the reload need not wait for.
        if let Some(old) = replaced {
            std::thread::spawn(move || drop(old));
        }
    }

    /// Brings the files up to date, running the deferred job here if no one has yet, and
    /// waits at most `timeout` for them. Returns whether they are up to date.
    pub fn wait_fresh(&self, timeout: std::time::Duration) -> bool {
        let job = self
            .0
            .job
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(job) = job {
            job();
        }
        let g = self.lock();
        let (g, _) = self
            .0
            .done
            .wait_timeout_while(g, timeout, |g| g.1 != g.0)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        g.1 == g.0
    }
}

/// A background render of `print.html`: a book of its own, loaded from disk.
struct PrintJob {
    root: PathBuf,
    config: mdbook_driver::config::Config,
    summary: Option<String>,
    bank: Arc<Bank>,
    theme: PathBuf,
    out: PathBuf,
    dest: PathBuf,
}

impl PrintJob {
    fn run(&self, gate: &Gate, generation: u64) -> Result<()> {
        if !gate.is_latest(generation) {
            return Ok(());
        }
        let mut md = match &self.summary {
            Some(text) => mdbook_summary::parse_summary(text).and_then(|s| {
                MDBook::load_with_config_and_summary(&self.root, self.config.clone(), s)
            }),
            None => MDBook::load_with_config(&self.root, self.config.clone()),
        }
        .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        point_at(&mut md, &self.out, &self.theme)?;
        let splice = Arc::new(Splice::new());
        md.with_preprocessor(QbankPreprocessor::in_process(
            Some(Arc::clone(&self.bank)),
            Some(Arc::clone(&splice)),
        ));
        let (result, _) = super::log::ErrorCounter::count(|| md.build());
        result.map_err(|e| anyhow::anyhow!("{e:#}"))?;
        splice.put_back(&self.out, None, &super::progress::Silent)?;
        // Only the newest render may take its place, and only while it is the newest.
        gate.finish(generation, || {
            replace(&self.out.join("print.html"), &self.dest)
        })?;
        Ok(())
    }
}

/// What the generated pages (tags, dimensions, coverage, frequent, progress…) show of one
/// record: every question's place, id, number, title, state and metadata.
fn record_generated(rc: &crate::lint::RecordChapter) -> u64 {
    use std::fmt::Write as _;
    let mut text = Fnv::default();
    let _ = writeln!(
        text,
        "{}\u{1}{}\u{1}{:?}",
        rc.source_path.display(),
        rc.html_path.display(),
        rc.record.title
    );
    for q in &rc.record.questions {
        let _ = write!(
            text,
            "{}\u{2}{}\u{2}{}\u{2}{}",
            q.id,
            q.number,
            q.title,
            q.answer.is_answered()
        );
        if let Some(m) = &q.meta {
            let rubric: Vec<(&str, &str)> = m
                .rubric
                .iter()
                .map(|(a, b, _)| (a.as_str(), b.as_str()))
                .collect();
            let _ = write!(
                text,
                "\u{3}{:?}\u{3}{:?}\u{3}{:?}\u{3}{:?}\u{3}{rubric:?}\u{3}{:?}\u{3}{:?}\u{3}{:?}",
                m.id, m.difficulty, m.tags, m.dimensions, m.follow_ups, m.aliases, m.same_as
            );
        }
        let _ = text.write_char('\n');
    }
    text.0
}

/// What pages other than a record's own show of one record: every question's page, id,
/// number, title and aliases (links and the frequent page).
fn record_signature(rc: &crate::lint::RecordChapter) -> u64 {
    use std::fmt::Write as _;
    let mut text = Fnv::default();
    let _ = write!(text, "{}\u{1}", rc.html_path.display());
    let _ = text.write_str(rc.record.title.as_deref().unwrap_or(""));
    for q in &rc.record.questions {
        let aliases = q.meta.as_ref().map_or(&[][..], |m| &m.aliases[..]);
        let _ = write!(
            text,
            "\u{2}{}\u{3}{}\u{3}{}\u{3}{:?}",
            q.id, q.number, q.title, aliases
        );
    }
    text.0
}

/// Each record's [`record_signature`] and [`record_generated`], kept with the record they
/// were made from: an edit hashes again only the records it changed (at 10,000 questions,
/// hashing them all took a tenth of an edit's rebuild). An unchanged record is the same
/// `Arc` (the parse cache shares it); holding it here keeps its address from being reused.
#[derive(Default)]
struct RecordHashes(HashMap<PathBuf, (Arc<crate::model::Record>, PathBuf, u64, u64)>);

impl RecordHashes {
    /// (What other pages show, what the generated pages show) of `bank`: see
    /// [`record_signature`] and [`record_generated`]. The signature adds every question's
    /// group and every group (the "also asked" lines) and the chapters that are not records
    /// (a change to it needs a full build); the generated one adds the groups with their
    /// best answers.
    fn of(&mut self, bank: &Bank) -> (u64, u64) {
        use std::fmt::Write as _;
        let (mut sig, mut generated) = (Fnv::default(), Fnv::default());
        let mut kept = HashMap::with_capacity(bank.records.len());
        for rc in &bank.records {
            let (record, source, a, b) = match self.0.remove(&rc.html_path) {
                Some(known) if Arc::ptr_eq(&known.0, &rc.record) && known.1 == rc.source_path => {
                    known
                }
                _ => (
                    rc.record.clone(),
                    rc.source_path.clone(),
                    record_signature(rc),
                    record_generated(rc),
                ),
            };
            let _ = writeln!(sig, "{a:x}\u{1}{:?}", rc.group);
            let _ = writeln!(generated, "{b:x}");
            kept.insert(rc.html_path.clone(), (record, source, a, b));
        }
        self.0 = kept;
        for g in &bank.groups {
            let _ = writeln!(
                sig,
                "{}\u{1}{}\u{1}{:?}\u{1}{}",
                g.id, g.title, g.members, g.records
            );
            let _ = writeln!(
                generated,
                "{}\u{1}{}\u{1}{:?}\u{1}{}\u{1}{:?}",
                g.id, g.title, g.members, g.records, g.best
            );
        }
        let mut body: Vec<_> = bank.body_start.iter().collect();
        body.sort();
        let _ = write!(sig, "{body:?}");
        (sig.0, generated.0)
    }
}

/// Every chapter of `book` that has a page, in the order mdBook renders them (which gives
/// the previous and next links).
fn flat_chapters(book: &Book) -> Vec<&Chapter> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) if ch.path.is_some() => Some(ch),
            _ => None,
        })
        .collect()
}

/// The page mdBook writes for `ch` (before its `index` preprocessor turns a README into
/// `index.html`; see [`actual_page`]).
fn page_of(ch: &Chapter) -> PathBuf {
    ch.path.clone().unwrap_or_default().with_extension("html")
}

/// `page` as mdBook wrote it into `out`: a README's page is `index.html` of its folder when
/// mdBook's `index` preprocessor ran.
fn actual_page(out: &Path, page: PathBuf) -> PathBuf {
    let readme = page
        .file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"));
    if readme && !out.join(&page).exists() {
        page.with_file_name("index.html")
    } else {
        page
    }
}

/// A folder in memory (`/dev/shm`, on Linux) for one partial render, removed when dropped.
/// mdBook empties its output folder and writes its forty-odd static files again on every
/// render; on ext4, creating files where files were just deleted cost about 20 ms of each
/// answer edit's 65. Only the pages asked for are copied out. `None` where there is no such
/// folder: the render goes into the workspace. Its name is unique, so that sessions running
/// at once (in one process, or in several) never render into each other's folder.
struct RenderDir(tempfile::TempDir);

impl RenderDir {
    fn new() -> Option<RenderDir> {
        let shm = Path::new("/dev/shm");
        if !cfg!(target_os = "linux") || !shm.is_dir() {
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("qbank-render-")
            .tempdir_in(shm)
            .ok()?;
        Some(RenderDir(dir))
    }
}

/// The name of the table of contents script in `site` (`toc-<hash>.js` when file names are
/// hashed).
fn toc_script(site: &Path) -> Option<String> {
    std::fs::read_dir(site)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("toc") && n.ends_with(".js"))
}

/// A partial render has a table of contents of its few chapters, whose hashed name the pages
/// link: make `pages` (in `out`) link the site's own, which lists the whole book.
fn same_toc(out: &Path, site: &Path, pages: &[PathBuf]) -> Result<()> {
    let (Some(ours), Some(theirs)) = (toc_script(out), toc_script(site)) else {
        return Ok(());
    };
    if ours == theirs {
        return Ok(());
    }
    let (ours, theirs) = (format!("/{ours}\""), format!("/{theirs}\""));
    let (ours_root, theirs_root) = (format!("\"{}", &ours[1..]), format!("\"{}", &theirs[1..]));
    for page in pages {
        let path = out.join(page);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let text = text
            .replace(&ours, &theirs)
            .replace(&ours_root, &theirs_root);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `ch` without its sub-chapters, with `content`.
fn stub(ch: &Chapter, content: String) -> BookItem {
    let path = ch.path.clone().unwrap_or_default();
    let mut out = Chapter::new(&ch.name, content, &path, ch.parent_names.clone());
    out.number.clone_from(&ch.number);
    out.source_path.clone_from(&ch.source_path);
    BookItem::Chapter(out)
}

/// Moves `from` over `to` (one rename: a reader sees the old file or the new one).
fn replace(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::rename(from, to)
        .with_context(|| format!("moving {} to {}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::RenderDir;

    /// Two sessions rendering at once (the tests run several in one process) each get a
    /// folder of their own; a name made of the process id alone let one session's render
    /// land in the other's pages.
    #[test]
    fn render_folders_are_never_shared() {
        let (Some(a), Some(b)) = (RenderDir::new(), RenderDir::new()) else {
            return; // no /dev/shm here: renders go into each session's own workspace
        };
        assert_ne!(a.0.path(), b.0.path());
        let kept = a.0.path().to_path_buf();
        drop(a);
        assert!(!kept.exists(), "removed when dropped");
        assert!(b.0.path().is_dir());
    }
}
