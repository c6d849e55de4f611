//! Current state held in memory while events are applied: by `commit` (seeded with the stored
//! state of what a batch touches), and by `verify`, `rebuild` and `restore` (from nothing).
//! Items and units change only through `domain::state`, so a replay always equals what commit
//! wrote.

use std::collections::BTreeMap;

use crate::domain::state::{apply_to_item, apply_to_unit};
use crate::domain::{Change, EventBody, Item, Role, Round, Touch, UnitState};

use super::YearData;
use super::layout;

/// State derived from events, keyed exactly as in the trees (so iteration order is tree order).
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// `items` key → item.
    pub items: BTreeMap<String, Item>,
    /// `units` key → unit state.
    pub units: BTreeMap<String, UnitState>,
    /// user → role; `None` once removed (commit deletes the `meta` entry).
    pub members: BTreeMap<String, Option<Role>>,
    pub years: BTreeMap<u16, YearData>,
    /// `layout::round_id` → round.
    pub rounds: BTreeMap<String, Round>,
    /// Scratch space for item keys.
    key_buf: String,
}

impl Replay {
    /// Apply one event's change to the state it changes.
    pub fn apply(&mut self, body: &EventBody) {
        let touch = Touch {
            actor: body.actor.clone(),
            at: body.at,
            seq: body.seq,
        };
        let change = &body.change;
        if let Some(key) = change.item_key() {
            // Look up by a reused buffer; allocate a key only for a new item.
            self.key_buf.clear();
            layout::write_item_key(&mut self.key_buf, key);
            let item = match self.items.get_mut(self.key_buf.as_str()) {
                Some(item) => item,
                None => self
                    .items
                    .entry(self.key_buf.clone())
                    .or_insert_with(|| Item::new(key.clone())),
            };
            apply_to_item(item, change, &touch);
            return;
        }
        match change {
            Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                let state = self.units.entry(layout::unit_key(*year, unit)).or_default();
                apply_to_unit(state, change, &touch);
            }
            Change::MemberChanged { user, after, .. } => {
                self.members.insert(user.clone(), *after);
            }
            Change::YearOpened {
                year,
                framework_toml,
                framework_file,
                units_toml,
                units_file,
                from_year,
            } => {
                self.years.insert(
                    *year,
                    YearData {
                        framework_toml: framework_toml.clone(),
                        framework_file: framework_file.clone(),
                        units_toml: units_toml.clone(),
                        units_file: units_file.clone(),
                        from_year: *from_year,
                    },
                );
            }
            Change::RoundChanged {
                year,
                number,
                after,
                ..
            } => {
                self.rounds
                    .insert(layout::round_id(*year, *number), after.clone());
            }
            // Item changes were handled above.
            Change::SelfAssessed { .. }
            | Change::SurveyScored { .. }
            | Change::Appraised { .. } => {}
        }
    }

    /// The `units` key this change updates, if it is a unit change.
    pub fn unit_state_key(change: &Change) -> Option<String> {
        match change {
            Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                Some(layout::unit_key(*year, unit))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Appraisal, ItemKey, Status};

    fn body(seq: u64, change: Change) -> EventBody {
        EventBody {
            seq,
            at: jiff::Timestamp::from_second(1_700_000_000 + seq as i64).unwrap(),
            actor: "lan".into(),
            command: "test".into(),
            change,
            reason: String::new(),
        }
    }

    #[test]
    fn replay_follows_domain_state() {
        let key = ItemKey::new(2024, "44", "3.2.1");
        let after = Appraisal {
            status: Status::NeedsInfo,
            request: "send the decision".into(),
            ..Appraisal::default()
        };
        let mut r = Replay::default();
        r.apply(&body(
            1,
            Change::Appraised {
                key: key.clone(),
                version: 1,
                before: Appraisal::default(),
                after: after.clone(),
            },
        ));
        r.apply(&body(
            2,
            Change::UnitFinalized {
                year: 2024,
                unit: "44".into(),
            },
        ));
        r.apply(&body(
            3,
            Change::MemberChanged {
                user: "minh".into(),
                before: Some(Role::Auditor),
                after: None,
            },
        ));
        let item = &r.items["2024/44/3.2.1"];
        assert_eq!(item.key, key);
        assert_eq!(item.appraisal, after);
        assert_eq!(item.version, 1);
        assert_eq!(item.last.as_ref().map(|t| t.seq), Some(1));
        assert_eq!(
            r.units["2024/44"].finalized.as_ref().map(|t| t.seq),
            Some(2)
        );
        assert_eq!(r.members["minh"], None);
        r.apply(&body(
            4,
            Change::UnitReopened {
                year: 2024,
                unit: "44".into(),
            },
        ));
        assert_eq!(r.units["2024/44"].finalized, None);
    }
}
