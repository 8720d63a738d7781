//! Destination safety and faults, through the `qbank` binary as a user runs it: a build never
//! deletes the book, never replaces a folder that is not a site without `--force`, and leaves
//! the previous site intact (and no temporary directory behind) when it fails or is
//! interrupted.

mod common;
#[path = "support/synth.rs"]
mod synth;
use common::copy_dir;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn qbank() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qbank"));
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("running qbank")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small book under git-like clutter, in a fresh temporary directory: `TMP/book`.
fn book() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("book");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/variants"),
        &root,
    );
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::create_dir_all(root.join("theme")).unwrap();
    fs::write(root.join("theme/notes.txt"), "the theme's own file\n").unwrap();
    (tmp, root)
}

/// Every file under `dir` with its content: what "intact" means.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Names in `dir` that a build made for itself: workspaces, old sites.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".qbank-"))
        .collect()
}

fn assert_refused(out: &Output, what: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "{what}: accepted\n{err}");
    assert!(err.contains("refusing to build into"), "{what}:\n{err}");
    assert!(err.contains("help: "), "{what}:\n{err}");
}

#[test]
fn the_book_and_its_folders_are_refused_and_left_intact() {
    for (what, args, cwd_is_src) in [
        ("-d .", vec!["-d", "."], false),
        ("-d ..", vec!["-d", ".."], false),
        ("-d .. from src", vec!["-d", "../.."], true),
        ("-d src", vec!["-d", "src"], false),
        ("-d src/site", vec!["-d", "src/site"], false),
        ("-d theme", vec!["-d", "theme"], false),
        ("--force -d .", vec!["--force", "-d", "."], false),
        ("--force -d src", vec!["--force", "-d", "src"], false),
    ] {
        let (tmp, root) = book();
        let before = tree(tmp.path());
        let cwd = if cwd_is_src {
            root.join("src")
        } else {
            root.clone()
        };
        let book_arg = if cwd_is_src { ".." } else { "." };
        for verb in ["build", "serve"] {
            let mut cmd = qbank();
            cmd.current_dir(&cwd).arg(verb).arg(book_arg).args(&args);
            if verb == "serve" {
                cmd.args(["-p", "0"]);
            }
            assert_refused(&run(&mut cmd), &format!("{verb} {what}"));
            assert_eq!(tree(tmp.path()), before, "{verb} {what} touched the files");
        }
    }
}

#[test]
fn build_dir_in_book_toml_is_held_to_the_same_rule() {
    for build_dir in [".", "src", "..", "theme"] {
        let (tmp, root) = book();
        let toml = fs::read_to_string(root.join("book.toml")).unwrap();
        fs::write(
            root.join("book.toml"),
            format!("{toml}\n[build]\nbuild-dir = \"{build_dir}\"\n"),
        )
        .unwrap();
        let before = tree(tmp.path());
        for verb in ["build", "serve"] {
            let mut cmd = qbank();
            cmd.arg(verb).arg(&root);
            if verb == "serve" {
                cmd.args(["-p", "0"]);
            }
            let out = run(&mut cmd);
            assert_refused(&out, &format!("{verb} with build-dir = {build_dir}"));
            assert!(stderr(&out).contains("build-dir"), "{}", stderr(&out));
            assert_eq!(tree(tmp.path()), before, "build-dir = {build_dir}");
        }
    }
}

