//! Assigning the selected province, or one area of it, to an appraiser (lead only, SPEC S6):
//! two choices, the area and the person, picked with ←/→, sent with Enter or F2.

mod keys;
pub mod state;
pub mod view;

pub use state::AssignState;
