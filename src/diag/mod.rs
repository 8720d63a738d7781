//! Diagnostics: what is wrong, where (`file:line:col`), and how to fix it.
//!
//! Positions are kept as byte offsets into the chapter text until a diagnostic is rendered, so
//! the parser never pays for line counting on the happy path.

mod codes;

pub use codes::Code;
use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::text::ends_line;

/// How bad a finding is. Errors stop a build; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A finding that does not stop a build.
    Warning,
    /// A finding that stops a build.
    Error,
}

/// A place in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file, as the user should see its path.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The whole source line, for the snippet.
    #[serde(skip)]
    pub source_line: String,
    /// How many characters of `source_line` the caret underlines (at least 1).
    #[serde(skip)]
    pub width: usize,
}

/// Where the lines of a text start, for locating many spans in one text: each lookup is a
/// binary search instead of a count from the start, so a thousand findings in a big record
/// cost no more than one pass over it.
#[derive(Debug, Clone)]
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// The line starts of `text`.
    pub fn new(text: &'t str) -> Self {
        let b = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(
                memchr::memchr2_iter(b'\n', b'\r', b)
                    .filter(|&i| ends_line(b, i))
                    .map(|i| i + 1),
            )
            .collect();
        Lines { text, starts }
    }

    /// [`Location::from_span`], without counting lines from the start.
    pub fn locate(&self, file: &Path, span: Range<usize>) -> Location {
        let text = self.text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= start);
        Location::at_line(file, text, span, line)
    }
}

impl Location {
    /// Locates `span` (byte offsets) in `text`, which was read from `file`. For many spans in
    /// one text, use [`Lines`].
    pub fn from_span(file: &Path, text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let b = text.as_bytes();
        let line = memchr::memchr2_iter(b'\n', b'\r', &b[..start])
            .filter(|&i| ends_line(b, i))
            .count()
            + 1;
        Location::at_line(file, text, span, line)
    }

    /// Locates `span`, known to start on 1-based `line`.
    fn at_line(file: &Path, text: &str, span: Range<usize>, line: usize) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let b = text.as_bytes();
        let line_start = memchr::memrchr2_iter(b'\n', b'\r', &b[..start])
            .find(|&i| ends_line(b, i))
            .map_or(0, |i| i + 1);
        let line_end = memchr::memchr2_iter(b'\n', b'\r', &b[start..])
            .map(|i| start + i)
            .find(|&i| ends_line(b, i))
            .unwrap_or(text.len());
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        Location {
            file: file.to_path_buf(),
            line,
            column,
            source_line: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            width,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One finding about the bank.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Taken from the code.
    pub severity: Severity,
    /// A stable code such as `QB001`: `qbank explain QB001` says what it means.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    #[serde(flatten)]
    /// Where.
    pub location: Location,
    /// Other places that matter, such as the first definition of a duplicate id.
    #[serde(skip)]
    pub notes: Vec<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding with `code`, whose severity it takes.
    pub fn new(code: Code, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            location,
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds the help line: how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note, such as the place of a first definition.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether it stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders in the style of rustc: header, `--> file:line:col`, the source line, a caret,
    /// then notes and help. `color` adds ANSI colors.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_string()
            }
        };
        let (word, c) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let loc = &self.location;
        let gutter = loc.line.to_string().len();
        let pad = " ".repeat(gutter);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            paint(c, &format!("{word}[{}]", self.code)),
            paint("1", &format!(": {}", self.message))
        );
        let _ = writeln!(out, "{pad}{} {loc}", paint("1;34", "-->"));
        if !loc.source_line.is_empty() {
            let bar = paint("1;34", "|");
            let _ = writeln!(out, "{pad} {bar}");
            // Tabs are shown as four spaces, so that the caret below lines up in any terminal.
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint("1;34", &loc.line.to_string()),
                loc.source_line.replace('\t', "    ")
            );
            // Columns count characters; the caret counts terminal cells: two for wide (CJK,
            // most emoji), none for combining marks, four for a tab.
            let lead: usize = loc
                .source_line
                .chars()
                .take(loc.column - 1)
                .map(char_cells)
                .sum();
            let under: usize = loc
                .source_line
                .chars()
                .skip(loc.column - 1)
                .take(loc.width)
                .map(char_cells)
                .sum();
            let _ = writeln!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(lead),
                paint(c, &"^".repeat(under.max(1)))
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "{pad} {} note: {note}", paint("1;34", "="));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} {} help: {help}", paint("1;34", "="));
        }
        out
    }
}

