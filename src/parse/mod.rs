//! Parsing: one chapter's markdown becomes a [`Record`] (or `None` for ordinary chapters).
//!
//! The parser works on pulldown-cmark's top-level blocks with their byte offsets, so it sees
//! exactly what mdBook will render: a `---` or a `### 1.` heading inside a fence is code, not
//! structure. Question boundaries are decided by content, not by shape: a numbered heading is
//! a question only when its first block is the interviewer marker.

mod blocks;
mod lex;
pub mod meta;

use blocks::{Block, Kind, blocks, unclosed_fence};
pub(crate) use lex::bold_label;
use lex::*;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Location};
use crate::model::*;
use crate::text::slugify;
use std::path::Path;

/// The result of parsing one chapter.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// `None` when the chapter is not an interview record: it passes through unchanged.
    pub record: Option<Record>,
    /// What could not be parsed.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the markdown starts after YAML front matter (0 without). Front matter is never
    /// rendered, on records or other chapters.
    pub body_start: usize,
}

/// Parses one chapter. `file` is only used to label diagnostics.
pub fn parse(file: &Path, original: &str, cfg: &Config) -> Parsed {
    let lines = crate::text::lone_cr_as_lf(original);
    let text: &str = &lines;
    let front = crate::parse::meta::find_front_matter(text);
    // pulldown-cmark would read front matter as a rule and a setext heading: blank it out,
    // keeping every byte offset (and so every span) as it is in the file.
    let masked: std::borrow::Cow<str> = match &front {
        Some((block, _)) => {
            let mut m: Vec<u8> = text.as_bytes().to_vec();
            for b in &mut m[block.clone()] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
            String::from_utf8(m).map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned)
        }
        None => std::borrow::Cow::Borrowed(text),
    };
    let text: &str = &masked;
    let blocks = blocks(text);
    let labels = blocks
        .iter()
        .map(|b| match b.kind {
            Kind::Paragraph => {
                bold_label(&text[b.span.clone()]).map(|(label, len)| (label, b.span.start + len))
            }
            _ => None,
        })
        .collect();
    let mut parsed = Parser {
        file,
        text,
        original,
        cfg,
        blocks,
        labels,
        body_start: front.as_ref().map_or(0, |f| f.0.end),
        diags: Vec::new(),
    }
    .run();
    // Front matter is read for records; other chapters only lose it from the page.
    if let (Some(record), Some((block, yaml))) = (parsed.record.as_mut(), front) {
        let (fm, diags) = crate::parse::meta::front_matter(file, original, block, yaml);
        record.front = fm;
        parsed.diagnostics.extend(diags);
        crate::diag::sort(&mut parsed.diagnostics);
    }
    parsed
}

struct Parser<'a> {
    file: &'a Path,
    /// The text as parsed: the file with its front matter blanked out.
    text: &'a str,
    /// The file as written, for diagnostics inside front matter and metadata.
    original: &'a str,
    body_start: usize,
    cfg: &'a Config,
    blocks: Vec<Block>,
    /// For each block, its leading bold label (`**面试官**:`) if it is a paragraph that opens
    /// with one: the label and the offset just after the colon. Markers are looked up often.
    labels: Vec<Option<(&'a str, usize)>>,
    diags: Vec<Diagnostic>,
}

/// Collects `Part`s while copying source text between the pieces qbank replaces.
struct Layout {
    parts: Vec<Part>,
    cursor: usize,
}

impl Layout {
    fn copy_to(&mut self, text: &str, end: usize) {
        if end > self.cursor && !text[self.cursor..end].trim().is_empty() {
            self.parts.push(Part::Markdown(self.cursor..end));
        }
        self.cursor = self.cursor.max(end);
    }
}

impl<'a> Parser<'a> {
    fn loc(&self, span: Span) -> Location {
        Location::from_span(self.file, self.text, span)
    }

    fn marker_end(&self, i: usize, words: &[String]) -> Option<usize> {
        let (label, end) = (*self.labels.get(i)?)?;
        matches_word(label, words).then_some(end)
    }

