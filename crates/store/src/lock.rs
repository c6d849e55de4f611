//! The store directory as files: its lock (one process serves a store), creating it with the
//! right modes, making directory changes durable, free space, and sled's errors as store
//! errors. Only this crate knows which files make a store.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::{FlockOperation, flock};

use super::error::StoreError;
use super::layout;

/// The result of trying the store's lock.
pub enum LockProbe {
    /// Nobody had it; we hold it until the guard is dropped (keep it short: a server starting
    /// now waits for it).
    Free(#[allow(dead_code)] File),
    /// Some process (a server or another command) has the store open.
    Held,
    /// The lock file cannot be opened (no store there, or no permission).
    Unknown(io::Error),
}

/// Open (creating it if needed, 0600, never following a link) the store's lock file.
fn open_lock_file(dir: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(layout::lock_file(dir))
}

/// Try to take the store's lock, without waiting and without opening the store. A store of
/// layout 2 (before the journal) had only sled's lock on `sled/db`: that is tried when there is
/// no lock file.
pub(crate) fn probe_lock(dir: &Path) -> LockProbe {
    let file = if layout::lock_file(dir).exists() || layout::journal_dir(dir).exists() {
        open_lock_file(dir)
    } else {
        File::open(layout::sled_dir(dir).join("db"))
    };
    let file = match file {
        Ok(f) => f,
        Err(e) => return LockProbe::Unknown(e),
    };
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => LockProbe::Free(file),
        Err(rustix::io::Errno::WOULDBLOCK) => LockProbe::Held,
        Err(e) => LockProbe::Unknown(e.into()),
    }
}

/// Take the store's lock for as long as the returned file is open; `InUse` if another process
/// has it.
/// Refused before anything is opened when another account could change or read the store
/// (see `access`).
pub(crate) fn take(dir: &Path) -> Result<File, StoreError> {
    let problems = crate::access::refusals(dir);
    if !problems.is_empty() {
        return Err(StoreError::Access {
            path: dir.to_path_buf(),
            problems,
        });
    }
    let path = layout::lock_file(dir);
    let file = open_lock_file(dir).map_err(|e| StoreError::io(&path, e))?;
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(file),
        Err(rustix::io::Errno::WOULDBLOCK) => Err(StoreError::InUse {
            path: dir.to_path_buf(),
        }),
        Err(e) => Err(StoreError::io(&path, e.into())),
    }
}

/// Create the store directory (and missing parents) with mode 0700.
pub(crate) fn create_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| StoreError::io(dir, e))
}

/// `fsync` a directory so new entries in it survive power loss.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    domain::durable::sync_dir(dir).map_err(|e| StoreError::io(dir, e))
}

/// Move a sled folder that cannot be read out of the way (`sled.damaged-<time>`), so the
/// state is built anew from the journal and the damaged files stay for inspection. Returns
/// where they went.
pub(crate) fn set_aside_sled(dir: &Path) -> Result<String, StoreError> {
    let from = layout::sled_dir(dir);
    if !from.exists() {
        return Ok("there was no sled folder".into());
    }
    let stamp = jiff::Timestamp::now().as_second();
    let mut name = format!("sled.damaged-{stamp}");
    let mut n = 1;
    while dir.join(&name).exists() {
        // Set aside twice in one second (a rebuild of a state that was just rebuilt).
        n += 1;
        name = format!("sled.damaged-{stamp}-{n}");
    }
    let to = dir.join(&name);
    std::fs::rename(&from, &to).map_err(|e| StoreError::io(&from, e))?;
    sync_dir(dir)?;
    Ok(name)
}

/// Free bytes on the file system of `dir` for this user, if the system says.
pub(crate) fn free_bytes(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

/// Is this sled error the "another process holds the lock" failure? sled reports it as an
/// `io::Error` of kind `Other` whose message says "could not acquire lock".
pub(crate) fn is_sled_lock_error(e: &sled::Error) -> bool {
    match e {
        sled::Error::Io(io) => {
            io.kind() == io::ErrorKind::Other && io.to_string().contains("could not acquire lock")
        }
        _ => false,
    }
}

/// A sled error that is not a lock conflict, naming the store's sled folder.
pub(crate) fn from_sled(e: sled::Error, dir: &Path) -> StoreError {
    let path = layout::sled_dir(dir);
    match e {
        // sled hands out copies of an error it keeps (from its background flush): the kind
        // stays, the OS code does not.
        sled::Error::Io(io)
            if io.raw_os_error() == Some(libc::ENOSPC)
                || io.kind() == io::ErrorKind::StorageFull =>
        {
            StoreError::NoSpace {
                free: free_bytes(dir).unwrap_or(0),
                needed: 0,
                path: dir.to_path_buf(),
            }
        }
        sled::Error::Io(io) => StoreError::io(path, io),
        // Damage sled found in its own files: the state cannot be read, and is rebuilt from
        // the journal. The message is the store's; sled's own words (English) are only quoted.
        // (Where sled found it, instead of its Debug text `Some(Inline(821659)) backtrace ()`.)
        sled::Error::Corruption { at, .. } => StoreError::StateUnreadable {
            path: dir.to_path_buf(),
            why: match at {
                Some(sled::DiskPtr::Inline(at)) => format!("damaged data at byte {at} of sled/db"),
                Some(sled::DiskPtr::Blob(at, blob)) => {
                    format!("damaged data at byte {at} of sled/db (blob {blob})")
                }
                None => "damaged data in sled's files".into(),
            },
        },
        sled::Error::Unsupported(_) | sled::Error::ReportableBug(_) => {
            StoreError::StateUnreadable {
                path: dir.to_path_buf(),
                why: e.to_string(),
            }
        }
        other => StoreError::Sled(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_probe_sees_an_open_store() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::Store::create(tmp.path()).unwrap();
        assert!(matches!(
            crate::Store::probe_lock(tmp.path()),
            LockProbe::Held
        ));
        drop(store);
        assert!(matches!(
            crate::Store::probe_lock(tmp.path()),
            LockProbe::Free(_)
        ));
        assert!(matches!(
            crate::Store::probe_lock(&tmp.path().join("nothing")),
            LockProbe::Unknown(_)
        ));
    }

    #[test]
    fn lock_error_is_recognised_only_by_its_message() {
        let lock = sled::Error::Io(io::Error::other(
            "could not acquire lock on \"/x/db\": Os { code: 11 }",
        ));
        assert!(is_sled_lock_error(&lock));
        let other = sled::Error::Io(io::Error::other("disk on fire"));
        assert!(!is_sled_lock_error(&other));
        assert!(!is_sled_lock_error(&sled::Error::Unsupported("x".into())));
    }
}
