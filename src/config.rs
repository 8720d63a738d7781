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
