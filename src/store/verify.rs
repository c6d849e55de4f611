//! Checking the log (hash chain, contiguous seqs, the head record) and that replaying it gives
//! the stored state; rebuilding the state from the log.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::{EventBody, Item, UnitState};
use crate::i18n::Lang;

use super::codec::{self, HASH_LEN, Head, ZERO_HASH};
use super::error::StoreError;
use super::layout;
use super::replay::Replay;
use super::{Store, YearData};

/// Entries per sled batch when rewriting state.
const BATCH: usize = 10_000;

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Events examined.
    pub events: u64,
    /// The first event (by seq) whose hash, body, position or presence is wrong, and why.
    pub first_bad_event: Option<(u64, String)>,
    /// The first difference between the stored state and the replayed state, e.g.
    /// "item 2024/44/3.2.1: stored version 3, replay version 4".
    pub first_state_mismatch: Option<String>,
    /// Items compared (stored or replayed) before the comparison finished or stopped at a
    /// mismatch.
    pub items_checked: u64,
}

impl VerifyReport {
    /// Chain intact and state equal to the replay.
    pub fn ok(&self) -> bool {
        self.first_bad_event.is_none() && self.first_state_mismatch.is_none()
    }

    /// A one-paragraph summary for the user.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = match lang {
            Lang::En => format!(
                "{} events, {} items checked.",
                self.events, self.items_checked
            ),
            Lang::Vi => format!(
                "Đã kiểm tra {} sự kiện, {} mục.",
                self.events, self.items_checked
            ),
        };
        if let Some((seq, why)) = &self.first_bad_event {
            out.push(' ');
            out.push_str(&match lang {
                Lang::En => format!(
                    "The event log is broken from event {seq}: {why}. Restore from a backup."
                ),
                Lang::Vi => format!(
                    "Nhật ký sự kiện bị hỏng từ sự kiện {seq}: {why}. Hãy khôi phục từ bản sao lưu."
                ),
            });
        }
        if let Some(what) = &self.first_state_mismatch {
            out.push(' ');
            out.push_str(&match lang {
                Lang::En => format!(
                    "The stored state differs from the event log: {what}. Run `thamdinh rebuild`."
                ),
                Lang::Vi => format!(
                    "Trạng thái lưu trữ khác với nhật ký sự kiện: {what}. Hãy chạy \
                     `thamdinh rebuild`."
                ),
            });
        }
        if self.ok() {
            out.push(' ');
            out.push_str(lang.pick(
                "Hash chain intact; replay equals the stored state.",
                "Chuỗi băm nguyên vẹn; phát lại khớp với trạng thái lưu trữ.",
            ));
        }
        out
    }
}

