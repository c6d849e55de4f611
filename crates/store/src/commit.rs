//! Committing events: seq, time and hash assignment, the journal append that makes them
//! durable, then the state in sled.
//!
//! A commit is written as its events come ([`Txn`]): each is checked, encoded, hashed, framed
//! into the journal (not yet durable) and applied to the state being gathered, so a commit of
//! 200,000 events (an import streamed in pieces) never holds its events, only the state they
//! change. Nothing counts until [`Txn`]'s commit has `fdatasync`ed the journal; a commit given
//! up (an error, the caller's refusal, a dropped connection) leaves nothing in the journal.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use domain::{Change, Committed, Event, EventBody, Item, NewEvent, UnitState};

use super::apply::Applier;
use super::body;
use super::error::StoreError;
use super::journal::{Appender, Journal, JournalError};
use super::layout;
use super::state::Applied;
use super::{Store, StoreAccess};

/// `SHA-256(prev ‖ body)`.
pub(crate) fn chain_hash(prev: &[u8; 32], body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(body);
    h.finalize().into()
}

/// Bytes of journal a commit is assumed to take per event before it is written (the free-space
/// check); a self-assessment with its texts is 300–900 bytes.
const EVENT_BYTES: u64 = 512;

/// Groups of items (units) a commit keeps as items; the others it has changed are kept encoded
/// until they are written (see `Applier::sealing`).
const OPEN_GROUPS: usize = 16;

/// Items written at once from which the store's summaries are updated on a thread of their
/// own while sled is written.
const PARALLEL_SUMMARIES: usize = 10_000;

/// A streamed commit checks the free space again every this many events.
const SPACE_EVERY: usize = 16_384;

/// The journal while a commit is being written: not touched until its first event.
enum Slot<'j> {
    Idle(&'j mut Journal),
    Appending(Appender<'j>),
    /// Only while switching from `Idle` to `Appending`.
    Switching,
}

impl<'j> Slot<'j> {
    fn into_appender(self) -> Option<Appender<'j>> {
        match self {
            Slot::Appending(a) => Some(a),
            Slot::Idle(_) | Slot::Switching => None,
        }
    }
}

/// A commit being written, event by event (see [`Store::commit_streamed`]). Reads through it
/// see the state before the commit (none of its events is applied to sled yet), with the texts
/// read from the journal it holds.
pub struct Txn<'s, 'j> {
    store: &'s Store,
    journal: Slot<'j>,
    applier: Applier<'s>,
    at: Timestamp,
    /// Seq and hash of the last event pushed (the tip's before the first).
    seq: u64,
    prev: [u8; 32],
    /// The last event's record, written once it is known whether it ends the commit.
    held: Option<(u64, [u8; 32], Vec<u8>)>,
    count: usize,
    /// The events kept to be returned, while there are at most `keep` of them.
    keep: usize,
    bodies: Option<Vec<(EventBody, [u8; 32])>>,
}

impl<'s, 'j> Txn<'s, 'j> {
    /// The time every event of this commit carries.
    pub fn at(&self) -> Timestamp {
        self.at
    }

    /// Events pushed so far.
    pub fn count(&self) -> usize {
        self.count
    }

    fn jerr(&self, e: JournalError) -> StoreError {
        StoreError::journal(&self.store.dir, e)
    }

    fn journal(&self) -> &Journal {
        match &self.journal {
            Slot::Idle(j) => j,
            Slot::Appending(a) => a.journal(),
            Slot::Switching => unreachable!("the journal slot is switched in place"),
        }
    }

    /// The items of one unit with their texts, as they were before this commit.
    pub fn items(&self, year: u16, unit: &str) -> Result<Vec<Item>, StoreError> {
        let stored = self.store.stored_items(year, Some(unit))?;
        if stored
            .iter()
            .all(|s| s.self_seq == 0 && s.appraisal_seq == 0)
        {
            return Ok(stored.into_iter().map(|s| s.item).collect());
        }
        self.store.with_texts_in(self.journal(), stored)
    }

    /// A unit's appraisal state before this commit.
    pub fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, StoreError> {
        self.store.unit_state(year, unit)
    }

