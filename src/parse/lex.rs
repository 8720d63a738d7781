//! The record format's words and numbers: bold labels (`**面试官**:`), numbered titles
//! (`3. Title`, `3、Title`), list item text, and the tests that decide whether a fence holds
//! prose or a paragraph keeps its line breaks. Pure functions of text.

use crate::model::Span;

/// Reads a bold label followed by a colon: `**Key**:`, `**Key:**`, `__Key__：` and so on.
/// Returns the label and how many bytes of `s` the label, the colon and the spaces after take.
pub(crate) fn bold_label(s: &str) -> Option<(&str, usize)> {
    let lead = s.len() - s.trim_start().len();
    let rest = &s[lead..];
    let delim = if rest.starts_with("**") {
        "**"
    } else if rest.starts_with("__") {
        "__"
    } else {
        return None;
    };
    let inner_start = lead + 2;
    let close = s[inner_start..].find(delim)? + inner_start;
    let mut label = s[inner_start..close].trim();
    if label.is_empty() || label.contains('\n') {
        return None;
    }
    let mut pos = close + 2;
    let colon_inside = label.ends_with(':') || label.ends_with('：');
    if colon_inside {
        label = label.trim_end_matches([':', '：']).trim_end();
    } else {
        let after = &s[pos..];
        let trimmed = after.trim_start_matches([' ', '\t']);
        let c = trimmed.chars().next()?;
        if c != ':' && c != '：' {
            return None;
        }
        pos += after.len() - trimmed.len() + c.len_utf8();
    }
    let after = &s[pos..];
    pos += after.len() - after.trim_start_matches([' ', '\t']).len();
    Some((label, pos))
}

pub(super) fn matches_word(label: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| w.trim().eq_ignore_ascii_case(label.trim()))
}

/// The length of a leading `1. `, `1、` or `1) ` (with the spaces after it).
pub(super) fn number_prefix(text: &str) -> Option<usize> {
    let t = text.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let after = t[digits..].trim_start();
    let sep = after
        .chars()
        .next()
        .filter(|c| digits > 0 && matches!(c, '.' | '、' | ')' | '）' | '．'))?;
    let rest = after[sep.len_utf8()..].trim_start();
    Some(text.len() - rest.len())
}

/// `1. Title`, `1、Title`, `1) Title` → ("1", byte offset of the title).
pub(super) fn numbered(text: &str) -> Option<(&str, usize)> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let after = t[digits..].trim_start();
    let sep = after.chars().next()?;
    if !matches!(sep, '.' | '、' | ')' | '）' | '．') {
        return None;
    }
    let title = after[sep.len_utf8()..].trim_start();
    if title.is_empty() {
        return None;
    }
    Some((&t[..digits], lead + (t.len() - title.len())))
}

/// Whether a fence with no language holds prose (long lines of text) rather than a diagram or
/// code: prose wraps, diagrams must keep their columns.
pub(super) fn is_prose(text: &str) -> bool {
    let (mut lines, mut wide, mut indented, mut codey) = (0usize, false, 0usize, 0usize);
    for line in text.lines() {
        let t = line.trim_end();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        wide = wide || wider_than(t, 80);
        indented += usize::from(t.starts_with("  ") || t.starts_with('\t'));
        codey += usize::from(t.ends_with(['{', '}', ';']) || t.contains("|  "));
    }
    lines > 0 && wide && indented * 3 < lines && codey * 4 < lines
}

/// Whether `s` is wider than `limit` cells. Characters from U+0800 up (CJK among them) take
/// two cells; counting stops as soon as the answer is known.
pub(super) fn wider_than(s: &str, limit: usize) -> bool {
    if s.len() <= limit {
        return false;
    }
    let mut cells = 0;
    for b in s.bytes() {
        cells += match b {
            0x00..=0x7F | 0xC0..=0xDF => 1,
            0xE0..=0xFF => 2,
            _ => 0,
        };
        if cells > limit {
            return true;
        }
    }
    false
}

/// A paragraph of CJK text on several lines, whose line breaks the author meant.
pub(super) fn is_cjk_lines(src: &str) -> bool {
    src.trim_end().contains('\n') && src.chars().any(crate::text::is_cjk)
}

/// A list item's text after its marker (`- `, `* `, `1. `): (start offset, text).
pub(super) fn item_content<'t>(text: &'t str, item: &Span) -> (usize, &'t str) {
    let src = &text[item.clone()];
    let t = src.trim_start();
    let mut off = src.len() - t.len();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if digits > 0 && matches!(t.as_bytes().get(digits), Some(b'.' | b')')) {
        digits + 1
    } else if t.starts_with(['-', '*', '+']) {
        1
    } else {
        0
    };
    off += marker;
    let rest = &src[off..];
    off += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    (item.start + off, &src[off..])
}

/// A list item's text after its marker, as a span (for key points).
pub(super) fn item_text_span(text: &str, item: &Span) -> Span {
    let (start, src) = item_content(text, item);
    start..start + src.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_labels_accept_both_colons_inside_or_outside() {
        for s in [
            "**面试官**: x",
            "**面试官**：x",
            "**面试官:** x",
            "**面试官：**x",
            "__面试官__ : x",
        ] {
            let (label, len) = bold_label(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(label, "面试官");
            assert_eq!(&s[len..], "x", "{s}");
        }
        assert!(bold_label("**面试官** 说").is_none());
        assert!(bold_label("面试官: x").is_none());
    }

    #[test]
    fn cjk_paragraphs_on_several_lines_keep_their_lines() {
        assert!(is_cjk_lines("其存在两种：\n正常模式是默认模式。\n"));
        assert!(is_cjk_lines(
            "Locked (1 bit): 锁是否被持有。\nWoken (1 bit): 是否被唤醒。"
        ));
        // One line, or English wrapped at 80 columns: CommonMark's joining is right.
        assert!(!is_cjk_lines("只有一行。\n"));
        assert!(!is_cjk_lines(
            "An English paragraph wrapped\nat eighty columns.\n"
        ));
    }

    #[test]
    fn numbered_titles() {
        assert_eq!(numbered("1. Go语言").map(|n| n.0), Some("1"));
        assert_eq!(numbered("12、标题").map(|n| n.0), Some("12"));
        assert_eq!(numbered("3) Title").map(|n| n.0), Some("3"));
        assert!(numbered("Go 1.22").is_none());
        assert!(numbered("1.").is_none());
    }

    #[test]
    fn prose_detection() {
        let prose = "GMP调度模型是go运行时在用户态实现高效调度goroutine方案。这是一段很长的文字，用来说明问题，而且它会一直写下去直到超过八十个显示宽度。\n第二行。\n";
        assert!(is_prose(prose));
        let diagram = "       [ background ]  (根节点)\n             |\n             v\n [ valueCtx (reqID) ]\n";
        assert!(!is_prose(diagram));
        assert!(!is_prose(""));
    }
}
