//! The search index: documents (question cards, and heading sections of other chapters),
//! postings with positions, and the sharded files the browser loads on demand.
//!
//! Format (documented for authors in `book/src/guide/search.md`): every file is a script
//! `qbankSearch.add(NAME, DATA)`, so it loads from a web server and from `file://` alike.
//! - `m`: the manifest `{v, n, k, w, d}`: document count, number of CJK shards, the word-shard
//!   prefixes, and the first document of each document shard.
//! - `c<i>`: CJK terms whose first character hashes to `i` (`code point % k`).
//! - `w-<hex>`: words starting with the two characters `<hex>` (UTF-8, hex).
//! - `d<i>`: documents `[crumb, title, url, answer url, title text, prompt text, answer text]`.
//!
//! A posting list is a string of variable-length numbers (5 bits a character, `A`–`Z`, `a`–`z`,
//! `0`–`9`, `-`, `_`; values 32+ carry on): for each (document, field) in order: document
//! delta, field, count, then the positions as deltas.

use super::tokenize::{Term, collapse, terms};
use std::collections::HashMap;
use std::fmt::Write as _;

/// One search result target.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// What the result is in: the record's title, or the chapter's name.
    pub crumb: String,
    /// `N. Title` for a card, the heading for a section.
    pub title: String,
    /// Relative to the site root.
    pub url: String,
    /// For cards: where a hit inside the answer should land (the answer opens there).
    pub answer_url: Option<String>,
    /// Title, prompt (or section body) and answer, whitespace collapsed.
    pub fields: [String; 3],
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn push_num(out: &mut String, mut n: u32) {
    while n >= 32 {
        out.push(ALPHABET[(32 | (n & 31)) as usize] as char);
        n >>= 5;
    }
    out.push(ALPHABET[n as usize] as char);
}

#[derive(Default)]
struct Posting {
    last_doc: u32,
    data: String,
}

impl Posting {
    fn add(&mut self, doc: u32, field: u32, positions: &[u32]) {
        push_num(&mut self.data, doc - self.last_doc);
        self.last_doc = doc;
        push_num(&mut self.data, field);
        push_num(&mut self.data, positions.len() as u32);
        let mut last = 0;
        for &p in positions {
            push_num(&mut self.data, p - last);
            last = p;
        }
    }
}

/// CJK terms are keyed by their characters, words by their text.
#[derive(Default)]
struct Postings {
    cjk: HashMap<(char, Option<char>), Posting>,
    words: HashMap<String, Posting>,
}

/// The built index: file name → file content.
#[derive(Debug)]
pub struct Built {
    pub files: Vec<(String, String)>,
    pub docs: usize,
    pub terms: usize,
}

impl Built {
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|f| f.1.len()).sum()
    }
}

/// Target size of a document shard, in bytes.
const DOC_SHARD: usize = 24 * 1024;
/// Target size of a CJK term shard, in bytes.
const TERM_SHARD: usize = 48 * 1024;

/// Indexes `docs` in one pass.
pub fn build(docs: &[Doc]) -> Built {
    let mut postings = Postings::default();
    // Positions of each term within one field, reused across fields.
    let mut local: Vec<((char, Option<char>), u32)> = Vec::new();
    let mut owned_words: Vec<(String, u32)> = Vec::new();
    for (id, doc) in docs.iter().enumerate() {
        for (field, text) in doc.fields.iter().enumerate() {
            local.clear();
            owned_words.clear();
            terms(text, |t, p| match t {
                Term::Word(w) => owned_words.push((w.to_string(), p)),
                Term::Uni(c) => local.push(((c, None), p)),
                Term::Bi(a, b) => local.push(((a, Some(b)), p)),
            });
            local.sort_unstable();
            owned_words.sort_unstable();
            let mut positions = Vec::new();
            let mut i = 0;
            while i < local.len() {
                let key = local[i].0;
                positions.clear();
                while i < local.len() && local[i].0 == key {
                    positions.push(local[i].1);
                    i += 1;
                }
                postings
                    .cjk
                    .entry(key)
                    .or_default()
                    .add(id as u32, field as u32, &positions);
            }
            let mut i = 0;
            while i < owned_words.len() {
                let start = i;
                positions.clear();
                while i < owned_words.len() && owned_words[i].0 == owned_words[start].0 {
                    positions.push(owned_words[i].1);
                    i += 1;
                }
                let word = &owned_words[start].0;
                match postings.words.get_mut(word) {
                    Some(p) => p.add(id as u32, field as u32, &positions),
                    None => {
                        let mut p = Posting::default();
                        p.add(id as u32, field as u32, &positions);
                        postings.words.insert(word.clone(), p);
                    }
                }
            }
        }
    }
    write_files(docs, postings)
}

fn js_file(name: &str, json: &str) -> String {
    format!(
        "qbankSearch.add({},{json});\n",
        serde_json::to_string(name).unwrap_or_default()
    )
}

fn hex(s: &str) -> String {
    s.bytes().fold(String::new(), |mut h, b| {
        let _ = write!(h, "{b:02x}");
        h
    })
}

