//! Where a build may write, and how it replaces the previous site.
//!
//! A build replaces its destination wholesale, so a wrong destination would delete whatever
//! was there: the book itself for `-d .`, the sources for `-d src`. Two pieces keep that
//! from ever happening:
//! - [`guard`] refuses a dangerous destination before anything is written;
//! - a [`Workspace`] is the one temporary directory a build writes into (the new site, the
//!   theme copy, the search index). [`Workspace::commit`] swaps the new site in, and puts the
//!   old one back if any step of the swap fails. A workspace that is dropped without being
//!   committed (an error, a panic) is removed, and so is every live one on SIGINT/SIGTERM
//!   through [`remove_live_workspaces`], which the CLI calls from its signal handler.
//!
//! Each workspace holds a marker file naming the process that made it. A build removes the
//! workspaces of processes that are gone (after a `kill -9`, a power cut) before it starts,
//! identified by that marker and never by name alone.
//!
//! # What counts as a site
//!
//! A destination that exists and holds files is replaced only when it looks like a site a
//! build wrote before: it holds qbank's marker file [`SITE_MARKER`] (every qbank build writes
//! it), or it is a site written by stock mdBook (`index.html` and `.nojekyll` at its top, or in
//! its `html/` folder when mdBook had several outputs). Anything else needs `--force`.
//! `--force` never overrides the other rules: the book root, a folder that contains it, and
//! anything inside the book's `src/` or `theme/` are always refused.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

/// The file every site built by qbank holds at its top. Its presence tells a later build that
/// the directory may be replaced.
pub const SITE_MARKER: &str = ".qbank-site";

/// The file at the top of a workspace, naming the process that owns it.
const WORK_MARKER: &str = ".qbank-work";

/// What a workspace's name holds after the destination's own name: `.NAME.qbank-XXXXXX`.
const WORK_INFIX: &str = ".qbank-";

/// Where the destination was named, so that the help line names the thing to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// `-d DIR` on the command line.
    Flag,
    /// `[build] build-dir` in book.toml (or its default, `book`).
    Config,
}

/// A destination that a build refused to write to, and why. Nothing was written.
#[derive(Debug)]
pub struct DestinationRefused {
    /// The destination as resolved (absolute, symlinks followed).
    pub dest: PathBuf,
    /// What is wrong with it.
    pub reason: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for DestinationRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to build into {}: {}\n  help: {}",
            self.dest.display(),
            self.reason,
            self.help
        )
    }
}

impl std::error::Error for DestinationRefused {}

/// The directories of a book that a destination must stay clear of.
#[derive(Debug, Clone)]
pub struct BookDirs {
    /// The book root (holding book.toml).
    pub root: PathBuf,
    /// The chapter sources (`[book] src`, default `src`).
    pub src: PathBuf,
    /// The theme folder (`[output.html] theme`, default `theme`).
    pub theme: PathBuf,
}

/// Checks that `dest` may be replaced by a build of the book in `dirs`. Writes nothing.
///
/// Refuses the book root, any folder that contains the book root, `src/` or `theme/`, anything
/// inside `src/` or `theme/`, a destination that is a file, and (unless `force`) a directory
/// that holds files but does not look like a site (see the module docs).
pub fn guard(
    dirs: &BookDirs,
    dest: &Path,
    origin: Origin,
    force: bool,
) -> std::result::Result<(), DestinationRefused> {
    let dest = resolve(dest);
    let root = resolve(&dirs.root);
    let src = resolve(&dirs.src);
    let theme = resolve(&dirs.theme);
    let elsewhere = match origin {
        Origin::Flag => {
            "pass a folder of its own, e.g. `-d book` (the default is build-dir of \
                         book.toml, `book`)"
        }
        Origin::Config => {
            "set `build-dir` under `[build]` in book.toml to a folder of its own, \
                           e.g. `build-dir = \"book\"`, or pass `-d DIR`"
        }
    };
    let refuse = |reason: String, help: &str| DestinationRefused {
        dest: dest.clone(),
        reason,
        help: help.to_owned(),
    };
    let deletes = "a build replaces its destination, which would delete";
    if dest == root {
        return Err(refuse(
            format!("it is the book root; {deletes} the book"),
            elsewhere,
        ));
    }
    if root.starts_with(&dest) {
        return Err(refuse(
            format!(
                "it contains the book root {}; {deletes} the book",
                root.display()
            ),
            elsewhere,
        ));
    }
    for (dir, what) in [(&src, "sources"), (&theme, "theme")] {
        if dest.starts_with(dir) {
            return Err(refuse(
                format!(
                    "it is inside the book's {what} folder {}; {deletes} them",
                    dir.display()
                ),
                elsewhere,
            ));
        }
        if dir.starts_with(&dest) {
            return Err(refuse(
                format!(
                    "it contains the book's {what} folder {}; {deletes} them",
                    dir.display()
                ),
                elsewhere,
            ));
        }
    }
    let Ok(meta) = fs::metadata(&dest) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(refuse(
            format!("it is a file; {deletes} it"),
            "name a directory, or remove the file first",
        ));
    }
    if !force && !is_empty_dir(&dest) && !looks_like_site(&dest) {
        return Err(refuse(
            format!(
                "it holds files but is not a site built before (it has no {SITE_MARKER} file \
                 and is not an mdBook site); {deletes} them"
            ),
            &format!(
                "{elsewhere}; or, if everything in it may be deleted, pass --force to replace it"
            ),
        ));
    }
    Ok(())
}

