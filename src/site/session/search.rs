//! `serve`'s view of the search index: the documents the written files were made of, and
//! the edits queued since. A job brings the files up to date with
//! [`crate::search::index::update`], or makes the index whole when the files are not known to
//! match (see [`SearchIndex::next`]).

use crate::search::index::{Doc, Layout};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Search files to write, `(name, content)`, and to remove, by name; and whether they are an
/// update of the written files rather than the whole index.
pub(super) type FilesFor = (Vec<(String, String)>, Vec<String>, bool);

/// Search documents in book order, and each chapter's range in them.
pub(super) type DocsBySpan = (Vec<Doc>, Vec<(PathBuf, std::ops::Range<usize>)>);

/// The search index as the site has it: the documents it was made of, each chapter's range in
/// them and their numbers, and the documents of chapters edited since it was written.
#[derive(Debug, Default)]
pub(super) struct SearchIndex {
    docs: Vec<Doc>,
    /// `(source path, range in docs)`, in book order.
    spans: Vec<(PathBuf, std::ops::Range<usize>)>,
    /// The number of each document in the index.
    ids: Vec<u32>,
    /// New documents of edited chapters, oldest first.
    pending: Vec<(PathBuf, Vec<Doc>)>,
    /// Whether the files are the index of `docs` exactly, so that an update can start from
    /// them. Not when they were carried over from a site this session did not write, or
    /// after a failed write.
    known: bool,
    /// Every chapter's documents are to be made again (after a full build, which carried the
    /// files over as they were).
    stale_all: bool,
    /// Whether the last job updated the written files (rather than making the index whole).
    updated: Option<bool>,
}

impl SearchIndex {
    /// The index of a build that made it from `docs`.
    pub(super) fn made(docs: Vec<Doc>, spans: Vec<(PathBuf, std::ops::Range<usize>)>) -> Self {
        let ids = crate::search::layout(&spans).map(|l| l.ids().to_vec());
        SearchIndex {
            known: ids.is_ok(),
            ids: ids.unwrap_or_default(),
            docs,
            spans,
            ..SearchIndex::default()
        }
    }

    /// The index after a full build that linked the live site's index files into the new site
    /// as they were: `carried`, as the previous session had it, if it could be taken.
    pub(super) fn carried(carried: Option<SearchIndex>) -> Self {
        SearchIndex {
            pending: Vec::new(),
            stale_all: true,
            ..carried.unwrap_or_default()
        }
    }

    /// Whether every chapter's documents are to be made again.
    pub(super) fn stale_all(&self) -> bool {
        self.stale_all
    }

    /// Queues the documents of an edited chapter for the next job.
    pub(super) fn queue(&mut self, source: PathBuf, docs: Vec<Doc>) {
        self.pending.push((source, docs));
    }

    /// Whether the last job updated the written files rather than making the index whole.
    pub(super) fn updated(&self) -> Option<bool> {
        self.updated
    }

    /// The files [`Self::next`] gave are written: the index is theirs. `fresh`: the documents
    /// it made of every chapter, if it did.
    pub(super) fn written(&mut self, layout: &Layout, fresh: Option<DocsBySpan>, updated: bool) {
        self.ids = layout.ids().to_vec();
        if let Some((docs, spans)) = fresh {
            (self.docs, self.spans) = (docs, spans);
        }
        self.pending.clear();
        self.stale_all = false;
        self.known = true;
        self.updated = Some(updated);
    }

    /// Writing them failed, perhaps halfway: the next job makes the index whole.
    pub(super) fn failed(&mut self) {
        self.known = false;
    }

    /// The files that bring the index up to date, the layout they number the documents by, and
    /// the documents of every chapter when `book` (after a full build) gave them. Otherwise
    /// the pending documents are put in place of their chapters' own, and the index is no
    /// longer known to match its files until they are written.
    pub(super) fn next(
        &mut self,
        book: Option<&mdbook_preprocessor::book::Book>,
        bank: &crate::lint::Bank,
        cfg: &crate::config::Config,
        dir: &Path,
    ) -> std::io::Result<(FilesFor, Layout, Option<DocsBySpan>)> {
        use crate::search::index::Change;
        if let Some(book) = book {
            let (docs, spans) = crate::search::documents_by_chapter(book, bank, cfg, None);
            let layout = crate::search::layout(&spans)?;
            let change = Change::between(&self.docs, &self.ids, &docs, layout.ids());
            let files = Self::files_for(self.known, &change, &docs, &layout, dir)?;
            return Ok((files, layout, Some((docs, spans))));
        }
        let (old_ids, old_spans) = (std::mem::take(&mut self.ids), self.spans.clone());
        let mut replaced: HashMap<PathBuf, Vec<Doc>> = HashMap::new();
        for (source, new) in std::mem::take(&mut self.pending) {
            let Some(at) = self.spans.iter().position(|(s, _)| *s == source) else {
                continue;
            };
            let range = self.spans[at].1.clone();
            let (old_len, new_len) = (range.len(), new.len());
            let old: Vec<_> = self.docs.splice(range.clone(), new).collect();
            // The oldest documents of a chapter edited twice are what the files hold.
            replaced.entry(source).or_insert(old);
            self.spans[at].1 = range.start..range.start + new_len;
            for (_, r) in &mut self.spans[at + 1..] {
                *r = r.start + new_len - old_len..r.end + new_len - old_len;
            }
        }
        let known = std::mem::replace(&mut self.known, false);
        let layout = crate::search::layout(&self.spans)?;
        // What the files hold and what they should, of the chapters edited or renumbered.
        let (mut was, mut now) = (Vec::new(), Vec::new());
        for ((source, old), (_, new)) in old_spans.iter().zip(&self.spans) {
            let (old_ids, new_ids) = (&old_ids[old.clone()], &layout.ids()[new.clone()]);
            let docs = &self.docs[new.clone()];
            match replaced.get(source) {
                Some(old_docs) => was.extend(old_ids.iter().copied().zip(old_docs)),
                None if old_ids != new_ids => was.extend(old_ids.iter().copied().zip(docs)),
                None => continue,
            }
            now.extend(new_ids.iter().copied().zip(docs));
        }
        let change = Change::of(&was, &now);
        let files = Self::files_for(known, &change, &self.docs, &layout, dir)?;
        Ok((files, layout, None))
    }

    /// The files to write and to remove for the index of `docs` numbered by `layout`: only
    /// those that changed when the written files are `known` to be the index before `change`,
    /// else every file.
    fn files_for(
        known: bool,
        change: &crate::search::index::Change,
        docs: &[Doc],
        layout: &Layout,
        dir: &Path,
    ) -> std::io::Result<FilesFor> {
        use crate::search::index::update;
        if known {
            tracing::debug!(
                "search: {} documents out, {} in (compared)",
                change.removed.len(),
                change.added.len()
            );
            if change.is_empty() {
                return Ok((Vec::new(), Vec::new(), true));
            }
            let mut read = |name: &str| std::fs::read_to_string(dir.join(format!("{name}.js")));
            match update(change, docs, layout, &mut read) {
                Ok(Some(up)) => return Ok((up.files, up.removed, true)),
                Ok(None) => {}
                Err(e) => tracing::debug!("the search index is made whole: {e}"),
            }
        }
        let files = crate::search::index::build(docs, layout)?.files;
        let names: HashSet<&str> = files.iter().map(|f| f.0.as_str()).collect();
        let removed = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e
                    .file_name()
                    .to_string_lossy()
                    .strip_suffix(".js")?
                    .to_string();
                (!names.contains(name.as_str())).then_some(name)
            })
            .collect();
        Ok((files, removed, false))
    }
}
