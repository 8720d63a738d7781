//! The `qbank` command line: build, serve and check an interview handbook.
//!
//! Everything here is argument parsing, logging and exit codes; the work is done by the
//! library (`qbank::site`, `qbank::serve`, `qbank::new`).

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use qbank::config::Edition;
use qbank::diag::{Code, render_all, stderr_color};
use qbank::site::dest::DestinationRefused;
use qbank::site::session::{Gates, Rebuilt, Session};
use qbank::site::{BankHasErrors, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit codes, documented in `--help` and the README.
mod exit {
    /// The bank has errors (or warnings, with `--deny-warnings`).
    pub(crate) const BANK: u8 = 1;
    /// The command line is wrong: an unknown flag or code, or a refused destination.
    pub(crate) const USAGE: u8 = 2;
    /// The work failed for another reason: a file could not be read or written, mdBook failed.
    pub(crate) const FAILURE: u8 = 3;
}

const AFTER_HELP: &str = "\
Exit status:
  0    success
  1    the bank has errors (or warnings, with --deny-warnings)
  2    usage error: bad arguments, an unknown code, a refused output directory
  3    failure: a file could not be read or written, or mdBook failed
  130  interrupted (Ctrl-C); the previous site is left as it was

Logging: -v (info), -vv (debug), -vvv (trace), -q (errors only), -qq (nothing);
RUST_LOG takes a level or per-target levels, e.g. RUST_LOG=warn,mdbook_html=debug.";

#[derive(Parser)]
#[command(
    name = "qbank",
    version,
    about = "Static study sites for interview question banks",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log more: -v info, -vv debug, -vvv trace [default: warnings]
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Log less: -q errors only, -qq nothing
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "verbose")]
    quiet: u8,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book into a static site. Leaves the previous site untouched on errors.
    Build {
        /// The book root (holding book.toml)
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Output directory [default: build-dir of book.toml, i.e. BOOK/book]
        #[arg(short = 'd', long = "dest-dir")]
        dest_dir: Option<PathBuf>,
        /// Build this edition [default: `edition` in book.toml, else handbook]
        #[arg(long, value_enum)]
        edition: Option<EditionArg>,
        /// Replace an output directory that holds files but is not a site built before.
        /// Never allows building into the book itself, its src/ or its theme/.
        #[arg(long)]
        force: bool,
    },
    /// Build, serve on HTTP, rebuild on edits and reload the browser.
    Serve {
        /// The book root (holding book.toml)
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Port to listen on (0 picks a free one)
        #[arg(short, long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on. On a loopback address only requests for localhost and
        /// loopback addresses are answered; on any other, anyone on the network can read the
        /// handbook
        #[arg(short = 'n', long, default_value = "127.0.0.1")]
        hostname: String,
        /// Output directory [default: build-dir of book.toml, i.e. BOOK/book]
        #[arg(short = 'd', long = "dest-dir")]
        dest_dir: Option<PathBuf>,
        /// Build this edition [default: `edition` in book.toml, else handbook]
        #[arg(long, value_enum)]
        edition: Option<EditionArg>,
        /// Replace an output directory that holds files but is not a site built before.
        /// Never allows building into the book itself, its src/ or its theme/.
        #[arg(long)]
        force: bool,
        /// Notice edits by polling instead of OS events: for network and container
        /// file systems whose changes are not reported
        #[arg(long)]
        poll: bool,
    },
    /// Create a record or a question in the template's shape.
    #[command(subcommand)]
    New(New),
    /// Report every diagnostic of the bank and write nothing. Exits 1 on errors.
    Check {
        /// The book root (holding book.toml)
        #[arg(default_value = ".")]
        book: PathBuf,
        /// `human` (rustc style, on stderr) or `json` (one array on stdout, for editors and CI)
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit non-zero on warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// Also warn about question ids that the site built in DIR has and the bank no longer
        /// does (links to them would break), e.g. the published site, before publishing anew
        #[arg(long, value_name = "DIR")]
        against: Option<PathBuf>,
    },
    /// Explain a diagnostic code, e.g. `qbank explain QB003`; without a code, list them all.
    Explain {
        /// The code, such as QB003
        code: Option<String>,
    },
    /// Print a shell completion script, e.g. `qbank completions bash > ~/.local/share/bash-completion/completions/qbank`.
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum New {
    /// Write a record skeleton at PATH (inside the book's src/) and list it in SUMMARY.md.
    Record {
        /// Where to write the record, e.g. book/src/go/round3.md
        path: PathBuf,
        /// The record's title (its H1)
        #[arg(long)]
        title: String,
    },
    /// Append the next numbered question to RECORD, before its evaluation template.
    Question {
        /// The record file
        record: PathBuf,
        /// The question's title
        #[arg(long)]
        title: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-style text on stderr
    Human,
    /// one JSON array on stdout
    Json,
}

/// `--edition`: the library's [`Edition`], spelled for the command line.
#[derive(Clone, Copy, ValueEnum)]
enum EditionArg {
    /// everything: the interviewers' handbook
    Handbook,
    /// for candidates: questions without answers or rubric
    Practice,
}

impl From<EditionArg> for Edition {
    fn from(e: EditionArg) -> Edition {
        match e {
            EditionArg::Handbook => Edition::Handbook,
            EditionArg::Practice => Edition::Practice,
        }
    }
}

/// Logs to stderr: warnings by default, `-v`/`-q` move the level, `RUST_LOG` overrides both.
fn init_logging(verbose: u8, quiet: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let level = match (verbose, quiet) {
        (0, 0) => LevelFilter::WARN,
        (1, _) => LevelFilter::INFO,
        (2, _) => LevelFilter::DEBUG,
        (3.., _) => LevelFilter::TRACE,
        (_, 1) => LevelFilter::ERROR,
        (_, _) => LevelFilter::OFF,
    };
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(level));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(stderr_color())
        .with_filter(filter);
    tracing_subscriber::registry().with(fmt).init();
}

