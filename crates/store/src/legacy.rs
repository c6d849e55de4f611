//! Moving a store of layout 2 (the previous release: events kept in sled, hashed over their
//! JSON) into a journal. Done once, when the store is first opened by this version:
//!
//! 1. every event is read from the old `events` tree, and the old hash chain is checked over
//!    the old bytes — a damaged old store is refused, never migrated;
//! 2. the events are written to a new journal with their canonical bytes of today (same seqs,
//!    times, actors and changes; new hashes, so a new seal), in `journal.migrating/`, renamed to
//!    `journal/` only when complete and durable;
//! 3. the old sled folder is kept as `sled.layout2-<time>`; the new state is built from the
//!    journal, and the drafts are carried over.
//!
//! The old head (seq and hash) is reported, so the last seal recorded under the old release can
//! still be matched.

use std::collections::HashMap;
use std::path::Path;

use domain::{Change, Draft, EventBody, ItemKey, NewEvent};

use super::commit::chain_hash;
use super::error::StoreError;
use super::journal::{Entry, Journal};
use super::{body, layout, lock};

/// Old format byte of an events block.
const OLD_BLOCK: u8 = 2;
/// Old record head: seq (8), length (4), hash (32).
const OLD_RECORD_HEAD: usize = 8 + 4 + 32;

/// An old event record: seq, hash, JSON body.
type OldRecord<'a> = (u64, [u8; 32], &'a [u8]);

/// The records of an old events block.
fn old_records(value: &[u8]) -> Result<Vec<OldRecord<'_>>, String> {
    let Some((&OLD_BLOCK, mut rest)) = value.split_first() else {
        return Err("an events block of unknown format".into());
    };
    let mut out = Vec::new();
    while !rest.is_empty() {
        if rest.len() < OLD_RECORD_HEAD {
            return Err("an events block is cut short".into());
        }
        let (head, tail) = rest.split_at(OLD_RECORD_HEAD);
        let seq = u64::from_be_bytes(head[..8].try_into().map_err(|_| "bad seq")?);
        let len = u32::from_be_bytes(head[8..12].try_into().map_err(|_| "bad length")?) as usize;
        if tail.len() < len || len == 0 {
            return Err(format!("event {seq} is cut short"));
        }
        let mut hash = [0; 32];
        hash.copy_from_slice(&head[12..]);
        let (body, more) = tail.split_at(len);
        out.push((seq, hash, body));
        rest = more;
    }
    Ok(out)
}

