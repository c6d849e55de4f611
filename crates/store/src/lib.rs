//! The event store: the only code that touches sled (DESIGN "Storage", SPEC D6, I5, R1, R6).
//!
//! A store is a directory `DIR`; the sled database lives in `DIR/sled/`. Trees:
//! - `meta`: `schema` → schema version (u32); `head` → seq and hash of the last event;
//!   `member/<user>` → [`Role`]; `year/<YYYY>` → [`YearData`].
//! - `events`: seq of a block's first event (u64 big-endian, from 1) → a block of consecutive
//!   events of one commit (about 6 KiB; see `codec`): for each, its seq, 32 raw hash bytes and
//!   the canonical JSON of its [`EventBody`]; `hash = SHA-256(previous hash ‖ body bytes)`, 32
//!   zero bytes before the first event.
//! - `items`: `YYYY/<unit>/<group>` → the items of one criterion (`<group>` is the leaf code up
//!   to its second '.': "3.2" holds 3.2.1, 3.2.2 …), each [`Item`] with its history (the seqs of
//!   the events that changed it); `units`: `YYYY/<unit>` → [`UnitState`] with its history.
//! - `by_user`: `<user>/` + first seq → last seq, for each run of consecutive events by one user
//!   (one entry per commit).
//! - `drafts`: `<user>/YYYY/<unit>/<leaf>` → [`Draft`] (not events).
//!
//! Every other stored value is one version byte (1) followed by serde_json bytes. The events of a
//! commit, the state they change and the index entry are written in one multi-tree transaction,
//! made durable (`flush` + `fdatasync` of `DIR/sled/db` and new blob files) before `commit`
//! returns. Grouping keeps a 200,000-event import to a few tens of thousands of sled writes
//! (SPEC P5).
//!
//! sled allows one process per database: a second open fails with [`StoreError::InUse`].

mod backup;
mod bulk;
mod chunked;
mod codec;
mod commit;
mod drafts;
mod error;
mod fastdecode;
mod layout;
mod lock;
mod replay;
mod scan;
mod verify;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;

use domain::{
    Draft, Event, EventBody, Item, ItemKey, ItemSummary, Member, NewEvent, Role, Round, UnitState,
    UnitSummaries, YearData,
};

pub use error::StoreError;
pub use lock::LockProbe;

use codec::{HASH_LEN, StoredItem, StoredUnit, ZERO_HASH};
use error::{from_sled, is_lock_error};

/// Version of the layout described above; stored under `meta/schema`. Version 1 stored one
/// sled value per event, item and index entry; a version-1 store is moved to this version by
/// `thamdinh backup` with the old program and `thamdinh restore` with this one.
pub const SCHEMA_VERSION: u32 = 2;

/// sled's page cache size. Kept well under the server's memory budget (SPEC P6).
const CACHE_CAPACITY: u64 = 128 * 1024 * 1024;

/// The open trees.
struct Trees {
    meta: sled::Tree,
    events: sled::Tree,
    items: sled::Tree,
    units: sled::Tree,
    by_user: sled::Tree,
    drafts: sled::Tree,
}

/// The end of the hash chain, owned by whoever holds the commit lock.
struct Tip {
    seq: u64,
    hash: [u8; HASH_LEN],
    /// Set when the last stored event cannot be read at open: commits are refused (they would
    /// chain onto an unknown hash) until the store is restored; queries and verify still work.
    broken: Option<String>,
    /// Blob files already synced to disk.
    blobs_synced: HashSet<OsString>,
}

/// An open store. `Send + Sync`: share it behind an `Arc`; commits are serialized internally.
pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    t: Trees,
    /// Serializes commits, verify and rebuild.
    tip: Mutex<Tip>,
    /// Copy of `tip.seq` readable without the lock.
    last_seq: AtomicU64,
    /// A second handle of `DIR/sled/db`, for `fdatasync` after sled's flush.
    sync_file: File,
    /// Item summaries of the years asked for (year → unit → leaf), kept current by `commit`:
    /// a list of every unit is answered without reading every item (SPEC P1, P6).
    summaries: Mutex<HashMap<u16, SummaryCache>>,
}

