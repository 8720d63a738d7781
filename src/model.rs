//! The typed model of an interview record. Every piece keeps the byte span it came from in the
//! chapter text, so diagnostics and rendering can point back at (or copy) the source exactly.

use std::ops::Range;

/// Byte offsets into the chapter text.
pub type Span = Range<usize>;

/// One interview record: a chapter with at least one question.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Record {
    /// Plain text of the first H1 (role and round), if any.
    pub title: Option<String>,
    /// YAML front matter.
    pub front: Option<FrontMatter>,
    /// The information section (`面试信息`), shown as a header card.
    pub info: Option<Info>,
    /// The questions, in order.
    pub questions: Vec<Question>,
    /// The evaluation template's dimensions times levels.
    pub rubric: Option<Rubric>,
    /// Where the evaluation template starts (its heading); it runs to the end of the chapter.
    pub template: Option<usize>,
    /// The page in source order: what to copy, what to replace.
    pub layout: Vec<Part>,
}

impl Record {
    /// How many questions have a model answer.
    pub fn answered(&self) -> usize {
        self.questions
            .iter()
            .filter(|q| q.answer.is_answered())
            .count()
    }
}

/// One piece of a record page, in source order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Part {
    /// Source text copied to the page unchanged.
    Markdown(Span),
    /// The info card, in place of the information section's heading and list.
    Info,
    /// The record overview (question list, answered count, expand/collapse control).
    Overview,
    /// `questions[i]`, rendered as a card.
    Question(usize),
    /// A rubric list of the evaluation template, rendered as a table.
    Rubric(Span),
}

/// The record's information section.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    /// Plain text of the section heading.
    pub heading: String,
    /// Its list items, in order.
    pub items: Vec<InfoItem>,
}

/// One `**key**: value` item of the information section.
#[derive(Debug, Clone, PartialEq)]
pub struct InfoItem {
    /// The bold label, e.g. `岗位`.
    pub key: String,
    /// The value's markdown source.
    pub value: Span,
    /// The column where the item's content starts (a tab goes to the next multiple of 4, as
    /// in CommonMark): its lines after the first are indented by it, as they are inside the
    /// list item.
    pub indent: usize,
}

/// One question card.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Question {
    /// The number as written, e.g. `1`.
    pub number: String,
    /// Plain text of the title, without the number.
    pub title: String,
    /// The stable id, unique within the record's page: `{#id}` when given, otherwise derived
    /// from the title, with `-2`, `-3`, … when an earlier question of the record has it.
    pub id: String,
    /// The id before any `-N` suffix: what makes two records' questions the same question.
    pub base_id: String,
    /// Whether the id was written as `{#id}`.
    pub explicit_id: bool,
    /// The heading level (2–4).
    pub level: u8,
    /// The whole heading line.
    pub heading: Span,
    /// The title as inline HTML, without the number.
    pub title_html: String,
    /// The `<!-- qbank … -->` comment after the heading.
    pub meta: Option<QuestionMeta>,
    /// The interviewer's prompt.
    pub prompt: Body,
    /// Numbered sub-questions of the prompt: the rubric's key points.
    pub key_points: Vec<Span>,
    /// The answer area.
    pub answer: Answer,
    /// The interviewer's notes (`**面试官记录**:`), as interview mode exports them.
    pub notes: Option<Notes>,
}

/// A question's interviewer notes: a marker paragraph, then a list of `**label**: value`
/// items (a level per dimension, the ticked key points) and a fenced block of free text.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Notes {
    /// (dimension, level) pairs, in order.
    pub levels: Vec<(String, String)>,
    /// The ticked key points, 1-based.
    pub ticks: Vec<usize>,
    /// The time spent on the question, in seconds (`**用时**: 12:05`).
    pub time: Option<u64>,
    /// The free text, verbatim: shown as text, never as markup.
    pub text: String,
    /// Items of the list that are neither: shown as written, as text.
    pub other: Vec<(String, String)>,
    /// The whole block, marker to the end of the question.
    pub span: Span,
}

/// Markdown content split into what is copied and what qbank renders itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    /// The pieces, in source order.
    pub pieces: Vec<Piece>,
}