    /// Add the next event: checked, given its seq and hash, written to the journal (durable
    /// only once the commit is) and applied to the state the commit will write.
    ///
    /// The store does not judge whether a change is allowed (that is the engine's job); it
    /// refuses only what it cannot lay out (`BadKey`: empty codes or user names, '/', years
    /// above 9999) and a `before` that is not the item's current state (a caller's bug).
    pub fn push(&mut self, e: NewEvent) -> Result<(), StoreError> {
        layout::check_user(&e.actor)?;
        layout::check_change(&e.change)?;
        if self.count > 0 && self.count.is_multiple_of(SPACE_EVERY) {
            self.store
                .free_space_for(SPACE_EVERY as u64 * EVENT_BYTES)?;
        }
        let seq = self.seq + 1;
        let before_seq = match &e.change {
            Change::SelfAssessed { key, before, .. } => {
                let s = self.applier.item(key)?;
                let current = s.item.self_assessment.as_ref().map(|a| a.score);
                if before.as_ref().map(|b| b.score) != current {
                    return Err(stale(key, seq));
                }
                s.self_seq
            }
            Change::Appraised { key, before, .. } => {
                let s = self.applier.item(key)?;
                if before.status != s.item.appraisal.status
                    || before.proposed != s.item.appraisal.proposed
                {
                    return Err(stale(key, seq));
                }
                s.appraisal_seq
            }
            _ => 0,
        };
        let bytes = body::encode(seq, self.at, &e, before_seq);
        let hash = chain_hash(&self.prev, &bytes);
        // The record before this one does not end the commit: it can be written now.
        if let Some((s, h, b)) = self.held.take() {
            self.append(s, &h, &b, false)?;
        }
        let body = EventBody {
            seq,
            at: self.at,
            actor: e.actor,
            command: e.command,
            change: e.change,
            reason: e.reason,
        };
        self.applier.apply(&body)?;
        self.held = Some((seq, hash, bytes));
        self.count += 1;
        if let Some(bodies) = &mut self.bodies {
            if self.count <= self.keep {
                bodies.push((body, hash));
            } else {
                self.bodies = None;
            }
        }
        self.seq = seq;
        self.prev = hash;
        Ok(())
    }

    /// What the end of the commit needs.
    #[allow(clippy::type_complexity)]
    fn into_parts(
        self,
    ) -> (
        Slot<'j>,
        Applier<'s>,
        usize,
        Option<Vec<(EventBody, [u8; 32])>>,
    ) {
        (self.journal, self.applier, self.count, self.bodies)
    }

    /// Frame one record into the journal, starting the append at the first.
    fn append(
        &mut self,
        seq: u64,
        hash: &[u8; 32],
        bytes: &[u8],
        last: bool,
    ) -> Result<(), StoreError> {
        if let Slot::Idle(_) = self.journal {
            let Slot::Idle(j) = std::mem::replace(&mut self.journal, Slot::Switching) else {
                unreachable!("checked just above");
            };
            let appender = j.appender(seq).map_err(|e| self.jerr(e))?;
            self.journal = Slot::Appending(appender);
        }
        let Slot::Appending(a) = &mut self.journal else {
            return Err(StoreError::corrupt(
                "the journal was lost in the middle of a commit",
            ));
        };
        let pushed = a.push(seq, hash, bytes, last);
        pushed.map_err(|e| self.jerr(e))
    }
}

