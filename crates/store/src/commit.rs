//! Committing events: seq, time and hash assignment, state and index updates in one sled
//! transaction, then durability before anything is returned.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use jiff::Timestamp;
use sled::Transactional;
use sled::transaction::TransactionError;

use domain::{Event, EventBody};

use super::codec::{self, HASH_LEN, Head};
use super::error::StoreError;
use super::layout;
use super::replay::Replay;
use super::{NewEvent, Store, new_body};

/// Everything one commit writes, encoded before the transaction (whose closure sled may run
/// more than once).
#[derive(Default)]
pub(super) struct Writes {
    pub events: Vec<(u64, Vec<u8>)>,
    pub items: Vec<(String, Vec<u8>)>,
    pub units: Vec<(String, Vec<u8>)>,
    /// `meta` entries to set, or to remove when `None`.
    pub meta: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    pub by_user: Vec<(Vec<u8>, [u8; 8])>,
}

/// Cut event records into blocks of about [`codec::BLOCK_BYTES`]: (first seq, block value).
pub(super) struct Blocks {
    pub done: Vec<(u64, Vec<u8>)>,
    current: Option<(u64, Vec<u8>)>,
}

impl Blocks {
    pub fn new() -> Blocks {
        Blocks {
            done: Vec::new(),
            current: None,
        }
    }

    pub fn push(&mut self, seq: u64, hash: &[u8; HASH_LEN], body: &[u8]) {
        let (_, block) = self
            .current
            .get_or_insert_with(|| (seq, vec![codec::BLOCK]));
        codec::push_record(block, seq, hash, body);
        if block.len() >= codec::BLOCK_BYTES {
            self.close();
        }
    }

    /// Close the block being filled (the next record starts a new one).
    pub fn close(&mut self) {
        if let Some(b) = self.current.take() {
            self.done.push(b);
        }
    }

    pub fn finish(mut self) -> Vec<(u64, Vec<u8>)> {
        self.close();
        self.done
    }
}

/// Runs of consecutive events by one actor: (actor, first seq, last seq).
pub(super) fn runs<'a>(bodies: impl Iterator<Item = &'a EventBody>) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = Vec::new();
    for b in bodies {
        match out.last_mut() {
            Some((actor, _, last)) if *actor == b.actor && *last + 1 == b.seq => *last = b.seq,
            _ => out.push((b.actor.clone(), b.seq, b.seq)),
        }
    }
    out
}

impl Store {
    /// Commit events atomically, in order. Assigns each a seq (continuing the log) and the one
    /// time `at`, chains their hashes, applies each change to the state it changes (items and
    /// units through `domain::state`, with the event added to their history; members and years
    /// in `meta`) and writes the `by_user` entry — all in one sled multi-tree transaction. Then
    /// flushes sled and `fdatasync`s its files; the committed events are returned only after
    /// that, so an acknowledged event survives a crash or power loss.
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

        // Bodies, canonical bytes and hashes, packed into blocks.
        let mut bodies = Vec::with_capacity(events.len());
        let mut blocks = Blocks::new();
        let (mut seq, mut prev) = (tip.seq, tip.hash);
        for e in events {
            seq += 1;
            let body = new_body(seq, at, e);
            let bytes = codec::body_bytes(&body)?;
            let hash = codec::chain_hash(&prev, &bytes);
            blocks.push(seq, &hash, &bytes);
            prev = hash;
            bodies.push((body, hash));
        }

        // The stored state of what the batch changes. Read outside the transaction: every
        // writer of these trees holds the commit lock we hold.
        let mut state = Replay::default();
        let mut loaded: HashMap<String, ()> = HashMap::new();
        for (body, _) in &bodies {
            if let Some(k) = Replay::group_key(&body.change) {
                if let Entry::Vacant(v) = loaded.entry(k) {
                    let k = v.key().clone();
                    v.insert(());
                    if let Some(bytes) = self
                        .t
                        .items
                        .get(k.as_bytes())
                        .map_err(|e| self.sled_err(e))?
                    {
                        let group = codec::decode_group(&bytes, &format!("items {k}"))?;
                        state.groups.insert(k, group);
                    }
                }
            } else if let Some(k) = Replay::unit_state_key(&body.change)
                && let Entry::Vacant(v) = loaded.entry(k)
            {
                let k = v.key().clone();
                v.insert(());
                if let Some(bytes) = self
                    .t
                    .units
                    .get(k.as_bytes())
                    .map_err(|e| self.sled_err(e))?
                {
                    state
                        .units
                        .insert(k.clone(), codec::decode(&bytes, &format!("unit {k}"))?);
                }
            }
            state.apply(body);
        }

