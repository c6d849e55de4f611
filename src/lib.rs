//! thamdinh — the PAR INDEX appraisal workbench.
//!
//! Layers call only downward: `cli`/`tui` → `api` → `engine` → `store` → `domain`.

pub mod api;
pub mod bundled;
pub mod cli;
pub mod client;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod i18n;
pub mod io;
pub mod protocol;
pub mod sample;
pub mod search;
pub mod server;
pub mod store;
pub mod text;
pub mod tui;