impl Store {
    /// Commit events atomically, in order. Assigns each a seq (continuing the journal) and one
    /// time — `at`, or the time of the last event if `at` is earlier, so times never go
    /// backwards — chains their hashes and appends them to the journal, which is `fdatasync`ed
    /// before this returns: an acknowledged event survives a crash or power loss. Then the
    /// state in sled follows (one sled batch; sled is not flushed here: what it has not
    /// recorded is applied again from the journal at open).
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
        // Everything is checked before anything is written.
        for e in &events {
            layout::check_user(&e.actor)?;
            layout::check_change(&e.change)?;
        }
        let expected = events.len() as u64;
        self.commit_streamed(at, keep, expected, |txn| {
            events.into_iter().try_for_each(|e| txn.push(e))
        })
        .map(|(_, c)| c)
    }

    /// One commit whose events `build` pushes into a [`Txn`] as it makes them — reading the
    /// state before the commit through it when it needs to. When `build` returns `Ok` the
    /// events are made durable (the journal is `fdatasync`ed once), then applied to sled; when
    /// it returns `Err`, nothing was committed and nothing of it stays in the journal. No other
    /// commit runs meanwhile, and the journal cannot be read by others (its texts neither): a
    /// `build` that waits (for rows from a client) must be bounded by its caller.
    ///
    /// `expected` is how many events the caller expects (0: unknown), for the free-space check
    /// made before anything is written; a long commit checks again as it goes.
    pub fn commit_streamed<T, E: From<StoreError>>(
        &self,
        at: Timestamp,
        keep: usize,
        expected: u64,
        build: impl FnOnce(&mut Txn<'_, '_>) -> Result<T, E>,
    ) -> Result<(T, Committed), E> {
        let mut tip = self.lock_tip();
        if self.state_lost.load(std::sync::atomic::Ordering::Acquire) {
            // sled met an I/O error it keeps (a full disk during its own flush): close it,
            // open it again and apply what it has not recorded, or refuse (nothing written).
            self.recover_state(&mut tip)?;
        } else if tip.state_behind {
            // A commit's state did not reach sled: apply what sled has not recorded first, so
            // the state this commit is built on is the journal's.
            self.catch_up_state()?;
            tip.state_behind = false;
        }
        if !self.still_in_place() {
            return Err(StoreError::Replaced {
                path: self.dir.clone(),
            }
            .into());
        }
        let at = match tip.at {
            Some(last) if last > at => last,
            _ => at,
        };
        self.free_space_for(expected.max(1).saturating_mul(EVENT_BYTES))?;
        let mut journal = self.journal_write();
        let mut txn = Txn {
            store: self,
            journal: Slot::Idle(&mut journal),
            applier: Applier::sealing(self, OPEN_GROUPS),
            at,
            seq: tip.seq,
            prev: tip.hash,
            held: None,
            count: 0,
            keep,
            bodies: Some(Vec::new()),
        };
        let out = build(&mut txn)?;
        let Some((last_seq, last_hash, last_bytes)) = txn.held.take() else {
            // Nothing to commit.
            return Ok((out, Committed::default()));
        };
        txn.append(last_seq, &last_hash, &last_bytes, true)?;
        drop(last_bytes);
        let (slot, mut applier, count, bodies) = txn.into_parts();
        let Some(appender) = slot.into_appender() else {
            return Err(StoreError::corrupt("a commit with events has no journal append").into());
        };
        // The record first: once this returns, the events exist.
        appender
            .commit()
            .map_err(|e| StoreError::journal(&self.dir, e))?;
        drop(journal);
        let (seq, prev) = (last_seq, last_hash);
        tip.seq = seq;
        tip.hash = prev;
        tip.at = Some(at);
        self.last_seq
            .store(seq, std::sync::atomic::Ordering::Release);

        // Then the state. The events are durable: a failure here leaves sled behind the
        // journal, which the next open (or `thamdinh rebuild`) makes good.
        // Items are kept without their texts: even a 200,000-row import is a few tens of MB.
        // The summaries the store keeps follow meanwhile, on another thread when there are
        // many (an import: both take a tenth of a second).
        let (batch, written) = applier.prepare(Applied { seq, hash: prev });
        let applied = if written.size() >= PARALLEL_SUMMARIES {
            std::thread::scope(|s| {
                let summaries = std::thread::Builder::new()
                    .name("summaries".into())
                    .spawn_scoped(s, || self.update_summaries(written));
                let applied = self.apply_batch(batch);
                let done = summaries.is_ok_and(|t| t.join().is_ok());
                if !done {
                    // (Read again from sled when next asked.)
                    self.forget_summaries();
                }
                applied
            })
        } else {
            let applied = self.apply_batch(batch);
            if applied.is_ok() {
                self.update_summaries(written);
            }
            applied
        };
        match applied {
            Ok(()) => {}
            Err(e) => {
                self.forget_summaries();
                tip.state_behind = true;
                tracing::error!(
                    "the state did not follow the journal after event {seq} ({}); it is applied \
                     again before the next commit and at the next start",
                    e.message(l10n::Lang::En)
                );
                // The commit is durable in the journal, the record: it stands. sled may keep
                // the error (sled 0.34 does after an I/O error): bring it back now, so that
                // nothing is read from a state that missed this commit; if the disk is still
                // full, reads and writes say so until it is brought back.
                if self.state_lost.load(std::sync::atomic::Ordering::Acquire) {
                    let _ = self.recover_state(&mut tip);
                }
            }
        }
        drop(tip);

        Ok((
            out,
            Committed {
                count,
                last_seq: seq,
                events: bodies.map(|bodies| {
                    bodies
                        .into_iter()
                        .map(|(body, hash)| Event {
                            body,
                            hash: hex::encode(hash),
                        })
                        .collect()
                }),
            },
        ))
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
