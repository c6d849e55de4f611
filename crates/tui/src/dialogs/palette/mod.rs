//! The search palette (SPEC W7): units, criteria and actions found by a fuzzy, accent-blind
//! query; Enter opens or runs what is found.

mod keys;
pub mod state;
pub mod view;

pub use state::PaletteState;
