//! Bringing a written index up to date after an edit, file by file: what `qbank serve` does
//! instead of indexing the whole bank again.
//!
//! Format 3 makes this possible (see [`Layout`]): a term's shard depends only on the term and
//! a document's head or answer shard only on its number, and numbers do not move when other
//! records change. So an edit reads and rewrites only the shards that hold the terms of the
//! documents it took out or put in, the head and answer shards around their numbers, and the
//! manifest. Each rewritten file is exactly what a clean build writes: the tests compare
//! them, and so does the search fuzz target.

use super::{
    BUCKETS, Doc, Layout, Term, js_file, json_object, manifest, open_term, place_group, push_num,
    row_cuts, shard_counts, terms, text_of, word_shard,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Error, Result};

/// What changed between the index as written and the documents now: the documents to take
/// out, as they were, with their numbers then; and the documents to put in, with their numbers
/// now. A document whose number changed is in both.
#[derive(Debug, Default)]
pub struct Change<'a> {
    /// (number, document) of what the written index holds and should no longer.
    pub removed: Vec<(u32, &'a Doc)>,
    /// (number, document) of what it should hold and does not.
    pub added: Vec<(u32, &'a Doc)>,
}

impl<'a> Change<'a> {
    /// What changed from the documents `old` (numbered `old_ids`) to `new` (numbered
    /// `new_ids`): the documents of each number, compared.
    pub fn between(old: &'a [Doc], old_ids: &[u32], new: &'a [Doc], new_ids: &[u32]) -> Self {
        let pairs =
            |ids: &[u32], docs: &'a [Doc]| ids.iter().copied().zip(docs).collect::<Vec<_>>();
        Change::of(&pairs(old_ids, old), &pairs(new_ids, new))
    }

    /// What changed from the (number, document) pairs `was` to `now`, where the pairs
    /// left out are the same in both.
    pub fn of(was: &[(u32, &'a Doc)], now: &[(u32, &'a Doc)]) -> Self {
        let (by_was, by_now): (HashMap<u32, &Doc>, HashMap<u32, &Doc>) =
            (was.iter().copied().collect(), now.iter().copied().collect());
        let differ = |map: &HashMap<u32, &Doc>, id: u32, doc: &Doc| map.get(&id) != Some(&doc);
        Change {
            removed: was
                .iter()
                .copied()
                .filter(|&(id, d)| differ(&by_now, id, d))
                .collect(),
            added: now
                .iter()
                .copied()
                .filter(|&(id, d)| differ(&by_was, id, d))
                .collect(),
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }
}

/// What [`update`] made: whole files to write, and files to remove (names without `.js`).
#[derive(Debug, Default)]
pub struct Update {
    /// `(name, content)` of each file to write.
    pub files: Vec<(String, String)>,
    /// Files the index no longer has.
    pub removed: Vec<String>,
}

/// Postings of one term as groups: (document, field, the count and positions as written).
type Groups = Vec<(u32, u32, String)>;

/// One first character's terms: (second character, postings), in order.
type Terms<'t> = Vec<(u32, Cow<'t, str>)>;

/// Brings the index that `read` returns files of (by name, without `.js`) up to date with
/// `docs`, numbered by `layout`, given `change`. Every file it returns is what [`super::build`]
/// of `docs` would write under that name; the files it does not return are unchanged.
///
/// `Ok(None)` when the change moves the whole index (the shard counts follow the document
/// count in powers of two), or changes more documents than there are: build it whole. An
/// error when a file is missing or not as this version writes it.
pub fn update(
    change: &Change,
    docs: &[Doc],
    layout: &Layout,
    read: &mut dyn FnMut(&str) -> Result<String>,
) -> Result<Option<Update>> {
    let m: serde_json::Value = parse("m", &read("m")?)?;
    let old_docs = m["n"]
        .as_u64()
        .ok_or_else(|| bad("m", "no document count"))?;
    if m["v"] != 3 || m["b"] != BUCKETS || layout.ids.len() != docs.len() {
        return Ok(None);
    }
    if shard_counts(old_docs as usize) != shard_counts(docs.len())
        || change.removed.len() + change.added.len() > docs.len()
    {
        return Ok(None);
    }
    let (cjk_count, word_count) = shard_counts(docs.len());
    let per = BUCKETS / cjk_count;
    let cjk_unit = |c: u32| (c % BUCKETS) / per;
    let prefix = |w: &str| w.chars().take(2).collect::<String>();

    // The terms the removed documents had: their postings lose those documents.
    let removed: HashSet<u32> = change.removed.iter().map(|r| r.0).collect();
    let mut gone_cjk: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut gone_words: BTreeSet<String> = BTreeSet::new();
    for (_, d) in &change.removed {
        for text in &d.fields {
            terms(text, |t, _| match t {
                Term::Word(w) => {
                    if !gone_words.contains(w) {
                        gone_words.insert(w.to_string());
                    }
                }
                Term::Uni(a) => drop(gone_cjk.insert((a as u32, 0))),
                Term::Bi(a, b) => drop(gone_cjk.insert((a as u32, b as u32))),
            });
        }
    }
    // The added documents' postings, in number order.
    let mut added: Vec<&(u32, &Doc)> = change.added.iter().collect();
    added.sort_unstable_by_key(|a| a.0);
    let mut new_cjk: BTreeMap<(u32, u32), Groups> = BTreeMap::new();
    let mut new_words: BTreeMap<String, Groups> = BTreeMap::new();
    for (id, d) in added {
        for (field, text) in (0u32..).zip(&d.fields) {
            let mut cjk: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
            let mut words: BTreeMap<String, Vec<u32>> = BTreeMap::new();
            terms(text, |t, p| match t {
                Term::Word(w) => match words.get_mut(w) {
                    Some(ps) => ps.push(p),
                    None => drop(words.insert(w.to_string(), vec![p])),
                },
                Term::Uni(a) => cjk.entry((a as u32, 0)).or_default().push(p),
                Term::Bi(a, b) => cjk.entry((a as u32, b as u32)).or_default().push(p),
            });
            for (term, positions) in cjk {
                new_cjk
                    .entry(term)
                    .or_default()
                    .push((*id, field, rest(&positions)));
            }
            for (word, positions) in words {
                new_words
                    .entry(word)
                    .or_default()
                    .push((*id, field, rest(&positions)));
            }
        }
    }

    let started = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!("search update: {what} at {:?}", started.elapsed());
    let mut out = Update::default();
    let mut sink = |name: String, content: Vec<u8>| {
        out.files.push((name, text_of(content)));
    };

    // The files as read, by name.
    let mut texts: HashMap<String, String> = HashMap::new();
    // CJK shards: a unit is `c<k>` with the own shards of its very common characters.
    let old_hot: BTreeMap<String, (Vec<String>, Vec<String>)> =
        serde_json::from_value(m["s"].clone()).map_err(|e| bad("m", &e.to_string()))?;
    let mut hot = old_hot.clone();
    let units: BTreeSet<u32> = gone_cjk
        .iter()
        .chain(new_cjk.keys())
        .map(|&(a, _)| cjk_unit(a))
        .collect();
    for &k in &units {
        let mut names = vec![format!("c{k}")];
        for (first, (_, own)) in &old_hot {
            if first
                .chars()
                .next()
                .is_some_and(|c| cjk_unit(c as u32) == k)
            {
                names.extend(own.iter().map(|n| format!("c{n}")));
                hot.remove(first);
            }
        }
        // The unit's files, each read once.
        for name in &names {
            if !texts.contains_key(name) {
                texts.insert(name.clone(), read(name)?);
            }
        }
        // In the order the clean build writes them: characters by bucket, then code point;
        // terms by second character. The shards are in that order already (a very common
        // character's own shards follow each other in it).
        let code = |s: &str| s.chars().next().map_or(0, |c| c as u32);
        let mut unit: Vec<((u32, u32), Terms)> = Vec::new();
        for name in &names {
            let shard = scan(script(name, &texts[name])?, true)
                .ok_or_else(|| bad(name, "not a shard of CJK terms"))?;
            for (first, seconds) in shard {
                let a = code(first);
                let key = (a % BUCKETS, a);
                let seconds = seconds
                    .into_iter()
                    .map(|(b, p)| (code(b), Cow::Borrowed(p)));
                match unit.last_mut() {
                    Some((k, into)) if *k == key => into.extend(seconds),
                    _ => unit.push((key, seconds.collect())),
                }
            }
        }
        unit.sort_by_key(|e| e.0);
        // Each term once: one the edit both took out and put in is merged once.
        let touched: BTreeSet<&(u32, u32)> = gone_cjk
            .iter()
            .chain(new_cjk.keys())
            .filter(|&&(a, _)| cjk_unit(a) == k)
            .collect();
        for &(a, b) in touched {
            let key = (a % BUCKETS, a);
            let i = unit
                .binary_search_by_key(&key, |e| e.0)
                .unwrap_or_else(|i| {
                    unit.insert(i, (key, Vec::new()));
                    i
                });
            let seconds = &mut unit[i].1;
            let at = seconds.binary_search_by_key(&b, |s| s.0);
            let old = at.map_or("", |j| &*seconds[j].1);
            let new = new_cjk.get(&(a, b)).map_or(&[][..], Vec::as_slice);
            let merged = merge(old, &removed, new).ok_or_else(|| bad(&names[0], "postings"))?;
            match (at, merged.is_empty()) {
                (Ok(j), true) => drop(seconds.remove(j)),
                (Ok(j), false) => seconds[j].1 = Cow::Owned(merged),
                (Err(j), false) => seconds.insert(j, (b, Cow::Owned(merged))),
                (Err(_), true) => {}
            }
        }
        let mut json = String::new();
        let mut write = |name: String, body: &str| {
            sink(
                name.clone(),
                js_file(&name, format!("{{{body}}}").as_bytes()),
            );
        };
        let (mut group, mut starts) = (String::new(), Vec::new());
        for ((_, a), seconds) in &unit {
            if seconds.is_empty() {
                continue;
            }
            group.clear();
            starts.clear();
            for (b, postings) in seconds {
                open_term(&mut group, &mut starts, *b);
                group.push_str(postings);
                group.push('"');
            }
            let first = char::from_u32(*a).unwrap_or(' ');
            place_group(first, &group, &starts, &mut json, &mut hot, &mut write);
        }
        write(format!("c{k}"), &json);
        // Own shards the unit's characters no longer have.
        let now: HashSet<&String> = hot.values().flat_map(|h| &h.1).collect();
        for name in &names[1..] {
            if !now.contains(&name[1..].to_string()) {
                out_removed(&mut out.removed, name);
            }
        }
    }

    lap("CJK shards");
    // Word shards.
    let mut prefixes: BTreeMap<String, u32> =
        serde_json::from_value(m["w"].clone()).map_err(|e| bad("m", &e.to_string()))?;
    let units: BTreeSet<u32> = gone_words
        .iter()
        .chain(new_words.keys())
        .map(|w| word_shard(&prefix(w), word_count))
        .collect();
    for &k in &units {
        let name = format!("w{k}");
        let text = read(&name)?;
        let mut words: BTreeMap<&str, Cow<str>> = scan(script(&name, &text)?, false)
            .ok_or_else(|| bad(&name, "not a shard of words"))?
            .into_iter()
            .map(|(w, p)| (w, Cow::Borrowed(p.first().map_or("", |p| p.1))))
            .collect();
        let touched: BTreeSet<&String> = gone_words
            .iter()
            .chain(new_words.keys())
            .filter(|w| word_shard(&prefix(w), word_count) == k)
            .collect();
        for w in touched {
            let old = words.get(w.as_str()).map_or("", |p| p);
            let new = new_words.get(w).map_or(&[][..], Vec::as_slice);
            let merged = merge(old, &removed, new).ok_or_else(|| bad(&name, "postings"))?;
            if merged.is_empty() {
                words.remove(w.as_str());
            } else {
                words.insert(w, Cow::Owned(merged));
            }
        }
        prefixes.retain(|_, shard| *shard != k);
        for w in words.keys() {
            prefixes.insert(prefix(w), k);
        }
        let pairs: Vec<(&str, &str)> = words.iter().map(|(w, p)| (*w, &**p)).collect();
        sink(name.clone(), js_file(&name, json_object(&pairs).as_bytes()));
        texts.insert(name, text);
    }

    lap("word shards");
    // Head and answer shards around the numbers that changed.
    let order = layout.order();
    let ids: Vec<u32> = order.iter().map(|&i| layout.ids[i]).collect();
    let mut changed: Vec<u32> = change
        .removed
        .iter()
        .chain(&change.added)
        .map(|c| c.0)
        .collect();
    changed.sort_unstable();
    changed.dedup();
    // A shard is written again when it holds a changed number, or its first or next first
    // document differs from the written index's (the manifest has those).
    let stale = |kind: &str| -> HashSet<u32> {
        let old: Vec<u64> = m[kind]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_u64)
            .collect();
        let old_next: HashMap<u64, Option<u64>> = old
            .iter()
            .enumerate()
            .map(|(i, &f)| (f, old.get(i + 1).copied()))
            .collect();
        let cuts = row_cuts(&ids, kind);
        let mut wanted = HashSet::new();
        for (k, cut) in cuts.iter().enumerate() {
            let first = ids[cut.start];
            let next = cuts.get(k + 1).map(|c| ids[c.start]);
            let holds = changed.partition_point(|&c| c < first)
                < changed.partition_point(|&c| next.is_none_or(|n| c < n));
            let moved = old_next.get(&u64::from(first)) != Some(&next.map(u64::from));
            if holds || moved {
                wanted.insert(first);
            }
        }
        wanted
    };
    let (want_heads, want_answers) = (stale("h"), stale("a"));
    let wanted = |kind: &str, first: u32| match kind {
        "h" => want_heads.contains(&first),
        _ => want_answers.contains(&first),
    };
    let (heads, answers) = super::doc_shards(docs, &order, &ids, &wanted, &mut sink);
    for (kind, now) in [("h", &heads), ("a", &answers)] {
        let now: HashSet<u64> = now.iter().map(|&f| u64::from(f)).collect();
        for first in m[kind].as_array().into_iter().flatten() {
            if first.as_u64().is_some_and(|f| !now.contains(&f)) {
                out_removed(&mut out.removed, &format!("{kind}{first}"));
            }
        }
    }

    lap("head and answer shards");
    let manifest = manifest(docs, layout, cjk_count, &hot, &prefixes, &heads, &answers);
    sink("m".into(), manifest);
    lap("manifest");
    // A file written again is not removed; a file as it was is not written.
    let written: HashSet<&String> = out.files.iter().map(|f| &f.0).collect();
    out.removed.retain(|r| !written.contains(r));
    out.files.retain(|(name, content)| match texts.get(name) {
        Some(old) => old != content,
        None => read(name).ok().as_ref() != Some(content),
    });
    Ok(Some(out))
}

