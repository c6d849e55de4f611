//! Writing the audit indexes (`by_item`, `by_user`) for many events at once, in bounded batches:
//! shared by restore (building a store from a backup) and rebuild (recomputing them from the log).

use crate::domain::Change;

use super::layout;
use super::{Store, StoreError};

/// Events per batch: large enough to be fast, small enough to bound memory.
pub(super) const BATCH: usize = 10_000;

#[derive(Default)]
pub(super) struct IndexBatch {
    by_item: sled::Batch,
    by_user: sled::Batch,
    pending: usize,
}

impl IndexBatch {
    /// Add the index entries of one event; true when the batch is full and should be written.
    pub(super) fn add(&mut self, change: &Change, actor: &str, seq: u64) -> bool {
        if let Some(k) = layout::by_item_key(change, seq) {
            self.by_item.insert(k, &[][..]);
        }
        self.by_user
            .insert(layout::by_user_key(actor, seq), &[][..]);
        self.pending += 1;
        self.pending >= BATCH
    }

    /// Write what was added so far.
    pub(super) fn write(&mut self, store: &Store) -> Result<(), StoreError> {
        store
            .t
            .by_item
            .apply_batch(std::mem::take(&mut self.by_item))
            .map_err(|e| store.sled_err(e))?;
        store
            .t
            .by_user
            .apply_batch(std::mem::take(&mut self.by_user))
            .map_err(|e| store.sled_err(e))?;
        self.pending = 0;
        Ok(())
    }
}
