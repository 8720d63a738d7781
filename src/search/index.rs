//! The search index: documents (question cards, and heading sections of other chapters),
//! postings with positions, and the sharded files the browser loads on demand.
//!
//! Format 3 (documented for authors in `book/src/guide/search.md`): every file is a script
//! `qbankSearch.add(NAME, DATA)`, so it loads from a web server and from `file://` alike.
//! Documents are numbered so that an edit changes only the files that hold what it changed
//! (see [`Layout`]).
//! - `m`: the manifest `{v, n, b, c, s, w, h, a, x, o}`: document count; the CJK shard count
//!   `c` (a first character's shard is `(code point % b) * c / b`); the shards of very common
//!   characters (`s`); the word shard of each two-character prefix; the first document of each
//!   head and answer shard; the documents that are chapter sections rather than cards; and
//!   book order: `(first document, count)` of each chapter.
//! - `c<i>`: CJK terms by first character, `{"限": {"流": postings, "": postings}}`; `""` is
//!   the character alone at the end of a run. `c<code point>-<k>`: a very common character's.
//! - `w<i>`: words in order, by the hash of their first two characters.
//! - `h<first>`: document heads `{"<document>": [crumb, title, url, answer url, title text,
//!   prompt text]}`.
//! - `a<first>`: answer texts, loaded only when a teaser comes from an answer.
//!
//! A posting list is a string of variable-length numbers (5 bits a character, `A`–`Z`, `a`–`z`,
//! `0`–`9`, `-`, `_`; values 32+ carry on): for each (document, field) in order: document
//! delta × 3 + field, count, then the positions as deltas.

mod update;

use super::tokenize::{Term, collapse, terms};
use std::collections::{BTreeMap, HashMap};
pub use update::{Change, Update, update};

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

/// CJK occurrences, bucketed by first character (`code point % BUCKETS`), each packed into a
/// `u64` for sorting: the first character's high bits (9; its low 12 bits are the bucket),
/// the second character (21 bits; 0 for a run-final single character), and the occurrence's
/// place in the whole text of the index (32 bits, see [`Occurrences::place`]). Sorting a
/// bucket puts every term's postings in order, with no map of millions of terms. A bucket is
/// kept in blocks of fixed size, so growing it never holds twice its size.
struct Occurrences {
    buckets: Vec<Vec<Vec<u64>>>,
    /// Where each (document, field) starts among all places: field `d * 3 + f` holds places
    /// `starts[d * 3 + f]..starts[d * 3 + f + 1]`.
    starts: Vec<u32>,
}

/// About how much memory the CJK occurrences of one pass over the text may take.
const CJK_MEMORY: usize = 256 << 20;

/// Occurrences per block: 128 KiB, which glibc (with the CLI's mmap threshold) maps on its own
/// and gives back to the system when freed; the untouched tail of a partly filled block is
/// never resident.
const BLOCK: usize = 16 * 1024;

impl Occurrences {
    fn new() -> Self {
        Occurrences {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            starts: vec![0],
        }
    }

    /// The next field (document `doc`, field `field`, in order) has `chars` characters.
    /// Fails once the index would pass 2^32 characters in all.
    fn open_field(&mut self, chars: usize) -> std::io::Result<u32> {
        let start = *self.starts.last().unwrap_or(&0);
        let end = u32::try_from(chars + 1)
            .ok()
            .and_then(|n| start.checked_add(n))
            .ok_or_else(|| {
                std::io::Error::other("the search index cannot hold more than 4 billion characters")
            })?;
        self.starts.push(end);
        Ok(start)
    }

    fn push(&mut self, a: char, b: u32, place: u32) {
        let blocks = &mut self.buckets[(a as u32 % BUCKETS) as usize];
        let occ =
            (u64::from(a as u32 >> BUCKET_BITS) << 53) | (u64::from(b) << 32) | u64::from(place);
        match blocks.last_mut() {
            Some(block) if block.len() < BLOCK => block.push(occ),
            _ => {
                let mut block = Vec::with_capacity(BLOCK);
                block.push(occ);
                blocks.push(block);
            }
        }
    }