fn out_removed(removed: &mut Vec<String>, name: &str) {
    if !removed.iter().any(|r| r == name) {
        removed.push(name.to_string());
    }
}

fn bad(name: &str, what: &str) -> Error {
    Error::other(format!(
        "search index file {name}.js is not as this version writes it: {what}"
    ))
}

/// The JSON of a `qbankSearch.add("NAME", JSON);` file.
fn script<'t>(name: &str, text: &'t str) -> Result<&'t str> {
    text.strip_prefix("qbankSearch.add(\"")
        .and_then(|t| t.strip_prefix(name))
        .and_then(|t| t.strip_prefix("\","))
        .and_then(|t| t.strip_suffix(");\n"))
        .ok_or_else(|| bad(name, "not a qbankSearch.add script"))
}

/// The JSON of a `qbankSearch.add("NAME", JSON);` file, parsed.
fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    serde_json::from_str(script(name, text)?).map_err(|e| bad(name, &e.to_string()))
}

/// The members of a term shard, borrowed from its JSON: `{"限":{"流":"…","":"…"},…}` when
/// `nested` (the CJK shards), else `{"goroutine":"…",…}` (each as one member with an empty
/// key). Term shards hold no character that JSON escapes, so this reads them without a
/// parser; `None` for anything else.
#[allow(clippy::type_complexity)]
fn scan(json: &str, nested: bool) -> Option<Vec<(&str, Vec<(&str, &str)>)>> {
    struct Cursor<'a>(&'a str, usize);
    impl<'a> Cursor<'a> {
        fn eat(&mut self, b: u8) -> Option<()> {
            (self.0.as_bytes().get(self.1) == Some(&b)).then(|| self.1 += 1)
        }
        /// A string with no escape in it.
        fn string(&mut self) -> Option<&'a str> {
            self.eat(b'"')?;
            let len = memchr::memchr(b'"', &self.0.as_bytes()[self.1..])?;
            let s = &self.0[self.1..self.1 + len];
            self.1 += len + 1;
            (!s.contains('\\')).then_some(s)
        }
        /// `{"k":VALUE,…}`, each value read by `value`.
        fn object<T>(
            &mut self,
            mut value: impl FnMut(&mut Self) -> Option<T>,
        ) -> Option<Vec<(&'a str, T)>> {
            self.eat(b'{')?;
            let mut out = Vec::new();
            if self.eat(b'}').is_some() {
                return Some(out);
            }
            loop {
                let key = self.string()?;
                self.eat(b':')?;
                out.push((key, value(self)?));
                if self.eat(b'}').is_some() {
                    return Some(out);
                }
                self.eat(b',')?;
            }
        }
    }
    let mut c = Cursor(json, 0);
    let out = if nested {
        c.object(|c| c.object(Cursor::string))?
    } else {
        c.object(|c| c.string().map(|p| vec![("", p)]))?
    };
    (c.1 == json.len()).then_some(out)
}