/// Terminal cells a character takes, as `unicode-width` says (a tab: four).
fn char_cells(c: char) -> usize {
    if c == '\t' {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// Whether diagnostics on stderr should be colored: a terminal, and `NO_COLOR` unset.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Renders a list of diagnostics, errors and warnings in source order, with a summary line.
pub fn render_all(diags: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.render(color));
        out.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors + warnings > 0 {
        let _ = writeln!(
            out,
            "qbank: {errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
    out
}

/// Sorts diagnostics by file, line and column so that output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
}

/// Finds the first invalid UTF-8 sequence in `bytes` and describes it as a diagnostic.
pub fn check_utf8(file: &Path, bytes: &[u8]) -> Option<Diagnostic> {
    let err = std::str::from_utf8(bytes).err()?;
    let valid = err.valid_up_to();
    // Everything before the bad byte is valid UTF-8, so line and column can be counted on it.
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let mut loc = Location::from_span(file, prefix, valid..valid);
    let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
    let line = bytes[line_start..]
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or_default();
    loc.source_line = String::from_utf8_lossy(line)
        .trim_end_matches('\r')
        .to_string();
    Some(
        Diagnostic::new(
            Code::QB010,
            format!(
                "file is not valid UTF-8 (byte 0x{:02X} cannot start or continue a character)",
                bytes[valid]
            ),
            loc,
        )
        .with_help("re-save the file as UTF-8, e.g. `iconv -f GB18030 -t UTF-8 FILE`"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lone CR ends a line, as CommonMark (and qbank's parser) reads it; CRLF is one ending.
    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "a\rb\r\nc";
        let at = |i| Location::from_span(Path::new("r.md"), text, i..i + 1);
        assert_eq!(
            (at(2).line, at(2).column, at(2).source_line.as_str()),
            (2, 1, "b")
        );
        assert_eq!(
            (at(5).line, at(5).column, at(5).source_line.as_str()),
            (3, 1, "c")
        );
        let lines = Lines::new(text);
        for i in [2, 5] {
            assert_eq!(lines.locate(Path::new("r.md"), i..i + 1), at(i));
        }
    }

    #[test]
    fn location_counts_characters_not_bytes() {
        let text = "# 标题\n面试官: x\n";
        let off = text.find('x').unwrap();
        let loc = Location::from_span(Path::new("a.md"), text, off..off + 1);
        assert_eq!((loc.line, loc.column), (2, 6));
        assert_eq!(loc.to_string(), "a.md:2:6");
    }

    #[test]
    fn render_has_rustc_shape() {
        let text = "line one\n### 1. 标题 {#dup}\n";
        let off = text.find("{#dup}").unwrap();
        let d = Diagnostic::new(
            Code::QB003,
            "duplicate id",
            Location::from_span(Path::new("src/a.md"), text, off..off + 6),
        )
        .with_help("rename one");
        let r = d.render(false);
        assert!(r.starts_with("error[QB003]: duplicate id\n"), "{r}");
        assert!(r.contains(" --> src/a.md:2:11\n"), "{r}");
        assert!(r.contains("2 | ### 1. 标题 {#dup}\n"), "{r}");
        // "### 1. " is 7 ASCII cells, 标题 is 2 wide characters (4 cells), then a space: 12 cells.
        assert!(
            r.contains(&format!("  | {}^^^^^^\n", " ".repeat(12))),
            "{r}"
        );
        assert!(r.contains("= help: rename one"), "{r}");
    }

    /// The caret sits under the marked characters whatever comes before them on the line:
    /// tabs, emoji, combining marks, CJK.
    #[test]
    fn carets_line_up_after_tabs_emoji_and_combining_marks() {
        for (before, cells) in [
            ("\t", 4),
            ("🚀 ", 3),
            ("e\u{301}x ", 3),
            ("限流 ", 5),
            ("\t🚀e\u{301}限 ", 4 + 2 + 1 + 2 + 1),
        ] {
            let text = format!("{before}{{#dup}}\n");
            let off = text.find("{#dup}").unwrap();
            let d = Diagnostic::new(
                Code::QB003,
                "x",
                Location::from_span(Path::new("a.md"), &text, off..off + 6),
            );
            let r = d.render(false);
            let lines: Vec<&str> = r.lines().collect();
            let source = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
            let caret = lines.iter().find(|l| l.contains('^')).unwrap();
            assert!(!source.contains('\t'), "tabs are expanded: {r}");
            assert_eq!(
                caret.find('^').unwrap() - "  | ".len(),
                cells,
                "{before:?}:\n{r}"
            );
            // And it is where `{#dup}` starts on screen.
            let shown = &source["1 | ".len()..];
            let cells_before: usize = shown[..shown.find("{#dup}").unwrap()]
                .chars()
                .map(char_cells)
                .sum();
            assert_eq!(cells_before, cells);
        }
    }

    #[test]
    fn invalid_utf8_is_located() {
        let bytes = b"# ok\nab\xC4cd\n";
        let d = check_utf8(Path::new("x.md"), bytes).unwrap();
        assert_eq!(d.location.to_string(), "x.md:2:3");
        assert!(d.message.contains("0xC4"));
        assert!(check_utf8(Path::new("x.md"), "中文".as_bytes()).is_none());
    }
}
