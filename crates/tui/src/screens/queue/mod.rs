//! The disputes and audit queue (SPEC W9): every item of the year that needs someone's attention,
//! sorted and filtered, with the explanation round above.

mod keys;
pub mod state;
pub mod view;

pub use state::{Flag, Kind, KindFilter, QueueState, Row, SortKey};
