//! The conflict dialog (SPEC W4, S3): someone else saved the item first; re-apply mine, keep
//! theirs, or go back to editing.

mod keys;
pub mod state;
pub mod view;

pub use state::ConflictState;
