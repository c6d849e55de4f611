//! The dispute dialogs (SPEC D5): record a unit's explanation, answer it, refer it to the
//! council, record the council's decision.

mod keys;
pub mod state;
pub mod view;

pub use state::{FormKind, FormState};
