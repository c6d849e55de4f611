//! Committing events: seq, time and hash assignment, state and index updates in one sled
//! transaction, then durability before anything is returned.

use jiff::Timestamp;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use crate::domain::{Event, Item, UnitState};

use super::codec::{self, Head};
use super::error::StoreError;
use super::layout;
use super::replay::Replay;
use super::{NewEvent, Store, new_body};

impl Store {
    /// Commit events atomically, in order. Assigns each a seq (continuing the log) and the one
    /// time `at`, chains their hashes, applies each change to the state it changes (items and
    /// units through `domain::state`, members and years in `meta`) and writes the `by_item` /
    /// `by_user` index entries — all in one sled multi-tree transaction. Then flushes sled and
    /// `fdatasync`s its files; the committed events are returned only after that, so an
    /// acknowledged event survives a crash or power loss.
    ///
    /// The store does not judge whether a change is allowed (that is the engine's job); it
    /// refuses only what it cannot lay out (`BadKey`: empty codes or user names, '/', years above
    /// 9999). An empty batch commits nothing.
    pub fn commit(&self, at: Timestamp, events: Vec<NewEvent>) -> Result<Vec<Event>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        for e in &events {
            layout::check_user(&e.actor)?;
            layout::check_change(&e.change)?;
        }
        let mut tip = self.lock_tip();
        if let Some(why) = &tip.broken {
            return Err(StoreError::corrupt(format!(
                "{why}; new events cannot be chained onto it"
            )));
        }

        // Bodies, canonical bytes and hashes are computed once, outside the transaction (whose
        // closure sled may run more than once).
        let mut prepared = Vec::with_capacity(events.len());
        let (mut seq, mut prev) = (tip.seq, tip.hash);
        for e in events {
            seq += 1;
            let body = new_body(seq, at, e);
            let bytes = codec::body_bytes(&body)?;
            let hash = codec::chain_hash(&prev, &bytes);
            prev = hash;
            prepared.push((body, codec::event_value(&hash, &bytes)));
        }
        let head = codec::encode(&Head {
            seq,
            hash: hex::encode(prev),
        })?;

        let t = &self.t;
        let result = (
            &t.events, &t.items, &t.units, &t.meta, &t.by_item, &t.by_user,
        )
            .transaction(|(events, items, units, meta, by_item, by_user)| {
                let abort = ConflictableTransactionError::Abort;
                let mut state = Replay::default();
                for (body, value) in &prepared {
                    events.insert(&layout::seq_key(body.seq), value.as_slice())?;
                    // Load the current state of what this event changes, once per batch.
                    if let Some(key) = body.change.item_key() {
                        let k = layout::item_key(key);
                        if !state.items.contains_key(&k)
                            && let Some(v) = items.get(k.as_bytes())?
                        {
                            let item: Item =
                                codec::decode(&v, &format!("item {k}")).map_err(abort)?;
                            state.items.insert(k, item);
                        }
                    } else if let Some(k) = Replay::unit_state_key(&body.change)
                        && !state.units.contains_key(&k)
                        && let Some(v) = units.get(k.as_bytes())?
                    {
                        let unit: UnitState =
                            codec::decode(&v, &format!("unit {k}")).map_err(abort)?;
                        state.units.insert(k, unit);
                    }
                    state.apply(body);
                    if let Some(k) = layout::by_item_key(&body.change, body.seq) {
                        by_item.insert(k, &[][..])?;
                    }
                    by_user.insert(layout::by_user_key(&body.actor, body.seq), &[][..])?;
                }
                for (k, item) in &state.items {
                    items.insert(k.as_bytes(), codec::encode(item).map_err(abort)?)?;
                }
                for (k, unit) in &state.units {
                    units.insert(k.as_bytes(), codec::encode(unit).map_err(abort)?)?;
                }
                for (user, role) in &state.members {
                    let k = layout::member_key(user);
                    match role {
                        Some(role) => {
                            meta.insert(k.as_bytes(), codec::encode(role).map_err(abort)?)?;
                        }
                        None => {
                            meta.remove(k.as_bytes())?;
                        }
                    }
                }
                for (year, data) in &state.years {
                    let k = layout::year_meta_key(*year);
                    meta.insert(k.as_bytes(), codec::encode(data).map_err(abort)?)?;
                }
                for (id, round) in &state.rounds {
                    let k = format!("{}{id}", layout::ROUND_PREFIX);
                    meta.insert(k.as_bytes(), codec::encode(round).map_err(abort)?)?;
                }
                meta.insert(layout::HEAD_KEY, head.as_slice())?;
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(self.sled_err(e)),
        }
        // The events are in the trees now: the chain continues from them even if making them
        // durable fails below.
        self.set_tip(&mut tip, seq, prev);
        self.make_durable(&mut tip)?;
        drop(tip);

        Ok(prepared
            .into_iter()
            .map(|(body, value)| {
                // The hash sits right after the version byte.
                let hash = hex::encode(&value[1..1 + codec::HASH_LEN]);
                Event { body, hash }
            })
            .collect())
    }
}
