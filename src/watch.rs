//! What `qbank serve` watches for edits, and how.
//!
//! A [`WatchSet`] is what mdBook's own `serve` watches: the book's sources (`[book] src`,
//! default `src/`), its theme folder (`[output.html] theme`, default `theme/`), `book.toml`,
//! and every folder of `[build] extra-watch-dirs`. Inside those, a change is ignored when
//! `.gitignore` ignores its path (the `.gitignore` files of the book root and of its parent
//! folders up to the repository's top, except one that ignores the book itself), when it is inside the site or one of the temporary
//! folders a build writes beside it (names containing `.qbank-`), inside a hidden folder,
//! `node_modules` or `target`, or when it is an editor's scratch file.
//!
//! A [`Watcher`] turns changes into batches, one batch per burst of writes:
//! - [`WatchMode::Notify`] asks the operating system (inotify on Linux) through the `notify`
//!   crate, and costs nothing while nothing changes;
//! - [`WatchMode::Poll`] (`qbank serve --poll`) compares a [`Snapshot`] of the watched files
//!   every [`POLL_INTERVAL`], for network and container file systems whose changes the
//!   operating system does not report. The notify watcher falls back to it when it cannot start
//!   (e.g. the inotify watch limit is reached).
//!
//! A burst ends after [`SETTLE_DELAY`] of quiet, or [`MAX_SETTLE`] at most. The notify watcher
//! sees when each file a burst wrote is closed or renamed into place; from then on it waits
//! only [`SETTLE_CLOSED`].

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ignore::Match;
use ignore::gitignore::Gitignore;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use walkdir::WalkDir;

/// How often `--poll` compares snapshots of the watched files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How long a burst of writes must have been quiet before its batch is reported, so that an
/// editor's save or a `git checkout` results in a single rebuild.
pub const SETTLE_DELAY: Duration = Duration::from_millis(25);

/// The quiet a burst needs instead of [`SETTLE_DELAY`] once every file it wrote has been
/// closed or renamed into place (the notify watcher only): an editor's save is then complete,
/// and what is left to wait for is only the rest of a `git checkout` or a batch of saves.
/// On the 10,000-question bank of `benches/serve-edit.sh` this took an answer edit from
/// about 85 ms to about 50 ms from the save to the reload.
pub const SETTLE_CLOSED: Duration = Duration::from_millis(5);

/// The longest a batch waits for its burst to end: a file that never stops changing still
/// gets rebuilds.
pub const MAX_SETTLE: Duration = Duration::from_secs(2);

/// How often the notify watcher looks for a watched folder that is missing (not created yet,
/// or deleted or renamed away) to come back. Only while one is missing.
const RECHECK_MISSING: Duration = Duration::from_secs(1);

/// How changes are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// Events from the operating system (inotify on Linux), through the `notify` crate.
    Notify,
    /// Comparing snapshots every [`POLL_INTERVAL`] (`--poll`).
    Poll,
}

// ---------------------------------------------------------------------------------------------
// What is watched
// ---------------------------------------------------------------------------------------------

/// The files and folders of a book whose changes can affect its build.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchSet {
    root: PathBuf,
    config: PathBuf,
    dirs: Vec<PathBuf>,
    site: PathBuf,
    gitignore_files: Vec<PathBuf>,
    gitignores: Vec<GitignoreMatcher>,
}

/// A `.gitignore` matcher, compared by the file it was read from and its contents.
#[derive(Debug, Clone)]
struct GitignoreMatcher {
    text: String,
    matcher: Gitignore,
}

impl PartialEq for GitignoreMatcher {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.matcher.path() == other.matcher.path()
    }
}

