//! The theme folder `qbank build` hands mdBook: the book's own theme files, with `index.hbs`
//! (the book's, or mdBook's default) rewritten where mdBook's rendering would cost too much.
//!
//! handlebars expands a partial (`{{> head}}`, `{{> header}}`) by cloning the whole page
//! context first, and mdBook's context holds the page's HTML and the list of every chapter: two
//! partials on each of N pages clone N² chapter entries. At 1,000 records that was a tenth of a
//! build's CPU time, growing with the square of the bank. Inlining the two partials into
//! `index.hbs` renders the same bytes (the test below checks it against handlebars itself).

use anyhow::{Context, Result};
use std::path::Path;

/// The files of mdBook's default theme that qbank needs: `index.hbs`, `css/print.css`, and
/// the default `head.hbs` and `header.hbs` (comments), written by mdBook itself into `dir`.
pub(crate) struct DefaultTheme {
    pub index: String,
    pub print_css: Vec<u8>,
}

/// mdBook's default theme, written into `dir` by mdBook's own `copy_theme`.
pub(crate) fn default_theme(dir: &Path) -> Result<DefaultTheme> {
    std::fs::create_dir_all(dir.join("theme"))?;
    mdbook_html::theme::Theme::copy_theme(&mdbook_driver::config::HtmlConfig::default(), dir)
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .context("writing mdBook's default theme")?;
    let theme = dir.join("theme");
    Ok(DefaultTheme {
        index: std::fs::read_to_string(theme.join("index.hbs"))?,
        print_css: std::fs::read(theme.join("css/print.css"))?,
    })
}

/// Whether `line` holds nothing but one handlebars comment (`{{!-- … --}}`, `{{! … }}`).
fn comment_only(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("{{!--") && t.ends_with("--}}") && t[5..t.len() - 4].find("--}}").is_none())
        || (t.starts_with("{{!")
            && !t.starts_with("{{!--")
            && t.ends_with("}}")
            && t[3..].find("}}") == Some(t.len() - 5))
}

/// `index` with every line that is only `{{> NAME}}` (for the `partials` given as (name,
/// template)) replaced by the partial's template, indented as handlebars indents a standalone
/// partial, lines that hold only a comment left out as handlebars leaves them out. Other
/// partial calls are left alone. The page is the same bytes (the test below checks it against
/// handlebars), except that a value of several lines inside a partial, rare in a page head, is
/// not indented line by line.
pub(crate) fn inline_partials(index: &str, partials: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(index.len() + 1024);
    for line in index.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = &body[..body.len() - body.trim_start().len()];
        let call = body.trim();
        let partial = call
            .strip_prefix("{{>")
            .and_then(|c| c.strip_suffix("}}"))
            .map(str::trim)
            .and_then(|name| partials.iter().find(|(n, _)| *n == name));
        match partial {
            Some((_, template)) => {
                for l in template.split_inclusive('\n').filter(|l| !comment_only(l)) {
                    out.push_str(indent);
                    out.push_str(l);
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Renders `index` with `partials` registered, as mdBook does (default handlebars options).
    fn render(index: &str, partials: &[(&str, &str)]) -> String {
        use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext};
        fn stub(
            h: &Helper<'_>,
            _: &Handlebars<'_>,
            _: &Context,
            _: &mut RenderContext<'_, '_>,
            out: &mut dyn Output,
        ) -> HelperResult {
            out.write(&format!("[{}]", h.name()))?;
            Ok(())
        }
        let mut hbs = Handlebars::new();
        for helper in ["resource", "fa", "toc"] {
            hbs.register_helper(helper, Box::new(stub));
        }
        hbs.register_template_string("index", index).unwrap();
        for (name, t) in partials {
            hbs.register_partial(name, *t).unwrap();
        }
        hbs.render("index", &json!({"path_to_root": "../", "x": "a value"}))
            .unwrap()
    }

    #[test]
    fn inlined_partials_render_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let index = default_theme(dir.path()).unwrap().index;
        let ours = "{{!-- the book's --}}\n<meta name=\"x\">\n\n<link rel=\"stylesheet\" href=\"{{ path_to_root }}qbank/a.css\">\n<script defer src=\"{{ path_to_root }}qbank/b.js\"></script>\n<!--slot-->\n";
        for (head, header) in [
            (
                "{{!-- Put your head HTML text here --}}",
                "{{!-- Put your header HTML text here --}}\n",
            ),
            (ours, "<div class=\"banner\">{{x}}</div>"),
            ("", ""),
            ("one line, no newline", "two\nlines\n"),
            (
                "{{!-- team head --}}\n<meta name=\"a\">\n{{! short }}\n{{#if path_to_root}}\n<base x>\n{{/if}}\n",
                "<header>\n  <b>{{x}}</b>\n</header>\n",
            ),
        ] {
            let partials = [("head", head), ("header", header)];
            let inlined = inline_partials(&index, &partials);
            assert!(!inlined.contains("{{> head}}") && !inlined.contains("{{> header}}"));
            assert_eq!(
                render(&inlined, &[]),
                render(&index, &partials),
                "head {head:?}, header {header:?}"
            );
        }
    }
}
