//! Whether a store exists in a directory and whether some process has it open, asked without
//! opening it: the client asks before starting a server, the server before serving. Only this
//! crate knows which files make a store.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};

/// The folder sled keeps its files in, inside the store directory.
pub(crate) fn sled_dir(dir: &Path) -> PathBuf {
    dir.join("sled")
}

/// The file sled locks (`flock`, exclusive) while a process has the store open.
fn lock_file(dir: &Path) -> PathBuf {
    sled_dir(dir).join("db")
}

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

/// Try to take the lock sled takes, without waiting.
pub(crate) fn probe_lock(dir: &Path) -> LockProbe {
    let file = match File::open(lock_file(dir)) {
        Ok(f) => f,
        Err(e) => return LockProbe::Unknown(e),
    };
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => LockProbe::Free(file),
        Err(rustix::io::Errno::WOULDBLOCK) => LockProbe::Held,
        Err(e) => LockProbe::Unknown(e.into()),
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
}