impl WatchSet {
    /// What to watch for the book at `root` whose site is built into `site_dir`: `book.toml`,
    /// and the source, theme and extra-watch folders it names (defaults `src` and `theme`).
    /// An unreadable or invalid `book.toml` gives the defaults, so that fixing it is noticed.
    pub fn for_book(root: &Path, site_dir: &Path) -> Self {
        let root = canonical_or_absolute(root);
        let config = root.join("book.toml");
        let doc = fs::read_to_string(&config)
            .ok()
            .and_then(|t| t.parse::<toml_edit::DocumentMut>().ok());
        let item = |path: &[&str]| {
            let mut item = doc.as_ref()?.as_item();
            for key in path {
                item = item.get(key)?;
            }
            Some(item)
        };
        let string = |path: &[&str], default: &str| {
            item(path)
                .and_then(|i| i.as_str())
                .unwrap_or(default)
                .to_owned()
        };
        let mut dirs = vec![
            string(&["book", "src"], "src"),
            string(&["output", "html", "theme"], "theme"),
        ];
        if let Some(extra) = item(&["build", "extra-watch-dirs"]).and_then(|i| i.as_array()) {
            dirs.extend(extra.iter().filter_map(|v| v.as_str()).map(str::to_owned));
        }
        let mut dirs: Vec<PathBuf> = dirs
            .iter()
            .map(|d| canonical_or_absolute(&root.join(d)))
            .collect();
        // A folder inside another watched folder adds nothing.
        dirs.sort();
        dirs.dedup();
        let nested: Vec<bool> = dirs
            .iter()
            .map(|d| dirs.iter().any(|o| o != d && d.starts_with(o)))
            .collect();
        let dirs = dirs
            .into_iter()
            .zip(nested)
            .filter_map(|(d, n)| (!n).then_some(d))
            .collect();

        // A .gitignore that ignores the book itself (a book kept in a repository's ignored
        // `target/` or `tmp/`) says nothing about which of its files matter.
        let (gitignore_files, gitignores) = gitignore_files(&root)
            .into_iter()
            .filter_map(|file| {
                let text = fs::read_to_string(&file).ok()?;
                let (matcher, _errors) = Gitignore::new(&file);
                let ignores_book = root.starts_with(matcher.path())
                    && matcher.matched_path_or_any_parents(&root, true).is_ignore();
                (!ignores_book).then_some((file, GitignoreMatcher { text, matcher }))
            })
            .unzip();
        WatchSet {
            config,
            dirs,
            site: canonical_or_absolute(site_dir),
            gitignore_files,
            gitignores,
            root,
        }
    }

    /// The book root, canonicalized.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `book.toml` of the book.
    pub fn config_file(&self) -> &Path {
        &self.config
    }

    /// The folders watched with everything inside them (absolute; they need not exist).
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The `.gitignore` files honoured, deepest first. One that ignores the book root itself
    /// is not.
    pub fn gitignore_files(&self) -> &[PathBuf] {
        &self.gitignore_files
    }

    /// Whether a change of `path` (absolute, as the watcher reports it) can affect the build.
    /// `is_dir` tells whether `path` is a folder (false for one that is gone).
    pub fn is_watched(&self, path: &Path, is_dir: bool) -> bool {
        if path == self.config {
            return true;
        }
        let Some(dir) = self.dirs.iter().find(|d| path.starts_with(d)) else {
            return false;
        };
        !self.is_ignored(dir, path, is_dir)
    }

    /// Whether `path`, inside the watched folder `dir`, is ignored (see the module docs).
    fn is_ignored(&self, dir: &Path, path: &Path, is_dir: bool) -> bool {
        if path.starts_with(&self.site) {
            return true;
        }
        let Ok(rel) = path.strip_prefix(dir) else {
            return false;
        };
        let mut components = rel.components().peekable();
        while let Some(c) = components.next() {
            let name = c.as_os_str().to_string_lossy();
            let last = components.peek().is_none();
            if name.contains(".qbank-") {
                return true;
            }
            if (!last || is_dir) && is_ignored_dir_name(&name) {
                return true;
            }
            if last && !is_dir && is_editor_scratch(&name) {
                return true;
            }
        }
        self.gitignored(path, is_dir)
    }