    /// (document, field, position) of a place, given the field `hint` of the previous one.
    fn place(&self, place: u32, hint: &mut usize) -> (u32, u32, u32) {
        let fits = |i: usize| self.starts[i] <= place && place < self.starts[i + 1];
        if !(*hint + 1 < self.starts.len() && fits(*hint)) {
            *hint = self
                .starts
                .partition_point(|&s| s <= place)
                .saturating_sub(1);
        }
        let i = *hint;
        ((i / 3) as u32, (i % 3) as u32, place - self.starts[i])
    }
}

/// CJK occurrences are bucketed by `code point % BUCKETS`; consecutive buckets share a shard,
/// as many as the bank's size gives (see [`Layout`]).
const BUCKET_BITS: u32 = 12;
const BUCKETS: u32 = 1 << BUCKET_BITS;
/// A character whose terms pass this size gets shards of its own. A query of N CJK
/// characters loads up to N − 1 term shards.
const TERM_SHARD: usize = 96 * 1024;
/// Documents for each CJK term shard and each word shard: about 96 KB of terms each on the
/// generated Chinese bank. Rounded to a power of two, so the counts change only when the
/// document count crosses one.
const DOCS_PER_CJK_SHARD: usize = 24;
const DOCS_PER_WORD_SHARD: usize = 640;
/// A head shard holds at least [`HEAD_MIN`] documents (an answer shard [`ANSWER_MIN`]) and
/// ends before the next document whose number picks a cut, about one in [`ROW_EVERY`]: about
/// 32 heads (18 KB) and 48 answers (48 KB) on the generated bank. Cuts that only a document's
/// own number picked would make shards of very uneven sizes, and a result is most likely to
/// fall in a big one; the minimum keeps them even, and cuts still fall back in step a shard
/// or two after an edit. Answers are loaded only for results whose teaser is in the answer.
const HEAD_MIN: usize = 16;
const ANSWER_MIN: usize = 32;
const ROW_EVERY: u64 = 16;
/// Documents for each slot of the number space: a record of up to 32 questions takes one.
const PER_SLOT: u64 = 32;
/// The numbering table has at least this many times the slots the chapters take (see
/// [`Layout`]).
const ROOM: u64 = 32;

/// Where every document sits in the index, which makes each part of the index depend only on
/// the documents it holds, so that an edit changes only the files that hold what it changed.
///
/// - **Document numbers** do not follow book order, which an inserted record would shift.
///   Each chapter takes a run of slots (one for up to `PER_SLOT` (32) documents) at the slot its
///   source path hashes to, or the first free one after it; its documents are numbered from
///   there. Placement goes in order of (home slot, path), so it depends only on the set of
///   chapters, never on the order they were added in, and a new chapter moves at most the
///   chapters that sit right after it. The table has at least 32 times as many slots as the
///   chapters take, so that is rare (`a_record_added_rarely_moves_another`); the sparser
///   numbers make the index about 4% bigger than a table twice the size would. The
///   manifest's `o` gives book order.
/// - **Shards** are a function of what they hold: a CJK term's shard of its first character, a
///   word's of its first two characters, a head's or an answer's of its document number.
///
/// Counts of shards and the size of the table are powers of two of the bank's size: when the
/// document count or the slots the chapters take cross one, every file changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Each document's number, in book order.
    ids: Vec<u32>,
    /// `(first number, document count)` of each chapter with documents, in book order.
    chapters: Vec<(u32, u32)>,
}

