//! Generated pages: questions by tag, by rubric dimension, and answer coverage (the
//! maintainers' to-do list). Each can be switched off with `[preprocessor.qbank] pages`.
//! Every list item carries its tags, difficulty and state, so the reader filters in the
//! browser, without a server or a rebuild.

use crate::config::Config;
use crate::i18n::Labels;
use crate::lint::Bank;
use crate::model::Question;
use crate::render::Stamps;
use crate::text::{slugify, url_path};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The generated tags page, as a chapter.
pub const TAGS_MD: &str = "qbank-tags.md";
/// The generated tags page, as written.
pub const TAGS_HTML: &str = "qbank-tags.html";
/// The generated dimensions page, as a chapter.
pub const DIMENSIONS_MD: &str = "qbank-dimensions.md";
/// The generated coverage page, as a chapter.
pub const COVERAGE_MD: &str = "qbank-coverage.md";
/// The generated frequently-asked page, as a chapter.
pub const FREQUENT_MD: &str = "qbank-frequent.md";
/// The generated frequently-asked page, as written.
pub const FREQUENT_HTML: &str = "qbank-frequent.html";

pub use super::study::{DRILL_HTML, DRILL_MD, PROGRESS_HTML, PROGRESS_MD};

/// The anchor of a group on the frequently-asked page. Prefixed, so that no question id can
/// collide with the ids of mdBook's own page (`content`, `sidebar`…).
pub fn group_anchor(id: &str) -> String {
    format!("freq-{id}")
}

/// The anchor of a tag's section on the tags page.
pub fn tag_anchor(tag: &str) -> String {
    let s = slugify(tag);
    if s.is_empty() {
        format!("tag-{:x}", crate::text::fnv(tag) as u32)
    } else {
        format!("tag-{s}")
    }
}

