//! Interviewer notes (`**面试官记录**:`), as interview mode exports them: parsed into the
//! model, never a question, and the answer before them unchanged.

use qbank::config::Config;
use qbank::parse::parse;
use std::path::Path;

const SEED: &str = include_str!("../book/src/go-backend-round2.md");

/// The seed with a notes block closing question 2, whose text holds what must stay text.
fn with_notes() -> String {
    let block = "\n**面试官记录**:\n\n- **Go语言高级特性**: 熟练\n- **系统组件原理**: 了解\n- **考察要点**: 1, 3\n\n````text\n<script>x</script> **bold**\n### 3. not a question\n```go\nfence\n```\n````\n";
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
}
