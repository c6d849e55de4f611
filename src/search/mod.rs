//! Search: Vietnamese-aware folding and the fuzzy multi-word matcher.

pub mod fold;
