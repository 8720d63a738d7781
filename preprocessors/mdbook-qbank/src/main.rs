//! `mdbook-qbank`: qbank for stock `mdbook build` and `mdbook serve`.
//!
//! A thin adapter over mdBook's preprocessor protocol; all the work happens in the `qbank`
//! library, so stock mdBook and `qbank build` produce the same cards.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use mdbook_preprocessor::Preprocessor;
use qbank::site::assets::{ASSETS, Asset};
use qbank::site::preprocessor::QbankPreprocessor;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mdbook-qbank",
    version,
    about = "mdBook preprocessor for qbank interview records"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Asked by mdBook: does qbank support RENDERER? Exit code 0 means yes.
    Supports { renderer: String },
    /// Add qbank to a book: copies qbank's CSS and JS into the book root and registers the
    /// preprocessor, the assets and qbank's search in book.toml. Run it again after
    /// upgrading mdbook-qbank.
    Install {
        /// The book root (holding book.toml).
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Keep mdBook's own search (which finds no Chinese) instead of qbank's. qbank's needs
        /// a second output, so mdBook writes the site to BUILD_DIR/html/.
        #[arg(long)]
        no_search: bool,
    },
    /// Asked by mdBook as the `qbank-search` output: writes qbank's search index into the
    /// HTML site.
    #[command(hide = true)]
    Render,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Supports { renderer }) => {
            return match QbankPreprocessor::external().supports_renderer(&renderer) {
                Ok(true) => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            };
        }
        Some(Command::Install { book, no_search }) => install(&book, !no_search),
        Some(Command::Render) => render(),
        None => preprocess(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mdbook-qbank: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn preprocess() -> Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(io::stdin())?;
    if ctx.mdbook_version != mdbook_preprocessor::MDBOOK_VERSION {
        eprintln!(
            "mdbook-qbank: warning: built against mdBook {}, called by mdBook {}",
            mdbook_preprocessor::MDBOOK_VERSION,
            ctx.mdbook_version
        );
    }
    let book = QbankPreprocessor::external().run(&ctx, book)?;
    serde_json::to_writer(io::stdout(), &book).context("writing the book to mdBook")?;
    Ok(())
}

fn render() -> Result<()> {
    let ctx = mdbook_renderer::RenderContext::from_json(io::stdin())?;
    let written =
        qbank::search::write_for_stock_mdbook(&ctx.root, &ctx.book, &ctx.config, &ctx.destination)?;
    qbank::site::write_study_data_for_stock_mdbook(&ctx.root, &ctx.book, &ctx.config)?;
    if let Some(w) = written {
        eprintln!(
            "mdbook-qbank: search index of {} documents written ({} files, {} KB)",
            w.docs,
            w.files,
            w.bytes / 1024
        );
    }
    Ok(())
}