    /// Whether the nearest `.gitignore` with a say about `path` ignores it.
    fn gitignored(&self, path: &Path, is_dir: bool) -> bool {
        for gi in &self.gitignores {
            // The matcher requires paths under its own folder.
            if !path.starts_with(gi.matcher.path()) {
                continue;
            }
            match gi.matcher.matched_path_or_any_parents(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

/// The `.gitignore` files of `root` and of its parents up to the folder holding `.git`
/// (deepest first). Outside a repository, only the root's own.
fn gitignore_files(root: &Path) -> Vec<PathBuf> {
    let in_repo = root.ancestors().any(|d| d.join(".git").exists());
    let mut out = Vec::new();
    for dir in root.ancestors() {
        let file = dir.join(".gitignore");
        if file.is_file() {
            out.push(file);
        }
        if !in_repo || dir.join(".git").exists() {
            break;
        }
    }
    out
}

fn is_ignored_dir_name(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// Backup, swap and lock files of common editors, which change while one edits.
pub fn is_editor_scratch(name: &str) -> bool {
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name == ".DS_Store"
        || name == "4913" // vim's probe for a writable folder
        || (name.starts_with('.')
            && (name.ends_with(".swp") || name.ends_with(".swo") || name.ends_with(".swx")))
}

/// `path` canonicalized; when it does not exist yet, its canonicalized parent joined with its
/// name; failing that, made absolute lexically.
pub fn canonical_or_absolute(path: &Path) -> PathBuf {
    crate::text::canonical_or_absolute(path)
}

// ---------------------------------------------------------------------------------------------
// Snapshots (--poll)
// ---------------------------------------------------------------------------------------------

/// A snapshot: every watched file with its modification time and length.
pub type Snapshot = BTreeMap<PathBuf, (SystemTime, u64)>;

/// Records `(mtime, len)` of `book.toml` and of every file in the watched folders that is not
/// ignored. Symbolic links are followed. Unreadable entries are left out.
pub fn snapshot(set: &WatchSet) -> Snapshot {
    let mut out = Snapshot::new();
    let mut stamp = |path: PathBuf, meta: fs::Metadata| {
        let mtime = meta.modified().unwrap_or(UNIX_EPOCH);
        out.insert(path, (mtime, meta.len()));
    };
    if let Ok(meta) = fs::metadata(&set.config) {
        stamp(set.config.clone(), meta);
    }
    for dir in &set.dirs {
        let walk = WalkDir::new(dir)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !set.is_ignored(dir, e.path(), e.file_type().is_dir())
            });
        for entry in walk.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            if let Ok(meta) = entry.metadata() {
                stamp(entry.into_path(), meta);
            }
        }
    }
    out
}

/// Paths whose entry differs between two snapshots (added, removed or modified), sorted.
pub fn changed_paths(old: &Snapshot, new: &Snapshot) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = new
        .iter()
        .filter(|(path, stamp)| old.get(*path) != Some(*stamp))
        .map(|(path, _)| path.clone())
        .chain(old.keys().filter(|p| !new.contains_key(*p)).cloned())
        .collect();
    changed.sort();
    changed
}

// ---------------------------------------------------------------------------------------------
// The watcher
// ---------------------------------------------------------------------------------------------

/// Watches a book and reports its changes in batches (see the module docs).
pub struct Watcher {
    root: PathBuf,
    site_dir: PathBuf,
    set: WatchSet,
    backend: Backend,
}

enum Backend {
    Notify(NotifyBackend),
    Poll { last: Snapshot },
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("mode", &self.mode())
            .field("set", &self.set)
            .finish()
    }
}

impl Watcher {
    /// Starts watching the book at `root`, ignoring `site_dir`. Changes made from now on are
    /// reported. A notify watcher that cannot start prints why on stderr and polls instead.
    pub fn new(root: &Path, site_dir: &Path, mode: WatchMode) -> Self {
        let set = WatchSet::for_book(root, site_dir);
        let backend = match mode {
            WatchMode::Notify => match NotifyBackend::new(&set) {
                Ok(b) => Backend::Notify(b),
                Err(err) => {
                    eprintln!("warning: cannot watch the book for changes: {err}");
                    eprintln!("  help: watching by polling instead, as `--poll` does");
                    Backend::Poll {
                        last: snapshot(&set),
                    }
                }
            },
            WatchMode::Poll => Backend::Poll {
                last: snapshot(&set),
            },
        };
        Watcher {
            root: root.to_path_buf(),
            site_dir: site_dir.to_path_buf(),
            set,
            backend,
        }
    }

    /// How this watcher notices changes (`Poll` also after a fallback).
    pub fn mode(&self) -> WatchMode {
        match self.backend {
            Backend::Notify(_) => WatchMode::Notify,
            Backend::Poll { .. } => WatchMode::Poll,
        }
    }

    /// What is watched.
    pub fn watch_set(&self) -> &WatchSet {
        &self.set
    }

