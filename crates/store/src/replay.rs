//! Current state held in memory while events are applied: by `commit` (seeded with the stored
//! state of what a batch touches), and by `verify`, `rebuild` and `restore` (from nothing).
//! Items and units change only through `domain::state`, so a replay always equals what commit
//! wrote. Each item and unit also keeps its history: the seqs of the events that changed it.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use domain::state::{apply_to_item, apply_to_unit};
use domain::{Appraisal, Change, EventBody, Item, Role, Round, SelfAssessment, Touch};

use super::YearData;
use super::codec::{StoredItem, StoredUnit};
use super::fastdecode::{KeyRef, ReplayBody, ReplayChange};
use super::layout;

/// The items of one `items` group, by leaf code.
pub(crate) type Group = BTreeMap<String, StoredItem>;

/// State derived from events, keyed exactly as in the trees (so iteration order is tree order).
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// `items` group key → its items (hashed: replaying a whole log looks groups up hundreds of
    /// thousands of times; [`Replay::sorted_groups`] gives them in tree order).
    pub groups: HashMap<String, Group>,
    /// `units` key → unit state and history.
    pub units: BTreeMap<String, StoredUnit>,
    /// user → role; `None` once removed (commit deletes the `meta` entry).
    pub members: BTreeMap<String, Option<Role>>,
    pub years: BTreeMap<u16, YearData>,
    /// `layout::round_id` → round.
    pub rounds: BTreeMap<String, Round>,
    /// Scratch space for group keys.
    key_buf: String,
    /// Item name → the JSON of its last self-assessment and appraisal not decoded yet, with
    /// their seqs ([`Replay::apply_replay`]; [`Replay::finish`] decodes them).
    pending: HashMap<String, Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    self_assessment: Option<(u64, String)>,
    appraisal: Option<(u64, String)>,
}

impl Replay {
    /// Apply one event's change to the state it changes and record it in that state's history.
    pub fn apply(&mut self, body: &EventBody) {
        self.apply_change(body.seq, body.at, &body.actor, &body.change);
    }

    /// The stored item of a key, created if new.
    fn item_mut(&mut self, year: u16, unit: &str, leaf: &str) -> &mut StoredItem {
        // Look up by a reused buffer; allocate keys only for a new group or item.
        self.key_buf.clear();
        use std::fmt::Write;
        let _ = write!(self.key_buf, "{year:04}/{unit}/{}", layout::group_of(leaf));
        if !self.groups.contains_key(self.key_buf.as_str()) {
            self.groups.insert(self.key_buf.clone(), Group::new());
        }
        let group = self
            .groups
            .get_mut(self.key_buf.as_str())
            .expect("the group was inserted just above");
        if !group.contains_key(leaf) {
            group.insert(
                leaf.to_string(),
                StoredItem {
                    item: Item::new(domain::ItemKey::new(year, unit, leaf)),
                    history: Vec::new(),
                },
            );
        }
        group
            .get_mut(leaf)
            .expect("the item was inserted just above")
    }