/// A group's count and positions, as written after its document and field.
fn rest(positions: &[u32]) -> String {
    let mut out = String::new();
    push_num(&mut out, positions.len() as u32);
    let mut last = 0;
    for &p in positions {
        push_num(&mut out, p - last);
        last = p;
    }
    out
}

/// The value of each character of the posting alphabet, or 64 for a character outside it.
fn digit(c: u8) -> u32 {
    match c {
        b'A'..=b'Z' => u32::from(c - b'A'),
        b'a'..=b'z' => u32::from(c - b'a') + 26,
        b'0'..=b'9' => u32::from(c - b'0') + 52,
        b'-' => 62,
        b'_' => 63,
        _ => 64,
    }
}

/// The groups of a posting string: (document, field, its count and positions as written).
/// `None` if it is not a posting string.
fn groups(s: &str) -> Option<Vec<(u32, u32, &str)>> {
    let bytes = s.as_bytes();
    let mut at = 0;
    let num = |at: &mut usize| -> Option<u32> {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let v = digit(*bytes.get(*at)?);
            if v == 64 || shift > 30 {
                return None;
            }
            *at += 1;
            n |= u64::from(v & 31) << shift;
            if v < 32 {
                return u32::try_from(n).ok();
            }
            shift += 5;
        }
    };
    let mut out = Vec::new();
    let mut doc = 0u32;
    while at < bytes.len() {
        let df = num(&mut at)?;
        doc = doc.checked_add(df / 3)?;
        let start = at;
        let count = num(&mut at)?;
        for _ in 0..count {
            num(&mut at)?;
        }
        out.push((doc, df % 3, &s[start..at]));
    }
    Some(out)
}

