//! Portable backups: the event log as JSON lines, and a restore that checks and replays it.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use domain::Event;
use l10n::Lang;

use super::Store;
use super::bulk::Bulk;
use super::codec::{self, HASH_LEN, ZERO_HASH};
use super::error::StoreError;
use super::layout;
use super::replay::Replay;

impl Store {
    /// Write every committed event (up to the last seq at the start) as one JSON line each: a
    /// `domain::Event`, i.e. the body fields plus `hash` in lower-case hex, in seq order. Returns
    /// the number of events written. An unreadable stored event stops the backup with `Corrupt`
    /// naming it.
    pub fn backup(&self, out: &mut dyn Write) -> Result<u64, StoreError> {
        let last = self.last_seq();
        let out_err = |e| StoreError::io(PathBuf::from("(backup output)"), e);
        let mut n = 0;
        for event in self.events(1) {
            let event = event?;
            if event.body.seq > last {
                break;
            }
            serde_json::to_writer(&mut *out, &event)
                .map_err(|e| out_err(std::io::Error::other(e)))?;
            out.write_all(b"\n").map_err(out_err)?;
            n += 1;
        }
        out.flush().map_err(out_err)?;
        Ok(n)
    }

    /// Create a new store in `dir` from a backup. Every line must parse as an event, seqs must
    /// run from 1 without gaps, and each event's hash must equal SHA-256(previous hash ‖
    /// canonical JSON of its body); the state is then built by applying the events. On any
    /// problem nothing is left behind (the store and any folder this created are removed) and
    /// the error names the line. Blank lines are ignored.
    pub fn restore(dir: &Path, input: &mut dyn BufRead) -> Result<Store, StoreError> {
        if dir.join("sled").exists() {
            return Err(StoreError::AlreadyExists {
                path: dir.to_path_buf(),
            });
        }
        // The topmost folder this call creates, to remove on failure.
        let mut created = None;
        for a in dir.ancestors() {
            if a.as_os_str().is_empty() || a.exists() {
                break;
            }
            created = Some(a.to_path_buf());
        }
        // Build the store aside and move it into place only once it is complete and durable, so
        // a restore killed half-way never leaves a store that opens with half the history.
        let staging = dir.join(".restoring");
        if staging.exists() {
            // What a killed restore left behind.
            std::fs::remove_dir_all(&staging).map_err(|e| StoreError::io(staging.clone(), e))?;
        }
        // `fill_from` makes the store durable; the store is closed before it is moved.
        let filled = Store::create(&staging).and_then(|store| store.fill_from(input));
        let moved = filled.and_then(|()| {
            std::fs::rename(staging.join("sled"), dir.join("sled"))
                .map_err(|e| StoreError::io(dir.join("sled"), e))?;
            sync_dir(dir)?;
            std::fs::remove_dir_all(&staging).map_err(|e| StoreError::io(staging.clone(), e))
        });
        match moved {
            Ok(()) => Store::open(dir),
            Err(e) => {
                // Best effort: the error that matters is the restore error.
                let _ = std::fs::remove_dir_all(&staging);
                if let Some(top) = created {
                    let _ = std::fs::remove_dir_all(top);
                }
                Err(e)
            }
        }
    }

    fn fill_from(&self, input: &mut dyn BufRead) -> Result<(), StoreError> {
        let mut tip = self.lock_tip();
        let mut replay = Replay::default();
        let mut bulk = Bulk::default();
        let mut prev = ZERO_HASH;
        let mut expected = 1u64;
        let mut line = 0usize;
        let mut buf = String::new();
        loop {
            buf.clear();
            let read = input.read_line(&mut buf).map_err(|e| StoreError::Restore {
                line: line + 1,
                reason: format!("cannot be read: {e}"),
            })?;
            if read == 0 {
                break;
            }
            line += 1;
            let text = buf.trim();
            if text.is_empty() {
                continue;
            }
            let bad = |reason: String| StoreError::Restore { line, reason };
            let event: Event =
                serde_json::from_str(text).map_err(|e| bad(format!("not an event: {e}")))?;
            let body = &event.body;
            if body.seq != expected {
                return Err(bad(format!(
                    "event {} where event {expected} was expected (events must run from 1 \
                     without gaps)",
                    body.seq
                )));
            }
            layout::check_user(&body.actor)
                .and_then(|()| layout::check_change(&body.change))
                .map_err(|e| bad(e.message(Lang::En)))?;
            let claimed: [u8; HASH_LEN] = hex::decode(&event.hash)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or_else(|| bad(format!("event {expected}: hash is not 64 hex digits")))?;
            let bytes = codec::body_bytes(body)?;
            let hash = codec::chain_hash(&prev, &bytes);
            if hash != claimed {
                return Err(bad(format!(
                    "event {expected}: its hash does not match its content and the previous \
                     event's hash (the line was altered)"
                )));
            }
            let full = bulk.add(&body.actor, expected, Some((&hash, &bytes)));
            replay.apply(body);
            prev = hash;
            expected += 1;
            if full {
                bulk.write(self)?;
            }
        }
        bulk.finish(self)?;
        self.write_state(&replay)?;
        self.write_head(expected - 1, &prev)?;
        self.set_tip(&mut tip, expected - 1, prev);
        self.make_durable(&mut tip)
    }
}

/// fsync a directory so a rename inside it is durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(dir.to_path_buf(), e))
}
