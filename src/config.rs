//! `[preprocessor.qbank]` configuration: marker words, placeholders, the default level scale,
//! and the language of every label qbank writes.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Keys that mdBook itself reads from every `[preprocessor.NAME]` table.
const MDBOOK_KEYS: &[&str] = &["command", "before", "after", "renderers", "optional"];

/// An edition of the book: who it is for decides what its pages (and its search index) hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Edition {
    /// Everything: the interviewers' handbook.
    #[default]
    Handbook,
    /// For candidates to practise with: the questions only. Model answers, follow-ups, the
    /// rubric (sidebar and evaluation template) and the coverage page are left out.
    Practice,
}

impl Edition {
    /// The name used in book.toml and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Handbook => "handbook",
            Edition::Practice => "practice",
        }
    }
}

/// What happens to raw HTML written inside records (`raw-html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RawHtml {
    /// Through an allow-list, as GitHub does for markdown: harmless markup stays, scripts,
    /// event handlers and `javascript:` URLs go (see `render::sanitize`).
    #[default]
    Sanitize,
    /// Passed through as written, as mdBook does: for banks whose every author is trusted.
    Trusted,
}

/// The qbank settings of one book.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
#[non_exhaustive]
pub struct Config {
    /// Bold words that open a question's prompt: `**面试官**:`.
    pub interviewer_markers: Vec<String>,
    /// Bold words that open a question's answer area: `**候选人回答区域**:`.
    pub answer_markers: Vec<String>,
    /// Heading texts of the record's information section.
    pub info_headings: Vec<String>,
    /// Heading texts of the evaluation template (the rubric).
    pub evaluation_headings: Vec<String>,
    /// Texts that mean "nothing here yet" when they are all an answer area holds.
    pub placeholders: Vec<String>,
    /// The level scale used by records that have no evaluation template.
    pub levels: Vec<String>,
    /// What each level of the default scale looks like, for questions without their own
    /// `rubric:` descriptors.
    pub level_descriptors: BTreeMap<String, String>,
    /// Generated pages to add to the book: any of `frequent`, `tags`, `dimensions`, `coverage`,
    /// `progress` (the reader's marks, study mode), `drill` (one question at a time).
    pub pages: Vec<String>,
    /// Build qbank's search index (`qbank build` only).
    pub search: bool,
    /// Which edition of the book to build: the interviewers' handbook, or a practice edition.
    pub edition: Edition,
    /// Label language. Defaults to `book.language`.
    pub language: Option<String>,
    /// Raw HTML inside records: sanitized (the default) or trusted.
    pub raw_html: RawHtml,
    /// Bold words that open a question's interviewer notes (written by interview mode's
    /// export): `**面试官记录**:`.
    pub notes_markers: Vec<String>,
    /// The label of the notes list item that holds the ticked key points: `**考察要点**: 1, 3`.
    pub notes_key_points: Vec<String>,
    /// The label of the notes list item that holds the time spent on the question:
    /// `**用时**: 12:05` (minutes and seconds).
    pub notes_time: Vec<String>,
    /// Heading texts of the evaluation template's summary block, which export fills in.
    pub summary_headings: Vec<String>,
    /// The largest `print.html` qbank writes (`qbank build` only). A book whose print page
    /// would be larger gets a print page per record and a `print.html` that lists them.
    pub print_limit: ByteSize,
    /// Everything else in the table; used to warn about misspelt keys.
    #[serde(flatten)]
    pub unknown: BTreeMap<String, serde::de::IgnoredAny>,
    /// The book's title (`[book] title`), for the browser's storage namespace.
    #[serde(skip)]
    pub book_title: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(std::string::ToString::to_string).collect();
        Config {
            interviewer_markers: v(&["面试官", "Interviewer"]),
            answer_markers: v(&["候选人回答区域", "候选人回答", "Candidate answer", "Answer"]),
            info_headings: v(&["面试信息", "Interview information", "Interview info"]),
            evaluation_headings: v(&["面试评价模板", "Evaluation template", "Evaluation"]),
            placeholders: v(&["[请在此处回答]", "[Please answer here]", "[Answer here]"]),
            levels: v(&["精通", "熟练", "了解", "欠缺"]),
            level_descriptors: BTreeMap::new(),
            pages: v(&[
                "frequent",
                "tags",
                "dimensions",
                "coverage",
                "progress",
                "drill",
            ]),
            search: true,
            edition: Edition::Handbook,
            language: None,
            raw_html: RawHtml::Sanitize,
            notes_markers: v(&["面试官记录", "Interviewer notes"]),
            notes_key_points: v(&["考察要点", "Key points"]),
            notes_time: v(&["用时", "Time"]),
            summary_headings: v(&["面试总结", "Summary"]),
            print_limit: ByteSize::DEFAULT_PRINT_LIMIT,
            unknown: BTreeMap::new(),
            book_title: None,
        }
    }
}

