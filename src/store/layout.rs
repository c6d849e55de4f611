//! Where things live in sled: tree names and key encodings (see the `store` module docs).
//!
//! Keys are plain strings so a store can be inspected with generic tools; years are written with
//! four digits so byte order is year order; sequence numbers are 8 bytes big-endian.

use crate::domain::{Change, ItemKey};

use super::error::StoreError;

pub(crate) const META: &str = "meta";
pub(crate) const EVENTS: &str = "events";
pub(crate) const ITEMS: &str = "items";
pub(crate) const UNITS: &str = "units";
pub(crate) const BY_ITEM: &str = "by_item";
pub(crate) const BY_USER: &str = "by_user";
pub(crate) const DRAFTS: &str = "drafts";

/// `meta` key of the schema version.
pub(crate) const SCHEMA_KEY: &[u8] = b"schema";
/// `meta` key of the chain head (seq and hash of the last event), written with every commit so a
/// deleted last event is noticed by `verify`.
pub(crate) const HEAD_KEY: &[u8] = b"head";
pub(crate) const MEMBER_PREFIX: &str = "member/";
pub(crate) const YEAR_PREFIX: &str = "year/";
/// `meta` prefix of explanation rounds: "round/YYYY/NNNN".
pub(crate) const ROUND_PREFIX: &str = "round/";

pub(crate) fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// The seq in the last 8 bytes of an index or `events` key.
pub(crate) fn seq_suffix(key: &[u8]) -> Option<u64> {
    let tail = key.len().checked_sub(8).map(|start| &key[start..])?;
    let bytes: [u8; 8] = tail.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

pub(crate) fn year_str(year: u16) -> String {
    format!("{year:04}")
}

/// `items` key: "YYYY/<unit>/<leaf>".
pub(crate) fn item_key(key: &ItemKey) -> String {
    let mut s = String::with_capacity(6 + key.unit.len() + key.leaf.len());
    write_item_key(&mut s, key);
    s
}

/// Append the `items` key of `key` to `out`.
pub(crate) fn write_item_key(out: &mut String, key: &ItemKey) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(out, "{:04}/", key.year);
    out.push_str(&key.unit);
    out.push('/');
    out.push_str(&key.leaf);
}

/// `units` key: "YYYY/<unit>".
pub(crate) fn unit_key(year: u16, unit: &str) -> String {
    format!("{}/{unit}", year_str(year))
}

/// Prefix of every `items` / `units` key of a year: "YYYY/".
pub(crate) fn year_prefix(year: u16) -> String {
    format!("{}/", year_str(year))
}

/// `by_item` prefix of one item: "YYYY/<unit>/<leaf>/" (followed by the seq).
pub(crate) fn item_index_prefix(key: &ItemKey) -> String {
    format!("{}/", item_key(key))
}

/// `by_item` prefix of a unit: "YYYY/<unit>/". Unit events (finalize, reopen) are indexed right
/// under it; item events under their item prefix, which begins with it.
pub(crate) fn unit_index_prefix(year: u16, unit: &str) -> String {
    format!("{}/", unit_key(year, unit))
}

/// `by_user` prefix: "<user>/".
pub(crate) fn user_prefix(user: &str) -> String {
    format!("{user}/")
}

/// `drafts` key: "<user>/YYYY/<unit>/<leaf>".
pub(crate) fn draft_key(user: &str, key: &ItemKey) -> String {
    format!("{user}/{}", item_key(key))
}

pub(crate) fn member_key(user: &str) -> String {
    format!("{MEMBER_PREFIX}{user}")
}

pub(crate) fn year_meta_key(year: u16) -> String {
    format!("{YEAR_PREFIX}{}", year_str(year))
}

/// A round's key below `ROUND_PREFIX`: "YYYY/NNNN" (byte order is year, then number order).
pub(crate) fn round_id(year: u16, number: u32) -> String {
    format!("{}/{number:04}", year_str(year))
}

