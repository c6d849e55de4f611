//! Reading events and texts from the journal.
//!
//! An event read back is the domain's `Event`, with the `before` of a self-assessment or an
//! appraisal filled in from the event it names (`body::Decoded::before`). An item's texts are
//! the `after` values of the events sled names (`StoredItem::self_seq`, `appraisal_seq`).

use std::collections::HashMap;

use domain::{Appraisal, Change, Event, Item, ItemKey, SelfAssessment};

use super::Store;
use super::body::{self, Decoded, Part};
use super::error::StoreError;
use super::journal::{Journal, Record};
use super::layout;
use super::state::StoredItem;

/// An `after` value an event's `before` may name.
#[derive(Clone)]
enum After {
    SelfAssessment(SelfAssessment),
    Appraisal(Appraisal),
}

/// Afters kept while reading many events in order, so that a `before` naming a recent event
/// is not read again. Bounded: cleared when full.
const AFTER_CACHE: usize = 50_000;

impl Store {
    /// The record with this seq, read from the journal.
    pub(crate) fn read_record(&self, seq: u64) -> Result<Record, StoreError> {
        self.journal_read()
            .read(seq)
            .map_err(|e| StoreError::journal(&self.dir, e))
    }

    fn decode_record(&self, rec: &Record) -> Result<Decoded, StoreError> {
        let d = body::decode(&rec.body).map_err(|e| {
            StoreError::corrupt(format!(
                "event {} in the journal cannot be read: {e} (run `thamdinh verify`)",
                rec.seq
            ))
        })?;
        if d.body.seq != rec.seq {
            return Err(StoreError::corrupt(format!(
                "journal record {} holds event {} (run `thamdinh verify`)",
                rec.seq, d.body.seq
            )));
        }
        Ok(d)
    }

    /// The `after` of event `seq`, which an event of `key` names as its `before` (`part`).
    fn after_of(&self, seq: u64, key: &ItemKey, part: Part) -> Result<After, StoreError> {
        let rec = self.read_record(seq)?;
        let d = self.decode_record(&rec)?;
        after_in(d, key, part).ok_or_else(|| wrong_before(seq, key, part))
    }

    /// Fill in the `before` of a decoded event; `cache` holds afters already read.
    fn resolve(
        &self,
        mut d: Decoded,
        hash: [u8; 32],
        cache: &mut HashMap<u64, After>,
    ) -> Result<Event, StoreError> {
        if let Some((part, before_seq)) = d.before
            && before_seq != 0
        {
            let key = d
                .body
                .change
                .item_key()
                .cloned()
                .ok_or_else(|| StoreError::corrupt("an item change without an item"))?;
            let after = match cache.get(&before_seq) {
                Some(a) => a.clone(),
                None => self.after_of(before_seq, &key, part)?,
            };
            match (part, after) {
                (Part::SelfAssessment, After::SelfAssessment(s)) => d.set_self_before(Some(s)),
                (Part::Appraisal, After::Appraisal(a)) => d.set_appraisal_before(a),
                _ => return Err(wrong_before(before_seq, &key, part)),
            }
        }
        if cache.len() >= AFTER_CACHE {
            cache.clear();
        }
        match &d.body.change {
            Change::SelfAssessed { after, .. } => {
                cache.insert(d.body.seq, After::SelfAssessment(after.clone()));
            }
            Change::Appraised { after, .. } => {
                cache.insert(d.body.seq, After::Appraisal(after.clone()));
            }
            _ => {}
        }
        Ok(Event {
            body: d.body,
            hash: hex::encode(hash),
        })
    }

    /// One committed event.
    pub fn event(&self, seq: u64) -> Result<Option<Event>, StoreError> {
        if seq == 0 || seq > self.last_seq() {
            return Ok(None);
        }
        let rec = self.read_record(seq)?;
        let d = self.decode_record(&rec)?;
        self.resolve(d, rec.hash, &mut HashMap::new()).map(Some)
    }

