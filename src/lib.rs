//! thamdinh — the PAR INDEX appraisal workbench.
//!
//! Layers call only downward: `cli`/`tui` → `api` → `engine` → `store` → `domain`.

pub mod domain;
pub mod i18n;
pub mod search;
pub mod store;
