//! Stored value formats and the hash chain.
//!
//! Every stored value is one version byte ([`VERSION`]) followed by serde_json bytes. An event
//! value is the version byte, the 32 raw bytes of its hash, then the canonical JSON bytes of its
//! `EventBody` — the exact bytes that were hashed, so verification never re-serializes.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::domain::{Event, EventBody};

use super::error::StoreError;

/// Format version byte in front of every stored value.
pub(crate) const VERSION: u8 = 1;
pub(crate) const HASH_LEN: usize = 32;
/// The "previous hash" of the first event.
pub(crate) const ZERO_HASH: [u8; HASH_LEN] = [0; HASH_LEN];

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

/// The stored value of an event.
pub(crate) fn event_value(hash: &[u8; HASH_LEN], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + HASH_LEN + body.len());
    out.push(VERSION);
    out.extend_from_slice(hash);
    out.extend_from_slice(body);
    out
}

/// Split a stored event value into its hash and body bytes; the error says why not.
pub(crate) fn split_event(value: &[u8]) -> Result<([u8; HASH_LEN], &[u8]), String> {
    match value.split_first() {
        Some((&VERSION, rest)) if rest.len() > HASH_LEN => {
            let (hash, body) = rest.split_at(HASH_LEN);
            let mut h = [0; HASH_LEN];
            h.copy_from_slice(hash);
            Ok((h, body))
        }
        Some((&VERSION, _)) => Err("stored value is too short".to_string()),
        Some((v, _)) => Err(format!("unknown format version {v}")),
        None => Err("stored value is empty".to_string()),
    }
}

/// Decode a stored event (no chain check).
pub(crate) fn decode_event(seq: u64, value: &[u8]) -> Result<Event, StoreError> {
    let (hash, body) =
        split_event(value).map_err(|e| StoreError::corrupt(format!("event {seq}: {e}")))?;
    let body: EventBody = serde_json::from_slice(body)
        .map_err(|e| StoreError::corrupt(format!("event {seq} cannot be read: {e}")))?;
    Ok(Event {
        body,
        hash: hex::encode(hash),
    })
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
    fn event_value_splits_back() {
        let h = chain_hash(&ZERO_HASH, b"{}");
        let v = event_value(&h, b"{}");
        let (h2, body) = split_event(&v).unwrap();
        assert_eq!((h2, body), (h, &b"{}"[..]));
        assert!(split_event(&v[..HASH_LEN]).is_err());
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
