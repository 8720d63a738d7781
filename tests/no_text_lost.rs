//! Property: for generated records, every non-whitespace character of the source's text is in
//! the rendered page (markers and placeholders excepted: they are structure, not content).

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd, html};
use proptest::prelude::*;
use qbank::config::Config;
use qbank::parse::parse;
use qbank::render::Renderer;
use std::collections::HashMap;
use std::path::Path;

const WORDS: &[&str] = &[
    "调度",
    "goroutine",
    "锁",
    "Redis",
    "索引",
    "MVCC",
    "channel",
    "并发",
    "原理",
    "Kafka",
    "42",
    "热key",
    "令牌桶",
    "epoll",
    "latency",
    "p99",
    "事务",
    "（括号）",
    "“引号”",
    "éclair",
];

fn words(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), min..max).prop_map(|w| w.join(" "))
}

#[derive(Debug, Clone)]
enum AnswerKind {
    Prose(Vec<String>),
    Code(String),
    Paragraphs(Vec<String>),
    NestedHeading(String, String),
    RuleInside(String, String),
    Placeholder,
    EmptyFence,
    Empty,
    Missing,
}

fn answer() -> impl Strategy<Value = AnswerKind> {
    prop_oneof![
        prop::collection::vec(words(12, 30), 1..4).prop_map(AnswerKind::Prose),
        words(2, 8).prop_map(|w| AnswerKind::Code(format!("let x = a < b && c > d; // {w} *ptr"))),
        prop::collection::vec(words(2, 10), 1..3).prop_map(AnswerKind::Paragraphs),
        (words(1, 3), words(2, 8)).prop_map(|(h, p)| AnswerKind::NestedHeading(h, p)),
        (words(2, 6), words(2, 6)).prop_map(|(a, b)| AnswerKind::RuleInside(a, b)),
        Just(AnswerKind::Placeholder),
        Just(AnswerKind::EmptyFence),
        Just(AnswerKind::Empty),
        Just(AnswerKind::Missing),
    ]
}

fn record() -> impl Strategy<Value = String> {
    (
        words(1, 4),
        prop::collection::vec(
            (
                words(1, 4),
                words(3, 12),
                prop::collection::vec(words(1, 4), 0..3),
                answer(),
            ),
            1..6,
        ),
        prop::collection::vec(words(1, 2), 0..3),
        words(0, 5),
        any::<bool>(),
    )
        .prop_map(|(title, questions, dims, trailer, fullwidth)| {
            let colon = if fullwidth { "：" } else { ":" };
            let mut md = format!("# {title}\n\n## 面试信息\n- **轮次**{colon} {title}\n\n---\n\n");
            for (i, (qt, prompt, points, ans)) in questions.iter().enumerate() {
                md += &format!("### {}. {qt}\n\n**面试官**{colon} {prompt}\n", i + 1);
                for (k, p) in points.iter().enumerate() {
                    md += &format!("{}. {p}\n", k + 1);
                }
                md += "\n";
                let marker = format!("**候选人回答区域**{colon}\n");
                md += &match ans {
                    AnswerKind::Prose(lines) => format!("{marker}```\n{}\n```\n", lines.join("\n")),
                    AnswerKind::Code(c) => format!("{marker}```rust\n{c}\n```\n"),
                    AnswerKind::Paragraphs(ps) => format!("{marker}\n{}\n", ps.join("\n\n")),
                    AnswerKind::NestedHeading(h, p) => format!("{marker}\n### 1. {h}\n\n{p}\n"),
                    AnswerKind::RuleInside(a, b) => format!("{marker}\n{a}\n\n---\n\n{b}\n"),
                    AnswerKind::Placeholder => format!("{marker}```\n[请在此处回答]\n```\n"),
                    AnswerKind::EmptyFence => format!("{marker}```\n\n```\n"),
                    AnswerKind::Empty => marker,
                    AnswerKind::Missing => String::new(),
                };
                md += "\n---\n\n";
            }
            if !dims.is_empty() {
                md += "## 面试评价模板\n\n";
                for d in &dims {
                    md += &format!("- **{d}**: [ ] 精通 [x] 熟练 [ ] 了解 [ ] 欠缺\n");
                }
                md += "\n";
            }
            md += &trailer;
            md += "\n";
            md
        })
}

