//! Where things live: the files of a store directory and the keys of sled's `state` tree.
//!
//! ```text
//! DIR/store.lock      the store's lock (flock): one process serves a store
//! DIR/journal/        the record: append-only segments of events (see `journal`)
//! DIR/sled/           the state everything reads, rebuilt from the journal when damaged
//! ```
//!
//! sled's `state` tree holds every derived value under a one-letter prefix, so one sled batch
//! changes any of them atomically together with the applied seq:
//! - `m/schema`, `m/applied` (seq and hash of the last event applied), `m/member/<user>`,
//!   `m/year/YYYY`, `m/round/YYYY/NNNN`, `m/assign/YYYY/<unit>/<area>` (the area empty for a
//!   whole unit), `m/assign-enforced/YYYY` (present when the year enforces its assignments);
//!   `m/year/YYYY`, `m/round/YYYY/NNNN`, `m/results/YYYY` (a year's published results);
//!   `m/responses/YYYY/<seq>` (one import of survey responses: tallies and keyed hashes);
//! - `i/YYYY/<unit>`: the items of one unit, without their texts (about 60 bytes each), see
//!   `state::StoredItem`: a list of every unit reads one value per unit, and a 200,000-row
//!   import writes 2,000 values, not 200,000;
//! - `u/YYYY/<unit>`: a unit's finalize state and its history;
//! - `b/<user>/` + first seq (8 bytes big-endian) → last seq: one entry per run of consecutive
//!   events by one user in a commit.
//!
//! The `drafts` tree holds `<user>/YYYY/<unit>/<leaf>` → a draft (not events).
//! Keys are plain strings so a store can be inspected with generic tools; years are written
//! with four digits so byte order is year order.

use std::path::{Path, PathBuf};

use domain::{Change, ItemKey};

use super::error::StoreError;

pub(crate) const STATE: &str = "state";
pub(crate) const DRAFTS: &str = "drafts";

pub(crate) const SCHEMA_KEY: &[u8] = b"m/schema";
pub(crate) const APPLIED_KEY: &[u8] = b"m/applied";
pub(crate) const MEMBER_PREFIX: &str = "m/member/";
pub(crate) const YEAR_PREFIX: &str = "m/year/";
pub(crate) const ROUND_PREFIX: &str = "m/round/";
pub(crate) const OFFICIAL_PREFIX: &str = "m/official/";
pub(crate) const ASSIGN_PREFIX: &str = "m/assign/";
pub(crate) const ENFORCED_PREFIX: &str = "m/assign-enforced/";
pub(crate) const RESULTS_PREFIX: &str = "m/results/";
pub(crate) const RESPONSES_PREFIX: &str = "m/responses/";
/// The store's key for the respondents' hashes (issue 16), at the top of the store folder.
pub(crate) const RESPONDENT_KEY_FILE: &str = "respondents.key";
pub(crate) const ITEMS_PREFIX: &str = "i/";
pub(crate) const UNITS_PREFIX: &str = "u/";
pub(crate) const BY_USER_PREFIX: &str = "b/";

/// `DIR/sled`.
pub(crate) fn sled_dir(dir: &Path) -> PathBuf {
    dir.join("sled")
}

/// `DIR/journal`.
pub(crate) fn journal_dir(dir: &Path) -> PathBuf {
    dir.join("journal")
}

/// `DIR/store.lock`.
pub(crate) fn lock_file(dir: &Path) -> PathBuf {
    dir.join("store.lock")
}

