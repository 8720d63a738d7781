//! The search tokenizer. `theme/qbank-search.js` implements exactly the same rules, so what
//! the browser asks for is what Rust indexed:
//!
//! - characters are normalized one to one: full-width ASCII becomes ASCII, letters lower-case;
//! - a *word* is a run of letters, digits and `_` outside the CJK ranges; it is one term;
//! - a *CJK run* gives a term for every character and for every pair of neighbours (bigrams),
//!   so any substring of one or more characters can be found;
//! - positions are code-point offsets into the (whitespace-collapsed) field text.

/// Normalizes one character; never changes the number of characters.
pub fn normalize(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase())
        }
        '\u{3000}' => ' ',
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c if is_cjk(c) => c,
        c => {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        }
    }
}

pub use crate::text::is_cjk;

/// Characters of words.
pub fn is_word(c: char) -> bool {
    !is_cjk(c) && (c.is_alphanumeric() || c == '_')
}

/// A term of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term<'a> {
    /// A whole word, lower-case.
    Word(&'a str),
    /// One CJK character.
    Uni(char),
    /// Two neighbouring CJK characters.
    Bi(char, char),
}

impl Term<'_> {
    /// The term as the browser spells it.
    pub fn text(&self) -> String {
        match *self {
            Term::Word(w) => w.to_string(),
            Term::Uni(c) => c.to_string(),
            Term::Bi(a, b) => [a, b].iter().collect(),
        }
    }
}

/// Calls `f(term, position)` for every term of `text`. Allocates nothing for CJK.
///
/// A CJK character is indexed through the pair it starts (`Bi`), and on its own (`Uni`) only
/// when it ends its run: every character is then findable (a one-character query looks up all
/// terms that start with it, which sit in the same shard) at half the size of indexing both.
pub fn terms(text: &str, mut f: impl FnMut(Term<'_>, u32)) {
    let mut word = String::new();
    let mut word_start = 0u32;
    let mut prev_cjk: Option<char> = None;
    let mut end = 0u32;
    for (pos, raw) in (0u32..).zip(text.chars()) {
        end = pos + 1;
        let c = normalize(raw);
        if is_word(c) {
            if word.is_empty() {
                word_start = pos;
            }
            word.push(c);
        } else if !word.is_empty() {
            f(Term::Word(&word), word_start);
            word.clear();
        }
        if is_cjk(c) {
            if let Some(p) = prev_cjk {
                f(Term::Bi(p, c), pos - 1);
            }
            prev_cjk = Some(c);
        } else {
            if let Some(p) = prev_cjk.take() {
                f(Term::Uni(p), pos - 1);
            }
        }
    }
    if let Some(p) = prev_cjk {
        f(Term::Uni(p), end - 1);
    }
    if !word.is_empty() {
        f(Term::Word(&word), word_start);
    }
}

/// Collapses runs of whitespace to one space and trims: the text positions refer to.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(String, u32)> {
        let mut v = Vec::new();
        terms(text, |t, p| v.push((t.text(), p)));
        v
    }

    #[test]
    fn words_unigrams_and_bigrams() {
        assert_eq!(
            all("热Key令牌桶"),
            [("热", 0), ("key", 1), ("令牌", 4), ("牌桶", 5), ("桶", 6)]
                .map(|(t, p)| (t.to_string(), p))
        );
        // Full-width letters are the same word.
        assert_eq!(all("ＭＶＣＣ机制")[0], ("mvcc".to_string(), 0));
        assert_eq!(all("sync.Once"), [("sync".into(), 0), ("once".into(), 5)]);
    }

    #[test]
    fn collapse_whitespace() {
        assert_eq!(collapse("  a \n\n b\tc "), "a b c");
    }
}
