//! HTML escaping, the one place it is done: handlebars' own rules in one pass, with a fast
//! path for text that needs none.

/// HTML escaping with a fast path for text that needs none (most of it).
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

pub(super) fn push_escaped(out: &mut String, s: &str) {
    push_escaped_with(out, s, false);
}

/// handlebars' escaping (`& < > " ' \` =`) in one pass; `newlines` also writes `\n` as `&#10;`.
pub(super) fn push_escaped_with(out: &mut String, s: &str, newlines: bool) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            b'`' => "&#x60;",
            b'=' => "&#x3D;",
            b'\n' if newlines => "&#10;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}
