//! thamdinh — the PAR INDEX appraisal workbench.
//!
//! Layers call only downward: `cli`/`tui` → `api` → `engine` → `store` → `domain`.

pub mod bundled;
pub mod domain;
pub mod i18n;
pub mod io;
pub mod sample;
pub mod search;
pub mod store;
pub mod tui;