    /// Committed events from `from_seq` on, in seq order, read from the journal as they are
    /// consumed (bounded memory).
    pub fn events(&self, from_seq: u64) -> impl Iterator<Item = Result<Event, StoreError>> + '_ {
        let head = self.last_seq();
        let mut cache = HashMap::new();
        let mut next = from_seq.max(1);
        std::iter::from_fn(move || {
            if next > head {
                return None;
            }
            // A page of records at a time: the journal's read guard is not held in between.
            let page: Result<Vec<Record>, StoreError> = {
                let j = self.journal_read();
                j.records_from(next)
                    .take(256)
                    .take_while(|r| r.as_ref().map_or(true, |r| r.seq <= head))
                    .map(|r| r.map_err(|e| StoreError::journal(&self.dir, e)))
                    .collect()
            };
            let page = match page {
                Ok(p) if p.is_empty() => {
                    next = head + 1;
                    return Some(vec![Err(StoreError::corrupt(format!(
                        "the journal ends before event {next} (run `thamdinh verify`)"
                    )))]);
                }
                Ok(p) => p,
                Err(e) => {
                    next = head + 1;
                    return Some(vec![Err(e)]);
                }
            };
            next = page.last().map_or(head + 1, |r| r.seq + 1);
            Some(
                page.into_iter()
                    .map(|rec| {
                        let d = self.decode_record(&rec)?;
                        self.resolve(d, rec.hash, &mut cache)
                    })
                    .collect(),
            )
        })
        .flatten()
    }

    /// Every event that changed an item, oldest first.
    pub fn item_history(&self, key: &ItemKey) -> Result<Vec<Event>, StoreError> {
        let seqs = self
            .stored_item(key)?
            .map(|s| s.history)
            .unwrap_or_default();
        self.events_at(seqs)
    }

    /// Every event of a unit's items plus its finalize / reopen events, oldest first.
    pub fn unit_history(&self, year: u16, unit: &str) -> Result<Vec<Event>, StoreError> {
        if layout::check_year(year).is_err() || unit.is_empty() || unit.contains('/') {
            return Ok(Vec::new());
        }
        let mut seqs = self.stored_unit(year, unit)?.history;
        for s in self.stored_items(year, Some(unit))? {
            seqs.extend(s.history);
        }
        self.events_at(seqs)
    }

    /// Every event a user committed, oldest first.
    pub fn user_history(&self, user: &str) -> Result<Vec<Event>, StoreError> {
        let seqs = self.user_seqs(user)?;
        self.events_at(seqs)
    }

    /// The seqs of every event a user committed, in order (read a page at a time with
    /// [`Store::events_with_seqs`]: a whole trail of a user who imported much is not held).
    pub fn user_seqs(&self, user: &str) -> Result<Vec<u64>, StoreError> {
        if layout::check_user(user).is_err() {
            return Ok(Vec::new());
        }
        let prefix = layout::user_prefix(user);
        let mut seqs = Vec::new();
        for r in self.tree()?.scan_prefix(prefix.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let (Some(first), Some(last)) = (
                layout::seq_suffix(&k).filter(|_| k.len() == prefix.len() + 8),
                layout::seq_suffix(&v).filter(|_| v.len() == 8),
            ) else {
                return Err(StoreError::corrupt(format!(
                    "an index entry of {user} cannot be read (run `thamdinh rebuild`)"
                )));
            };
            seqs.extend(first..=last);
        }
        seqs.sort_unstable();
        seqs.dedup();
        Ok(seqs)
    }

    /// The events with these seqs (sorted, distinct), in seq order.
    pub fn events_with_seqs(&self, seqs: &[u64]) -> Result<Vec<Event>, StoreError> {
        self.events_at(seqs.to_vec())
    }

    /// The events with these seqs, in seq order.
    fn events_at(&self, mut seqs: Vec<u64>) -> Result<Vec<Event>, StoreError> {
        seqs.sort_unstable();
        seqs.dedup();
        let mut cache = HashMap::new();
        self.records_at(&seqs)?
            .into_iter()
            .map(|rec| {
                let d = self.decode_record(&rec)?;
                self.resolve(d, rec.hash, &mut cache)
            })
            .collect()
    }

    /// The records with these seqs (sorted, distinct): one pass over the journal when they are
    /// dense, a read each when they are few.
    fn records_at(&self, seqs: &[u64]) -> Result<Vec<Record>, StoreError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        self.records_at_in(&self.journal_read(), seqs)
    }

    /// [`Store::records_at`] from a journal the caller already holds (a commit being written).
    fn records_at_in(&self, j: &Journal, seqs: &[u64]) -> Result<Vec<Record>, StoreError> {
        let (Some(&first), Some(&last)) = (seqs.first(), seqs.last()) else {
            return Ok(Vec::new());
        };
        if last > self.last_seq() {
            return Err(StoreError::corrupt(format!(
                "the state names event {last}, after the journal's last event {} (run `thamdinh \
                 rebuild`)",
                self.last_seq()
            )));
        }
        let err = |e| StoreError::journal(&self.dir, e);
        if (seqs.len() as u64).saturating_mul(32) > last - first {
            let mut out = Vec::with_capacity(seqs.len());
            let mut want = seqs.iter().peekable();
            for rec in j.records_from(first) {
                let rec = rec.map_err(err)?;
                match want.peek() {
                    Some(&&s) if s == rec.seq => {
                        out.push(rec);
                        want.next();
                    }
                    Some(_) => {}
                    None => break,
                }
                if want.peek().is_none() {
                    break;
                }
            }
            if let Some(s) = want.next() {
                return Err(StoreError::corrupt(format!(
                    "event {s} is missing from the journal (run `thamdinh verify`)"
                )));
            }
            Ok(out)
        } else {
            seqs.iter().map(|&s| j.read(s).map_err(err)).collect()
        }
    }

    /// Items with their texts: the `after` values of the events their state names.
    pub(crate) fn with_texts(&self, stored: Vec<StoredItem>) -> Result<Vec<Item>, StoreError> {
        if stored
            .iter()
            .all(|s| s.self_seq == 0 && s.appraisal_seq == 0)
        {
            return Ok(stored.into_iter().map(|s| s.item).collect());
        }
        self.with_texts_in(&self.journal_read(), stored)
    }

    /// [`Store::with_texts`] from a journal the caller already holds (a commit being written).
    pub(crate) fn with_texts_in(
        &self,
        j: &Journal,
        stored: Vec<StoredItem>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut wanted: Vec<u64> = stored
            .iter()
            .flat_map(|s| [s.self_seq, s.appraisal_seq])
            .filter(|&s| s != 0)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut afters: HashMap<u64, Decoded> = HashMap::with_capacity(wanted.len());
        for rec in self.records_at_in(j, &wanted)? {
            afters.insert(rec.seq, self.decode_record(&rec)?);
        }
        stored
            .into_iter()
            .map(|s| {
                let mut item = s.item;
                if s.self_seq != 0 {
                    let after = afters
                        .get(&s.self_seq)
                        .and_then(|d| after_in(d.clone(), &item.key, Part::SelfAssessment));
                    match after {
                        Some(After::SelfAssessment(a)) => item.self_assessment = Some(a),
                        _ => return Err(wrong_before(s.self_seq, &item.key, Part::SelfAssessment)),
                    }
                }
                if s.appraisal_seq != 0 {
                    let after = afters
                        .get(&s.appraisal_seq)
                        .and_then(|d| after_in(d.clone(), &item.key, Part::Appraisal));
                    match after {
                        Some(After::Appraisal(a)) => item.appraisal = a,
                        _ => return Err(wrong_before(s.appraisal_seq, &item.key, Part::Appraisal)),
                    }
                }
                Ok(item)
            })
            .collect()
    }
}

/// The `after` of a decoded event, if it is a change of `part` of `key`.
fn after_in(d: Decoded, key: &ItemKey, part: Part) -> Option<After> {
    match (d.body.change, part) {
        (Change::SelfAssessed { key: k, after, .. }, Part::SelfAssessment) if &k == key => {
            Some(After::SelfAssessment(after))
        }
        (Change::Appraised { key: k, after, .. }, Part::Appraisal) if &k == key => {
            Some(After::Appraisal(after))
        }
        _ => None,
    }
}

fn wrong_before(seq: u64, key: &ItemKey, part: Part) -> StoreError {
    let what = match part {
        Part::SelfAssessment => "self-assessment",
        Part::Appraisal => "appraisal",
    };
    StoreError::corrupt(format!(
        "event {seq} is not the {what} of item {} that the store names (run `thamdinh verify`)",
        layout::item_key(key)
    ))
}