/// unit → leaf → summary.
type SummaryCache = BTreeMap<String, BTreeMap<String, ItemSummary>>;

impl Store {
    /// Create a new, empty store in `dir` (created if needed). Refuses with `AlreadyExists` if
    /// `dir/sled` exists.
    /// Whether `dir` holds a store (without opening it).
    pub fn exists(dir: &Path) -> bool {
        lock::sled_dir(dir).is_dir()
    }

    /// Whether some process (a server, or a command that opened the store itself) has the store
    /// in `dir` open, asked without waiting and without opening it.
    pub fn probe_lock(dir: &Path) -> LockProbe {
        lock::probe_lock(dir)
    }

    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        if lock::sled_dir(dir).exists() {
            return Err(StoreError::AlreadyExists {
                path: dir.to_path_buf(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let store = Store::open_sled(dir)?;
        store
            .t
            .meta
            .insert(layout::SCHEMA_KEY, codec::encode(&SCHEMA_VERSION)?)
            .map_err(|e| store.sled_err(e))?;
        store.make_durable(&mut store.lock_tip())?;
        sync_dir(&lock::sled_dir(dir))?;
        sync_dir(dir)?;
        Ok(store)
    }

    /// Open an existing store. `NotAStore` without `dir/sled`, `InUse` when another process has
    /// it open, `SchemaMismatch` when it was written by another layout version.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        if !Store::exists(dir) {
            return Err(StoreError::NotAStore {
                path: dir.to_path_buf(),
            });
        }
        let store = Store::open_sled(dir)?;
        let schema = store
            .t
            .meta
            .get(layout::SCHEMA_KEY)
            .map_err(|e| store.sled_err(e))?;
        let Some(schema) = schema else {
            return Err(StoreError::corrupt(format!(
                "{} has no schema version (it was not created completely; remove it and create \
                 the store again)",
                dir.display()
            )));
        };
        let found: u32 = codec::decode(&schema, "the schema version")?;
        if found != SCHEMA_VERSION {
            return Err(StoreError::SchemaMismatch {
                path: dir.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(store)
    }

    fn open_sled(dir: &Path) -> Result<Store, StoreError> {
        let sled_dir = dir.join("sled");
        let db = sled::Config::new()
            .path(&sled_dir)
            .cache_capacity(CACHE_CAPACITY)
            .open()
            .map_err(|e| {
                if is_lock_error(&e) {
                    StoreError::InUse {
                        path: dir.to_path_buf(),
                    }
                } else {
                    from_sled(e, &sled_dir)
                }
            })?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| from_sled(e, &sled_dir));
        let t = Trees {
            meta: tree(layout::META)?,
            events: tree(layout::EVENTS)?,
            items: tree(layout::ITEMS)?,
            units: tree(layout::UNITS)?,
            by_user: tree(layout::BY_USER)?,
            drafts: tree(layout::DRAFTS)?,
        };
        let db_file = sled_dir.join("db");
        let sync_file = File::open(&db_file).map_err(|e| StoreError::io(&db_file, e))?;
        let tip = read_tip(&t.events).map_err(|e| from_sled(e, &sled_dir))?;
        let last_seq = AtomicU64::new(tip.seq);
        Ok(Store {
            dir: dir.to_path_buf(),
            db,
            t,
            tip: Mutex::new(tip),
            last_seq,
            sync_file,
            summaries: Mutex::new(HashMap::new()),
        })
    }

    /// The store directory (`DIR`, not `DIR/sled`).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Seq of the last committed event (0 for an empty store).
    pub fn last_seq(&self) -> u64 {
        self.last_seq.load(Ordering::Acquire)
    }

    /// The stored group holding `key`, and its items.
    fn group(&self, key: &ItemKey) -> Result<Option<replay::Group>, StoreError> {
        let k = layout::item_group_key(key);
        match self
            .t
            .items
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(codec::decode_group(&v, &format!("items {k}"))?)),
            None => Ok(None),
        }
    }

    /// The stored item with its history.
    fn stored_item(&self, key: &ItemKey) -> Result<Option<StoredItem>, StoreError> {
        if layout::check_item_key(key).is_err() {
            return Ok(None);
        }
        Ok(self
            .group(key)?
            .and_then(|mut g| g.remove(key.leaf.as_str())))
    }

    /// Current state of one item, `None` if no event touched it.
    pub fn item(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        Ok(self.stored_item(key)?.map(|s| s.item))
    }

    /// All items of a year, or of one unit in it, in key order ("YYYY/unit/leaf" byte order).
    pub fn items(&self, year: u16, unit: Option<&str>) -> Result<Vec<Item>, StoreError> {
        let mut out: Vec<Item> = self
            .stored_items(year, unit)?
            .into_iter()
            .map(|s| s.item)
            .collect();
        // Groups come in key order; a code with a character below '.' after a group's code
        // could fall between two groups ("3.2-x" before "3.2.1"), so sort to be exact.
        out.sort_by(|a, b| {
            (a.key.unit.as_str(), a.key.leaf.as_str())
                .cmp(&(b.key.unit.as_str(), b.key.leaf.as_str()))
        });
        Ok(out)
    }

    /// The summaries of every item of a year ([`ItemSummary`]), unit by unit in code order. The
    /// first call for a year reads its items (a group at a time, never the texts of a whole
    /// year at once); later calls are answered from memory, which every commit keeps current.
    pub fn unit_summaries(&self, year: u16) -> Result<Vec<UnitSummaries>, StoreError> {
        if layout::check_year(year).is_err() {
            return Ok(Vec::new());
        }
        let cached = |c: &SummaryCache| {
            c.iter()
                .map(|(unit, items)| UnitSummaries {
                    unit: unit.clone(),
                    items: items.values().cloned().collect(),
                })
                .collect()
        };
        if let Some(c) = self.summaries_lock().get(&year) {
            return Ok(cached(c));
        }
        // Read under the commit lock, so no commit falls between the read and the cache.
        let _tip = self.lock_tip();
        let prefix = layout::year_prefix(year);
        let mut cache = SummaryCache::new();
        for r in chunked::Chunked::prefix(&self.t.items, prefix.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let group = codec::decode_group(&v, &format!("items {}", String::from_utf8_lossy(&k)))?;
            for s in group.values() {
                cache
                    .entry(s.item.key.unit.clone())
                    .or_default()
                    .insert(s.item.key.leaf.clone(), ItemSummary::of(&s.item));
            }
        }
        let out = cached(&cache);
        self.summaries_lock().insert(year, cache);
        Ok(out)
    }

    /// Every item of a year as its summary gives it ([`ItemSummary::to_item`]), in key order.
    pub fn item_summaries(&self, year: u16) -> Result<Vec<Item>, StoreError> {
        Ok(self
            .unit_summaries(year)?
            .iter()
            .flat_map(|u| u.items.iter().map(|i| i.to_item(year, &u.unit)))
            .collect())
    }

    fn summaries_lock(&self) -> MutexGuard<'_, HashMap<u16, SummaryCache>> {
        self.summaries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keep the cached summaries of a year current with committed items.
    fn update_summaries<'a>(&self, items: impl Iterator<Item = &'a Item>) {
        let mut cache = self.summaries_lock();
        if cache.is_empty() {
            return;
        }
        for item in items {
            if let Some(c) = cache.get_mut(&item.key.year) {
                c.entry(item.key.unit.clone())
                    .or_default()
                    .insert(item.key.leaf.clone(), ItemSummary::of(item));
            }
        }
    }

