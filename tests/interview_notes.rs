//! Interviewer notes (`**面试官记录**:`), as interview mode exports them: parsed into the
//! model, never a question, and the answer before them unchanged.

use qbank::config::Config;
use qbank::parse::parse;
use std::path::Path;

const SEED: &str = include_str!("../book/src/go-backend-round2.md");

/// The seed with a notes block closing question 2, whose text holds what must stay text.
fn with_notes() -> String {
    let block = "\n**面试官记录**:\n\n- **Go语言高级特性**: 熟练\n- **系统组件原理**: 了解\n- **考察要点**: 1, 3\n- **用时**: 12:05\n\n````text\n<script>x</script> **bold**\n### 3. not a question\n```go\nfence\n```\n````\n";
    let at = SEED
        .find("\n---\n\n### 3.")
        .expect("question 3 follows a rule");
    format!("{}\n{}{}", &SEED[..at], block, &SEED[at..])
}

#[test]
fn notes_parse_into_the_model() {
    let text = with_notes();
    let p = parse(Path::new("seed.md"), &text, &Config::default());
    assert!(
        p.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        p.diagnostics
    );
    let r = p.record.expect("a record");
    assert_eq!(r.questions.len(), 10, "the note's `### 3.` is no question");
    let n = r.questions[1].notes.as_ref().expect("question 2 has notes");
    assert_eq!(
        n.levels,
        [
            ("Go语言高级特性".to_string(), "熟练".to_string()),
            ("系统组件原理".to_string(), "了解".to_string())
        ]
    );
    assert_eq!(n.ticks, [1, 3]);
    assert_eq!(n.time, Some(12 * 60 + 5));
    assert!(n.other.is_empty(), "{:?}", n.other);
    assert_eq!(
        n.text,
        "<script>x</script> **bold**\n### 3. not a question\n```go\nfence\n```"
    );
    assert!(
        r.questions
            .iter()
            .enumerate()
            .all(|(i, q)| (i == 1) == q.notes.is_some())
    );
    // The answer is the same as without the notes.
    let plain = parse(Path::new("seed.md"), SEED, &Config::default())
        .record
        .expect("a record");
    assert_eq!(r.questions[1].answer, plain.questions[1].answer);
}

#[test]
fn notes_render_as_text() {
    let text = with_notes();
    let cfg = Config::default();
    let record = parse(Path::new("seed.md"), &text, &cfg)
        .record
        .expect("a record");
    let html = qbank::render::Renderer::new()
        .record(&record, &text, &cfg, "", &Default::default())
        .expect("renders");
    assert!(
        html.contains("&lt;script&gt;x&lt;/script&gt; **bold**&#10;### 3. not a question"),
        "{html}"
    );
    assert!(!html.contains("<script>x"));
    assert!(
        html.contains("data-qb-recorded-time=\"725\">Time: 12:05</p>"),
        "{html}"
    );
}

/// The seed with question 2's notes holding `items`.
fn notes_with(items: &str) -> String {
    let at = SEED
        .find("\n---\n\n### 3.")
        .expect("question 3 follows a rule");
    format!(
        "{}\n\n**面试官记录**:\n\n{items}\n{}",
        &SEED[..at],
        &SEED[at..]
    )
}

#[test]
fn times_and_key_points_in_their_forms() {
    for (value, seconds) in [
        ("0:00", 0),
        ("9:59", 599),
        ("95:03", 5703),
        ("1:02:05", 3725),
    ] {
        let text = notes_with(&format!("- **用时**: {value}\n- **Key points**: 2，4"));
        let p = parse(Path::new("seed.md"), &text, &Config::default());
        assert!(p.diagnostics.is_empty(), "{value}: {:?}", p.diagnostics);
        let n = p.record.unwrap().questions[1].notes.clone().unwrap();
        assert_eq!((n.time, n.ticks), (Some(seconds), vec![2, 4]), "{value}");
    }
}

#[test]
fn unreadable_time_or_key_points_warn_at_their_place_and_stay_as_written() {
    for (item, what) in [
        ("- **用时**: 12 分钟", "a time"),
        ("- **用时**: 1:75", "a time"),
        ("- **Time**: ", "a time"),
        ("- **考察要点**: 1, three", "key point numbers"),
        ("- **考察要点**: 0", "key point numbers"),
    ] {
        let text = notes_with(item);
        let p = parse(Path::new("seed.md"), &text, &Config::default());
        let line = text[..text.find(item).unwrap()].lines().count() + 1;
        assert_eq!(p.diagnostics.len(), 1, "{item}: {:?}", p.diagnostics);
        let d = &p.diagnostics[0];
        let shown = d.render(false);
        assert!(
            shown.contains("QB026") && shown.contains(what),
            "{item}: {shown}"
        );
        assert!(
            shown.contains(&format!("seed.md:{line}:1")),
            "{item}: {shown}"
        );
        assert!(!d.is_error());
        let n = p.record.unwrap().questions[1].notes.clone().unwrap();
        assert_eq!(
            (n.time, n.ticks.len(), n.other.len()),
            (None, 0, 1),
            "{item}"
        );
    }
}

/// The template's summary block, as export fills it, is parsed back; the seed's placeholder is
/// no summary. The page keeps it for interview mode on the rubric table.
#[test]
fn the_summary_parses_back_and_a_placeholder_is_none() {
    let cfg = Config::default();
    let seed = parse(Path::new("seed.md"), SEED, &cfg).record.unwrap();
    assert_eq!(seed.rubric.unwrap().summary, None);
    let summary = "扎实，<i>值得</i>下一轮\n### 3. 不是题";
    let text = SEED.replace(
        "```\n[面试官将在此记录候选人的整体表现、技术深度、知识广度等]\n```",
        &format!("```\n{summary}\n```"),
    );
    let p = parse(Path::new("seed.md"), &text, &cfg);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let record = p.record.unwrap();
    assert_eq!(record.questions.len(), 10);
    assert_eq!(
        record.rubric.as_ref().unwrap().summary.as_deref(),
        Some(summary)
    );
    let html = qbank::render::Renderer::new()
        .record(&record, &text, &cfg, "", &Default::default())
        .unwrap();
    assert!(
        html.contains(
            "data-qb-recorded-summary=\"扎实，&lt;i&gt;值得&lt;/i&gt;下一轮&#10;### 3. 不是题\""
        ),
        "{html}"
    );
}