#[test]
fn a_folder_of_other_files_needs_force() {
    let (tmp, root) = book();
    let docs = tmp.path().join("docs");
    fs::create_dir_all(docs.join("drafts")).unwrap();
    fs::write(docs.join("drafts/plan.md"), "my plan\n").unwrap();
    let before = tree(tmp.path());
    let out = run(qbank().arg("build").arg(&root).arg("-d").arg(&docs));
    assert_refused(&out, "a folder of notes");
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(tree(tmp.path()), before);

    let out = run(qbank()
        .arg("build")
        .arg(&root)
        .arg("-d")
        .arg(&docs)
        .arg("--force"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(docs.join("index.html").is_file());
    assert!(!docs.join("drafts").exists());
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn sites_built_before_are_replaced_without_force() {
    let (tmp, root) = book();
    let site = tmp.path().join("site");
    // One written by stock mdBook.
    fs::create_dir_all(&site).unwrap();
    fs::write(site.join("index.html"), "stock").unwrap();
    fs::write(site.join(".nojekyll"), "").unwrap();
    for _ in 0..2 {
        let out = run(qbank().arg("build").arg(&root).arg("-d").arg(&site));
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(site.join(".qbank-site").is_file());
        assert!(fs::read_to_string(site.join("index.html")).unwrap() != "stock");
    }
    assert!(leftovers(tmp.path()).is_empty());
}

/// Builds the book into `site` once, so that a later failure has a previous site to keep.
fn built(root: &Path, site: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let out = run(qbank().arg("build").arg(root).arg("-d").arg(site));
    assert!(out.status.success(), "{}", stderr(&out));
    tree(site)
}

#[test]
fn a_write_failure_halfway_keeps_the_previous_site() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("skipped: prlimit (util-linux) is not installed");
        return;
    }
    let (tmp, root) = book();
    let site = tmp.path().join("site");
    let previous = built(&root, &site);
    // Every file over 20 kB fails to write: the small pages are written, the big ones are not.
    let out = run(Command::new("prlimit")
        .arg("--fsize=20000")
        .arg(env!("CARGO_BIN_EXE_qbank"))
        .arg("build")
        .arg(&root)
        .arg("-d")
        .arg(&site)
        .env("NO_COLOR", "1"));
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(err.contains("previous site was left as it was"), "{err}");
    assert_eq!(tree(&site), previous);
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_destination_parent_keeps_the_previous_site() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, root) = book();
    let parent = tmp.path().join("out");
    fs::create_dir_all(&parent).unwrap();
    let site = parent.join("site");
    // root ignores permissions: run qbank as nobody then, when setpriv can do that.
    let as_root = unsafe { libc_geteuid() } == 0;
    let mut cmd = if as_root {
        let probe = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .output();
        if !probe.is_ok_and(|o| o.status.success()) {
            eprintln!("skipped: running as root and setpriv cannot drop to nobody");
            return;
        }
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_qbank"));
        cmd
    } else {
        Command::new(env!("CARGO_BIN_EXE_qbank"))
    };
    cmd.arg("build")
        .arg(&root)
        .arg("-d")
        .arg(&site)
        .env("NO_COLOR", "1");
    // Everyone may read the book and, for now, write the parent.
    for dir in [tmp.path(), &root] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o777)).unwrap();
    let first = cmd.output().unwrap();
    if as_root && !first.status.success() && stderr(&first).contains("ermission denied") {
        eprintln!(
            "skipped: nobody cannot run the test binary here\n{}",
            stderr(&first)
        );
        return;
    }
    assert!(first.status.success(), "{}", stderr(&first));
    let previous = tree(&site);
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).unwrap();
    let out = cmd.output().unwrap();
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("ermission denied"), "{err}");
    assert!(err.contains("previous site was left as it was"), "{err}");
    assert_eq!(tree(&site), previous);
    assert!(leftovers(&parent).is_empty());
}

#[cfg(unix)]
unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_src_ends_with_a_clear_error() {
    let (tmp, root) = book();
    let site = tmp.path().join("site");
    let previous = built(&root, &site);
    std::os::unix::fs::symlink(".", root.join("src/loop")).unwrap();
    std::os::unix::fs::symlink("b", root.join("src/a")).unwrap();
    std::os::unix::fs::symlink("a", root.join("src/b")).unwrap();
    for verb in ["check", "build"] {
        let mut cmd = qbank();
        cmd.arg(verb).arg(&root);
        if verb == "build" {
            cmd.arg("-d").arg(&site);
        }
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{verb} did not end on a symlink loop");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        if verb == "check" {
            // The links are not chapters (SUMMARY.md does not list them): the bank is fine.
            assert!(out.status.success(), "{err}");
        } else {
            // mdBook copies every non-markdown file of src/ into the site, and cannot copy
            // these: the error names the link and the cause.
            assert!(!out.status.success(), "{err}");
            assert!(err.contains("symbolic links"), "{err}");
            assert!(err.contains("src/a") || err.contains("src/b"), "{err}");
            assert!(err.contains("previous site was left as it was"), "{err}");
        }
    }
    assert_eq!(tree(&site), previous);
    assert!(leftovers(tmp.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn sigint_during_a_big_build_leaves_the_previous_site_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("bank");
    let (files, summary) = synth::bank(200, 50);
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Bank\"\nlanguage = \"zh\"\n\n[preprocessor.qbank]\n",
    )
    .unwrap();
    fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
    for (name, text) in &files {
        fs::write(root.join("src").join(name), text).unwrap();
    }
    let site = tmp.path().join("site");
    fs::create_dir_all(&site).unwrap();
    fs::write(site.join(".qbank-site"), "").unwrap();
    fs::write(site.join("index.html"), "the previous site").unwrap();
    let previous = tree(&site);

    // stderr into a file: a pipe nobody reads fills up with the bank's warnings and blocks.
    let log = tmp.path().join("stderr.txt");
    let mut child = qbank()
        .arg("build")
        .arg(&root)
        .arg("-d")
        .arg(&site)
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // Wait until mdBook writes pages into the workspace, then interrupt.
    let start = Instant::now();
    loop {
        let writing = leftovers(tmp.path()).iter().any(|w| {
            fs::read_dir(tmp.path().join(w).join("site")).is_ok_and(|mut d| d.next().is_some())
        });
        if writing {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the build ended ({status}) before it could be interrupted");
        }
        assert!(start.elapsed() < Duration::from_secs(300), "no workspace");
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    let err = fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(tree(&site), previous);
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}
