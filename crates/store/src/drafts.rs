//! Drafts: text being typed, kept per user and item (SPEC W5). Not events; durable after flush.

use domain::ItemKey;

use super::error::StoreError;
use super::layout;
use domain::Draft;

use super::Store;

impl Store {
    /// Save (replace) a user's draft for an item, then flush it to disk.
    pub fn put_draft(&self, user: &str, key: &ItemKey, draft: &Draft) -> Result<(), StoreError> {
        layout::check_user(user)?;
        layout::check_item_key(key)?;
        let k = layout::draft_key(user, key);
        self.drafts_tree()?
            .insert(k.as_bytes(), encode(draft)?)
            .map_err(|e| self.sled_err(e))?;
        self.flush_drafts()
    }

    /// A user's draft for an item.
    pub fn draft(&self, user: &str, key: &ItemKey) -> Result<Option<Draft>, StoreError> {
        if layout::check_user(user).is_err() || layout::check_item_key(key).is_err() {
            return Ok(None);
        }
        let k = layout::draft_key(user, key);
        match self
            .drafts_tree()?
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(decode(&v, &format!("draft {k}"))?)),
            None => Ok(None),
        }
    }

    /// Remove a user's draft for an item (no error if there is none), then flush.
    pub fn delete_draft(&self, user: &str, key: &ItemKey) -> Result<(), StoreError> {
        if layout::check_user(user).is_err() || layout::check_item_key(key).is_err() {
            return Ok(());
        }
        let k = layout::draft_key(user, key);
        let old = self
            .drafts_tree()?
            .remove(k.as_bytes())
            .map_err(|e| self.sled_err(e))?;
        if old.is_some() {
            self.flush_drafts()?;
        }
        Ok(())
    }

    /// All of a user's drafts, in item key order.
    pub fn drafts(&self, user: &str) -> Result<Vec<(ItemKey, Draft)>, StoreError> {
        if layout::check_user(user).is_err() {
            return Ok(Vec::new());
        }
        let prefix = format!("{user}/");
        self.drafts_tree()?
            .scan_prefix(prefix.as_bytes())
            .map(|r| {
                let (k, v) = r.map_err(|e| self.sled_err(e))?;
                let full = String::from_utf8_lossy(&k).into_owned();
                let key = full
                    .get(prefix.len()..)
                    .and_then(layout::parse_item_key)
                    .ok_or_else(|| {
                        StoreError::corrupt(format!("draft key \"{full}\" names no item"))
                    })?;
                let draft = decode(&v, &format!("draft {full}"))?;
                Ok((key, draft))
            })
            .collect()
    }

    fn flush_drafts(&self) -> Result<(), StoreError> {
        self.db()?.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }
}

/// A draft as stored: a version byte and its JSON (drafts are not events; they change often
/// and are small).
fn encode(draft: &Draft) -> Result<Vec<u8>, StoreError> {
    let mut out = vec![1u8];
    serde_json::to_writer(&mut out, draft)
        .map_err(|e| StoreError::corrupt(format!("cannot encode a draft: {e}")))?;
    Ok(out)
}

fn decode(bytes: &[u8], what: &str) -> Result<Draft, StoreError> {
    match bytes.split_first() {
        Some((1, json)) => serde_json::from_slice(json)
            .map_err(|e| StoreError::corrupt(format!("{what} cannot be read: {e}"))),
        _ => Err(StoreError::corrupt(format!("{what} has an unknown format"))),
    }
}
