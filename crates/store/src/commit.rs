//! Committing events: seq, time and hash assignment, the journal append that makes them
//! durable, then the state in sled.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use domain::{Change, Committed, Event, EventBody, NewEvent};

use super::Store;
use super::apply::Applier;
use super::body;
use super::error::StoreError;
use super::layout;
use super::state::Applied;

/// `SHA-256(prev ‖ body)`.
pub(crate) fn chain_hash(prev: &[u8; 32], body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(body);
    h.finalize().into()
}

impl Store {
    /// Commit events atomically, in order. Assigns each a seq (continuing the journal) and one
    /// time — `at`, or the time of the last event if `at` is earlier, so times never go
    /// backwards — chains their hashes and appends them to the journal, which is `fdatasync`ed
    /// before this returns: an acknowledged event survives a crash or power loss. Then the
    /// state in sled follows (one sled batch, or several for a large commit; sled is not
    /// flushed here: what it has not recorded is applied again from the journal at open).
    ///
    /// The store does not judge whether a change is allowed (that is the engine's job); it
    /// refuses only what it cannot lay out (`BadKey`: empty codes or user names, '/', years
    /// above 9999) and a `before` that is not the item's current state (a caller's bug). An
    /// empty batch commits nothing.
    pub fn commit(&self, at: Timestamp, events: Vec<NewEvent>) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .commit_with(at, events, usize::MAX)?
            .events
            .unwrap_or_default())
    }

    /// [`Store::commit`], keeping the committed events only when there are at most `keep` of
    /// them: a large import's events are dropped as they are written, so it never holds them
    /// all twice.
    pub fn commit_with(
        &self,
        at: Timestamp,
        events: Vec<NewEvent>,
        keep: usize,
    ) -> Result<Committed, StoreError> {
        if events.is_empty() {
            return Ok(Committed::default());
        }
        let keep = events.len() <= keep;
        for e in &events {
            layout::check_user(&e.actor)?;
            layout::check_change(&e.change)?;
        }
        let mut tip = self.lock_tip();
        if tip.state_behind {
            // A commit's state did not reach sled: apply what sled has not recorded first, so
            // the state this commit is built on is the journal's.
            self.catch_up_state()?;
            tip.state_behind = false;
        }
        if !self.still_in_place() {
            return Err(StoreError::Replaced {
                path: self.dir.clone(),
            });
        }
        let at = match tip.at {
            Some(last) if last > at => last,
            _ => at,
        };

        // Bodies, canonical bytes and hashes, written to the journal as they are made (a large
        // import is never held twice in memory); the state they change, from sled.
        let approx: u64 = events.len() as u64 * 512;
        self.free_space_for(approx)?;
        let mut applier = Applier::new(self);
        let mut bodies = Vec::with_capacity(events.len());
        let (mut seq, mut prev) = (tip.seq, tip.hash);
        let count = events.len();
        let mut journal = self.journal_write();
        let jerr = |e| StoreError::journal(&self.dir, e);
        let mut appender = journal.appender(seq + 1).map_err(jerr)?;
        for (i, e) in events.into_iter().enumerate() {
            seq += 1;
            let before_seq = match &e.change {
                Change::SelfAssessed { key, before, .. } => {
                    let s = applier.item(key)?;
                    let current = s.item.self_assessment.as_ref().map(|a| a.score);
                    if before.as_ref().map(|b| b.score) != current {
                        return Err(stale(key, seq));
                    }
                    s.self_seq
                }
                Change::Appraised { key, before, .. } => {
                    let s = applier.item(key)?;
                    if before.status != s.item.appraisal.status
                        || before.proposed != s.item.appraisal.proposed
                    {
                        return Err(stale(key, seq));
                    }
                    s.appraisal_seq
                }
                _ => 0,
            };
            let bytes = body::encode(seq, at, &e, before_seq);
            let hash = chain_hash(&prev, &bytes);
            appender
                .push(seq, &hash, &bytes, i + 1 == count)
                .map_err(jerr)?;
            let body = EventBody {
                seq,
                at,
                actor: e.actor,
                command: e.command,
                change: e.change,
                reason: e.reason,
            };
            applier.apply(&body)?;
            if keep {
                bodies.push((body, hash));
            }
            prev = hash;
        }
        // The record first: once this returns, the events exist.
        appender.commit().map_err(jerr)?;
        drop(journal);
        tip.seq = seq;
        tip.hash = prev;
        tip.at = Some(at);
        self.last_seq
            .store(seq, std::sync::atomic::Ordering::Release);

        // Then the state. The events are durable: a failure here leaves sled behind the
        // journal, which the next open (or `thamdinh rebuild`) makes good.
        // Items are kept without their texts: even a 200,000-row import is a few tens of MB.
        let written = applier.write(Applied { seq, hash: prev });
        match written {
            Ok(items) => self.update_summaries(&items),
            Err(e) => {
                self.forget_summaries();
                tip.state_behind = true;
                tracing::error!(
                    "the state did not follow the journal after event {seq} ({}); it is applied \
                     again before the next commit and at the next start",
                    e.message(l10n::Lang::En)
                );
            }
        }
        drop(tip);

        Ok(Committed {
            count,
            last_seq: seq,
            events: keep.then(|| {
                bodies
                    .into_iter()
                    .map(|(body, hash)| Event {
                        body,
                        hash: hex::encode(hash),
                    })
                    .collect()
            }),
        })
    }

    /// Refuse a commit that would not fit on the disk, before anything is written, naming the
    /// store and the space left.
    fn free_space_for(&self, bytes: u64) -> Result<(), StoreError> {
        // The journal takes `bytes`; sled about as much again. A margin keeps sled's own
        // writes (which are not ours to retry) from meeting a full disk.
        let needed = bytes.saturating_mul(2).saturating_add(16 * 1024 * 1024);
        match super::lock::free_bytes(&self.dir) {
            Some(free) if free < needed => Err(StoreError::NoSpace {
                path: self.dir.clone(),
                free,
                needed,
            }),
            _ => Ok(()),
        }
    }
}

/// A `before` that is not the item's current state.
fn stale(key: &domain::ItemKey, seq: u64) -> StoreError {
    StoreError::corrupt(format!(
        "event {seq} of item {} was built on another state than the stored one",
        layout::item_key(key)
    ))
}