/// A well-mixed 64-bit hash (FNV-1a, then the splitmix64 finalizer).
fn mix(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

fn hash(s: &str) -> u64 {
    mix(crate::text::fnv(s))
}

impl Layout {
    /// The layout of chapters given as `(key, document count)` in book order, where the key
    /// is the chapter's source path (`/`-separated) and the documents follow in that order.
    /// Fails when the numbers would not fit the format.
    pub fn new<'a>(
        chapters: impl IntoIterator<Item = (&'a str, usize)>,
    ) -> std::io::Result<Layout> {
        let chapters: Vec<(&str, u64)> = chapters
            .into_iter()
            .filter(|c| c.1 > 0)
            .map(|(k, n)| (k, n as u64))
            .collect();
        let slots = |n: u64| n.div_ceil(PER_SLOT);
        let total: u64 = chapters.iter().map(|c| slots(c.1)).sum();
        let bits = (total * ROOM).max(2).next_power_of_two().trailing_zeros();
        let home = |key: &str| hash(key) >> (64 - bits);
        let mut order: Vec<(u64, &str, usize)> = chapters
            .iter()
            .enumerate()
            .map(|(i, c)| (home(c.0), c.0, i))
            .collect();
        order.sort_unstable();
        let mut starts = vec![0u64; chapters.len()];
        let mut next = 0;
        for (home, _, i) in order {
            let at = home.max(next);
            starts[i] = at * PER_SLOT;
            next = at + slots(chapters[i].1);
        }
        // Document number × 3 + field must fit the posting numbers' u32.
        if next * PER_SLOT * 3 >= u64::from(u32::MAX) {
            return Err(std::io::Error::other(
                "the search index cannot number this many documents",
            ));
        }
        let chapters: Vec<(u32, u32)> = chapters
            .iter()
            .zip(&starts)
            .map(|(c, &s)| (s as u32, c.1 as u32))
            .collect();
        let ids = chapters.iter().flat_map(|&(s, n)| s..s + n).collect();
        Ok(Layout { ids, chapters })
    }

    /// All documents as one chapter.
    #[cfg(test)]
    fn one(docs: usize) -> Layout {
        Layout::new([("", docs)]).expect("one chapter fits")
    }

    /// The number of each document, in book order.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// Indexes of the documents (in book order) in number order.
    fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.ids.len()).collect();
        order.sort_unstable_by_key(|&i| self.ids[i]);
        order
    }
}

/// How many CJK term shards and word shards an index of `docs` documents has.
fn shard_counts(docs: usize) -> (u32, u32) {
    let pow =
        |per: usize, max: u32| (docs.div_ceil(per).max(1).next_power_of_two() as u32).min(max);
    (
        pow(DOCS_PER_CJK_SHARD, BUCKETS),
        pow(DOCS_PER_WORD_SHARD, 4096),
    )
}

/// Whether document `id` may start a shard of rows of `kind` (`h` heads, `a` answers), and
/// the fewest documents such a shard holds.
fn row_rule(kind: &str) -> (fn(u32) -> bool, usize) {
    fn head(id: u32) -> bool {
        mix(u64::from(id) ^ 0x68ea_d5ee_d5ee_d5ee).is_multiple_of(ROW_EVERY)
    }
    fn answer(id: u32) -> bool {
        mix(u64::from(id) ^ 0x0a25_e75e_7a25_e75e).is_multiple_of(ROW_EVERY)
    }
    match kind {
        "h" => (head, HEAD_MIN),
        _ => (answer, ANSWER_MIN),
    }
}

/// The word shard of a word's first two characters.
fn word_shard(prefix: &str, shards: u32) -> u32 {
    (hash(prefix) % u64::from(shards)) as u32
}

/// The built index: file name → file content.
#[derive(Debug)]
pub struct Built {
    /// `(file name, content)` of every index file.
    pub files: Vec<(String, String)>,
    /// How many documents were indexed.
    pub docs: usize,
    /// How many distinct terms.
    pub terms: usize,
}

/// Indexes `docs`, numbered as `layout` says, in memory (for `serve` and tests). Fails past 4
/// billion characters.
pub fn build(docs: &[Doc], layout: &Layout) -> std::io::Result<Built> {
    build_in_passes(docs, layout, CJK_MEMORY)
}

/// [`build`], keeping CJK occurrences to about `memory` bytes a pass, as a big bank's index is
/// made: every pass count must give the same files. For the fuzz target and tests.
#[doc(hidden)]
pub fn build_in_passes(docs: &[Doc], layout: &Layout, memory: usize) -> std::io::Result<Built> {
    let mut files = Vec::new();
    let terms = index_within(
        docs,
        layout,
        &mut |name, content| {
            files.push((name, text_of(content)));
        },
        memory,
    )?;
    Ok(Built {
        files,
        docs: docs.len(),
        terms,
    })
}

/// What [`write_to`] wrote.
#[derive(Debug)]
pub struct Written {
    /// How many files were written.
    pub files: usize,
    /// Their size in bytes.
    pub bytes: usize,
    /// How many documents were indexed.
    pub docs: usize,
    /// How many distinct terms.
    pub terms: usize,
}