    /// Waits up to `timeout` for a change. Once one is seen, waits for the burst to settle
    /// (see [`SETTLE_DELAY`], [`MAX_SETTLE`]) and returns the changed paths, sorted; `None`
    /// when nothing changed in time. Changes made while the caller rebuilds are reported by
    /// the next call.
    pub fn wait(&mut self, timeout: Duration) -> Option<Vec<PathBuf>> {
        let changed = match &mut self.backend {
            Backend::Notify(n) => n.wait(&self.set, timeout),
            Backend::Poll { last } => poll_wait(&self.root, &self.site_dir, last, timeout),
        }?;
        // book.toml or a .gitignore may have changed what is watched.
        let set = WatchSet::for_book(&self.root, &self.site_dir);
        if set != self.set {
            if let Backend::Notify(n) = &mut self.backend {
                n.rewatch(&set);
            }
            self.set = set;
        }
        Some(changed)
    }
}

/// Polls until a snapshot differs from `last` or `timeout` passes; then settles, makes the
/// settled snapshot the new baseline and returns what changed.
fn poll_wait(
    root: &Path,
    site_dir: &Path,
    last: &mut Snapshot,
    timeout: Duration,
) -> Option<Vec<PathBuf>> {
    let deadline = Instant::now() + timeout;
    loop {
        // Read book.toml afresh: a change there may move what is watched.
        let set = WatchSet::for_book(root, site_dir);
        if snapshot(&set) != *last {
            thread::sleep(SETTLE_DELAY);
            let settled = snapshot(&WatchSet::for_book(root, site_dir));
            let changed = changed_paths(last, &settled);
            *last = settled;
            if !changed.is_empty() {
                return Some(changed);
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        thread::sleep(left.min(POLL_INTERVAL));
    }
}

/// The notify side: one OS watcher, the folders it watches, and its event channel.
struct NotifyBackend {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The book root, watched on its own (not recursively) for `book.toml`.
    root: PathBuf,
    /// Watched folders that exist and are watched.
    watched: BTreeSet<PathBuf>,
    /// Watched folders that do not exist (yet); looked for every [`RECHECK_MISSING`].
    missing: BTreeSet<PathBuf>,
}

impl NotifyBackend {
    fn new(set: &WatchSet) -> notify::Result<Self> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        // book.toml: its folder, not the file, so that a save that replaces the file (write a
        // new one, rename it over) keeps being seen.
        let root = set.root.clone();
        let covered = set.dirs.iter().any(|d| root.starts_with(d));
        if !covered {
            watcher.watch(&root, RecursiveMode::NonRecursive)?;
        }
        let mut backend = NotifyBackend {
            watcher,
            events,
            root,
            watched: BTreeSet::new(),
            missing: BTreeSet::new(),
        };
        for dir in &set.dirs {
            if dir.is_dir() {
                backend.watcher.watch(dir, RecursiveMode::Recursive)?;
                backend.watched.insert(dir.clone());
            } else {
                backend.missing.insert(dir.clone());
            }
        }
        Ok(backend)
    }

    /// Follows a new [`WatchSet`]: stops watching folders no longer in it, starts on new ones.
    fn rewatch(&mut self, set: &WatchSet) {
        let wanted: BTreeSet<&PathBuf> = set.dirs.iter().collect();
        for dir in self.watched.clone() {
            if !wanted.contains(&dir) {
                let _ = self.watcher.unwatch(&dir);
                self.watched.remove(&dir);
            }
        }
        self.missing.retain(|d| wanted.contains(d));
        for dir in wanted {
            if !self.watched.contains(dir) {
                self.missing.insert(dir.clone());
            }
        }
        self.find_missing();
    }

    /// Starts watching the missing folders that now exist; returns them.
    fn find_missing(&mut self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for dir in self.missing.clone() {
            if !dir.is_dir() {
                continue;
            }
            match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.missing.remove(&dir);
                    self.watched.insert(dir.clone());
                    found.push(dir);
                }
                Err(err) => {
                    eprintln!("warning: cannot watch {}: {err}", dir.display());
                }
            }
        }
        found
    }

    /// Forgets the watch of a watched folder; it is looked for again as a missing one.
    fn lost(&mut self, dir: &Path) {
        if self.watched.remove(dir) {
            let _ = self.watcher.unwatch(dir);
            self.missing.insert(dir.to_path_buf());
        }
    }

    /// The paths of `event` that matter, or `None` for an event of no interest. A rescan
    /// request (the OS dropped events) reports the watched folders themselves.
    fn relevant(&mut self, set: &WatchSet, event: notify::Result<notify::Event>) -> Vec<PathBuf> {
        let event = match event {
            Ok(e) => e,
            Err(err) => {
                eprintln!("warning: watching the book: {err}");
                return Vec::new();
            }
        };
        if event.need_rescan() {
            return set.dirs.clone();
        }
        match event.kind {
            // Reading a file (every build does) is not a change; closing a written one is.
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) => return Vec::new(),
            _ => {}
        }
        let mut out = Vec::new();
        for path in event.paths {
            if self.watched.contains(&path) {
                // The watched folder itself was removed, renamed or replaced: its watch may
                // follow a folder that is no longer there. Watch it afresh (see `wait`).
                self.lost(&path);
                out.push(path);
                continue;
            }
            if path == self.root {
                continue;
            }
            if self.missing.contains(&path) {
                // Created next to book.toml (e.g. a new theme/): picked up below.
                continue;
            }
            if set.is_watched(&path, path.is_dir()) {
                out.push(path);
            }
        }
        out
    }

    fn wait(&mut self, set: &WatchSet, timeout: Duration) -> Option<Vec<PathBuf>> {
        let deadline = Instant::now() + timeout;
        let mut changed = BTreeSet::new();
        let mut open = BTreeSet::new();
        // Wait for the first change.
        while changed.is_empty() {
            changed.extend(self.find_missing());
            if !changed.is_empty() {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let wait = if self.missing.is_empty() {
                left
            } else {
                left.min(RECHECK_MISSING)
            };
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let kind = event.as_ref().ok().map(|e| e.kind);
                    let paths = self.relevant(set, event);
                    track_open(&mut open, kind, &paths);
                    changed.extend(paths);
                }
                Err(RecvTimeoutError::Timeout) => {}
                // The OS watcher is gone; nothing more will come.
                Err(RecvTimeoutError::Disconnected) => {
                    thread::sleep(left.min(RECHECK_MISSING));
                }
            }
        }
        // Settle: until the burst has been quiet for SETTLE_DELAY (SETTLE_CLOSED when no file
        // it wrote is still open), or MAX_SETTLE at most.
        let started = Instant::now();
        let mut quiet_since = Instant::now();
        loop {
            let quiet = if open.is_empty() {
                SETTLE_CLOSED
            } else {
                SETTLE_DELAY
            };
            let quiet_left = quiet.saturating_sub(quiet_since.elapsed());
            let max_left = MAX_SETTLE.saturating_sub(started.elapsed());
            let wait = quiet_left.min(max_left);
            if wait.is_zero() {
                break;
            }
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let kind = event.as_ref().ok().map(|e| e.kind);
                    let paths = self.relevant(set, event);
                    track_open(&mut open, kind, &paths);
                    if !paths.is_empty() {
                        quiet_since = Instant::now();
                        changed.extend(paths);
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        changed.extend(self.find_missing());
        Some(changed.into_iter().collect())
    }
}