    fn apply_change(&mut self, seq: u64, at: Timestamp, actor: &str, change: &Change) {
        let touch = Touch {
            actor: actor.to_string(),
            at,
            seq,
        };
        if let Some(key) = change.item_key() {
            let stored = self.item_mut(key.year, &key.unit, &key.leaf);
            apply_to_item(&mut stored.item, change, &touch);
            stored.history.push(seq);
            // A decoded value replaces any pending one of the same kind.
            let kind = match change {
                Change::SelfAssessed { .. } => Some(true),
                Change::Appraised { .. } => Some(false),
                _ => None,
            };
            if let Some(is_self) = kind
                && !self.pending.is_empty()
                && let Some(p) = self.pending.get_mut(&layout::item_key(key))
            {
                if is_self {
                    p.self_assessment = None;
                } else {
                    p.appraisal = None;
                }
            }
            return;
        }
        match change {
            Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                let stored = self.units.entry(layout::unit_key(*year, unit)).or_default();
                apply_to_unit(&mut stored.state, change, &touch);
                stored.history.push(seq);
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

    /// Apply an event as the fast decoder gives it: an item's version, last touch and history
    /// now; the JSON of a self-assessment or appraisal kept as text, to be decoded by
    /// [`Replay::finish`] only if no later event of that item replaces it. The result is the
    /// same as [`Replay::apply`] (`domain::state` sets those parts to the event's `after`).
    pub fn apply_replay(&mut self, b: &ReplayBody<'_>) {
        let (key, version, raw, is_self): (&KeyRef<'_>, u64, Option<&str>, bool) = match &b.change {
            ReplayChange::Full(change) => {
                self.apply_change(b.seq, b.at, &b.actor, change);
                return;
            }
            ReplayChange::SurveyScored {
                key,
                version,
                after,
            } => {
                let stored = self.item_mut(key.year, &key.unit, &key.leaf);
                stored.item.survey = Some(*after);
                (key, *version, None, false)
            }
            ReplayChange::SelfAssessed {
                key,
                version,
                after,
            } => (key, *version, Some(after.get()), true),
            ReplayChange::Appraised {
                key,
                version,
                after,
            } => (key, *version, Some(after.get()), false),
        };
        let stored = self.item_mut(key.year, &key.unit, &key.leaf);
        stored.item.version = version;
        let same_actor = stored
            .item
            .last
            .as_ref()
            .is_some_and(|t| t.actor == b.actor.as_ref());
        if same_actor {
            if let Some(t) = stored.item.last.as_mut() {
                t.at = b.at;
                t.seq = b.seq;
            }
        } else {
            stored.item.last = Some(Touch {
                actor: b.actor.to_string(),
                at: b.at,
                seq: b.seq,
            });
        }
        stored.history.push(b.seq);
        if let Some(raw) = raw {
            let name = {
                self.key_buf.clear();
                use std::fmt::Write;
                let _ = write!(self.key_buf, "{:04}/{}/{}", key.year, key.unit, key.leaf);
                self.key_buf.as_str()
            };
            let p = match self.pending.get_mut(name) {
                Some(p) => p,
                None => self.pending.entry(name.to_string()).or_default(),
            };
            let slot = if is_self {
                &mut p.self_assessment
            } else {
                &mut p.appraisal
            };
            // Reuse the text buffer of the value it replaces.
            match slot {
                Some((seq, text)) => {
                    *seq = b.seq;
                    text.clear();
                    text.push_str(raw);
                }
                None => *slot = Some((b.seq, raw.to_string())),
            }
        }
    }

    /// Decode what [`Replay::apply_replay`] kept as text. An `after` that cannot be read is
    /// returned as (seq, reason); the rest is still decoded.
    pub fn finish(&mut self) -> Option<(u64, String)> {
        let mut first_bad: Option<(u64, String)> = None;
        for (name, p) in std::mem::take(&mut self.pending) {
            let Some(key) = layout::parse_item_key(&name) else {
                continue;
            };
            let stored = self.item_mut(key.year, &key.unit, &key.leaf);
            let mut bad = |seq: u64, e: serde_json::Error| {
                if first_bad.as_ref().is_none_or(|(s, _)| seq < *s) {
                    first_bad = Some((seq, format!("its content cannot be read: {e}")));
                }
            };
            if let Some((seq, raw)) = p.self_assessment {
                match serde_json::from_str::<SelfAssessment>(&raw) {
                    Ok(v) => stored.item.self_assessment = Some(v),
                    Err(e) => bad(seq, e),
                }
            }
            if let Some((seq, raw)) = p.appraisal {
                match serde_json::from_str::<Appraisal>(&raw) {
                    Ok(v) => stored.item.appraisal = v,
                    Err(e) => bad(seq, e),
                }
            }
        }
        first_bad
    }

    /// The groups in tree order.
    pub fn sorted_groups(self) -> Vec<(String, Group)> {
        let mut v: Vec<(String, Group)> = self.groups.into_iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v
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
    use domain::{Appraisal, ItemKey, Status};

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

    /// Replaying what the fast decoder gives (afters decoded only at the end) gives the same
    /// state as replaying whole events.
    #[test]
    fn replay_from_the_fast_decoder_equals_replay_of_whole_events() {
        use domain::{Evidence, Points, SelfAssessment};
        let k1 = ItemKey::new(2024, "44", "3.2.1");
        let k2 = ItemKey::new(2024, "44", "3.2.2");
        let sa = |s: i64, note: &str| SelfAssessment {
            score: Points::from_hundredths(s),
            note: note.into(),
            evidence: vec![Evidence {
                number: "1/QĐ".into(),
                title: format!("Quyết định \"{note}\""),
                ..Default::default()
            }],
        };
        let ap = |j: &str, st: Status| Appraisal {
            proposed: Some(Points::from_hundredths(50)),
            justification: j.into(),
            status: st,
            ..Appraisal::default()
        };
        let changes = vec![
            Change::SelfAssessed {
                key: k1.clone(),
                version: 1,
                before: None,
                after: sa(100, "a"),
            },
            Change::SurveyScored {
                key: k2.clone(),
                version: 1,
                before: None,
                after: Points::from_hundredths(75),
            },
            Change::Appraised {
                key: k1.clone(),
                version: 2,
                before: Appraisal::default(),
                after: ap("x", Status::Adjusted),
            },
            Change::SelfAssessed {
                key: k1.clone(),
                version: 3,
                before: Some(sa(100, "a")),
                after: sa(75, "b"),
            },
            Change::UnitFinalized {
                year: 2024,
                unit: "44".into(),
            },
            Change::Appraised {
                key: k1.clone(),
                version: 4,
                before: ap("x", Status::Adjusted),
                after: ap("y\n", Status::NeedsInfo),
            },
            Change::SurveyScored {
                key: k2.clone(),
                version: 2,
                before: Some(Points::from_hundredths(75)),
                after: Points::from_hundredths(80),
            },
            Change::UnitReopened {
                year: 2024,
                unit: "44".into(),
            },
        ];
        let (mut whole, mut fast) = (Replay::default(), Replay::default());
        for (i, c) in changes.into_iter().enumerate() {
            let mut b = body(i as u64 + 1, c);
            b.actor = if i % 3 == 0 {
                "lan".into()
            } else {
                "minh".into()
            };
            whole.apply(&b);
            let bytes = serde_json::to_vec(&b).unwrap();
            fast.apply_replay(&crate::fastdecode::decode_for_replay(&bytes).unwrap());
        }
        assert_eq!(fast.finish(), None);
        assert_eq!(fast.groups, whole.groups);
        assert_eq!(fast.units, whole.units);
        assert_eq!(
            fast.groups["2024/44/3.2"]["3.2.1"]
                .item
                .self_assessment
                .as_ref()
                .map(|s| s.note.as_str()),
            Some("b")
        );
    }
}