    /// Forget every cached summary (the items were rewritten).
    fn forget_summaries(&self) {
        self.summaries_lock().clear();
    }

    /// Items with their histories, group by group.
    fn stored_items(&self, year: u16, unit: Option<&str>) -> Result<Vec<StoredItem>, StoreError> {
        if layout::check_year(year).is_err()
            || unit.is_some_and(|u| u.is_empty() || u.contains('/'))
        {
            return Ok(Vec::new());
        }
        let prefix = match unit {
            Some(u) => layout::unit_items_prefix(year, u),
            None => layout::year_prefix(year),
        };
        let mut out = Vec::new();
        for r in chunked::Chunked::prefix(&self.t.items, prefix.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let group = codec::decode_group(&v, &format!("items {}", String::from_utf8_lossy(&k)))?;
            out.extend(group.into_values());
        }
        Ok(out)
    }

    /// A unit's stored state and history.
    fn stored_unit(&self, year: u16, unit: &str) -> Result<StoredUnit, StoreError> {
        let k = layout::unit_key(year, unit);
        match self
            .t
            .units
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => codec::decode(&v, &format!("unit {k}")),
            None => Ok(StoredUnit::default()),
        }
    }

    /// A unit's appraisal state; the default (open) if never finalized.
    pub fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, StoreError> {
        Ok(self.stored_unit(year, unit)?.state)
    }

    /// Every unit of a year with a stored state (finalized at least once), by unit code.
    pub fn unit_states(&self, year: u16) -> Result<Vec<(String, UnitState)>, StoreError> {
        if layout::check_year(year).is_err() {
            return Ok(Vec::new());
        }
        let prefix = layout::year_prefix(year);
        chunked::Chunked::prefix(&self.t.units, prefix.as_bytes())
            .map(|r| {
                let (k, v) = r.map_err(|e| self.sled_err(e))?;
                let key = String::from_utf8_lossy(&k).into_owned();
                let stored: StoredUnit = codec::decode(&v, &format!("unit {key}"))?;
                let unit = key.get(prefix.len()..).unwrap_or_default().to_string();
                Ok((unit, stored.state))
            })
            .collect()
    }

    /// Opened years, ascending.
    pub fn years(&self) -> Result<Vec<u16>, StoreError> {
        let mut out = Vec::new();
        for r in self.t.meta.scan_prefix(layout::YEAR_PREFIX.as_bytes()) {
            let (k, _) = r.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&k);
            let year = key[layout::YEAR_PREFIX.len()..]
                .parse()
                .map_err(|_| StoreError::corrupt(format!("meta key \"{key}\" is not a year")))?;
            out.push(year);
        }
        Ok(out)
    }

    /// The framework and units sources of an opened year.
    pub fn year_data(&self, year: u16) -> Result<Option<YearData>, StoreError> {
        let k = layout::year_meta_key(year);
        match self
            .t
            .meta
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(codec::decode(&v, &format!("year {year}"))?)),
            None => Ok(None),
        }
    }

    /// The explanation rounds of a year, by number.
    pub fn rounds(&self, year: u16) -> Result<Vec<Round>, StoreError> {
        let mut out = Vec::new();
        for r in self
            .t
            .meta
            .scan_prefix(layout::year_rounds_prefix(year).as_bytes())
        {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            out.push(codec::decode(&v, &String::from_utf8_lossy(&k))?);
        }
        Ok(out)
    }

    /// All members, by user name.
    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        let mut out = Vec::new();
        for r in self.t.meta.scan_prefix(layout::MEMBER_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let user = String::from_utf8_lossy(&k[layout::MEMBER_PREFIX.len()..]).into_owned();
            let role = codec::decode(&v, &format!("member {user}"))?;
            out.push(Member { user, role });
        }
        Ok(out)
    }

    /// A user's role, `None` if not a member.
    pub fn member(&self, user: &str) -> Result<Option<Role>, StoreError> {
        if layout::check_user(user).is_err() {
            return Ok(None);
        }
        let k = layout::member_key(user);
        match self
            .t
            .meta
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(codec::decode(&v, &format!("member {user}"))?)),
            None => Ok(None),
        }
    }

    /// One committed event.
    pub fn event(&self, seq: u64) -> Result<Option<Event>, StoreError> {
        let Some(r) = self.t.events.range(..=layout::seq_key(seq)).next_back() else {
            return Ok(None);
        };
        let (_, block) = r.map_err(|e| self.sled_err(e))?;
        for rec in codec::records(&block) {
            let rec = rec.map_err(|why| StoreError::corrupt(format!("event {seq}: {why}")))?;
            if rec.seq == seq {
                return Ok(Some(codec::decode_event(&rec)?));
            }
        }
        Ok(None)
    }

    /// Committed events from `from_seq` on, in seq order.
    pub fn events(&self, from_seq: u64) -> impl Iterator<Item = Result<Event, StoreError>> + '_ {
        // Start at the block holding `from_seq`.
        let start = self
            .t
            .events
            .range(..=layout::seq_key(from_seq))
            .next_back()
            .and_then(|r| r.ok())
            .map_or(layout::seq_key(from_seq), |(k, _)| {
                layout::seq_suffix(&k).map_or(layout::seq_key(from_seq), layout::seq_key)
            });
        chunked::Chunked::from(&self.t.events, &start).flat_map(
            move |r| -> Vec<Result<Event, StoreError>> {
                let (k, v) = match r {
                    Ok(kv) => kv,
                    Err(e) => return vec![Err(self.sled_err(e))],
                };
                let first = layout::seq_suffix(&k).unwrap_or_default();
                codec::records(&v)
                    .filter(|rec| rec.as_ref().map_or(true, |rec| rec.seq >= from_seq))
                    .map(|rec| match rec {
                        Ok(rec) => codec::decode_event(&rec),
                        Err(why) => Err(StoreError::corrupt(format!("event {first}: {why}"))),
                    })
                    .collect()
            },
        )
    }

    /// Every event that changed an item, oldest first.
    pub fn item_history(&self, key: &ItemKey) -> Result<Vec<Event>, StoreError> {
        let seqs = self
            .stored_item(key)?
            .map(|s| s.history)
            .unwrap_or_default();
        self.events_at(seqs)
    }

    /// Every event of a unit's items plus its finalize / reopen events, oldest first.
    pub fn unit_history(&self, year: u16, unit: &str) -> Result<Vec<Event>, StoreError> {
        if layout::check_year(year).is_err() || unit.is_empty() || unit.contains('/') {
            return Ok(Vec::new());
        }
        let mut seqs = self.stored_unit(year, unit)?.history;
        for s in self.stored_items(year, Some(unit))? {
            seqs.extend(s.history);
        }
        self.events_at(seqs)
    }

    /// Every event a user committed, oldest first.
    pub fn user_history(&self, user: &str) -> Result<Vec<Event>, StoreError> {
        if layout::check_user(user).is_err() {
            return Ok(Vec::new());
        }
        let prefix = layout::user_prefix(user);
        let mut seqs = Vec::new();
        for r in self.t.by_user.scan_prefix(prefix.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            if k.len() != prefix.len() + 8 {
                continue;
            }
            let (Some(first), Some(last)) = (layout::seq_suffix(&k), layout::seq_suffix(&v)) else {
                return Err(StoreError::corrupt(format!(
                    "an index entry of {user} cannot be read (run `thamdinh rebuild`)"
                )));
            };
            seqs.extend(first..=last);
        }
        self.events_at(seqs)
    }

    /// The events with these seqs, in seq order, reading each block once.
    fn events_at(&self, mut seqs: Vec<u64>) -> Result<Vec<Event>, StoreError> {
        seqs.sort_unstable();
        seqs.dedup();
        let mut out = Vec::with_capacity(seqs.len());
        let mut i = 0;
        while i < seqs.len() {
            let seq = seqs[i];
            let block = self
                .t
                .events
                .range(..=layout::seq_key(seq))
                .next_back()
                .transpose()
                .map_err(|e| self.sled_err(e))?;
            let missing = || {
                StoreError::corrupt(format!(
                    "the index lists event {seq}, which is missing (run `thamdinh rebuild`)"
                ))
            };
            let Some((_, block)) = block else {
                return Err(missing());
            };
            let start = i;
            for rec in codec::records(&block) {
                let rec = rec.map_err(|why| StoreError::corrupt(format!("event {seq}: {why}")))?;
                if i < seqs.len() && rec.seq == seqs[i] {
                    out.push(codec::decode_event(&rec)?);
                    i += 1;
                }
            }
            if i == start {
                return Err(missing());
            }
        }
        Ok(out)
    }

    fn sled_err(&self, e: sled::Error) -> StoreError {
        from_sled(e, &self.dir.join("sled"))
    }

    /// Take the commit lock. A panic while it was held may have left the in-memory tip behind
    /// the stored log, so it is read again from the log then.
    fn lock_tip(&self) -> MutexGuard<'_, Tip> {
        match self.tip.lock() {
            Ok(g) => g,
            Err(poisoned) => {
                let mut g = poisoned.into_inner();
                if let Ok(fresh) = read_tip(&self.t.events) {
                    let synced = std::mem::take(&mut g.blobs_synced);
                    *g = Tip {
                        blobs_synced: synced,
                        ..fresh
                    };
                    self.last_seq.store(g.seq, Ordering::Release);
                }
                self.tip.clear_poison();
                g
            }
        }
    }

    /// Record a new end of chain.
    fn set_tip(&self, tip: &mut Tip, seq: u64, hash: [u8; HASH_LEN]) {
        tip.seq = seq;
        tip.hash = hash;
        tip.broken = None;
        self.last_seq.store(seq, Ordering::Release);
    }

    /// Make everything written so far durable: sled's flush (which on Linux only does
    /// `sync_file_range`), then `fdatasync` on our own handle of the log file, and on any blob
    /// file sled wrote since the last time (sled does not sync blobs).
    fn make_durable(&self, tip: &mut Tip) -> Result<(), StoreError> {
        let sled_dir = self.dir.join("sled");
        self.db.flush().map_err(|e| self.sled_err(e))?;
        self.sync_file
            .sync_data()
            .map_err(|e| StoreError::io(sled_dir.join("db"), e))?;
        sync_new_blobs(&sled_dir.join("blobs"), &mut tip.blobs_synced)
    }
}

