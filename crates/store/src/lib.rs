//! The store: the record of the appraisal and the state everything reads (SPEC D6, I5, R1, R6).
//! The only crate that touches sled.
//!
//! A store is a directory (see `layout`):
//! - the **journal** (`DIR/journal/`) is the record of what happened: every event, in order,
//!   each with a CRC and its place in a SHA-256 hash chain, `fdatasync`ed before a commit is
//!   acknowledged. An event's canonical bytes are compact (see `body`): a change does not
//!   repeat the text it replaced.
//! - **sled** (`DIR/sled/`) holds the state built from the journal — members, years, rounds,
//!   units, items without their texts, the by-user index — and the seq and hash of the last
//!   event applied. It is not flushed on every commit: after a crash, or when sled lost part of
//!   its log, the journal's later events are applied again at open; when sled cannot be read
//!   at all it is rebuilt from the journal.
//!
//! `verify` reads the journal directly and compares it with sled; it names the first damaged
//! record, a break in the chain, a gap in the seqs or a time that goes backwards, and the first
//! difference in the state. The head (seq and hash of the last event) is the store's **seal**.
//!
//! One process serves a store (its lock is `DIR/store.lock`); every other is a client of it.

pub mod access;
mod apply;
mod backup;
mod body;
mod chunked;
mod commit;
mod drafts;
mod error;
mod guard;
mod journal;
mod layout;
mod legacy;
mod lock;
mod read;
mod state;
mod summaries;
mod tail_check;
mod verify;
mod wire;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use jiff::Timestamp;

use domain::official::Official;
use domain::{
    Assignments, Framework, Item, ItemKey, Member, Published, ResponseBatch, Role, Round,
    UnitState, UnitSummaries, UnitTotals, YearData,
};

pub use access::AccessProblem;
pub use commit::Txn;
pub use domain::Seal;
pub use error::StoreError;
pub use lock::LockProbe;

use journal::{Journal, OpenMode};
use state::{Applied, StoredItem, StoredUnit};

/// Version of the layout described above; stored under `m/schema`. Version 2 kept the events
/// in sled; a version-2 store is moved into a journal when it is first opened (`legacy`).
pub const SCHEMA_VERSION: u32 = 3;

/// sled's page cache size. Kept well under the server's memory budget (SPEC P6).
const CACHE_CAPACITY: u64 = 64 * 1024 * 1024;

/// How long closing a failed sled handle may take before it is left behind (see
/// `recover_state_now`).
const OLD_SLED_CLOSE: std::time::Duration = std::time::Duration::from_secs(5);

/// Events applied to sled in one batch when many are applied at once (a large import, the
/// journal's tail at open, a rebuild, a restore): bounds the memory a batch takes.
const APPLY_BATCH: usize = 20_000;

/// The end of the hash chain, owned by whoever holds the commit lock.
struct Tip {
    seq: u64,
    hash: [u8; 32],
    /// Time of the last event: a new one is never dated earlier (SPEC D6).
    at: Option<Timestamp>,
    /// The last commit reached the journal but not sled: sled is brought up to the journal
    /// before the next commit.
    state_behind: bool,
}

/// The store's summaries of a year's items, by unit and leaf, current with every commit.
type SummaryCache = summaries::YearSummaries;

/// What opening a store did besides opening it, for the server's log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Events the journal holds.
    pub events: u64,
    /// A torn last record (a write that was never acknowledged) was cut: how many bytes.
    pub torn_tail_cut: Option<String>,
    /// Events applied to sled from the journal because sled had not recorded them.
    pub replayed: u64,
    /// sled could not be read and was rebuilt from the journal; the old files were kept here.
    pub rebuilt: Option<String>,
    /// The store was moved from layout 2 (events in sled) to the journal.
    pub migrated: Option<String>,
    /// A torn or damaged end of the journal was cut although the state could not tell whether
    /// it had been acknowledged (only `thamdinh rebuild` does that): what was cut.
    pub cut_unconfirmed: Option<l10n::Said>,
}

/// Whether the state tells that a torn end of the journal was never acknowledged.
enum TornCheck {
    /// The state recorded nothing in it: a write that was never acknowledged.
    NeverRecorded,
    /// The state recorded events the journal no longer holds.
    Recorded(u64),
    /// The state is missing or cannot be read: nobody can tell.
    Unknown,
}

