//! What needs someone's attention (SPEC W9): the kind of an item in the audit queue, decided
//! from its status, its Δ and the explanation rounds. The queue in the workbench lists by this;
//! any other list of "what is open" must use the same answer.

use jiff::civil::Date;

use crate::{Item, Round, Status};

/// Why an item is in the queue. An item has one kind: the first that applies, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The province's explanation waits for the appraiser's answer.
    Disputed,
    /// Referred to the council, waiting for its decision.
    Escalated,
    /// Open to an explanation in a round whose closing date has passed, and none came.
    Overdue,
    /// Evidence was requested from the province.
    NeedsInfo,
    /// A score the ministry changed (adjusted, or settled after an explanation or by the
    /// council) with Δ ≠ 0: the cuts an auditor reviews, largest first.
    Adjusted,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Disputed,
        Kind::Escalated,
        Kind::Overdue,
        Kind::NeedsInfo,
        Kind::Adjusted,
    ];

    /// Someone must act on it (everything but a settled adjustment).
    pub fn is_open(self) -> bool {
        self != Kind::Adjusted
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A flag about the explanation's timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// The explanation came after the round's closing date.
    Late,
    /// No explanation, and the round's closing date has passed.
    Overdue,
}

/// The kind of an item in the audit queue, with the round it is overdue in; `None` when it needs no
/// attention.
pub fn classify(item: &Item, rounds: &[Round], today: Date) -> Option<(Kind, Option<u32>)> {
    match item.status() {
        Status::Disputed => return Some((Kind::Disputed, None)),
        Status::Escalated => return Some((Kind::Escalated, None)),
        _ => {}
    }
    if let Some(r) = rounds
        .iter()
        .filter(|r| r.is_overdue(item, today))
        .max_by_key(|r| r.number)
    {
        return Some((Kind::Overdue, Some(r.number)));
    }
    match item.status() {
        Status::NeedsInfo => Some((Kind::NeedsInfo, None)),
        Status::Adjusted | Status::Resolved | Status::Decided
            if item.delta().is_some_and(|d| !d.is_zero()) =>
        {
            Some((Kind::Adjusted, None))
        }
        _ => None,
    }
}
