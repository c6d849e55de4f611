//! The adjust editor (SPEC W4, W5): the proposed score checked as you type and the multi-line
//! justification, kept as a draft.

mod keys;
pub mod state;
pub mod view;

pub use state::{DRAFT_DELAY, EditorState, Field, Origin, ScoreCheck};
