//! Search: Vietnamese-aware folding and the fuzzy multi-word matcher.

pub mod fold;
pub mod fuzzy;

pub use fuzzy::{Entry, EntryKind, Highlight, Hit, SearchIndex, Searcher};
