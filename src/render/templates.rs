//! The handlebars templates, embedded from `theme/templates/`, and the registry that renders
//! them: strict mode, qbank's escaping, and the `prose` helper.

use super::escape::{escape, push_escaped_with};
use handlebars::{Handlebars, handlebars_helper};

/// `(name, source)` of templates embedded from `theme/templates/NAME.hbs`.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../theme/templates/", $name, ".hbs")))),*]
    };
}

/// The embedded templates, by name.
pub const TEMPLATES: &[(&str, &str)] = templates![
    "card",
    "answer",
    "no-answer",
    "key-points",
    "key-point",
    "rubric",
    "rubric-aside",
    "rubric-levels",
    "rubric-table",
    "info",
    "overview",
    "overview-item",
    "heading",
    "prose",
    "lines",
    "question-meta",
    "follow-ups",
    "index-item",
    "index-stars",
    "filter",
    "page-index",
    "page-coverage",
    "page-frequent",
    "frequent-group",
    "also-asked",
    "page-progress",
    "page-drill",
    "notes",
    "print-index",
    "print-head",
];

handlebars_helper!(prose: |text: str| {
    // One line of HTML: a blank line would end the HTML block and turn the rest into markdown.
    prose_escape(text)
});

pub(super) fn prose_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped_with(&mut out, text.trim_end(), true);
    out
}
/// Renders template `name` with `data`, which it takes as it is. (`Handlebars::render` would
/// serialize a `Value` into a copy of itself first: with the labels in every context, that copy
/// was a quarter of the time of rendering a small record.)
pub(crate) fn render(
    hbs: &Handlebars<'static>,
    name: &str,
    data: serde_json::Value,
) -> anyhow::Result<String> {
    hbs.render_with_context(name, &handlebars::Context::from(data))
        .map_err(|e| anyhow::anyhow!("rendering template {name}: {e}"))
}

/// `data` (an object) with the labels under `labels`, as the templates read them.
pub(crate) fn labeled(
    labels: &'static crate::i18n::Labels,
    mut data: serde_json::Value,
) -> serde_json::Value {
    if let Some(map) = data.as_object_mut() {
        map.insert("labels".into(), labels.value());
    }
    data
}

/// A registry of every embedded template.
pub(super) fn registry() -> Handlebars<'static> {
    let mut hbs = Handlebars::new();
    hbs.set_strict_mode(true);
    // Templates are not indented partials; skip the per-line indentation pass.
    hbs.set_prevent_indent(true);
    hbs.register_escape_fn(escape);
    hbs.register_helper("prose", Box::new(prose));
    for (name, src) in TEMPLATES {
        hbs.register_template_string(name, *src)
            .unwrap_or_else(|e| panic!("embedded template {name} is invalid: {e}"));
    }
    hbs
}
