//! "Explain this score": an item's whole story as a card (`domain::story`).

mod keys;
pub mod state;
pub mod view;

pub use state::ExplainState;
