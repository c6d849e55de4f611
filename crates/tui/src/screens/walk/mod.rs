//! Walk mode (SPEC W2): a guided pass through a unit's pending items one at a time, like
//! `git add -p`.

mod keys;
pub mod state;
pub mod view;

pub use state::WalkState;
