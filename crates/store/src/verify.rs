//! Checking the log (hash chain, contiguous seqs, the head record) and that replaying it gives
//! the stored state; rebuilding the state from the log.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use domain::{Item, UnitState, VerifyReport};
use l10n::Lang;

use super::bulk::{BATCH, Bulk};
use super::chunked::Chunked;
use super::codec::{self, HASH_LEN, Head, StoredItem, StoredUnit};
use super::error::StoreError;
use super::layout;
use super::replay::{Group, Replay};
use super::{Store, YearData};

impl Store {
    /// Check the hash chain (hashing the stored body bytes as they are), that seqs run from 1
    /// without gaps, that the last event is the one recorded at the last commit, and that
    /// replaying every readable event gives exactly the stored items, units, members and years.
    /// Problems are reported, not returned as errors: a damaged event does not stop the scan.
    /// Commits wait while it runs.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let _tip = self.lock_tip();
        let mut report = VerifyReport::default();
        let mut replay = Replay::default();
        let scan = self.scan_events(&mut |body| replay.apply_replay(body))?;
        report.events = scan.count;
        report.first_bad_event = first_of(scan.first_bad, replay.finish());
        report.first_state_mismatch = self.compare_state(replay, &mut report.items_checked)?;
        Ok(report)
    }

    /// Recompute items, units, members, years and both indexes from the events, replacing what
    /// is stored. Refuses (`Corrupt`, naming the event) if the log itself is damaged: then the
    /// store must be restored from a backup. Returns the number of events replayed. Commits wait
    /// while it runs; if it is interrupted, run it again.
    pub fn rebuild(&self) -> Result<u64, StoreError> {
        let mut tip = self.lock_tip();
        let sled_err = |e| self.sled_err(e);
        // First read and check the whole log; nothing is changed if it is damaged. The user
        // runs are gathered on the way.
        let mut replay = Replay::default();
        let mut index = Bulk::default();
        let scan = self.scan_events(&mut |body| {
            replay.apply_replay(body);
            index.add(&body.actor, body.seq, None);
        })?;
        if let Some((seq, why)) = first_of(scan.first_bad, replay.finish()) {
            return Err(StoreError::corrupt(format!(
                "event {seq}: {why}; the state cannot be rebuilt from a damaged log"
            )));
        }
        self.t.by_user.clear().map_err(sled_err)?;
        index.finish(self)?;

        self.forget_summaries();
        self.t.items.clear().map_err(sled_err)?;
        self.t.units.clear().map_err(sled_err)?;
        for prefix in [
            layout::MEMBER_PREFIX,
            layout::YEAR_PREFIX,
            layout::ROUND_PREFIX,
        ] {
            let mut batch = sled::Batch::default();
            for r in self.t.meta.scan_prefix(prefix.as_bytes()) {
                let (k, _) = r.map_err(sled_err)?;
                batch.remove(k);
            }
            self.t.meta.apply_batch(batch).map_err(sled_err)?;
        }
        self.write_state(&replay)?;
        self.write_head(scan.last_seq, &scan.last_hash)?;
        self.set_tip(&mut tip, scan.last_seq, scan.last_hash);
        self.make_durable(&mut tip)?;
        Ok(scan.count)
    }

    /// Compare stored state with a replay; the first difference, in key order, per kind.
    fn compare_state(
        &self,
        mut replay: Replay,
        items_checked: &mut u64,
    ) -> Result<Option<String>, StoreError> {
        let units_replayed = std::mem::take(&mut replay.units);
        let members_replayed = std::mem::take(&mut replay.members);
        let years_replayed = std::mem::take(&mut replay.years);
        let rounds_replayed = std::mem::take(&mut replay.rounds);
        let groups = Chunked::from(&self.t.items, &[]).map(|r| {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&k).into_owned();
            // A group that cannot be read is reported as a difference, not an error.
            let group =
                codec::decode_group(&v, &format!("items {name}")).map_err(|e| e.message(Lang::En));
            Ok((name, group))
        });
        let items = merge(
            groups,
            replay.sorted_groups().into_iter(),
            |name, stored, expected| {
                let stored = match stored {
                    Some(Err(why)) => return Some(why),
                    Some(Ok(g)) => g,
                    None => Group::new(),
                };
                let expected = expected.unwrap_or_default();
                let prefix = name.rsplit_once('/').map_or("", |(p, _)| p);
                merge(
                    stored.into_iter().map(Ok::<_, StoreError>),
                    expected.into_iter(),
                    |leaf, s, e| {
                        *items_checked += 1;
                        compare_item(&format!("{prefix}/{leaf}"), s.as_ref(), e.as_ref())
                    },
                )
                .unwrap_or_else(|e| Some(e.message(Lang::En)))
            },
        )?;
        if items.is_some() {
            return Ok(items);
        }
        let units = Chunked::from(&self.t.units, &[]).map(|r| {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&k).into_owned();
            let unit: Result<StoredUnit, String> =
                codec::decode(&v, &format!("unit {name}")).map_err(|e| e.message(Lang::En));
            Ok((name, unit))
        });
        let units = merge(
            units,
            units_replayed.into_iter(),
            |name, stored, expected| {
                let stored = match stored {
                    Some(Err(why)) => return Some(why),
                    Some(Ok(u)) => Some(u),
                    None => None,
                };
                compare_unit(name, stored.as_ref(), expected.as_ref())
            },
        )?;
        if units.is_some() {
            return Ok(units);
        }
        let members: BTreeMap<String, _> = members_replayed
            .into_iter()
            .filter_map(|(u, r)| Some((u, r?)))
            .collect();
        let mut others = 0;
        let m = merge_compare(
            self,
            self.t.meta.scan_prefix(layout::MEMBER_PREFIX.as_bytes()),
            layout::MEMBER_PREFIX.len(),
            members,
            "member",
            &|r: &domain::Role| r.as_str().to_string(),
            &mut others,
        )?;
        if m.is_some() {
            return Ok(m);
        }
        let years: BTreeMap<String, YearData> = years_replayed
            .into_iter()
            .map(|(y, d)| (layout::year_str(y), d))
            .collect();
        let y = merge_compare(
            self,
            self.t.meta.scan_prefix(layout::YEAR_PREFIX.as_bytes()),
            layout::YEAR_PREFIX.len(),
            years,
            "year",
            &|d: &YearData| format!("framework {}, units {}", d.framework_file, d.units_file),
            &mut others,
        )?;
        if y.is_some() {
            return Ok(y);
        }
        merge_compare(
            self,
            self.t.meta.scan_prefix(layout::ROUND_PREFIX.as_bytes()),
            layout::ROUND_PREFIX.len(),
            rounds_replayed,
            "round",
            &|r: &domain::Round| {
                format!(
                    "{} – {}{}",
                    r.opens,
                    r.closes,
                    if r.closed { ", closed" } else { "" }
                )
            },
            &mut others,
        )
    }

    /// Write replayed state into the (empty) state trees, in batches.
    pub(crate) fn write_state(&self, replay: &Replay) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for (k, group) in &replay.groups {
            batch.insert(k.as_bytes(), codec::encode_group(group)?);
            n += group.len();
            if n >= BATCH {
                n = 0;
                self.t
                    .items
                    .apply_batch(std::mem::take(&mut batch))
                    .map_err(|e| self.sled_err(e))?;
            }
        }
        self.t
            .items
            .apply_batch(batch)
            .map_err(|e| self.sled_err(e))?;
        write_map(self, &self.t.units, "", &replay.units)?;
        let members: BTreeMap<&String, _> = replay
            .members
            .iter()
            .filter_map(|(u, r)| Some((u, (*r)?)))
            .collect();
        write_map(self, &self.t.meta, layout::MEMBER_PREFIX, &members)?;
        let years: BTreeMap<String, &YearData> = replay
            .years
            .iter()
            .map(|(y, d)| (layout::year_str(*y), d))
            .collect();
        write_map(self, &self.t.meta, layout::YEAR_PREFIX, &years)?;
        write_map(self, &self.t.meta, layout::ROUND_PREFIX, &replay.rounds)
    }

    pub(crate) fn write_head(&self, seq: u64, hash: &[u8; HASH_LEN]) -> Result<(), StoreError> {
        if seq == 0 {
            self.t
                .meta
                .remove(layout::HEAD_KEY)
                .map_err(|e| self.sled_err(e))?;
            return Ok(());
        }
        let head = codec::encode(&Head {
            seq,
            hash: hex::encode(hash),
        })?;
        self.t
            .meta
            .insert(layout::HEAD_KEY, head)
            .map_err(|e| self.sled_err(e))?;
        Ok(())
    }
}