/// One generated chapter: (title, path under src, markdown).
pub type Page = (String, &'static str, String);

#[derive(Serialize)]
struct Section {
    name: String,
    anchor: String,
    /// On the tags page: the section's tag, so filtering by a tag shows its section only.
    tag: Option<String>,
    /// The section's list items (`index-item.hbs`).
    items_html: String,
}

pub(super) fn record_title(r: &crate::lint::RecordChapter) -> String {
    r.record.title.clone().unwrap_or_else(|| {
        r.source_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

/// The list item of `q` (of record `r`, titled `record`), as HTML.
fn item(
    stamps: &Stamps,
    r: &crate::lint::RecordChapter,
    record: &str,
    q: &Question,
    labels: &Labels,
    interviewer: bool,
) -> String {
    let meta = q.meta.as_ref();
    let tags = meta
        .map(|m| crate::text::tag_list(m.tags.iter().map(String::as_str)))
        .unwrap_or_default();
    let difficulty = meta.and_then(|m| m.difficulty);
    let (stars, label);
    let rated = match difficulty {
        Some(d) => {
            stars = crate::text::stars(d);
            label = format!("{} {d}/5", labels.difficulty);
            Some([label.as_str(), stars.as_str()])
        }
        None => None,
    };
    let (status, mut status_label) = if q.answer.is_answered() {
        ("answered", labels.answered)
    } else {
        ("unanswered", labels.unanswered)
    };
    // The practice edition has no answers: no badge (an empty one is not shown).
    if !interviewer {
        status_label = "";
    }
    let href = format!("{}#{}", url_path(&r.html_path), q.id);
    let d = difficulty.map_or(String::new(), |d| d.to_string());
    let mut out = String::with_capacity(256);
    stamps.index_item(
        &mut out,
        [
            &tags,
            &d,
            status,
            status_label,
            &href,
            record,
            &q.number,
            &q.title,
        ],
        rated,
    );
    out
}

/// The dimensions a question says it tests (`dimensions:`). Questions that don't say are
/// scored on all of their record's dimensions, which would list every question under every
/// dimension: they are left out of the page instead.
fn dimensions_of(q: &Question) -> Vec<&str> {
    q.meta
        .iter()
        .flat_map(|m| m.dimensions.iter().map(String::as_str))
        .collect()
}

/// The frequently-asked page: every group, most records first, each with its occurrences.
fn frequent(
    hbs: &handlebars::Handlebars<'static>,
    bank: &Bank,
    cfg: &Config,
    all_tags: &[String],
) -> anyhow::Result<String> {
    let labels = cfg.labels();
    let interviewer = cfg.interviewer_material();
    let render = |name: &str, data: serde_json::Value| super::templates::render(hbs, name, data);
    let mut groups_html = String::new();
    for g in &bank.groups {
        let mut tags: Vec<&str> = Vec::new();
        let mut difficulty = None;
        let mut occurrences = Vec::new();
        for &(ri, qi) in &g.members {
            let r = &bank.records[ri];
            let q = &r.record.questions[qi];
            if let Some(m) = &q.meta {
                for t in &m.tags {
                    if !tags.contains(&t.as_str()) {
                        tags.push(t);
                    }
                }
                difficulty = difficulty.or(m.difficulty);
            }
            let answered = q.answer.is_answered();
            occurrences.push(json!({
                "href": format!("{}#{}", url_path(&r.html_path), q.id),
                "record": record_title(r),
                "number": q.number,
                "title": q.title,
                "status": if answered { "answered" } else { "unanswered" },
                "status_label": match (interviewer, answered) {
                    (false, _) => "",
                    (true, true) => labels.answered,
                    (true, false) => labels.unanswered,
                },
            }));
        }
        let best = g.best.filter(|_| interviewer).map(|(ri, qi)| {
            let r = &bank.records[ri];
            format!(
                "{}#{}-answer",
                url_path(&r.html_path),
                r.record.questions[qi].id
            )
        });
        groups_html.push_str(&render(
            "frequent-group",
            super::templates::labeled(
                labels,
                json!({
                "id": g.id,
                "anchor": group_anchor(&g.id),
                "count": g.records,
                "count_label": labels.asked_in(g.records),
                "title": g.title,
                "tags": crate::text::tag_list(tags.iter().copied()),
                "difficulty": difficulty.map(|d| d.to_string()).unwrap_or_default(),
                "status": if g.best.is_some() { "answered" } else { "unanswered" },
                "best": best,
                "occurrences": occurrences
                }),
            ),
        )?);
    }
    render(
        "page-frequent",
        super::templates::labeled(
            labels,
            json!({"title": labels.frequent_page, "groups_html": groups_html,
               "all_tags": all_tags, "default_status": "", "practice": !interviewer}),
        ),
    )
}

/// The titles and chapter paths of the pages [`generate`] makes for `cfg`, in its order,
/// without making them.
pub(crate) fn list(cfg: &Config) -> Vec<(String, &'static str)> {
    let labels = cfg.labels();
    let mut out = Vec::new();
    let mut add = |wanted: bool, title: &str, path: &'static str| {
        if wanted {
            out.push((title.to_string(), path));
        }
    };
    add(cfg.page("frequent"), labels.frequent_page, FREQUENT_MD);
    add(cfg.page("tags"), labels.tags_page, TAGS_MD);
    add(
        cfg.page("dimensions"),
        labels.dimensions_page,
        DIMENSIONS_MD,
    );
    add(
        cfg.page("coverage") && cfg.interviewer_material(),
        labels.coverage_page,
        COVERAGE_MD,
    );
    let study = super::study::wanted(cfg);
    add(
        study && cfg.page("progress"),
        labels.progress_page,
        PROGRESS_MD,
    );
    add(study && cfg.page("drill"), labels.drill_page, DRILL_MD);
    out
}

/// The pages `cfg` asks for, in the order frequent, tags, dimensions, coverage.
pub(crate) fn generate(
    hbs: &handlebars::Handlebars<'static>,
    stamps: &Stamps,
    bank: &Bank,
    cfg: &Config,
) -> anyhow::Result<Vec<Page>> {
    let labels = cfg.labels();
    let mut all_tags: Vec<String> = Vec::new();
    let mut by_tag: BTreeMap<String, String> = BTreeMap::new();
    let mut by_dim: BTreeMap<String, String> = BTreeMap::new();
    // Each question's item, rendered once: (record title, items in question order).
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    for r in &bank.records {
        let title = record_title(r);
        let mut record_items = Vec::with_capacity(r.record.questions.len());
        for q in &r.record.questions {
            let it = item(stamps, r, &title, q, labels, cfg.interviewer_material());
            for t in q.meta.iter().flat_map(|m| m.tags.iter()) {
                if !all_tags.contains(t) {
                    all_tags.push(t.clone());
                }
                by_tag.entry(t.clone()).or_default().push_str(&it);
            }
            for d in dimensions_of(q) {
                by_dim.entry(d.to_string()).or_default().push_str(&it);
            }
            record_items.push(it);
        }
        items.push((title, record_items));
    }
    all_tags.sort();
    let render = |name: &str, data: serde_json::Value| super::templates::render(hbs, name, data);
    let sections = |m: BTreeMap<String, String>, anchor: &dyn Fn(&str) -> String, tagged: bool| {
        m.into_iter()
            .map(|(name, items_html)| Section {
                anchor: anchor(&name),
                tag: tagged.then(|| name.clone()),
                name,
                items_html,
            })
            .collect::<Vec<_>>()
    };
    let mut pages = Vec::new();
    if cfg.page("frequent") {
        let md = frequent(hbs, bank, cfg, &all_tags)?;
        pages.push((labels.frequent_page.to_string(), FREQUENT_MD, md));
    }
    if cfg.page("tags") {
        let secs = sections(by_tag, &tag_anchor, true);
        let md = render(
            "page-index",
            super::templates::labeled(
                labels,
                json!({"title": labels.tags_page, "sections": secs, "all_tags": all_tags, "default_status": "",
                   "practice": !cfg.interviewer_material()}),
            ),
        )?;
        pages.push((labels.tags_page.to_string(), TAGS_MD, md));
    }
    if cfg.page("dimensions") {
        let secs = sections(by_dim, &|d| format!("dim-{}", slugify(d)), false);
        let md = render(
            "page-index",
            super::templates::labeled(
                labels,
                json!({"title": labels.dimensions_page, "sections": secs, "all_tags": all_tags, "default_status": "",
                   "practice": !cfg.interviewer_material()}),
            ),
        )?;
        pages.push((labels.dimensions_page.to_string(), DIMENSIONS_MD, md));
    }
    // Coverage is the maintainers' to-do list of answers: not part of the practice edition.
    if cfg.page("coverage") && cfg.interviewer_material() {
        let percent = |a: usize, t: usize| (a * 100 + t / 2).checked_div(t).unwrap_or(0);
        let (mut answered, mut total) = (0, 0);
        let mut records = Vec::new();
        let mut secs = Vec::new();
        for (r, (title, record_items)) in bank.records.iter().zip(items) {
            let (a, t) = (r.record.answered(), r.record.questions.len());
            answered += a;
            total += t;
            records.push(json!({
                "title": title, "href": url_path(&r.html_path),
                "answered": a, "total": t, "percent": percent(a, t),
            }));
            secs.push(Section {
                name: format!("{title} — {a}/{t}"),
                anchor: format!("coverage-{}", slugify(&title)),
                tag: None,
                items_html: record_items.concat(),
            });
        }
        let md = render(
            "page-coverage",
            super::templates::labeled(
                labels,
                json!({"title": labels.coverage_page, "records": records,
                   "answered": answered, "total": total, "percent": percent(answered, total),
                   "sections": secs, "all_tags": all_tags, "default_status": "unanswered",
                   "practice": false}),
            ),
        )?;
        pages.push((labels.coverage_page.to_string(), COVERAGE_MD, md));
    }
    if super::study::wanted(cfg) {
        let [(src, _), (titles, _)] = super::study::data(bank, cfg);
        if cfg.page("progress") {
            let md = super::study::progress(hbs, cfg, &src, &titles)?;
            pages.push((labels.progress_page.to_string(), PROGRESS_MD, md));
        }
        if cfg.page("drill") {
            let md = super::study::drill(hbs, bank, cfg, &src, &all_tags)?;
            pages.push((labels.drill_page.to_string(), DRILL_MD, md));
        }
    }
    debug_assert_eq!(
        pages
            .iter()
            .map(|(t, p, _)| (t.clone(), *p))
            .collect::<Vec<_>>(),
        list(cfg),
        "pages::list says what generate makes"
    );
    Ok(pages)
}