/// Non-whitespace characters of the text a reader sees, with counts.
fn chars(s: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// The source's text, without markers, label colons and placeholders.
fn source_text(md: &str, cfg: &Config) -> String {
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut out = String::new();
    let mut strong = false;
    let mut after_marker = false;
    for ev in mdbook_markdown::new_cmark_parser(md, &opts) {
        match ev {
            Event::Start(Tag::Strong) => strong = true,
            // `**Key**:` is label syntax (info items, rubric lines): its colon is structure.
            Event::End(TagEnd::Strong) => {
                strong = false;
                after_marker = true;
            }
            Event::Text(t) | Event::Code(t) => {
                let t = t.to_string();
                let is_marker = strong
                    && (cfg.interviewer_markers.contains(&t) || cfg.answer_markers.contains(&t));
                if is_marker {
                    continue;
                }
                let t = if after_marker {
                    t.trim_start_matches([':', '：']).to_string()
                } else {
                    t
                };
                after_marker = false;
                if !cfg.is_placeholder(&t) {
                    out += &t;
                }
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    // Rubric check boxes are shown as ☐/☑, not as brackets.
    out.replace("[ ]", "").replace("[x]", "")
}

fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#10;", "\n")
        .replace("&amp;", "&")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_text_is_lost(md in record()) {
        let cfg = Config::default();
        let parsed = parse(Path::new("gen.md"), &md, &cfg);
        prop_assert!(parsed.diagnostics.iter().all(|d| !d.is_error()), "{:?}", parsed.diagnostics);
        let record = parsed.record.expect("a record");
        let chapter = Renderer::new().record(&record, &md, &cfg, "", &Default::default()).unwrap();
        let opts = mdbook_markdown::MarkdownOptions::default();
        let mut page = String::new();
        html::push_html(&mut page, mdbook_markdown::new_cmark_parser(&chapter, &opts));
        let seen = chars(&visible_text(&page));
        for (c, n) in chars(&source_text(&md, &cfg)) {
            let got = seen.get(&c).copied().unwrap_or(0);
            prop_assert!(got >= n, "{c:?}: {n} in the source, {got} on the page\n--- source\n{md}\n--- page\n{page}");
        }
    }
}

/// Markdown-ish noise made of the pieces records are built from, in any order.
fn noise() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "### 1. 标题\n",
        "## 2、Title\n",
        "#### 3) t {#x}\n",
        "**面试官**: 问\n",
        "**面试官：**\n",
        "**候选人回答区域**:\n",
        "**Answer**:",
        "```\n",
        "```go\n",
        "~~~\n",
        "---\n",
        "\n",
        "[请在此处回答]\n",
        "- **维度**: [ ] 精通 [x] 熟练\n",
        "- **维度**: [ ] 精通\n",
        "## 面试评价模板\n",
        "## 面试信息\n",
        "- **k**: v\n",
        "1. 要点\n",
        "text 文本\n",
        "<details>\n",
        "</div>\n",
        "> quote\n",
        "| a | b |\n|---|---|\n",
        "    indented\n",
        "[^1]: note\n",
        "{#",
        "**",
        "：",
        "\u{3000}",
        "\r\n",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Whatever the input, parsing and rendering return (with diagnostics), never panic.
    #[test]
    fn never_panics(md in noise()) {
        let cfg = Config::default();
        let parsed = parse(Path::new("noise.md"), &md, &cfg);
        for d in &parsed.diagnostics {
            let _ = d.render(false);
        }
        if let Some(record) = parsed.record {
            Renderer::new().record(&record, &md, &cfg, "", &Default::default()).unwrap();
        }
    }
}