/// Whether `dir` looks like a site that a build wrote before (see the module docs).
pub fn looks_like_site(dir: &Path) -> bool {
    let mdbook = |d: &Path| d.join("index.html").is_file() && d.join(".nojekyll").is_file();
    dir.join(SITE_MARKER).is_file() || mdbook(dir) || mdbook(&dir.join("html"))
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// `path` made absolute with symlinks followed as far as it exists, and `.`/`..` resolved in
/// the part that does not exist yet.
pub fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let comps: Vec<Component<'_>> = abs.components().collect();
    for keep in (1..=comps.len()).rev() {
        let head: PathBuf = comps[..keep].iter().collect();
        let Ok(mut out) = head.canonicalize() else {
            continue;
        };
        for c in &comps[keep..] {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(n) => out.push(n),
                _ => {}
            }
        }
        return out;
    }
    abs
}

/// Workspaces that exist right now, for [`remove_live_workspaces`].
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every workspace of this process that has not been committed or dropped yet. Meant
/// for a signal handler, right before the process exits: the previous sites stay as they were.
pub fn remove_live_workspaces() {
    remove_live_under(None);
}

fn remove_live_under(under: Option<&Path>) {
    let live = lock_live().clone();
    let mut placeholders = Vec::new();
    for dir in live
        .iter()
        .filter(|d| under.is_none_or(|u| d.starts_with(u)))
    {
        // Other threads may still be writing into the workspace and would create it again
        // after a plain removal. Move it aside and put a file in its place first: creating a
        // directory there now fails, and what was moved aside is no longer written to.
        let mut dying = dir.clone().into_os_string();
        dying.push(".dying");
        let dying = PathBuf::from(dying);
        if fs::rename(dir, &dying).is_ok() {
            if fs::write(dir, "").is_ok() {
                placeholders.push(dir.clone());
            }
            remove_all(&dying);
        } else {
            remove_all(dir);
        }
    }
    for file in placeholders {
        let _ = fs::remove_file(file);
    }
}

fn remove_all(dir: &Path) {
    for _ in 0..10 {
        if fs::remove_dir_all(dir).is_ok() || fs::symlink_metadata(dir).is_err() {
            return;
        }
    }
}

/// The temporary directory a build writes into, next to its destination (so that the final
/// rename stays on one filesystem). Removed when dropped.
#[derive(Debug)]
pub struct Workspace {
    dir: Option<tempfile::TempDir>,
    dest: PathBuf,
}

impl Workspace {
    /// Creates the destination's parent if needed, removes stale workspaces there, and creates
    /// a fresh workspace beside `dest`.
    pub fn new(dest: &Path) -> Result<Workspace> {
        let dest = resolve(dest);
        let parent = dest
            .parent()
            .context("the destination has no parent directory")?;
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        remove_stale(parent);
        let name = dest
            .file_name()
            .map_or_else(|| OsString::from("book"), ToOwned::to_owned);
        let mut prefix = OsString::from(".");
        prefix.push(&name);
        prefix.push(WORK_INFIX);
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(parent)
            .with_context(|| {
                format!(
                    "creating a temporary directory in {}; the previous site was left as it was",
                    parent.display()
                )
            })?;
        fs::write(
            dir.path().join(WORK_MARKER),
            format!(
                "{}\nqbank work directory of process {}; deleted when that process is gone\n",
                std::process::id(),
                std::process::id()
            ),
        )
        .with_context(|| format!("writing into {}", dir.path().display()))?;
        lock_live().push(dir.path().to_path_buf());
        Ok(Workspace {
            dir: Some(dir),
            dest,
        })
    }

    /// The directory the new site is written into.
    pub fn site(&self) -> PathBuf {
        self.path().join("site")
    }

