//! How an event changes current state. The engine uses it to produce new state, the store to
//! write it, and replay to rebuild it — one definition, so replay always equals the stored state.

use super::event::Change;
use super::item::{Item, Touch, UnitState};

/// Apply an item change to the item it names. Other changes leave the item as it is.
pub fn apply_to_item(item: &mut Item, change: &Change, touch: &Touch) {
    match change {
        Change::SelfAssessed { version, after, .. } => {
            item.self_assessment = Some(after.clone());
            item.version = *version;
            item.last = Some(touch.clone());
        }
        Change::SurveyScored { version, after, .. } => {
            item.survey = Some(*after);
            item.version = *version;
            item.last = Some(touch.clone());
        }
        Change::Appraised { version, after, .. } => {
            item.appraisal = after.clone();
            item.version = *version;
            item.last = Some(touch.clone());
        }
        _ => {}
    }
}

/// Apply a unit change (finalize / reopen) to the unit's state.
pub fn apply_to_unit(state: &mut UnitState, change: &Change, touch: &Touch) {
    match change {
        Change::UnitFinalized { .. } => state.finalized = Some(touch.clone()),
        Change::UnitReopened { .. } => state.finalized = None,
        _ => {}
    }
}