    fn is_comment(&self, i: usize) -> bool {
        matches!(self.blocks[i].kind, Kind::Html)
            && self.text[self.blocks[i].span.clone()]
                .trim_start()
                .starts_with("<!--")
    }

    /// The first block after `i` that is not an HTML comment.
    fn next_content(&self, i: usize) -> usize {
        let mut j = i + 1;
        while j < self.blocks.len() && self.is_comment(j) {
            j += 1;
        }
        j
    }

    fn heading_text(&self, i: usize) -> Option<(u8, &str)> {
        match &self.blocks[i].kind {
            Kind::Heading { level, text, .. } => Some((*level, text.as_str())),
            _ => None,
        }
    }

    /// `Some(level)` when block `i` opens a question.
    fn question_at(&self, i: usize) -> Option<u8> {
        let (level, text) = self.heading_text(i)?;
        if !(2..=4).contains(&level) || numbered(text).is_none() {
            return None;
        }
        self.marker_end(self.next_content(i), &self.cfg.interviewer_markers)
            .map(|_| level)
    }

    fn run(mut self) -> Parsed {
        for b in &self.blocks {
            if let Kind::Code { fenced: true, .. } = b.kind
                && unclosed_fence(self.text, &b.span)
            {
                let line_end = self.text[b.span.start..]
                    .find('\n')
                    .map_or(b.span.end, |i| b.span.start + i);
                self.diags.push(
                    Diagnostic::new(
                        Code::QB005,
                        "code fence is never closed, so everything after it is code",
                        self.loc(b.span.start..line_end),
                    )
                    .with_help("add a closing fence line (``` or ~~~) where the code ends"),
                );
            }
        }

        let starts: Vec<(usize, u8)> = (0..self.blocks.len())
            .filter_map(|i| self.question_at(i).map(|l| (i, l)))
            .collect();
        let first_level = starts.first().map_or(2, |s| s.1);
        let eval = (0..self.blocks.len()).find(|&i| {
            self.heading_text(i).is_some_and(|(level, text)| {
                level <= first_level.max(2) && matches_word(text, &self.cfg.evaluation_headings)
            })
        });
        // Questions only live before the evaluation template.
        let starts: Vec<usize> = starts
            .into_iter()
            .map(|s| s.0)
            .filter(|&i| eval.is_none_or(|e| i < e))
            .collect();
        let info = (0..starts
            .first()
            .or(eval.as_ref())
            .copied()
            .unwrap_or(self.blocks.len()))
            .find(|&i| {
                self.heading_text(i)
                    .is_some_and(|(_, t)| matches_word(t, &self.cfg.info_headings))
            });
        self.misplaced_questions(&starts, eval);

        if starts.is_empty() {
            if let Some(i) = info.or(eval) {
                self.diags.push(
                    Diagnostic::new(
                        Code::QB007,
                        "this record has no questions, so it is shown as an ordinary page",
                        self.loc(self.blocks[i].span.clone()),
                    )
                    .with_help(format!(
                        "a question is a heading such as `### 1. Title` followed by `**{}**: …`",
                        self.cfg
                            .interviewer_markers
                            .first()
                            .map_or("", |s| s.as_str())
                    )),
                );
            }
            return Parsed {
                record: None,
                diagnostics: self.diags,
                body_start: self.body_start,
            };
        }

        let mut layout = Layout {
            parts: Vec::new(),
            cursor: self.body_start,
        };
        let mut record = Record {
            title: None,
            front: None,
            info: None,
            questions: Vec::new(),
            rubric: None,
            template: eval.map(|e| self.blocks[e].span.start),
            layout: Vec::new(),
        };

        // Preamble: title, info card, anything else, then the overview.
        let first = starts[0];
        record.title = (0..first).find_map(|i| match self.heading_text(i) {
            Some((1, t)) => Some(t.trim().to_string()),
            _ => None,
        });
        let mut overview_after = (0..first)
            .find(|&i| matches!(self.heading_text(i), Some((1, _))))
            .map(|i| self.blocks[i].span.end);
        if let Some(h) = info {
            let list = h + 1;
            if let Some(Block {
                kind: Kind::List { items, .. },
                span,
            }) = self.blocks.get(list).filter(|_| list < first)
            {
                layout.copy_to(self.text, self.blocks[h].span.start);
                record.info = Some(Info {
                    heading: self
                        .heading_text(h)
                        .unwrap_or_default()
                        .1
                        .trim()
                        .to_string(),
                    items: items.iter().map(|it| self.info_item(it)).collect(),
                });
                layout.parts.push(Part::Info);
                layout.cursor = span.end;
                overview_after = Some(span.end);
            }
        }
        if let Some(end) = overview_after {
            layout.copy_to(self.text, end);
            layout.parts.push(Part::Overview);
        }
        layout.copy_to(self.text, self.content_end(0, first));
        if overview_after.is_none() {
            layout.parts.push(Part::Overview);
        }

        // Questions.
        for (k, &start) in starts.iter().enumerate() {
            let end = starts
                .get(k + 1)
                .copied()
                .or(eval)
                .unwrap_or(self.blocks.len());
            let q = self.question(start, end);
            // The card replaces everything up to the next question, separators included.
            layout.cursor = self
                .blocks
                .get(end)
                .map_or(self.text.len(), |b| b.span.start);
            layout.parts.push(Part::Question(record.questions.len()));
            record.questions.push(q);
        }
        assign_ids(&mut record.questions);
        record.questions.shrink_to_fit();

        // Evaluation template.
        if let Some(e) = eval {
            layout.cursor = self.blocks[e].span.start;
            let mut rubric = Rubric {
                levels: Vec::new(),
                dimensions: Vec::new(),
                summary: self.summary(e),
            };
            for i in e + 1..self.blocks.len() {
                let Kind::List { items, .. } = &self.blocks[i].kind else {
                    continue;
                };
                let lines: Option<Vec<_>> = items.iter().map(|it| self.rubric_line(it)).collect();
                let Some(lines) = lines else { continue };
                layout.copy_to(self.text, self.blocks[i].span.start);
                layout.parts.push(Part::Rubric(self.blocks[i].span.clone()));
                layout.cursor = self.blocks[i].span.end;
                for (dim, levels) in lines {
                    if rubric.levels.is_empty() {
                        rubric.levels = levels.iter().map(|l| l.0.clone()).collect();
                    }
                    let mut dim = dim;
                    dim.recorded = levels.iter().find(|l| l.1).map(|l| l.0.clone());
                    dim.levels = levels.into_iter().map(|l| l.0).collect();
                    rubric.dimensions.push(dim);
                }
            }
            if !rubric.dimensions.is_empty() {
                record.rubric = Some(rubric);
            }
        }
        layout.copy_to(self.text, self.text.len());
        record.layout = layout.parts;
        Parsed {
            record: Some(record),
            diagnostics: self.diags,
            body_start: self.body_start,
        }
    }