/// A build holds large transient buffers (chapter texts, rendered pages). With glibc's dynamic
/// threshold they end up in the heap and stay mapped after they are freed; a fixed 128 KiB
/// threshold gives them back to the system at once. On the 10,000-question bench this cuts
/// peak memory by a fifth at no cost in time.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Ctrl-C and SIGTERM remove the build's temporary directory before the process exits, so an
/// interrupted build leaves the previous site and nothing else. A file-size limit
/// (`ulimit -f`) makes writes fail with an error instead of killing the process, so that the
/// same cleanup runs.
fn install_signal_handlers() {
    let _ = ctrlc::set_handler(|| {
        qbank::site::dest::remove_live_workspaces();
        eprintln!("qbank: interrupted; the previous site was left as it was");
        // Exit at once: the other threads must not get to write again.
        #[cfg(unix)]
        // SAFETY: _exit ends the process without running anything else.
        unsafe {
            libc::_exit(130)
        }
        #[cfg(not(unix))]
        std::process::exit(130);
    });
    #[cfg(unix)]
    // SAFETY: ignoring a signal is async-signal-safe and done before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// How a command failed, for its exit code.
enum Failure {
    /// Already reported (diagnostics were printed); the message sums it up.
    Bank(String),
    Usage(anyhow::Error),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        if e.downcast_ref::<BankHasErrors>().is_some() {
            Failure::Bank(e.to_string())
        } else if e.downcast_ref::<DestinationRefused>().is_some() {
            Failure::Usage(e)
        } else {
            Failure::Other(e)
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    install_signal_handlers();
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    match run(cli.command, cli.quiet > 0) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Bank(msg)) => {
            eprintln!("qbank: {msg}");
            ExitCode::from(exit::BANK)
        }
        Err(Failure::Usage(e)) => {
            eprintln!("qbank: error: {e:#}");
            ExitCode::from(exit::USAGE)
        }
        Err(Failure::Other(e)) => {
            eprintln!("qbank: error: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

fn run(command: Command, quiet: bool) -> Result<(), Failure> {
    match command {
        Command::Build {
            book,
            dest_dir,
            edition,
            force,
        } => {
            // Phases and a bar on a terminal, for builds that take a while.
            let progress = if quiet {
                None
            } else {
                qbank::progress::Terminal::stderr()
                    .map(|t| t as std::sync::Arc<dyn qbank::site::progress::Progress>)
            };
            let opts = BuildOptions::edition(edition.map(Edition::from))
                .force(force)
                .progress(progress);
            let dest = qbank::site::build_with(&book, dest_dir.as_deref(), &opts)?;
            eprintln!("qbank: built {}", dest.display());
        }
        Command::New(New::Record { path, title }) => {
            let new = qbank::new::new_record(&path, &title)?;
            match &new.summary {
                Some(summary) => eprintln!(
                    "qbank: wrote {} and listed it in {}",
                    new.path.display(),
                    summary.display()
                ),
                None => eprintln!(
                    "qbank: wrote {}; the book has no SUMMARY.md, so its folders are the navigation",
                    new.path.display()
                ),
            }
        }
        Command::New(New::Question { record, title }) => {
            let n = qbank::new::new_question(&record, &title)?;
            eprintln!("qbank: {} now has {n} questions", record.display());
        }
        Command::Check {
            book,
            format,
            deny_warnings,
            against,
        } => check(&book, against.as_deref(), format, deny_warnings)?,
        Command::Explain { code } => explain(code.as_deref())?,
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "qbank", &mut script);
            out(&String::from_utf8_lossy(&script));
        }
        Command::Serve {
            book,
            port,
            hostname,
            dest_dir,
            edition,
            force,
            poll,
        } => {
            // Refuse a dangerous destination before binding or building anything.
            let site_dir = qbank::site::destination(&book, dest_dir.as_deref(), force)?;
            let opts = qbank::serve::ServeOptions {
                root: book.clone(),
                site_dir: site_dir.clone(),
                host: hostname,
                port,
                watch: if poll {
                    qbank::watch::WatchMode::Poll
                } else {
                    qbank::watch::WatchMode::Notify
                },
            };
            let build = BuildOptions::edition(edition.map(Edition::from)).force(force);
            // One full build, then only what each edit changed (see qbank::site::session).
            let gates = Gates::default();
            let print = site_dir.join("print.html");
            let search = site_dir.join(qbank::search::DIR);
            let mut session: Option<Session> = None;
            let rebuild = {
                let gates = gates.clone();
                move |changed: &[PathBuf]| -> anyhow::Result<()> {
                    match session.as_mut() {
                        Some(s) if !changed.is_empty() => {
                            if let Rebuilt::Pages(files) = s.rebuild(changed)? {
                                tracing::debug!("rewrote {} file(s)", files.len());
                            }
                        }
                        _ => {
                            let s = Session::start(&book, Some(&site_dir), &build, gates.clone())?;
                            session = Some(s);
                        }
                    }
                    Ok(())
                }
            };
            // After a rebuild of some pages, print.html and the search index are brought up to
            // date in the background: a request for them waits rather than get a stale one.
            let fresh = qbank::serve::FreshHook(Arc::new(move |file: &std::path::Path| {
                let gate = if file == print {
                    &gates.print
                } else if file.starts_with(&search) {
                    &gates.search
                } else {
                    return;
                };
                if !gate.wait_fresh(std::time::Duration::from_secs(120)) {
                    eprintln!(
                        "{} is still being updated; serving it as it is",
                        file.display()
                    );
                }
            }));
            qbank::serve::serve(&opts, rebuild, Some(fresh))?;
        }
    }
    Ok(())
}

fn check(
    book: &std::path::Path,
    against: Option<&std::path::Path>,
    format: Format,
    deny_warnings: bool,
) -> Result<(), Failure> {
    let checked = match against {
        Some(dir) => qbank::site::check_against(book, dir)?,
        None => qbank::site::check(book)?,
    };
    let diags = &checked.diagnostics;
    match format {
        Format::Json => out(&format!(
            "{}\n",
            serde_json::to_string_pretty(diags).map_err(anyhow::Error::from)?
        )),
        Format::Human => eprint!("{}", render_all(diags, stderr_color())),
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        return Err(Failure::Bank(BankHasErrors(errors).to_string()));
    }
    if deny_warnings && warnings > 0 {
        return Err(Failure::Bank(format!(
            "{warnings} warning(s), and --deny-warnings is set"
        )));
    }
    if let Format::Human = format {
        let n = checked.bank.records.len();
        let q: usize = checked
            .bank
            .records
            .iter()
            .map(|r| r.record.questions.len())
            .sum();
        eprintln!("qbank: {n} record(s), {q} question(s), no errors");
    }
    Ok(())
}

fn explain(code: Option<&str>) -> Result<(), Failure> {
    let Some(code) = code else {
        let list: String = Code::ALL
            .iter()
            .map(|c| format!("{c}  {:<7}  {}\n", severity(*c), c.summary()))
            .collect();
        out(&list);
        return Ok(());
    };
    let Some(c) = Code::parse(code) else {
        return Err(Failure::Usage(anyhow::anyhow!(
            "`{code}` is not a qbank diagnostic code\n  help: `qbank explain` lists them all"
        )));
    };
    out(&format!(
        "{c} ({}): {}\n\n{}\n",
        severity(c),
        c.summary(),
        c.explanation()
    ));
    Ok(())
}

fn severity(c: Code) -> &'static str {
    if c.severity() == qbank::diag::Severity::Error {
        "error"
    } else {
        "warning"
    }
}

/// Writes to stdout; a closed pipe (`qbank explain | head`) is not an error.
fn out(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
