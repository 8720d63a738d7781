//! Search index build time on a generated bank, without writing files: what the index thread
//! of `qbank build` spends on CPU. Run: `cargo bench --bench index [QUESTIONS]`.
//! Prints medians; no pass/fail. `benches/search-vs-mdbook.sh` measures whole builds.

mod common;
#[path = "../tests/support/synth.rs"]
mod synth;
use common::median;

use mdbook_preprocessor::book::{Book, Chapter};
use qbank::config::Config;
use qbank::lint::check_book;
use std::hint::black_box;
use std::path::Path;

fn main() {
    let questions: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let (files, _) = synth::bank(questions.div_ceil(50), 50);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let mut book = Book::new();
    for (name, text) in files {
        book.push_item(Chapter::new(&name, text, &name, Vec::new()));
    }
    let cfg = Config::default();
    let bank = check_book(&book, &cfg, Path::new("src"));
    let (docs, spans) = qbank::search::documents_by_chapter(&book, &bank, &cfg, None);
    let layout = qbank::search::layout(&spans).expect("a layout");
    let t_docs = median(
        || drop(black_box(qbank::search::documents(&book, &bank, &cfg))),
        5,
    );
    let mut built = None;
    let t_index = median(
        || built = Some(qbank::search::index::build(&docs, &layout).expect("an index")),
        5,
    );
    let built = built.expect("built");
    let index_bytes: usize = built.files.iter().map(|f| f.1.len()).sum();
    println!(
        "{questions} questions, {:.1} MB of markdown: documents {:.0?}, index {:.0?}; \
         {} files, {:.1} MB, {} terms",
        bytes as f64 / 1e6,
        t_docs,
        t_index,
        built.files.len(),
        index_bytes as f64 / 1e6,
        built.terms
    );
}
