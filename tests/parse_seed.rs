//! The canonical seed record, parsed: the traps it holds are the ones real records have.

use qbank::config::Config;
use qbank::model::{Answer, Part, Unanswered};
use qbank::parse::parse;
use std::path::Path;

const SEED: &str = include_str!("../book/src/go-backend-round2.md");

#[test]
fn seed_has_ten_questions_three_answered() {
    let p = parse(Path::new("seed.md"), SEED, &Config::default());
    let r = p.record.expect("the seed is a record");
    let got: Vec<(&str, &str)> = r
        .questions
        .iter()
        .map(|q| (q.number.as_str(), q.title.as_str()))
        .collect();
    assert_eq!(got.len(), 10, "{got:?}");
    assert_eq!(got[0], ("1", "Go语言调度器原理"));
    assert_eq!(got[2], ("3", "Context包的使用和原理"));
    assert_eq!(got[9], ("10", "Go性能分析和调优"));
    let answered: Vec<bool> = r.questions.iter().map(|q| q.answer.is_answered()).collect();
    assert_eq!(
        answered,
        [
            true, true, true, false, false, false, false, false, false, false
        ]
    );
    assert_eq!(
        r.questions[3].answer,
        Answer::Unanswered(Unanswered::EmptyFence)
    );
    for q in &r.questions[4..] {
        assert_eq!(
            q.answer,
            Answer::Unanswered(Unanswered::Placeholder("[请在此处回答]".into())),
            "question {}",
            q.number
        );
    }
    assert_eq!(r.answered(), 3);
    // No diagnostics at all on the seed: Q3's `### 4. WithValue` is not a lost question.
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
}

#[test]
fn headings_and_rules_inside_an_answer_stay_in_it() {
    let r = parse(Path::new("seed.md"), SEED, &Config::default())
        .record
        .unwrap();
    let Answer::Answered(body) = &r.questions[2].answer else {
        panic!("Q3 is answered")
    };
    let text: String = body
        .pieces
        .iter()
        .map(|p| match p {
            qbank::model::Piece::Markdown(s) | qbank::model::Piece::Lines(s) => {
                SEED[s.clone()].to_string()
            }
            qbank::model::Piece::Heading { html, .. } => html.clone(),
            qbank::model::Piece::Prose { text } => text.get(SEED).to_string(),
            _ => String::new(),
        })
        .collect();
    for needle in [
        "场景代码实现",
        "<code>Context</code> 接口",
        "WithValue",
        "---",
        "成为了 Go 中进行请求作用域管理",
    ] {
        assert!(text.contains(needle), "Q3's answer lacks {needle}");
    }
    let headings = body
        .pieces
        .iter()
        .filter(|p| matches!(p, qbank::model::Piece::Heading { .. }))
        .count();
    assert_eq!(headings, 8, "Q3's answer has eight headings of its own");
}

#[test]
fn rubric_is_five_dimensions_by_four_levels() {
    let r = parse(Path::new("seed.md"), SEED, &Config::default())
        .record
        .unwrap();
    let rubric = r.rubric.expect("the template is a rubric");
    assert_eq!(rubric.levels, ["精通", "熟练", "了解", "欠缺"]);
    let dims: Vec<&str> = rubric.dimensions.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        dims,
        [
            "Go语言高级特性",
            "系统组件原理",
            "分布式系统设计",
            "性能调优能力",
            "问题分析能力"
        ]
    );
}

#[test]
fn info_key_points_and_layout() {
    let r = parse(Path::new("seed.md"), SEED, &Config::default())
        .record
        .unwrap();
    assert_eq!(
        r.title.as_deref(),
        Some("Go 后台开发工程师面试记录 - 第二轮")
    );
    let info = r.info.expect("info section");
    let keys: Vec<&str> = info.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["面试轮次", "主要考察方向", "面试时间"]);
    assert_eq!(SEED[info.items[2].value.clone()].trim(), "预计90分钟");
    assert_eq!(r.questions[0].key_points.len(), 0);
    assert_eq!(r.questions[1].key_points.len(), 4);
    assert_eq!(r.questions[9].key_points.len(), 4);
    // The text after the template stays on the page.
    let last = r.layout.last().unwrap();
    let Part::Markdown(s) = last else {
        panic!("{last:?}")
    };
    assert!(SEED[s.clone()].contains("请您开始回答第一个问题"));
    assert!(r.layout.contains(&Part::Overview));
}

#[test]
fn q1_prose_fence_is_prose_and_q3_diagram_is_not() {
    let r = parse(Path::new("seed.md"), SEED, &Config::default())
        .record
        .unwrap();
    let prose = |i: usize| match &r.questions[i].answer {
        Answer::Answered(b) => b
            .pieces
            .iter()
            .filter(|p| matches!(p, qbank::model::Piece::Prose { .. }))
            .count(),
        _ => 0,
    };
    assert_eq!(prose(0), 1);
    assert_eq!(prose(2), 0, "the context tree diagram keeps its columns");
}