fn write_map<K: std::fmt::Display, T: Serialize>(
    store: &Store,
    tree: &sled::Tree,
    prefix: &str,
    map: &BTreeMap<K, T>,
) -> Result<(), StoreError> {
    let mut batch = sled::Batch::default();
    let mut n = 0;
    for (k, v) in map {
        batch.insert(format!("{prefix}{k}").into_bytes(), codec::encode(v)?);
        n += 1;
        if n % BATCH == 0 {
            tree.apply_batch(std::mem::take(&mut batch))
                .map_err(|e| store.sled_err(e))?;
        }
    }
    tree.apply_batch(batch).map_err(|e| store.sled_err(e))
}

/// The problem with the lower seq.
fn first_of(a: Option<(u64, String)>, b: Option<(u64, String)>) -> Option<(u64, String)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Walk stored and expected entries together in key order; `f` sees each key with what each
/// side has and describes a difference, the first of which is returned.
fn merge<S, E>(
    stored: impl Iterator<Item = Result<(String, S), StoreError>>,
    expected: impl Iterator<Item = (String, E)>,
    mut f: impl FnMut(&str, Option<S>, Option<E>) -> Option<String>,
) -> Result<Option<String>, StoreError> {
    let mut stored = stored.peekable();
    let mut expected = expected.peekable();
    loop {
        let s_key = match stored.peek() {
            Some(Ok((k, _))) => Some(k.clone()),
            Some(Err(_)) => match stored.next() {
                Some(Err(e)) => return Err(e),
                _ => continue,
            },
            None => None,
        };
        let e_key = expected.peek().map(|(k, _)| k.clone());
        let (name, s, e) = match (&s_key, &e_key) {
            (None, None) => return Ok(None),
            (Some(a), Some(b)) if a.as_bytes() == b.as_bytes() => {
                (a.clone(), stored.next(), expected.next())
            }
            (Some(a), Some(b)) if a.as_bytes() < b.as_bytes() => (a.clone(), stored.next(), None),
            (Some(a), None) => (a.clone(), stored.next(), None),
            (_, Some(b)) => (b.clone(), None, expected.next()),
        };
        let s = match s {
            Some(Ok((_, v))) => Some(v),
            Some(Err(e)) => return Err(e),
            None => None,
        };
        if let Some(why) = f(&name, s, e.map(|(_, v)| v)) {
            return Ok(Some(why));
        }
    }
}