        let mut w = Writes {
            events: blocks.finish(),
            ..Writes::default()
        };
        for (k, group) in &state.groups {
            w.items.push((k.clone(), codec::encode_group(group)?));
        }
        for (k, unit) in &state.units {
            w.units.push((k.clone(), codec::encode(unit)?));
        }
        for (user, role) in &state.members {
            let k = layout::member_key(user).into_bytes();
            w.meta
                .push((k, role.map(|r| codec::encode(&r)).transpose()?));
        }
        for (year, data) in &state.years {
            let k = layout::year_meta_key(*year).into_bytes();
            w.meta.push((k, Some(codec::encode(data)?)));
        }
        for (id, round) in &state.rounds {
            let k = format!("{}{id}", layout::ROUND_PREFIX).into_bytes();
            w.meta.push((k, Some(codec::encode(round)?)));
        }
        w.meta.push((
            layout::HEAD_KEY.to_vec(),
            Some(codec::encode(&Head {
                seq,
                hash: hex::encode(prev),
            })?),
        ));
        for (actor, first, last) in runs(bodies.iter().map(|(b, _)| b)) {
            w.by_user
                .push((layout::by_user_key(&actor, first), last.to_be_bytes()));
        }
        self.write_transaction(&w)?;
        self.update_summaries(
            state
                .groups
                .values()
                .flat_map(|g| g.values().map(|s| &s.item)),
        );

        // The events are in the trees now: the chain continues from them even if making them
        // durable fails below.
        self.set_tip(&mut tip, seq, prev);
        self.make_durable(&mut tip)?;
        drop(tip);

        Ok(bodies
            .into_iter()
            .map(|(body, hash)| Event {
                body,
                hash: hex::encode(hash),
            })
            .collect())
    }

    /// Write everything in one sled transaction: all of it lands, or none of it.
    pub(super) fn write_transaction(&self, w: &Writes) -> Result<(), StoreError> {
        let t = &self.t;
        let result = (&t.events, &t.items, &t.units, &t.meta, &t.by_user).transaction(
            |(events, items, units, meta, by_user)| {
                for (seq, block) in &w.events {
                    events.insert(&layout::seq_key(*seq), block.as_slice())?;
                }
                for (k, v) in &w.items {
                    items.insert(k.as_bytes(), v.as_slice())?;
                }
                for (k, v) in &w.units {
                    units.insert(k.as_bytes(), v.as_slice())?;
                }
                for (k, v) in &w.meta {
                    match v {
                        Some(v) => meta.insert(k.as_slice(), v.as_slice())?,
                        None => meta.remove(k.as_slice())?,
                    };
                }
                for (k, v) in &w.by_user {
                    by_user.insert(k.as_slice(), &v[..])?;
                }
                Ok::<(), sled::transaction::ConflictableTransactionError<StoreError>>(())
            },
        );
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(self.sled_err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(seq: u64, actor: &str) -> EventBody {
        EventBody {
            seq,
            at: Timestamp::from_second(0).unwrap(),
            actor: actor.into(),
            command: "t".into(),
            change: domain::Change::UnitFinalized {
                year: 2024,
                unit: "44".into(),
            },
            reason: String::new(),
        }
    }

    #[test]
    fn runs_group_consecutive_events_of_one_actor() {
        let b = [body(5, "a"), body(6, "a"), body(7, "b"), body(8, "a")];
        assert_eq!(
            runs(b.iter()),
            [
                ("a".to_string(), 5, 6),
                ("b".to_string(), 7, 7),
                ("a".to_string(), 8, 8)
            ]
        );
    }

    #[test]
    fn blocks_close_at_their_size() {
        let mut b = Blocks::new();
        let body = vec![b'x'; codec::BLOCK_BYTES / 2];
        for seq in 1..=5 {
            b.push(seq, &[0; HASH_LEN], &body);
        }
        let done = b.finish();
        assert_eq!(done.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 3, 5]);
        let seqs: Vec<u64> = done
            .iter()
            .flat_map(|(_, v)| {
                codec::records(v)
                    .map(|r| r.unwrap().seq)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5]);
    }
}
