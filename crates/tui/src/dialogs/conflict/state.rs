//! A refused save because someone else changed the item first: their version, as the engine
//! reported it, and what the user was saving.

use domain::{Item, ItemKey};

/// Someone else changed the item first: their version, as the engine reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictState {
    pub key: ItemKey,
    pub current: Box<Item>,
    /// What the user was saving when the conflict came: (score as typed, justification).
    pub mine: Option<(String, String)>,
}
