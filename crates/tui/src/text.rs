//! Terminal text helpers live in `text` (the CLI's text outputs use them too); the TUI
//! names them here.

pub use text::*;