fn item_summary(i: &Item) -> String {
    format!("version {}", i.version)
}

/// The difference between a stored item and the replayed one, if any.
fn compare_item(name: &str, s: Option<&StoredItem>, e: Option<&StoredItem>) -> Option<String> {
    match (s, e) {
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) if a.item == b.item => Some(format!(
            "item {name}: its stored history ({} events) differs from the log ({} events)",
            a.history.len(),
            b.history.len()
        )),
        (Some(a), Some(b)) => {
            let (sa, sb) = (item_summary(&a.item), item_summary(&b.item));
            Some(if sa == sb {
                format!("item {name}: stored state differs from replay ({sa})")
            } else {
                format!("item {name}: stored {sa}, replay {sb}")
            })
        }
        (Some(a), None) => Some(format!(
            "item {name}: stored ({}) but no event produces it",
            item_summary(&a.item)
        )),
        (None, Some(b)) => Some(format!(
            "item {name}: missing from the store (replay gives {})",
            item_summary(&b.item)
        )),
        (None, None) => None,
    }
}

fn unit_summary(u: &UnitState) -> String {
    match &u.finalized {
        Some(t) => format!("finalized by {} at event {}", t.actor, t.seq),
        None => "open".into(),
    }
}

/// The difference between a stored unit and the replayed one, if any.
fn compare_unit(name: &str, s: Option<&StoredUnit>, e: Option<&StoredUnit>) -> Option<String> {
    match (s, e) {
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) if a.state == b.state => Some(format!(
            "unit {name}: its stored history ({} events) differs from the log ({} events)",
            a.history.len(),
            b.history.len()
        )),
        (Some(a), Some(b)) => {
            let (sa, sb) = (unit_summary(&a.state), unit_summary(&b.state));
            Some(if sa == sb {
                format!("unit {name}: stored state differs from replay ({sa})")
            } else {
                format!("unit {name}: stored {sa}, replay {sb}")
            })
        }
        (Some(a), None) => Some(format!(
            "unit {name}: stored ({}) but no event produces it",
            unit_summary(&a.state)
        )),
        (None, Some(b)) => Some(format!(
            "unit {name}: missing from the store (replay gives {})",
            unit_summary(&b.state)
        )),
        (None, None) => None,
    }
}