/// sled's handles. Cloned for each use (they are reference-counted), so that the store can
/// close and reopen sled (see [`Store::recover_state`]) once everyone has let go of them.
#[derive(Clone)]
struct Sled {
    db: sled::Db,
    state: sled::Tree,
    drafts: sled::Tree,
    /// For tests: this sled has met an I/O error that it keeps (see `recover_state`).
    #[cfg(test)]
    broken: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Sled {
    fn new((db, state, drafts): (sled::Db, sled::Tree, sled::Tree)) -> Sled {
        Sled {
            db,
            state,
            drafts,
            #[cfg(test)]
            broken: Default::default(),
        }
    }
}

thread_local! {
    /// This thread is bringing the state back (`recover_state`): its reads and writes of sled
    /// are that work, not requests to wait for it.
    static RECOVERING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub struct Store {
    dir: PathBuf,
    /// The flock on `DIR/store.lock`, held while the store is open.
    _lock: File,
    /// `None` only while sled is closed to be opened again, or could not be opened again.
    sled: RwLock<Option<Sled>>,
    /// sled met an I/O error (a full disk during its own background flush, say): sled 0.34
    /// keeps such an error and fails every later write, and what it holds in memory may not
    /// be what it holds on disk. Nothing is read from or written to it until it has been
    /// closed, opened again and brought up to the journal (`recover_state`).
    state_lost: std::sync::atomic::AtomicBool,
    /// sled's old handle could not be closed (see `recover_state_now`). sled 0.34 locks every
    /// database of a process with one lock, which that handle still holds: no sled of this
    /// process can be written any more, so the server stops and the next start builds the
    /// state from the journal ([`Store::must_restart`]).
    stuck: std::sync::atomic::AtomicBool,
    /// For tests: the disk is full for sled (its writes and opening it fail).
    #[cfg(test)]
    test_disk_full: std::sync::atomic::AtomicBool,
    journal: RwLock<Journal>,
    tip: Mutex<Tip>,
    last_seq: AtomicU64,
    summaries: Mutex<HashMap<u16, SummaryCache>>,
    report: OpenReport,
}

/// What the appliers read: the state tree behind `Store`.
pub(crate) trait StoreAccess {
    fn read_group(&self, key: &str, year: u16, unit: &str) -> Result<Vec<StoredItem>, StoreError>;
    fn read_unit(&self, key: &str) -> Result<StoredUnit, StoreError>;
    fn apply_batch(&self, batch: sled::Batch) -> Result<(), StoreError>;
}

impl StoreAccess for Store {
    fn read_group(&self, key: &str, year: u16, unit: &str) -> Result<Vec<StoredItem>, StoreError> {
        match self
            .tree()?
            .get(key.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => state::decode_group(&v, year, unit, key),
            None => Ok(Vec::new()),
        }
    }

    fn read_unit(&self, key: &str) -> Result<StoredUnit, StoreError> {
        match self
            .tree()?
            .get(key.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => state::decode_unit(&v, key),
            None => Ok(StoredUnit::default()),
        }
    }

    fn apply_batch(&self, batch: sled::Batch) -> Result<(), StoreError> {
        let s = self.sled()?;
        #[cfg(test)]
        if s.broken.load(Ordering::Acquire) || self.test_disk_full.load(Ordering::Acquire) {
            s.broken.store(true, Ordering::Release);
            return Err(self.sled_err(test_no_space()));
        }
        s.state.apply_batch(batch).map_err(|e| self.sled_err(e))
    }
}

impl Store {
    /// Whether `dir` holds a store (without opening it).
    pub fn exists(dir: &Path) -> bool {
        layout::journal_dir(dir).is_dir() || layout::sled_dir(dir).is_dir()
    }

    /// Why there is no store to open in `dir`: none there, or — when this account may not look
    /// into the folder — whose folder it is (another account's store is not "no store").
    pub fn not_found(dir: &Path) -> StoreError {
        let hidden =
            std::fs::read_dir(dir).is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
        let problems = if hidden {
            access::refusals(dir)
        } else {
            Vec::new()
        };
        if problems.is_empty() {
            StoreError::NotAStore {
                path: dir.to_path_buf(),
            }
        } else {
            StoreError::Access {
                path: dir.to_path_buf(),
                problems,
            }
        }
    }

    /// Whether some process (a server, or a command that opened the store itself) has the store
    /// in `dir` open, asked without waiting and without opening it.
    pub fn probe_lock(dir: &Path) -> LockProbe {
        lock::probe_lock(dir)
    }

    /// Create a new, empty store in `dir` (created if needed).
    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        if Store::exists(dir) {
            return Err(StoreError::AlreadyExists {
                path: dir.to_path_buf(),
            });
        }
        lock::create_dir(dir)?;
        let lock = lock::take(dir)?;
        let journal =
            Journal::create(&layout::journal_dir(dir)).map_err(|e| StoreError::journal(dir, e))?;
        let (db, state, drafts) = open_sled(dir)?;
        state
            .insert(layout::SCHEMA_KEY, state::encode_schema(SCHEMA_VERSION))
            .map_err(|e| lock::from_sled(e, dir))?;
        db.flush().map_err(|e| lock::from_sled(e, dir))?;
        lock::sync_dir(dir)?;
        Ok(Store::assemble(
            dir,
            lock,
            db,
            state,
            drafts,
            journal,
            OpenReport::default(),
        ))
    }

    /// Open an existing store to serve it: the journal is checked and a torn last record (a
    /// write never acknowledged) is cut; sled is brought up to the journal's head, or rebuilt
    /// from the journal when it cannot be read. A damaged journal is refused: nothing is served
    /// from a record that lost events (restore it from a backup). See [`Store::open_report`].
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, || {})
    }

    /// [`Store::open`], calling `locked` as soon as this process holds the store's lock and
    /// before the journal is checked or the state caught up or rebuilt (which can take minutes
    /// on a large store): a server names itself then, so that whoever finds the store locked
    /// meanwhile learns that a server is opening it.
    pub fn open_with(dir: &Path, locked: impl FnOnce()) -> Result<Store, StoreError> {
        Store::open_inner(dir, locked, false)
    }

    /// `cut_unconfirmed`: cut a torn end of the journal even when the state cannot tell
    /// whether it was acknowledged (`thamdinh rebuild`, asked explicitly; reported in
    /// [`OpenReport::cut_unconfirmed`]).
    fn open_inner(
        dir: &Path,
        locked: impl FnOnce(),
        cut_unconfirmed: bool,
    ) -> Result<Store, StoreError> {
        if !Store::exists(dir) {
            return Err(Store::not_found(dir));
        }
        let lock = lock::take(dir)?;
        locked();
        let mut report = OpenReport::default();
        if !layout::journal_dir(dir).exists() {
            // Layout 2: the events are in sled. Move them into a journal first.
            report.migrated = Some(legacy::migrate(dir)?);
        }
        let (mut journal, opened) = Journal::open(&layout::journal_dir(dir), OpenMode::Repair)
            .map_err(|e| StoreError::journal(dir, e))?;
        report.events = opened.head_seq;
        // Nothing is created or set aside in a folder that is no longer the one locked and
        // opened (moved or replaced while this server started: the re-test of issue 12 found
        // a state rebuilt into the folder that replaced it).
        let replaced = || StoreError::Replaced {
            path: dir.to_path_buf(),
        };
        if !journal.still_in_place().unwrap_or(false) {
            return Err(replaced());
        }
        // A torn end with no state to tell about it: sled is not even created.
        let no_state = !layout::sled_dir(dir).join("db").exists();
        let sled = if no_state && opened.torn.is_some() {
            Err(StoreError::StateUnreadable {
                path: dir.to_path_buf(),
                why: "sled held no state (it was lost or emptied)".into(),
            })
        } else {
            open_sled(dir)
        };
        let sled = match sled {
            Ok(s) => Ok(s),
            Err(StoreError::InUse { path }) => return Err(StoreError::InUse { path }),
            Err(e) => Err(log_reason(&e)),
        };
        if let Some(torn) = &opened.torn {
            // Cut only what the state never recorded: a record the state has applied was
            // acknowledged, and then this is damage, not a torn write. A state that is missing
            // or cannot be read cannot tell: then nothing is cut without being asked.
            let check = match &sled {
                Ok((_, state, _)) => {
                    guard::catch(|| torn_check(state, &journal)).unwrap_or(TornCheck::Unknown)
                }
                Err(_) => TornCheck::Unknown,
            };
            match check {
                TornCheck::Recorded(seq) => {
                    return Err(StoreError::JournalBehind {
                        path: dir.to_path_buf(),
                        journal: opened.head_seq,
                        state: seq,
                    });
                }
                TornCheck::Unknown if !cut_unconfirmed => {
                    if let Ok(s) = sled {
                        let _ = guard::catch(move || drop(s));
                    }
                    return Err(StoreError::TornUnconfirmed {
                        path: dir.to_path_buf(),
                        after: opened.head_seq,
                        what: torn.what.clone(),
                    });
                }
                TornCheck::Unknown => report.cut_unconfirmed = Some(torn.what.clone()),
                TornCheck::NeverRecorded => {}
            }
            journal
                .cut_torn_tail(torn)
                .map_err(|e| StoreError::journal(dir, e))?;
            report.torn_tail_cut = Some(torn.what.en.clone());
        }
        let (db, state, drafts) = match sled {
            Ok(s) => s,
            Err(why) => {
                if !journal.still_in_place().unwrap_or(false) {
                    return Err(replaced());
                }
                let aside = lock::set_aside_sled(dir)?;
                report.rebuilt = Some(format!("{why}; the old files are kept in {aside}"));
                open_sled(dir)?
            }
        };
        let mut store = Store::assemble(dir, lock, db, state, drafts, journal, report);
        match guarded_catch_up(&mut store) {
            Ok(()) => Ok(store),
            // sled opened but cannot be read through (or stops on an internal error), or holds
            // values that do not decode: the journal is intact, so keep sled's files aside and
            // build the state again.
            Err(
                e @ (StoreError::Corrupt { .. }
                | StoreError::Sled(_)
                | StoreError::Io { .. }
                | StoreError::StateUnreadable { .. }),
            ) => {
                let why = log_reason(&e);
                let Store {
                    _lock: lock,
                    journal,
                    mut report,
                    sled,
                    ..
                } = store;
                // (A sled that panicked may panic again as it closes.)
                let _ = guard::catch(move || drop(sled));
                let journal = journal.into_inner().unwrap_or_else(|p| p.into_inner());
                if !journal.still_in_place().unwrap_or(false) {
                    return Err(replaced());
                }
                let aside = lock::set_aside_sled(dir)?;
                report.rebuilt = Some(format!("{why}; the old files are kept in {aside}"));
                let (db, state, drafts) = open_sled(dir)?;
                let mut store = Store::assemble(dir, lock, db, state, drafts, journal, report);
                guarded_catch_up(&mut store)?;
                Ok(store)
            }
            Err(e) => Err(e),
        }
    }

    fn assemble(
        dir: &Path,
        lock: File,
        db: sled::Db,
        state: sled::Tree,
        drafts: sled::Tree,
        journal: Journal,
        report: OpenReport,
    ) -> Store {
        let (seq, hash) = journal.head();
        let at = (seq > 0)
            .then(|| journal.read(seq).ok())
            .flatten()
            .and_then(|r| body::view(&r.body).ok().map(|v| v.head.at));
        Store {
            dir: dir.to_path_buf(),
            _lock: lock,
            sled: RwLock::new(Some(Sled::new((db, state, drafts)))),
            state_lost: std::sync::atomic::AtomicBool::new(false),
            stuck: std::sync::atomic::AtomicBool::new(false),
            #[cfg(test)]
            test_disk_full: std::sync::atomic::AtomicBool::new(false),
            journal: RwLock::new(journal),
            tip: Mutex::new(Tip {
                seq,
                hash,
                at,
                state_behind: false,
            }),
            last_seq: AtomicU64::new(seq),
            summaries: Mutex::new(HashMap::new()),
            report,
        }
    }

    /// Bring sled to the journal's head: check that the state belongs to this journal, apply
    /// the events it has not recorded, or rebuild it when it cannot be trusted.
    fn catch_up(&mut self) -> Result<(), StoreError> {
        let schema = self
            .tree()?
            .get(layout::SCHEMA_KEY)
            .map_err(|e| self.sled_err(e))?;
        let applied = self
            .tree()?
            .get(layout::APPLIED_KEY)
            .map_err(|e| self.sled_err(e))?;
        let fresh = schema.is_none() && applied.is_none();
        if let Some(s) = &schema {
            let found = state::decode_schema(s)?;
            if found != SCHEMA_VERSION {
                return Err(StoreError::SchemaMismatch {
                    path: self.dir.clone(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
        }
        let applied = applied
            .map(|v| state::decode_applied(&v))
            .transpose()
            .unwrap_or_default();
        let head = self.last_seq();
        let trusted = match applied {
            _ if fresh => false,
            None => head == 0 && schema.is_some(),
            Some(a) if a.seq > head => {
                return Err(StoreError::JournalBehind {
                    path: self.dir.clone(),
                    journal: head,
                    state: a.seq,
                });
            }
            Some(a) if a.seq == 0 => true,
            Some(a) => {
                let rec = self.read_record(a.seq)?;
                rec.hash == a.hash
            }
        };
        if !trusted {
            // sled is empty, lost its applied seq, or holds another history: build it again.
            self.clear_state()?;
            let n = self.apply_journal(1)?;
            if n > 0 && self.report.rebuilt.is_none() {
                self.report.rebuilt = Some(if fresh {
                    "sled held no state (it was lost or emptied)".into()
                } else {
                    "the state did not match the journal".into()
                });
            }
            self.report.replayed = n;
            return Ok(());
        }
        let from = applied.map_or(1, |a| a.seq + 1);
        self.report.replayed = self.apply_journal(from)?;
        if let Some((seq, what)) = self.tail_missing()? {
            // Readable, at the journal's head, and yet without a recent event: sled's files
            // are damaged (writing into them again keeps the damage: the re-test found the
            // state wrong again after a restart). Set aside and built anew, like a sled that
            // cannot be read.
            return Err(StoreError::StateUnreadable {
                path: self.dir.clone(),
                why: format!(
                    "it does not hold event {seq} of the journal ({what} lacks it), though it \
                     says it applied event {}",
                    self.last_seq()
                ),
            });
        }
        Ok(())
    }

    /// Bring the state up to the journal's head (after a failure in the middle of a commit).
    pub fn resync(&self) -> Result<u64, StoreError> {
        let mut tip = self.lock_tip();
        if self.state_lost.load(Ordering::Acquire) {
            self.recover_state(&mut tip)?;
        }
        let n = self.catch_up_state()?;
        tip.state_behind = false;
        Ok(n)
    }

    /// Make everything sled holds durable (at a clean stop, so the next start applies nothing
    /// again).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db()?.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }

    /// Apply to sled the journal's events after its applied seq.
    fn catch_up_state(&self) -> Result<u64, StoreError> {
        let applied = match self
            .tree()?
            .get(layout::APPLIED_KEY)
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => state::decode_applied(&v)?.seq,
            None => 0,
        };
        self.apply_journal(applied + 1)
    }

    /// Remove every state entry (not the drafts) and write the schema again.
    fn clear_state(&self) -> Result<(), StoreError> {
        self.tree()?.clear().map_err(|e| self.sled_err(e))?;
        self.tree()?
            .insert(layout::SCHEMA_KEY, state::encode_schema(SCHEMA_VERSION))
            .map_err(|e| self.sled_err(e))?;
        self.forget_summaries();
        Ok(())
    }

    /// Apply the journal's events from `from` to its head to sled, in bounded batches; returns
    /// how many were applied.
    fn apply_journal(&self, from: u64) -> Result<u64, StoreError> {
        let head = self.last_seq();
        if from > head {
            return Ok(0);
        }
        let mut applier = apply::Applier::new(self);
        let mut n = 0;
        let mut last = None;
        let journal = self.journal_read();
        // Times never go backwards in a journal this program wrote (a commit takes the later of
        // the clock and the last event's time): one that does was written by someone else, and
        // is refused like any other damage. The event before `from` gives the first comparison.
        let mut last_at = None;
        for rec in journal.records_from(from.saturating_sub(1).max(1)) {
            let rec = rec.map_err(|e| StoreError::journal(&self.dir, e))?;
            let d = body::decode(&rec.body).map_err(|e| {
                StoreError::corrupt(format!("event {} cannot be read: {e}", rec.seq))
            })?;
            if let Some(before) = last_at.filter(|&t| d.body.at < t) {
                let (seq, at) = (rec.seq, d.body.at);
                return Err(StoreError::Journal {
                    path: self.dir.clone(),
                    detail: l10n::Said::new(
                        format!(
                            "thời điểm của sự kiện {seq} ({}) sớm hơn thời điểm của sự kiện trước \
                             nó ({}): nhật ký đã bị viết lại",
                            domain::clock::date_time_seconds(at),
                            domain::clock::date_time_seconds(before)
                        ),
                        format!(
                            "the time of event {seq} ({at}) is earlier than the time of the event \
                             before it ({before}): the journal was rewritten"
                        ),
                    ),
                });
            }
            last_at = Some(d.body.at);
            if rec.seq < from {
                continue;
            }
            applier.apply(&d.body)?;
            last = Some(Applied {
                seq: rec.seq,
                hash: rec.hash,
            });
            n += 1;
            if applier.pending() >= APPLY_BATCH
                && let Some(a) = last
            {
                applier.write(a)?;
            }
        }
        if let Some(a) = last {
            applier.write(a)?;
        }
        self.forget_summaries();
        Ok(n)
    }

    /// What opening the store did: a cut torn tail, events replayed, a rebuilt state, a
    /// migration. The server writes it to its log.
    pub fn open_report(&self) -> &OpenReport {
        &self.report
    }

    /// The store directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The store's seal: seq and hash of the last event.
    pub fn seal(&self) -> domain::Seal {
        let tip = self.lock_tip();
        domain::Seal {
            seq: tip.seq,
            hash: tip.hash,
        }
    }

    /// Seq of the last committed event (0 for an empty store).
    pub fn last_seq(&self) -> u64 {
        self.last_seq.load(Ordering::Acquire)
    }

    /// Whether this process can no longer bring the state back (sled's old handle would not
    /// close after an I/O error): the server stops, and the next start rebuilds the state from
    /// the journal. Nothing acknowledged is lost: the journal holds it.
    pub fn must_restart(&self) -> bool {
        self.stuck.load(Ordering::Acquire)
    }

    fn stuck_error(&self) -> StoreError {
        StoreError::StateUnreadable {
            path: self.dir.clone(),
            why: "sled could not be closed after an I/O error (its files were probably removed); \
                  the server restarts and builds the state again from the journal"
                .into(),
        }
    }

    /// Whether the store directory and its journal are still the ones this store opened (not
    /// renamed, replaced or deleted under the server).
    pub fn still_in_place(&self) -> bool {
        self.journal_read().still_in_place().unwrap_or(false)
    }

    fn journal_read(&self) -> RwLockReadGuard<'_, Journal> {
        self.journal.read().unwrap_or_else(|p| p.into_inner())
    }

    fn journal_write(&self) -> RwLockWriteGuard<'_, Journal> {
        self.journal.write().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_tip(&self) -> MutexGuard<'_, Tip> {
        self.tip.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A sled error as the store reports it. An I/O error means sled may keep failing (it
    /// keeps the error) and that its memory may differ from its files: the state is closed and
    /// brought back from the journal before anything reads it again.
    fn sled_err(&self, e: sled::Error) -> StoreError {
        if matches!(e, sled::Error::Io(_)) && !lock::is_sled_lock_error(&e) {
            self.state_lost.store(true, Ordering::Release);
        }
        lock::from_sled(e, &self.dir)
    }

    /// sled's handles, once the state is what the journal says (brought back first if sled
    /// met an I/O error; see `state_lost`).
    fn sled(&self) -> Result<Sled, StoreError> {
        if self.state_lost.load(Ordering::Acquire) && !RECOVERING.with(|r| r.get()) {
            // Bring it back under the commit lock, unless a commit holds it (this thread's, or
            // another's that brings it back itself): then say that it is not ready.
            let behind = |e| match e {
                StoreError::NoSpace { free, .. } => StoreError::StateBehind {
                    path: self.dir.clone(),
                    free: Some(free),
                },
                e => e,
            };
            match self.tip.try_lock() {
                Ok(mut tip) => self.recover_state(&mut tip).map_err(behind)?,
                Err(std::sync::TryLockError::Poisoned(p)) => {
                    self.recover_state(&mut p.into_inner()).map_err(behind)?
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    return Err(StoreError::StateBehind {
                        path: self.dir.clone(),
                        free: None,
                    });
                }
            }
        }
        let slot = self.sled.read().unwrap_or_else(|p| p.into_inner());
        slot.clone().ok_or_else(|| StoreError::StateBehind {
            path: self.dir.clone(),
            free: None,
        })
    }

    /// The state tree (see [`Store::sled`]).
    fn tree(&self) -> Result<sled::Tree, StoreError> {
        Ok(self.sled()?.state)
    }

    /// The drafts tree (see [`Store::sled`]).
    fn drafts_tree(&self) -> Result<sled::Tree, StoreError> {
        Ok(self.sled()?.drafts)
    }

    fn db(&self) -> Result<sled::Db, StoreError> {
        Ok(self.sled()?.db)
    }

    /// For tests: the state tree as it is.
    #[cfg(test)]
    pub(crate) fn state_tree(&self) -> sled::Tree {
        let slot = self.sled.read().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().expect("sled is open").state.clone()
    }

    /// Close sled, open it again and apply the journal's events after its applied seq: after
    /// sled met an I/O error (which sled 0.34 keeps: every later write fails until it is
    /// opened again), the state is the journal's again, with no restart. Called with the
    /// commit lock held. Fails (the state stays lost, and is brought back at the next read or
    /// write) while the disk is still full.
    fn recover_state(&self, tip: &mut Tip) -> Result<(), StoreError> {
        let was = RECOVERING.with(|r| r.replace(true));
        let done = self.recover_state_now();
        RECOVERING.with(|r| r.set(was));
        match &done {
            Ok(n) => {
                self.state_lost.store(false, Ordering::Release);
                tip.state_behind = false;
                tracing::warn!(
                    "sled was closed and opened again after an I/O error; {n} event(s) of the \
                     journal applied to it: the state is the journal's again"
                );
            }
            Err(e) => {
                self.state_lost.store(true, Ordering::Release);
                // (A store that must restart has said so once, without "run rebuild": the next
                // start rebuilds by itself.)
                if !self.must_restart() {
                    tracing::error!(
                        "the state could not be brought back from the journal yet: {}",
                        e.message(l10n::Lang::En)
                    );
                }
            }
        }
        done.map(|_| ())
    }

    fn recover_state_now(&self) -> Result<u64, StoreError> {
        if self.must_restart() {
            return Err(self.stuck_error());
        }
        self.forget_summaries();
        let old = self.sled.write().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(old) = old {
            // sled flushes when its handle is dropped: it may fail, panic, or wait forever for
            // a write that cannot be made (its folder deleted during an import, the re-test of
            // issue 12: the server hung and ignored SIGTERM). The handle is closed on a thread
            // of its own and left behind after a few seconds.
            let (closed, done) = crossbeam_channel::bounded::<()>(1);
            let closer = std::thread::Builder::new()
                .name("sled-close".into())
                .spawn(move || {
                    let _ = guard::catch(move || drop(old));
                    let _ = closed.send(());
                });
            let waited = closer
                .map_err(|_| ())
                .and_then(|_| done.recv_timeout(OLD_SLED_CLOSE).map_err(|_| ()));
            if waited.is_err() {
                // Opening sled again would wait forever too (one lock for every sled of the
                // process, held by the stuck handle): only a new process gets out of it.
                self.stuck.store(true, Ordering::Release);
                tracing::error!(
                    "the old sled handle of {} did not close within {} s (its files were \
                     probably removed): the state cannot be brought back in this process; the \
                     server stops so that the next start builds it from the journal",
                    self.dir.display(),
                    OLD_SLED_CLOSE.as_secs()
                );
                return Err(self.stuck_error());
            }
        }
        #[cfg(test)]
        if self.test_disk_full.load(Ordering::Acquire) {
            return Err(self.sled_err(test_no_space()));
        }
        // sled is opened again only in the folder this store locked, never in one that
        // replaced it.
        if !self.still_in_place() {
            return Err(StoreError::Replaced {
                path: self.dir.clone(),
            });
        }
        // (A reader may still hold sled's handles for a moment: `open_sled` waits for them.)
        let opened = match open_sled(&self.dir) {
            Ok(s) => s,
            // Not readable: set aside, and everything applied again below.
            Err(e @ (StoreError::Corrupt { .. } | StoreError::StateUnreadable { .. })) => {
                let aside = lock::set_aside_sled(&self.dir)?;
                tracing::warn!("{}; the old files are kept in {aside}", log_reason(&e));
                open_sled(&self.dir)?
            }
            // A long read (an export) still holds the old handles: try again later.
            Err(StoreError::InUse { .. }) => {
                return Err(StoreError::StateBehind {
                    path: self.dir.clone(),
                    free: None,
                });
            }
            Err(e) => return Err(e),
        };
        *self.sled.write().unwrap_or_else(|p| p.into_inner()) = Some(Sled::new(opened));
        let applied = self
            .tree()?
            .get(layout::APPLIED_KEY)
            .map_err(|e| self.sled_err(e))?;
        match applied {
            Some(_) => self.catch_up_state(),
            None => {
                self.clear_state()?;
                self.apply_journal(1)
            }
        }
    }

    /// The stored group holding `key`.
    fn group(&self, key: &ItemKey) -> Result<Vec<StoredItem>, StoreError> {
        self.read_group(&layout::item_group_key(key), key.year, &key.unit)
    }

    /// The stored item, without its texts.
    fn stored_item(&self, key: &ItemKey) -> Result<Option<StoredItem>, StoreError> {
        if layout::check_item_key(key).is_err() {
            return Ok(None);
        }
        Ok(self
            .group(key)?
            .into_iter()
            .find(|s| s.item.key.leaf == key.leaf))
    }

    /// Items with their histories, group by group, without their texts.
    fn stored_items(&self, year: u16, unit: Option<&str>) -> Result<Vec<StoredItem>, StoreError> {
        if layout::check_year(year).is_err()
            || unit.is_some_and(|u| u.is_empty() || u.contains('/'))
        {
            return Ok(Vec::new());
        }
        if let Some(u) = unit {
            return self.read_group(&layout::unit_items_key(year, u), year, u);
        }
        let mut out = Vec::new();
        self.scan_year_items(year, &mut |s| out.push(s))?;
        Ok(out)
    }

    /// Every stored item of a year, group by group in key order, to `f`: only one group's
    /// items are decoded at a time (a year of the large scale has 200,000).
    fn scan_year_items(&self, year: u16, f: &mut dyn FnMut(StoredItem)) -> Result<(), StoreError> {
        let prefix = layout::year_items_prefix(year);
        for r in chunked::Chunked::prefix(&self.tree()?, prefix.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let Some((y, u)) = layout::parse_group_key(&k) else {
                continue;
            };
            let name = String::from_utf8_lossy(&k);
            state::decode_group(&v, y, u, &name)?
                .into_iter()
                .for_each(&mut *f);
        }
        Ok(())
    }

    /// Current state of one item with its texts, `None` if no event touched it.
    pub fn item(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        match self.stored_item(key)? {
            Some(s) => Ok(self.with_texts(vec![s])?.pop()),
            None => Ok(None),
        }
    }

    /// All items of a year, or of one unit in it, with their texts, in key order
    /// ("YYYY/unit/leaf" byte order).
    pub fn items(&self, year: u16, unit: Option<&str>) -> Result<Vec<Item>, StoreError> {
        let mut out = self.with_texts(self.stored_items(year, unit)?)?;
        // Groups come in key order; a code with a character below '.' after a group's code
        // could fall between two groups ("3.2-x" before "3.2.1"), so sort to be exact.
        out.sort_by(|a, b| {
            (a.key.unit.as_str(), a.key.leaf.as_str())
                .cmp(&(b.key.unit.as_str(), b.key.leaf.as_str()))
        });
        Ok(out)
    }

    /// The summaries of every item of a year ([`ItemSummary`]), unit by unit in code order,
    /// read from sled alone. The first call for a year reads its groups; later calls are
    /// answered from memory, which every commit keeps current.
    pub fn unit_summaries(&self, year: u16) -> Result<Vec<UnitSummaries>, StoreError> {
        self.with_summaries(year, SummaryCache::unit_summaries)
    }

    /// `f` of a year's summaries, read from sled the first time (an empty answer for a year
    /// the store cannot hold).
    fn with_summaries<R: Default>(
        &self,
        year: u16,
        f: impl FnOnce(&SummaryCache) -> R,
    ) -> Result<R, StoreError> {
        if layout::check_year(year).is_err() {
            return Ok(R::default());
        }
        if let Some(c) = self.summaries_lock().get(&year) {
            return Ok(f(c));
        }
        // Read under the commit lock, so no commit falls between the read and the cache.
        let _tip = self.lock_tip();
        let mut cache = SummaryCache::default();
        self.scan_year_items(year, &mut |s| cache.put(&s.item))?;
        let out = f(&cache);
        self.summaries_lock().insert(year, cache);
        Ok(out)
    }

    /// The totals of every unit of a year that has items (units in code order), or of the units
    /// named (each, with no items: zero), computed from the summaries the store keeps
    /// ([`Store::unit_summaries`]) without copying them.
    pub fn unit_totals(
        &self,
        year: u16,
        fw: &Framework,
        units: Option<&[String]>,
    ) -> Result<Vec<UnitTotals>, StoreError> {
        self.with_summaries(year, |c| c.totals(fw, units))
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
    fn update_summaries(&self, written: apply::Written) {
        let mut cache = self.summaries_lock();
        if cache.is_empty() {
            return;
        }
        let done = written.for_each(|item| {
            if let Some(c) = cache.get_mut(&item.key.year) {
                c.put(item);
            }
        });
        if done.is_err() {
            // Read again from sled when next asked.
            cache.clear();
        }
    }

    /// Forget every cached summary (the items were rewritten).
    fn forget_summaries(&self) {
        self.summaries_lock().clear();
    }

    /// A unit's stored state and history.
    fn stored_unit(&self, year: u16, unit: &str) -> Result<StoredUnit, StoreError> {
        self.read_unit(&layout::unit_key(year, unit))
    }

    /// A unit's appraisal state; the default (open) if never finalized.
    pub fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, StoreError> {
        if layout::check_year(year).is_err() || unit.is_empty() || unit.contains('/') {
            return Ok(UnitState::default());
        }
        Ok(self.stored_unit(year, unit)?.state)
    }

    /// Every unit of a year with a stored state (finalized at least once), by unit code.
    pub fn unit_states(&self, year: u16) -> Result<Vec<(String, UnitState)>, StoreError> {
        if layout::check_year(year).is_err() {
            return Ok(Vec::new());
        }
        let prefix = layout::year_units_prefix(year);
        chunked::Chunked::prefix(&self.tree()?, prefix.as_bytes())
            .map(|r| {
                let (k, v) = r.map_err(|e| self.sled_err(e))?;
                let key = String::from_utf8_lossy(&k).into_owned();
                let stored = state::decode_unit(&v, &key)?;
                let unit = key.get(prefix.len()..).unwrap_or_default().to_string();
                Ok((unit, stored.state))
            })
            .collect()
    }

    /// Opened years, ascending.
    pub fn years(&self) -> Result<Vec<u16>, StoreError> {
        let mut out = Vec::new();
        for r in self.tree()?.scan_prefix(layout::YEAR_PREFIX.as_bytes()) {
            let (k, _) = r.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&k);
            let year = key[layout::YEAR_PREFIX.len()..].parse().map_err(|_| {
                StoreError::corrupt(format!(
                    "state key \"{key}\" is not a year (run `thamdinh rebuild`)"
                ))
            })?;
            out.push(year);
        }
        Ok(out)
    }

    /// The framework and units sources of an opened year.
    pub fn year_data(&self, year: u16) -> Result<Option<YearData>, StoreError> {
        let k = layout::year_meta_key(year);
        match self
            .tree()?
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(state::decode_year(&v, &k)?)),
            None => Ok(None),
        }
    }

    /// The published results of a year (`import results`), if recorded.
    pub fn published(&self, year: u16) -> Result<Option<Published>, StoreError> {
        let k = layout::results_key(year);
        match self
            .tree()?
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(state::decode_published(&v, &k)?)),
            None => Ok(None),
        }
    }

    /// The years that have published results, in order.
    pub fn published_years(&self) -> Result<Vec<u16>, StoreError> {
        let mut out = Vec::new();
        for r in self.tree()?.scan_prefix(layout::RESULTS_PREFIX.as_bytes()) {
            let (k, _) = r.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&k);
            let year = key[layout::RESULTS_PREFIX.len()..].parse().map_err(|_| {
                StoreError::corrupt(format!(
                    "state key \"{key}\" is not a year (run `thamdinh rebuild`)"
                ))
            })?;
            out.push(year);
        }
        Ok(out)
    }

    /// The imports of survey responses of a year, in import order (issue 16).
    pub fn responses(&self, year: u16) -> Result<Vec<ResponseBatch>, StoreError> {
        let mut out = Vec::new();
        for r in self
            .tree()?
            .scan_prefix(layout::year_responses_prefix(year).as_bytes())
        {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            out.push(state::decode_batch(&v, &String::from_utf8_lossy(&k))?);
        }
        Ok(out)
    }

    /// Every import of responses, by its state key (for verify).
    pub(crate) fn all_responses(
        &self,
    ) -> Result<std::collections::BTreeMap<String, ResponseBatch>, StoreError> {
        let mut out = std::collections::BTreeMap::new();
        for r in self
            .tree()?
            .scan_prefix(layout::RESPONSES_PREFIX.as_bytes())
        {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let b = state::decode_batch(&v, &key)?;
            out.insert(key, b);
        }
        Ok(out)
    }

    /// The store's secret key for the respondents' keyed hashes (issue 16): 32 random bytes in
    /// `respondents.key` at the top of the store folder (0600, like the other private files),
    /// made at the first import of responses. It is not in the journal, so neither a backup nor
    /// anyone reading the record over the server sees it; a store restored into another folder
    /// gets a new key, so its later imports are not compared with the hashes made before.
    pub fn respondent_key(&self) -> Result<[u8; 32], StoreError> {
        use std::io::{Read, Write};
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.dir.join(layout::RESPONDENT_KEY_FILE);
        let read = |path: &Path| -> Result<Option<[u8; 32]>, StoreError> {
            match std::fs::read(path) {
                Ok(bytes) => {
                    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                        StoreError::corrupt(format!(
                            "{} is not 32 bytes long ({} bytes)",
                            path.display(),
                            bytes.len()
                        ))
                    })?;
                    Ok(Some(key))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(StoreError::io(path.to_path_buf(), e)),
            }
        };
        if let Some(k) = read(&path)? {
            return Ok(k);
        }
        let mut key = [0u8; 32];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut key))
            .map_err(|e| StoreError::io(PathBuf::from("/dev/urandom"), e))?;
        let made = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path);
        match made {
            Ok(mut f) => {
                f.write_all(&key)
                    .and_then(|()| f.sync_all())
                    .map_err(|e| StoreError::io(path.clone(), e))?;
                lock::sync_dir(&self.dir)?;
                Ok(key)
            }
            // Made by another command in between: use that one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                read(&path)?.ok_or_else(|| StoreError::io(path.clone(), e))
            }
            Err(e) => Err(StoreError::io(path, e)),
        }
    }

    /// The explanation rounds of a year, by number.
    pub fn rounds(&self, year: u16) -> Result<Vec<Round>, StoreError> {
        let mut out = Vec::new();
        for r in self
            .tree()?
            .scan_prefix(layout::year_rounds_prefix(year).as_bytes())
        {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            out.push(state::decode_round(&v, &String::from_utf8_lossy(&k))?);
        }
        Ok(out)
    }

    /// A year's official result (approved, published or reopened), `None` while never approved.
    pub fn official(&self, year: u16) -> Result<Option<Official>, StoreError> {
        let key = layout::official_key(year);
        match self
            .tree()?
            .get(key.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(state::decode_official(&v, &key)?)),
            None => Ok(None),
        }
    }

    /// Every year's official result as stored (verify compares them with the journal).
    pub(crate) fn officials(&self) -> Result<Vec<Official>, StoreError> {
        let mut out = Vec::new();
        for r in self.tree()?.scan_prefix(layout::OFFICIAL_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            out.push(state::decode_official(&v, &String::from_utf8_lossy(&k))?);
        }
        Ok(out)
    }
    /// The assignments of a year (by unit, then area, the whole unit first) and whether the
    /// year enforces them.
    pub fn assignments(&self, year: u16) -> Result<Assignments, StoreError> {
        let k = layout::enforced_key(year);
        let enforced = match self
            .tree()?
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => state::decode_enforced(&v, &k)?,
            None => false,
        };
        let mut out = Assignments {
            list: Vec::new(),
            enforced,
        };
        for r in self
            .tree()?
            .scan_prefix(layout::year_assign_prefix(year).as_bytes())
        {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            out.list
                .push(state::decode_assignment(&v, &String::from_utf8_lossy(&k))?);
        }
        Ok(out)
    }

    /// All members, by user name.
    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        let mut out = Vec::new();
        for r in self.tree()?.scan_prefix(layout::MEMBER_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let user = String::from_utf8_lossy(&k[layout::MEMBER_PREFIX.len()..]).into_owned();
            let role = state::decode_role(&v, &format!("member {user}"))?;
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
            .tree()?
            .get(k.as_bytes())
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Ok(Some(state::decode_role(&v, &format!("member {user}"))?)),
            None => Ok(None),
        }
    }
}

