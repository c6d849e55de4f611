//! One-line prompts (SPEC W4): the text of an evidence request, or why a unit is reopened.

mod keys;
pub mod state;
pub mod view;

pub use state::{PromptKind, PromptState};