/// Migrate the layout-2 store in `dir` (its lock is held by the caller). Returns a sentence
/// for the server's log.
pub(crate) fn migrate(dir: &Path) -> Result<String, StoreError> {
    let old_dir = layout::sled_dir(dir);
    let db = sled::Config::new()
        .path(&old_dir)
        .open()
        .map_err(|e| lock::from_sled(e, dir))?;
    if db
        .tree_names()
        .iter()
        .any(|n| n.as_ref() == layout::STATE.as_bytes())
    {
        // A store of this layout whose journal folder is gone: its record is missing.
        return Err(StoreError::Journal {
            path: dir.to_path_buf(),
            detail: l10n::Said::new("thiếu thư mục nhật ký", "the journal folder is missing"),
        });
    }
    let tree = |n: &str| db.open_tree(n).map_err(|e| lock::from_sled(e, dir));
    let (meta, events, drafts) = (tree("meta")?, tree("events")?, tree("drafts")?);
    match meta.get(b"schema").map_err(|e| lock::from_sled(e, dir))? {
        Some(v) if v.as_ref() == b"\x012" => {}
        Some(v) => {
            return Err(StoreError::corrupt(format!(
                "{} holds a sled store of an unknown format ({:?}); nothing was changed",
                old_dir.display(),
                String::from_utf8_lossy(&v)
            )));
        }
        None => {
            return Err(StoreError::corrupt(format!(
                "{} has no schema version: it is not a complete store of the previous release; \
                 nothing was changed",
                old_dir.display()
            )));
        }
    }
    let staging = dir.join("journal.migrating");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
    }
    let mut journal = Journal::create(&staging).map_err(|e| StoreError::journal(dir, e))?;
    let mut old_prev = [0u8; 32];
    let mut new_prev = [0u8; 32];
    let mut expected = 1u64;
    // Per item: the seqs of its last self-assessment and appraisal (what `before_seq` names).
    let mut parts: HashMap<ItemKey, (u64, u64)> = HashMap::new();
    let mut batch: Vec<Entry> = Vec::new();
    let old_err = |seq: u64, why: String| {
        StoreError::corrupt(format!(
            "the previous release's store cannot be moved into a journal: event {seq}: {why}. \
             Nothing was changed; verify and repair it with the previous release first"
        ))
    };
    for r in events.iter() {
        let (_, v) = r.map_err(|e| lock::from_sled(e, dir))?;
        for (seq, hash, json) in old_records(&v).map_err(|why| old_err(expected, why))? {
            if seq != expected {
                return Err(old_err(expected, format!("found event {seq} instead")));
            }
            if chain_hash(&old_prev, json) != hash {
                return Err(old_err(
                    seq,
                    "its hash does not match (it was altered)".into(),
                ));
            }
            let b: EventBody = serde_json::from_slice(json)
                .map_err(|e| old_err(seq, format!("it cannot be read: {e}")))?;
            if b.seq != seq {
                return Err(old_err(
                    seq,
                    format!("its content says it is event {}", b.seq),
                ));
            }
            let before_seq = match &b.change {
                Change::SelfAssessed { key, .. } => {
                    let p = parts.entry(key.clone()).or_default();
                    std::mem::replace(&mut p.0, seq)
                }
                Change::Appraised { key, .. } => {
                    let p = parts.entry(key.clone()).or_default();
                    std::mem::replace(&mut p.1, seq)
                }
                _ => 0,
            };
            let ev = NewEvent {
                actor: b.actor,
                command: b.command,
                change: b.change,
                reason: b.reason,
            };
            let bytes = body::encode(seq, b.at, &ev, before_seq);
            let new_hash = chain_hash(&new_prev, &bytes);
            batch.push((seq, new_hash, bytes));
            old_prev = hash;
            new_prev = new_hash;
            expected += 1;
            if batch.len() >= super::APPLY_BATCH {
                journal
                    .append(&batch)
                    .map_err(|e| StoreError::journal(dir, e))?;
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        journal
            .append(&batch)
            .map_err(|e| StoreError::journal(dir, e))?;
    }
    let n = expected - 1;
    // The old head must be the last event found.
    if let Some(head) = meta.get(b"head").map_err(|e| lock::from_sled(e, dir))? {
        #[derive(serde::Deserialize)]
        struct Head {
            seq: u64,
            hash: String,
        }
        let ok = head
            .split_first()
            .and_then(|(_, json)| serde_json::from_slice::<Head>(json).ok())
            .is_some_and(|h| h.seq == n && h.hash == hex::encode(old_prev));
        if !ok {
            return Err(old_err(
                n,
                "the recorded head is not the last event (events are missing)".into(),
            ));
        }
    }
    let kept_drafts: Vec<(Vec<u8>, Vec<u8>)> = drafts
        .iter()
        .filter_map(|r| r.ok())
        .map(|(k, v)| (k.to_vec(), v.to_vec()))
        .collect();
    drop(journal);
    drop((meta, events, drafts));
    drop(db);
    let stamp = jiff::Timestamp::now().as_second();
    let kept = format!("sled.layout2-{stamp}");
    // The journal first: once it is in place the store is the journal's, whatever happens next
    // (a sled folder without the new state is built again from it).
    std::fs::rename(&staging, layout::journal_dir(dir))
        .map_err(|e| StoreError::io(layout::journal_dir(dir), e))?;
    lock::sync_dir(dir)?;
    std::fs::rename(&old_dir, dir.join(&kept)).map_err(|e| StoreError::io(&old_dir, e))?;
    lock::sync_dir(dir)?;
    carry_drafts(dir, kept_drafts)?;
    Ok(format!(
        "moved {n} events of the previous release into the journal; its last seal was \
         {n}/{}, the new seal is {n}/{}; the old files are kept in {kept}",
        &hex::encode(old_prev)[..16],
        &hex::encode(new_prev)[..16]
    ))
}

/// Put the drafts of the old store into the new sled.
fn carry_drafts(dir: &Path, drafts: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), StoreError> {
    if drafts.is_empty() {
        return Ok(());
    }
    let db = sled::Config::new()
        .path(layout::sled_dir(dir))
        .open()
        .map_err(|e| lock::from_sled(e, dir))?;
    let tree = db
        .open_tree(layout::DRAFTS)
        .map_err(|e| lock::from_sled(e, dir))?;
    for (k, v) in drafts {
        // Only drafts that still read as drafts.
        if v.split_first()
            .is_some_and(|(_, json)| serde_json::from_slice::<Draft>(json).is_ok())
        {
            tree.insert(k, v).map_err(|e| lock::from_sled(e, dir))?;
        }
    }
    db.flush().map_err(|e| lock::from_sled(e, dir))?;
    Ok(())
}
