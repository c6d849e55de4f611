//! Applying events to the state in sled: a commit, the journal's tail at open, a rebuild and a
//! restore all go through [`Applier`], so the state is always what the journal says.
//!
//! An applier reads the groups, units and metadata the events touch (once each), changes them
//! with `domain::state`, and writes everything in one sled batch together with the seq and hash
//! of the last event applied (`m/applied`). A batch is atomic in sled, so the state is always
//! the state after some event of the journal; at open the journal's events after `m/applied`
//! are applied again (see `Store::open`).

use std::collections::HashMap;

use domain::item::Touch;
use domain::state::{apply_to_item_without_text, apply_to_unit};
use domain::{Change, EventBody, Item, ItemKey, YearData};

use super::error::StoreError;
use super::layout;
use super::state::{self, Applied, StoredItem, StoredUnit};
use super::{Store, StoreAccess};

/// A touched group of items: being changed, or set aside encoded as it will be written.
enum Group {
    Open(Vec<StoredItem>),
    Sealed(Vec<u8>),
}

/// A touched group: its key, year and unit, and its items.
struct Touched {
    key: String,
    year: u16,
    unit: String,
    group: Group,
}

/// What a batch of events changes, gathered before it is written.
pub(crate) struct Applier<'s> {
    store: &'s Store,
    /// Touched groups, and where each is by key.
    groups: Vec<Touched>,
    by_key: HashMap<String, usize>,
    /// The group the last item asked for is in (most often the next one's too).
    last: Option<usize>,
    /// Groups kept open at most; more are sealed (`None`: never).
    max_open: Option<usize>,
    /// Groups open now.
    open: usize,
    units: HashMap<String, StoredUnit>,
    /// `m/…` entries to set, or to remove when `None`.
    meta: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    /// Runs of consecutive events by one actor: (actor, first, last).
    runs: Vec<(String, u64, u64)>,
    /// Events applied since the last write.
    pending: usize,
}

