//! Where "now" comes from. Events are dated by the engine's clock, and what is late, overdue or
//! how many days are left is measured against it; tests give a fixed clock so that those rules
//! are checked on known dates.

use std::sync::Arc;

use jiff::Timestamp;

/// A source of the current time.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock.
pub fn system() -> Clock {
    Arc::new(Timestamp::now)
}

/// A clock that always says `at`.
pub fn fixed(at: Timestamp) -> Clock {
    Arc::new(move || at)
}
