//! An item's history (SPEC W6): who did what and when, with word diffs of text revisions.

mod keys;
pub mod state;
pub mod view;

pub use state::HistoryState;
