//! Yes/no questions: agree with every pending item of an area, finalize a unit.

mod keys;
pub mod state;
pub mod view;

pub use state::ConfirmState;