/// Writes the assets and registers them and the preprocessor in book.toml, keeping the file's
/// comments and layout.
fn install(root: &Path, search: bool) -> Result<()> {
    let toml_path = root.join("book.toml");
    let text = std::fs::read_to_string(&toml_path)
        .with_context(|| format!("reading {}", toml_path.display()))?;
    // The practice edition carries no interviewers' material: which edition book.toml asks
    // for decides what is installed (a bad value is the build's to report; it means handbook).
    let practice = text
        .parse::<mdbook_preprocessor::config::Config>()
        .ok()
        .and_then(|c| qbank::config::Config::from_book(&c).ok())
        .is_some_and(|c| !c.interviewer_material());
    let new = qbank_install::edit_book_toml(&text, search, practice)
        .with_context(|| format!("editing {}", toml_path.display()))?;
    // Stock mdBook reads SUMMARY.md before any preprocessor runs, so qbank cannot make the
    // navigation from the folders there: say so now, not at the first `mdbook build`.
    let src = text
        .parse::<mdbook_preprocessor::config::Config>()
        .map_or_else(|_| root.join("src"), |c| root.join(c.book.src));
    if !src.join("SUMMARY.md").exists() {
        anyhow::bail!(
            "{} has no SUMMARY.md; stock `mdbook build` needs one, and reads it before \
             mdbook-qbank runs\n  help: build this book with `qbank build`, which makes the \
             navigation from the folders, or write {} (one `- [Title](path.md)` line per chapter)",
            src.display(),
            src.join("SUMMARY.md").display()
        );
    }
    let mdcfg: mdbook_preprocessor::config::Config = new
        .parse()
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .with_context(|| format!("reading {}", toml_path.display()))?;
    // A bad [preprocessor.qbank] is reported by the build, at its place; the labels then
    // follow the book's language.
    let cfg = qbank::config::Config::from_book(&mdcfg).unwrap_or_else(|_| {
        let mut book = mdbook_preprocessor::config::Config::default();
        book.book = mdcfg.book.clone();
        qbank::config::Config::from_book(&book).unwrap_or_default()
    });
    let files: Vec<&Asset> = ASSETS
        .iter()
        .filter(|a| (search || !a.search) && a.for_edition(&cfg))
        .collect();
    for a in &files {
        std::fs::write(root.join(a.file), a.with_stamp(&cfg))?;
    }
    // Interviewers' files an earlier handbook install wrote: gone from a practice book (only
    // files that carry qbank's stamp, so nothing of the author's is removed).
    for a in ASSETS.iter().filter(|a| !a.for_edition(&cfg)) {
        let path = root.join(a.file);
        if std::fs::read_to_string(&path).is_ok_and(|t| t.starts_with("/* qbank-assets: ")) {
            std::fs::remove_file(&path)?;
        }
    }
    if new != text {
        std::fs::write(&toml_path, new)?;
    }
    let names: Vec<&str> = files.iter().map(|a| a.file).collect();
    eprintln!(
        "mdbook-qbank: installed {} in {}",
        names.join(", "),
        root.display()
    );
    if search {
        eprintln!(
            "mdbook-qbank: qbank's search replaces mdBook's; with its `{}` output, mdBook writes \
             the site to {}/html/",
            qbank::search::STOCK_OUTPUT,
            qbank::site::default_site_dir(root)
                .map(|d| d.display().to_string())
                .unwrap_or_else(|_| "book".into())
        );
    }
    Ok(())
}

mod qbank_install {
    use anyhow::Result;
    use qbank::site::assets::ASSETS;
    use toml_edit::{Array, DocumentMut, Item, Table, value};

    /// Adds `[preprocessor.qbank]` and the asset entries under `[output.html]`, leaving
    /// everything else as it was. With `search`, also qbank's search output, in place of
    /// mdBook's search. Running it twice changes nothing: qbank's entries end up last, in the
    /// order of the asset registry. With `practice`, the interviewers' assets are not listed
    /// (and an earlier install's entries of them are removed).
    pub(crate) fn edit_book_toml(text: &str, search: bool, practice: bool) -> Result<String> {
        let mut doc: DocumentMut = text.parse()?;
        let pre = table(doc.as_table_mut(), "preprocessor");
        pre.set_implicit(true);
        let qb = table(pre, "qbank");
        if !qb.contains_key("after") {
            let mut after = Array::new();
            after.push("links");
            qb.insert("after", value(after));
        }
        let output = table(doc.as_table_mut(), "output");
        output.set_implicit(true);
        if search {
            let out = table(output, qbank::search::STOCK_OUTPUT);
            out.insert("command", value("mdbook-qbank render"));
        }
        let html = table(output, "html");
        if search {
            // Two search boxes would fight over the same keys and results.
            table(html, "search").insert("enable", value(false));
        }
        // qbank's files go after the book's own, in the registry's order: the labels and the
        // core before the scripts that use them. An older install's entries are put in order.
        for asset in ASSETS.iter().filter(|a| search || !a.search) {
            let key = asset.key.trim_start_matches("output.html.");
            if practice && asset.handbook {
                if let Some(arr) = html.get_mut(key).and_then(Item::as_array_mut) {
                    arr.retain(|v| v.as_str() != Some(asset.file));
                }
                continue;
            }
            let entry = html.entry(key).or_insert_with(|| value(Array::new()));
            let Some(arr) = entry.as_array_mut() else {
                anyhow::bail!("output.html.{key} is not an array");
            };
            arr.retain(|v| v.as_str() != Some(asset.file));
            arr.push(asset.file);
        }
        Ok(doc.to_string())
    }