/// Indexes `docs` (numbered as `layout` says) into `dir`, writing each file as soon as it is
/// complete, so the index is never held in memory whole.
pub fn write_to(docs: &[Doc], layout: &Layout, dir: &std::path::Path) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let (mut files, mut bytes) = (0, 0);
    let mut error = None;
    let terms = index_within(
        docs,
        layout,
        &mut |name, content| {
            if error.is_none() {
                files += 1;
                bytes += content.len();
                if let Err(e) = std::fs::write(dir.join(format!("{name}.js")), content) {
                    error = Some(e);
                }
            }
        },
        CJK_MEMORY,
    )?;
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

/// Indexes `docs` in number order, handing each finished file to `sink`, with CJK occurrences
/// kept to about `memory` bytes a pass. Returns the term count.
fn index_within(
    docs: &[Doc],
    layout: &Layout,
    sink: &mut dyn FnMut(String, Vec<u8>),
    memory: usize,
) -> std::io::Result<usize> {
    if layout.ids.len() != docs.len() {
        return Err(std::io::Error::other(format!(
            "the search layout numbers {} documents, not {}",
            layout.ids.len(),
            docs.len()
        )));
    }
    // Documents are read in number order; `ids[k]` is the number of the k-th read.
    let order = layout.order();
    let ids: Vec<u32> = order.iter().map(|&i| layout.ids[i]).collect();
    let (cjk_count, word_count) = shard_counts(docs.len());
    // Words are few: each gets a number the first time it is seen, and its postings.
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<(String, Posting)> = Vec::new();
    let mut field_words: Vec<(u32, u32)> = Vec::new();
    let mut positions = Vec::new();
    // CJK occurrences go straight into their bucket; each bucket is sorted on its own (small
    // enough to stay in cache). A big bank's buckets are filled and written in several passes
    // over the text, so that their occurrences never take more than about `memory`: each
    // CJK character is one occurrence, and nearly every one is three bytes of UTF-8.
    let estimate: usize = docs
        .iter()
        .flat_map(|d| d.fields.iter())
        .map(|f| f.bytes().filter(|b| b & 0xF0 == 0xE0).count())
        .sum();
    // A pass covers whole shards.
    let passes = (estimate * std::mem::size_of::<u64>())
        .div_ceil(memory.max(1))
        .clamp(1, cjk_count as usize);
    let mut cjk = Occurrences::new();
    let mut writer = CjkWriter {
        shards: cjk_count,
        ..CjkWriter::default()
    };
    for pass in 0..passes {
        let shards = cjk_count as usize;
        let per = BUCKETS as usize / shards;
        let (lo, hi) = (
            pass * shards / passes * per,
            (pass + 1) * shards / passes * per,
        );
        let mine = |c: char| (lo..hi).contains(&((c as u32 % BUCKETS) as usize));
        for (k, &di) in order.iter().enumerate() {
            let doc = &docs[di];
            for (field, text) in doc.fields.iter().enumerate() {
                let start = if pass == 0 {
                    cjk.open_field(text.chars().count())?
                } else {
                    cjk.starts[k * 3 + field]
                };
                if pass > 0 {
                    terms(text, |t, p| match t {
                        Term::Uni(c) if mine(c) => cjk.push(c, 0, start + p),
                        Term::Bi(a, b) if mine(a) => cjk.push(a, b as u32, start + p),
                        _ => {}
                    });
                    continue;
                }
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
                    Term::Uni(c) if mine(c) => cjk.push(c, 0, start + p),
                    Term::Bi(a, b) if mine(a) => cjk.push(a, b as u32, start + p),
                    Term::Uni(_) | Term::Bi(..) => {}
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
                        .add(ids[k], field, &positions);
                }
            }
        }
        cjk_shards(&mut writer, &mut cjk, &ids, lo..hi, sink);
    }
    drop(word_ids);
    let cjk = writer.out;
    let prefixes = word_shards(&words, word_count, sink);
    let (heads, answers) = doc_shards(docs, &order, &ids, &|_, _| true, sink);

    let manifest = manifest(
        docs, layout, cjk_count, &cjk.hot, &prefixes, &heads, &answers,
    );
    sink("m".into(), manifest);
    Ok(cjk.terms + words.len())
}