/// Prefix of every round of a year in `meta`: "round/YYYY/".
pub(crate) fn year_rounds_prefix(year: u16) -> String {
    format!("{ROUND_PREFIX}{}/", year_str(year))
}

/// Parse "YYYY/<unit>/<leaf>" back into a key.
pub(crate) fn parse_item_key(s: &str) -> Option<ItemKey> {
    let mut parts = s.splitn(3, '/');
    let year = parts.next()?.parse().ok()?;
    let unit = parts.next()?;
    let leaf = parts.next()?;
    Some(ItemKey::new(year, unit, leaf))
}

/// The `by_item` key of an event, if it concerns an item or a unit.
pub(crate) fn by_item_key(change: &Change, seq: u64) -> Option<Vec<u8>> {
    let prefix = match change.item_key() {
        Some(key) => item_index_prefix(key),
        None => {
            let (year, unit) = change.unit()?;
            unit_index_prefix(year, unit)
        }
    };
    let mut k = prefix.into_bytes();
    k.extend_from_slice(&seq_key(seq));
    Some(k)
}

/// The `by_user` key of an event.
pub(crate) fn by_user_key(actor: &str, seq: u64) -> Vec<u8> {
    let mut k = user_prefix(actor).into_bytes();
    k.extend_from_slice(&seq_key(seq));
    k
}

fn check_part(what: &str, value: &str) -> Result<(), StoreError> {
    if value.is_empty() || value.contains('/') {
        return Err(StoreError::BadKey {
            what: format!("{what} \"{value}\""),
        });
    }
    Ok(())
}

pub(crate) fn check_year(year: u16) -> Result<(), StoreError> {
    if year > 9999 {
        return Err(StoreError::BadKey {
            what: format!("year {year}"),
        });
    }
    Ok(())
}

pub(crate) fn check_user(user: &str) -> Result<(), StoreError> {
    check_part("user", user)
}

pub(crate) fn check_item_key(key: &ItemKey) -> Result<(), StoreError> {
    check_year(key.year)?;
    check_part("unit", &key.unit)?;
    check_part("criterion", &key.leaf)
}

/// Can this change be laid out in the trees?
pub(crate) fn check_change(change: &Change) -> Result<(), StoreError> {
    if let Some(key) = change.item_key() {
        return check_item_key(key);
    }
    match change {
        Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
            check_year(*year)?;
            check_part("unit", unit)
        }
        Change::MemberChanged { user, .. } => check_user(user),
        Change::YearOpened { year, .. } => check_year(*year),
        Change::RoundChanged { year, number, .. } => {
            check_year(*year)?;
            if *number > 9999 {
                return Err(StoreError::BadKey {
                    what: format!("round {number}"),
                });
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_order_by_year() {
        let k = ItemKey::new(2024, "44", "3.2.1");
        assert_eq!(item_key(&k), "2024/44/3.2.1");
        assert_eq!(parse_item_key(&item_key(&k)), Some(k.clone()));
        assert_eq!(draft_key("lan", &k), "lan/2024/44/3.2.1");
        assert!(year_str(999) < year_str(2024));
        assert_eq!(seq_suffix(&by_user_key("lan", 0x0102)), Some(0x0102));
    }

    #[test]
    fn unit_events_index_under_the_unit_prefix_items_below_it() {
        let fin = Change::UnitFinalized {
            year: 2024,
            unit: "44".into(),
        };
        let k = by_item_key(&fin, 7).unwrap();
        assert_eq!(&k[..8], b"2024/44/");
        assert_eq!(k.len(), 16);
    }

    #[test]
    fn slashes_and_empty_codes_are_refused() {
        assert!(check_item_key(&ItemKey::new(2024, "4/4", "1")).is_err());
        assert!(check_item_key(&ItemKey::new(2024, "44", "")).is_err());
        assert!(check_item_key(&ItemKey::new(10000, "44", "1")).is_err());
        assert!(check_user("a/b").is_err());
        assert!(check_item_key(&ItemKey::new(2024, "44", "3.2.1")).is_ok());
    }
}