impl Config {
    /// Reads `[preprocessor.qbank]` from a book's configuration; missing keys keep their defaults.
    pub fn from_book(cfg: &mdbook_preprocessor::config::Config) -> anyhow::Result<Self> {
        let mut c: Config = cfg
            .get::<Config>("preprocessor.qbank")
            .map_err(|e| anyhow::anyhow!("invalid [preprocessor.qbank] in book.toml: {e:#}"))?
            .unwrap_or_default();
        if c.language.is_none() {
            c.language = cfg.book.language.clone();
        }
        c.book_title = cfg.book.title.clone();
        Ok(c)
    }

    /// Keys under `[preprocessor.qbank]` that neither qbank nor mdBook knows.
    pub fn unknown_keys(&self) -> Vec<&str> {
        self.unknown
            .keys()
            .map(String::as_str)
            .filter(|k| !MDBOOK_KEYS.contains(k))
            .collect()
    }

    /// The names of the keys qbank reads, for "did you mean" help.
    pub fn known_keys() -> &'static [&'static str] {
        &[
            "interviewer-markers",
            "answer-markers",
            "info-headings",
            "evaluation-headings",
            "placeholders",
            "levels",
            "level-descriptors",
            "pages",
            "search",
            "edition",
            "language",
            "raw-html",
            "notes-markers",
            "notes-key-points",
            "notes-time",
            "summary-headings",
            "print-limit",
        ]
    }

    /// The labels for this book's language.
    pub(crate) fn labels(&self) -> &'static crate::i18n::Labels {
        crate::i18n::Labels::for_language(self.language.as_deref())
    }

    /// Whether the generated page `name` is switched on.
    pub fn page(&self, name: &str) -> bool {
        self.pages.iter().any(|p| p == name)
    }

    /// Whether pages show what only interviewers should see: model answers, follow-ups and the
    /// rubric.
    pub fn interviewer_material(&self) -> bool {
        self.edition == Edition::Handbook
    }

    /// Whether `text` (already trimmed) is one of the configured placeholders.
    pub fn is_placeholder(&self, text: &str) -> bool {
        let t = text.trim();
        self.placeholders.iter().any(|p| p.trim() == t)
    }
}

/// A size in bytes, written in book.toml as a number of bytes (`print-limit = 20000000`) or a
/// string with a unit (`"32MB"`, `"500 KB"`, `"1.5GB"`; units of 1000, `B` allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// The default `print-limit`: 32 MB. Chromium and Firefox still open and print a page of
    /// that size in seconds; 178 MB (a 50,000-question bank in one page) they do not.
    pub const DEFAULT_PRINT_LIMIT: ByteSize = ByteSize(32_000_000);

    /// Reads `"32MB"`, `"500 KB"`, `"2000000"`, `"1.5GB"`. `None` for anything else.
    pub fn parse(text: &str) -> Option<ByteSize> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let number: f64 = number.parse().ok()?;
        let scale: f64 = match unit.trim().to_ascii_uppercase().as_str() {
            "" | "B" => 1.0,
            "KB" | "K" => 1e3,
            "MB" | "M" => 1e6,
            "GB" | "G" => 1e9,
            _ => return None,
        };
        let bytes = number * scale;
        (bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64)
            .then_some(ByteSize(bytes as u64))
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 >= 1_000_000 {
            write!(f, "{:.1} MB", self.0 as f64 / 1e6)
        } else {
            write!(f, "{:.1} KB", self.0 as f64 / 1e3)
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const EXPECTED: &str = "a size such as \"32MB\" or a number of bytes";
        impl serde::de::Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ByteSize, E> {
                if v == 0 {
                    return Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self));
                }
                Ok(ByteSize(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ByteSize, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ByteSize, E> {
                ByteSize::parse(v)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::ByteSize;

    #[test]
    fn sizes_read_with_and_without_units() {
        assert_eq!(ByteSize::parse("32MB"), Some(ByteSize(32_000_000)));
        assert_eq!(ByteSize::parse(" 500 kb "), Some(ByteSize(500_000)));
        assert_eq!(ByteSize::parse("1.5GB"), Some(ByteSize(1_500_000_000)));
        assert_eq!(ByteSize::parse("2000"), Some(ByteSize(2000)));
        for bad in ["", "MB", "-3MB", "3 parsecs", "0", "1e400", "NaN"] {
            assert_eq!(ByteSize::parse(bad), None, "{bad}");
        }
    }
}