/// The manifest file `m` (see the module's documentation).
fn manifest(
    docs: &[Doc],
    layout: &Layout,
    cjk_count: u32,
    hot: &BTreeMap<String, (Vec<String>, Vec<String>)>,
    prefixes: &BTreeMap<String, u32>,
    heads: &[u32],
    answers: &[u32],
) -> Vec<u8> {
    // Sections of ordinary chapters (not question cards) rank below cards with the same hits.
    let mut sections: Vec<u32> = docs
        .iter()
        .zip(&layout.ids)
        .filter(|(d, _)| d.kind_section)
        .map(|(_, &id)| id)
        .collect();
    sections.sort_unstable();
    let book_order: Vec<u32> = layout.chapters.iter().flat_map(|&(s, n)| [s, n]).collect();
    let manifest = serde_json::json!({
        "v": 3,
        "n": docs.len(),
        "b": BUCKETS,
        "c": cjk_count,
        "s": hot,
        "w": prefixes,
        "h": heads,
        "a": answers,
        "x": sections,
        "o": book_order,
    });
    js_file("m", manifest.to_string().as_bytes())
}

/// The CJK shards' bookkeeping, for the manifest.
#[derive(Default)]
struct CjkShards {
    /// Characters too common for one shard: their terms, by second character, in shards of
    /// their own: (first second character of each shard, shard names after `c`).
    hot: BTreeMap<String, (Vec<String>, Vec<String>)>,
    terms: usize,
}

/// What [`cjk_shards`] carries from one pass to the next.
#[derive(Default)]
struct CjkWriter {
    out: CjkShards,
    /// How many shards the buckets are cut into.
    shards: u32,
    /// The shard being filled, as JSON object members: `"限":{"流":"…","":"…"},"…":{…}`.
    json: String,
}

/// Writes the `c<i>` shards of the buckets in `range`: shard `i` holds the terms of the
/// `i`-th run of `BUCKETS / shards` buckets. A character whose terms alone pass
/// [`TERM_SHARD`] (`一`, `的`…) gets shards of its own, `c<code point>-<k>`, cut between
/// second characters, so that a query such as `一致性` loads one of them rather than
/// everything that starts with `一`.
fn cjk_shards(
    w: &mut CjkWriter,
    occurrences: &mut Occurrences,
    ids: &[u32],
    range: std::ops::Range<usize>,
    sink: &mut dyn FnMut(String, Vec<u8>),
) {
    let CjkWriter { out, shards, json } = w;
    let per = BUCKETS as usize / *shards as usize;
    let mut positions = Vec::new();
    // One first character's terms (`"流":"…","":"…"`), and where each term starts.
    let mut group = String::new();
    let mut starts: Vec<(u32, usize)> = Vec::new();
    let mut hint = 0;
    let mut write = |name: String, body: &str| {
        sink(
            name.clone(),
            js_file(&name, format!("{{{body}}}").as_bytes()),
        );
    };
    for i in range {
        let blocks = std::mem::take(&mut occurrences.buckets[i]);
        // One bucket at a time in one piece: its blocks are freed as they are copied.
        let mut occ = Vec::with_capacity(blocks.iter().map(Vec::len).sum());
        for block in blocks {
            occ.extend_from_slice(&block);
        }
        occ.sort_unstable();
        let first_of = |o: u64| ((o >> 53) as u32) << BUCKET_BITS | i as u32;
        let mut k = 0;
        while k < occ.len() {
            let first = first_of(occ[k]);
            group.clear();
            starts.clear();
            while k < occ.len() && first_of(occ[k]) == first {
                let key = occ[k] >> 32;
                let second = (key & 0x1F_FFFF) as u32;
                open_term(&mut group, &mut starts, second);
                let mut last_doc = 0;
                while k < occ.len() && occ[k] >> 32 == key {
                    let (doc, field, pos) = occurrences.place(occ[k] as u32, &mut hint);
                    let run = hint;
                    positions.clear();
                    positions.push(pos);
                    k += 1;
                    while k < occ.len() && occ[k] >> 32 == key {
                        let (_, _, pos) = occurrences.place(occ[k] as u32, &mut hint);
                        if hint != run {
                            break;
                        }
                        positions.push(pos);
                        k += 1;
                    }
                    push_group(
                        &mut group,
                        &mut last_doc,
                        ids[doc as usize],
                        field,
                        &positions,
                    );
                }
                group.push('"');
                out.terms += 1;
            }
            let first = char::from_u32(first).unwrap_or(' ');
            place_group(first, &group, &starts, json, &mut out.hot, &mut write);
        }
        if (i + 1) % per == 0 {
            write(format!("c{}", i / per), json);
            json.clear();
        }
    }
}

