//! Writing a whole log at once, in bounded batches: event blocks and `by_user` runs for restore
//! (building a store from a backup), `by_user` runs for rebuild. Not atomic: both build into a
//! store nobody else uses, and make it durable at the end.

use super::codec::HASH_LEN;
use super::commit::Blocks;
use super::layout;
use super::{Store, StoreError};

/// Events per batch: large enough to be fast, small enough to bound memory.
pub(super) const BATCH: usize = 10_000;

#[derive(Default)]
pub(super) struct Bulk {
    blocks: Option<Blocks>,
    by_user: sled::Batch,
    /// The run being extended: (actor, first, last).
    run: Option<(String, u64, u64)>,
    pending: usize,
}

impl Bulk {
    /// Add one event: its record (when `body` is given) and its place in the `by_user` runs.
    /// True when the batch is full and should be written.
    pub(super) fn add(
        &mut self,
        actor: &str,
        seq: u64,
        record: Option<(&[u8; HASH_LEN], &[u8])>,
    ) -> bool {
        if let Some((hash, body)) = record {
            self.blocks
                .get_or_insert_with(Blocks::new)
                .push(seq, hash, body);
        }
        match &mut self.run {
            Some((a, _, last)) if a == actor && *last + 1 == seq => *last = seq,
            _ => {
                self.end_run();
                self.run = Some((actor.to_string(), seq, seq));
            }
        }
        self.pending += 1;
        self.pending >= BATCH
    }

    fn end_run(&mut self) {
        if let Some((actor, first, last)) = self.run.take() {
            self.by_user
                .insert(layout::by_user_key(&actor, first), &last.to_be_bytes()[..]);
        }
    }

    /// Write what was added so far. A run still open is written and continued in a new entry:
    /// call [`Bulk::finish`] at the end so the last run is written once.
    pub(super) fn write(&mut self, store: &Store) -> Result<(), StoreError> {
        if let Some(blocks) = self.blocks.take() {
            let mut batch = sled::Batch::default();
            for (seq, block) in blocks.finish() {
                batch.insert(&layout::seq_key(seq), block);
            }
            store
                .t
                .events
                .apply_batch(batch)
                .map_err(|e| store.sled_err(e))?;
        }
        store
            .t
            .by_user
            .apply_batch(std::mem::take(&mut self.by_user))
            .map_err(|e| store.sled_err(e))?;
        self.pending = 0;
        Ok(())
    }

    /// Write everything, including the last run.
    pub(super) fn finish(mut self, store: &Store) -> Result<(), StoreError> {
        self.end_run();
        self.write(store)
    }
}
