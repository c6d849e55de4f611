//! Prompts (SPEC W4): the text of an evidence request (several lines), or why a unit is
//! reopened (one line).

mod keys;
pub mod state;
pub mod view;

pub use state::{PromptKind, PromptState};
