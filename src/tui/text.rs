//! Terminal text helpers live in `crate::text` (the CLI's text outputs use them too); the TUI
//! names them here.

pub use crate::text::*;