    /// End of the last block in `from..to` that is not a trailing `---` separator.
    fn content_end(&self, from: usize, to: usize) -> usize {
        let mut j = to;
        while j > from && matches!(self.blocks[j - 1].kind, Kind::Rule) {
            j -= 1;
        }
        if j > from {
            self.blocks[j - 1].span.end
        } else {
            self.blocks.get(from).map_or(0, |b| b.span.start)
        }
    }

    /// Warns about numbered headings that look like the next question but are not one, and
    /// errors on answer markers that come before any prompt.
    fn misplaced_questions(&mut self, starts: &[usize], eval: Option<usize>) {
        let limit = eval.unwrap_or(self.blocks.len());
        let mut expected: u64 = 1;
        let mut level = None;
        let mut next_start = 0;
        for i in 0..limit {
            if starts.get(next_start) == Some(&i) {
                next_start += 1;
                if let Some((l, t)) = self.heading_text(i) {
                    level = Some(l);
                    expected = numbered(t).and_then(|n| n.0.parse().ok()).unwrap_or(0) + 1;
                }
                continue;
            }
            let Some((l, t)) = self.heading_text(i) else {
                if self.marker_end(i, &self.cfg.answer_markers).is_some() && next_start == 0 {
                    let d = Diagnostic::new(
                        Code::QB002,
                        "answer marker outside any question",
                        self.loc(self.blocks[i].span.clone()),
                    )
                    .with_help(
                        "put the answer marker after a question heading and its interviewer prompt",
                    );
                    self.diags.push(d);
                }
                continue;
            };
            let Some((num, _)) = numbered(t) else {
                continue;
            };
            if !(2..=4).contains(&l) || level.is_some_and(|q| q != l) {
                continue;
            }
            let span = self.blocks[i].span.clone();
            let next = self.next_content(i);
            let interviewer = self
                .cfg
                .interviewer_markers
                .first()
                .cloned()
                .unwrap_or_default();
            if self.marker_end(next, &self.cfg.answer_markers).is_some() {
                self.diags.push(
                    Diagnostic::new(Code::QB002,
                        format!("question `{}` has its answer marker before the interviewer prompt", t.trim()),
                        self.loc(self.blocks[next].span.clone()),
                    )
                    .with_note(format!("the question heading is at {}", self.loc(span)))
                    .with_help(format!("start the question with `**{interviewer}**: <the question>` and put the answer marker after it")),
                );
                continue;
            }
            let stop = starts.get(next_start).copied().unwrap_or(limit);
            let has_answer_marker =
                (i + 1..stop).any(|j| self.marker_end(j, &self.cfg.answer_markers).is_some());
            let after_rule = i > 0 && matches!(self.blocks[i - 1].kind, Kind::Rule);
            if num.parse::<u64>().ok() == Some(expected) && (after_rule || has_answer_marker) {
                let whose = if next_start == 0 {
                    "the page before the first question".to_string()
                } else {
                    format!("the answer of question {}", expected - 1)
                };
                self.diags.push(
                    Diagnostic::new(Code::QB001,
                        format!(
                            "`{}` looks like question {expected} but has no interviewer marker, so it is kept as part of {whose}",
                            t.trim()
                        ),
                        self.loc(span),
                    )
                    .with_help(format!("start the question with `**{interviewer}**: <the question>` on the line after the heading")),
                );
            }
        }
    }

