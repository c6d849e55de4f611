//! A unit's workbench (SPEC W2–W4): the criteria tree with subtotals, the detail pane of the
//! selected item (`detail`, walk mode shows it too) and the areas compared (`areas`, the ranking
//! draws them too).

pub mod areas;
pub mod detail;
mod keys;
pub mod state;
pub mod view;

pub use state::BenchState;
