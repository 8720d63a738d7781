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

/// Called for each page mdBook renders.
pub(crate) type OnPage = Arc<dyn Fn() + Send + Sync>;

/// Counts ERROR events and forwards everything to the subscriber in place before it.
pub(crate) struct ErrorCounter {
    inner: Dispatch,
    errors: Arc<AtomicUsize>,
    on_page: Option<OnPage>,
}

/// The target of mdBook's HTML renderer, which logs `Render template` (DEBUG) for each page.
const HTML_TARGET: &str = "mdbook_html";

impl ErrorCounter {
    /// Runs `f` with ERROR events counted; returns its result and the count.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
        Self::run(f, None)
    }

    /// [`Self::count`], and calls `on_page` for each page mdBook's HTML renderer renders (as
    /// its DEBUG events say; should they change, progress stops moving, nothing else).
    pub(crate) fn count_pages<T>(f: impl FnOnce() -> T, on_page: OnPage) -> (T, usize) {
        Self::run(f, Some(on_page))
    }

    fn run<T>(f: impl FnOnce() -> T, on_page: Option<OnPage>) -> (T, usize) {
        let errors = Arc::new(AtomicUsize::new(0));
        let inner = dispatcher::get_default(Dispatch::clone);
        let counter = Dispatch::new(ErrorCounter {
            inner,
            errors: Arc::clone(&errors),
            on_page,
        });
        let out = dispatcher::with_default(&counter, f);
        (out, errors.load(Ordering::SeqCst))
    }

    fn is_page(&self, metadata: &Metadata<'_>) -> bool {
        self.on_page.is_some()
            && *metadata.level() == Level::DEBUG
            && metadata.target().starts_with(HTML_TARGET)
    }
}

/// Whether an event's message is `Render template`.
struct RenderTemplate(bool);

impl tracing::field::Visit for RenderTemplate {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}") == "Render template";
        }
    }
}

impl Subscriber for ErrorCounter {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Ask `enabled` every time: this subscriber only lives for one build.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() == Level::ERROR || self.is_page(metadata) || self.inner.enabled(metadata)
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
        if let (true, Some(on_page)) = (self.is_page(event.metadata()), &self.on_page) {
            let mut v = RenderTemplate(false);
            event.record(&mut v);
            if v.0 {
                on_page();
            }
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

    #[test]
    fn counts_the_pages_mdbook_renders() {
        let pages = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&pages);
        let ((), _) = ErrorCounter::count_pages(
            || {
                tracing::debug!(target: "mdbook_html::html_handlebars", "Render template");
                tracing::debug!(target: "mdbook_html::html_handlebars", "something else");
                tracing::debug!(target: "elsewhere", "Render template");
            },
            Arc::new(move || {
                seen.fetch_add(1, Ordering::SeqCst);
            }),
        );
        assert_eq!(pages.load(Ordering::SeqCst), 1);
    }
}