    fn info_item(&self, item: &Span) -> InfoItem {
        let (start, src) = item_content(self.text, item);
        let line = self.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        // The column of the content, tabs to the next multiple of 4, as CommonMark counts it.
        let indent = self.text[line..start].chars().fold(0, |col, c| {
            if c == '\t' {
                crate::text::tab_stop(col)
            } else {
                col + 1
            }
        });
        match bold_label(src) {
            Some((key, len)) => InfoItem {
                key: key.to_string(),
                value: start + len..item.end,
                indent,
            },
            None => InfoItem {
                key: String::new(),
                value: start..item.end,
                indent,
            },
        }
    }

    /// `**Dimension**: [ ] L1 [x] L2 …` → the dimension and its (level, checked) pairs.
    /// The summary of the evaluation template that starts at block `eval`: the first fence
    /// after a `summary-headings` heading, before the next heading.
    fn summary(&self, eval: usize) -> Option<String> {
        let at = (eval + 1..self.blocks.len()).find(|&i| {
            self.heading_text(i)
                .is_some_and(|(_, t)| matches_word(t, &self.cfg.summary_headings))
        })?;
        let text = self.blocks[at + 1..]
            .iter()
            .take_while(|b| !matches!(b.kind, Kind::Heading { .. }))
            .find_map(|b| match &b.kind {
                Kind::Code {
                    fenced: true, text, ..
                } => Some(text.get(self.text)),
                _ => None,
            })?
            .trim_end_matches('\n');
        let t = text.trim();
        let placeholder = self.cfg.is_placeholder(t)
            || (t.starts_with('[') && t.ends_with(']') && !t.contains('\n'));
        (!t.is_empty() && !placeholder).then(|| text.to_string())
    }