/// Follows which files of a burst are being written: one created or written to is open until
/// it is closed, removed, or renamed. Any other kind of event (a rescan, an unknown kind from
/// another platform's backend) counts its paths as open, so the burst settles as long as before.
fn track_open(open: &mut BTreeSet<PathBuf>, kind: Option<EventKind>, paths: &[PathBuf]) {
    use notify::event::{CreateKind, ModifyKind};
    let Some(kind) = kind else {
        open.extend(paths.iter().cloned());
        return;
    };
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Remove(_)
        | EventKind::Modify(ModifyKind::Name(_)) => {
            for p in paths {
                open.remove(p);
            }
        }
        // A folder made, or a file's permissions or times: nothing is being written.
        EventKind::Create(CreateKind::Folder)
        | EventKind::Modify(ModifyKind::Metadata(_))
        | EventKind::Access(_) => {}
        _ => open.extend(paths.iter().cloned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind, RenameMode};

    fn open_after(events: &[(EventKind, &str)]) -> Vec<String> {
        let mut open = BTreeSet::new();
        for (kind, path) in events {
            track_open(&mut open, Some(*kind), &[PathBuf::from(path)]);
        }
        open.iter().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn a_save_is_complete_once_its_files_are_closed_or_renamed() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let close = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let create = EventKind::Create(CreateKind::File);
        // Written in place (most editors, `echo >`), one file then another.
        assert_eq!(
            open_after(&[(write, "a.md"), (write, "a.md"), (close, "a.md")]),
            Vec::<String>::new()
        );
        assert_eq!(
            open_after(&[(write, "a.md"), (close, "a.md"), (write, "b.md")]),
            ["b.md"]
        );
        // Written beside and renamed over (vim, emacs): the new file is complete.
        let renamed = [
            (create, "a.md.tmp"),
            (write, "a.md.tmp"),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                "a.md.tmp",
            ),
            (EventKind::Modify(ModifyKind::Name(RenameMode::To)), "a.md"),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                "a.md",
            ),
        ];
        assert_eq!(open_after(&renamed), Vec::<String>::new());
        // Created and not closed yet, or removed while open.
        assert_eq!(open_after(&[(create, "new.md")]), ["new.md"]);
        assert_eq!(
            open_after(&[
                (create, "new.md"),
                (EventKind::Remove(RemoveKind::File), "new.md")
            ]),
            Vec::<String>::new()
        );
        // What is not known keeps the burst waiting as long as before.
        assert_eq!(open_after(&[(EventKind::Any, "a.md")]), ["a.md"]);
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn watch_set_follows_book_toml() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("b");
        write(
            &root.join("book.toml"),
            "[book]\nsrc = \"content\"\n[output.html]\ntheme = \"look\"\n\
             [build]\nextra-watch-dirs = [\"shared\", \"content/sub\", \"../outside\"]\n",
        );
        let set = WatchSet::for_book(&root, &root.join("book"));
        let root = fs::canonicalize(&root).unwrap();
        let mut want = vec![
            root.join("content"),
            root.join("look"),
            root.join("shared"),
            tmp.path().canonicalize().unwrap().join("outside"),
        ];
        want.sort();
        assert_eq!(set.dirs(), want, "content/sub is inside content");
        assert!(set.is_watched(&root.join("book.toml"), false));
        assert!(set.is_watched(&root.join("content/a.md"), false));
        assert!(set.is_watched(&root.join("look/head.hbs"), false));
        assert!(!set.is_watched(&root.join("src/a.md"), false));
        assert!(!set.is_watched(&root.join("notes.md"), false));
    }

    #[test]
    fn broken_book_toml_watches_the_defaults() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("book.toml"), "[book\nsrc = ");
        let set = WatchSet::for_book(tmp.path(), &tmp.path().join("book"));
        let root = fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(set.dirs(), [root.join("src"), root.join("theme")]);
    }

    #[test]
    fn ignored_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir_all(repo.join(".git")).unwrap();
        write(&repo.join(".gitignore"), "*.draft.md\n/book/src/private/\n");
        let root = repo.join("book");
        write(&root.join(".gitignore"), "scratch/\n!keep.draft.md\n");
        write(
            &root.join("book.toml"),
            "[build]\nextra-watch-dirs = [\".\"]\n",
        );
        fs::create_dir_all(root.join("src/private")).unwrap();
        let set = WatchSet::for_book(&root, &root.join("site"));
        assert_eq!(
            set.gitignore_files(),
            [root.join(".gitignore"), repo.join(".gitignore")]
        );
        let watched = |p: &str| set.is_watched(&root.join(p), root.join(p).is_dir());
        assert!(watched("src/a.md"));
        assert!(watched("notes.md"), "the root is an extra watch dir");
        assert!(!watched("src/a.draft.md"), "parent .gitignore");
        assert!(
            watched("src/keep.draft.md"),
            "whitelisted by the nearer one"
        );
        assert!(!watched("src/private/x.md"));
        assert!(!watched("src/scratch/x.md"));
        assert!(!watched("site/index.html"));
        assert!(!watched(".site.qbank-a1b2c3/index.html"));
        assert!(!watched("src/.git/HEAD"));
        assert!(!watched("node_modules/x/index.js"));
        assert!(!watched("src/.a.md.swp"));
        assert!(!watched("src/a.md~"));
        assert!(!watched("src/#a.md#"));
        assert!(
            watched("src/.hidden-file.md"),
            "only hidden folders are skipped"
        );
        // A book kept in an ignored folder of a repository is still watched.
        write(&repo.join(".gitignore"), "/tmp/\n");
        let kept = repo.join("tmp/book");
        write(&kept.join("src/a.md"), "# a\n");
        let set_in_tmp = WatchSet::for_book(&kept, &kept.join("book"));
        assert_eq!(set_in_tmp.gitignore_files(), [] as [PathBuf; 0]);
        assert!(set_in_tmp.is_watched(&kept.join("src/a.md"), false));
        // Outside the repository's .gitignore scope: never a panic, just not ignored.
        assert!(!set.is_watched(Path::new("/elsewhere/x.md"), false));
    }
}
