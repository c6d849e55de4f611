//! Current state held in memory while events are applied: by `commit` (seeded with the stored
//! state of what a batch touches), and by `verify`, `rebuild` and `restore` (from nothing).
//! Items and units change only through `domain::state`, so a replay always equals what commit
//! wrote. Each item and unit also keeps its history: the seqs of the events that changed it.

use std::collections::BTreeMap;

use crate::domain::state::{apply_to_item, apply_to_unit};
use crate::domain::{Change, EventBody, Item, Role, Touch};

use super::YearData;
use super::codec::{StoredItem, StoredUnit};
use super::layout;

/// The items of one `items` group, by leaf code.
pub(crate) type Group = BTreeMap<String, StoredItem>;

/// State derived from events, keyed exactly as in the trees (so iteration order is tree order).
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// `items` group key → its items.
    pub groups: BTreeMap<String, Group>,
    /// `units` key → unit state and history.
    pub units: BTreeMap<String, StoredUnit>,
    /// user → role; `None` once removed (commit deletes the `meta` entry).
    pub members: BTreeMap<String, Option<Role>>,
    pub years: BTreeMap<u16, YearData>,
    /// Scratch space for group keys.
    key_buf: String,
}

impl Replay {
    /// Apply one event's change to the state it changes and record it in that state's history.
    pub fn apply(&mut self, body: &EventBody) {
        let touch = Touch {
            actor: body.actor.clone(),
            at: body.at,
            seq: body.seq,
        };
        let change = &body.change;
        if let Some(key) = change.item_key() {
            // Look up by a reused buffer; allocate keys only for a new group or item.
            self.key_buf.clear();
            use std::fmt::Write;
            let _ = write!(
                self.key_buf,
                "{:04}/{}/{}",
                key.year,
                key.unit,
                layout::group_of(&key.leaf)
            );
            let group = match self.groups.get_mut(self.key_buf.as_str()) {
                Some(g) => g,
                None => self.groups.entry(self.key_buf.clone()).or_default(),
            };
            let stored = match group.get_mut(key.leaf.as_str()) {
                Some(s) => s,
                None => group.entry(key.leaf.clone()).or_insert_with(|| StoredItem {
                    item: Item::new(key.clone()),
                    history: Vec::new(),
                }),
            };
            apply_to_item(&mut stored.item, change, &touch);
            stored.history.push(body.seq);
            return;
        }
        match change {
            Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                let stored = self.units.entry(layout::unit_key(*year, unit)).or_default();
                apply_to_unit(&mut stored.state, change, &touch);
                stored.history.push(body.seq);
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
            } => {
                self.years.insert(
                    *year,
                    YearData {
                        framework_toml: framework_toml.clone(),
                        framework_file: framework_file.clone(),
                        units_toml: units_toml.clone(),
                        units_file: units_file.clone(),
                    },
                );
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

    /// The `items` group key this change updates, if it is an item change.
    pub fn group_key(change: &Change) -> Option<String> {
        change.item_key().map(layout::item_group_key)
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
        let stored = &r.groups["2024/44/3.2"]["3.2.1"];
        let item = &stored.item;
        assert_eq!(item.key, key);
        assert_eq!(item.appraisal, after);
        assert_eq!(item.version, 1);
        assert_eq!(item.last.as_ref().map(|t| t.seq), Some(1));
        assert_eq!(stored.history, [1]);
        assert_eq!(
            r.units["2024/44"].state.finalized.as_ref().map(|t| t.seq),
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
        assert_eq!(r.units["2024/44"].state.finalized, None);
        assert_eq!(r.units["2024/44"].history, [2, 4]);
    }
}