/// Read the end of the chain from the last stored event.
fn read_tip(events: &sled::Tree) -> Result<Tip, sled::Error> {
    let mut tip = Tip {
        seq: 0,
        hash: ZERO_HASH,
        broken: None,
        blobs_synced: HashSet::new(),
    };
    if let Some((k, v)) = events.last()? {
        let first = layout::seq_suffix(&k).filter(|_| k.len() == 8);
        let last = codec::records(&v).last();
        match (first, last) {
            (Some(_), Some(Ok(rec))) => {
                tip.seq = rec.seq;
                tip.hash = rec.hash;
            }
            (_, Some(Err(e))) => tip.broken = Some(format!("the last event cannot be read: {e}")),
            (_, None) => tip.broken = Some("the last events block is empty".into()),
            (None, _) => tip.broken = Some("the last events key is not a sequence number".into()),
        }
    }
    Ok(tip)
}

/// `fsync` a directory so new entries in it survive power loss.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(dir, e))
}

/// `fdatasync` every blob file not synced yet, then the blobs directory if anything was new.
fn sync_new_blobs(dir: &Path, synced: &mut HashSet<OsString>) -> Result<(), StoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::io(dir, e)),
    };
    let mut present = HashSet::new();
    let mut any_new = false;
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io(dir, e))?;
        let name = entry.file_name();
        if !synced.contains(&name) {
            let path = entry.path();
            match File::open(&path).and_then(|f| f.sync_data()) {
                Ok(()) => any_new = true,
                // sled removed it meanwhile (blob garbage collection).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(StoreError::io(path, e)),
            }
        }
        present.insert(name);
    }
    if any_new {
        sync_dir(dir)?;
    }
    *synced = present;
    Ok(())
}

/// Build the body of a new event.
fn new_body(seq: u64, at: Timestamp, e: NewEvent) -> EventBody {
    EventBody {
        seq,
        at,
        actor: e.actor,
        command: e.command,
        change: e.change,
        reason: e.reason,
    }
}
