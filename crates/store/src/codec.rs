//! Stored value formats and the hash chain.
//!
//! Every stored value but event blocks is one version byte ([`VERSION`]) followed by
//! serde_json bytes. Events are stored in blocks (one sled value for several consecutive events
//! of one commit, so a large import is a few thousand sled writes instead of hundreds of
//! thousands): [`BLOCK`] then records, each `seq` (u64 big-endian), `len` (u32 big-endian), the
//! 32 raw bytes of the event's hash and the `len` canonical JSON bytes of its `EventBody` — the
//! exact bytes that were hashed, so verification never re-serializes.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use domain::{Event, EventBody, Item, UnitState};

use super::error::StoreError;
use super::replay::Group;

/// Format version byte in front of every stored value.
pub(crate) const VERSION: u8 = 1;
pub(crate) const HASH_LEN: usize = 32;
/// The "previous hash" of the first event.
pub(crate) const ZERO_HASH: [u8; HASH_LEN] = [0; HASH_LEN];
/// Format byte in front of an event block.
pub(crate) const BLOCK: u8 = 2;
/// A block is closed once its records reach this many bytes. sled keeps up to 16 values in a
/// leaf page and writes a page over ~128 KiB to a blob file of its own (which costs an fsync
/// per file): blocks this size keep pages inline in its log.
pub(crate) const BLOCK_BYTES: usize = 6 * 1024;
/// Bytes of a record before its body: seq, length, hash.
const RECORD_HEAD: usize = 8 + 4 + HASH_LEN;

/// Version byte + JSON.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut out = vec![VERSION];
    serde_json::to_writer(&mut out, value)
        .map_err(|e| StoreError::corrupt(format!("cannot encode a value: {e}")))?;
    Ok(out)
}

/// Read a value written by [`encode`]; `what` names it in the error ("item 2024/44/3.2.1").
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&VERSION, json)) => serde_json::from_slice(json)
            .map_err(|e| StoreError::corrupt(format!("{what} cannot be read: {e}"))),
        Some((v, _)) => Err(StoreError::corrupt(format!(
            "{what} has unknown format version {v}"
        ))),
        None => Err(StoreError::corrupt(format!("{what} is empty"))),
    }
}

/// The canonical bytes of an event body: its serde_json encoding.
pub(crate) fn body_bytes(body: &EventBody) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(body)
        .map_err(|e| StoreError::corrupt(format!("cannot encode event {}: {e}", body.seq)))
}

/// `SHA-256(prev ‖ body)`.
pub(crate) fn chain_hash(prev: &[u8; HASH_LEN], body: &[u8]) -> [u8; HASH_LEN] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(body);
    h.finalize().into()
}

/// Append one event record to a block being built (start a block with `vec![BLOCK]`).
pub(crate) fn push_record(block: &mut Vec<u8>, seq: u64, hash: &[u8; HASH_LEN], body: &[u8]) {
    block.extend_from_slice(&seq.to_be_bytes());
    // Bodies are far below 4 GiB (frames are limited to 128 MiB).
    block.extend_from_slice(&(body.len() as u32).to_be_bytes());
    block.extend_from_slice(hash);
    block.extend_from_slice(body);
}

/// One event record of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    pub seq: u64,
    pub hash: [u8; HASH_LEN],
    pub body: &'a [u8],
}

/// The records of a stored block, in order. A record that cannot be framed ends the iteration
/// with an error saying why (the rest of the block cannot be located).
pub(crate) fn records(value: &[u8]) -> Records<'_> {
    match value.split_first() {
        Some((&BLOCK, rest)) => Records { rest, failed: None },
        Some((v, _)) => Records {
            rest: &[],
            failed: Some(format!("unknown format version {v}")),
        },
        None => Records {
            rest: &[],
            failed: Some("stored value is empty".to_string()),
        },
    }
}