    fn table<'a>(parent: &'a mut Table, key: &str) -> &'a mut Table {
        let item = parent
            .entry(key)
            .or_insert_with(|| Item::Table(Table::new()));
        if !item.is_table() {
            *item = Item::Table(Table::new());
        }
        item.as_table_mut().expect("just made a table")
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn adds_preprocessor_and_assets_and_keeps_comments() {
            let src = "# my book\n[book]\ntitle = \"x\" # inline\n\n[output.html]\nadditional-css = [\"custom.css\"]\n";
            let out = edit_book_toml(src, false, false).unwrap();
            assert!(
                out.contains("# my book") && out.contains("# inline"),
                "{out}"
            );
            assert!(out.contains("[preprocessor.qbank]"), "{out}");
            assert!(out.contains(r#"after = ["links"]"#), "{out}");
            assert!(
                out.contains(
                    r#"additional-css = ["custom.css", "qbank.css", "qbank-interview.css"]"#
                ),
                "{out}"
            );
            assert!(
                out.contains(
                    r#"additional-js = ["qbank-labels.js", "qbank-core.js", "qbank.js", "qbank-study.js", "qbank-interview.js"]"#
                ),
                "{out}"
            );
            assert_eq!(
                edit_book_toml(&out, false, false).unwrap(),
                out,
                "install is idempotent"
            );
        }

        #[test]
        fn empty_book_toml() {
            let out = edit_book_toml("", false, false).unwrap();
            let doc: DocumentMut = out.parse().unwrap();
            assert!(doc["preprocessor"]["qbank"].is_table());
            assert_eq!(
                doc["output"]["html"]["additional-js"][0].as_str(),
                Some("qbank-labels.js")
            );
        }

        #[test]
        fn an_older_install_is_put_in_order() {
            let old =
                "[output.html]\nadditional-js = [\"qbank.js\", \"qbank-search.js\", \"mine.js\"]\n";
            let out = edit_book_toml(old, true, false).unwrap();
            let doc: DocumentMut = out.parse().unwrap();
            let js: Vec<&str> = doc["output"]["html"]["additional-js"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            assert_eq!(
                js,
                [
                    "mine.js",
                    "qbank-labels.js",
                    "qbank-core.js",
                    "qbank.js",
                    "qbank-study.js",
                    "qbank-interview.js",
                    "qbank-search.js"
                ]
            );
        }

        #[test]
        fn search_replaces_mdbooks_and_adds_its_output() {
            let out =
                edit_book_toml("[output.html]\nadditional-js = [\"x.js\"]\n", true, false).unwrap();
            let doc: DocumentMut = out.parse().unwrap();
            assert_eq!(
                doc["output"]["qbank-search"]["command"].as_str(),
                Some("mdbook-qbank render")
            );
            assert_eq!(
                doc["output"]["html"]["search"]["enable"].as_bool(),
                Some(false)
            );
            assert!(
                out.contains(
                    r#"additional-js = ["x.js", "qbank-labels.js", "qbank-core.js", "qbank.js", "qbank-study.js", "qbank-interview.js", "qbank-search.js"]"#
                ),
                "{out}"
            );
            assert_eq!(
                edit_book_toml(&out, true, false).unwrap(),
                out,
                "install is idempotent"
            );
        }

        #[test]
        fn practice_lists_no_interviewers_assets_and_drops_an_earlier_installs() {
            let handbook = edit_book_toml("", true, false).unwrap();
            let out = edit_book_toml(&handbook, true, true).unwrap();
            assert!(!out.contains("interview"), "{out}");
            assert!(
                out.contains(
                    r#"additional-js = ["qbank-labels.js", "qbank-core.js", "qbank.js", "qbank-study.js", "qbank-search.js"]"#
                ),
                "{out}"
            );
            assert_eq!(edit_book_toml(&out, true, true).unwrap(), out);
        }

        #[test]
        fn not_an_array_is_an_error() {
            assert!(
                edit_book_toml("[output.html]\nadditional-css = \"a.css\"\n", false, false)
                    .is_err()
            );
        }
    }
}
