//! The SIPAS card (issue 16): the year's survey index from its responses — the units ranked by
//! index with n and the 95% interval, and the selected unit's factors as bars. Opened from the
//! palette or its key (Shift-F9 / `K`), on the unit being looked at; ↑/↓ choose the unit, Esc
//! closes it. It reads the responses through `Workbench::responses` and computes with
//! `domain::sipas`, as `report sipas` does.

mod keys;
pub mod state;
pub mod view;

pub use state::SipasState;