/// A piece of a prompt or an answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Piece {
    /// Source copied unchanged.
    Markdown(Span),
    /// A heading inside a prompt or answer: rendered so that it does not show up as a
    /// question in the sidebar, but keeps an anchor.
    Heading {
        /// The heading level as written.
        level: u8,
        /// The heading's inline content as HTML.
        html: String,
        /// `{#id}` when given.
        id: Option<String>,
        /// Plain text, for the derived anchor.
        text: String,
    },
    /// A fenced block with no language that holds prose: rendered as wrapped text.
    Prose {
        /// The fence's content.
        text: Text,
    },
    /// A paragraph of CJK text written on several lines: copied like [`Piece::Markdown`], and
    /// shown with its line breaks. (CommonMark joins the lines, with a space between Chinese
    /// characters where the author meant a new line.)
    Lines(Span),
}

/// Text taken from a record: a span of its source, as it nearly always is, or a copy where it
/// is not one run of the source (a fence indented in a list item loses its indentation). A
/// bank of 100,000 questions would otherwise hold its prose answers twice.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// Bytes of the record's source.
    Span(Span),
    /// A copy.
    Owned(String),
}

impl Text {
    /// The text, out of `source`, the record's text.
    pub fn get<'a>(&'a self, source: &'a str) -> &'a str {
        match self {
            Text::Span(s) => source.get(s.clone()).unwrap_or(""),
            Text::Owned(t) => t,
        }
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Text::Span(s) => s.len(),
            Text::Owned(t) => t.len(),
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The state of a question's answer area.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Answer {
    /// A filled answer area.
    Answered(Body),
    /// The area is empty, an empty fence, or only a placeholder.
    Unanswered(Unanswered),
    /// There is no answer marker at all.
    Missing,
}

impl Answer {
    /// Whether the area holds an answer.
    pub fn is_answered(&self) -> bool {
        matches!(self, Answer::Answered(_))
    }
}

/// Why an answer area counts as unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unanswered {
    /// Nothing after the marker.
    Empty,
    /// Only an empty fence.
    EmptyFence,
    /// Only a placeholder such as `[请在此处回答]`; the text is kept.
    Placeholder(String),
}

/// Dimensions times levels, from the evaluation template.
#[derive(Debug, Clone, PartialEq)]
pub struct Rubric {
    /// The level scale, from the first rubric line.
    pub levels: Vec<String>,
    /// The dimensions, one per rubric line.
    pub dimensions: Vec<Dimension>,
    /// The interview's summary: the text of the fence under the template's summary heading
    /// (`### 面试总结`), as export writes it. `None` when it is missing, empty or a
    /// placeholder such as `[面试官将在此记录…]`.
    pub summary: Option<String>,
}

/// One rubric line: `**Dimension**: [ ] L1 [x] L2 …`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// The dimension, e.g. `技术深度`.
    pub name: String,
    /// The levels this line offers, in order. The record's scale is the first line's.
    pub levels: Vec<String>,
    /// The level marked `[x]`, if any.
    pub recorded: Option<String>,
    /// The whole rubric line.
    pub span: Span,
}

/// A record's YAML front matter.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct FrontMatter {
    /// The role interviewed for.
    pub role: Option<String>,
    /// Which round.
    pub round: Option<String>,
    /// The seniority level.
    pub level: Option<String>,
    /// Tags of the whole record.
    pub tags: Vec<String>,
    /// The planned duration, as written.
    pub duration: Option<String>,
    /// The whole block, fences included.
    pub span: Span,
}

/// A question's metadata.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct QuestionMeta {
    /// An alternative to `{#id}` on the heading.
    pub id: Option<String>,
    /// 1 (warm-up) to 5 (hardest).
    pub difficulty: Option<u8>,
    /// Tags, for the tag page and filters.
    pub tags: Vec<String>,
    /// The record's rubric dimensions this question tests.
    pub dimensions: Vec<String>,
    /// What each level looks like for this question: (level, descriptor, span of the level key).
    pub rubric: Vec<(String, String, Span)>,
    /// Follow-up questions, in order.
    pub follow_ups: Vec<String>,
    /// Ids this question was known by before: links to `page.html#alias` land on it.
    pub aliases: Vec<String>,
    /// The id of a question elsewhere that asks the same thing in other words: both count as
    /// one question on the frequently-asked page.
    pub same_as: Option<String>,
    /// The YAML inside the comment.
    pub span: Span,
}
