//! qbank: static study sites for interview question banks, built on mdBook 0.5.
//!
//! The pipeline is parse → lint → render → search → site; `ARCHITECTURE.md` at the
//! repository root is the map.

pub mod config;
pub mod diag;
mod i18n;
pub mod lint;
pub mod model;
pub mod new;
pub mod parse;
#[cfg(feature = "cli")]
pub mod progress;
pub mod render;
pub mod search;
#[cfg(feature = "cli")]
pub mod serve;
pub mod site;
#[cfg(test)]
mod testing;
mod text;
#[cfg(feature = "cli")]
pub mod watch;
