//! A justification being typed, kept on the server so an SSH drop loses nothing (SPEC W5).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A justification being typed, kept per user and item so a dropped connection loses nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    /// The score as typed (may be incomplete, e.g. "0,").
    pub score: String,
    pub updated: Timestamp,
}