pub(crate) struct Records<'a> {
    rest: &'a [u8],
    failed: Option<String>,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(why) = self.failed.take() {
            self.rest = &[];
            return Some(Err(why));
        }
        if self.rest.is_empty() {
            return None;
        }
        if self.rest.len() < RECORD_HEAD {
            self.rest = &[];
            return Some(Err("stored value is too short".to_string()));
        }
        let (head, tail) = self.rest.split_at(RECORD_HEAD);
        let seq = u64::from_be_bytes(head[..8].try_into().unwrap_or_default());
        let len = u32::from_be_bytes(head[8..12].try_into().unwrap_or_default()) as usize;
        if tail.len() < len || len == 0 {
            self.rest = &[];
            return Some(Err("stored value is too short".to_string()));
        }
        let mut hash = [0; HASH_LEN];
        hash.copy_from_slice(&head[12..]);
        let (body, rest) = tail.split_at(len);
        self.rest = rest;
        Some(Ok(Record { seq, hash, body }))
    }
}

/// Decode a stored event record (no chain check).
pub(crate) fn decode_event(r: &Record<'_>) -> Result<Event, StoreError> {
    let body: EventBody = serde_json::from_slice(r.body)
        .map_err(|e| StoreError::corrupt(format!("event {} cannot be read: {e}", r.seq)))?;
    if body.seq != r.seq {
        return Err(StoreError::corrupt(format!(
            "event {}: its content says it is event {}",
            r.seq, body.seq
        )));
    }
    Ok(Event {
        body,
        hash: hex::encode(r.hash),
    })
}

/// An item as stored: its state and the seqs of the events that changed it (its history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct StoredItem {
    pub item: Item,
    pub history: Vec<u64>,
}

/// A unit as stored: its state and the seqs of its finalize / reopen events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct StoredUnit {
    pub state: UnitState,
    pub history: Vec<u64>,
}

/// An `items` group value: its items in leaf order.
pub(crate) fn encode_group(group: &Group) -> Result<Vec<u8>, StoreError> {
    encode(&group.values().collect::<Vec<_>>())
}

/// Read an `items` group value; `what` names it in the error.
pub(crate) fn decode_group(bytes: &[u8], what: &str) -> Result<Group, StoreError> {
    let items: Vec<StoredItem> = decode(bytes, what)?;
    Ok(items
        .into_iter()
        .map(|s| (s.item.key.leaf.clone(), s))
        .collect())
}

/// `meta/head`: the last event's seq and hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Head {
    pub seq: u64,
    /// Lower-case hex.
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_a_version_byte() {
        let v = encode(&42u32).unwrap();
        assert_eq!(v, b"\x0142");
        assert_eq!(decode::<u32>(&v, "x").unwrap(), 42);
        assert!(decode::<u32>(b"\x0242", "x").is_err());
        assert!(decode::<u32>(b"", "x").is_err());
    }

    #[test]
    fn block_records_read_back_and_damage_is_reported() {
        let h = chain_hash(&ZERO_HASH, b"{}");
        let mut block = vec![BLOCK];
        push_record(&mut block, 7, &h, b"{}");
        push_record(&mut block, 8, &h, b"[1]");
        let rs: Vec<_> = records(&block).collect();
        assert_eq!(
            rs,
            vec![
                Ok(Record {
                    seq: 7,
                    hash: h,
                    body: b"{}"
                }),
                Ok(Record {
                    seq: 8,
                    hash: h,
                    body: b"[1]"
                })
            ]
        );
        // Cut inside the second record: the first still reads, then the reason.
        let cut = &block[..block.len() - 1];
        let rs: Vec<_> = records(cut).collect();
        assert!(rs[0].is_ok());
        assert_eq!(rs[1], Err("stored value is too short".to_string()));
        assert_eq!(rs.len(), 2);
        assert!(records(&[1, 2, 3]).next().unwrap().is_err());
        assert!(records(&[]).next().unwrap().is_err());
        assert_eq!(records(&[BLOCK]).count(), 0);
    }

    #[test]
    fn chain_hash_is_sha256_of_prev_and_body() {
        // SHA-256 of 32 zero bytes followed by "abc", computed with Python's hashlib.
        let h = chain_hash(&ZERO_HASH, b"abc");
        assert_eq!(
            hex::encode(h),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370"
        );
        assert_ne!(chain_hash(&h, b"abc"), h);
    }
}