    /// A scratch directory of this workspace, not part of the site (`theme`, `search`).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// The destination this workspace replaces.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new(""), |d| d.path())
    }

    /// Makes [`Self::site`] the destination. If the destination exists it is moved into the
    /// workspace first, and moved back if the new site cannot take its place. Returns the
    /// workspace, with the previous site in it: dropping it deletes them, which on a slow
    /// disk takes seconds for a big bank, so `serve` drops it after the reload.
    pub fn commit(self) -> Result<Previous> {
        self.commit_with(|from, to| fs::rename(from, to))
    }

    fn commit_with(mut self, rename: impl Fn(&Path, &Path) -> io::Result<()>) -> Result<Previous> {
        let fresh = self.site();
        fs::write(
            fresh.join(SITE_MARKER),
            "This site was built by qbank. The next build replaces this whole directory.\n",
        )
        .with_context(|| format!("writing into {}", fresh.display()))?;
        let dest = self.dest.clone();
        if fs::symlink_metadata(&dest).is_err() {
            rename(&fresh, &dest)
                .with_context(|| format!("moving the new site to {}", dest.display()))?;
            return Ok(Previous { _work: self });
        }
        let old = self.path().join("old");
        rename(&dest, &old).with_context(|| {
            format!(
                "moving the previous site {} aside; it was left as it was",
                dest.display()
            )
        })?;
        let Err(err) = rename(&fresh, &dest) else {
            return Ok(Previous { _work: self });
        };
        match rename(&old, &dest) {
            Ok(()) => Err(anyhow::Error::new(err).context(format!(
                "moving the new site to {}; the previous site was put back",
                dest.display()
            ))),
            Err(back) => {
                // Keep the previous site where it is: no cleanup may delete it now.
                let kept = self.keep();
                let _ = fs::remove_file(kept.join(WORK_MARKER));
                Err(anyhow::Error::new(err).context(format!(
                    "moving the new site to {}, and then moving the previous site back failed \
                     too ({back}); the previous site is in {}",
                    dest.display(),
                    kept.join("old").display()
                )))
            }
        }
    }

    /// Keeps the workspace on disk: it is neither removed on drop nor by a signal.
    fn keep(&mut self) -> PathBuf {
        let dir = self.dir.take().map(tempfile::TempDir::keep);
        let dir = dir.unwrap_or_default();
        lock_live().retain(|d| d != &dir);
        dir
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let path = dir.path().to_path_buf();
            lock_live().retain(|d| d != &path);
        }
        // The TempDir field removes the directory itself.
    }
}

