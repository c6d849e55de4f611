//! The units overview (SPEC W1): one row per unit, sorted and filtered, with a type-ahead jump.

mod keys;
pub mod state;
pub mod view;

pub use state::{OverviewState, SortKey, StatusFilter};
