//! Small text helpers shared by the stages: ids, paths, hashes, scripts. Each lives here
//! once; the stages import them and never define their own.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The stable id derived from a title: lowercase letters and digits of any script, with runs
/// of spaces, `-` and `_` turned into one `-`. Punctuation is dropped.
pub(crate) fn slugify(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    out
}

/// A record's text with every lone `\r` (one not before `\n`) made a `\n`. CommonMark reads
/// both as a line ending, and so do qbank's own line checks; pulldown-cmark 0.13 does not
/// always (after a fence's backticks it reads on into the next line as the info string). The
/// length is the same, so every byte offset, and every span, holds.
pub(crate) fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    if !memchr::memchr_iter(b'\r', b).any(|i| ends_line(b, i)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = b.to_vec();
    for i in memchr::memchr_iter(b'\r', b) {
        if ends_line(b, i) {
            out[i] = b'\n';
        }
    }
    // Only an ASCII byte changed into another: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// Whether byte `i` of `b` ends a line: a `\n`, or a `\r` not before one (a lone CR, which
/// CommonMark, qbank's parser and most editors read as a line ending).
pub(crate) fn ends_line(b: &[u8], i: usize) -> bool {
    b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The column a tab at column `col` (from 0) reaches: the next multiple of 4, as CommonMark
/// counts indentation.
pub(crate) fn tab_stop(col: usize) -> usize {
    (col / 4 + 1) * 4
}

/// Chinese, Japanese and Korean characters: searched by character and by pair.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF |
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0x20000..=0x2FFFF)
}

/// A short content hash, for cache-busting file names.
pub(crate) fn fnv(s: &str) -> u64 {
    let mut h = Fnv::default();
    h.add(s);
    h.0
}

/// FNV-1a over everything written to it (with `write!`, or [`Fnv::add`]): [`fnv`] of a text
/// without building the text.
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(crate) fn add(&mut self, s: &str) {
        for b in s.bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.add(s);
        Ok(())
    }
}

/// A chapter path as a URL path: components joined with `/` on every platform.
pub(crate) fn url_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `base`, or `base-1`, `base-2`, … : the first one not in `used`, which it is added to.
pub(crate) fn unique(base: &str, used: &mut HashSet<String>) -> String {
    if used.insert(base.to_string()) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| used.insert(c.clone()))
        .unwrap_or_default()
}

/// Tags as one attribute value (`data-qb-tags`): space-separated, each tag with `%`, spaces
/// and control characters percent-encoded, so `system design` stays one tag. Scripts split on
/// spaces and `decodeURIComponent` each part.
pub(crate) fn tag_list<'a>(tags: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, tag) in tags.into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in tag.chars() {
            if c == '%' || c.is_whitespace() || c.is_control() {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// A difficulty from 1 to 5 as five stars, filled up to it: `★★★☆☆`.
pub(crate) fn stars(difficulty: u8) -> String {
    let d = usize::from(difficulty.min(5));
    format!("{}{}", "★".repeat(d), "☆".repeat(5 - d))
}

/// The configured word in the same script as `like` (so English records get English help).
pub(crate) fn pick<'c>(words: &'c [String], like: &str) -> &'c str {
    let ascii = like.is_ascii();
    words
        .iter()
        .find(|w| w.is_ascii() == ascii)
        .or(words.first())
        .map_or("", String::as_str)
}

/// `path` canonicalized; for a path that does not exist (a deleted file), its parent
/// canonicalized joined with its name; else made absolute.
pub(crate) fn canonical_or_absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(p) = std::fs::canonicalize(parent) {
            return p.join(name);
        }
    }
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_cr_becomes_a_line_feed_and_crlf_stays() {
        assert_eq!(lone_cr_as_lf("a\rb\r\nc\r"), "a\nb\r\nc\n");
        assert!(matches!(
            lone_cr_as_lf("a\r\nb"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn slugs_keep_cjk_and_drop_punctuation() {
        assert_eq!(slugify("Go语言调度器原理"), "go语言调度器原理");
        assert_eq!(slugify("sync包和并发控制"), "sync包和并发控制");
        assert_eq!(
            slugify("What is `Context`?  (part 2)"),
            "what-is-context-part-2"
        );
        assert_eq!(slugify("？！"), "");
    }

    #[test]
    fn unique_counts_up() {
        let mut used = HashSet::new();
        assert_eq!(unique("a", &mut used), "a");
        assert_eq!(unique("a", &mut used), "a-1");
        assert_eq!(unique("a", &mut used), "a-2");
    }

    #[test]
    fn tags_with_spaces_stay_one_tag() {
        assert_eq!(
            tag_list(["go", "system design", "100%"]),
            "go system%20design 100%25"
        );
        assert_eq!(tag_list(["并发 控制"]), "并发%20控制");
    }

    #[test]
    fn stars_are_capped() {
        assert_eq!(stars(3), "★★★☆☆");
        assert_eq!(stars(9), "★★★★★");
    }
}