fn lock_live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A committed [`Workspace`], holding the site it replaced: dropping it deletes both (and a
/// signal does, as for any workspace).
#[derive(Debug)]
pub struct Previous {
    _work: Workspace,
}

/// Removes workspaces in `parent` whose marker names a process that is gone.
fn remove_stale(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().contains(WORK_INFIX) {
            continue;
        }
        let dir = entry.path();
        let Ok(marker) = fs::read_to_string(dir.join(WORK_MARKER)) else {
            continue;
        };
        let pid = marker
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !process_alive(pid)) {
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

/// Whether a process with this id runs. Where that cannot be told, it is taken to run, so a
/// workspace is never removed from under a live build.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(tmp: &Path) -> BookDirs {
        let root = tmp.join("b");
        fs::create_dir_all(root.join("src")).unwrap();
        fs::create_dir_all(root.join("theme")).unwrap();
        BookDirs {
            src: root.join("src"),
            theme: root.join("theme"),
            root,
        }
    }

    #[test]
    fn refuses_the_book_and_its_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = book(tmp.path());
        let r = &dirs.root;
        for (dest, why) in [
            (r.clone(), "book root"),
            (r.join("."), "book root"),
            (r.join("src/.."), "book root"),
            (r.join(".."), "contains the book root"),
            (PathBuf::from("/"), "contains the book root"),
            (r.join("src"), "sources"),
            (r.join("src/site"), "sources"),
            (r.join("theme"), "theme"),
            (r.join("theme/x/y"), "theme"),
        ] {
            for force in [false, true] {
                let err = guard(&dirs, &dest, Origin::Flag, force).unwrap_err();
                assert!(err.reason.contains(why), "{dest:?}: {err}");
                assert!(err.help.contains("-d"), "{err}");
            }
        }
        let err = guard(&dirs, r, Origin::Config, false).unwrap_err();
        assert!(err.help.contains("build-dir"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_through_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = book(tmp.path());
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dirs.root, &link).unwrap();
        assert!(guard(&dirs, &link, Origin::Flag, true).is_err());
        assert!(guard(&dirs, &link.join("src"), Origin::Flag, true).is_err());
    }

    #[test]
    fn non_site_directories_need_force() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = book(tmp.path());
        let dest = tmp.path().join("docs");
        // Missing and empty: fine.
        guard(&dirs, &dest, Origin::Flag, false).unwrap();
        fs::create_dir(&dest).unwrap();
        guard(&dirs, &dest, Origin::Flag, false).unwrap();
        fs::write(dest.join("notes.txt"), "mine").unwrap();
        let err = guard(&dirs, &dest, Origin::Flag, false).unwrap_err();
        assert!(err.help.contains("--force"), "{err}");
        guard(&dirs, &dest, Origin::Flag, true).unwrap();
        // A site built by mdBook, or by qbank: fine.
        fs::write(dest.join("index.html"), "").unwrap();
        fs::write(dest.join(".nojekyll"), "").unwrap();
        guard(&dirs, &dest, Origin::Flag, false).unwrap();
        fs::remove_file(dest.join(".nojekyll")).unwrap();
        fs::write(dest.join(SITE_MARKER), "").unwrap();
        guard(&dirs, &dest, Origin::Flag, false).unwrap();
        // A file: never.
        let file = tmp.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(guard(&dirs, &file, Origin::Flag, true).is_err());
    }

    #[test]
    fn inside_the_book_but_not_its_sources_is_fine() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = book(tmp.path());
        guard(&dirs, &dirs.root.join("book"), Origin::Config, false).unwrap();
        guard(&dirs, &dirs.root.join("out/site"), Origin::Flag, false).unwrap();
    }

    fn built(dest: &Path, text: &str) -> Workspace {
        let ws = Workspace::new(dest).unwrap();
        fs::create_dir_all(ws.site()).unwrap();
        fs::write(ws.site().join("index.html"), text).unwrap();
        ws
    }

    fn siblings(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_replaces_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        built(&dest, "one").commit().unwrap();
        built(&dest, "two").commit().unwrap();
        assert_eq!(fs::read_to_string(dest.join("index.html")).unwrap(), "two");
        assert!(dest.join(SITE_MARKER).is_file());
        assert_eq!(siblings(tmp.path()), ["site"]);
    }

    #[test]
    fn dropped_workspaces_leave_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        drop(built(&dest, "one"));
        assert!(siblings(tmp.path()).is_empty());
        let ws = built(&dest, "two");
        assert_eq!(
            lock_live()
                .iter()
                .filter(|p| p.starts_with(tmp.path()))
                .count(),
            1
        );
        remove_live_under(Some(tmp.path()));
        assert!(siblings(tmp.path()).is_empty());
        drop(ws);
    }

    #[test]
    fn failed_swap_puts_the_old_site_back() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        built(&dest, "old").commit().unwrap();
        let calls = std::cell::Cell::new(0);
        let err = built(&dest, "new")
            .commit_with(|from, to| {
                calls.set(calls.get() + 1);
                if calls.get() == 2 {
                    Err(io::Error::other("disk on fire"))
                } else {
                    fs::rename(from, to)
                }
            })
            .unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("previous site was put back"), "{msg}");
        assert!(msg.contains("disk on fire"), "{msg}");
        assert_eq!(fs::read_to_string(dest.join("index.html")).unwrap(), "old");
        assert_eq!(siblings(tmp.path()), ["site"]);
    }

    #[test]
    fn failed_rollback_keeps_the_old_site_and_says_where() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        built(&dest, "old").commit().unwrap();
        let calls = std::cell::Cell::new(0);
        let err = built(&dest, "new")
            .commit_with(|from, to| {
                calls.set(calls.get() + 1);
                if calls.get() >= 2 {
                    Err(io::Error::other("disk on fire"))
                } else {
                    fs::rename(from, to)
                }
            })
            .unwrap_err();
        let msg = format!("{err:#}");
        let kept = msg.split("the previous site is in ").nth(1).unwrap();
        let kept = PathBuf::from(kept.split(':').next().unwrap());
        assert_eq!(fs::read_to_string(kept.join("index.html")).unwrap(), "old");
        // A later build does not take it for a stale workspace.
        drop(built(&dest, "later"));
        assert_eq!(fs::read_to_string(kept.join("index.html")).unwrap(), "old");
    }

    #[test]
    fn stale_workspaces_of_dead_processes_go() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        let dead = tmp.path().join(".site.qbank-dead01");
        fs::create_dir_all(dead.join("site")).unwrap();
        // No process has this id: the kernel's limit is far below it.
        fs::write(dead.join(WORK_MARKER), "4000000000\n").unwrap();
        let alive = tmp.path().join(".site.qbank-live01");
        fs::create_dir_all(&alive).unwrap();
        fs::write(alive.join(WORK_MARKER), "1\n").unwrap();
        // Named like one, but not marked: somebody else's.
        let unmarked = tmp.path().join(".site.qbank-mine");
        fs::create_dir_all(&unmarked).unwrap();
        built(&dest, "x").commit().unwrap();
        let names = siblings(tmp.path());
        assert_eq!(names, [".site.qbank-live01", ".site.qbank-mine", "site"]);
    }
}
