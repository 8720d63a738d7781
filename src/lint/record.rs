//! Rules a parsed record must satisfy beyond its shape: an answer area for every question,
//! one level scale across the rubric, and question metadata that agrees with the rubric. Takes a [`Record`] and the text it was
//! parsed from; gives diagnostics.

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Location};
use crate::model::{Answer, Record};
use std::path::Path;

/// Every finding of the record rules for `record`, parsed from `text` (the file `file`).
pub(crate) fn check(file: &Path, text: &str, record: &Record, cfg: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    answer_markers(file, text, record, cfg, &mut out);
    scale(file, text, record, &mut out);
    meta_against_rubric(file, text, record, cfg, &mut out);
    out
}

/// Every question has an answer area, even an empty one (QB004).
fn answer_markers(
    file: &Path,
    text: &str,
    record: &Record,
    cfg: &Config,
    out: &mut Vec<Diagnostic>,
) {
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
                Location::from_span(file, text, q.heading.clone()),
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
