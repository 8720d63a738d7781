//! What a build reports as it goes: its phases, and how far each has got. The library only
//! calls a [`Progress`]; the CLI shows it on a terminal (`qbank::progress`, behind the `cli`
//! feature), and a build without one reports nothing.

/// The phases of a build. Search runs beside render, on its own thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Loading the book, parsing every record and checking the bank.
    Check,
    /// qbank's cards and mdBook's pages, counted in pages written.
    Render,
    /// The search index.
    Search,
    /// qbank's HTML put into the pages, print pages, assets, and the swap into place; counted
    /// in pages.
    Write,
}

impl Phase {
    /// Every phase, in the order they start.
    pub const ALL: [Phase; 4] = [Phase::Check, Phase::Render, Phase::Search, Phase::Write];

    /// What the phase is called on a terminal.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Check => "parse and check",
            Phase::Render => "render",
            Phase::Search => "search index",
            Phase::Write => "write",
        }
    }
}

/// Receives a build's progress. Called from the build's threads, so it must be `Sync`.
pub trait Progress: Send + Sync {
    /// `phase` starts; `total` is how many steps it has, when known.
    fn start(&self, phase: Phase, total: Option<u64>);
    /// `phase` did `n` more steps.
    fn advance(&self, phase: Phase, n: u64);
    /// `phase` is over; `note` says what it did ("1,000 pages").
    fn finish(&self, phase: Phase, note: &str);
    /// The build failed: whatever was shown should go.
    fn abandon(&self) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: Phase, _: Option<u64>) {}
    fn advance(&self, _: Phase, _: u64) {}
    fn finish(&self, _: Phase, _: &str) {}
}
