//! The progress display of `qbank build` on a terminal (indicatif): one line per phase, a bar
//! for the phases that count pages. It appears only once a build has run for
//! [`Terminal::DELAY`], so that small books build as quietly as before, and never when stderr
//! is not a terminal or `CI` is set. Behind the `cli` feature.

use crate::site::progress::{Phase, Progress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Shows a build's phases on stderr.
pub struct Terminal {
    multi: MultiProgress,
    bars: Mutex<HashMap<Phase, ProgressBar>>,
    /// Set when the build is over, to wake the thread that would show the display.
    over: Arc<(Mutex<bool>, Condvar)>,
}

impl Terminal {
    /// How long a build runs before its progress shows.
    pub const DELAY: Duration = Duration::from_secs(2);

    /// A display on stderr, or `None` when stderr is not a terminal or `CI` is set.
    pub fn stderr() -> Option<Arc<Self>> {
        let quiet = !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some();
        (!quiet).then(|| Self::new(Some(ProgressDrawTarget::stderr()), Self::DELAY))
    }

    /// A display that draws to `target` (nowhere when `None`) once `delay` has passed.
    pub fn new(target: Option<ProgressDrawTarget>, delay: Duration) -> Arc<Self> {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::hidden());
        let over = Arc::new((Mutex::new(false), Condvar::new()));
        if let Some(target) = target {
            let (multi, over) = (multi.clone(), Arc::clone(&over));
            std::thread::spawn(move || {
                let (lock, cvar) = &*over;
                let done = lock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (done, _) = cvar
                    .wait_timeout_while(done, delay, |done| !*done)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if !*done {
                    multi.set_draw_target(target);
                }
            });
        }
        Arc::new(Terminal {
            multi,
            bars: Mutex::new(HashMap::new()),
            over,
        })
    }

    fn bar(&self, phase: Phase) -> Option<ProgressBar> {
        self.bars
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&phase)
            .cloned()
    }

    /// Ends the display: finished lines stay, nothing more is drawn.
    fn end(&self) {
        let (lock, cvar) = &*self.over;
        *lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        cvar.notify_all();
    }
}

const TICK: Duration = Duration::from_millis(120);

impl Progress for Terminal {
    fn start(&self, phase: Phase, total: Option<u64>) {
        let bar = match total {
            Some(n) => ProgressBar::new(n).with_style(
                ProgressStyle::with_template(
                    "{prefix:>16.bold} [{bar:32}] {pos}/{len} pages {elapsed:>4}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:>16.bold} {spinner} {elapsed:>4}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        let bar = self.multi.add(bar.with_prefix(phase.label()));
        bar.enable_steady_tick(TICK);
        let old = self
            .bars
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(phase, bar);
        if let Some(old) = old {
            old.finish_and_clear();
        }
    }

    fn advance(&self, phase: Phase, n: u64) {
        if let Some(bar) = self.bar(phase) {
            bar.inc(n);
        }
    }

    fn finish(&self, phase: Phase, note: &str) {
        if let Some(bar) = self.bar(phase) {
            let secs = bar.elapsed().as_secs_f64();
            bar.set_style(
                ProgressStyle::with_template("{prefix:>16.bold} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let sep = if note.is_empty() { "" } else { ", " };
            bar.finish_with_message(format!("done in {secs:.1} s{sep}{note}"));
        }
        if phase == Phase::Write {
            self.end();
        }
    }

    fn abandon(&self) {
        self.end();
        for bar in self
            .bars
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
        {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_report_without_a_terminal() {
        let t = Terminal::new(None, Duration::ZERO);
        for phase in Phase::ALL {
            t.start(phase, Some(3));
            t.advance(phase, 2);
            assert_eq!(t.bar(phase).unwrap().position(), 2);
            t.finish(phase, "note");
            assert!(t.bar(phase).unwrap().is_finished());
        }
        t.abandon();
    }

    #[test]
    fn a_short_build_draws_nothing() {
        // Drawn into a buffer-less hidden target until the delay: a build that ends first
        // never switches to the terminal.
        let t = Terminal::new(Some(ProgressDrawTarget::hidden()), Duration::from_secs(60));
        t.start(Phase::Check, None);
        t.finish(Phase::Write, "");
        assert!(t.multi.is_hidden());
    }
}