impl<'s> Applier<'s> {
    pub fn new(store: &'s Store) -> Applier<'s> {
        Applier {
            store,
            groups: Vec::new(),
            by_key: HashMap::new(),
            last: None,
            max_open: None,
            open: 0,
            units: HashMap::new(),
            meta: Vec::new(),
            runs: Vec::new(),
            pending: 0,
        }
    }

    /// An applier that keeps at most `max_open` groups as items and the others encoded, as they
    /// will be written (about 60 bytes an item instead of several hundred): a commit of 200,000
    /// items, which come unit by unit, holds a few units' items at a time. A sealed group
    /// touched again is decoded again.
    pub fn sealing(store: &'s Store, max_open: usize) -> Applier<'s> {
        Applier {
            max_open: Some(max_open.max(1)),
            ..Applier::new(store)
        }
    }

    /// Encode every open group.
    fn seal(&mut self) {
        for t in &mut self.groups {
            if let Group::Open(items) = &t.group {
                t.group = Group::Sealed(state::encode_group(items.iter()));
                self.open -= 1;
            }
        }
    }

    /// Events applied and not written yet.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// The stored item (loading its group once); a new empty one if no event touched it yet.
    pub fn item(&mut self, key: &ItemKey) -> Result<&mut StoredItem, StoreError> {
        let at = match self.last {
            Some(i) if self.groups[i].year == key.year && self.groups[i].unit == key.unit => i,
            _ => {
                let gk = layout::item_group_key(key);
                match self.by_key.get(&gk) {
                    Some(&i) => i,
                    None => {
                        let items = self.store.read_group(&gk, key.year, &key.unit)?;
                        self.make_room();
                        self.open += 1;
                        self.by_key.insert(gk.clone(), self.groups.len());
                        self.groups.push(Touched {
                            key: gk,
                            year: key.year,
                            unit: key.unit.clone(),
                            group: Group::Open(items),
                        });
                        self.groups.len() - 1
                    }
                }
            }
        };
        self.last = Some(at);
        if let Group::Sealed(bytes) = &self.groups[at].group {
            let t = &self.groups[at];
            let items = state::decode_group(bytes, t.year, &t.unit, &t.key)?;
            self.make_room();
            self.open += 1;
            self.groups[at].group = Group::Open(items);
        }
        let Group::Open(items) = &mut self.groups[at].group else {
            return Err(StoreError::corrupt("a group of items was not opened"));
        };
        let pos = match items.binary_search_by(|s| s.item.key.leaf.as_str().cmp(&key.leaf)) {
            Ok(i) => i,
            Err(i) => {
                items.insert(i, StoredItem::new(key.clone()));
                i
            }
        };
        Ok(&mut items[pos])
    }

    /// Before a group is opened: seal the open ones if there are as many as may be.
    fn make_room(&mut self) {
        if self.max_open.is_some_and(|m| self.open >= m) {
            self.seal();
        }
    }

    fn unit(&mut self, year: u16, unit: &str) -> Result<&mut StoredUnit, StoreError> {
        let k = layout::unit_key(year, unit);
        if !self.units.contains_key(&k) {
            let u = self.store.read_unit(&k)?;
            self.units.insert(k.clone(), u);
        }
        self.units
            .get_mut(&k)
            .ok_or_else(|| StoreError::corrupt(format!("unit {k} vanished")))
    }

    /// Apply one event (its `before` values are not needed: every change carries its whole
    /// `after`).
    pub fn apply(&mut self, body: &EventBody) -> Result<(), StoreError> {
        let touch = Touch {
            actor: body.actor.clone(),
            at: body.at,
            seq: body.seq,
        };
        let seq = body.seq;
        match &body.change {
            Change::SelfAssessed { key, .. }
            | Change::SurveyScored { key, .. }
            | Change::Appraised { key, .. } => {
                let s = self.item(key)?;
                if s.history.last().is_some_and(|&last| last >= seq) {
                    return Err(StoreError::corrupt(format!(
                        "item {} already holds event {} (the state is ahead of its applied seq; \
                         run `thamdinh rebuild`)",
                        layout::item_key(key),
                        s.history.last().copied().unwrap_or_default()
                    )));
                }
                apply_to_item_without_text(&mut s.item, &body.change, &touch);
                match &body.change {
                    Change::SelfAssessed { .. } => s.self_seq = seq,
                    Change::Appraised { .. } => s.appraisal_seq = seq,
                    _ => {}
                }
                s.history.push(seq);
            }
            Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                let u = self.unit(*year, unit)?;
                apply_to_unit(&mut u.state, &body.change, &touch);
                u.history.push(seq);
            }
            Change::MemberChanged { user, after, .. } => {
                self.meta.push((
                    layout::member_key(user).into_bytes(),
                    after.map(state::encode_role),
                ));
            }
            Change::YearOpened {
                year,
                framework_toml,
                framework_file,
                units_toml,
                units_file,
                from_year,
            } => {
                let data = YearData {
                    framework_toml: framework_toml.clone(),
                    framework_file: framework_file.clone(),
                    units_toml: units_toml.clone(),
                    units_file: units_file.clone(),
                    from_year: *from_year,
                };
                self.meta.push((
                    layout::year_meta_key(*year).into_bytes(),
                    Some(state::encode_year(&data)),
                ));
            }
            Change::RoundChanged {
                year,
                number,
                after,
                ..
            } => {
                self.meta.push((
                    layout::round_key(*year, *number).into_bytes(),
                    Some(state::encode_round(after)),
                ));
            }
            Change::OfficialChanged { year, after, .. } => {
                self.meta.push((
                    layout::official_key(*year).into_bytes(),
                    Some(state::encode_official(after)),
                ));
            }
            Change::AssignmentChanged {
                year,
                unit,
                area,
                after,
                ..
            } => {
                let value = after.as_ref().map(|user| {
                    state::encode_assignment(&domain::Assignment {
                        year: *year,
                        unit: unit.clone(),
                        area: area.clone(),
                        user: user.clone(),
                    })
                });
                self.meta.push((
                    layout::assign_key(*year, unit, area.as_deref()).into_bytes(),
                    value,
                ));
            }
            Change::AssignmentsEnforced { year, after, .. } => {
                self.meta.push((
                    layout::enforced_key(*year).into_bytes(),
                    after.then(state::encode_enforced),
                ));
            }
            Change::ResultsPublished { year, after, .. } => {
                self.meta.push((
                    layout::results_key(*year).into_bytes(),
                    Some(state::encode_published(after)),
                ));
            }
            Change::ResponsesImported { year, batch } => {
                self.meta.push((
                    layout::responses_key(*year, seq).into_bytes(),
                    Some(state::encode_batch(batch)),
                ));
            }
        }
        match self.runs.last_mut() {
            Some((actor, _, last)) if *actor == body.actor && *last + 1 == seq => *last = seq,
            _ => self.runs.push((body.actor.clone(), seq, seq)),
        }
        self.pending += 1;
        Ok(())
    }

    /// Write everything gathered, with `applied` as the last event applied, in one sled batch;
    /// returns the items written (without texts), for the summaries the store keeps. The
    /// applier is empty afterwards and can go on.
    pub fn write(&mut self, applied: Applied) -> Result<Written, StoreError> {
        let (batch, written) = self.prepare(applied);
        self.store.apply_batch(batch)?;
        Ok(written)
    }

    /// [`Applier::write`] without writing: the sled batch to apply, and the items it writes.
    /// The applier is empty afterwards and can go on.
    pub fn prepare(&mut self, applied: Applied) -> (sled::Batch, Written) {
        let mut batch = sled::Batch::default();
        let mut written = Written::default();
        self.open = 0;
        self.last = None;
        self.by_key.clear();
        for t in self.groups.drain(..) {
            let Touched {
                key: k,
                year,
                unit,
                group,
            } = t;
            match group {
                Group::Open(items) => {
                    batch.insert(k.as_bytes(), state::encode_group(items.iter()));
                    written.items.extend(items.into_iter().map(|s| s.item));
                }
                Group::Sealed(bytes) => {
                    batch.insert(k.as_bytes(), &bytes[..]);
                    written.sealed.push((year, unit, k, bytes));
                }
            }
        }
        for (k, u) in self.units.drain() {
            batch.insert(k.as_bytes(), state::encode_unit(&u));
        }
        for (k, v) in self.meta.drain(..) {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
        }
        for (actor, first, last) in self.runs.drain(..) {
            batch.insert(
                layout::by_user_key(&actor, first),
                &state::encode_seq(last)[..],
            );
        }
        batch.insert(layout::APPLIED_KEY, state::encode_applied(&applied));
        self.pending = 0;
        (batch, written)
    }
}

/// The items a write changed: as items, and the groups that were sealed, still encoded (read one
/// at a time, so the items of a large commit are never all held).
#[derive(Default)]
pub(crate) struct Written {
    items: Vec<Item>,
    /// (year, unit, key, encoded group).
    sealed: Vec<(u16, String, String, Vec<u8>)>,
}

impl Written {
    /// Items written, about (a sealed group counted as a unit's hundred).
    pub fn size(&self) -> usize {
        self.items.len() + 100 * self.sealed.len()
    }

    /// Every item written, group by group.
    pub fn for_each(self, mut f: impl FnMut(&Item)) -> Result<(), StoreError> {
        self.items.iter().for_each(&mut f);
        for (year, unit, key, bytes) in self.sealed {
            for s in state::decode_group(&bytes, year, &unit, &key)? {
                f(&s.item);
            }
        }
        Ok(())
    }
}
