//! Where things live in sled: tree names and key encodings (see the `store` module docs).
//!
//! Keys are plain strings so a store can be inspected with generic tools; years are written with
//! four digits so byte order is year order; sequence numbers are 8 bytes big-endian.

use domain::{Change, ItemKey};

use super::error::StoreError;

pub(crate) const META: &str = "meta";
pub(crate) const EVENTS: &str = "events";
pub(crate) const ITEMS: &str = "items";
pub(crate) const UNITS: &str = "units";
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

/// The item's name in messages and in replay maps: "YYYY/<unit>/<leaf>".
pub(crate) fn item_key(key: &ItemKey) -> String {
    let mut s = String::with_capacity(6 + key.unit.len() + key.leaf.len());
    write_item_key(&mut s, key);
    s
}

/// Append the name of `key` ("YYYY/<unit>/<leaf>") to `out`.
pub(crate) fn write_item_key(out: &mut String, key: &ItemKey) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(out, "{:04}/", key.year);
    out.push_str(&key.unit);
    out.push('/');
    out.push_str(&key.leaf);
}

/// The group of a criterion code: the code up to its second '.' ("3.2.1" → "3.2", "3.2" →
/// "3.2", "3" → "3"). Items are stored a group at a time: a criterion's few sub-criteria.
pub(crate) fn group_of(leaf: &str) -> &str {
    match leaf.match_indices('.').nth(1) {
        Some((i, _)) => &leaf[..i],
        None => leaf,
    }
}

/// `items` key of the group holding `key`: "YYYY/<unit>/<group>".
pub(crate) fn item_group_key(key: &ItemKey) -> String {
    format!("{:04}/{}/{}", key.year, key.unit, group_of(&key.leaf))
}

/// `units` key: "YYYY/<unit>".
pub(crate) fn unit_key(year: u16, unit: &str) -> String {
    format!("{}/{unit}", year_str(year))
}

/// Prefix of every `items` / `units` key of a year: "YYYY/".
pub(crate) fn year_prefix(year: u16) -> String {
    format!("{}/", year_str(year))
}

/// Prefix of every `items` group key of a unit: "YYYY/<unit>/".
pub(crate) fn unit_items_prefix(year: u16, unit: &str) -> String {
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

/// The `by_user` key of a run of consecutive events by one user starting at `first` (the value
/// is the run's last seq, 8 bytes big-endian): one entry per commit, not one per event.
pub(crate) fn by_user_key(actor: &str, first: u64) -> Vec<u8> {
    let mut k = user_prefix(actor).into_bytes();
    k.extend_from_slice(&seq_key(first));
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
    fn keys_round_trip_and_groups() {
        let k = ItemKey::new(2024, "44", "3.2.1");
        assert_eq!(item_key(&k), "2024/44/3.2.1");
        assert_eq!(parse_item_key(&item_key(&k)), Some(k.clone()));
        assert_eq!(item_group_key(&k), "2024/44/3.2");
        assert_eq!(group_of("3.2"), "3.2");
        assert_eq!(group_of("3"), "3");
        assert_eq!(group_of("1.10.2.4"), "1.10");
        assert_eq!(draft_key("lan", &k), "lan/2024/44/3.2.1");
        assert!(year_str(999) < year_str(2024));
        assert_eq!(seq_suffix(&by_user_key("lan", 0x0102)), Some(0x0102));
        assert!(item_group_key(&k).starts_with(&unit_items_prefix(2024, "44")));
        let other = ItemKey::new(2024, "440", "1");
        assert!(!item_group_key(&other).starts_with(&unit_items_prefix(2024, "44")));
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
