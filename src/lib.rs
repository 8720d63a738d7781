//! qbank: static study sites for interview question banks, built on mdBook 0.5.
//!
//! The pipeline is parse → check → render:
//! - [`parse`] turns one markdown chapter into a typed [`model::Record`] with source spans;
//! - [`check`] derives diagnostics from the model (including book-wide ones such as duplicate ids);
//! - [`render`] turns the model back into chapter markdown through handlebars templates.
//!
//! [`preprocessor`] wires these stages into mdBook's preprocessor protocol, and [`build`] and
//! [`serve`] drive a whole book from the `qbank` CLI.

pub mod assets;
pub mod build;
pub mod check;
pub mod config;
pub mod dest;
pub mod diag;
pub mod i18n;
pub mod links;
pub mod meta;
pub mod model;
pub mod new;
pub mod pages;
pub mod parse;
pub mod preprocessor;
pub mod render;
pub mod search;
pub mod serve;
pub mod splice;
pub mod synth;
pub mod watch;
