//! Inline markdown (a title, a key point, a follow-up) to HTML without the `<p>` around it.

use crate::config::RawHtml;

/// Renders inline markdown (a title, a list item's first paragraph) to HTML without the `<p>`,
/// its raw HTML cleaned unless `raw` trusts it (see `sanitize`).
pub(crate) fn inline_html(src: &str, raw: RawHtml) -> String {
    let html = markdown_html(src);
    match super::sanitize::inline(&html, raw) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

fn markdown_html(src: &str) -> String {
    let first = src.split("\n\n").next().unwrap_or("").trim();
    // Most titles and key points are plain text: skip the markdown parser for them.
    let special = |b: u8| {
        matches!(
            b,
            b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'&'
                | b'!'
                | b'~'
                | b'|'
                | b'$'
                | b'\n'
                | b'"'
                | b'\''
        )
    };
    if !first.bytes().any(special) {
        return first.to_string();
    }
    // Out of its heading or list item, `1. Title` would parse as a list and `- x` as a bullet:
    // escape whatever would open a block so the text stays inline.
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    let escaped;
    let first = if digits > 0 && matches!(first.as_bytes().get(digits), Some(b'.' | b')')) {
        escaped = format!("{}\\{}", &first[..digits], &first[digits..]);
        escaped.as_str()
    } else if first.starts_with(['-', '+', '*', '>', '#', '=', '|'])
        || super::block_opener(first).is_some()
    {
        escaped = format!("\\{first}");
        escaped.as_str()
    } else if first.starts_with('<') {
        // Raw HTML first would open an HTML block (`<script>`, `<div>`…) that runs on as raw
        // text; inside its paragraph in the record it is inline. A character before it keeps
        // it inline here too, and is taken off again below.
        escaped = format!("{KEEP_INLINE}{first}");
        escaped.as_str()
    } else {
        first
    };
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut html = String::new();
    mdbook_markdown::pulldown_cmark::html::push_html(
        &mut html,
        mdbook_markdown::new_cmark_parser(first, &opts),
    );
    let t = html.trim();
    let t = t.strip_prefix("<p>").unwrap_or(t);
    let t = t.strip_prefix(KEEP_INLINE).unwrap_or(t);
    t.strip_suffix("</p>").unwrap_or(t).trim().to_string()
}

/// A private-use character that keeps raw HTML at the start of inline text from being read
/// as an HTML block (see [`markdown_html`]).
const KEEP_INLINE: char = '\u{E000}';

#[cfg(test)]
mod tests {
    use super::*;

    fn inline_html(src: &str) -> String {
        super::inline_html(src, RawHtml::Trusted)
    }

    #[test]
    fn inline_html_strips_paragraph() {
        assert_eq!(inline_html("`Context` 接口"), "<code>Context</code> 接口");
        assert_eq!(inline_html("a <b> & c"), "a <b> &amp; c");
        assert_eq!(
            inline_html("1. `Context` 接口"),
            "1. <code>Context</code> 接口"
        );
        assert_eq!(inline_html("2) x"), "2) x");
        assert_eq!(inline_html("- not a list"), "- not a list");
    }

    /// Found by `fuzz/` (regression `fuzz/regressions/record/info-fence`): an information item
    /// `**n**: ```tt` rendered as an empty code block, and its text was lost.
    #[test]
    fn inline_html_keeps_fences_as_text() {
        assert_eq!(inline_html("```tt"), "```tt");
        assert_eq!(inline_html("~~~ 旧写法"), "~~~ 旧写法");
        assert_eq!(inline_html("<!x"), "&lt;!x");
        assert_eq!(inline_html("```a``` b"), "<code>a</code> b");
    }

    /// Found by `fuzz/` (`fuzz/regressions/record/raw-html-first-*`): an information value
    /// starting with `<script>` (or `<div>`) opened an HTML block in the card, which took the
    /// rest of the value as raw text; in the record it is inline HTML in a paragraph.
    #[test]
    fn raw_html_first_stays_inline() {
        assert_eq!(
            inline_html("<script>x</scrript y <section_li z"),
            "<script>x&lt;/scrript y &lt;section_li z"
        );
        assert_eq!(inline_html("<b>bold</b> text"), "<b>bold</b> text");
        assert_eq!(inline_html("<div>x</div>"), "<div>x</div>");
    }
}
