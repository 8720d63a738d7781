//! Generated pages: questions by tag, by rubric dimension, and answer coverage (the
//! maintainers' to-do list). Each can be switched off with `[preprocessor.qbank] pages`.
//! Every list item carries its tags, difficulty and state, so the reader filters in the
//! browser, without a server or a rebuild.

use crate::check::Bank;
use crate::config::Config;
use crate::i18n::Labels;
use crate::model::Question;
use crate::parse::slugify;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

pub const TAGS_MD: &str = "qbank-tags.md";
pub const TAGS_HTML: &str = "qbank-tags.html";
pub const DIMENSIONS_MD: &str = "qbank-dimensions.md";
pub const COVERAGE_MD: &str = "qbank-coverage.md";

/// The anchor of a tag's section on the tags page.
pub fn tag_anchor(tag: &str) -> String {
    let s = slugify(tag);
    if s.is_empty() {
        format!("tag-{:x}", crate::assets::fnv(tag) as u32)
    } else {
        format!("tag-{s}")
    }
}

/// One generated chapter: (title, path under src, markdown).
pub type Page = (String, &'static str, String);

#[derive(Serialize, Clone)]
struct Item {
    tags: String,
    difficulty: String,
    difficulty_label: String,
    stars: String,
    status: &'static str,
    status_label: &'static str,
    href: String,
    record: String,
    number: String,
    title: String,
}

#[derive(Serialize)]
struct Section {
    name: String,
    anchor: String,
    /// On the tags page: the section's tag, so filtering by a tag shows its section only.
    tag: Option<String>,
    items: Vec<Item>,
}

fn record_title(r: &crate::check::RecordChapter) -> String {
    r.record.title.clone().unwrap_or_else(|| {
        r.source_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

fn item(r: &crate::check::RecordChapter, q: &Question, labels: &Labels) -> Item {
    let meta = q.meta.clone().unwrap_or_default();
    let d = meta.difficulty.unwrap_or(0) as usize;
    Item {
        tags: meta.tags.join(" "),
        difficulty: meta.difficulty.map_or(String::new(), |d| d.to_string()),
        difficulty_label: format!("{} {d}/5", labels.difficulty),
        stars: format!("{}{}", "★".repeat(d), "☆".repeat(5 - d.min(5))),
        status: if q.answer.is_answered() {
            "answered"
        } else {
            "unanswered"
        },
        status_label: if q.answer.is_answered() {
            labels.answered
        } else {
            labels.unanswered
        },
        href: format!("{}#{}", url_path(&r.html_path), q.id),
        record: record_title(r),
        number: q.number.clone(),
        title: q.title.clone(),
    }
}

fn url_path(p: &std::path::Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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

/// The pages `cfg` asks for, in the order tags, dimensions, coverage.
pub fn generate(
    hbs: &handlebars::Handlebars<'static>,
    bank: &Bank,
    cfg: &Config,
) -> anyhow::Result<Vec<Page>> {
    let labels = cfg.labels();
    let mut all_tags: Vec<String> = Vec::new();
    let mut by_tag: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    let mut by_dim: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for r in &bank.records {
        for q in &r.record.questions {
            let it = item(r, q, labels);
            let tags = q.meta.as_ref().map(|m| m.tags.clone()).unwrap_or_default();
            for t in tags {
                if !all_tags.contains(&t) {
                    all_tags.push(t.clone());
                }
                by_tag.entry(t).or_default().push(it.clone());
            }
            for d in dimensions_of(q) {
                by_dim.entry(d.to_string()).or_default().push(it.clone());
            }
        }
    }
    all_tags.sort();
    let render = |name: &str, data: serde_json::Value| {
        hbs.render(name, &data)
            .map_err(|e| anyhow::anyhow!("rendering template {name}: {e}"))
    };
    let sections =
        |m: BTreeMap<String, Vec<Item>>, anchor: &dyn Fn(&str) -> String, tagged: bool| {
            m.into_iter()
                .map(|(name, items)| Section {
                    anchor: anchor(&name),
                    tag: tagged.then(|| name.clone()),
                    name,
                    items,
                })
                .collect::<Vec<_>>()
        };
    let mut pages = Vec::new();
    if cfg.page("tags") {
        let secs = sections(by_tag, &tag_anchor, true);
        let md = render(
            "page-index",
            json!({"title": labels.tags_page, "sections": secs, "labels": labels,
                   "all_tags": all_tags, "default_status": ""}),
        )?;
        pages.push((labels.tags_page.to_string(), TAGS_MD, md));
    }
    if cfg.page("dimensions") {
        let secs = sections(by_dim, &|d| format!("dim-{}", slugify(d)), false);
        let md = render(
            "page-index",
            json!({"title": labels.dimensions_page, "sections": secs, "labels": labels,
                   "all_tags": all_tags, "default_status": ""}),
        )?;
        pages.push((labels.dimensions_page.to_string(), DIMENSIONS_MD, md));
    }
    if cfg.page("coverage") {
        let percent = |a: usize, t: usize| (a * 100 + t / 2).checked_div(t).unwrap_or(0);
        let (mut answered, mut total) = (0, 0);
        let mut records = Vec::new();
        let mut secs = Vec::new();
        for r in &bank.records {
            let (a, t) = (r.record.answered(), r.record.questions.len());
            answered += a;
            total += t;
            let title = record_title(r);
            records.push(json!({
                "title": title, "href": url_path(&r.html_path),
                "answered": a, "total": t, "percent": percent(a, t),
            }));
            secs.push(Section {
                name: format!("{title} — {a}/{t}"),
                anchor: format!("coverage-{}", slugify(&title)),
                tag: None,
                items: r
                    .record
                    .questions
                    .iter()
                    .map(|q| item(r, q, labels))
                    .collect(),
            });
        }
        let md = render(
            "page-coverage",
            json!({"title": labels.coverage_page, "labels": labels, "records": records,
                   "answered": answered, "total": total, "percent": percent(answered, total),
                   "sections": secs, "all_tags": all_tags, "default_status": "unanswered"}),
        )?;
        pages.push((labels.coverage_page.to_string(), COVERAGE_MD, md));
    }
    Ok(pages)
}
