//! The bank as a folder of records. A team saves a record under `src/` and expects it in the
//! site; mdBook only builds what SUMMARY.md lists. So the folder tree is walked (honouring
//! `.gitignore`, skipping hidden files) to find records SUMMARY.md leaves out (QB024), and a
//! book without SUMMARY.md gets its navigation from the tree ([`summary`]): folders become
//! sections, named after the folder or its README.md's H1; files sort naturally
//! (`record-2` before `record-10`); chapter titles come from each file's H1.

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Location};
use crate::text::url_path;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Markdown files under `src`, relative to it, in natural order, without SUMMARY.md and what
/// `.gitignore` or a leading dot hides.
fn markdown_files(src: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(src)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| e.path().strip_prefix(src).ok().map(Path::to_path_buf))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| p != Path::new("SUMMARY.md"))
        .collect();
    out.sort_by(|a, b| natural_path(a, b));
    out
}

/// Record files under `src` that SUMMARY.md does not reach, with a warning each at `file:1:1`
/// giving the line to add. `listed` holds the chapters' sources (relative to `src`);
/// `texts` their contents, so a file pulled in by `{{#include}}` is not reported.
pub(crate) fn unlisted(
    src: &Path,
    shown_src: &Path,
    listed: &HashSet<PathBuf>,
    texts: &[&str],
    cfg: &Config,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rel in markdown_files(src) {
        if listed.contains(&rel) {
            continue;
        }
        let url = url_path(&rel);
        if texts
            .iter()
            .any(|t| t.contains("{{#include") && t.contains(url.as_str()))
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(src.join(&rel)) else {
            continue;
        };
        let shown = shown_src.join(&rel);
        let parsed = crate::parse::parse(&shown, &text, cfg);
        let Some(record) = parsed.record else {
            continue;
        };
        let title = record.title.clone().unwrap_or_else(|| stem(&rel));
        out.push(
            Diagnostic::new(
                Code::QB024,
                format!(
                    "{url} is an interview record ({} questions) that SUMMARY.md does not list, so it is not in the site",
                    record.questions.len()
                ),
                Location::from_span(&shown, &text, 0..0),
            )
            .with_help(format!(
                "add this line to {}: `- [{}]({})`",
                shown_src.join("SUMMARY.md").display(),
                title.replace(['[', ']'], ""),
                url.replace(' ', "%20")
            )),
        );
    }
    out
}

/// A SUMMARY.md made from the folder tree under `src`, for a book that has none. `None` when
/// the tree holds no markdown file at all.
pub(crate) fn summary(src: &Path) -> Option<String> {
    let files = markdown_files(src);
    if files.is_empty() {
        return None;
    }
    let mut out = String::from("# Summary\n\n");
    write_level(src, Path::new(""), &files, 0, &mut out);
    Some(out)
}

/// Writes the entries of folder `dir` (relative to `src`) at indentation `depth`.
fn write_level(src: &Path, dir: &Path, files: &[PathBuf], depth: usize, out: &mut String) {
    // The direct children of `dir`: its files, and its folders that hold markdown.
    let mut entries: Vec<(PathBuf, bool)> = Vec::new();
    for f in files {
        let Ok(rest) = f.strip_prefix(dir) else {
            continue;
        };
        let mut comps = rest.components();
        let Some(first) = comps.next() else { continue };
        let is_dir = comps.next().is_some();
        let child = dir.join(first.as_os_str());
        if !entries.iter().any(|(p, _)| *p == child) {
            entries.push((child, is_dir));
        }
    }
    entries.sort_by(|a, b| natural_path(&a.0, &b.0));
    let indent = "  ".repeat(depth);
    // A folder's README.md is the folder's own page: it heads the section, so it is not
    // listed again inside it.
    let readme = dir.join("README.md");
    for (path, is_dir) in entries {
        if is_dir {
            let own = path.join("README.md");
            let has_readme = files.contains(&own);
            let name = if has_readme {
                h1(&src.join(&own)).unwrap_or_else(|| stem(&path))
            } else {
                stem(&path)
            };
            let link = if has_readme {
                link(&own)
            } else {
                String::new()
            };
            let _ = writeln!(out, "{indent}- [{}]({link})", escape(&name));
            write_level(src, &path, files, depth + 1, out);
        } else if path != readme || depth == 0 {
            let name = h1(&src.join(&path)).unwrap_or_else(|| stem(&path));
            let _ = writeln!(out, "{indent}- [{}]({})", escape(&name), link(&path));
        }
    }
}

fn link(p: &Path) -> String {
    url_path(p).replace(' ', "%20")
}

fn escape(title: &str) -> String {
    title.replace('[', "\\[").replace(']', "\\]")
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The first `# ` heading of a markdown file.
fn h1(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut fence = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        } else if !fence && let Some(title) = t.strip_prefix("# ") {
            let title = title.trim().trim_end_matches('#').trim();
            if !title.is_empty() {
                return Some(title.to_string());
            }
        }
    }
    None
}

/// Paths compared component by component, each naturally: runs of digits by their value,
/// so `record-2` sorts before `record-10`.
fn natural_path(a: &Path, b: &Path) -> Ordering {
    let (a, b) = (url_path(a), url_path(b));
    natural(&a, &b)
}

fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut m = String::new();
                while let Some(c) = x.next_if(char::is_ascii_digit) {
                    m.push(c);
                }
                let mut n = String::new();
                while let Some(d) = y.next_if(char::is_ascii_digit) {
                    n.push(d);
                }
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                // Folder separators first, so `a/x` comes before `a-b`.
                let key = |c: char| if c == '/' { '\0' } else { c };
                let o = key(c).cmp(&key(d));
                if o != Ordering::Equal {
                    return o;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// A warning for a book without SUMMARY.md whose folders hold no record (QB025).
pub(crate) fn no_records(shown_src: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::QB025,
        format!(
            "{} has no SUMMARY.md and none of its files is an interview record",
            shown_src.display()
        ),
        Location::from_span(&shown_src.join("SUMMARY.md"), "", 0..0),
    )
    .with_help(
        "add a record, e.g. `qbank new record src/go/round1.md --title \"Go 一面\"`, or check \
         `src` under [book] in book.toml",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut names = vec![
            "record-10",
            "record-2",
            "record-1",
            "a/x",
            "a-b",
            "Record-3",
        ];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(
            names,
            [
                "Record-3",
                "a/x",
                "a-b",
                "record-1",
                "record-2",
                "record-10"
            ]
        );
    }

    #[test]
    fn summary_from_folders() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        let write = |p: &str, t: &str| {
            let p = src.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        write("README.md", "# 题库\n");
        write("go/README.md", "# Go 后台\n");
        write("go/round-10.md", "# 第十轮\n");
        write("go/round-2.md", "```\n# not a title\n```\n# 第二轮\n");
        write("java/r1.md", "no heading\n");
        write(".drafts/x.md", "# hidden\n");
        write("ignored/y.md", "# ignored\n");
        write(".gitignore", "ignored/\n");
        let s = summary(src).unwrap();
        assert_eq!(
            s,
            "# Summary\n\n- [题库](README.md)\n- [Go 后台](go/README.md)\n  - [第二轮](go/round-2.md)\n  - [第十轮](go/round-10.md)\n- [java]()\n  - [r1](java/r1.md)\n"
        );
        // mdBook reads it.
        mdbook_summary::parse_summary(&s).unwrap();
    }
}
