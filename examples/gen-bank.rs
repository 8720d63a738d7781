//! Writes a deterministic generated bank in the seed's format, for benchmarks:
//! `cargo run --release --example gen-bank -- DIR QUESTIONS [PER_RECORD]`.

#[path = "../tests/support/synth.rs"]
mod synth;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bank".into()));
    let questions: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let per_record: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(50);
    let records = questions.div_ceil(per_record);
    let (files, summary) = synth::bank(records, per_record);
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Generated bank\"\nlanguage = \"zh\"\n\n[preprocessor.qbank]\n",
    )?;
    std::fs::write(dir.join("src/SUMMARY.md"), summary)?;
    let mut bytes = 0;
    for (name, text) in &files {
        bytes += text.len();
        std::fs::write(dir.join("src").join(name), text)?;
    }
    eprintln!(
        "wrote {} records, {} questions, {:.1} MB of markdown to {}",
        files.len(),
        records * per_record,
        bytes as f64 / 1e6,
        dir.display()
    );
    Ok(())
}