fn write_files(docs: &[Doc], postings: Postings) -> Built {
    let terms = postings.cjk.len() + postings.words.len();
    let mut files = Vec::new();

    // CJK terms, sharded by the first character.
    let cjk_bytes: usize = postings.cjk.values().map(|p| p.data.len() + 12).sum();
    let k = (cjk_bytes / TERM_SHARD).next_power_of_two().clamp(1, 4096) as u32;
    let mut shards: Vec<Vec<(String, String)>> = vec![Vec::new(); k as usize];
    for ((a, b), p) in postings.cjk {
        let term: String = std::iter::once(a).chain(b).collect();
        shards[(a as u32 % k) as usize].push((term, p.data));
    }
    for (i, mut terms) in shards.into_iter().enumerate() {
        if terms.is_empty() {
            continue;
        }
        terms.sort_unstable();
        let name = format!("c{i}");
        files.push((name.clone(), js_file(&name, &json_object(&terms))));
    }

    // Words, sharded by their first two characters.
    let mut words: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (w, p) in postings.words {
        let prefix: String = w.chars().take(2).collect();
        words.entry(prefix).or_default().push((w, p.data));
    }
    let mut prefixes: Vec<String> = words.keys().cloned().collect();
    prefixes.sort_unstable();
    for (prefix, mut terms) in words {
        terms.sort_unstable();
        let name = format!("w-{}", hex(&prefix));
        files.push((name.clone(), js_file(&name, &json_object(&terms))));
    }

    // Documents, in shards of about DOC_SHARD bytes.
    let mut starts = Vec::new();
    let mut shard: Vec<serde_json::Value> = Vec::new();
    let mut size = 0;
    let flush = |shard: &mut Vec<serde_json::Value>, files: &mut Vec<(String, String)>| {
        if !shard.is_empty() {
            let name = format!("d{}", files.iter().filter(|f| f.0.starts_with('d')).count());
            let json = serde_json::to_string(shard).unwrap_or_default();
            files.push((name.clone(), js_file(&name, &json)));
            shard.clear();
        }
    };
    for (i, d) in docs.iter().enumerate() {
        if shard.is_empty() {
            starts.push(i);
        }
        size += d.fields.iter().map(String::len).sum::<usize>() + d.url.len() * 2 + 64;
        shard.push(serde_json::json!([
            d.crumb,
            d.title,
            d.url,
            d.answer_url,
            d.fields[0],
            d.fields[1],
            d.fields[2]
        ]));
        if size >= DOC_SHARD {
            flush(&mut shard, &mut files);
            size = 0;
        }
    }
    flush(&mut shard, &mut files);

    let manifest = serde_json::json!({
        "v": 1,
        "n": docs.len(),
        "k": k,
        "w": prefixes,
        "d": starts,
    });
    files.push(("m".into(), js_file("m", &manifest.to_string())));
    Built {
        files,
        docs: docs.len(),
        terms,
    }
}

fn json_object(pairs: &[(String, String)]) -> String {
    let mut out = String::with_capacity(pairs.iter().map(|p| p.0.len() + p.1.len() + 6).sum());
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(k).unwrap_or_default());
        out.push(':');
        // Posting strings use only the URL-safe base64 alphabet: no escaping needed.
        out.push('"');
        out.push_str(v);
        out.push('"');
    }
    out.push('}');
    out
}

/// Plain text of markdown: what the page shows, whitespace collapsed.
pub fn plain_text(md: &str) -> String {
    use mdbook_markdown::pulldown_cmark::Event;
    let opts = mdbook_markdown::MarkdownOptions::default();
    let mut out = String::with_capacity(md.len());
    for ev in mdbook_markdown::new_cmark_parser(md, &opts) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) | Event::Rule => out.push(' '),
            _ => {}
        }
    }
    collapse(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_in_the_alphabet() {
        let mut s = String::new();
        for n in [0, 1, 31, 32, 1000, 70000] {
            push_num(&mut s, n);
        }
        // Decode as the browser does.
        let mut out = Vec::new();
        let (mut n, mut shift) = (0u32, 0);
        for c in s.bytes() {
            let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            n |= (v & 31) << shift;
            if v < 32 {
                out.push(n);
                n = 0;
                shift = 0;
            } else {
                shift += 5;
            }
        }
        assert_eq!(out, [0, 1, 31, 32, 1000, 70000]);
    }

    #[test]
    fn builds_shards_and_manifest() {
        let doc = |t: &str, p: &str| Doc {
            crumb: "记录".into(),
            title: t.into(),
            url: "a.html#x".into(),
            answer_url: None,
            fields: [t.into(), p.into(), String::new()],
        };
        let b = build(&[doc("令牌桶", "Kafka 分区"), doc("热key", "goroutine泄漏")]);
        let names: Vec<&str> = b.files.iter().map(|f| f.0.as_str()).collect();
        assert!(names.contains(&"m") && names.contains(&"d0"));
        let all: String = b.files.iter().map(|f| f.1.as_str()).collect();
        assert!(
            all.contains("\"令牌\":")
                && all.contains("\"kafka\":")
                && all.contains("\"goroutine\":")
        );
        assert!(names.iter().any(|n| *n == format!("w-{}", hex("go"))));
    }
}