    fn rubric_line(&self, item: &Span) -> Option<(Dimension, Vec<(String, bool)>)> {
        let (start, src) = item_content(self.text, item);
        let (name, len) = bold_label(src)?;
        let mut rest = src[len..].trim_end();
        let mut levels = Vec::new();
        while !rest.is_empty() {
            let r = rest.trim_start();
            let mut chars = r.chars();
            if chars.next()? != '[' {
                return None;
            }
            let mark = chars.next()?;
            if chars.next()? != ']' {
                return None;
            }
            let checked = match mark {
                ' ' => false,
                'x' | 'X' | '✓' | '✔' => true,
                _ => return None,
            };
            let after = &r[1 + mark.len_utf8() + 1..];
            let label_end = after.find('[').unwrap_or(after.len());
            let label = after[..label_end].trim();
            if label.is_empty() {
                return None;
            }
            levels.push((label.to_string(), checked));
            rest = &after[label_end..];
        }
        if levels.is_empty() {
            return None;
        }
        Some((
            Dimension {
                name: name.to_string(),
                levels: Vec::new(),
                recorded: None,
                span: start..start + src.trim_end().len(),
            },
            levels,
        ))
    }

    fn question(&mut self, start: usize, end: usize) -> Question {
        let Kind::Heading {
            level,
            id,
            text,
            html,
            title_html,
            ..
        } = &self.blocks[start].kind
        else {
            unreachable!("question_at only accepts headings")
        };
        let (number, title_off) = numbered(text).unwrap_or(("", 0));
        let title = text[title_off..].trim().to_string();
        // The number sits at the start of the inline source; skip it for the title's markdown.
        let title_html = title_html.clone().unwrap_or_else(|| html.clone());
        let meta = match self.blocks.get(start + 1) {
            Some(Block {
                kind: Kind::Html,
                span,
            }) => crate::parse::meta::comment_yaml(&self.text[span.clone()], span.start).and_then(
                |yaml| {
                    let (meta, diags) =
                        crate::parse::meta::question(self.file, self.original, yaml);
                    self.diags.extend(diags);
                    meta
                },
            ),
            _ => None,
        };
        let marker = self.next_content(start);
        let prompt_start = self
            .marker_end(marker, &self.cfg.interviewer_markers)
            .unwrap_or(self.blocks[marker].span.end);
        // Interviewer notes close the question: the prompt and answer end where they start.
        let whole_end = end;
        let notes_at =
            (marker + 1..end).find(|&j| self.marker_end(j, &self.cfg.notes_markers).is_some());
        let end = notes_at.unwrap_or(end);
        let notes = notes_at.map(|j| self.notes(j, start, whole_end));
        let notes = notes.map(|(notes, diags)| {
            self.diags.extend(diags);
            notes
        });
        let answer_at =
            (marker + 1..end).find(|&j| self.marker_end(j, &self.cfg.answer_markers).is_some());
        let content_end = self.content_end(start, end);
        let prompt_end = answer_at.map_or(content_end, |j| self.blocks[j].span.start);
        let prompt_blocks = marker + 1..answer_at.unwrap_or(end);
        let prompt = self.body(prompt_blocks.clone(), prompt_start, prompt_end);
        let key_points = prompt_blocks
            .filter_map(|j| match &self.blocks[j].kind {
                Kind::List {
                    ordered: true,
                    items,
                } if self.blocks[j].span.end <= prompt_end => Some(
                    items
                        .iter()
                        .map(|item| item_text_span(self.text, item))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        let answer = match answer_at {
            None => Answer::Missing,
            Some(j) => {
                let answer_start = self
                    .marker_end(j, &self.cfg.answer_markers)
                    .unwrap_or(self.blocks[j].span.end);
                self.answer(j, answer_start, end, content_end)
            }
        };
        let base_id = id
            .clone()
            .or_else(|| meta.as_ref().and_then(|m| m.id.clone()))
            .unwrap_or_else(|| {
                let s = slugify(&title);
                if s.is_empty() {
                    format!("q{number}")
                } else {
                    s
                }
            });
        Question {
            number: number.to_string(),
            id: base_id.clone(),
            base_id,
            explicit_id: id.is_some() || meta.as_ref().is_some_and(|m| m.id.is_some()),
            meta,
            title,
            level: *level,
            heading: self.blocks[start].span.clone(),
            title_html,
            prompt,
            key_points,
            answer,
            notes,
        }
    }

    /// The notes block opened by the marker paragraph `at`, to the end of the question, and a
    /// warning for each item whose value cannot be read (it is then kept as written).
    fn notes(&self, at: usize, start: usize, end: usize) -> (Notes, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let span_end = self.content_end(start, end).max(self.blocks[at].span.end);
        let mut notes = Notes {
            span: self.blocks[at].span.start..span_end,
            ..Notes::default()
        };
        let rest = self
            .marker_end(at, &self.cfg.notes_markers)
            .map_or("", |e| self.text[e..self.blocks[at].span.end].trim());
        if !rest.is_empty() {
            notes.text.push_str(rest);
        }
        for b in &self.blocks[at + 1..end] {
            if b.span.start >= span_end {
                break;
            }
            match &b.kind {
                Kind::List { items, .. } => {
                    for item in items {
                        let (_, src) = item_content(self.text, item);
                        let (key, value) = match bold_label(src) {
                            Some((k, len)) => (k.trim().to_string(), src[len..].trim().to_string()),
                            None => (String::new(), src.trim().to_string()),
                        };
                        let ticks = matches_word(&key, &self.cfg.notes_key_points);
                        let time = matches_word(&key, &self.cfg.notes_time);
                        if ticks && let Some(t) = key_point_numbers(&value) {
                            notes.ticks.extend(t);
                        } else if time && let Some(t) = duration(&value) {
                            notes.time = Some(t);
                        } else if ticks || time {
                            let what = if ticks {
                                "key point numbers, such as `1, 3`"
                            } else {
                                "a time in minutes and seconds, such as `12:05`"
                            };
                            diags.push(
                                Diagnostic::new(
                                    Code::QB026,
                                    format!("interviewer notes: `{key}` should hold {what}"),
                                    self.loc(item.clone()),
                                )
                                .with_help(format!(
                                    "write {what} (the item is shown as written meanwhile)"
                                )),
                            );
                            notes.other.push((key, value));
                        } else if !key.is_empty() && !value.is_empty() && !value.contains('\n') {
                            notes.levels.push((key, value));
                        } else {
                            notes.other.push((key, value));
                        }
                    }
                }
                Kind::Code { text, .. } => {
                    if !notes.text.is_empty() {
                        notes.text.push('\n');
                    }
                    notes
                        .text
                        .push_str(text.get(self.text).trim_end_matches('\n'));
                }
                _ => {
                    if !notes.text.is_empty() {
                        notes.text.push('\n');
                    }
                    notes.text.push_str(self.text[b.span.clone()].trim());
                }
            }
        }
        (notes, diags)
    }

    fn answer(&self, marker: usize, start: usize, end: usize, content_end: usize) -> Answer {
        let mut placeholder = None;
        let mut empty_fence = false;
        let mut real = !self.text[start..self.blocks[marker].span.end]
            .trim()
            .is_empty();
        if real
            && self
                .cfg
                .is_placeholder(&self.text[start..self.blocks[marker].span.end])
        {
            placeholder = Some(
                self.text[start..self.blocks[marker].span.end]
                    .trim()
                    .to_string(),
            );
            real = false;
        }
        for j in marker + 1..end {
            let b = &self.blocks[j];
            if b.span.start >= content_end {
                break;
            }
            match &b.kind {
                Kind::Code { text, .. } if text.get(self.text).trim().is_empty() => {
                    empty_fence = true;
                }
                Kind::Code { text, .. } if self.cfg.is_placeholder(text.get(self.text)) => {
                    placeholder = Some(text.get(self.text).trim().to_string());
                }
                Kind::Paragraph if self.cfg.is_placeholder(&self.text[b.span.clone()]) => {
                    placeholder = Some(self.text[b.span.clone()].trim().to_string());
                }
                _ => real = true,
            }
        }
        if real {
            Answer::Answered(self.body(marker + 1..end, start, content_end.max(start)))
        } else if let Some(p) = placeholder {
            Answer::Unanswered(Unanswered::Placeholder(p))
        } else if empty_fence {
            Answer::Unanswered(Unanswered::EmptyFence)
        } else {
            Answer::Unanswered(Unanswered::Empty)
        }
    }

    /// Splits `start..end` into copied markdown, headings and prose blocks.
    fn body(&self, blocks: std::ops::Range<usize>, start: usize, end: usize) -> Body {
        let mut pieces = Vec::new();
        let mut cursor = start;
        let copy = |pieces: &mut Vec<Piece>, from: usize, to: usize| {
            if to > from && !self.text[from..to].trim().is_empty() {
                pieces.push(Piece::Markdown(from..to));
            }
        };
        for j in blocks {
            let b = &self.blocks[j];
            if b.span.start < cursor || b.span.end > end {
                continue;
            }
            let piece = match &b.kind {
                Kind::Heading {
                    level,
                    id,
                    text,
                    html,
                    ..
                } => Piece::Heading {
                    level: *level,
                    html: html.clone(),
                    id: id.clone(),
                    text: text.clone(),
                },
                Kind::Code {
                    fenced: true,
                    lang,
                    text,
                } if matches!(lang.as_str(), "" | "text" | "txt" | "plain" | "plaintext")
                    && is_prose(text.get(self.text)) =>
                {
                    Piece::Prose {
                        text: text.to_model(),
                    }
                }
                Kind::Paragraph if is_cjk_lines(&self.text[b.span.clone()]) => {
                    Piece::Lines(b.span.clone())
                }
                _ => continue,
            };
            copy(&mut pieces, cursor, b.span.start);
            pieces.push(piece);
            cursor = b.span.end;
        }
        copy(&mut pieces, cursor, end);
        // A bank keeps every record's model while mdBook renders: no spare capacity.
        pieces.shrink_to_fit();
        Body { pieces }
    }
}

/// The anchors a card owns: its id, and the title and answer anchors derived from it.
pub(crate) fn card_anchors(id: &str) -> [String; 3] {
    [
        id.to_string(),
        format!("{id}-title"),
        format!("{id}-answer"),
    ]
}

/// Makes ids unique within the record's page, as mdBook does for headings: explicit ids stay
/// as written (lint reports two that collide), and a derived id that is taken gets `-2`,
/// `-3`, … The base id is kept: it is what makes questions of two records the same question.
fn assign_ids(questions: &mut [Question]) {
    let mut taken = std::collections::HashSet::new();
    for q in questions.iter().filter(|q| q.explicit_id) {
        taken.extend(card_anchors(&q.id));
    }
    // The next suffix to try per base id, so a title asked a thousand times stays linear.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for q in questions.iter_mut().filter(|q| !q.explicit_id) {
        let n = next.entry(q.base_id.clone()).or_insert(1);
        let mut id = if *n == 1 {
            q.base_id.clone()
        } else {
            format!("{}-{n}", q.base_id)
        };
        while card_anchors(&id).iter().any(|a| taken.contains(a)) {
            *n += 1;
            id = format!("{}-{n}", q.base_id);
        }
        *n += 1;
        taken.extend(card_anchors(&id));
        q.id = id;
    }
}

/// The 1-based numbers of `1, 3` (commas ASCII or full width, or spaces); `None` unless every
/// part is a number.
fn key_point_numbers(value: &str) -> Option<Vec<usize>> {
    value
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.parse::<usize>().ok().filter(|&n| n > 0))
        .collect()
}

/// Seconds of `M:SS` or `H:MM:SS` (the form interview mode writes is `M:SS`, minutes
/// unbounded).
fn duration(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.trim().split(':').collect();
    let num = |s: &str| {
        (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let sixty = |s: &str| num(s).filter(|&n| n < 60 && s.len() == 2);
    match parts.as_slice() {
        [m, s] => Some(num(m)? * 60 + sixty(s)?),
        [h, m, s] => Some(num(h)? * 3600 + sixty(m)? * 60 + sixty(s)?),
        _ => None,
    }
}
