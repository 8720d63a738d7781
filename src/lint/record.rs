//! Rules a parsed record must satisfy beyond its shape: an answer area for every question,
//! one level scale across the rubric, and question metadata that agrees with the rubric. Takes a [`Record`] and the text it was
//! parsed from; gives diagnostics.

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Lines, Location};
use crate::model::{Answer, Question, Record};
use crate::parse::card_anchors;
use std::collections::HashMap;
use std::path::Path;

/// Every finding of the record rules for `record`, parsed from `text` (the file `file`).
pub(crate) fn check(file: &Path, text: &str, record: &Record, cfg: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    ids(file, text, record, &mut out);
    answer_markers(file, text, record, cfg, &mut out);
    scale(file, text, record, &mut out);
    meta_against_rubric(file, text, record, cfg, &mut out);
    out
}

/// Ids are unique within the record's page: explicit ids that collide are an error (QB003),
/// derived ids the parser renumbered are worth a warning (QB018), and an alias may be neither
/// an id nor another alias of the page (QB021).
fn ids(file: &Path, text: &str, record: &Record, out: &mut Vec<Diagnostic>) {
    let lines = Lines::new(text);
    let at = |q: &Question| lines.locate(file, q.heading.clone());
    let mut owner: HashMap<String, &Question> = HashMap::new();
    for q in record.questions.iter().filter(|q| q.explicit_id) {
        let mut first = None;
        for anchor in card_anchors(&q.id) {
            if let Some(p) = owner.get(&anchor) {
                first = Some(*p);
                break;
            }
        }
        if let Some(p) = first {
            out.push(
                Diagnostic::new(
                    Code::QB003,
                    format!(
                        "question id `{}` (set with `{{#…}}`) is already used in this record",
                        q.id
                    ),
                    at(q),
                )
                .with_note(format!("first used at {}", at(p)))
                .with_help(format!(
                    "give one of the questions its own id: `### {}. {} {{#a-unique-id}}`",
                    q.number, q.title
                )),
            );
            continue;
        }
        for anchor in card_anchors(&q.id) {
            owner.insert(anchor, q);
        }
    }
    for (i, q) in record.questions.iter().enumerate() {
        if q.explicit_id || q.id == q.base_id {
            continue;
        }
        let first = record.questions[..i].iter().find(|p| {
            card_anchors(&p.id)
                .iter()
                .any(|a| card_anchors(&q.base_id).contains(a))
        });
        let mut d = Diagnostic::new(
            Code::QB018,
            format!(
                "question {} derives the id `{}`, which an earlier question of this record has, so it is `{}`",
                q.number, q.base_id, q.id
            ),
            at(q),
        )
        .with_help(format!(
            "to give it an id of its own: `### {}. {} {{#another-id}}`",
            q.number, q.title
        ));
        if let Some(p) = first {
            d = d.with_note(format!("`{}` is question {} at {}", p.id, p.number, at(p)));
        }
        out.push(d);
    }
    let mut aliased: HashMap<&str, &Question> = HashMap::new();
    for q in &record.questions {
        let Some(meta) = &q.meta else { continue };
        for alias in &meta.aliases {
            let clash = record
                .questions
                .iter()
                .find(|p| p.id == *alias)
                .map(|p| format!("question {} has the id `{alias}`", p.number))
                .or_else(|| {
                    aliased
                        .get(alias.as_str())
                        .filter(|p| !std::ptr::eq(**p, q))
                        .map(|p| format!("question {} has the alias `{alias}` too", p.number))
                });
            if let Some(clash) = clash {
                let span = crate::parse::meta::key_span(text, &meta.span, "aliases");
                out.push(
                    Diagnostic::new(
                        Code::QB021,
                        format!(
                            "alias `{alias}` of question {} is taken on this page: {clash}",
                            q.number
                        ),
                        Location::from_span(file, text, span),
                    )
                    .with_help("remove the alias: a link to it already lands on a question"),
                );
            }
            aliased.insert(alias, q);
        }
    }
}

/// Every question has an answer area, even an empty one (QB004).
fn answer_markers(
    file: &Path,
    text: &str,
    record: &Record,
    cfg: &Config,
    out: &mut Vec<Diagnostic>,
) {
    let lines = Lines::new(text);
    for q in &record.questions {
        if q.answer != Answer::Missing {
            continue;
        }
        let marker = crate::text::pick(&cfg.answer_markers, &q.title);
        out.push(
            Diagnostic::new(
                Code::QB004,
                format!(
                    "question {} has no answer marker, so it is shown as unanswered",
                    q.number
                ),
                lines.locate(file, q.heading.clone()),
            )
            .with_help(format!(
                "add `**{marker}**:` after the prompt, followed by the model answer"
            )),
        );
    }
}

/// Every rubric line offers the levels of the first, in the same order (QB006).
fn scale(file: &Path, text: &str, record: &Record, out: &mut Vec<Diagnostic>) {
    let Some(rubric) = &record.rubric else { return };
    let Some(first) = rubric.dimensions.first() else {
        return;
    };
    for dim in &rubric.dimensions[1..] {
        if dim.levels == rubric.levels {
            continue;
        }
        let first_line = Location::from_span(file, text, first.span.clone()).line;
        out.push(
            Diagnostic::new(
                Code::QB006,
                format!(
                    "rubric line for `{}` has levels [{}], but the rubric's scale is [{}]",
                    dim.name,
                    dim.levels.join(", "),
                    rubric.levels.join(", ")
                ),
                Location::from_span(file, text, dim.span.clone()),
            )
            .with_note(format!(
                "the scale is set by the first rubric line, on line {first_line}"
            ))
            .with_help("give every dimension the same levels, in the same order"),
        );
    }
}

/// Levels in a question's `rubric:` must be on the record's scale (QB014); `dimensions:`
/// should name the record's rubric dimensions (QB016).
fn meta_against_rubric(
    file: &Path,
    text: &str,
    record: &Record,
    cfg: &Config,
    out: &mut Vec<Diagnostic>,
) {
    let scale: Vec<&str> = match &record.rubric {
        Some(r) => r.levels.iter().map(String::as_str).collect(),
        None => cfg.levels.iter().map(String::as_str).collect(),
    };
    for q in &record.questions {
        let Some(meta) = &q.meta else { continue };
        for (level, _, span) in &meta.rubric {
            if !scale.contains(&level.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::QB014,
                        format!(
                            "level `{level}` is not on the record's scale [{}]",
                            scale.join(", ")
                        ),
                        Location::from_span(file, text, span.clone()),
                    )
                    .with_help(
                        "use one of the levels of the evaluation template (or of `levels` in \
                         book.toml)",
                    ),
                );
            }
        }
        let Some(r) = &record.rubric else { continue };
        for d in &meta.dimensions {
            if r.dimensions.iter().any(|x| &x.name == d) {
                continue;
            }
            let span = crate::parse::meta::key_span(text, &meta.span, "dimensions");
            out.push(
                Diagnostic::new(
                    Code::QB016,
                    format!("dimension `{d}` is not in the record's rubric"),
                    Location::from_span(file, text, span),
                )
                .with_help(format!(
                    "the rubric's dimensions are: {}",
                    r.dimensions
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}
