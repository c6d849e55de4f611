//! Word diffs live in the domain (the "explain this score" story uses them too); the TUI names
//! them here.

pub use domain::worddiff::{Seg, marked, word_diff};
