//! Builds a copy of a book the way a stock-mdBook user does: `mdbook-qbank install`, then
//! mdBook's own build (mdbook-driver, as `mdbook build` runs it), with this workspace's
//! `mdbook-qbank` as the preprocessor and the `qbank-search` output. For the browser tests.
//!
//! Usage: `cargo build --release -p mdbook-qbank --bins --examples &&
//!         target/release/examples/stock-build BOOK OUT` (the site lands in `OUT/html`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            // A previous build's output is not part of the book.
            if entry.file_name() != "book" {
                copy_dir(&entry.path(), &dest)?;
            }
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [book, out] = args.as_slice() else {
        return Err("usage: stock-build BOOK OUT".into());
    };
    // target/release/examples/stock-build → target/release/mdbook-qbank
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("mdbook-qbank"))
        .filter(|b| b.exists())
        .ok_or("build the mdbook-qbank binary first (cargo build -p mdbook-qbank --bins)")?;
    let work = out.with_extension("book");
    let _ = std::fs::remove_dir_all(&work);
    copy_dir(book, &work)?;
    if !Command::new(&bin)
        .arg("install")
        .arg(&work)
        .status()?
        .success()
    {
        return Err("mdbook-qbank install failed".into());
    }
    let toml_path = work.join("book.toml");
    let toml = std::fs::read_to_string(&toml_path)?
        .replace(
            "\"mdbook-qbank render\"",
            &format!("{:?}", format!("{} render", bin.display())),
        )
        .replace(
            "[preprocessor.qbank]\n",
            &format!(
                "[preprocessor.qbank]\ncommand = {:?}\n",
                bin.display().to_string()
            ),
        );
    std::fs::write(&toml_path, toml)?;
    let mut md = mdbook_driver::MDBook::load(&work)?;
    md.config.build.build_dir = std::path::absolute(out)?;
    md.build()?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}
