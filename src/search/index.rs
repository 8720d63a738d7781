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
//! delta × 3 + field, count, then the positions as deltas.

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
    /// A heading section of an ordinary chapter rather than a question card.
    pub kind_section: bool,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn push_num(out: &mut String, mut n: u32) {
    while n >= 32 {
        out.push(ALPHABET[(32 | (n & 31)) as usize] as char);
        n >>= 5;
    }
    out.push(ALPHABET[n as usize] as char);
}

/// Appends the postings of one (document, field) to `out`; `last_doc` is the previous
/// document of the same term (0 at first).
fn push_group(out: &mut String, last_doc: &mut u32, doc: u32, field: u32, positions: &[u32]) {
    // Document delta and field in one number: delta * 3 + field.
    push_num(out, (doc - *last_doc) * 3 + field);
    *last_doc = doc;
    push_num(out, positions.len() as u32);
    let mut last = 0;
    for &p in positions {
        push_num(out, p - last);
        last = p;
    }
}

/// A word's postings, built as documents are read.
#[derive(Default)]
struct Posting {
    last_doc: u32,
    data: String,
}

impl Posting {
    fn add(&mut self, doc: u32, field: u32, positions: &[u32]) {
        push_group(&mut self.data, &mut self.last_doc, doc, field, positions);
    }
}

/// One CJK occurrence, packed for sorting: shard (12 bits), first and second character (21
/// bits each; 0 for a run-final single character), document (32), field (2) and position (30).
/// Sorting these puts every shard's postings in order, with no map of millions of terms.
fn pack(shard: u32, a: char, b: u32, doc: u32, field: u32, pos: u32) -> u128 {
    ((shard as u128) << 116)
        | ((a as u128) << 95)
        | ((b as u128) << 74)
        | ((doc as u128) << 32)
        | ((field as u128) << 30)
        | (pos.min((1 << 30) - 1) as u128)
}

/// The built index: file name → file content.
#[derive(Debug)]
pub struct Built {
    pub files: Vec<(String, String)>,
    pub docs: usize,
    pub terms: usize,
}

/// Target size of a document shard, in bytes.
const DOC_SHARD: usize = 24 * 1024;
/// Target size of a CJK term shard, in bytes.
const TERM_SHARD: usize = 48 * 1024;

/// Indexes `docs` in memory (for tests and small books).
pub fn build(docs: &[Doc]) -> Built {
    let mut files = Vec::new();
    let terms = index(docs, &mut |name, content| files.push((name, content)));
    Built {
        files,
        docs: docs.len(),
        terms,
    }
}

/// What [`write_to`] wrote.
#[derive(Debug)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
    pub docs: usize,
    pub terms: usize,
}