/// The end of a scanned log.
struct ScanEnd {
    count: u64,
    last_seq: u64,
    last_hash: [u8; HASH_LEN],
}

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
        let mut first_bad: Option<(u64, String)> = None;
        let end = self.scan_events(
            &mut |seq, why| {
                if first_bad.is_none() {
                    first_bad = Some((seq, why));
                }
                Ok(())
            },
            &mut |body| {
                replay.apply(body);
                Ok(())
            },
        )?;
        report.events = end.count;
        report.first_bad_event = first_bad;
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
        self.t.by_item.clear().map_err(sled_err)?;
        self.t.by_user.clear().map_err(sled_err)?;
        let mut replay = Replay::default();
        let mut by_item = sled::Batch::default();
        let mut by_user = sled::Batch::default();
        let mut pending = 0;
        let end = self.scan_events(
            &mut |seq, why| {
                Err(StoreError::corrupt(format!(
                    "event {seq}: {why}; the state cannot be rebuilt from a damaged log"
                )))
            },
            &mut |body| {
                replay.apply(body);
                if let Some(k) = layout::by_item_key(&body.change, body.seq) {
                    by_item.insert(k, &[][..]);
                }
                by_user.insert(layout::by_user_key(&body.actor, body.seq), &[][..]);
                pending += 1;
                if pending >= BATCH {
                    self.t
                        .by_item
                        .apply_batch(std::mem::take(&mut by_item))
                        .map_err(sled_err)?;
                    self.t
                        .by_user
                        .apply_batch(std::mem::take(&mut by_user))
                        .map_err(sled_err)?;
                    pending = 0;
                }
                Ok(())
            },
        )?;
        self.t.by_item.apply_batch(by_item).map_err(sled_err)?;
        self.t.by_user.apply_batch(by_user).map_err(sled_err)?;

        self.t.items.clear().map_err(sled_err)?;
        self.t.units.clear().map_err(sled_err)?;
        for prefix in [layout::MEMBER_PREFIX, layout::YEAR_PREFIX] {
            let mut batch = sled::Batch::default();
            for r in self.t.meta.scan_prefix(prefix.as_bytes()) {
                let (k, _) = r.map_err(sled_err)?;
                batch.remove(k);
            }
            self.t.meta.apply_batch(batch).map_err(sled_err)?;
        }
        self.write_state(&replay)?;
        self.write_head(end.last_seq, &end.last_hash)?;
        self.set_tip(&mut tip, end.last_seq, end.last_hash);
        self.make_durable(&mut tip)?;
        Ok(end.count)
    }

    /// Walk the log in seq order. `on_bad` hears of every problem (seq, reason) and may stop the
    /// scan by returning an error; `on_event` gets every readable body.
    fn scan_events(
        &self,
        on_bad: &mut dyn FnMut(u64, String) -> Result<(), StoreError>,
        on_event: &mut dyn FnMut(&EventBody) -> Result<(), StoreError>,
    ) -> Result<ScanEnd, StoreError> {
        let mut prev = ZERO_HASH;
        let mut expected = 1u64;
        let mut count = 0u64;
        for r in self.t.events.iter() {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            count += 1;
            let seq = match layout::seq_suffix(&k) {
                Some(seq) if k.len() == 8 => seq,
                _ => {
                    on_bad(expected, "an events key is not a sequence number".into())?;
                    continue;
                }
            };
            if seq != expected {
                on_bad(
                    expected,
                    format!(
                        "event {expected} is missing (the log goes from {} to {seq})",
                        expected.saturating_sub(1)
                    ),
                )?;
            }
            expected = seq.saturating_add(1);
            let (hash, body) = match codec::split_event(&v) {
                Ok(split) => split,
                Err(why) => {
                    on_bad(seq, why)?;
                    continue;
                }
            };
            if codec::chain_hash(&prev, body) != hash {
                on_bad(
                    seq,
                    "its hash does not match its content and the previous event's hash \
                     (the event was altered)"
                        .into(),
                )?;
            }
            // Continue the chain from the stored hash, so one altered event is named alone.
            prev = hash;
            match serde_json::from_slice::<EventBody>(body) {
                Ok(b) if b.seq == seq => on_event(&b)?,
                Ok(b) => on_bad(seq, format!("its content says it is event {}", b.seq))?,
                Err(e) => on_bad(seq, format!("its content cannot be read: {e}"))?,
            }
        }
        let last_seq = expected - 1;
        let head = self
            .t
            .meta
            .get(layout::HEAD_KEY)
            .map_err(|e| self.sled_err(e))?;
        match head.map(|v| codec::decode::<Head>(&v, "the head record")) {
            None if count > 0 => on_bad(
                last_seq,
                "the record of the last commit (meta/head) is missing".into(),
            )?,
            None => {}
            Some(Err(e)) => on_bad(last_seq, e.message(Lang::En))?,
            Some(Ok(head)) if head.seq > last_seq => on_bad(
                last_seq + 1,
                format!(
                    "event {} is missing: the log ends at {last_seq}, the last commit was {}",
                    last_seq + 1,
                    head.seq
                ),
            )?,
            Some(Ok(head)) if head.seq < last_seq => on_bad(
                head.seq + 1,
                format!(
                    "events after {} were added outside a commit (the last commit was {})",
                    head.seq, head.seq
                ),
            )?,
            Some(Ok(head)) if head.hash != hex::encode(prev) => on_bad(
                last_seq,
                "its hash differs from the one recorded when it was committed".into(),
            )?,
            Some(Ok(_)) => {}
        }
        Ok(ScanEnd {
            count,
            last_seq,
            last_hash: prev,
        })
    }

    /// Compare stored state with a replay; the first difference, in key order, per kind.
    fn compare_state(
        &self,
        replay: Replay,
        items_checked: &mut u64,
    ) -> Result<Option<String>, StoreError> {
        let items = merge_compare(
            self,
            self.t.items.iter(),
            0,
            replay.items,
            "item",
            &|i: &Item| format!("version {}", i.version),
            items_checked,
        )?;
        if items.is_some() {
            return Ok(items);
        }
        let mut others = 0;
        let units = merge_compare(
            self,
            self.t.units.iter(),
            0,
            replay.units,
            "unit",
            &|u: &UnitState| match &u.finalized {
                Some(t) => format!("finalized by {} at event {}", t.actor, t.seq),
                None => "open".into(),
            },
            &mut others,
        )?;
        if units.is_some() {
            return Ok(units);
        }
        let members: BTreeMap<String, _> = replay
            .members
            .into_iter()
            .filter_map(|(u, r)| Some((u, r?)))
            .collect();
        let m = merge_compare(
            self,
            self.t.meta.scan_prefix(layout::MEMBER_PREFIX.as_bytes()),
            layout::MEMBER_PREFIX.len(),
            members,
            "member",
            &|r: &crate::domain::Role| r.as_str().to_string(),
            &mut others,
        )?;
        if m.is_some() {
            return Ok(m);
        }
        let years: BTreeMap<String, YearData> = replay
            .years
            .into_iter()
            .map(|(y, d)| (layout::year_str(y), d))
            .collect();
        merge_compare(
            self,
            self.t.meta.scan_prefix(layout::YEAR_PREFIX.as_bytes()),
            layout::YEAR_PREFIX.len(),
            years,
            "year",
            &|d: &YearData| format!("framework {}, units {}", d.framework_file, d.units_file),
            &mut others,
        )
    }

    /// Write replayed state into the (empty) state trees, in batches.
    pub(crate) fn write_state(&self, replay: &Replay) -> Result<(), StoreError> {
        write_map(self, &self.t.items, "", &replay.items)?;
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
        write_map(self, &self.t.meta, layout::YEAR_PREFIX, &years)
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