/// Starts the term with second character `second` (0: the first character alone) in a first
/// character's `group` (`"流":"…","":"…"`), noting where it starts in `starts`; its postings
/// and the closing quote follow.
fn open_term(group: &mut String, starts: &mut Vec<(u32, usize)>, second: u32) {
    if !group.is_empty() {
        group.push(',');
    }
    starts.push((second, group.len()));
    // CJK characters never need escaping in JSON.
    group.push('"');
    if let Some(b) = char::from_u32(second).filter(|c| *c != '\0') {
        group.push(b);
    }
    group.push_str("\":\"");
}

/// Puts one first character's terms (`group`: `"流":"…","":"…"`, the term with second
/// character `starts[i].0` starting at byte `starts[i].1`) into the shard being filled
/// (`json`), or, past [`TERM_SHARD`], into shards of its own, cut between terms, handed to
/// `write` as (name, object members).
fn place_group(
    first: char,
    group: &str,
    starts: &[(u32, usize)],
    json: &mut String,
    hot: &mut BTreeMap<String, (Vec<String>, Vec<String>)>,
    write: &mut dyn FnMut(String, &str),
) {
    if group.len() <= TERM_SHARD {
        if !json.is_empty() {
            json.push(',');
        }
        json.push('"');
        json.push(first);
        json.push_str("\":{");
        json.push_str(group);
        json.push('}');
        return;
    }
    let (mut cuts, mut names) = (Vec::new(), Vec::new());
    let mut from = 0;
    while from < starts.len() {
        let mut to = from + 1;
        while to < starts.len() && starts[to].1 - starts[from].1 < TERM_SHARD {
            to += 1;
        }
        let end = starts.get(to).map_or(group.len(), |s| s.1 - 1);
        let body = &group[starts[from].1..end];
        cuts.push(
            char::from_u32(starts[from].0)
                .filter(|c| *c != '\0')
                .map_or(String::new(), String::from),
        );
        let name = format!("{}-{}", first as u32, names.len());
        write(format!("c{name}"), &format!("\"{first}\":{{{body}}}"));
        names.push(name);
        from = to;
    }
    hot.insert(first.to_string(), (cuts, names));
}

/// Writes the `shards` word shards: a word is in the shard its first two characters hash to,
/// in order. Returns the shard of each prefix.
fn word_shards(
    words: &[(String, Posting)],
    shards: u32,
    sink: &mut dyn FnMut(String, Vec<u8>),
) -> BTreeMap<String, u32> {
    let prefix = |w: &str| w.chars().take(2).collect::<String>();
    let mut shard_of = BTreeMap::new();
    let mut by_shard: Vec<Vec<(&str, &str)>> = vec![Vec::new(); shards as usize];
    for (w, p) in words {
        let pre = prefix(w);
        let shard = *shard_of
            .entry(pre)
            .or_insert_with_key(|pre| word_shard(pre, shards));
        by_shard[shard as usize].push((w.as_str(), p.data.as_str()));
    }
    for (i, mut terms) in by_shard.into_iter().enumerate() {
        terms.sort_unstable();
        let name = format!("w{i}");
        sink(name.clone(), js_file(&name, json_object(&terms).as_bytes()));
    }
    shard_of
}

/// Where the shards of rows of `kind` (see [`row_rule`]) start among documents numbered
/// `ids` (in number order): at the first, and then at each the rule picks once a shard holds
/// its minimum. Each shard is a range of `ids`.
fn row_cuts(ids: &[u32], kind: &str) -> Vec<std::ops::Range<usize>> {
    let (starts, min) = row_rule(kind);
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        match cuts.last_mut() {
            Some(last) if last.len() < min || !starts(id) => last.end = i + 1,
            _ => cuts.push(i..i + 1),
        }
    }
    cuts
}