/// Indexes `docs` into `dir`, writing each file as soon as it is complete, so the index is
/// never held in memory whole.
pub fn write_to(docs: &[Doc], dir: &std::path::Path) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let (mut files, mut bytes) = (0, 0);
    let mut error = None;
    let terms = index(docs, &mut |name, content| {
        if error.is_none() {
            files += 1;
            bytes += content.len();
            if let Err(e) = std::fs::write(dir.join(format!("{name}.js")), content) {
                error = Some(e);
            }
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(Written {
            files,
            bytes,
            docs: docs.len(),
            terms,
        }),
    }
}

/// Indexes `docs` in one pass, handing each finished file to `sink`. Returns the term count.
fn index(docs: &[Doc], sink: &mut dyn FnMut(String, String)) -> usize {
    // Words are few: each gets a number the first time it is seen, and its postings.
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<(String, Posting)> = Vec::new();
    let mut field_words: Vec<(u32, u32)> = Vec::new();
    let mut positions = Vec::new();
    let total_chars: usize = docs
        .iter()
        .flat_map(|d| d.fields.iter())
        .map(|f| f.len() / 3)
        .sum();
    // Shards of about TERM_SHARD bytes: an occurrence takes about 4 bytes once encoded.
    let k = ((total_chars * 4) / TERM_SHARD)
        .next_power_of_two()
        .clamp(1, 4096) as u32;
    // CJK occurrences go straight into their shard's bucket; each bucket is sorted on its
    // own (small enough to stay in cache).
    let mut cjk: Vec<Vec<u128>> = (0..k)
        .map(|_| Vec::with_capacity(total_chars / k as usize + 16))
        .collect();
    for (id, doc) in docs.iter().enumerate() {
        let id = id as u32;
        for (field, text) in doc.fields.iter().enumerate() {
            let field = field as u32;
            field_words.clear();
            terms(text, |t, p| match t {
                Term::Word(w) => {
                    let n = match word_ids.get(w) {
                        Some(&n) => n,
                        None => {
                            let n = words.len() as u32;
                            word_ids.insert(w.to_string(), n);
                            words.push((w.to_string(), Posting::default()));
                            n
                        }
                    };
                    field_words.push((n, p));
                }
                Term::Uni(c) => {
                    let s = c as u32 % k;
                    cjk[s as usize].push(pack(s, c, 0, id, field, p));
                }
                Term::Bi(a, b) => {
                    let s = a as u32 % k;
                    cjk[s as usize].push(pack(s, a, b as u32, id, field, p));
                }
            });
            field_words.sort_unstable();
            let mut i = 0;
            while i < field_words.len() {
                let start = i;
                positions.clear();
                while i < field_words.len() && field_words[i].0 == field_words[start].0 {
                    positions.push(field_words[i].1);
                    i += 1;
                }
                words[field_words[start].0 as usize]
                    .1
                    .add(id, field, &positions);
            }
        }
    }
    drop(word_ids);
    write_files(docs, k, cjk, words, sink)
}

/// The CJK shards: each bucket's occurrences sorted, written as one JSON object of
/// `term: postings`, handed to `emit(shard index, json)`. Returns the term count.
fn cjk_shards(buckets: Vec<Vec<u128>>, mut emit: impl FnMut(u32, &str)) -> usize {
    let mut terms = 0;
    let mut positions = Vec::new();
    let mut json = String::new();
    for (shard, mut sorted) in buckets.into_iter().enumerate() {
        if sorted.is_empty() {
            continue;
        }
        sorted.sort_unstable();
        json.clear();
        json.push('{');
        let mut i = 0;
        while i < sorted.len() {
            let key = sorted[i] >> 74;
            if i > 0 {
                json.push(',');
            }
            // CJK characters never need escaping in JSON.
            json.push('"');
            json.push(char::from_u32(((key >> 21) & 0x1F_FFFF) as u32).unwrap_or(' '));
            if let Some(b) = char::from_u32((key & 0x1F_FFFF) as u32).filter(|c| *c != '\0') {
                json.push(b);
            }
            json.push_str("\":\"");
            let mut last_doc = 0;
            while i < sorted.len() && sorted[i] >> 74 == key {
                let group = sorted[i] >> 30;
                let doc = ((sorted[i] >> 32) & 0xFFFF_FFFF) as u32;
                let field = ((sorted[i] >> 30) & 3) as u32;
                positions.clear();
                while i < sorted.len() && sorted[i] >> 30 == group {
                    positions.push((sorted[i] & ((1 << 30) - 1)) as u32);
                    i += 1;
                }
                push_group(&mut json, &mut last_doc, doc, field, &positions);
            }
            json.push('"');
            terms += 1;
        }
        json.push('}');
        emit(shard as u32, &json);
    }
    terms
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

fn write_files(
    docs: &[Doc],
    k: u32,
    cjk: Vec<Vec<u128>>,
    words: Vec<(String, Posting)>,
    sink: &mut dyn FnMut(String, String),
) -> usize {
    // CJK terms, sharded by the first character.
    let cjk_terms = cjk_shards(cjk, |i, json| {
        let name = format!("c{i}");
        let content = js_file(&name, json);
        sink(name, content);
    });
    let terms = cjk_terms + words.len();

    // Words, sharded by their first two characters.
    let mut by_prefix: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (w, p) in words {
        let prefix: String = w.chars().take(2).collect();
        by_prefix.entry(prefix).or_default().push((w, p.data));
    }
    let mut prefixes: Vec<String> = by_prefix.keys().cloned().collect();
    prefixes.sort_unstable();
    for (prefix, mut terms) in by_prefix {
        terms.sort_unstable();
        let name = format!("w-{}", hex(&prefix));
        let content = js_file(&name, &json_object(&terms));
        sink(name, content);
    }

    // Documents, in shards of about DOC_SHARD bytes.
    let mut starts = Vec::new();
    let mut json: Vec<u8> = Vec::new();
    let flush = |json: &mut Vec<u8>, sink: &mut dyn FnMut(String, String), n: usize| {
        if !json.is_empty() {
            json.push(b']');
            let name = format!("d{n}");
            let content = js_file(&name, std::str::from_utf8(json).unwrap_or("[]"));
            sink(name, content);
            json.clear();
        }
    };
    for (i, d) in docs.iter().enumerate() {
        json.push(if json.is_empty() { b'[' } else { b',' });
        if json.len() == 1 {
            starts.push(i);
        }
        let row = (
            &d.crumb,
            &d.title,
            &d.url,
            &d.answer_url,
            &d.fields[0],
            &d.fields[1],
            &d.fields[2],
        );
        // Serializing strings into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut json, &row);
        if json.len() >= DOC_SHARD {
            flush(&mut json, sink, starts.len() - 1);
        }
    }
    flush(&mut json, sink, starts.len().saturating_sub(1));

    // Sections of ordinary chapters (not question cards) rank below cards with the same hits.
    let sections: Vec<usize> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind_section)
        .map(|(i, _)| i)
        .collect();
    let manifest = serde_json::json!({
        "v": 1,
        "n": docs.len(),
        "k": k,
        "w": prefixes,
        "d": starts,
        "x": sections,
    });
    sink("m".into(), js_file("m", &manifest.to_string()));
    terms
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
            kind_section: false,
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
