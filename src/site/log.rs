//! mdBook reports some failures only as ERROR log events and then goes on with defaults (an
//! unknown key under `[output.html]` silently drops `additional-css`). A build counts them
//! with [`ErrorCounter`], a subscriber it installs around mdBook's work on its own thread, and
//! fails when there were any. Every event is passed on to the subscriber that was in place,
//! so the CLI's log output is unchanged; library callers get the same check with no setup.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing::dispatcher::{self, Dispatch};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Counts ERROR events and forwards everything to the subscriber in place before it.
pub(crate) struct ErrorCounter {
    inner: Dispatch,
    errors: Arc<AtomicUsize>,
}

impl ErrorCounter {
    /// Runs `f` with ERROR events counted; returns its result and the count.
    pub(crate) fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let errors = Arc::new(AtomicUsize::new(0));
        let inner = dispatcher::get_default(Dispatch::clone);
        let counter = Dispatch::new(ErrorCounter {
            inner,
            errors: Arc::clone(&errors),
        });
        let out = dispatcher::with_default(&counter, f);
        (out, errors.load(Ordering::SeqCst))
    }
}

impl Subscriber for ErrorCounter {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Ask `enabled` every time: this subscriber only lives for one build.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() == Level::ERROR || self.inner.enabled(metadata)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.inner.new_span(span)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        self.inner.record(span, values);
    }

    fn record_follows_from(&self, span: &Id, follows: &Id) {
        self.inner.record_follows_from(span, follows);
    }

    fn event(&self, event: &Event<'_>) {
        if *event.metadata().level() == Level::ERROR {
            self.errors.fetch_add(1, Ordering::SeqCst);
        }
        if self.inner.enabled(event.metadata()) {
            self.inner.event(event);
        }
    }

    fn enter(&self, span: &Id) {
        self.inner.enter(span);
    }

    fn exit(&self, span: &Id) {
        self.inner.exit(span);
    }

    fn clone_span(&self, id: &Id) -> Id {
        self.inner.clone_span(id)
    }

    fn try_close(&self, id: Id) -> bool {
        self.inner.try_close(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_errors_only() {
        let ((), n) = ErrorCounter::count(|| {
            tracing::error!("one");
            tracing::warn!("not an error");
            tracing::error!("two");
        });
        assert_eq!(n, 2);
        let ((), n) = ErrorCounter::count(|| tracing::info!("nothing"));
        assert_eq!(n, 0);
    }
}
