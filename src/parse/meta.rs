//! Metadata that stays invisible on GitHub: YAML front matter for a record, and a
//! `<!-- qbank … -->` comment right after a question's heading.
//!
//! YAML is read with `serde_norway`, the maintained fork of the deprecated `serde_yaml`, into
//! typed structs. Positions of YAML errors and of keys are mapped back to the markdown file.

use crate::diag::{Code, Diagnostic, Location};
use crate::model::{FrontMatter, QuestionMeta, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

const FRONT_KEYS: &[&str] = &["role", "round", "level", "tags", "duration"];
const QUESTION_KEYS: &[&str] = &[
    "id",
    "difficulty",
    "tags",
    "dimensions",
    "rubric",
    "follow-ups",
    "aliases",
    "same-as",
];

/// The opening of a question metadata comment.
pub const COMMENT_OPEN: &str = "<!-- qbank";

/// Front matter at the very top of a file: `(whole block, YAML inside)`.
pub fn find_front_matter(text: &str) -> Option<(Span, Span)> {
    let first = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - first.len();
    let body_start = bom
        + ["---\n", "---\r\n"]
            .iter()
            .find(|f| first.starts_with(**f))?
            .len();
    let mut pos = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            return Some((0..pos + line.len(), body_start..pos));
        }
        pos += line.len();
    }
    None
}

/// The YAML inside `<!-- qbank … -->`, if `html` (a block at `start`) is such a comment.
pub fn comment_yaml(html: &str, start: usize) -> Option<Span> {
    let lead = html.len() - html.trim_start().len();
    let body = html.trim_start().strip_prefix(COMMENT_OPEN)?;
    if !body.starts_with([' ', '\n', '\r', '\t']) && !body.is_empty() {
        return None;
    }
    let end = body.rfind("-->")?;
    let yaml_start = start + lead + COMMENT_OPEN.len();
    Some(yaml_start..yaml_start + end)
}

#[derive(Deserialize)]
struct RawFront {
    role: Option<Scalar>,
    round: Option<Scalar>,
    level: Option<Scalar>,
    #[serde(default)]
    tags: OneOrMany,
    duration: Option<Scalar>,
    #[serde(flatten)]
    unknown: BTreeMap<String, serde_norway::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawQuestion {
    id: Option<Scalar>,
    difficulty: Option<serde_norway::Value>,
    #[serde(default)]
    tags: OneOrMany,
    #[serde(default)]
    dimensions: OneOrMany,
    #[serde(default)]
    rubric: serde_norway::Mapping,
    #[serde(default)]
    follow_ups: OneOrMany,
    #[serde(default)]
    aliases: OneOrMany,
    same_as: Option<Scalar>,
    #[serde(flatten)]
    unknown: BTreeMap<String, serde_norway::Value>,
}

/// A string, number or boolean, read as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    S(String),
    I(i64),
    F(f64),
    B(bool),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::S(s) => s,
            Scalar::I(i) => i.to_string(),
            Scalar::F(f) => f.to_string(),
            Scalar::B(b) => b.to_string(),
        }
    }
}

/// `tags: a` or `tags: [a, b]`.
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(Scalar),
    Many(Vec<Scalar>),
}

impl OneOrMany {
    fn list(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s.text()],
            OneOrMany::Many(v) => v.into_iter().map(Scalar::text).collect(),
        }
    }
}

/// Reads YAML at `yaml` in `text`, mapping an error's position into the file.
fn read<T: for<'de> Deserialize<'de>>(
    file: &Path,
    text: &str,
    yaml: &Span,
    what: &str,
) -> Result<T, Box<Diagnostic>> {
    let src = &text[yaml.clone()];
    // An empty block is an empty mapping.
    let src = if src.trim().is_empty() { "{}" } else { src };
    serde_norway::from_str(src).map_err(|e| {
        let full = e.to_string();
        let block = &text[yaml.clone()];
        // libyaml notices an unclosed `[` at the end of the block, and names the `[` itself in
        // its context ("…, while parsing a flow sequence at line 3 column 7"): point there.
        let context = full
            .split_once(", while parsing")
            .and_then(|(_, ctx)| line_column(ctx));
        let at = context
            .or_else(|| e.location().map(|l| (l.line(), l.column())))
            .map_or(yaml.start, |(l, c)| yaml.start + offset_of(block, l, c));
        let msg = full.split(" at line ").next().unwrap_or(&full).to_string();
        let msg = match full.split_once(", while ") {
            Some((_, ctx)) => format!(
                "{msg}, while {}",
                ctx.split(" at line ").next().unwrap_or(ctx)
            ),
            None => msg,
        };
        Box::new(
            Diagnostic::new(
                Code::QB011,
                format!("invalid YAML in {what}: {msg}"),
                Location::from_span(file, text, at..at + 1),
            )
            .with_help("check brackets, quotes and indentation; lists look like `[a, b]` or `- a`"),
        )
    })
}

/// `… at line 3 column 7` → (3, 7).
fn line_column(s: &str) -> Option<(usize, usize)> {
    let rest = s.split_once("at line ")?.1;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// Byte offset of 1-based (line, column) in `s`; the column counts characters.
fn offset_of(s: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match s[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return s.len(),
        }
    }
    let line_text = &s[start..];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// Where `key:` starts in the YAML block (for diagnostics about a key).
pub fn key_span(text: &str, yaml: &Span, key: &str) -> Span {
    let src = &text[yaml.clone()];
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        if t.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            let s = yaml.start + pos + (line.len() - t.len());
            return s..s + key.len();
        }
        pos += line.len();
    }
    yaml.start..yaml.start + 1
}