/// One shard of rows: `NAME<first document>` holding `{"<document>": row, …}`.
fn row_file<R: serde::Serialize>(
    name: &str,
    rows: impl Iterator<Item = (u32, R)>,
    sink: &mut dyn FnMut(String, Vec<u8>),
) {
    let mut json = Vec::new();
    let mut first = None;
    for (id, row) in rows {
        json.push(if first.is_none() { b'{' } else { b',' });
        first.get_or_insert(id);
        json.extend_from_slice(format!("\"{id}\":").as_bytes());
        // Serializing strings into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut json, &row);
    }
    let Some(first) = first else { return };
    json.push(b'}');
    let name = format!("{name}{first}");
    let content = js_file(&name, &json);
    sink(name, content);
}

/// A document's head: what a result shows before its answer.
fn head(d: &Doc) -> impl serde::Serialize + '_ {
    (
        &d.crumb,
        &d.title,
        &d.url,
        &d.answer_url,
        &d.fields[0],
        &d.fields[1],
    )
}

/// Writes the head and answer shards of documents `docs` read in `order` (numbered `ids`),
/// those `wanted` says (by first document). Returns the first document of every shard.
fn doc_shards(
    docs: &[Doc],
    order: &[usize],
    ids: &[u32],
    wanted: &dyn Fn(&str, u32) -> bool,
    sink: &mut dyn FnMut(String, Vec<u8>),
) -> (Vec<u32>, Vec<u32>) {
    let firsts = |kind: &str, sink: &mut dyn FnMut(String, Vec<u8>)| {
        let cuts = row_cuts(ids, kind);
        for cut in &cuts {
            if !wanted(kind, ids[cut.start]) {
                continue;
            }
            let rows = cut.clone().map(|k| (ids[k], &docs[order[k]]));
            match kind {
                "h" => row_file(kind, rows.map(|(id, d)| (id, head(d))), sink),
                _ => row_file(kind, rows.map(|(id, d)| (id, &d.fields[2])), sink),
            }
        }
        cuts.iter().map(|c| ids[c.start]).collect::<Vec<u32>>()
    };
    let heads = firsts("h", sink);
    (heads, firsts("a", sink))
}

/// A file's bytes as text, without a copy (every file is JSON written from strings).
fn text_of(content: Vec<u8>) -> String {
    String::from_utf8(content)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `qbankSearch.add(NAME,JSON);`: a shard is a script, so it loads from `file://` too.
fn js_file(name: &str, json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + name.len() + 24);
    out.extend_from_slice(b"qbankSearch.add(");
    let _ = serde_json::to_writer(&mut out, name);
    out.push(b',');
    out.extend_from_slice(json);
    out.extend_from_slice(b");\n");
    out
}

