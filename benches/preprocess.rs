//! Preprocessing time (parse + check + render of a record) next to one pulldown-cmark parse of
//! the same text, on generated banks in the seed's format. Target: at most 3x one parse.
//!
//! Run: `cargo bench --bench preprocess`. Prints medians of repeated runs; no pass/fail.

mod common;
#[path = "../tests/support/synth.rs"]
mod synth;
use common::median;

use qbank::config::Config;
use qbank::parse::parse;
use qbank::render::Renderer;
use std::hint::black_box;
use std::path::Path;

fn main() {
    let cfg = Config::default();
    let renderer = Renderer::new();
    let targets = qbank::lint::links::Targets::new();
    let seed = include_str!("../book/src/go-backend-round2.md");
    println!(
        "{:<28} {:>10} {:>12} {:>12} {:>14} {:>8}",
        "input", "bytes", "cmark parse", "qbank parse", "qbank total", "ratio"
    );
    let mut inputs: Vec<(String, String)> = vec![("seed (10 questions)".into(), seed.to_string())];
    for n in [100, 1000, 10_000] {
        inputs.push((
            format!("generated ({n} questions)"),
            synth::record("bench", n, 7),
        ));
    }
    for (name, text) in &inputs {
        let runs = if text.len() > 5_000_000 { 5 } else { 21 };
        let opts = mdbook_markdown::MarkdownOptions::default();
        let cmark = median(
            || {
                for ev in mdbook_markdown::new_cmark_parser(text, &opts).into_offset_iter() {
                    black_box(ev);
                }
            },
            runs,
        );
        let ours = median(
            || {
                let p = parse(Path::new("bench.md"), text, &cfg);
                let r = p.record.expect("a record");
                black_box(renderer.record(&r, text, &cfg, "", &targets).unwrap());
            },
            runs,
        );
        let parse_only = median(
            || {
                black_box(parse(Path::new("bench.md"), text, &cfg));
            },
            runs,
        );
        println!(
            "{:<28} {:>10} {:>12.2?} {:>12.2?} {:>14.2?} {:>7.2}x",
            name,
            text.len(),
            cmark,
            parse_only,
            ours,
            ours.as_secs_f64() / cmark.as_secs_f64()
        );
    }
}