pub(crate) fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// The seq in the last 8 bytes of a key or value.
pub(crate) fn seq_suffix(key: &[u8]) -> Option<u64> {
    let tail = key.len().checked_sub(8).map(|start| &key[start..])?;
    let bytes: [u8; 8] = tail.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

pub(crate) fn year_str(year: u16) -> String {
    format!("{year:04}")
}

/// The item's name in messages: "YYYY/<unit>/<leaf>".
pub(crate) fn item_key(key: &ItemKey) -> String {
    format!("{:04}/{}/{}", key.year, key.unit, key.leaf)
}

/// Key of a unit's items: "i/YYYY/<unit>".
pub(crate) fn unit_items_key(year: u16, unit: &str) -> String {
    format!("{ITEMS_PREFIX}{}/{unit}", year_str(year))
}

/// Key of the items of the unit of `key`.
pub(crate) fn item_group_key(key: &ItemKey) -> String {
    unit_items_key(key.year, &key.unit)
}

/// (year, unit) of a unit's items key.
pub(crate) fn parse_group_key(k: &[u8]) -> Option<(u16, &str)> {
    let s = std::str::from_utf8(k).ok()?.strip_prefix(ITEMS_PREFIX)?;
    let (year, unit) = s.split_once('/')?;
    (!unit.is_empty() && !unit.contains('/')).then_some(())?;
    Some((year.parse().ok()?, unit))
}

/// Key of a unit: "u/YYYY/<unit>".
pub(crate) fn unit_key(year: u16, unit: &str) -> String {
    format!("{UNITS_PREFIX}{}/{unit}", year_str(year))
}

/// Prefix of every group of a year: "i/YYYY/".
pub(crate) fn year_items_prefix(year: u16) -> String {
    format!("{ITEMS_PREFIX}{}/", year_str(year))
}

/// Prefix of every unit of a year: "u/YYYY/".
pub(crate) fn year_units_prefix(year: u16) -> String {
    format!("{UNITS_PREFIX}{}/", year_str(year))
}

/// Prefix of a user's runs: "b/<user>/".
pub(crate) fn user_prefix(user: &str) -> String {
    format!("{BY_USER_PREFIX}{user}/")
}

/// Key of a run of consecutive events by one user starting at `first` (the value is the run's
/// last seq, 8 bytes big-endian).
pub(crate) fn by_user_key(actor: &str, first: u64) -> Vec<u8> {
    let mut k = user_prefix(actor).into_bytes();
    k.extend_from_slice(&seq_key(first));
    k
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

/// A round's key: "m/round/YYYY/NNNN" (byte order is year, then number order).
pub(crate) fn round_key(year: u16, number: u32) -> String {
    format!("{ROUND_PREFIX}{}/{number:04}", year_str(year))
}

/// A year's published results: "m/results/YYYY".
pub(crate) fn results_key(year: u16) -> String {
    format!("{RESULTS_PREFIX}{}", year_str(year))
}

/// One import of survey responses: "m/responses/YYYY/<seq, 20 digits>" (in import order).
pub(crate) fn responses_key(year: u16, seq: u64) -> String {
    format!("{RESPONSES_PREFIX}{}/{seq:020}", year_str(year))
}

/// Prefix of every import of responses of a year: "m/responses/YYYY/".
pub(crate) fn year_responses_prefix(year: u16) -> String {
    format!("{RESPONSES_PREFIX}{}/", year_str(year))
}

/// Prefix of every round of a year: "m/round/YYYY/".
pub(crate) fn year_rounds_prefix(year: u16) -> String {
    format!("{ROUND_PREFIX}{}/", year_str(year))
}

/// A year's official result: "m/official/YYYY".
pub(crate) fn official_key(year: u16) -> String {
    format!("{OFFICIAL_PREFIX}{}", year_str(year))
}
/// An assignment's key: "m/assign/YYYY/<unit>/<area>", the area empty for the whole unit.
pub(crate) fn assign_key(year: u16, unit: &str, area: Option<&str>) -> String {
    format!(
        "{ASSIGN_PREFIX}{}/{unit}/{}",
        year_str(year),
        area.unwrap_or_default()
    )
}

/// Prefix of every assignment of a year: "m/assign/YYYY/".
pub(crate) fn year_assign_prefix(year: u16) -> String {
    format!("{ASSIGN_PREFIX}{}/", year_str(year))
}

/// Key present when a year enforces its assignments: "m/assign-enforced/YYYY".
pub(crate) fn enforced_key(year: u16) -> String {
    format!("{ENFORCED_PREFIX}{}", year_str(year))
}

/// Parse "YYYY/<unit>/<leaf>" back into a key.
pub(crate) fn parse_item_key(s: &str) -> Option<ItemKey> {
    let mut parts = s.splitn(3, '/');
    let year = parts.next()?.parse().ok()?;
    let unit = parts.next()?;
    let leaf = parts.next()?;
    Some(ItemKey::new(year, unit, leaf))
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

/// Refuse what the store cannot lay out.
pub(crate) fn check_change(change: &Change) -> Result<(), StoreError> {
    match change {
        Change::YearOpened { year, .. } => check_year(*year),
        Change::SelfAssessed { key, .. }
        | Change::SurveyScored { key, .. }
        | Change::Appraised { key, .. } => check_item_key(key),
        Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
            check_year(*year)?;
            check_part("unit", unit)
        }
        Change::MemberChanged { user, .. } => check_user(user),
        Change::RoundChanged { year, .. }
        | Change::OfficialChanged { year, .. }
        | Change::AssignmentsEnforced { year, .. }
        | Change::ResultsPublished { year, .. } => check_year(*year),
        Change::ResponsesImported { year, batch } => {
            check_year(*year)?;
            for u in &batch.units {
                check_part("unit", &u.unit)?;
            }
            Ok(())
        }
        Change::AssignmentChanged {
            year,
            unit,
            area,
            before,
            after,
        } => {
            check_year(*year)?;
            check_part("unit", unit)?;
            if let Some(a) = area {
                check_part("area", a)?;
            }
            for u in before.iter().chain(after.iter()) {
                check_user(u)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_keys() {
        let k = ItemKey::new(2024, "44", "3.2.1");
        assert_eq!(item_group_key(&k), "i/2024/44");
        assert_eq!(parse_group_key(b"i/2024/44"), Some((2024, "44")));
        assert_eq!(parse_group_key(b"i/2024/44/3.2"), None);
        assert_eq!(parse_group_key(b"u/2024/44"), None);
        assert_eq!(parse_item_key("2024/44/3.2.1"), Some(k));
        assert_eq!(seq_suffix(&by_user_key("an", 7)), Some(7));
    }
}