fn json_object(pairs: &[(&str, &str)]) -> String {
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

    /// A character with more terms than a shard holds gets shards of its own, cut between
    /// second characters in order, each holding only that character.
    #[test]
    fn very_common_characters_get_their_own_shards() {
        // 一 alone once (a run-final character), then 一 before 9,000 different characters.
        let text: String = "一 ".to_string()
            + &(0..9000u32)
                .filter_map(|i| char::from_u32(0x4E01 + i))
                .map(|c| format!("一{c} "))
                .collect::<String>();
        let doc = Doc {
            crumb: "r".into(),
            title: "t".into(),
            url: "a.html#x".into(),
            answer_url: None,
            fields: [String::new(), text, String::new()],
            kind_section: false,
        };
        let b = build(&[doc], &Layout::one(1)).unwrap();
        let parse = |name: &str| -> serde_json::Value {
            let content = &b.files.iter().find(|f| f.0 == name).unwrap().1;
            let json = content
                .strip_prefix(&format!("qbankSearch.add(\"{name}\","))
                .and_then(|c| c.strip_suffix(");\n"))
                .unwrap();
            serde_json::from_str(json).unwrap()
        };
        let m = parse("m");
        let hot = &m["s"]["一"];
        let (cuts, ids) = (hot[0].as_array().unwrap(), hot[1].as_array().unwrap());
        assert!(ids.len() >= 2, "{hot}");
        assert_eq!(cuts[0], "", "the character alone sorts first");
        let mut seen = 0;
        let mut last = None;
        for (cut, id) in cuts.iter().zip(ids) {
            let shard = parse(&format!("c{}", id.as_str().unwrap()));
            let obj = shard.as_object().unwrap();
            assert_eq!(
                obj.keys().collect::<Vec<_>>(),
                ["一"],
                "only 一 in its shards"
            );
            let seconds: Vec<u32> = obj["一"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.chars().next().map_or(0, |c| c as u32))
                .collect();
            let lowest = *seconds.iter().min().unwrap();
            assert_eq!(
                lowest,
                cut.as_str().unwrap().chars().next().map_or(0, |c| c as u32)
            );
            assert!(
                last.is_none_or(|l| l < lowest),
                "shards follow each other in order"
            );
            last = seconds.iter().max().copied();
            seen += seconds.len();
        }
        assert_eq!(seen, 9000 + 1, "every pair, and 一 alone");
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
        let b = build(
            &[doc("令牌桶", "Kafka 分区"), doc("热key", "goroutine泄漏")],
            &Layout::one(2),
        )
        .unwrap();
        let names: Vec<&str> = b.files.iter().map(|f| f.0.as_str()).collect();
        assert!(names.contains(&"m"));
        assert!(
            names.iter().any(|n| n.starts_with('h')) && names.iter().any(|n| n.starts_with('a'))
        );
        let all: String = b.files.iter().map(|f| f.1.as_str()).collect();
        assert!(
            all.contains("\"令\":{\"牌\":")
                && all.contains("\"桶\":{\"\":")
                && all.contains("\"kafka\":")
                && all.contains("\"goroutine\":")
        );
        // Every file is a script that parses.
        for (name, content) in &b.files {
            let json = content
                .strip_prefix(&format!("qbankSearch.add(\"{name}\","))
                .and_then(|c| c.strip_suffix(");\n"))
                .unwrap();
            serde_json::from_str::<serde_json::Value>(json).unwrap();
        }
        assert!(names.contains(&"w0") && names.contains(&"c0"));
    }

    #[test]
    fn several_passes_write_the_same_index_as_one() {
        let text = |i: usize| {
            let chars: Vec<char> = "限流算法令牌桶一致性哈希分布式锁消息队列的了是"
                .chars()
                .collect();
            (0..200)
                .map(|k| chars[(i * 7 + k * k) % chars.len()])
                .collect::<String>()
                + " kafka goroutine"
        };
        let docs: Vec<Doc> = (0..40)
            .map(|i| Doc {
                crumb: "r".into(),
                title: format!("{i}. t"),
                url: format!("r.html#{i}"),
                answer_url: None,
                fields: [text(i), text(i + 1), text(i + 2)],
                kind_section: false,
            })
            .collect();
        let run = |memory| {
            let mut files = Vec::new();
            let layout = Layout::one(docs.len());
            let terms =
                index_within(&docs, &layout, &mut |n, c| files.push((n, c)), memory).unwrap();
            (files, terms)
        };
        let one = run(usize::MAX);
        for memory in [1, 1000, 20_000] {
            assert_eq!(run(memory), one, "{memory}");
        }
    }

    /// A record added to a bank of 2,000 moves almost no other record's numbers: in a table
    /// with room for 32 times the slots, 8 of 300 insertions moved one record each. With room
    /// for two, 300 insertions moved 304 records, one of them 15; each record moved rewrites
    /// every shard its terms are in.
    #[test]
    fn a_record_added_rarely_moves_another() {
        let keys: Vec<(String, usize)> = (0..2000)
            .map(|i| (format!("src/record-{i:04}.md"), 50))
            .collect();
        let before = super::Layout::new(keys.iter().map(|(k, n)| (k.as_str(), *n))).unwrap();
        let (mut moved, mut worst) = (0, 0);
        let trials = 300;
        for t in 0..trials {
            let mut after = keys.clone();
            after.insert(1000, (format!("src/new-{t}.md"), 1 + t % 60));
            let after = super::Layout::new(after.iter().map(|(k, n)| (k.as_str(), *n))).unwrap();
            let here = (0..2000)
                .filter(|&i| before.chapters[i].0 != after.chapters[i + usize::from(i >= 1000)].0)
                .count();
            moved += here;
            worst = worst.max(here);
        }
        assert!(
            moved * 20 < trials,
            "{moved} records moved in {trials} insertions"
        );
        assert!(worst <= 2, "{worst} records moved by one insertion");
    }
}