fn unknown_keys(
    file: &Path,
    text: &str,
    yaml: &Span,
    keys: impl Iterator<Item = String>,
    known: &[&str],
    what: &str,
) -> Vec<Diagnostic> {
    keys.map(|k| {
        Diagnostic::new(
            Code::QB012,
            format!("unknown key `{k}` in {what}"),
            Location::from_span(file, text, key_span(text, yaml, &k)),
        )
        .with_help(format!("known keys: {}", known.join(", ")))
    })
    .collect()
}

/// Parses a record's front matter.
pub fn front_matter(
    file: &Path,
    text: &str,
    block: Span,
    yaml: Span,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    match read::<RawFront>(file, text, &yaml, "front matter") {
        Err(d) => (None, vec![*d]),
        Ok(raw) => {
            let diags = unknown_keys(
                file,
                text,
                &yaml,
                raw.unknown.into_keys(),
                FRONT_KEYS,
                "front matter",
            );
            let front = FrontMatter {
                role: raw.role.map(Scalar::text),
                round: raw.round.map(Scalar::text),
                level: raw.level.map(Scalar::text),
                tags: raw.tags.list(),
                duration: raw.duration.map(Scalar::text),
                span: block,
            };
            (Some(front), diags)
        }
    }
}

/// Parses a question's metadata comment. Levels in `rubric:` are checked later against the
/// record's scale, which is only known at the end of the record.
pub fn question(file: &Path, text: &str, yaml: Span) -> (Option<QuestionMeta>, Vec<Diagnostic>) {
    let raw = match read::<RawQuestion>(file, text, &yaml, "question metadata") {
        Err(d) => return (None, vec![*d]),
        Ok(raw) => raw,
    };
    let mut diags = unknown_keys(
        file,
        text,
        &yaml,
        raw.unknown.into_keys(),
        QUESTION_KEYS,
        "question metadata",
    );
    let difficulty = match raw.difficulty {
        None => None,
        Some(v) => match v.as_u64().filter(|d| (1..=5).contains(d)) {
            Some(d) => Some(d as u8),
            None => {
                let shown = serde_norway::to_string(&v).unwrap_or_default();
                diags.push(
                    Diagnostic::new(
                        Code::QB013,
                        format!(
                            "difficulty must be a whole number from 1 to 5, not {}",
                            shown.trim()
                        ),
                        Location::from_span(file, text, key_span(text, &yaml, "difficulty")),
                    )
                    .with_help("1 is a warm-up question, 5 the hardest in the bank"),
                );
                None
            }
        },
    };
    let mut rubric = Vec::new();
    for (k, v) in raw.rubric {
        let level = scalar_text(&k);
        let descriptor = scalar_text(&v);
        let span = key_span(text, &yaml, &level);
        rubric.push((level, descriptor, span));
    }
    let meta = QuestionMeta {
        id: raw.id.map(Scalar::text),
        difficulty,
        tags: raw.tags.list(),
        dimensions: raw.dimensions.list(),
        rubric,
        follow_ups: raw.follow_ups.list(),
        aliases: raw.aliases.list(),
        same_as: raw.same_as.map(Scalar::text),
        span: yaml,
    };
    (Some(meta), diags)
}

fn scalar_text(v: &serde_norway::Value) -> String {
    match v {
        serde_norway::Value::String(s) => s.clone(),
        other => serde_norway::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_found_only_at_the_top() {
        let t = "---\nrole: Go\ntags: [a]\n---\n# Title\n";
        let (block, yaml) = find_front_matter(t).unwrap();
        assert_eq!(&t[yaml], "role: Go\ntags: [a]\n");
        assert_eq!(&t[block.end..], "# Title\n");
        assert!(find_front_matter("# Title\n---\nx\n---\n").is_none());
        assert!(find_front_matter("---\nnever closed\n").is_none());
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let t = "# T\n<!-- qbank\ntags: [a, b\n-->\n";
        let start = t.find("<!--").unwrap();
        let yaml = comment_yaml(&t[start..], start).unwrap();
        let (meta, diags) = question(Path::new("q.md"), t, yaml);
        assert!(meta.is_none());
        assert_eq!(diags[0].code, "QB011");
        // The unclosed `[` itself, on the file's line 3.
        assert_eq!(diags[0].location.line, 3, "{}", diags[0].render(false));
        assert_eq!(diags[0].location.column, 7, "{}", diags[0].render(false));
    }

    #[test]
    fn typed_fields_and_unknown_keys() {
        let t = "<!-- qbank\ndifficulty: 3\ntags: runtime\nrubric:\n  精通: 讲清 work stealing\nfollow-ups:\n  - 为什么?\ncolour: red\n-->";
        let yaml = comment_yaml(t, 0).unwrap();
        let (meta, diags) = question(Path::new("q.md"), t, yaml);
        let meta = meta.unwrap();
        assert_eq!(meta.difficulty, Some(3));
        assert_eq!(meta.tags, ["runtime"]);
        assert_eq!(meta.rubric[0].0, "精通");
        assert_eq!(meta.follow_ups, ["为什么?"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "QB012");
        assert_eq!(diags[0].location.line, 8);
    }

    #[test]
    fn difficulty_out_of_range() {
        let t = "<!-- qbank\ndifficulty: 9\n-->";
        let (meta, diags) = question(Path::new("q.md"), t, comment_yaml(t, 0).unwrap());
        assert_eq!(meta.unwrap().difficulty, None);
        assert_eq!(diags[0].code, "QB013");
        assert_eq!(diags[0].location.line, 2);
    }
}