/// For tests: the error sled gives once a write met a full disk (its kept copy: the kind, and
/// the original's Debug text as the message).
#[cfg(test)]
fn test_no_space() -> sled::Error {
    sled::Error::Io(std::io::Error::new(
        std::io::ErrorKind::StorageFull,
        "Os { code: 28, kind: StorageFull, message: \"No space left on device\" }",
    ))
}

/// What the state says about a torn end of the journal after its head.
fn torn_check(state: &sled::Tree, journal: &Journal) -> TornCheck {
    let (head, _) = journal.head();
    let Ok(schema) = state.get(layout::SCHEMA_KEY) else {
        return TornCheck::Unknown;
    };
    let applied = match state.get(layout::APPLIED_KEY) {
        Ok(Some(v)) => match state::decode_applied(&v) {
            Ok(a) => Some(a),
            Err(_) => return TornCheck::Unknown,
        },
        Ok(None) => None,
        Err(_) => return TornCheck::Unknown,
    };
    match applied {
        // An empty store that never recorded an event.
        None if schema.is_some() && head == 0 => TornCheck::NeverRecorded,
        None => TornCheck::Unknown,
        Some(a) if a.seq > head => TornCheck::Recorded(a.seq),
        Some(a) if a.seq == 0 => TornCheck::NeverRecorded,
        // The state is this journal's (the same hash at its applied event).
        Some(a) => match journal.read(a.seq) {
            Ok(r) if r.hash == a.hash => TornCheck::NeverRecorded,
            _ => TornCheck::Unknown,
        },
    }
}