/// Walk stored entries (keys minus `strip` prefix bytes) and expected entries together in key
/// order; describe the first difference.
fn merge_compare<T: PartialEq + DeserializeOwned>(
    store: &Store,
    stored: impl Iterator<Item = Result<(sled::IVec, sled::IVec), sled::Error>>,
    strip: usize,
    expected: BTreeMap<String, T>,
    label: &str,
    summary: &dyn Fn(&T) -> String,
    checked: &mut u64,
) -> Result<Option<String>, StoreError> {
    let mut stored = stored.peekable();
    let mut expected = expected.into_iter().peekable();
    loop {
        let s_key = match stored.peek() {
            Some(Ok((k, _))) => Some(k.get(strip..).unwrap_or_default().to_vec()),
            Some(Err(_)) => {
                if let Some(Err(e)) = stored.next() {
                    return Err(store.sled_err(e));
                }
                continue;
            }
            None => None,
        };
        let e_key = expected.peek().map(|(k, _)| k.as_bytes().to_vec());
        let (s, e) = match (&s_key, &e_key) {
            (None, None) => return Ok(None),
            (Some(s), Some(e)) if s == e => (stored.next(), expected.next()),
            (Some(s), Some(e)) if s < e => (stored.next(), None),
            (Some(_), None) => (stored.next(), None),
            _ => (None, expected.next()),
        };
        *checked += 1;
        let name =
            String::from_utf8_lossy(s_key.as_deref().or(e_key.as_deref()).unwrap_or_default())
                .into_owned();
        let stored_value = match s {
            Some(Ok((_, v))) => match codec::decode::<T>(&v, &format!("{label} {name}")) {
                Ok(t) => Some(t),
                Err(err) => return Ok(Some(err.message(Lang::En))),
            },
            _ => None,
        };
        let expected_value = e.map(|(_, t)| t);
        let mismatch = match (&stored_value, &expected_value) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => {
                let (sa, sb) = (summary(a), summary(b));
                Some(if sa == sb {
                    format!("{label} {name}: stored state differs from replay ({sa})")
                } else {
                    format!("{label} {name}: stored {sa}, replay {sb}")
                })
            }
            (Some(a), None) => Some(format!(
                "{label} {name}: stored ({}) but no event produces it",
                summary(a)
            )),
            (None, Some(b)) => Some(format!(
                "{label} {name}: missing from the store (replay gives {})",
                summary(b)
            )),
            (None, None) => None,
        };
        if mismatch.is_some() {
            return Ok(mismatch);
        }
    }
}
