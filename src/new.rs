//! `qbank new`: record skeletons in the template's shape, and the next question of a record.

use crate::config::Config;
use crate::model::Part;
use crate::parse::parse;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The words a skeleton uses, in the book's language.
struct Words {
    info: &'static str,
    keys: [&'static str; 3],
    first_question: &'static str,
    evaluation: &'static str,
    depth: &'static str,
    dimension: &'static str,
    summary: &'static str,
    summary_placeholder: &'static str,
    interviewer: String,
    answer: String,
    placeholder: String,
}

fn words(cfg: &Config) -> Words {
    let zh = cfg
        .language
        .as_deref()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("zh"));
    let pick = |list: &[String], fallback: &str| {
        list.iter()
            .find(|w| w.is_ascii() != zh)
            .or(list.first())
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    };
    let interviewer = pick(&cfg.interviewer_markers, "Interviewer");
    let answer = pick(&cfg.answer_markers, "Answer");
    let placeholder = pick(&cfg.placeholders, "[Please answer here]");
    if zh {
        Words {
            info: "面试信息",
            keys: ["面试轮次", "主要考察方向", "面试时间"],
            first_question: "第一个问题",
            evaluation: "面试评价模板",
            depth: "技术深度评估",
            dimension: "维度一",
            summary: "面试总结",
            summary_placeholder: "[面试官将在此记录候选人的整体表现]",
            interviewer,
            answer,
            placeholder,
        }
    } else {
        Words {
            info: "Interview information",
            keys: ["Round", "Focus", "Duration"],
            first_question: "First question",
            evaluation: "Evaluation template",
            depth: "Technical depth",
            dimension: "Dimension one",
            summary: "Summary",
            summary_placeholder: "[The interviewer writes a summary here]",
            interviewer,
            answer,
            placeholder,
        }
    }
}

fn question_block(w: &Words, level: usize, number: u64, title: &str) -> String {
    format!(
        "{} {number}. {title}\n\n**{}**: \n\n**{}**:\n```\n{}\n```\n",
        "#".repeat(level),
        w.interviewer,
        w.answer,
        w.placeholder
    )
}

/// A new record with one question and an evaluation template.
pub fn record_skeleton(title: &str, cfg: &Config) -> String {
    let w = words(cfg);
    let mut md = format!("# {title}\n\n## {}\n", w.info);
    for k in w.keys {
        let _ = writeln!(md, "- **{k}**: ");
    }
    md += "\n---\n\n";
    md += &question_block(&w, 3, 1, w.first_question);
    let _ = write!(
        md,
        "\n---\n\n## {}\n\n### {}\n- **{}**: {}\n\n### {}\n```\n{}\n```\n",
        w.evaluation,
        w.depth,
        w.dimension,
        cfg.levels
            .iter()
            .map(|l| format!("[ ] {l}"))
            .collect::<Vec<_>>()
            .join(" "),
        w.summary,
        w.summary_placeholder
    );
    md
}

/// `text` with the next numbered question appended after the last one (before the
/// evaluation template), using the record's own heading level and markers.
pub fn append_question(file: &Path, text: &str, title: &str, cfg: &Config) -> Result<String> {
    let parsed = parse(file, text, cfg);
    let Some(record) = parsed.record else {
        bail!(
            "{} is not an interview record (it has no question): `qbank new question` needs one",
            file.display()
        );
    };
    let last = record.questions.last().context("a record has questions")?;
    let number = last.number.parse::<u64>().unwrap_or(0) + 1;
    let mut w = words(cfg);
    // Use the markers this record already uses.
    if let Some(label) = marker_label(text, &cfg.interviewer_markers) {
        w.interviewer = label;
    }
    if let Some(label) = marker_label(text, &cfg.answer_markers) {
        w.answer = label;
    }
    let block = question_block(&w, last.level as usize, number, title);
    // Insert where the last card's source ends: before the separator and template after it.
    let card_end = record
        .layout
        .iter()
        .skip_while(|p| !matches!(p, Part::Question(_)))
        .skip_while(|p| matches!(p, Part::Question(_)))
        .find_map(|p| match p {
            Part::Markdown(s) | Part::Rubric(s) => Some(s.start),
            _ => None,
        });
    let at = match card_end {
        // Back up over the `---` separators that end the last question.
        Some(pos) => {
            let before = text[..pos].trim_end();
            let mut cut = before.len();
            while let Some(stripped) = text[..cut].trim_end().strip_suffix("---") {
                cut = stripped.trim_end().len();
            }
            cut
        }
        None => text.trim_end().len(),
    };
    let (head, tail) = text.split_at(at);
    let sep = if tail.trim().is_empty() {
        ""
    } else {
        "\n\n---\n\n"
    };
    let rest = tail.trim_start_matches(['\n', '\r']);
    let rest = rest
        .strip_prefix("---")
        .map_or(rest, |r| r.trim_start_matches(['\n', '\r']));
    Ok(format!(
        "{}\n\n---\n\n{}{}{}",
        head.trim_end(),
        block.trim_end(),
        if sep.is_empty() { "\n" } else { sep },
        rest
    ))
}