/// [`Store::catch_up`], a panic inside sled (damaged files it does not expect) being a state
/// that cannot be read.
fn guarded_catch_up(store: &mut Store) -> Result<(), StoreError> {
    let dir = store.dir.clone();
    guard::catch(|| store.catch_up()).unwrap_or_else(|why| Err(sled_panicked(&dir, why)))
}

/// Why sled could not be read, for the server's log line saying it was rebuilt (without the
/// advice to rebuild it).
fn log_reason(e: &StoreError) -> String {
    match e {
        StoreError::StateUnreadable { why, .. } => format!("sled cannot be read or trusted: {why}"),
        e => e.message(l10n::Lang::En),
    }
}

/// sled stopped on an internal error (a panic) while reading the store in `dir`.
fn sled_panicked(dir: &Path, why: String) -> StoreError {
    StoreError::StateUnreadable {
        path: dir.to_path_buf(),
        why: format!("sled stopped on an internal error ({why})"),
    }
}

/// Open sled in `DIR/sled` with the state and drafts trees. sled panics on some damaged files
/// instead of reporting them: that is a state that cannot be read too, never a crash.
///
/// The store's own lock is held whenever sled is opened, so sled's lock held by someone else is
/// this process's own handle going away (sled releases its file when its last thread lets go,
/// a moment after the handle is dropped): wait for it, up to [`SLED_RELEASE`].
fn open_sled(dir: &Path) -> Result<(sled::Db, sled::Tree, sled::Tree), StoreError> {
    let start = std::time::Instant::now();
    loop {
        let opened = guard::catch(|| open_sled_unguarded(dir))
            .unwrap_or_else(|why| Err(sled_panicked(dir, why)));
        match opened {
            Err(StoreError::InUse { .. }) if start.elapsed() < SLED_RELEASE => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            r => return r,
        }
    }
}

/// How long `open_sled` waits for a sled handle of this process that is going away.
const SLED_RELEASE: std::time::Duration = std::time::Duration::from_secs(3);

fn open_sled_unguarded(dir: &Path) -> Result<(sled::Db, sled::Tree, sled::Tree), StoreError> {
    let sled_dir = layout::sled_dir(dir);
    access::private_sled_dir(dir).map_err(|e| StoreError::io(&sled_dir, e))?;
    let db = sled::Config::new()
        .path(&sled_dir)
        .cache_capacity(CACHE_CAPACITY)
        .open()
        .map_err(|e| {
            if lock::is_sled_lock_error(&e) {
                StoreError::InUse {
                    path: dir.to_path_buf(),
                }
            } else {
                lock::from_sled(e, dir)
            }
        })?;
    let state = db
        .open_tree(layout::STATE)
        .map_err(|e| lock::from_sled(e, dir))?;
    let drafts = db
        .open_tree(layout::DRAFTS)
        .map_err(|e| lock::from_sled(e, dir))?;
    Ok((db, state, drafts))
}