/// `old` without the groups of `removed` documents, with the `added` groups (in order) put in.
/// `None` if `old` is not a posting string, or holds a group that `added` has too.
fn merge(old: &str, removed: &HashSet<u32>, added: &[(u32, u32, String)]) -> Option<String> {
    let mut out = String::with_capacity(old.len());
    let mut last = 0;
    let mut put = |out: &mut String, doc: u32, field: u32, rest: &str| {
        push_num(out, (doc - last) * 3 + field);
        out.push_str(rest);
        last = doc;
    };
    let mut added = added.iter().peekable();
    for (doc, field, rest) in groups(old)? {
        if removed.contains(&doc) {
            continue;
        }
        while let Some(a) = added.next_if(|a| (a.0, a.1) < (doc, field)) {
            put(&mut out, a.0, a.1, &a.2);
        }
        if added.peek().is_some_and(|a| (a.0, a.1) == (doc, field)) {
            return None;
        }
        put(&mut out, doc, field, rest);
    }
    for a in added {
        put(&mut out, a.0, a.1, &a.2);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::{Layout, build_in_passes};
    use super::*;

    fn doc(chapter: &str, i: usize, text: &str) -> Doc {
        Doc {
            crumb: chapter.into(),
            title: format!("{i}. {text}"),
            url: format!("{chapter}.html#{i}"),
            answer_url: i
                .is_multiple_of(2)
                .then(|| format!("{chapter}.html#{i}-answer")),
            fields: [
                format!("题目{i}"),
                format!("{text} 限流 kafka{i}"),
                format!("答案 {text} goroutine"),
            ],
            kind_section: i % 5 == 4,
        }
    }

    /// A book as (chapter, its documents), in order.
    type Book = Vec<(String, Vec<Doc>)>;

    fn flat(book: &Book) -> (Vec<Doc>, Layout) {
        let docs = book.iter().flat_map(|c| c.1.clone()).collect();
        let layout = Layout::new(book.iter().map(|(k, d)| (k.as_str(), d.len()))).unwrap();
        (docs, layout)
    }

    /// Files by name of a clean build, with CJK occurrences of `memory` bytes a pass.
    fn clean(book: &Book, memory: usize) -> BTreeMap<String, String> {
        let (docs, layout) = flat(book);
        build_in_passes(&docs, &layout, memory)
            .unwrap()
            .files
            .into_iter()
            .collect()
    }

    /// Updates `files`, the index of `from`, to `to`, as `serve` does. Returns how many files
    /// the update wrote, or `None` when it says to build the index whole (`files` unchanged).
    fn apply(files: &mut BTreeMap<String, String>, from: &Book, to: &Book) -> Option<usize> {
        let (old_docs, old_layout) = flat(from);
        let (docs, layout) = flat(to);
        let change = Change::between(&old_docs, old_layout.ids(), &docs, layout.ids());
        let mut read = |name: &str| {
            files
                .get(name)
                .cloned()
                .ok_or_else(|| Error::other(format!("no {name}")))
        };
        let up = update(&change, &docs, &layout, &mut read).unwrap()?;
        let wrote = up.files.len();
        for name in &up.removed {
            assert!(
                files.remove(name).is_some(),
                "removes {name}, which is not there"
            );
        }
        files.extend(up.files);
        Some(wrote)
    }

    /// Updates the files of `from` to `to`, checks that they equal a clean build of `to`, and
    /// returns how many files the update wrote.
    fn check(from: &Book, to: &Book) -> usize {
        let mut files = clean(from, usize::MAX);
        let Some(wrote) = apply(&mut files, from, to) else {
            return usize::MAX;
        };
        let want = clean(to, usize::MAX);
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>()
        );
        for (name, content) in &want {
            assert_eq!(&files[name], content, "{name}");
        }
        // Several passes write the same files.
        assert_eq!(clean(to, 4096), want);
        wrote
    }

    fn bank(records: usize, questions: usize) -> Book {
        (0..records)
            .map(|r| {
                let name = format!("r{r}");
                let docs = (0..questions)
                    .map(|i| doc(&name, i, &format!("令牌桶{r} 第{i}题")))
                    .collect();
                (name, docs)
            })
            .collect()
    }

    #[test]
    fn an_edited_answer_rewrites_only_the_files_that_hold_it() {
        let from = bank(200, 10);
        let mut to = from.clone();
        to[17].1[2].fields[2] = "新的答案 消息队列 retry".into();
        let wrote = check(&from, &to);
        let all = clean(&to, usize::MAX).len();
        assert!(wrote * 4 < all, "{wrote} of {all} files");
    }

    #[test]
    fn records_added_removed_and_moved_equal_a_clean_build() {
        let from = bank(200, 10);
        // Added in the middle.
        let mut to = from.clone();
        to.insert(
            20,
            (
                "new".into(),
                (0..7).map(|i| doc("new", i, "一致性哈希")).collect(),
            ),
        );
        let wrote = check(&from, &to);
        let all = clean(&to, usize::MAX).len();
        assert!(wrote * 4 < all, "{wrote} of {all} files");
        // Removed.
        let mut to = from.clone();
        to.remove(3);
        check(&from, &to);
        // Moved in the book, renamed, and a question added (more documents than one slot).
        let mut to = from.clone();
        let moved = to.remove(5);
        to.insert(30, moved);
        to[0].0 = "renamed".into();
        to[1].1.extend((6..40).map(|i| doc("r1", i, "分布式锁")));
        check(&from, &to);
        // Everything gone: the counts change, the index is made whole.
        assert_eq!(check(&from, &bank(1, 1)), usize::MAX);
    }

    /// Edits one after another, each update starting from the files the previous one left, as
    /// `serve` does: every state equals a clean build.
    #[test]
    fn chained_random_edits_stay_equal_to_a_clean_build() {
        let mut rand = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let words = [
            "限流",
            "令牌桶",
            "一致性",
            "kafka",
            "分区",
            "goroutine",
            "的",
            "锁",
        ];
        let mut book = bank(120, 12);
        let mut files = clean(&book, usize::MAX);
        for step in 0..40 {
            let mut to = book.clone();
            match rand(5) {
                // Text inserted into a field of one document.
                0 | 1 => {
                    let c = rand(to.len());
                    let d = rand(to[c].1.len());
                    let f = rand(3);
                    let w = words[rand(words.len())];
                    to[c].1[d].fields[f] = format!("{w} {}", to[c].1[d].fields[f]);
                }
                // A record added, or removed.
                2 => {
                    let name = format!("new{step}");
                    let n = 1 + rand(40);
                    let docs = (0..n)
                        .map(|i| doc(&name, i, words[i % words.len()]))
                        .collect();
                    to.insert(rand(to.len() + 1), (name, docs));
                }
                3 if to.len() > 1 => drop(to.remove(rand(to.len()))),
                // A question added to a record.
                _ => {
                    let c = rand(to.len());
                    let name = to[c].0.clone();
                    let i = to[c].1.len();
                    to[c].1.push(doc(&name, i, "分布式锁"));
                }
            }
            if apply(&mut files, &book, &to).is_none() {
                files = clean(&to, usize::MAX);
            }
            assert_eq!(files, clean(&to, usize::MAX), "step {step}");
            book = to;
        }
    }

    #[test]
    fn a_character_that_becomes_very_common_and_stops_being_one() {
        let from = bank(30, 4);
        // Thousands of terms that start with 一: they pass a shard and get shards of their own.
        let text: String = (0..9000u32)
            .filter_map(|i| char::from_u32(0x4E01 + i))
            .map(|c| format!("一{c} "))
            .collect();
        let mut to = from.clone();
        to[4].1[1].fields[1] = text;
        check(&from, &to);
        check(&to, &from);
    }

    #[test]
    fn term_shards_are_read_without_a_parser_and_anything_else_is_refused() {
        let cjk = r#"{"限":{"流":"AB","":"CD"},"桶":{}}"#;
        assert_eq!(
            scan(cjk, true).unwrap(),
            [("限", vec![("流", "AB"), ("", "CD")]), ("桶", vec![])]
        );
        assert_eq!(
            scan(r#"{"kafka":"AB","go":"C"}"#, false).unwrap(),
            [("kafka", vec![("", "AB")]), ("go", vec![("", "C")])]
        );
        assert_eq!(scan("{}", false).unwrap(), []);
        for bad in [
            r#"{"a"b":"AB"}"#,
            r#"{"kafka":"AB",}"#,
            r#"{"kafka":"AB"} "#,
            r#"{"kafka":"AB""#,
            r#"{"kafka":1}"#,
            "",
        ] {
            assert!(scan(bad, false).is_none(), "{bad}");
        }
        assert!(scan(r#"{"限":"AB"}"#, true).is_none());
    }

    #[test]
    fn posting_groups_round_trip() {
        let mut s = String::new();
        let mut last = 0;
        for (doc, field, positions) in [(3, 1, vec![0, 5]), (3, 2, vec![1]), (70000, 0, vec![9])] {
            super::super::push_group(&mut s, &mut last, doc, field, &positions);
        }
        let parsed = groups(&s).unwrap();
        assert_eq!(
            parsed.iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
            [(3, 1), (3, 2), (70000, 0)]
        );
        assert_eq!(parsed[0].2, rest(&[0, 5]));
        assert!(groups("A").is_none() && groups("!").is_none());
        let removed = HashSet::from([3]);
        let merged = merge(&s, &removed, &[(5, 0, rest(&[2]))]).unwrap();
        let groups = super::groups(&merged).unwrap();
        assert_eq!(groups.iter().map(|g| g.0).collect::<Vec<_>>(), [5, 70000]);
        // A group both kept and added is a bug in the change, not silently doubled.
        assert!(merge(&s, &HashSet::new(), &[(3, 1, rest(&[0]))]).is_none());
    }
}
