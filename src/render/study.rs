//! Study mode's generated pages and their data: "my progress" and the drill (刷题).
//!
//! Both pages are skeletons that `theme/qbank-study.js` fills in. The list of every question
//! they need (page, id, number, title, record, tags, difficulty, answer state) is not in the
//! pages: it is one script file of its own, [`data`], written under `qbank/study/` with a
//! content hash in its name, which the pages load when they need it. A script rather than
//! JSON, so that it loads from `file://` too (where Chromium refuses `fetch`).

use crate::config::Config;
use crate::lint::Bank;
use crate::text::url_path;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The generated "my progress" page, as a chapter.
pub const PROGRESS_MD: &str = "qbank-progress.md";
/// The generated "my progress" page, as written.
pub const PROGRESS_HTML: &str = "qbank-progress.html";
/// The generated drill page, as a chapter.
pub const DRILL_MD: &str = "qbank-drill.md";
/// The generated drill page, as written.
pub const DRILL_HTML: &str = "qbank-drill.html";
/// The folder of the question list inside the site.
pub const DIR: &str = "qbank/study";

/// Whether the book has a page that needs the question list.
pub fn wanted(cfg: &Config) -> bool {
    cfg.page("progress") || cfg.page("drill")
}

/// How many questions one drill card file holds (`site::cards` writes them; the drill finds
/// a question's file from its place in its record and this number, which the question list
/// carries as `cards`).
pub const CARDS_PER_FILE: usize = 16;

/// The question list as two scripts: (path under the site root, content) of the list and of
/// the titles (`qbank/study/questions-1a2b3c4d.js`, `qbank/study/titles-…js`).
///
/// Compact, because the drill loads the list whole before its first question. It is
/// `window.qbankQuestions = {v, ids, tags, records, cards}`: `ids` and `tags` list each distinct id
/// and tag once (a question asked in many records has one id), and each record is
/// `[page, title, id indexes, numbers, answered, difficulty, tags]`, column by column:
/// `numbers` is 0 when the questions are numbered 1, 2, 3… (else their numbers), `answered` a
/// string of `1` and `0` (all `0` in the practice edition, which has no answers), `difficulty`
/// a string of digits (0 when unrated), and `tags` 0 when no question has one (else each
/// question's tag indexes). The titles, which only the progress page needs, are apart:
/// `window.qbankTitles = [[titles of the first record's questions], …]`. `cards` is
/// [`CARDS_PER_FILE`].
pub fn data(bank: &Bank, cfg: &Config) -> [(String, String); 2] {
    let answers = cfg.interviewer_material();
    let mut ids: Vec<&str> = Vec::new();
    let mut id_ix: HashMap<&str, usize> = HashMap::new();
    let mut tags: Vec<&str> = Vec::new();
    let mut tag_ix: HashMap<&str, usize> = HashMap::new();
    let mut records = Vec::with_capacity(bank.records.len());
    let mut titles = Vec::with_capacity(bank.records.len());
    for r in &bank.records {
        let qs = &r.record.questions;
        let mut id_col = Vec::with_capacity(qs.len());
        let mut answered = String::with_capacity(qs.len());
        let mut difficulty = String::with_capacity(qs.len());
        let mut tag_col: Vec<Vec<usize>> = Vec::with_capacity(qs.len());
        for q in qs {
            let next = ids.len();
            let i = *id_ix.entry(q.id.as_str()).or_insert(next);
            if i == next {
                ids.push(&q.id);
            }
            id_col.push(i);
            answered.push(if answers && q.answer.is_answered() {
                '1'
            } else {
                '0'
            });
            let d = q
                .meta
                .as_ref()
                .and_then(|m| m.difficulty)
                .unwrap_or(0)
                .min(9);
            difficulty.push(char::from(b'0' + d));
            let mut these = Vec::new();
            for t in q.meta.iter().flat_map(|m| m.tags.iter()) {
                let next = tags.len();
                let i = *tag_ix.entry(t.as_str()).or_insert(next);
                if i == next {
                    tags.push(t);
                }
                these.push(i);
            }
            tag_col.push(these);
        }
        let plain = qs
            .iter()
            .enumerate()
            .all(|(i, q)| q.number == (i + 1).to_string());
        let numbers = if plain {
            json!(0)
        } else {
            json!(qs.iter().map(|q| q.number.as_str()).collect::<Vec<_>>())
        };
        let tag_value = if tag_col.iter().all(Vec::is_empty) {
            json!(0)
        } else {
            json!(tag_col)
        };
        records.push(json!([
            url_path(&r.html_path),
            super::pages::record_title(r),
            id_col,
            numbers,
            answered,
            difficulty,
            tag_value
        ]));
        titles.push(qs.iter().map(|q| q.title.as_str()).collect::<Vec<_>>());
    }
    // `cards`: how many questions one drill card file holds (see `site::cards`).
    let data = json!({"v": 1, "ids": ids, "tags": tags, "records": Value::from(records),
        "cards": CARDS_PER_FILE});
    let named = |stem: &str, js: String| {
        let name = format!("{DIR}/{stem}-{:08x}.js", crate::text::fnv(&js) as u32);
        (name, js)
    };
    [
        named("questions", format!("window.qbankQuestions = {data};\n")),
        named(
            "titles",
            format!("window.qbankTitles = {};\n", json!(titles)),
        ),
    ]
}

/// The "my progress" page: a skeleton that `qbank-study.js` fills from the reader's marks,
/// the question list at `src` and the titles at `titles`.
pub(super) fn progress(
    hbs: &handlebars::Handlebars<'static>,
    cfg: &Config,
    src: &str,
    titles: &str,
) -> anyhow::Result<String> {
    let labels = cfg.labels();
    super::templates::render(
        hbs,
        "page-progress",
        super::templates::labeled(
            labels,
            json!({"title": labels.progress_page, "src": src,
                "titles": titles}),
        ),
    )
}

/// The drill page: the pool's settings (records, tags, difficulty, answer state, marks) and
/// the order, rendered here; the questions themselves come from the list at `src` and each
/// question's own page.
pub(super) fn drill(
    hbs: &handlebars::Handlebars<'static>,
    bank: &Bank,
    cfg: &Config,
    src: &str,
    all_tags: &[String],
) -> anyhow::Result<String> {
    let labels = cfg.labels();
    let records: Vec<Value> = bank
        .records
        .iter()
        .map(|r| json!({"page": url_path(&r.html_path), "title": super::pages::record_title(r)}))
        .collect();
    super::templates::render(
        hbs,
        "page-drill",
        super::templates::labeled(
            labels,
            json!({"title": labels.drill_page, "src": src,
                "records": records, "all_tags": all_tags,
                "practice": !cfg.interviewer_material()}),
        ),
    )
}