fn marker_label(text: &str, words: &[String]) -> Option<String> {
    text.lines().find_map(|l| {
        let (label, _) = crate::parse::bold_label(l)?;
        words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(label))
            .then(|| label.to_string())
    })
}

/// The book root of `path`: the nearest directory above it with a book.toml.
pub fn book_root_of(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    abs.ancestors()
        .skip(1)
        .find(|d| d.join("book.toml").is_file())
        .map(Path::to_path_buf)
        .with_context(|| format!("no book.toml above {}", path.display()))
}

/// Where [`new_record`] wrote, and whether it listed the record in SUMMARY.md.
#[derive(Debug)]
#[non_exhaustive]
pub struct NewRecord {
    /// The record file.
    pub path: PathBuf,
    /// The SUMMARY.md it was listed in; `None` for a book without one, whose navigation
    /// comes from the folders and so needs no listing.
    pub summary: Option<PathBuf>,
}

/// Writes a new record at `path` and lists it at the end of SUMMARY.md (when the book has
/// one: without it, navigation comes from the folder tree).
pub fn new_record(path: &Path, title: &str) -> Result<NewRecord> {
    if path.exists() {
        bail!("{} already exists; pick another path", path.display());
    }
    let root = book_root_of(path)?;
    let mdcfg = mdbook_driver::config::Config::from_disk(root.join("book.toml"))?;
    let cfg = Config::from_book(&mdcfg)?;
    let src = root.join(&mdcfg.book.src);
    let abs = std::path::absolute(path)?;
    let rel = abs.strip_prefix(&src).with_context(|| {
        format!(
            "{} is not inside the book's source folder {}",
            path.display(),
            src.display()
        )
    })?;
    if let Some(dir) = abs.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&abs, record_skeleton(title, &cfg))?;
    let summary = src.join("SUMMARY.md");
    if !summary.exists() {
        return Ok(NewRecord {
            path: abs,
            summary: None,
        });
    }
    let mut text = std::fs::read_to_string(&summary)
        .with_context(|| format!("reading {}", summary.display()))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let link = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let _ = writeln!(text, "- [{title}]({})", link.replace(' ', "%20"));
    std::fs::write(&summary, text)?;
    Ok(NewRecord {
        path: abs,
        summary: Some(summary),
    })
}

/// Appends the next question to the record at `path`.
pub fn new_question(path: &Path, title: &str) -> Result<u64> {
    let root = book_root_of(path)?;
    let mdcfg = mdbook_driver::config::Config::from_disk(root.join("book.toml"))?;
    let cfg = Config::from_book(&mdcfg)?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let new = append_question(path, &text, title, &cfg)?;
    std::fs::write(path, &new)?;
    let count = parse(path, &new, &cfg)
        .record
        .map_or(0, |r| r.questions.len());
    Ok(count as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh() -> Config {
        Config {
            language: Some("zh".into()),
            ..Config::default()
        }
    }

    #[test]
    fn skeleton_is_a_record_with_one_unanswered_question() {
        for cfg in [zh(), Config::default()] {
            let md = record_skeleton("新记录", &cfg);
            let p = parse(Path::new("n.md"), &md, &cfg);
            let r = p.record.expect("a record");
            assert_eq!(r.questions.len(), 1);
            assert!(!r.questions[0].answer.is_answered());
            assert_eq!(r.rubric.unwrap().levels, cfg.levels);
            assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        }
    }

    #[test]
    fn next_question_goes_before_the_template() {
        let seed = include_str!("../book/src/go-backend-round2.md");
        let out = append_question(Path::new("s.md"), seed, "服务发现", &zh()).unwrap();
        let r = parse(Path::new("s.md"), &out, &zh()).record.unwrap();
        assert_eq!(r.questions.len(), 11);
        assert_eq!(r.questions[10].number, "11");
        assert_eq!(r.questions[10].title, "服务发现");
        assert_eq!(
            r.rubric.unwrap().dimensions.len(),
            5,
            "the template is intact"
        );
        let q11 = out.find("### 11. 服务发现").unwrap();
        assert!(q11 < out.find("## 面试评价模板").unwrap());
        assert!(
            out.contains("请您开始回答第一个问题"),
            "text after the template is kept"
        );
        // Every question before it is unchanged.
        let before = parse(Path::new("s.md"), seed, &zh()).record.unwrap();
        for (a, b) in before.questions.iter().zip(&r.questions) {
            assert_eq!(
                (&a.id, a.answer.is_answered()),
                (&b.id, b.answer.is_answered())
            );
        }
    }
}
