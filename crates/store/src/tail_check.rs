//! At open, the state must hold the journal's last events. sled can come back from a damaged
//! log readable, with its applied seq, and yet without the last entries of an index (a flipped
//! byte found by the re-test of issue 12: a user's trail served 763 of 802 events, and nothing
//! said so). Before a store is served, the last [`TAIL_CHECK`] events are looked for where they
//! must have left a mark — the actor's index, the item's or the unit's history, the year — and
//! a state that lacks one is rebuilt from the journal. It is a check of the end, where a log
//! loses writes; `verify` compares the whole state.

use std::collections::HashMap;

use domain::{Change, ItemKey};

use super::{Store, StoreError, layout};

/// How many of the journal's last events are looked for in the state when a store is opened
/// (a few milliseconds; a whole-state comparison is `verify`'s, seconds at large scale).
pub(crate) const TAIL_CHECK: u64 = 2048;

impl Store {
    /// The first of the journal's last [`TAIL_CHECK`] events that the state does not hold, and
    /// where it is missing (in English, for the server's log).
    pub(crate) fn tail_missing(&self) -> Result<Option<(u64, String)>, StoreError> {
        let head = self.last_seq();
        if head == 0 {
            return Ok(None);
        }
        let from = head.saturating_sub(TAIL_CHECK - 1).max(1);
        let mut items: HashMap<ItemKey, Vec<u64>> = HashMap::new();
        let mut units: HashMap<(u16, String), Vec<u64>> = HashMap::new();
        let mut actors: HashMap<String, Vec<u64>> = HashMap::new();
        let mut first_missing: Option<(u64, String)> = None;
        for event in self.events(from) {
            let body = event?.body;
            let seq = body.seq;
            if layout::check_user(&body.actor).is_ok() {
                actors.entry(body.actor.clone()).or_default().push(seq);
            }
            let missing = match &body.change {
                Change::SelfAssessed { key, .. }
                | Change::SurveyScored { key, .. }
                | Change::Appraised { key, .. } => {
                    if !items.contains_key(key) {
                        let history = self.stored_item(key)?.map(|s| s.history);
                        items.insert(key.clone(), history.unwrap_or_default());
                    }
                    let history = &items[key];
                    (history.binary_search(&seq).is_err())
                        .then(|| format!("the history of item {}", layout::item_key(key)))
                }
                Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                    let at = (*year, unit.clone());
                    if !units.contains_key(&at) {
                        units.insert(at.clone(), self.stored_unit(*year, unit)?.history);
                    }
                    (units[&at].binary_search(&seq).is_err())
                        .then(|| format!("the history of unit {year}/{unit}"))
                }
                Change::YearOpened { year, .. } => {
                    let key = layout::year_meta_key(*year);
                    let held = self
                        .tree()?
                        .contains_key(key.as_bytes())
                        .map_err(|e| self.sled_err(e))?;
                    (!held).then(|| format!("the year {year}"))
                }
                _ => None,
            };
            if let Some(what) = missing {
                first_missing = Some((seq, what));
                break;
            }
        }
        for (user, seqs) in &actors {
            if let Some(seq) = self.first_not_indexed(user, seqs)?
                && first_missing.as_ref().is_none_or(|(s, _)| seq < *s)
            {
                first_missing = Some((seq, format!("the index of {user}'s events")));
            }
        }
        Ok(first_missing)
    }

    /// The first of `seqs` (ascending) that `user`'s index does not hold. The index is read
    /// forwards, as a user's history is (a damaged sled can answer a lookup of one key and yet
    /// end a forward reading early): from the run holding the first of `seqs` to the end.
    fn first_not_indexed(&self, user: &str, seqs: &[u64]) -> Result<Option<u64>, StoreError> {
        let Some(&lowest) = seqs.first() else {
            return Ok(None);
        };
        let prefix = layout::user_prefix(user);
        let tree = self.tree()?;
        let lowest_key = layout::by_user_key(user, lowest);
        let start = match tree
            .range(prefix.as_bytes()..=lowest_key.as_slice())
            .next_back()
        {
            Some(entry) => entry.map_err(|e| self.sled_err(e))?.0.to_vec(),
            None => prefix.clone().into_bytes(),
        };
        let mut want = seqs.iter().copied().peekable();
        for entry in tree.range(start..) {
            let (k, v) = entry.map_err(|e| self.sled_err(e))?;
            if !k.starts_with(prefix.as_bytes()) {
                break;
            }
            let first = layout::seq_suffix(&k).filter(|_| k.len() == prefix.len() + 8);
            let last = layout::seq_suffix(&v).filter(|_| v.len() == 8);
            let (Some(first), Some(last)) = (first, last) else {
                // An entry that does not decode holds nothing.
                continue;
            };
            while let Some(&seq) = want.peek() {
                if seq < first {
                    return Ok(Some(seq));
                }
                if seq > last {
                    break;
                }
                want.next();
            }
            if want.peek().is_none() {
                return Ok(None);
            }
        }
        Ok(want.next())
    }
}
